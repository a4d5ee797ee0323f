"""A session per task: each task's commit and rollback are its own.

``async_sessionmaker`` is a factory bound to the engine; each task opens its
own ``AsyncSession``, so each has its own transaction and connection. Task
2's rollback undoes only task 2's work, and task 1's rename is committed, on
a cold pool and on a warm one. Look at "in the database": the new title,
where shared_session_naive.py lost it. (The demo puts the old title back.)
"""

import asyncio

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import (
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


# region slide
Sessions = async_sessionmaker[AsyncSession]


async def rename(session_maker: Sessions) -> None:
    async with session_maker() as session:  # this task's own session
        todo = await session.get_one(Todo, 1)
        todo.title = "Renamed by task 1"
        await session.commit()


async def give_up(session_maker: Sessions) -> None:
    async with session_maker() as session:  # and this task's
        await session.rollback()


async def story(session_maker: Sessions, pool: str) -> None:
    await asyncio.gather(rename(session_maker), give_up(session_maker))
    async with session_maker() as session:
        title = await session.scalar(select(Todo.title).where(Todo.id == 1))
    print(f"{pool} pool: no error; in the database: {title!r}")
    # endregion


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    session_maker = async_sessionmaker(engine)  # share this, not a session
    for pool in ("cold", "warm"):
        await story(session_maker, pool)
        async with session_maker.begin() as session:  # put the title back
            old_title = "Write the talk outline"
            put_back = update(Todo).where(Todo.id == 1).values(title=old_title)
            await session.execute(put_back)
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
