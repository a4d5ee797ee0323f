"""Forgetting await, then await and asyncio.run: the coroutine runs, 3 s later.

``main()`` first calls ``something_async()`` without ``await``: that gives a
coroutine object, printed, and never run; Python writes "RuntimeWarning:
coroutine 'something_async' was never awaited" on stderr as the object goes.
Then it awaits the same call: ``await`` waits for the coroutine's result (a
``str`` this time), and ``asyncio.run`` runs ``main()`` on a new event loop;
when ``main()`` returns, it cancels any task still pending and closes the
loop. Look at the object, the warning, then the message after about 3 s.
"""

# region slide
import asyncio


async def something_async() -> str:
    await asyncio.sleep(3)  # wait 3 seconds
    return "Now we're cooking with fire!"


async def main() -> None:
    print(something_async())  # forgot await: a coroutine object
    print(await something_async())  # awaited: its result


if __name__ == "__main__":
    asyncio.run(main())
# endregion
