"""The logic tier (`make test-fast`, the tests marked `fast`), enforced by what a test touches.

A fast test starts no server, no browser, no demo process and opens no database
connection. Asking for a fixture that provides one is refused before anything runs;
doing it anyway (a helper that serves a runner, a request that runs a demo) fails the
test at its end, naming what it touched. Under ``-m fast`` a test module that marks
nothing fast is not even imported: collecting it would import Playwright, uvicorn and
the app only to deselect every test in it.
"""

import ast
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# What a fast test may not ask for: a server, a browser, a database.
INTEGRATION_FIXTURES = frozenset(
    {
        "session_database",
        "database_url",
        "mysql_server_url",
        "sqlite_url",
        "chromium_path",
        "browser",
        "live",
        "served_runner",
        "no_fixture_demos_left",
    }
)


def _touches() -> Iterator[tuple[object, str, str]]:
    """(owner, attribute, what it is) for each way to start what a fast test may not,
    among the modules this process has imported."""
    from runner.execution import forkserver, processes

    yield processes, "launch", "a demo process"
    yield forkserver.ForkServer, "start", "the fork server"
    if (uvicorn := sys.modules.get("uvicorn")) is not None:
        yield uvicorn.Server, "serve", "a server"
    if (playwright := sys.modules.get("playwright.sync_api")) is not None:
        yield playwright.BrowserType, "launch", "a browser"
    if (engine := sys.modules.get("sqlalchemy.engine")) is not None:
        yield engine.Engine, "connect", "a database connection"
        yield engine.Engine, "raw_connection", "a database connection"


@pytest.fixture(autouse=True)
def _the_logic_tier_touches_nothing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if request.node.get_closest_marker("fast") is None:
        yield
        return
    touched: list[str] = []

    def refusing(what: str) -> Callable[..., Any]:
        def refused(*_args: object, **_kwargs: object) -> Any:
            touched.append(what)
            raise RuntimeError(f"a test marked fast started {what}")

        return refused

    for owner, attribute, what in _touches():
        monkeypatch.setattr(owner, attribute, refusing(what))
    yield
    if touched:
        pytest.fail(
            f"{request.node.nodeid} is marked fast but started {', '.join(sorted(set(touched)))}"
        )


def marks_fast(module: ast.Module) -> bool:
    """Whether a test module marks anything ``fast`` (``pytest.mark.fast``, however imported)."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "fast"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
        for node in ast.walk(module)
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if config.getoption("markexpr") != "fast" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return not marks_fast(ast.parse(collection_path.read_bytes(), str(collection_path)))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A fast test that asks for a server, a browser or a database is a mistake in the
    test, named here before anything runs."""
    for item in items:
        wanted = INTEGRATION_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        if wanted and item.get_closest_marker("fast"):
            raise pytest.UsageError(
                f"{item.nodeid} is marked fast but asks for {', '.join(sorted(wanted))}"
            )
