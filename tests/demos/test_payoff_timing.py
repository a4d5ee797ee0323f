"""The payoff's timing functions, imported as the benchmark imports them."""

import json
import os
import subprocess
import sys

from demos.environment import ENV_VAR
from runner.settings import PROJECT_ROOT

# A fresh interpreter, as the benchmark has; -W error makes an undisposed
# engine's ResourceWarning show on stderr.
MEASURE = """
import asyncio, json
from demos.sqlalchemy_async.payoff import time_gathered, time_sync
print(json.dumps([
    time_sync(3, 0.2, threads=False),
    time_sync(5, 0.2, threads=True),
    asyncio.run(time_gathered(5, 0.2)),
]))
"""


def test_one_by_one_sums_the_waits_and_threads_and_gather_overlap_them(
    database_url: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", MEASURE],
        cwd=PROJECT_ROOT,
        env={**os.environ, ENV_VAR: database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    # On the fallback, the notice comes first (an imported payoff says so at its first engine).
    sequential, threaded, concurrent = json.loads(done.stdout.splitlines()[-1])
    assert 0.55 < sequential < 1.2  # three waits of 0.2 s in a row
    assert 0.18 < threaded < 0.5  # five waits of 0.2 s at once, on threads
    assert 0.18 < concurrent < 0.5  # five waits of 0.2 s at once, gathered
