"""A session per task: async_sessionmaker, and concurrent tasks just work.

``async_sessionmaker`` is a factory bound to the engine; each task opens its
own ``AsyncSession``, so each unit of work has its own connection from the
pool and the tasks really run at once. Look at the three titles, in order,
where shared_session_naive.py got errors.
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
async def title_of(
    session_maker: async_sessionmaker[AsyncSession], todo_id: int
) -> str:
    async with session_maker() as session:  # this task's own session
        todo = await session.get_one(Todo, todo_id)
        return todo.title


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    session_maker = async_sessionmaker(engine)

    titles = await asyncio.gather(
        *(title_of(session_maker, todo_id) for todo_id in (1, 2, 3))
    )
    for title in titles:
        print(f"ok: {title}")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
