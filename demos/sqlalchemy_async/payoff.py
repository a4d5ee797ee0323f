"""The payoff: N server waits one by one, then all at once with asyncio.

Each query waits on the server (``SELECT SLEEP(x)``), like a slow report.
The sync engine (pymysql) runs them one after another; the async engine
(aiomysql) sends them on N pooled connections and the event loop waits for
all of them together. Pools are warmed first, so only the queries are timed.
Look at the speedup: close to N, as the batch takes about one query's time.
"""

import asyncio
import time

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from demos.connection import database_url

NAP = text("SELECT SLEEP(:seconds)")


# region slide
def one_after_another(engine: Engine, n: int, seconds: float) -> None:
    for _ in range(n):
        with engine.connect() as conn:
            conn.execute(NAP, {"seconds": seconds})


async def nap(engine: AsyncEngine, seconds: float) -> None:
    async with engine.connect() as conn:  # each task its own connection
        await conn.execute(NAP, {"seconds": seconds})


async def all_at_once(engine: AsyncEngine, n: int, seconds: float) -> None:
    await asyncio.gather(*(nap(engine, seconds) for _ in range(n)))


# endregion


def time_sequential(n: int, seconds: float) -> float:
    """Seconds for n SLEEP(seconds) queries in a row on the sync engine."""
    url = database_url("mysql+pymysql://root:example@localhost/exampledb")
    engine = create_engine(url)
    try:
        one_after_another(engine, 1, 0)  # warm: connect before timing
        start = time.perf_counter()
        one_after_another(engine, n, seconds)
        return time.perf_counter() - start
    finally:
        engine.dispose()


async def time_concurrent(n: int, seconds: float) -> float:
    """Seconds for n SLEEP(seconds) queries at once on the async engine."""
    url = database_url("mysql+aiomysql://root:example@localhost/exampledb")
    engine = create_async_engine(url, pool_size=n, max_overflow=0)
    try:
        await all_at_once(engine, n, 0)  # warm: open all n connections
        start = time.perf_counter()
        await all_at_once(engine, n, seconds)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def main(n: int = 10, seconds: float = 0.3) -> None:
    print(f"{n} queries, each SELECT SLEEP({seconds})")
    sequential = time_sequential(n, seconds)
    print(f"one after another (sync engine): {sequential:.2f} s", flush=True)
    concurrent = asyncio.run(time_concurrent(n, seconds))
    print(f"all at once (async engine):      {concurrent:.2f} s")
    print(f"speedup: {sequential / concurrent:.1f}x (the limit is {n}x)")


if __name__ == "__main__":
    main()
