"""Awaits in a row, then asyncio.gather: about 3 s, then about 1 s.

Each of me_first, me_second and me_third (sequential_awaits.py) sleeps a second.
Awaited one after another, each waits for the one before: about 3 s, no
faster than synchronous code. ``gather`` wraps each coroutine in a Task, so
all three are under way at once and their sleeps overlap: the total is the
longest one, not the sum. Look at "One by one: 3.0 s", then "It took
1.0... seconds", then the results, in the order given.
"""

import asyncio
import time

# The three coroutines of the backup slide, sequential_awaits.py
from demos.python_async.sequential_awaits import me_first, me_second, me_third


# region slide
async def main() -> None:
    start = time.perf_counter()
    for coroutine in (me_first(), me_second(), me_third()):
        print(await coroutine)  # one after another
    print(f"One by one: {time.perf_counter() - start:.1f} s\n")

    start = time.perf_counter()
    coroutines = [me_first(), me_second(), me_third()]
    result = await asyncio.gather(*coroutines)  # all under way
    elapsed = time.perf_counter() - start
    # headline: It took
    print(f"It took {elapsed:.3f} seconds, gathered")
    print(result)


# endregion


if __name__ == "__main__":
    asyncio.run(main())
