"""One AsyncSession per request: a FastAPI dependency, served in-process.

A web app shares the engine and the ``async_sessionmaker``, never a session:
the dependency opens one session for each request, hands it to the handler,
and closes it when the response is sent, whatever happens. Three requests
are gathered, as a server would take them, by calling the app the way an
ASGI server does: in this process, no socket and no server to start. Look at
three replies, each from a session of its own, and the sessions still open
at the end: none.
"""

import asyncio
import json
from collections.abc import AsyncIterator, MutableMapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import (
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from demos.connection import redirected  # OMIT
from demos.sqlalchemy_async.models import Todo

create_async_engine = redirected(create_async_engine)  # OMIT

engine = create_async_engine(
    "mysql+aiomysql://root:example@localhost/exampledb"
)
session_maker = async_sessionmaker(engine, expire_on_commit=False)
app = FastAPI()
open_sessions: set[int] = set()


# region slide
async def get_session() -> AsyncIterator[AsyncSession]:
    async with session_maker() as session:  # one per request
        open_sessions.add(id(session))  # OMIT
        yield session  # closed after the response
        open_sessions.discard(id(session))  # OMIT


Session = Annotated[AsyncSession, Depends(get_session)]


@app.get("/todos/{todo_id}")
async def read_todo(todo_id: int, session: Session) -> dict[str, Any]:
    todo = await session.get_one(Todo, todo_id)
    return {"id": todo.id, "title": todo.title}


# endregion


async def fetch(path: str) -> tuple[int, Any]:
    """A GET request, as an ASGI server hands it to the app: no socket."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [],
        "server": ("talk", 80),
        "client": ("talk", 1),
        "root_path": "",
    }
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], json.loads(body)


async def main() -> None:
    replies = await asyncio.gather(*(fetch(f"/todos/{n}") for n in (1, 2, 3)))
    for status, todo in replies:
        print(f"{status} todo {todo['id']}: {todo['title']}")
    print(f"sessions still open: {len(open_sessions)}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
