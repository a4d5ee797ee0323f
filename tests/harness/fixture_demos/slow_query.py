"""Starts a 30 s SELECT SLEEP on the async driver: a database can vanish while it waits."""

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from demos.connection import database_url


async def main() -> None:
    engine = create_async_engine(database_url("mysql+aiomysql://root:example@localhost/exampledb"))
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            print("connected, sleeping", flush=True)
            await conn.execute(text("SELECT SLEEP(30)"))
        print("woke up")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
