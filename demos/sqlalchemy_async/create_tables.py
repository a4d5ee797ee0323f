"""Create tables from the models: run_sync(Base.metadata.create_all).

``create_all`` is a synchronous API; ``AsyncConnection.run_sync`` runs it on
the async connection, so the same DDL code serves both worlds. It checks
first and creates only missing tables: on the seeded database it changes
nothing, and the rows stay as they were. Look at the tables before and after,
and at the row counts.
"""

import asyncio

from sqlalchemy import Connection, func, inspect, select
from sqlalchemy.ext.asyncio import create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Base

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )

    # region slide
    def model_tables(sync_conn: Connection) -> list[str]:  # sync code
        names = set(inspect(sync_conn).get_table_names())
        return [name for name in Base.metadata.tables if name in names]

    async with engine.begin() as conn:
        print(f"before: {', '.join(await conn.run_sync(model_tables))}")
        await conn.run_sync(Base.metadata.create_all)
        print(f"after: {', '.join(await conn.run_sync(model_tables))}")
    # endregion

    async with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            count = await conn.scalar(select(func.count()).select_from(table))
            print(f"rows in {table.name}: {count}")

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
