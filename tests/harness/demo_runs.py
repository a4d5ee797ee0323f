"""Running a demo as a learner does, ``python -u -m``, and reading the rows it left."""

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass

import pymysql
from sqlalchemy.engine import make_url

from runner.settings import PROJECT_ROOT

RUN_TIMEOUT_S = 60


@dataclass(frozen=True)
class DemoRun:
    returncode: int
    stdout: str
    stderr: str
    elapsed: float


def run_module(module: str, env: Mapping[str, str] | None = None) -> DemoRun:
    """Start the module as the runner does and wait for it, with its output captured."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-u", "-m", module],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return DemoRun(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def stored_rows(url: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The todo and todo_step rows, read through the bare driver.

    No SQLAlchemy Engine here on purpose: once this process has seeded SQLite,
    demos.connection listens on every Engine's connect, MySQL ones included.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connection = sqlite3.connect(parsed.database or ":memory:")
    else:
        connection = pymysql.connect(
            host=parsed.host,
            port=parsed.port or 3306,
            user=parsed.username,
            password=parsed.password or "",
            database=parsed.database,
        )
    with closing(connection):
        cursor = connection.cursor()
        cursor.execute("SELECT id, title, description, priority FROM todo ORDER BY id")
        todos = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT id, todo_id, text FROM todo_step ORDER BY id")
        steps = [tuple(row) for row in cursor.fetchall()]
    return todos, steps
