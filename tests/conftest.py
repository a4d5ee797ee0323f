"""Shared fixtures: the session's database and the real browser every suite talks to.

The database is decided once for the whole session, as `talk` decides it at run time
(tests/harness/database.py): with nothing set and no usable server, every database test
runs on SQLite, the newcomer's path. Under CI=true a missing database or Chromium fails
the test; elsewhere it skips with the reason, so a learner without them still runs
everything else.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from runner.deck.browser import CHROMIUM_FLAGS, BrowserMissing, chromium

# Playwright, SQLAlchemy and the settings are imported by the fixtures that use
# them: the logic tier (`make test-fast`) never pays for them.
if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.harness.database import SessionDatabase

pytest_plugins = [
    "tests.harness.tiers",
    "tests.harness.fixtures",
    "tests.harness.toy_deck",
    "tests.harness.pages",
    "tests.harness.talk_decks",
    "tests.harness.scheduling",
]


def unavailable(reason: str) -> NoReturn:
    """Fail under CI, where every part must be there; skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this fails, it never skips)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def session_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionDatabase]:
    """The database of the session, chosen and taken as `talk` would (not yet seeded)."""
    from tests.harness.database import decide, taken

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    chosen = decide(tmp_path_factory.mktemp("talk-sqlite"), worker)
    with taken(chosen):
        yield chosen


@pytest.fixture(autouse=True)
def _the_sessions_database(request: pytest.FixtureRequest) -> None:
    """Every test but the logic tier's runs where the session's database is taken, so
    settings, child processes, the doctor and served decks all use that one."""
    if request.node.get_closest_marker("fast") is None:
        request.getfixturevalue("session_database")


@pytest.fixture(scope="session")
def database_url(session_database: SessionDatabase) -> str:
    """The session's database, seeded: a named or default server, or the SQLite fallback."""
    from sqlalchemy.exc import SQLAlchemyError

    from runner import database

    try:
        database.init(session_database.url)
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", error)).split())
        if session_database.workers_own:
            reason += (
                " (each test worker makes a database of its own on the server; "
                "`make test WORKERS=0` runs the tests in one process on the one named)"
            )
        unavailable(f"the database at {session_database.url} cannot be used: {reason}")
    return session_database.url


@pytest.fixture(scope="session")
def mysql_server_url(session_database: SessionDatabase, database_url: str) -> str:
    """The session's database when it is a MySQL/MariaDB server, for what only a server does.

    On the SQLite fallback this skips, even under CI: that run promised no server.
    """
    if session_database.backend != "mysql":
        pytest.skip(
            "needs a MySQL/MariaDB server; this session runs on "
            f"{session_database.backend} (set TALK_DATABASE_URL to name one)"
        )
    return database_url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite file of the test's own: the offline fallback."""
    from runner import database

    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'exampledb.sqlite3'}"
    database.init(url)
    return url


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    try:
        return chromium()
    except BrowserMissing as error:
        unavailable(str(error))


@pytest.fixture(scope="session")
def node_path() -> str:
    """Node, which runs the deck's JavaScript tests (tests/js)."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node is not installed (apt-get install nodejs)")
    return str(node)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Headless Chromium, one per test module: Playwright's sync API runs one at a time."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--large", action="store_true", help="also run the larger reliability runs (marked `large`)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out `large` tests unless --large: the long soak is opt-in, even in CI.

    Deselected, not skipped: nothing is missing, the run was asked to be short.
    """
    if config.getoption("--large"):
        return
    large = [item for item in items if "large" in item.keywords]
    if large:
        config.hook.pytest_deselected(items=large)
        items[:] = [item for item in items if "large" not in item.keywords]
