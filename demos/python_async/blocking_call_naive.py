"""A blocking call inside a coroutine: gather takes about 3 s, not 1.

``time.sleep`` stands for any blocking call (a sync driver, ``requests``,
heavy CPU work): it never yields to the event loop, so the loop can run
nothing else meanwhile and the three "concurrent" waits run one by one.
Look at "It took 3.0... seconds, not 1"; blocking_call_fixed.py shows the
cure.
"""

import asyncio
import time


# region slide
async def fetch(name: str) -> str:
    time.sleep(1)  # blocks the whole event loop
    return f"{name} done"


async def main() -> None:
    start = time.perf_counter()
    result = await asyncio.gather(
        fetch("first"), fetch("second"), fetch("third")
    )
    elapsed = time.perf_counter() - start
    # headline: It took
    print(f"It took {elapsed:.3f} seconds, not 1\n")
    print(result)


# endregion


if __name__ == "__main__":
    asyncio.run(main())
