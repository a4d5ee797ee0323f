"""asyncio.timeout around a slow query: Python stops waiting; the server?

``asyncio.timeout(0.5)`` cancels the task awaiting ``SELECT SLEEP(3)``, and
the code after the block runs at once. Cancelling stops the waiting, in this
process only: MariaDB and MySQL go on running the query, so a second
connection finds it in the process list and ends it with ``KILL QUERY``.
SQLite has no server: the query runs on aiosqlite's worker thread in this
process, which is busy until the query ends, and the timeout only lands then
(3 s). Look at "timed out after", then at what is still running, and where.
"""

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from demos.connection import redirected  # OMIT

create_async_engine = redirected(create_async_engine)  # OMIT

# The slow query, found by its alias in the server's process list: this
# database's only, as another database's run of this demo is not ours to end.
STILL_RUNNING = text(
    "SELECT id FROM information_schema.processlist"
    " WHERE info LIKE '%slow_report' AND db = DATABASE()"
    " AND id <> CONNECTION_ID()"
)


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    # The pool's connection made before the clock starts, so that the timeout
    # can only land on the query: a first connect's set-up (and on SQLite its
    # thread) once ran past 0.5 s on a loaded machine, and the timeout
    # cancelled the connect instead, before any query was sent.
    async with engine.connect() as ready:
        await ready.execute(text("SELECT 1"))
    # region slide
    slow = text("SELECT SLEEP(3) AS slow_report")
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(0.5):
            async with engine.connect() as conn:
                await conn.execute(slow)
    except TimeoutError:
        # headline: timed out after
        print(f"timed out after {time.perf_counter() - t0:.1f} s")

    async with engine.connect() as other:  # a second connection
        if other.dialect.name == "sqlite":  # OMIT
            print("SQLite: no server; the query ran to its end on")  # OMIT
            print("aiosqlite's thread, and the timeout landed then")  # OMIT
            return await engine.dispose()  # OMIT
        ids = (await other.execute(STILL_RUNNING)).scalars().all()
        print(f"queries still running on the server: {len(ids)}")
        # endregion
        for query_id in ids:  # ids the server gave: never user input
            await other.execute(text(f"KILL QUERY {query_id}"))
        # KILL only sets a flag the query's thread checks at intervals:
        # look again for up to a second before counting what is left.
        for _ in range(20):
            ids = (await other.execute(STILL_RUNNING)).scalars().all()
            if not ids:
                break
            await asyncio.sleep(0.05)
        print(f"after KILL QUERY: {len(ids)}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
