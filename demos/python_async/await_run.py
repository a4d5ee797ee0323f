"""await and asyncio.run: the coroutine finally runs, 3 s later.

``await`` waits for the coroutine's result (a ``str`` this time, not a
coroutine object), and ``asyncio.run`` runs ``main()`` on a new event loop;
when ``main()`` returns, it cancels any task still pending and closes the
loop. Look for the message after about 3 s.
"""

# region slide
import asyncio


async def something_async() -> str:
    # Wait 3 seconds
    await asyncio.sleep(3)

    return "Now we're cooking with fire!"


async def main() -> None:
    result = await something_async()

    print(result)


if __name__ == "__main__":
    asyncio.run(main())
# endregion
