"""Shared fixtures: the real database and the real browser every suite talks to.

Under CI=true a missing database or Chromium fails the test; elsewhere it skips
with the reason, so a learner without them still runs everything else.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from benchmarks.browser import CHROMIUM, CHROMIUM_FLAGS
from demos.connection import configured_server
from runner import database
from runner.settings import TALK_URL

pytest_plugins = [
    "tests.harness.fixtures",
    "tests.harness.toy_deck",
    "tests.harness.pages",
    "tests.harness.recorded_talk",
    "tests.harness.stage",
]

# Where a newcomer's MySQL is: the one TALK_DATABASE_URL names, else the talk's own
# (docker compose), else a local server's passwordless root (our machines' MariaDB).
_CANDIDATE_URLS = (TALK_URL, "mysql+pymysql://root@127.0.0.1:3306/exampledb")


def unavailable(reason: str) -> None:
    """Fail under CI, where every part must be there; skip elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this fails, it never skips)")
    pytest.skip(reason)


def _reachable(url: URL) -> bool:
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
    return make_url(url).set(drivername="mysql+pymysql")


@pytest.fixture(scope="session")
def mysql_url() -> str:
    """A seeded MySQL/MariaDB: the one TALK_DATABASE_URL names, else the first found.

    Tests hand it on explicitly (settings, a child's environment); nothing rewrites
    this process's environment.
    """
    configured = configured_server()
    candidates = [configured] if configured else list(_CANDIDATE_URLS)
    found = next((u for u in candidates if _reachable(_as_pymysql(u))), None)
    if found is None:
        unavailable(f"no MySQL/MariaDB reachable at {', '.join(candidates)}")
    database.init(found)
    return found


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded SQLite file of the test's own: the offline fallback."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'exampledb.sqlite3'}"
    database.init(url)
    return url


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Headless Chromium, one per test module: Playwright's sync API runs one at a time."""
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
