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


# region slide
NAP = text("SELECT SLEEP(:seconds)")  # the server waits; so do we


def sync_nap(engine: Engine, seconds: float) -> None:
    with engine.connect() as conn:  # borrowed from the pool, given back
        conn.execute(NAP, {"seconds": seconds})


async def async_nap(engine: AsyncEngine, seconds: float) -> None:
    async with engine.connect() as conn:  # each task its own connection
        await conn.execute(NAP, {"seconds": seconds})


def one_by_one(engine: Engine, n: int, seconds: float) -> None:
    for _ in range(n):
        sync_nap(engine, seconds)


def on_threads(engine: Engine, n: int, seconds: float) -> None:
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(sync_nap, [engine] * n, [seconds] * n))


async def gathered(engine: AsyncEngine, n: int, seconds: float) -> None:
    await asyncio.gather(*(async_nap(engine, seconds) for _ in range(n)))


# endregion


def time_sync(n: int, seconds: float, *, threads: bool) -> float:
    """Seconds for n SLEEP(seconds) on a sync engine, one by one or on n threads."""
    engine = create_engine(SYNC_URL, pool_size=n, max_overflow=0)
    try:
        for conn in [
            engine.connect() for _ in range(n)
        ]:  # warm: n connections
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
        await gathered(engine, n, 0)  # warm: open all n connections
        start = time.perf_counter()
        await gathered(engine, n, seconds)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def main(n: int = 10, seconds: float = 0.3) -> None:
    print(f"SELECT SLEEP({seconds}), N = {n} times\n")
    print(f"{'':32}{'wall time':>10}  one by one / this")
    alone = time_sync(n, seconds, threads=False)
    threaded = time_sync(n, seconds, threads=True)
    together = asyncio.run(time_gathered(n, seconds))
    for label, elapsed in [
        ("one by one (sync engine)", alone),
        ("N threads (sync engine)", threaded),
        ("gather (async engine)", together),
    ]:
        print(f"{label:<32}{elapsed:>8.2f} s  {alone / elapsed:>6.1f}")


if __name__ == "__main__":
    main()
