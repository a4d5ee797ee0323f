"""The demo database: `talk db init`, a quick reachability probe, the server's own name."""

import sqlite3
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from demos.connection import describe, driver_url, unusable
from demos.seed import seed

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
    return seed(url)


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
    problem = unusable(url, timeout_s)
    return Health(url.get_backend_name(), problem is None, describe(url), problem)


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
