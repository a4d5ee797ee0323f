"""Read after commit: an expired attribute raises MissingGreenlet.

``commit()`` expires every object the session loaded, so that the next read
sees what the database holds now. That next read is a SELECT, and under
asyncio an attribute access cannot await one: ``MissingGreenlet`` again, with
no relationship in sight. Look at the title read before the commit, then the
error when the same attribute is read after it; expire_on_commit_fixed.py
keeps the loaded values.
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
        print(f"before commit: {todo.title}")
        await session.commit()  # expires todo: every attribute must reload
        try:
            print(f"after commit: {todo.title}")  # a SELECT, not awaited
        except SQLAlchemyError as error:  # MissingGreenlet, perhaps wrapped
            error = getattr(error, "orig", error)
            print(f"after commit: {type(error).__name__}: {error}")
    # endregion

    await engine.dispose()
    # aiosqlite leaves the failed cursor() coroutine unawaited: drop it quietly
    with warnings.catch_warnings(action="ignore", category=RuntimeWarning):
        gc.collect()


if __name__ == "__main__":
    asyncio.run(main())
