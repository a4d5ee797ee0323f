"""Read after commit: an expired attribute raises MissingGreenlet.

``commit()`` expires every object the session loaded, so that the next read
sees what the database holds now. That next read is a SELECT, and under
asyncio an attribute access cannot await one: ``MissingGreenlet`` again, with
no relationship in sight. Look at the title read before the commit, then the
error when the same attribute is read after it; expire_on_commit_fixed.py
keeps the loaded values.
"""

import asyncio
import warnings

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


async def main() -> None:
    # On SQLite the failed read below leaves aiosqlite's cursor() coroutine unawaited
    # (SQLAlchemy closes the __aenter__() it could not await, not the one inside), and
    # Python warns whenever the garbage collector frees it: on 3.12 often while the
    # slide's lines run. That warning is not the lesson; the run ignores it throughout.
    warnings.filterwarnings(
        "ignore",
        "coroutine 'Connection.cursor' was never awaited",
        RuntimeWarning,
    )
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )
    session_maker = async_sessionmaker(engine)

    # region slide
    async with session_maker() as session:
        todo = await session.get_one(Todo, 1)
        print(f"before commit: {todo.title}")
        await session.commit()  # expires todo: it must reload
        try:
            print(f"after commit: {todo.title}")  # I/O, not awaited
        except SQLAlchemyError as error:  # MissingGreenlet
            error = getattr(error, "orig", error)
            # headline: after commit: MissingGreenlet
            print(f"after commit: {type(error).__name__}: {error}")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
