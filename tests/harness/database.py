"""The test session's database, decided once, the way `talk` decides it at run time.

TALK_DATABASE_URL's server if one is named (never second-guessed); else the talk's own
server if it answers and takes the login; else SQLite (runner.fallback.decide is the
rule). Having decided, the session does what `talk` does: on the fallback it names the
SQLite file and the reason in this process's environment, so settings, child
processes, the doctor and served decks all take the same database without being told.
The session's SQLite file is its own (in its temporary folder), never the project's.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from demos.connection import ENV_VAR, FALLBACK_VAR
from runner import fallback
from runner.settings import get_settings


@dataclass(frozen=True)
class SessionDatabase:
    url: str
    fallback: str | None  # why SQLite, when the session fell back to it as `talk` would
    named: bool  # TALK_DATABASE_URL named it: the run promised this server

    @property
    def backend(self) -> str:
        return make_url(self.url).get_backend_name()

    @property
    def environment(self) -> dict[str, str]:
        """What a `talk` process that made this choice hands its children."""
        if self.fallback is None:
            return {ENV_VAR: self.url}
        return {ENV_VAR: self.url, FALLBACK_VAR: self.fallback}


def decide(sqlite_dir: Path) -> SessionDatabase:
    """The session's database: runner.fallback's choice, its SQLite file in sqlite_dir."""
    named = bool(os.environ.get(ENV_VAR, "").strip())
    choice = fallback.decide(timeout_s=2)
    if choice.fallback is None:
        return SessionDatabase(choice.url, None, named)
    return SessionDatabase(f"sqlite:///{sqlite_dir / 'exampledb.sqlite3'}", choice.fallback, named)


@contextmanager
def taken(database: SessionDatabase) -> Iterator[None]:
    """This process's environment as `talk` leaves it after choosing the database."""
    before = {name: os.environ.get(name) for name in (ENV_VAR, FALLBACK_VAR)}
    if database.fallback is not None:
        os.environ.update(database.environment)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
