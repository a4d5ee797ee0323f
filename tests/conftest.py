"""Shared fixtures: the real database and the real browser every suite talks to.

Under CI=true a missing database or Chromium fails the test; elsewhere it skips
with the reason, so a learner without them still runs everything else.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks.browser import CHROMIUM, CHROMIUM_FLAGS

# Playwright, SQLAlchemy and the settings are imported by the fixtures that use
# them: the logic tier (`make test-fast`) never pays for them.
if TYPE_CHECKING:
    from playwright.sync_api import Browser
    from sqlalchemy.engine import URL

pytest_plugins = [
    "tests.harness.fixtures",
    "tests.harness.toy_deck",
    "tests.harness.pages",
    "tests.harness.recorded_talk",
    "tests.harness.stage",
]

# What a test of the logic tier (marked `fast`) may not ask for: a server, a
# browser, a database.
INTEGRATION_FIXTURES = frozenset(
    {"mysql_url", "sqlite_url", "chromium_path", "browser", "live", "no_fixture_demos_left"}
)


def unavailable(reason: str) -> None:
    """Fail under CI, where every part must be there; skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this fails, it never skips)")
    pytest.skip(reason)


def _reachable(url: URL) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    server = url.set(database="").update_query_dict({"connect_timeout": "2"})
    engine = create_engine(server)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE DATABASE IF NOT EXISTS `{url.database}`"))
        return True
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def _as_pymysql(url: str) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="mysql+pymysql")


@pytest.fixture(scope="session")
def mysql_url() -> str:
    """A seeded MySQL/MariaDB: the one TALK_DATABASE_URL names, else the first found.

    Tests hand it on explicitly (settings, a child's environment); nothing rewrites
    this process's environment.
    """
    from demos.connection import configured_server
    from runner import database
    from runner.settings import TALK_URL

    # Where a newcomer's MySQL is: the one TALK_DATABASE_URL names, else the talk's own
    # (docker compose), else a local server's passwordless root (our machines' MariaDB).
    configured = configured_server()
    candidates = (
        [configured] if configured else [TALK_URL, "mysql+pymysql://root@127.0.0.1:3306/exampledb"]
    )
    found = next((u for u in candidates if _reachable(_as_pymysql(u))), None)
    if found is None:
        unavailable(f"no MySQL/MariaDB reachable at {', '.join(candidates)}")
    database.init(found)
    return found


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite file of the test's own: the offline fallback."""
    from runner import database

    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'exampledb.sqlite3'}"
    database.init(url)
    return url


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


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


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Under `-m fast`, a test module that marks nothing fast is not even imported.

    Collecting it would import Playwright, uvicorn and the app, only to deselect
    every test in it; the logic tier pays for none of that.
    """
    if config.getoption("markexpr") != "fast" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return "mark.fast" not in collection_path.read_text(encoding="utf-8")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out `large` tests unless --large: the long soak is opt-in, even in CI.

    Deselected, not skipped: nothing is missing, the run was asked to be short.
    A `fast` test that asks for a server, a browser or a database is a mistake in
    the test, named here before anything runs.
    """
    for item in items:
        wanted = INTEGRATION_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if wanted and item.get_closest_marker("fast"):
            raise pytest.UsageError(
                f"{item.nodeid} is marked fast but asks for {', '.join(sorted(wanted))}"
            )
    if config.getoption("--large"):
        return
    large = [item for item in items if "large" in item.keywords]
    if large:
        config.hook.pytest_deselected(items=large)
        items[:] = [item for item in items if "large" not in item.keywords]
