"""One AsyncSession shared by concurrent tasks: here SQLAlchemy refuses.

A session is one unit of work on one connection, not safe to use from two
tasks at once. Here three tasks run a query each on the same session with
``gather``: the first task gets the session's connection, and SQLAlchemy
notices the other two and refuses them. Its detection is best-effort: other
overlaps go unnoticed and fail later, or worse. Look at one "ok" and two
InvalidRequestError lines (caught and printed); shared_session_fixed.py
gives each task a session of its own.
"""

import asyncio

from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT


async def title_of(session: AsyncSession, todo_id: int) -> str:
    todo = await session.get_one(Todo, todo_id)
    return todo.title


async def main() -> None:
    engine = create_async_engine(
        "mysql+aiomysql://root:example@localhost/exampledb"
    )

    # region slide
    async with AsyncSession(engine) as session:  # one session for all tasks
        results = await asyncio.gather(
            *(title_of(session, todo_id) for todo_id in (1, 2, 3)),
            return_exceptions=True,  # let every task finish before closing
        )
    for result in results:
        if isinstance(result, InvalidRequestError):
            print(f"{type(result).__name__}: {str(result).splitlines()[0]}")
        # Not the lesson: any other failure (no database) ends the demo.  # OMIT
        elif isinstance(result, BaseException):  # OMIT
            raise result  # OMIT
        else:
            print(f"ok: {result}")
    # endregion

    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
