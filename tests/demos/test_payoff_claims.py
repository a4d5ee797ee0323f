"""The payoff's printed claims hold for any N from 1 to 50: only measured times and their ratio."""

import re
import subprocess
import sys

import pytest

from demos.connection import ENV_VAR, FALLBACK_NOTICE
from runner.settings import PROJECT_ROOT
from tests.harness.demo_runs import environment

VALUES = re.compile(r"^\s*(?P<seconds>\d+\.\d\d) s\s+(?P<ratio>\d+\.\d)$")
LABELS = ["one by one, sync", "N threads, sync", "gather, async"]
# Words that would claim more than the numbers say: a limit, a verdict, a direction.
CLAIMS = re.compile(r"limit|speedup|faster|slower|whole talk|\bx\b", re.IGNORECASE)


def run_payoff(n: int, seconds: float, url: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-c",
            f"from demos.sqlalchemy_async.payoff import main; main({n}, {seconds})",
        ],
        cwd=PROJECT_ROOT,
        env=environment({ENV_VAR: url}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # On the fallback, an imported payoff says so when it makes its first engine.
    return done.stdout.replace(f"{FALLBACK_NOTICE}\n", "", 1)


@pytest.mark.parametrize("n", [1, 2, 7, 50])
def test_every_printed_ratio_is_the_printed_times_ratio(database_url: str, n: int) -> None:
    # One by one waits at least 0.6 s in all: the overlap saves far more than what
    # starting threads or tasks costs on a busy machine (0.1 s each for two did not).
    seconds = max(0.1, round(0.6 / n, 1))
    stdout = run_payoff(n, seconds, database_url)
    lines = stdout.splitlines()
    assert lines[:3] == [f"N = {n} queries,", f"SELECT SLEEP({seconds})", ""]
    assert lines[9:] == ["", "last column:", "one by one / this"]
    assert not CLAIMS.search(stdout), stdout
    assert lines[3:9:2] == LABELS
    parsed = [VALUES.match(row) for row in lines[4:9:2]]
    assert all(parsed), lines
    times = [float(m["seconds"]) for m in parsed if m]
    ratios = [float(m["ratio"]) for m in parsed if m]
    alone = times[0]
    assert ratios[0] == 1.0
    for elapsed, ratio in zip(times, ratios, strict=True):
        # Both were rounded for print: the ratio of the printed times, within that rounding.
        low, high = (alone - 0.005) / (elapsed + 0.005), (alone + 0.005) / (elapsed - 0.005)
        assert low - 0.05 <= ratio <= high + 0.05, (elapsed, ratio)
    assert alone >= n * seconds  # one by one waits every SLEEP in turn
    if n > 1:
        assert times[1] < alone and times[2] < alone  # both overlap the waits
