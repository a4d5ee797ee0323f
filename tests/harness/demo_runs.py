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

from demos.connection import choice_for
from demos.environment import ENV_VAR
from runner.execution import spec
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
        env=environment(env or {}),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    return DemoRun(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment and extra, as the runner hands it to a demo: a database
    named in extra comes without the session's fallback notice (spec.child_environment)."""
    if ENV_VAR in extra:
        return {**spec.child_environment(choice_for(extra[ENV_VAR])), **extra}
    return {**os.environ, **extra}


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


def python_m(
    module: str, *args: str, extra_env: Mapping[str, str] | None = None, timeout_s: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` in the project, as a user types it: this process's
    environment with extra_env over it, the output captured."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(extra_env or {})},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
