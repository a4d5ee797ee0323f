"""A session per task: each task's commit and rollback are its own.

``async_sessionmaker`` is a factory bound to the engine; each task opens its
own ``AsyncSession``, so each has its own transaction and connection. Task
2's rollback undoes only task 2's work, and task 1's rename is committed, on
a cold pool and on a warm one. Look at "in the database": the new title,
where shared_session_naive.py lost it. (The demo puts the old title back.)
"""

import asyncio

from sqlalchemy.ext.asyncio import (
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


# region slide
async def rename(session_maker: async_sessionmaker[AsyncSession]) -> None:
    async with session_maker() as session:  # this task's own session
        todo = await session.get_one(Todo, 1)
        todo.title = "Renamed by task 1"
        await session.commit()
    print("task 1: renamed and committed")


async def give_up(session_maker: async_sessionmaker[AsyncSession]) -> None:
    async with session_maker() as session:  # and this one's
        await session.rollback()
    print("task 2: rolled back")


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    session_maker = async_sessionmaker(engine)
    for pool in ("cold", "warm"):
        await asyncio.gather(rename(session_maker), give_up(session_maker))
        async with session_maker() as session:
            todo = await session.get_one(Todo, 1)
            print(f"{pool} pool, in the database: {todo.title!r}")
            todo.title = "Write the talk outline"  # OMIT
            await session.commit()  # OMIT
    await engine.dispose()
    # endregion


if __name__ == "__main__":
    asyncio.run(main())
