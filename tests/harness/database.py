"""The test session's database, decided once, the way `talk` decides it at run time.

TALK_DATABASE_URL's server if one is named (never second-guessed); else the talk's own
server if it answers and takes the login; else SQLite (demos.connection.decide is the
rule). Having decided, the session does what `talk` does: on the fallback it names the
SQLite file and the reason in this process's environment, so settings, child
processes, the doctor and served decks all take the same database without being told.
The session's SQLite file is its own (in its temporary folder), never the project's.

Tests run side by side in pytest-xdist workers (`make test` starts four). Demos create
tables and change rows, so each worker has a database of its own on the chosen server
(exampledb_gw0, exampledb_gw1: created and seeded by database.init, dropped when the
worker ends) and an SQLite file of its own; what the session hands its children names
that database.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from demos import connection
from demos.connection import driver_url
from demos.environment import ENV_VAR, FALLBACK_VAR


@dataclass(frozen=True)
class SessionDatabase:
    url: str
    fallback: str | None  # why SQLite, when the session fell back to it as `talk` would
    chosen: str  # the database demos.connection.decide chose, before a worker took its own

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    @property
    def workers_own(self) -> bool:
        """Whether this is a worker's database of its own on the chosen server."""
        return self.fallback is None and self.url != self.chosen

    @property
    def environment(self) -> dict[str, str]:
        """What this session hands its children: nothing when the choice is `talk`'s own."""
        if self.fallback is not None:
            return {ENV_VAR: self.url, FALLBACK_VAR: self.fallback}
        return {ENV_VAR: self.url} if self.workers_own else {}


def decide(sqlite_dir: Path, worker: str | None = None) -> SessionDatabase:
    """The session's database: demos.connection's choice, its SQLite file in sqlite_dir;
    a pytest-xdist worker (gw0, gw1, ...) gets a database of its own on a chosen server."""
    choice = connection.decide(timeout_s=2)
    if choice.fallback is not None:
        sqlite = f"sqlite:///{sqlite_dir / 'exampledb.sqlite3'}"
        return SessionDatabase(sqlite, choice.fallback, choice.url)
    url = make_url(choice.url)
    if worker is not None:
        url = url.set(database=f"{url.database or 'exampledb'}_{worker}")
    return SessionDatabase(url.render_as_string(hide_password=False), None, choice.url)


@contextmanager
def taken(database: SessionDatabase) -> Iterator[None]:
    """This process's environment as `talk` leaves it after choosing the database."""
    before = {name: os.environ.get(name) for name in (ENV_VAR, FALLBACK_VAR)}
    os.environ.update(database.environment)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if database.workers_own:
            _drop(database.url)


def _drop(url: str) -> None:
    """Drop a worker's database, leaving the server as the test run found it; a server
    that is gone by then keeps it (the tests that needed it have said so already)."""
    database = driver_url(url, asynchronous=False)
    server = create_engine(database.set(database=""), poolclass=NullPool)
    name = server.dialect.identifier_preparer.quote(database.database or "")
    try:
        with server.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
    except SQLAlchemyError:
        pass
    finally:
        server.dispose()
