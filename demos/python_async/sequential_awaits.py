"""Three awaits in a row: about 3 s, no faster than synchronous code.

Each ``await`` waits for its coroutine to finish before the next one starts,
so three one-second waits add up. Look at "It took 3.0... seconds".
"""

import asyncio
import time


# region slide
async def me_first() -> str:
    await asyncio.sleep(1)
    return "I'm first!"


async def me_second() -> str:
    await asyncio.sleep(1)
    return "Then me!"


async def me_third() -> str:
    await asyncio.sleep(1)
    return "And finally me!"


async def main() -> None:
    start = time.perf_counter()
    first_result = await me_first()
    second_result = await me_second()
    third_result = await me_third()
    elapsed = time.perf_counter() - start
    # headline: It took
    print(f"It took {elapsed:.3f} seconds to complete all operations\n")
    print(first_result, second_result, third_result, sep="\n")


# endregion


if __name__ == "__main__":
    asyncio.run(main())
