"""The embedded default for a first run: SQLite when no server was named and none answers.

A learner on a fresh machine runs `make talk` with no MySQL: rather than a deck on
which every database demo fails, the talk falls back to the seeded SQLite file and
says so everywhere (the terminal, the deck's database indicator, each run's output).
A server named in TALK_DATABASE_URL is the presenter's choice and never falls back:
if it is down, it fails loudly with its remedy.

:func:`decide` is the rule, and the one place that makes it: `talk`, a demo run by
hand, and the test suite all ask it which database to use.
"""

import os
import sys
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from demos.connection import (
    ENV_VAR,
    FALLBACK_VAR,
    START_MYSQL,
    configured_server,
    describe,
    driver_url,
)
from runner.settings import SQLITE_FILE, TALK_URL, get_settings, sqlite_url


@dataclass(frozen=True)
class Choice:
    """The database a run uses, and why it is SQLite when the talk fell back to it."""

    url: str
    fallback: str | None = None  # the reason, when no server could be used


def decide(default_url: str = TALK_URL, timeout_s: float = 2.0) -> Choice:
    """TALK_DATABASE_URL's server if one is named (never second-guessed); else the
    talk's own server if it answers and takes the login; else the SQLite file."""
    if (named := configured_server()) is not None:
        return Choice(named)
    from runner import database

    server = driver_url(default_url, asynchronous=False)
    health = database.probe(server, timeout_s=timeout_s)
    if health.reachable:
        return Choice(default_url)
    talk_server = describe(make_url(default_url))
    return Choice(sqlite_url(), f"the talk's MySQL at {talk_server}: {health.error}")


def use_sqlite(reason: str) -> None:
    """Point this process and every demo it starts at the seeded SQLite file, and say so."""
    from runner import database

    SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    database.init(sqlite_url())
    os.environ[ENV_VAR] = sqlite_url()
    os.environ[FALLBACK_VAR] = reason
    get_settings.cache_clear()
    print(explanation(reason), file=sys.stderr, flush=True)


def explanation(reason: str) -> str:
    """The one line that says which database the talk uses, why, and the remedy."""
    where = os.path.relpath(SQLITE_FILE) if _below_here(str(SQLITE_FILE)) else SQLITE_FILE
    return (
        f"database: SQLite ({where}, seeded, SLEEP() emulated), because {reason}; "
        f"{START_MYSQL} starts MySQL"
    )


def choose(default_url: str = TALK_URL, timeout_s: float = 2.0) -> bool:
    """Fall back to SQLite when TALK_DATABASE_URL is unset and the talk's server does not
    answer (or refuses the login); True when it did."""
    choice = decide(default_url, timeout_s)
    if choice.fallback is None:
        return False
    use_sqlite(choice.fallback)
    return True


def _below_here(path: str) -> bool:
    return not os.path.relpath(path).startswith("..")
