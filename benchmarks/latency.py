"""Time to first output: from clicking Run (the POST) to the demo's first line on the client.

Three ways to start the same demo, in turns so they meet the same machine load:
through the runner with its fork server (what the presenter gets), through the
runner with a new interpreter per run (its fallback), and ``python -u -m``
started directly by this process, timed to its first stdout line (the floor for a
fresh interpreter, with no HTTP in between). One run per demo and path is
discarded first: it pays for the connection and for cold disk caches.
"""

import subprocess
import sys
import time

import httpx

from benchmarks.figures import Figure
from benchmarks.live_server import LiveServer, run_events
from runner.deck import catalog
from runner.settings import PROJECT_ROOT

TARGET_MS = 30.0
# A minimal print; SQLAlchemy DDL compiled without a database; an async engine
# created (it prints before it connects).
DEMO_IDS = ("coroutine-object", "models", "async-engine")


def measure(quick: bool) -> list[Figure]:
    runs = 5 if quick else 20
    paths = ("fork server", "plain", "direct")
    samples: dict[tuple[str, str], list[float]] = {
        (demo, path): [] for demo in DEMO_IDS for path in paths
    }
    with (
        LiveServer() as forked,
        LiveServer(fork_server=False) as plain,
        httpx.Client(timeout=60) as client,
    ):
        for run in range(runs + 1):
            for demo in DEMO_IDS:
                measured = {
                    "fork server": first_output_ms(client, forked.url, demo),
                    "plain": first_output_ms(client, plain.url, demo),
                    "direct": _direct(demo),
                }
                if run > 0:
                    for path, ms in measured.items():
                        samples[demo, path].append(ms)
    notes = {
        "fork server": "POST to first stdout event, runner forking a warm interpreter",
        "plain": "POST to first stdout event, runner starting a new interpreter (fallback)",
        "direct": "python -u -m started by the client, to its first stdout line (reference)",
    }
    return [
        Figure(
            "latency",
            f"first output, {demo}, {path}",
            "ms",
            tuple(samples[demo, path]),
            TARGET_MS if path == "fork server" else None,
            note=notes[path],
        )
        for demo in DEMO_IDS
        for path in paths
    ]


def first_output_ms(client: httpx.Client, url: str, demo_id: str) -> float:
    """Milliseconds from sending the POST to the first stdout event; the run is read to its end."""
    first: float | None = None
    start = time.perf_counter()
    for event in run_events(client, url, demo_id):
        if first is None and event.name == "stdout":
            first = (event.perf - start) * 1000
    if first is None:
        raise RuntimeError(f"{demo_id} printed nothing on stdout through the runner")
    return first


def _direct(demo_id: str) -> float:
    """Milliseconds from starting ``python -u -m`` to its first stdout line."""
    demo = catalog.find(demo_id)
    assert demo is not None, demo_id
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-u", "-m", demo.module],
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        elapsed = (time.perf_counter() - start) * 1000
        process.stdout.read()
    if not first_line:
        raise RuntimeError(f"python -m {demo.module} printed nothing on stdout")
    return elapsed
