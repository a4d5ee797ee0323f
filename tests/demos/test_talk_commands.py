"""`talk run` and `talk db init`, as a presenter or learner types them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from demos import connection
from demos.environment import ENV_VAR, FALLBACK_VAR
from demos.seed import SEED_STEPS, SEED_TODOS
from runner.deck import catalog
from runner.settings import PROJECT_ROOT
from tests.harness.demo_runs import environment, python_m, stored_rows


def talk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runner.cli", *args],
        cwd=PROJECT_ROOT,
        env=environment(env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_run_unknown_id_lists_the_valid_ones() -> None:
    done = talk("run", "no-such-demo")
    assert done.returncode == 2
    assert "no demo 'no-such-demo'" in done.stderr
    assert all(demo_id in done.stderr for demo_id in catalog.ids())


def test_run_a_demo_by_id() -> None:
    done = talk("run", "coroutine-object")
    assert done.returncode == 0
    assert done.stdout.startswith("<coroutine object something_async at 0x")


def test_db_init_twice_gives_the_same_rows_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    first = talk("db", "init", env={ENV_VAR: url})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"seeded {len(SEED_TODOS)} todo rows at sqlite+pysqlite:")
    after_first = stored_rows(url)
    assert talk("db", "init", env={ENV_VAR: url}).returncode == 0
    assert stored_rows(url) == after_first
    todos, steps = after_first
    assert [t[1:] for t in todos] == list(SEED_TODOS)
    assert [s[1:] for s in steps] == list(SEED_STEPS)


def test_db_init_twice_gives_the_same_rows_on_the_sessions_database(database_url: str) -> None:
    assert talk("db", "init", env={ENV_VAR: database_url}).returncode == 0
    after_first = stored_rows(database_url)
    assert talk("db", "init", env={ENV_VAR: database_url}).returncode == 0
    assert stored_rows(database_url) == after_first
    assert [t[1:] for t in after_first[0]] == list(SEED_TODOS)


def test_db_init_creates_the_database_a_fresh_server_lacks(mysql_server_url: str) -> None:
    fresh = make_url(mysql_server_url).set(database=f"talk_fresh_{os.getpid()}")
    server = create_engine(fresh.set(drivername="mysql+pymysql", database=""))
    drop = text(f"DROP DATABASE IF EXISTS `{fresh.database}`")
    try:
        with server.begin() as conn:
            conn.execute(drop)
        url = fresh.render_as_string(hide_password=False)
        done = talk("db", "init", env={ENV_VAR: url})
        assert done.returncode == 0, done.stderr
        assert [t[1:] for t in stored_rows(url)[0]] == list(SEED_TODOS)
    finally:
        with server.begin() as conn:
            conn.execute(drop)
        server.dispose()


def test_demos_into_a_pipe_nobody_reads_ends_quietly() -> None:
    """`talk demos | head`: the reader has gone before talk writes; no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "wb") as closed_pipe:
        done = subprocess.run(
            [sys.executable, "-m", "runner.cli", "demos"],
            cwd=PROJECT_ROOT,
            stdout=closed_pipe,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.stderr == ""
    assert done.returncode == 141  # 128 + SIGPIPE, as a shell reports `head` cutting a tool


def test_db_init_with_nothing_set_and_no_usable_server_says_one_line_and_succeeds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The newcomer's `talk db init`: the talk will run on SQLite, so that is no error."""
    for name in (ENV_VAR, FALLBACK_VAR):
        monkeypatch.delenv(name, raising=False)
    if connection.decide().fallback is None:
        pytest.skip("the talk's own server answers here: db init seeds it")
    done = python_m("runner.cli", "db", "init", timeout_s=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("database: SQLite (") and "error" not in line.split(":")[0]
    assert line.endswith("`docker compose up -d mysql` starts MySQL")
