"""Running demos as the runner does: one ``python -u -m`` subprocess each.

Runs go a few at a time, so a suite waits about as long as its slowest demos, not
their sum. The timing-sensitive or CPU-hungry demos run alone, after the others,
so nothing skews what they measure.
"""

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass

import pymysql
from sqlalchemy.engine import make_url

from demos import catalog
from runner.settings import PROJECT_ROOT

RUN_TIMEOUT_S = 60
PARALLEL_RUNS = 4
RUN_ALONE = frozenset(d.id for d in catalog.demos() if d.timing_sensitive)


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


def run_all(demos: Iterable[catalog.Demo], env: Mapping[str, str]) -> dict[str, DemoRun]:
    """Each demo's run by id: most side by side, those in RUN_ALONE one at a time after."""
    demos = list(demos)
    with ThreadPoolExecutor(PARALLEL_RUNS) as pool:
        futures = {
            d.id: pool.submit(run_module, d.module, env) for d in demos if d.id not in RUN_ALONE
        }
        runs = {demo_id: future.result() for demo_id, future in futures.items()}
    for demo in demos:
        if demo.id in RUN_ALONE:
            runs[demo.id] = run_module(demo.module, env)
    return runs


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
