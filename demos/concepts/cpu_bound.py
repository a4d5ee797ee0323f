"""CPU-bound work four ways: only processes beat the GIL.

The same sums of squares run one after another, on threads, on processes and
as asyncio tasks. Each line gives the wall time and how many cores were busy
on average (CPU seconds, ours and our children's, per wall second). Threads
and tasks keep one core busy, like the sequential run: the GIL lets one
thread run Python at a time, and the event loop runs one task at a time
anyway. Processes each have their own interpreter and GIL, so they can keep
every core busy: on 2 cores, about 2, and about half the time when nothing
else runs. Look at the first line, whether this Python has a GIL (a
free-threaded build may not) and how many cores it may use, then at "cores
busy".
"""

import asyncio
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import (
    Executor,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)

CHUNKS = 4
CHUNK_SIZE = 4_000_000


# region slide
def sum_of_squares(n: int) -> int:
    return sum(i * i for i in range(n))


def on_pool(pool_type: Callable[[int], Executor]) -> None:
    with pool_type(CHUNKS) as pool:  # threads, or processes
        list(pool.map(sum_of_squares, [CHUNK_SIZE] * CHUNKS))


async def square_task(n: int) -> int:
    return sum_of_squares(n)  # never awaits: no switch


# endregion


def sequential() -> None:
    for _ in range(CHUNKS):
        sum_of_squares(CHUNK_SIZE)


async def gather_tasks() -> None:
    await asyncio.gather(*(square_task(CHUNK_SIZE) for _ in range(CHUNKS)))


def as_asyncio_tasks() -> None:
    asyncio.run(gather_tasks())


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children."""
    times = os.times()
    return sum(times[:4])  # user, system, children's user and system


def timed(label: str, work: Callable[[], None]) -> None:
    start, cpu = time.perf_counter(), cpu_seconds()
    work()
    wall = time.perf_counter() - start
    busy = (cpu_seconds() - cpu) / wall
    print(f"{label:<15} {wall:.2f} s, {busy:.1f} cores busy", flush=True)


def main() -> None:
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()  # 3.13+ can say no
    cores = getattr(os, "process_cpu_count", os.cpu_count)()  # 3.13+: usable
    print(f"GIL enabled: {gil}, cores: {cores}\n")
    timed("sequential", sequential)
    timed("threads", lambda: on_pool(ThreadPoolExecutor))
    timed("processes", lambda: on_pool(ProcessPoolExecutor))
    timed("asyncio tasks", as_asyncio_tasks)


if __name__ == "__main__":
    main()
