"""The embedded default for a first run: SQLite when no server was named and none answers.

A learner on a fresh machine runs `make talk` with no MySQL: rather than a deck on
which every database demo fails, the talk falls back to the seeded SQLite file and
says so everywhere (the terminal, the deck's database indicator, each run's output).
A server named in TALK_DATABASE_URL is the presenter's choice and never falls back:
if it is down, it fails loudly with its remedy.
"""

import os
import sys

from demos.connection import ENV_VAR, FALLBACK_VAR, configured_server, describe, driver_url
from runner.settings import SQLITE_FILE, TALK_URL, get_settings, sqlite_url


def use_sqlite(reason: str) -> None:
    """Point this process and every demo it starts at the seeded SQLite file."""
    from runner import database

    SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    database.init(sqlite_url())
    os.environ[ENV_VAR] = sqlite_url()
    os.environ[FALLBACK_VAR] = reason
    get_settings.cache_clear()
    print(
        f"database: SQLite (embedded fallback, {SQLITE_FILE}, seeded; SLEEP() emulated): {reason}",
        file=sys.stderr,
        flush=True,
    )


def choose(default_url: str = TALK_URL, timeout_s: float = 2.0) -> bool:
    """Fall back to SQLite when TALK_DATABASE_URL is unset and the talk's server does not
    answer (or refuses the login); True when it did."""
    if configured_server() is not None:
        return False
    from runner import database

    server = driver_url(default_url, asynchronous=False)
    health = database.probe(server, timeout_s=timeout_s)
    if health.reachable:
        return False
    use_sqlite(f"the talk's server {describe(server)} cannot be used ({health.error})")
    return True
