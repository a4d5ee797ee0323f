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

The rule that picks the database is here, beside the demos, because a demo run by
hand needs it and imports nothing of the engine; ``talk`` and the test session ask
:func:`decide` too, once, and pass the :class:`DatabaseChoice` on as a value. A
process they start learns it from its environment (:meth:`DatabaseChoice.environment`).
"""

import logging
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, TypeGuard, TypeVar, cast

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)
from sqlalchemy.pool import NullPool

from demos.environment import ENV_VAR, FALLBACK_VAR

CONNECT_TIMEOUT_S = 3
# The talk's own server, as docker-compose.yml starts it: used when nothing is named.
TALK_URL = "mysql+pymysql://root:example@localhost/exampledb"
# The embedded fallback, in the project's .talk/ folder (not build/: the runner
# serves that folder, and the database is no part of the deck).
SQLITE_FILE = (
    Path(__file__).resolve().parent.parent / ".talk" / "exampledb.sqlite3"
)

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

    server = None
    if _runs_as_program(sys._getframe(1).f_globals):
        # Before the demo prints: its first line says where it runs.
        server = _take_the_talks_default().url

    def create(url: str, *args: Any, **kwargs: Any) -> Any:
        return factory(database_url(url, server), *args, **kwargs)

    return cast(EngineFactory, create)


def _runs_as_program(caller: dict[str, Any]) -> bool:
    # A demo redirects its factory at the top of its module; only when it runs as
    # the program (``python -m``, a runner's fork) is there a run to prepare.
    return caller.get("__name__") == "__main__"


def _take_the_talks_default() -> "DatabaseChoice":
    """The database ``talk run`` would use, announced once.

    Launched by the runner, TALK_DATABASE_URL is always set and this is only the
    announcement. Run by hand with nothing set, the talk's own decision is made
    here: its server if that answers, else the seeded SQLite file.
    """
    try:
        choice = choose()
    except UnsupportedDatabase as error:
        # A malformed URL: one line, no traceback.
        raise SystemExit(f"error: {error}") from None
    if choice.fallback is not None:
        _announce_fallback()
    return choice


@dataclass(frozen=True)
class DatabaseChoice:
    """The database a run uses, and why it is SQLite when the talk fell back to it."""

    url: str
    fallback: str | None = None  # the reason, when no server could be used

    def environment(self) -> dict[str, str]:
        """What a process started with this database is told: its URL, and why SQLite."""
        told = {ENV_VAR: self.url}
        if self.fallback is not None:
            told[FALLBACK_VAR] = self.fallback
        return told


def sqlite_url(file: Path = SQLITE_FILE) -> str:
    """The embedded fallback's URL: one SQLite file, by default the project's."""
    return f"sqlite:///{file}"


def handed_down() -> DatabaseChoice | None:
    """The choice this process was started with (TALK_DATABASE_URL), if any."""
    if (named := configured_server()) is None:
        return None
    parsed(named)  # a malformed one is said in one line here, not in every run
    return DatabaseChoice(
        named, os.environ.get(FALLBACK_VAR, "").strip() or None
    )


def choice_for(url: str) -> DatabaseChoice:
    """url as a choice: the one this process was started with (why SQLite included)
    when url is that one's, else url alone."""
    given = handed_down()
    return (
        given
        if given is not None and given.url == url
        else DatabaseChoice(url)
    )


def decide(
    default_url: str = TALK_URL, timeout_s: float = 2.0
) -> DatabaseChoice:
    """TALK_DATABASE_URL's server if one is named (never second-guessed); else the
    talk's own server if it answers and takes the login; else the SQLite file."""
    if (given := handed_down()) is not None:
        return given
    problem = unusable(driver_url(default_url, asynchronous=False), timeout_s)
    if problem is None:
        return DatabaseChoice(default_url)
    talk_server = describe(make_url(default_url))
    return DatabaseChoice(
        sqlite_url(), f"the talk's MySQL at {talk_server}: {problem}"
    )


def choose(
    default_url: str = TALK_URL, timeout_s: float = 2.0
) -> DatabaseChoice:
    """The choice this process was started with, else :func:`decide`'s, made ready."""
    return handed_down() or take(decide(default_url, timeout_s))


def take(choice: DatabaseChoice) -> DatabaseChoice:
    """The choice, ready to use: on the fallback its SQLite file seeded, and why said once."""
    if choice.fallback is not None:
        from demos.seed import seed  # the ORM models, needed only on this path

        url = driver_url(choice.url, asynchronous=False)
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        seed(url)
        print(explanation(choice), file=sys.stderr, flush=True)
    return choice


def explanation(choice: DatabaseChoice) -> str:
    """The one line that says the talk runs on SQLite, why, and the remedy."""
    file = make_url(choice.url).database or ""
    where = (
        os.path.relpath(file)
        if not os.path.relpath(file).startswith("..")
        else file
    )
    return (
        f"database: SQLite ({where}, seeded, SLEEP() emulated), because {choice.fallback}; "
        f"{START_MYSQL} starts MySQL"
    )


def unusable(url: URL, timeout_s: float = 2.0) -> str | None:
    """Why a demo cannot use the database right now, in one line; None when it answers.

    Answers within about timeout_s.
    """
    if url.get_backend_name() != "sqlite":
        url = url.update_query_dict(
            {"connect_timeout": str(max(1, round(timeout_s)))}
        )
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except SQLAlchemyError as error:
        return " ".join(str(getattr(error, "orig", error)).split())
    finally:
        engine.dispose()


def configured_server() -> str | None:
    """The server TALK_DATABASE_URL names, if any: the one place that reads it."""
    return os.environ.get(ENV_VAR, "").strip() or None


def database_url(talk_url: str, server: str | None = None) -> URL:
    """The URL a demo really connects to: the server chosen (by default TALK_DATABASE_URL's,
    else the demo's own), with the demo's kind of driver."""
    demo_url = make_url(talk_url)
    try:
        url = driver_url(
            server or configured_server() or demo_url,
            asynchronous=demo_url.get_driver_name() in _ASYNC_DRIVERS,
        )
    except UnsupportedDatabase as error:
        raise SystemExit(f"error: {error}") from None
    if url.get_backend_name() == "sqlite":
        _teach_sqlite_to_sleep()
    _explain_connection_failures(url)
    if os.environ.get(FALLBACK_VAR):
        _announce_fallback()
    return url


class UnsupportedDatabase(ValueError):
    """A database URL the talk cannot use: not a URL, a port that is none, a
    malformed query, or a kind of server it does not run on (PostgreSQL)."""


_SHAPE = "mysql+pymysql://USER:PASSWORD@HOST:3306/DATABASE"
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")
_PORT = re.compile(
    r"[^:/?]+://(?:[^@/?]*@)?(?:\[[^\]]*\]|[^:/?@]*):([^/?@]*)(?=[/?]|$)"
)
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2}).{0,2}")


def parsed(server: str | URL) -> URL:
    """server as a URL, or UnsupportedDatabase saying in one line what is
    wrong with it and how to write it (its password hidden)."""
    if isinstance(server, URL):
        return server
    hidden = _PASSWORD.sub(r"\1***@", server)
    shown = f"{ENV_VAR}={hidden!r}"
    fix = f"write it as {_SHAPE} or sqlite:///FILE, or unset it"
    if (port := _PORT.match(server)) and not _is_port(port.group(1)):
        raise UnsupportedDatabase(
            f"{shown} has port {port.group(1)!r}, not a number "
            f"from 1 to 65535; {fix}"
        )
    if bad := _BAD_ESCAPE.search(server.partition("?")[2]):
        raise UnsupportedDatabase(
            f"{shown} holds {bad.group()!r} in its query, which is no "
            "%-escape (% and two hex digits); write a % itself as %25"
        )
    try:
        url = make_url(server)
    except (ArgumentError, ValueError):
        raise UnsupportedDatabase(
            f"{shown} is not a database URL; {fix}"
        ) from None
    charset = url.query.get("charset")
    if isinstance(charset, str) and not _known_charset(url, charset):
        raise UnsupportedDatabase(
            f"{shown} asks for charset {charset!r}, which MySQL does not "
            "know; use charset=utf8mb4, or leave it out"
        )
    return url


def _is_port(text: str) -> bool:
    return text.isdigit() and 0 < int(text) < 65536


def _known_charset(url: URL, charset: str) -> bool:
    if url.get_backend_name() not in ("mysql", "mariadb"):
        return True
    # Every MySQL driver's table of charsets (aiomysql's is pymysql's).
    from pymysql.charset import (  # type: ignore[import-untyped]
        charset_by_name,
    )

    return charset_by_name(charset) is not None


def driver_url(server: str | URL, *, asynchronous: bool) -> URL:
    """The server's URL with the driver the talk uses for it, sync or async.

    Pure: it connects to nothing and changes nothing; a malformed URL, or a
    server of another kind, raises UnsupportedDatabase, whose one-line message
    names the variable, its value and the fix.
    """
    target = parsed(server)
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

    The hook only sees errors no demo caught; the pool's handler, the server lost as
    a connection goes back to its pool. Both leave with ``os._exit`` so the half-open
    pools of an aborted event loop print no warnings at shutdown.
    """
    previous_hook = sys.excepthook

    def hook(
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if _unusable(error):
            _end_with_one_line(url, error)
        previous_hook(kind, error, tb)

    sys.excepthook = hook
    pool_log = logging.getLogger("sqlalchemy.pool")
    for handler in pool_log.handlers:
        if isinstance(handler, _LostOnCheckin):
            handler.url = url
            return
    pool_log.addHandler(_LostOnCheckin(url))


class _LostOnCheckin(logging.Handler):
    """A connection going back to its pool is rolled back; when that fails the pool
    only logs it, a traceback each ("Exception during reset or similar"). If the
    database is what failed, the demo ends with the hook's one line instead."""

    def __init__(self, url: URL) -> None:
        super().__init__(logging.ERROR)
        self.url = url

    def emit(self, record: logging.LogRecord) -> None:
        lost = record.exc_info[1] if record.exc_info else None
        if isinstance(lost, Exception):
            # The driver's own exception, named by PEP 249: as SQLAlchemy wraps it.
            error = DBAPIError.instance(None, None, lost, Exception)
            if _unusable(error):
                _end_with_one_line(self.url, error)


def _unusable(error: BaseException) -> TypeGuard[DBAPIError]:
    """The database cannot be reached, or answers without the demo tables."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, ProgrammingError) and missing_table(error)
    )


def _end_with_one_line(url: URL, error: DBAPIError) -> NoReturn:
    sys.stdout.flush()
    print(connection_failure(url, error), file=sys.stderr, flush=True)
    os._exit(1)


def _announce_fallback() -> None:
    """One line, once per run, when the demo runs on SQLite because no server could be used."""
    global _announced
    if not _announced:
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
