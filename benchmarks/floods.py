"""A demo that floods its output: how soon the cap cuts it, and how the runner answers meanwhile.

Three floods from the tests' fixture demos, through the runner with its default
1 MiB cap: 100 MB in one line with no newline, 100 MB of 100-byte lines, and
2 MiB of empty lines (two million lines: a flood of events more than of bytes).
For each run, the seconds from the POST to the ``exit`` event; and the latency
of ``GET /api/health``, asked every 10 ms by a second client, during the floods
and between them: the deck's health poll must not stall behind a flooding demo.
"""

import threading
import time

import httpx

from benchmarks.figures import Figure
from benchmarks.live_server import LiveServer, run_events

CUT_TARGET_S = 1.0
HEALTH_TARGET_MS = 100.0
HEALTH_EVERY_S = 0.01
IDLE = "idle"
FLOODS = {
    "one-huge-line": "one 100 MB line",
    "hundred-megabytes": "100 MB of lines",
    "newlines": "2 MiB of empty lines",
}


class HealthPoller(threading.Thread):
    """Asks /api/health every 10 ms on one connection; each latency filed under the
    label that was current when it was asked (a flood's id, or idle)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.label = IDLE
        self.latencies: dict[str, list[float]] = {IDLE: [], **{demo: [] for demo in FLOODS}}
        self.done = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.done.is_set():
                label, sent = self.label, time.perf_counter()
                client.get(f"{self.url}/api/health").raise_for_status()
                self.latencies[label].append((time.perf_counter() - sent) * 1000)
                self.done.wait(HEALTH_EVERY_S)


def measure(quick: bool) -> list[Figure]:
    runs = 3 if quick else 10
    cut: dict[str, list[float]] = {demo: [] for demo in FLOODS}
    shown: dict[str, int] = {}
    events: dict[str, list[int]] = {demo: [] for demo in FLOODS}
    with LiveServer() as server, httpx.Client(timeout=60) as client:
        poller = HealthPoller(server.url)
        poller.start()
        try:
            time.sleep(1.0)  # idle answers first: the reference
            for _ in range(runs):
                for demo in FLOODS:
                    poller.label = demo
                    seconds, shown[demo], count = _flood(client, server.url, demo)
                    events[demo].append(count)
                    poller.label = IDLE
                    cut[demo].append(seconds)
                    time.sleep(0.1)
        finally:
            poller.done.set()
            poller.join(15)
    idle = poller.latencies[IDLE]
    figures = [
        Figure(
            "floods",
            "/api/health with no run, p95",
            "ms",
            tuple(idle),
            note="the reference: the same poll, between the floods",
        )
    ]
    for demo, label in FLOODS.items():
        during = poller.latencies[demo]
        figures.append(
            Figure(
                "floods",
                f"{label}: POST to exit",
                "s",
                tuple(cut[demo]),
                CUT_TARGET_S,
                note=(
                    f"cut at the 1 MiB cap; {shown[demo]:,} bytes shown in at most "
                    f"{max(events[demo]):,} events; {runs} runs"
                ),
            )
        )
        figures.append(
            Figure(
                "floods",
                f"{label}: /api/health, p95",
                "ms",
                tuple(during) or (float("nan"),),
                HEALTH_TARGET_MS,
                note=(
                    f"asked every 10 ms during the runs; {len(during)} answers, "
                    f"slowest {max(during, default=float('nan')):.1f} ms"
                ),
            )
        )
    return figures


def _flood(client: httpx.Client, url: str, demo_id: str) -> tuple[float, int, int]:
    """Seconds from the POST to the exit event, the bytes of output shown, the events."""
    start = time.perf_counter()
    shown = 0
    for count, event in enumerate(run_events(client, url, demo_id), 1):
        if event.name == "stdout":
            shown += len(event.data.encode())
        elif event.name == "exit":
            return event.perf - start, shown, count
    raise RuntimeError(f"{demo_id}: the stream ended without an exit event")
