"""Read after commit, fixed: async_sessionmaker(..., expire_on_commit=False).

With ``expire_on_commit=False`` the session keeps the values it loaded when
it commits, so reading them afterwards needs no I/O. The setting
SQLAlchemy's asyncio examples use; the price is that they are what was
loaded, not a fresh read (``await session.refresh(todo)`` fetches them
again, awaited). Look at the same title before and after the commit.
"""

import asyncio

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )

    # region slide
    session_maker = async_sessionmaker(engine, expire_on_commit=False)

    async with session_maker() as session:
        todo = await session.get_one(Todo, 1)
        print(f"before commit: {todo.title}")
        await session.commit()  # todo keeps the values it loaded
        print(f"after commit: {todo.title}")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
