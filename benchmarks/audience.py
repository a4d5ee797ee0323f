"""The room following along: does the presenter notice 300 viewers?

`talk serve --audience` itself runs in a process of its own (its audience listener on
127.0.0.2, loopback: nothing leaves the machine); the viewers, in another (so that
neither the presenter's client nor the server shares a GIL with them), each follow
stream from a loopback address of its own. The presenter runs the payoff in turns
without viewers and with them, and the figures sit side by side: the time to the
run's first output, /api/health answering during the runs, the runner's memory, and
whether every viewer got every event in order.
"""

import asyncio
import contextlib
import json
import multiprocessing
import multiprocessing.synchronize
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.figures import Figure
from benchmarks.latency import first_output_ms
from benchmarks.live_server import free_port
from runner.settings import PROJECT_ROOT

VIEWERS = 300
DEMO = "payoff"
HEALTH_TARGET_MS = 100.0
AUDIENCE_HOST = "127.0.0.2"
PAUSE_S = 1.0


def measure(quick: bool) -> list[Figure]:
    rounds, runs = (2, 2) if quick else (4, 3)
    port = free_port()
    runner, audience = f"http://127.0.0.1:{port}", f"http://{AUDIENCE_HOST}:{port}"
    alone, crowd = "no viewers", f"{VIEWERS} viewers"
    first: dict[str, list[float]] = {alone: [], crowd: []}
    health: dict[str, list[float]] = {alone: [], crowd: []}
    rss: dict[str, list[float]] = {alone: [], crowd: []}
    cpu: dict[str, list[float]] = {alone: [], crowd: []}
    missed = 0
    with _TalkServe(port) as serve, httpx.Client(timeout=60) as client:
        first_output_ms(client, runner, DEMO)  # discarded: the connection, cold caches
        # In turns, so that both meet the same machine load.
        for _ in range(rounds):
            used = serve.cpu_ms()
            _runs(client, runner, runs, first[alone], health[alone])
            cpu[alone].append((serve.cpu_ms() - used) / runs)
            rss[alone].append(serve.rss_mb() or 0.0)
            viewers = _Viewers(audience, VIEWERS)
            viewers.start(client, runner)
            used = serve.cpu_ms()
            _runs(client, runner, runs, first[crowd], health[crowd])
            cpu[crowd].append((serve.cpu_ms() - used) / runs)
            rss[crowd].append(serve.rss_mb() or 0.0)
            missed += viewers.stop()
    rss_alone, rss_crowd = (max(rss[alone]) or None), (max(rss[crowd]) or None)
    base = sorted(first["no viewers"])[len(first["no viewers"]) // 2]
    figures = [
        Figure(
            "audience",
            f"first output, {DEMO}, {label}",
            "ms",
            tuple(samples),
            round(base * 1.1, 1) if label != "no viewers" else None,
            note="POST to the first stdout event"
            + ("; target: within 10 % of the run without viewers" if label != "no viewers" else ""),
        )
        for label, samples in first.items()
    ]
    figures += [
        Figure(
            "audience",
            f"/api/health p95 during the runs, {label}",
            "ms",
            tuple(samples),
            HEALTH_TARGET_MS,
            note="polled every 50 ms while the payoff ran",
        )
        for label, samples in health.items()
    ]
    if all(cpu[alone]):
        figures += [
            Figure(
                "audience",
                f"runner CPU per run, {label}",
                "ms",
                tuple(round(sample, 1) for sample in samples),
                note="user + system time of `talk serve` (not the demo's), per payoff run",
            )
            for label, samples in cpu.items()
        ]
    figures.append(
        Figure(
            "audience",
            f"viewers that missed an event or got one out of order, of {VIEWERS} x {rounds}",
            "viewers",
            (float(missed),),
            0.0,
        )
    )
    if rss_alone is not None and rss_crowd is not None:
        figures.append(
            Figure(
                "audience",
                f"runner memory with {VIEWERS} viewers, beyond none (peaks)",
                "MiB",
                (round(rss_crowd - rss_alone, 1),),
                note=f"resident set of `talk serve`: {rss_alone:.0f} MiB without viewers",
            )
        )
    return figures


def _runs(
    client: httpx.Client, runner: str, runs: int, first: list[float], health: list[float]
) -> None:
    """The payoff, runs times: its first output, and /api/health meanwhile. A second
    between runs, as between a presenter's clicks: the room's copy of the last run's
    end is sent by then."""
    for _ in range(runs):
        time.sleep(PAUSE_S)
        with _HealthPoll(runner) as poll:
            first.append(first_output_ms(client, runner, DEMO))
        health += poll.samples


class _TalkServe:
    """`talk serve --audience` as the presenter starts it, in a process of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "_TalkServe":
        command = [
            *(sys.executable, "-m", "runner.cli", "serve", "--no-browser"),
            *("--port", str(self.port), "--audience", "--audience-host", AUDIENCE_HOST),
            *("--audience-port", str(self.port)),
        ]
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log
        )
        deadline = time.monotonic() + 120  # it builds the deck first when it is stale
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                raise RuntimeError(f"talk serve exited: {self._log.read().decode()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/audience", timeout=1).is_success:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("talk serve did not answer within 120 s")

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()

    def cpu_ms(self) -> float:
        """The server's own CPU time so far, user and system (Linux's /proc; 0 elsewhere)."""
        assert self._process is not None
        stat = Path(f"/proc/{self._process.pid}/stat")
        if not stat.exists():
            return 0.0
        fields = stat.read_text().rpartition(")")[2].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float | None:
        """The server's resident memory (Linux's /proc; None elsewhere)."""
        assert self._process is not None
        status = Path(f"/proc/{self._process.pid}/status")
        if not status.exists():
            return None
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return None


class _HealthPoll:
    """/api/health every 50 ms in a thread, its answers timed."""

    def __init__(self, runner: str) -> None:
        self.runner = runner
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll)

    def __enter__(self) -> "_HealthPoll":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        with httpx.Client(base_url=self.runner, timeout=10) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                client.get("/api/health").raise_for_status()
                self.samples.append((time.perf_counter() - started) * 1000)
                self._stop.wait(0.05)


class _Viewers:
    """count viewers in a process of their own, following until told to stop."""

    def __init__(self, audience: str, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._result = context.Queue()
        self._process = context.Process(
            target=_follow_in_process, args=(audience, count, self._stop, self._result)
        )
        self.count = count

    def start(self, client: httpx.Client, runner: str) -> None:
        self._process.start()
        deadline = time.monotonic() + 120
        while client.get(f"{runner}/api/audience").json()["viewers"] < self.count:
            if time.monotonic() > deadline or not self._process.is_alive():
                raise RuntimeError("the viewers did not all join within 120 s")
            time.sleep(0.2)

    def stop(self) -> int:
        """How many viewers missed an event or got one out of order."""
        self._stop.set()
        missed = int(self._result.get(timeout=60))
        self._process.join(30)
        return missed


def _follow_in_process(
    audience: str,
    count: int,
    stop: multiprocessing.synchronize.Event,
    result: "multiprocessing.Queue[int]",
) -> None:
    # The phones are other machines in the room: here they share the laptop's CPU, so
    # they run at the lowest priority, leaving the presenter's processes what they have.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(19)
    result.put(asyncio.run(_follow_all(audience, count, stop)))


async def _follow_all(audience: str, count: int, stop: multiprocessing.synchronize.Event) -> int:
    gaps = [0] * count
    tasks = [asyncio.create_task(_follow_one(audience, i, gaps)) for i in range(count)]
    while not stop.is_set():
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sum(1 for gap in gaps if gap)


async def _follow_one(audience: str, index: int, gaps: list[int]) -> None:
    """Follow from address 127.1.x.y; count an event missed or out of order.

    The state sent first (hello, then earlier events) is not counted: from hello's
    ``next`` on, each id must be the one after the last.
    """
    local = f"127.1.{index // 250}.{index % 250 + 1}"
    transport = httpx.AsyncHTTPTransport(local_address=local, verify=False)
    expected = None
    hello = False
    async with (
        httpx.AsyncClient(transport=transport, timeout=None) as client,
        client.stream("GET", f"{audience}/follow") as response,
    ):
        async for line in response.aiter_lines():
            if line == "event: hello":
                hello = True
            elif hello and line.startswith("data: "):
                expected, hello = json.loads(line[6:])["next"], False
            elif line.startswith("id: ") and expected is not None:
                seq = int(line[4:])
                if seq >= expected:
                    gaps[index] += seq != expected
                    expected = seq + 1
    gaps[index] += 1  # the stream ended before it was told to stop: dropped
