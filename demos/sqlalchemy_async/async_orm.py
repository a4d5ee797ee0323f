"""AsyncSession and select(): three todos and the count, awaited.

The ORM query of the sync section, unchanged but for the awaits: an
``async_sessionmaker`` makes ``AsyncSession`` objects, and ``scalars()`` /
``scalar()`` are awaited because they wait on the server. ``Todo`` comes from
models.py. Look at the same three todos, then "There are 20 ...".
"""

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    # region slide
    session_maker = async_sessionmaker(engine)

    async with session_maker() as session:
        first_three = select(Todo).order_by(Todo.id).limit(3)
        for todo in await session.scalars(first_three):
            where = f"id {todo.id} and priority {todo.priority}"
            print(f"A todo with {where}: {todo.title}")

        count = select(func.count()).select_from(Todo)
        number = await session.scalar(count)
        print(f"\nThere are {number} todo entities in the database")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
