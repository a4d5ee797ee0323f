"""The embedded default: SQLite when no server was named and the talk's own does not answer."""

import os

import httpx
import pytest

from benchmarks.live_server import free_port
from demos import connection
from demos.connection import FALLBACK_NOTICE, DatabaseChoice, sqlite_url
from demos.environment import ENV_VAR, FALLBACK_VAR
from runner.execution import spec
from runner.service.app import create_app
from runner.settings import get_settings
from tests.harness.demo_runs import python_m
from tests.harness.runner import LiveRunner


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """No TALK_DATABASE_URL, and a 'talk server' on a closed port."""
    for name in (ENV_VAR, FALLBACK_VAR):  # set first, so that monkeypatch restores them
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return f"mysql+pymysql://root:example@127.0.0.1:{free_port()}/exampledb"


def test_no_server_named_and_none_answering_falls_back_and_says_so(
    no_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    choice = connection.choose(no_server, timeout_s=1)
    assert choice.url == sqlite_url() and choice.fallback is not None
    assert ENV_VAR not in os.environ, "the choice is a value, not a change to the environment"
    said = capsys.readouterr().err
    assert said.startswith("database: SQLite (") and said.count("\n") == 1
    assert "127.0.0.1" in said and said.endswith("`docker compose up -d mysql` starts MySQL\n")

    # The runner's environment for the choice (no_server took both variables out of ours).
    done = python_m(
        "demos.sqlalchemy_sync.raw_sql", extra_env=spec.child_environment(choice), timeout_s=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{FALLBACK_NOTICE}\n")


def test_a_demo_run_by_hand_with_nothing_set_takes_the_talks_default(no_server: str) -> None:
    if connection.decide().fallback is None:
        pytest.skip("the talk's own server answers here: a demo run by hand uses it")
    done = python_m("demos.sqlalchemy_async.async_orm", timeout_s=60)
    assert done.returncode == 0, done.stderr
    first, *rows = done.stdout.splitlines()
    assert first == FALLBACK_NOTICE
    assert rows[-1] == "There are 20 todo entities in the database"
    # The terminal says why, and the one command that starts MySQL, in one line.
    assert done.stderr.startswith("database: SQLite (") and done.stderr.count("\n") == 1
    assert "`docker compose up -d mysql`" in done.stderr


def test_the_deck_indicator_source_names_sqlite(no_server: str) -> None:
    choice = connection.choose(no_server, timeout_s=1)
    settings = get_settings().using(choice)
    with LiveRunner(create_app(settings=settings, fork_server=False)) as runner:
        health = httpx.get(f"{runner.url}/api/health").json()
    assert health["database"]["backend"] == "sqlite" and health["database"]["reachable"]


def test_a_named_server_never_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"mysql+pymysql://root@127.0.0.1:{free_port()}/exampledb"
    monkeypatch.setenv(ENV_VAR, dead)
    monkeypatch.delenv(FALLBACK_VAR, raising=False)
    assert connection.choose(dead, timeout_s=1) == DatabaseChoice(dead)

    done = python_m("demos.sqlalchemy_sync.raw_sql", timeout_s=60)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "error: cannot use the database at mysql+pymysql://root@127.0.0.1"
    )


def test_a_server_that_answers_is_used(
    mysql_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.delenv(FALLBACK_VAR, raising=False)
    assert connection.choose(mysql_server_url, timeout_s=2) == DatabaseChoice(mysql_server_url)
    assert ENV_VAR not in os.environ
