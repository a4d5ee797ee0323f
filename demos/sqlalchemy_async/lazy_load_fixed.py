"""Relationships under asyncio: selectinload, awaitable_attrs, raiseload.

Two fixes for lazy_load_naive.py, and a guard. ``selectinload(Todo.steps)``
loads the steps eagerly, in a second SELECT awaited with the query, so
``todo.steps`` is plain data afterwards. When you only sometimes need them,
``await todo.awaitable_attrs.steps`` (from ``AsyncAttrs`` on the models'
Base) runs the lazy load as an awaitable. And ``raiseload`` (or
``lazy="raise"`` on the relationship) turns a load you forgot into an
immediate, clear error instead of hidden I/O. Look at the same steps both
ways, then at the raiseload error.
"""

import asyncio

from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import raiseload, selectinload

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    session_maker = async_sessionmaker(engine)

    # region slide
    async with session_maker() as session:
        # Eager: the steps arrive with the todo
        eager = [selectinload(Todo.steps)]
        todo = await session.get_one(Todo, 1, options=eager)
        print(f"selectinload, todo {todo.id}: {[s.text for s in todo.steps]}")

    async with session_maker() as session:
        # Lazy, but awaited: the SELECT runs when asked for
        todo = await session.get_one(Todo, 1)
        steps = await todo.awaitable_attrs.steps
        print(f"awaitable_attrs, todo {todo.id}: {[s.text for s in steps]}")

    async with session_maker() as session:
        # Strict: a load nobody asked for fails at once, sync or async
        strict = [raiseload(Todo.steps)]
        todo = await session.get_one(Todo, 1, options=strict)
        try:
            print(todo.steps)
        except InvalidRequestError as error:
            print(f"raiseload: {error}")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
