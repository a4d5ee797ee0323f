"""Lazy loading under asyncio: todo.steps raises MissingGreenlet.

In sync code, touching ``todo.steps`` quietly runs a SELECT. Under asyncio an
attribute access cannot be awaited, so SQLAlchemy cannot do that I/O there
and raises ``MissingGreenlet`` instead. Look at the todo's title (loaded with
it), then the error when its steps are touched; lazy_load_fixed.py shows two
ways to load them, and how to make a forgotten load fail loudly.
"""

import asyncio
import gc
import warnings

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

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
        todo = await session.get_one(Todo, 1)
        print(f"todo {todo.id}: {todo.title}")
        try:
            print(todo.steps)  # a lazy load: needs I/O, not awaited
        except SQLAlchemyError as error:  # MissingGreenlet
            error = getattr(error, "orig", error)
            # headline: MissingGreenlet
            print(f"{type(error).__name__}: {error}")
    # endregion

    await engine.dispose()
    # aiosqlite leaves the failed cursor() coroutine unawaited: drop it quietly
    with warnings.catch_warnings(action="ignore", category=RuntimeWarning):
        gc.collect()


if __name__ == "__main__":
    asyncio.run(main())
