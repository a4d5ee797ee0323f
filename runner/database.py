"""The demo database: its seed rows, `talk db init`, and a quick reachability probe."""

import sqlite3
from dataclasses import dataclass

from sqlalchemy import create_engine, delete, insert, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from demos.connection import describe, driver_url
from demos.sqlalchemy_async.models import Base, Step, Todo

SEED_TODOS: tuple[tuple[str, str, int], ...] = (
    ("Write the talk outline", "Four sections, twenty minutes, one story", 1),
    ("Book the venue projector", "Check it takes HDMI and 1920x1080", 2),
    ("Record a backup video", "In case the Wi-Fi and the demo gods disagree", 3),
    ("Upgrade to SQLAlchemy 2", "Replace session.query with select()", 1),
    ("Benchmark gather vs sequential", "Twenty SLEEP(0.2) queries each way", 2),
    ("Renew the TLS certificate", "Expires at the end of the month", 1),
    ("Migrate the todo table", "Add an index on priority", 3),
    ("Review the pull request", "The one that adds aiomysql", 2),
    ("Fix the flaky test", "It only fails on Mondays", 2),
    ("Update the README", "Explain TALK_DATABASE_URL", 3),
    ("Plan the team offsite", "Somewhere with reliable coffee", 4),
    ("Pay the cloud bill", "Before the credit card expires", 1),
    ("Read PEP 703", "Free-threaded CPython, the GIL made optional", 3),
    ("Try Python 3.13t", "Run the CPU-bound demo without the GIL", 4),
    ("Clean the inbox", "Archive everything older than a month", 5),
    ("Answer the conference CFP", "Deadline is Friday", 1),
    ("Back up the database", "mysqldump exampledb to cold storage", 2),
    ("Rotate the API keys", "All of them, not just the old ones", 2),
    ("Order more stickers", "The asyncio ones ran out", 5),
    ("Celebrate the release", "Cake for everyone on the team", 4),
)
SEED_STEPS: tuple[tuple[int, str], ...] = (
    (1, "List the four sections"),
    (1, "Give each a time budget"),
    (1, "Write the speaker notes"),
    (2, "Email the venue"),
    (2, "Pack an HDMI adapter"),
    (3, "Screen-record every demo"),
    (4, "Run the test suite on 2.x"),
    (4, "Remove declarative_base imports"),
    (5, "Size the pool to N"),
    (5, "Plot the speedup"),
)


_MYSQL_UNKNOWN_DATABASE = 1049  # ER_BAD_DB_ERROR: the server answers, the database is missing


@dataclass(frozen=True)
class Health:
    backend: str
    reachable: bool
    url: str
    error: str | None = None


def init(server_url: str | URL) -> int:
    """Create the tables and make their rows exactly the seed, however often it runs.

    A server that answers but lacks the database gets it created first.
    """
    url = driver_url(server_url, asynchronous=False)
    _create_missing_database(url)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(delete(Step))
        conn.execute(delete(Todo))
        conn.execute(
            insert(Todo),
            [
                {"id": i, "title": t, "description": d, "priority": p}
                for i, (t, d, p) in enumerate(SEED_TODOS, start=1)
            ],
        )
        conn.execute(
            insert(Step),
            [
                {"id": i, "todo_id": todo_id, "text": step}
                for i, (todo_id, step) in enumerate(SEED_STEPS, start=1)
            ],
        )
        count = conn.execute(select(Todo.id)).all()
    engine.dispose()
    return len(count)


def _create_missing_database(url: URL) -> None:
    if url.get_backend_name() == "sqlite" or not url.database:
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect():
            return
    except OperationalError as error:
        if _MYSQL_UNKNOWN_DATABASE not in getattr(error.orig, "args", ())[:1]:
            raise
    finally:
        engine.dispose()
    server = create_engine(url.set(database=""), poolclass=NullPool)  # set() ignores None
    name = server.dialect.identifier_preparer.quote(url.database)
    try:
        with server.begin() as conn:
            conn.execute(text(f"CREATE DATABASE IF NOT EXISTS {name}"))
    finally:
        server.dispose()


def probe(url: URL, timeout_s: float = 2.0) -> Health:
    """Can a demo reach the database right now? Answers within about timeout_s."""
    if url.get_backend_name() != "sqlite":
        url = url.update_query_dict({"connect_timeout": str(max(1, round(timeout_s)))})
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return Health(url.get_backend_name(), True, describe(url))
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", error)).split())
        return Health(url.get_backend_name(), False, describe(url), reason)
    finally:
        engine.dispose()


def server_name(server_url: str | URL) -> str | None:
    """The server that answers, by its own name and version: "MariaDB 10.11.19".

    MariaDB speaks MySQL's protocol and URL, so only the server itself can say
    which one it is. None when it does not answer.
    """
    engine = create_engine(driver_url(server_url, asynchronous=False), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            dialect = conn.dialect
            if dialect.name == "sqlite":
                return f"SQLite {sqlite3.sqlite_version}"
            version = ".".join(map(str, dialect.server_version_info or ()))
            kind = "MariaDB" if getattr(dialect, "is_mariadb", False) else "MySQL"
            return f"{kind} {version}"
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()
