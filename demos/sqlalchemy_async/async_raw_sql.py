"""Raw SQL on an AsyncConnection: text() with a bound parameter.

The raw SQL of the sync section, awaited. ``:priority`` is a bound parameter.
aiomysql and PyMySQL do not send it apart from the SQL: they escape the value
and write it into the statement on the client, so what a user types arrives
as data, never as SQL. Look at the priority-1 todos, in id order.
"""

import asyncio
from pprint import pprint

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from demos.connection import redirected  # OMIT

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )

    # region slide
    sql_statement = text(
        "SELECT id, title FROM todo WHERE priority = :priority ORDER BY id"
    )

    async with engine.connect() as connection:
        result = await connection.execute(sql_statement, {"priority": 1})

        pprint(result.fetchall())
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
