"""Where the demos connect: the talk's own URL, unless TALK_DATABASE_URL says otherwise.

A demo calls ``create_async_engine("mysql+aiomysql://...")`` exactly as a learner
would, because the driver name is the lesson. Two lines ending in ``# OMIT`` (never
on a slide) rebind that factory to :func:`redirected`, which passes the URL through
:func:`database_url`: the server named by ``TALK_DATABASE_URL`` (any SQLAlchemy URL)
with the demo's own kind of driver, sync or async, so one variable points every
demo at another server without editing any of them.

It also makes the three things a learner meets without a server honest:
a demo run by hand with nothing set takes the same default as ``talk run`` (the
talk's server if it answers, else the embedded SQLite file) and says so first,
a connection failure ends the demo with one line and its remedy, not a traceback,
and the embedded SQLite fallback gets a real ``SLEEP()``.
"""

import os
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

ENV_VAR = "TALK_DATABASE_URL"
# Set (to the reason) when the talk fell back to SQLite on its own: every run says so.
FALLBACK_VAR = "TALK_DATABASE_FALLBACK"
CONNECT_TIMEOUT_S = 3

_ASYNC_DRIVERS = frozenset({"aiomysql", "asyncmy", "aiosqlite"})
_DRIVER_FOR = {
    ("mysql", False): "pymysql",
    ("mysql", True): "aiomysql",
    ("mariadb", False): "pymysql",
    ("mariadb", True): "aiomysql",
    ("sqlite", False): "pysqlite",
    ("sqlite", True): "aiosqlite",
}
# The one command that starts the talk's MySQL, in the same words wherever it is said.
START_MYSQL = "`docker compose up -d mysql`"
REMEDY = (
    f"start MySQL with {START_MYSQL}, point {ENV_VAR} at a running server, "
    "or run offline on SQLite (`talk serve --sqlite`, `talk run --sqlite <demo-id>`)"
)
# The first line of a run on the fallback: short, for the narrow output column of a
# slide; the terminal and the deck's database indicator say why, at length.
FALLBACK_NOTICE = "(SQLite fallback)"
UNSEEDED_REMEDY = "run `talk db init` to create and seed the demo tables"

EngineFactory = TypeVar("EngineFactory", bound=Callable[..., Any])


def redirected(factory: EngineFactory) -> EngineFactory:
    """``create_engine`` or ``create_async_engine``, aimed at TALK_DATABASE_URL's server.

    Everything but the URL passes through untouched, so the demo's call reads as
    the one a learner writes.
    """

    if _runs_as_program(sys._getframe(1).f_globals):
        _take_the_talks_default()  # before the demo prints: its first line says where

    def create(url: str, *args: Any, **kwargs: Any) -> Any:
        return factory(database_url(url), *args, **kwargs)

    return cast(EngineFactory, create)


def _runs_as_program(caller: dict[str, Any]) -> bool:
    # A demo redirects its factory at the top of its module; only when it runs as
    # the program (``python -m``, a runner's fork) is there a run to prepare.
    return caller.get("__name__") == "__main__"


def _take_the_talks_default() -> None:
    """With nothing set, the database ``talk run`` would use, announced once.

    Launched by the runner, TALK_DATABASE_URL is always set and this is only the
    announcement. Run by hand with nothing set, the talk's own decision is made
    here: its server if that answers, else the seeded SQLite file.
    """
    if configured_server() is None:
        from runner import (
            fallback,
        )  # the talk's rule, needed only on this path

        fallback.choose()
    _announce_fallback()


def configured_server() -> str | None:
    """The server TALK_DATABASE_URL names, if any: the one place that reads it."""
    return os.environ.get(ENV_VAR, "").strip() or None


def database_url(talk_url: str) -> URL:
    """The URL a demo really connects to: the server of TALK_DATABASE_URL, the demo's driver."""
    demo_url = make_url(talk_url)
    try:
        url = driver_url(
            configured_server() or demo_url,
            asynchronous=demo_url.get_driver_name() in _ASYNC_DRIVERS,
        )
    except UnsupportedDatabase as error:
        raise SystemExit(f"error: {error}") from None
    if url.get_backend_name() == "sqlite":
        _teach_sqlite_to_sleep()
    _explain_connection_failures(url)
    _announce_fallback()
    return url


class UnsupportedDatabase(ValueError):
    """A URL of a kind of server the talk does not run on (PostgreSQL, say)."""


def driver_url(server: str | URL, *, asynchronous: bool) -> URL:
    """The server's URL with the driver the talk uses for it, sync or async.

    Pure: it connects to nothing and changes nothing; a server of another kind
    raises UnsupportedDatabase, whose message names the variable.
    """
    target = make_url(server)
    backend = target.get_backend_name()
    driver = _DRIVER_FOR.get((backend, asynchronous))
    if driver is None:
        raise UnsupportedDatabase(
            f"{ENV_VAR} names a {backend!r} server; use MySQL, MariaDB or SQLite"
        )
    url = target.set(drivername=f"{backend}+{driver}")
    if backend != "sqlite" and "connect_timeout" not in url.query:
        url = url.update_query_dict(
            {"connect_timeout": str(CONNECT_TIMEOUT_S)}
        )
    return url


def connection_failure(url: URL, error: DBAPIError) -> str:
    """The one line a learner sees when the database cannot be used, with its remedy."""
    reason = " ".join(str(error.orig).split())
    remedy = UNSEEDED_REMEDY if missing_table(error) else REMEDY
    return f"error: cannot use the database at {describe(url)}: {reason}; {remedy}"


def missing_table(error: DBAPIError) -> bool:
    """The server answered, but the demo tables are not there (MySQL 1146, SQLite)."""
    code = (
        error.orig.args[0]
        if error.orig is not None and error.orig.args
        else None
    )
    return code == 1146 or "no such table" in str(error.orig)


def describe(url: URL) -> str:
    """The URL as it is safe to print: password hidden, driver shown."""
    return url.render_as_string(hide_password=True)


def _explain_connection_failures(url: URL) -> None:
    """Turn an unreachable database into one line with its remedy, then exit 1.

    The hook only sees errors no demo caught. It leaves with ``os._exit`` so the
    half-open pools of an aborted event loop print no warnings at shutdown.
    """
    previous_hook = sys.excepthook

    def hook(
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        failed = isinstance(error, OperationalError | InterfaceError) or (
            isinstance(error, ProgrammingError) and missing_table(error)
        )
        if not failed:
            previous_hook(kind, error, tb)
            return
        sys.stdout.flush()
        assert isinstance(error, DBAPIError)  # narrowed by `failed` above
        print(connection_failure(url, error), file=sys.stderr, flush=True)
        os._exit(1)

    sys.excepthook = hook


def _announce_fallback() -> None:
    """One line, once per run, when the demo runs on SQLite because no server could be used."""
    global _announced
    if os.environ.get(FALLBACK_VAR) and not _announced:
        _announced = True
        print(FALLBACK_NOTICE, flush=True)


_announced = False


def _sqlite_sleep(seconds: float) -> int:
    """MySQL's SLEEP(): wait, then answer 0. SQLite runs it on the driver's thread."""
    time.sleep(float(seconds))
    return 0


def _register_sleep(dbapi_connection: object, _record: object) -> None:
    # The listener hears every engine of the process; only SQLite's connections can learn.
    create_function = getattr(dbapi_connection, "create_function", None)
    if create_function is not None:
        create_function("SLEEP", 1, _sqlite_sleep)


def _teach_sqlite_to_sleep() -> None:
    """Give every SQLite connection MySQL's SLEEP(), so the timing demos mean the same.

    aiosqlite runs each connection on a thread of its own and ``time.sleep`` frees
    the GIL, so concurrent SLEEPs overlap for real, as they do on a server.
    """
    if not event.contains(Engine, "connect", _register_sleep):
        event.listen(Engine, "connect", _register_sleep)
