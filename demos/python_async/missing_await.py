"""Forgetting await: a coroutine object printed, and nothing waited for.

``main()`` calls ``something_async()`` without ``await``, so the sleep never
runs: the program prints the coroutine object and exits at once, not after
3 s. Python notices, and writes "RuntimeWarning: coroutine 'something_async'
was never awaited" on stderr: that warning is the lesson.
"""

# region slide
import asyncio


async def something_async() -> str:
    # Wait 3 seconds
    await asyncio.sleep(3)

    return "I'm async (sortof) now!"


def main() -> None:
    result = something_async()

    print(result)


if __name__ == "__main__":
    main()
# endregion
