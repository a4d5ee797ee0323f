"""Running demos as the runner does: one ``python -u -m`` subprocess each.

Runs go a few at a time, so a suite waits about as long as its slowest demos, not
their sum. The timing-sensitive or CPU-hungry demos run alone, after the others,
so nothing skews what they measure.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from demos import catalog
from runner.settings import PROJECT_ROOT

RUN_TIMEOUT_S = 60
PARALLEL_RUNS = 4
RUN_ALONE = frozenset({"cpu-bound", "payoff"})


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
        [sys.executable, "-u", "-m", module], cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
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


@contextmanager
def environment(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
