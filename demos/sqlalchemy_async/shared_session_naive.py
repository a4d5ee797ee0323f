"""One AsyncSession, two tasks: one task's rollback loses the other's write.

A session is one transaction and one identity map, whichever task uses it.
Task 1 renames todo 1 and flushes: the UPDATE is sent, inside that one
transaction. While task 1 awaits something else, task 2 rolls back what it
thinks is its own work: the rollback takes the rename with it, and task 1's
commit afterwards commits nothing. No error anywhere. The story runs twice,
on a cold pool and on a warm one, with the same outcome: look at "in the
database", the old title both times, and no error raised.
"""

import asyncio
from asyncio import Event

from sqlalchemy import select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    create_async_engine,
)

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


# region slide
async def rename(session: AsyncSession, sent: Event) -> None:
    todo = await session.get_one(Todo, 1)
    todo.title = "Renamed by task 1"
    await session.flush()  # UPDATE sent, in the one transaction
    sent.set()
    await asyncio.sleep(0.1)  # other work: task 2 runs
    await session.commit()


async def give_up(session: AsyncSession, sent: Event) -> None:
    await sent.wait()
    await session.rollback()  # meant for task 2's own work


# endregion


async def story(engine: AsyncEngine, pool: str) -> None:
    async with AsyncSession(engine) as session:  # shared by both tasks
        sent = Event()
        await asyncio.gather(rename(session, sent), give_up(session, sent))
        title = await session.scalar(select(Todo.title).where(Todo.id == 1))
    print(f"{pool} pool: no error; in the database: {title!r}")


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    await story(engine, "cold")  # the first task opens a connection
    await story(engine, "warm")  # the pool has a connection ready
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
