"""The payoff: the same N server waits one by one, on threads, and gathered.

Each query is ``SELECT SLEEP(x)``: the server waits, like a slow report.
First one by one on a sync engine (pymysql); then on N threads, each with its
own connection from a sync pool; then with ``asyncio.gather`` on an async
engine (aiomysql), each task with its own connection. Pools are warmed first,
so only the queries are timed. Look at the wall times, and at the last column:
how many times longer one by one took than that way.
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from demos.connection import redirected  # OMIT

create_engine = redirected(create_engine)  # OMIT
create_async_engine = redirected(create_async_engine)  # OMIT
SYNC_URL = "mysql+pymysql://root:example@localhost/exampledb"
ASYNC_URL = "mysql+aiomysql://root:example@localhost/exampledb"


NAP = text("SELECT SLEEP(:s)")  # the server waits; so do we


def one_by_one(engine: Engine, n: int, s: float) -> None:
    for _ in range(n):
        sync_nap(engine, s)


def on_threads(engine: Engine, n: int, s: float) -> None:
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(sync_nap, [engine] * n, [s] * n))


# region slide
def sync_nap(engine: Engine, s: float) -> None:
    with engine.connect() as conn:  # from the pool, then back
        conn.execute(NAP, {"s": s})


async def async_nap(engine: AsyncEngine, s: float) -> None:
    async with engine.connect() as conn:  # one each
        await conn.execute(NAP, {"s": s})


async def tasks(engine: AsyncEngine, n: int, s: float) -> None:
    naps = [async_nap(engine, s) for _ in range(n)]
    await asyncio.gather(*naps)


# endregion


def time_sync(n: int, seconds: float, *, threads: bool) -> float:
    """Seconds for n SLEEP(seconds) on a sync engine, one by one or on n threads."""
    engine = create_engine(SYNC_URL, pool_size=n, max_overflow=0)
    try:
        warm = [engine.connect() for _ in range(n)]  # open all n connections
        for conn in warm:
            conn.close()
        start = time.perf_counter()
        (on_threads if threads else one_by_one)(engine, n, seconds)
        return time.perf_counter() - start
    finally:
        engine.dispose()


async def time_gathered(n: int, seconds: float) -> float:
    """Seconds for n SLEEP(seconds) gathered on an async engine."""
    engine = create_async_engine(ASYNC_URL, pool_size=n, max_overflow=0)
    try:
        await tasks(engine, n, 0)  # warm: open all n connections
        start = time.perf_counter()
        await tasks(engine, n, seconds)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def way(label: str) -> None:
    """A row's name, printed before its wait: the room sees which way is running."""
    print(f"{label:<18}", end="", flush=True)


def show(elapsed: float, alone: float) -> None:
    """The row's time, and how many times longer one by one took than it."""
    print(f"{elapsed:>6.2f} s {alone / elapsed:>6.1f}")


def main(n: int = 10, seconds: float = 0.3) -> None:
    # One row per way, a table at the code's size under the code on the slide.
    print(f"N = {n} queries of SELECT SLEEP({seconds})")
    way("one by one, sync")
    alone = time_sync(n, seconds, threads=False)
    show(alone, alone)
    way("N threads, sync")
    show(time_sync(n, seconds, threads=True), alone)
    # headline: gather, async
    way("gather, async")
    show(asyncio.run(time_gathered(n, seconds)), alone)
    print("last column: one by one / this")


if __name__ == "__main__":
    main()
