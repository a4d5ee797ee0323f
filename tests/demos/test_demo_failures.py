"""A database demo without its database: one line with the remedy, never a traceback."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from demos.connection import driver_url
from demos.environment import ENV_VAR
from runner.deck import catalog
from tests.harness.demo_runs import DemoRun, run_module

DATABASE_DEMOS = [d for d in catalog.demos() if d.needs_database]
CLOSED_PORT_URL = "mysql+pymysql://root:s3cret-pw@127.0.0.1:1/exampledb"


def run_everywhere(url: str) -> dict[str, DemoRun]:
    with ThreadPoolExecutor(4) as pool:
        futures = {d.id: pool.submit(run_module, d.module, {ENV_VAR: url}) for d in DATABASE_DEMOS}
        return {demo_id: future.result() for demo_id, future in futures.items()}


@pytest.fixture(scope="module")
def closed_port_runs() -> dict[str, DemoRun]:
    return run_everywhere(CLOSED_PORT_URL)


@pytest.fixture(scope="module")
def wrong_credentials_url(mysql_server_url: str) -> str:
    """The test server, asked for by a user it does not know."""
    url = make_url(mysql_server_url).set(username="no_such_talk_user", password="s3cret-pw")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def wrong_credentials_runs(wrong_credentials_url: str) -> dict[str, DemoRun]:
    return run_everywhere(wrong_credentials_url)


def assert_one_line_with_remedy(run: DemoRun, shown_url: str) -> None:
    assert run.returncode != 0
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    # A refusal ends the demo at once, not a wait: the reason is the server's answer,
    # never a timeout, and a connect_timeout bounds any wait (run_module bounds a hang).
    assert "connect_timeout=3" in lines[0] and "timed out" not in lines[0].lower()
    assert lines[0].startswith("error: cannot use the database at ")
    assert shown_url in lines[0]
    assert "`docker compose up -d mysql`" in lines[0]
    assert "s3cret-pw" not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("demo_id", [d.id for d in DATABASE_DEMOS])
def test_closed_port_gives_one_line(closed_port_runs: dict[str, DemoRun], demo_id: str) -> None:
    assert_one_line_with_remedy(closed_port_runs[demo_id], "root:***@127.0.0.1:1/exampledb")
    # Refused, not waited out: pymysql names the refusal; aiomysql says only "Can't connect".
    stderr = closed_port_runs[demo_id].stderr
    assert "Connection refused" in stderr or "+aiomysql://" in stderr


@pytest.mark.parametrize("demo_id", [d.id for d in DATABASE_DEMOS])
def test_wrong_credentials_give_one_line(
    wrong_credentials_runs: dict[str, DemoRun], wrong_credentials_url: str, demo_id: str
) -> None:
    # As the demo prints it: password hidden; the driver is the demo's own, so leave it out.
    shown = make_url(wrong_credentials_url).render_as_string(hide_password=True).partition("://")[2]
    assert_one_line_with_remedy(wrong_credentials_runs[demo_id], shown)
    assert "Access denied" in wrong_credentials_runs[demo_id].stderr


@pytest.mark.parametrize("demo_id", ["async-orm", "raw-sql", "expire-on-commit-naive"])
def test_an_unseeded_database_says_run_talk_db_init(tmp_path: Path, demo_id: str) -> None:
    # An SQLite file with no tables: the server answers, the demo tables are missing.
    demo = catalog.find(demo_id)
    assert demo is not None
    run = run_module(demo.module, {ENV_VAR: f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    assert run.returncode != 0
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert "no such table" in lines[0]
    assert lines[0].endswith("run `talk db init` to create and seed the demo tables")
    assert "docker compose" not in lines[0]
    assert "Traceback" not in run.stdout + run.stderr


def test_an_unseeded_mysql_database_says_run_talk_db_init(mysql_server_url: str) -> None:
    empty = make_url(mysql_server_url).set(database="exampledb_unseeded_probe")
    server = make_url(mysql_server_url).set(database=None)
    engine = create_engine(driver_url(server, asynchronous=False))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE DATABASE IF NOT EXISTS exampledb_unseeded_probe"))
        run = run_module(
            "demos.sqlalchemy_async.async_orm",
            {ENV_VAR: empty.render_as_string(hide_password=False)},
        )
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS exampledb_unseeded_probe"))
        engine.dispose()
    assert run.returncode != 0
    assert run.stderr.count("\n") == 1, run.stderr
    assert "doesn't exist" in run.stderr
    assert run.stderr.rstrip().endswith("run `talk db init` to create and seed the demo tables")
