"""create_async_engine: the same pool, with an asyncio driver (aiomysql).

Only the URL's driver changes, ``mysql+aiomysql``, and every call that talks
to the server is awaited: ``connect()``, ``execute()`` and ``dispose()``, which
closes the pool's connections before the event loop ends. Look at the answer
to SELECT 1, and the server that answered: MariaDB or mysql (MySQL), with its
version, and the driver that asked. MariaDB answers to mysql:// URLs too;
only the dialect knows which one it is (server.py).
"""

import asyncio

# region slide
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.server import server_of  # OMIT

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    async with engine.connect() as conn:
        result = await conn.execute(text("SELECT 1"))
        print(f"SELECT 1 -> {result.scalar_one()}")
        print(f"server: {server_of(conn)}")  # and the driver
    await engine.dispose()


# endregion


if __name__ == "__main__":
    asyncio.run(main())
