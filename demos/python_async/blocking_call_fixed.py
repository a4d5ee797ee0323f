"""Keeping the event loop free: asyncio.sleep, or to_thread, about 1 s.

Two cures for a blocking call in a coroutine. Use the async version when one
exists (``await asyncio.sleep``, an async driver); when a library only blocks,
``asyncio.to_thread`` runs it on a worker thread and gives the loop an
awaitable. Look at both times: about 1 s each, not 3.
"""

import asyncio
import time


# region slide
async def fetch(name: str) -> str:
    await asyncio.sleep(1)  # yields to the event loop
    return f"{name} done"


def blocking_fetch(name: str) -> str:
    time.sleep(1)  # a library call we cannot make async
    return f"{name} done"


async def main() -> None:
    start = time.perf_counter()
    result = await asyncio.gather(
        fetch("first"), fetch("second"), fetch("third")
    )
    elapsed = time.perf_counter() - start
    # headline: asyncio.sleep: it took
    print(f"asyncio.sleep: it took {elapsed:.3f} seconds")
    print(result)
    start = time.perf_counter()
    result = await asyncio.gather(
        asyncio.to_thread(blocking_fetch, "first"),
        asyncio.to_thread(blocking_fetch, "second"),
        asyncio.to_thread(blocking_fetch, "third"),
    )
    # endregion
    elapsed = time.perf_counter() - start
    # headline: asyncio.to_thread: it took
    print(f"\nasyncio.to_thread: it took {elapsed:.3f} seconds")
    print(result)


if __name__ == "__main__":
    asyncio.run(main())
