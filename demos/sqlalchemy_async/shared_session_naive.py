"""One AsyncSession, two tasks: one task's rollback loses the other's write.

A session is one transaction and one identity map, whichever task uses it.
Task 1 renames todo 1 and flushes: the UPDATE is sent, inside that one
transaction. While task 1 awaits something else, task 2 rolls back what it
thinks is its own work: the rollback takes the rename with it, and task 1's
commit afterwards commits nothing. No error anywhere. The story runs twice,
on a cold pool and on a warm one, with the same outcome: look at "in the
database", the old title both times.
"""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


# region slide
async def rename(session: AsyncSession, flushed: asyncio.Event) -> None:
    todo = await session.get_one(Todo, 1)
    todo.title = "Renamed by task 1"
    await session.flush()  # UPDATE sent, in the session's transaction
    flushed.set()
    await asyncio.sleep(0.1)  # awaits something else: task 2 runs
    await session.commit()
    print("task 1: renamed and committed")


async def give_up(session: AsyncSession, flushed: asyncio.Event) -> None:
    await flushed.wait()
    await session.rollback()  # meant for task 2's own work
    print("task 2: rolled back")


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    for pool in ("cold", "warm"):
        flushed = asyncio.Event()
        async with AsyncSession(engine) as session:  # shared by both
            await asyncio.gather(
                rename(session, flushed), give_up(session, flushed)
            )
        async with AsyncSession(engine) as session:
            todo = await session.get_one(Todo, 1)
            print(f"{pool} pool, in the database: {todo.title!r}")
    await engine.dispose()
    # endregion


if __name__ == "__main__":
    asyncio.run(main())
