"""Does the runner change what a demo measures? The gather demo's own time, run both ways.

``gather`` prints "It took X seconds" for three overlapping 1 s sleeps. The same
demo is run bare (``python -m demos.python_async.gather`` started by this process)
and through the runner, with and without its fork server, in turns so all three
meet the same machine load. The figure is how far the median time the demo reports
about itself through the runner lies from its median bare, in either direction.
The demo prints milliseconds (three decimals), so that is the resolution; the
reported times are shown as what they add to the 1 s the sleeps must take.
"""

import re
import statistics
import subprocess
import sys

import httpx

from benchmarks.figures import Figure
from benchmarks.live_server import LiveServer, run_events
from runner.settings import PROJECT_ROOT

TARGET_MS = 5.0
SLEEPS_S = 1.0  # the longest of gather's three sleeps: the least it can report
DEMO_ID, MODULE = "gather", "demos.python_async.gather"
_REPORTED = re.compile(r"It took ([0-9.]+) seconds")


def measure(quick: bool) -> list[Figure]:
    runs = 4 if quick else 10
    bare: list[float] = []
    forked: list[float] = []
    plain: list[float] = []
    with (
        LiveServer() as fork_server,
        LiveServer(fork_server=False) as plain_server,
        httpx.Client(timeout=60) as client,
    ):
        for _ in range(runs):
            bare.append(_bare())
            forked.append(_through_runner(client, fork_server.url))
            plain.append(_through_runner(client, plain_server.url))
    figures = [
        Figure(
            "fidelity",
            "gather's own time beyond 1 s, bare python -m",
            "ms",
            _beyond_sleeps(bare),
            note="It took X seconds, as printed, minus 1 s",
        )
    ]
    for path, samples in (("fork server", forked), ("plain", plain)):
        difference_ms = (statistics.median(samples) - statistics.median(bare)) * 1000
        figures += [
            Figure(
                "fidelity",
                f"gather's own time beyond 1 s, runner ({path})",
                "ms",
                _beyond_sleeps(samples),
                note="the same, run through the runner",
            ),
            Figure(
                "fidelity",
                f"runner ({path}) vs bare, difference of medians",
                "ms",
                (abs(difference_ms),),
                TARGET_MS,
                note="one value: |median through the runner - median bare|",
                extra={"signed_ms": round(difference_ms, 3)},
            ),
        ]
    return figures


def _beyond_sleeps(reported_s: list[float]) -> tuple[float, ...]:
    return tuple(round((seconds - SLEEPS_S) * 1000, 3) for seconds in reported_s)


def _bare() -> float:
    done = subprocess.run(
        [sys.executable, "-m", MODULE],
        cwd=PROJECT_ROOT,
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    return _reported(done.stdout)


def _through_runner(client: httpx.Client, url: str) -> float:
    return _reported(
        "".join(event.data for event in run_events(client, url, DEMO_ID) if event.name == "stdout")
    )


def _reported(output: str) -> float:
    found = _REPORTED.search(output)
    if found is None:
        raise RuntimeError(f"gather did not report its time: {output!r}")
    return float(found.group(1))
