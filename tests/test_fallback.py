"""The embedded default: SQLite when no server was named and the talk's own does not answer."""

import os
import subprocess
import sys

import httpx
import pytest

from demos.connection import ENV_VAR, FALLBACK_NOTICE, FALLBACK_VAR
from runner import fallback
from runner.service.app import create_app
from runner.settings import PROJECT_ROOT, get_settings, sqlite_url
from tests.harness.runner import LiveRunner, free_port


def run_demo(module: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-u", "-m", module],
        cwd=PROJECT_ROOT,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> str:
    """No TALK_DATABASE_URL, and a 'talk server' on a closed port."""
    for name in (ENV_VAR, FALLBACK_VAR):  # set first, so that monkeypatch restores them
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    return f"mysql+pymysql://root:example@127.0.0.1:{free_port()}/exampledb"


def test_no_server_named_and_none_answering_falls_back_and_says_so(
    no_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert fallback.choose(no_server, timeout_s=1)
    assert os.environ[ENV_VAR] == sqlite_url()
    assert get_settings().database_url == sqlite_url()
    said = capsys.readouterr().err
    assert said.startswith("database: SQLite (") and said.count("\n") == 1
    assert "127.0.0.1" in said and said.endswith("`docker compose up -d mysql` starts MySQL\n")

    done = run_demo("demos.sqlalchemy_sync.raw_sql")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{FALLBACK_NOTICE}\n")
    get_settings.cache_clear()


def test_a_demo_run_by_hand_with_nothing_set_takes_the_talks_default(no_server: str) -> None:
    if fallback.decide().fallback is None:
        pytest.skip("the talk's own server answers here: a demo run by hand uses it")
    done = run_demo("demos.sqlalchemy_async.async_orm")
    assert done.returncode == 0, done.stderr
    first, *rows = done.stdout.splitlines()
    assert first == FALLBACK_NOTICE
    assert rows[-1] == "There are 20 todo entities in the database"
    # The terminal says why, and the one command that starts MySQL, in one line.
    assert done.stderr.startswith("database: SQLite (") and done.stderr.count("\n") == 1
    assert "`docker compose up -d mysql`" in done.stderr


def test_the_deck_indicator_source_names_sqlite(no_server: str) -> None:
    fallback.choose(no_server, timeout_s=1)
    with LiveRunner(create_app(settings=get_settings(), fork_server=False)) as runner:
        health = httpx.get(f"{runner.url}/api/health").json()
    assert health["database"]["backend"] == "sqlite" and health["database"]["reachable"]
    get_settings.cache_clear()


def test_a_named_server_never_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"mysql+pymysql://root@127.0.0.1:{free_port()}/exampledb"
    monkeypatch.setenv(ENV_VAR, dead)
    monkeypatch.delenv(FALLBACK_VAR, raising=False)
    assert not fallback.choose(dead, timeout_s=1)
    assert os.environ[ENV_VAR] == dead

    done = run_demo("demos.sqlalchemy_sync.raw_sql")
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
    assert not fallback.choose(mysql_server_url, timeout_s=2)
    assert ENV_VAR not in os.environ
