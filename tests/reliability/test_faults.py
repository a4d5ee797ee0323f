"""Faults: the database gone, a flood of output, demos that resist, clients that vanish.

Each must end the run quickly and cleanly: one clear line instead of a hang, the
whole process group gone, and the runner answering the whole time.
"""

import asyncio
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from sqlalchemy.engine import make_url

from benchmarks.live_server import run_events
from tests.harness.reliability import ServedRunner, SharedRunners
from tests.harness.runner import Event, exit_of, group_alive, pid_alive, text_of, wait_until

LAUNCH_PATHS = [pytest.param(True, id="fork-server"), pytest.param(False, id="plain")]
DATABASE_ERROR = "error: cannot use the database at "
# Port 1 on loopback refuses at once: a database server that is down.
CLOSED_DATABASE_URL = "mysql+pymysql://root@127.0.0.1:1/exampledb"
FAULT_ENDS_WITHIN_S = 3.0


def _one_error_line(stderr: str) -> str:
    """The demo's stderr must be exactly one line: the error, never a traceback."""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(DATABASE_ERROR), stderr
    return lines[0]


def _stream(url: str, demo_id: str, on_event: object = None) -> list[Event]:
    """Run a demo to its end; on_event(event) is called as each event arrives."""
    events: list[Event] = []
    started = time.perf_counter()
    with httpx.Client(timeout=30) as client:
        for arrival in run_events(client, url, demo_id):
            events.append(Event(arrival.name, arrival.data, arrival.perf - started))
            if callable(on_event):
                on_event(events[-1])
    return events


class KillableProxy:
    """A loopback TCP proxy in front of MariaDB; kill() drops it as a crashing server would:
    every connection reset, the port refusing new ones."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    def __enter__(self) -> "KillableProxy":
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._connect, "127.0.0.1", 0), self._loop
        ).result(5)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kill()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def kill(self) -> None:
        asyncio.run_coroutine_threadsafe(self._kill(), self._loop).result(5)

    async def _kill(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()

    async def _connect(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        server_r, server_w = await asyncio.open_connection(*self._target)
        self._writers |= {client_w, server_w}
        await asyncio.gather(
            _pipe(client_r, server_w), _pipe(server_r, client_w), return_exceptions=True
        )
        for writer in (client_w, server_w):
            writer.transport.abort()
            self._writers.discard(writer)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
@pytest.mark.parametrize("demo_id", ["engine-connect", "async-orm"])
def test_an_unreachable_database_ends_the_run_with_one_line_at_once(
    served_runner: SharedRunners, fork_server: bool, demo_id: str
) -> None:
    runner = served_runner(fork_server=fork_server, database_url=CLOSED_DATABASE_URL)
    events = _stream(runner.url, demo_id)

    _one_error_line(text_of(events, "stderr"))
    exit = exit_of(events)
    assert exit["code"] != 0 and exit["timed_out"] is False
    assert events[-1].at < FAULT_ENDS_WITHIN_S


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
@pytest.mark.parametrize(
    ("demo_id", "kill_after", "delay_s"),
    [
        # payoff's sync engine is then 1 s into its ten SELECT SLEEP(0.3) one by one
        pytest.param("payoff", "one by one, sync", 1.0, id="payoff-sync-sleeps"),
        # an aiomysql connection waiting on a 30 s SELECT SLEEP
        pytest.param("slow_query", "connected, sleeping", 0.3, id="async-slow-query"),
        # idle pooled connections going back to their pool once the server is gone
        pytest.param("lost_on_checkin", "connected, sleeping", 0.3, id="sync-checkin"),
    ],
)
def test_a_database_killed_mid_demo_ends_the_run_with_one_line_at_once(
    mysql_server_url: str, fork_server: bool, demo_id: str, kill_after: str, delay_s: float
) -> None:
    database = make_url(mysql_server_url)
    killed_at: list[float] = []
    with KillableProxy(database.host or "127.0.0.1", database.port or 3306) as proxy:
        via_proxy = database.set(host="127.0.0.1", port=proxy.port)

        printed: list[str] = []

        def kill_on_cue(event: Event) -> None:
            # Output comes in frames (runner/execution/events.py): the cue's line may
            # arrive with the lines before it, so it is looked for at any line's start.
            if event.name != "stdout" or killed_at:
                return
            printed.append(event.data)
            if any(line.startswith(kill_after) for line in "".join(printed).splitlines()):
                time.sleep(delay_s)
                proxy.kill()
                killed_at.append(time.monotonic())

        with ServedRunner(
            fork_server=fork_server, database_url=via_proxy.render_as_string(False)
        ) as runner:
            events = _stream(runner.url, demo_id, kill_on_cue)
            ended_at = time.monotonic()
            assert wait_until(lambda: not runner.leftovers(), 2), runner.leftovers()

    assert len(killed_at) == 1, text_of(events, "stdout")
    print(f"\n{demo_id}: the run ended {ended_at - killed_at[0]:.3f} s after the kill")
    _one_error_line(text_of(events, "stderr"))
    assert exit_of(events)["code"] != 0
    assert ended_at - killed_at[0] < FAULT_ENDS_WITHIN_S


@contextmanager
def _health_latencies(url: str) -> Iterator[list[float]]:
    """GET /api/health every 20 ms while the block runs; the latency of each answer."""
    latencies: list[float] = []
    done = threading.Event()

    def poll() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            while not done.is_set() and len(latencies) < 5000:
                sent = time.monotonic()
                answered = client.get("/api/health").status_code == 200
                # A failed answer counts as never: the test reads the list, not the thread.
                latencies.append(time.monotonic() - sent if answered else float("inf"))
                done.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        yield latencies
    finally:
        done.set()
        poller.join(15)


@pytest.mark.parametrize(
    "cap_mib",
    [
        pytest.param(1, id="1-MiB-cap"),
        pytest.param(16, id="16-MiB-cap", marks=pytest.mark.large),
        pytest.param(64, id="64-MiB-cap", marks=pytest.mark.large),
    ],
)
def test_a_100_mb_flood_is_cut_at_the_cap_and_health_keeps_answering(
    served_runner: SharedRunners, database_url: str, cap_mib: int
) -> None:
    cap = cap_mib * 1024 * 1024
    runner = served_runner(database_url=database_url, output_cap_bytes=cap)
    with _health_latencies(runner.url) as latencies:
        time.sleep(0.2)  # the first probe, before the flood
        events = _stream(runner.url, "hundred_megabytes")
    assert wait_until(lambda: not runner.leftovers(), 2), runner.leftovers()

    shown = len(text_of(events, "stdout").encode())
    exit = exit_of(events)
    print(
        f"\nflood, cap {cap_mib} MiB: {shown} bytes shown in {exit['elapsed_s']} s; "
        f"{len(latencies)} health answers, slowest {max(latencies) * 1000:.0f} ms"
    )
    assert exit["truncated"] is True and exit["timed_out"] is False
    assert cap - 100 < shown <= cap
    assert "printed more than" in text_of(events, "stderr")
    # The latencies are printed, not asserted (benchmarks/floods.py holds the target):
    # a busy machine slows every answer.
    assert latencies and all(latency < float("inf") for latency in latencies)


def test_a_100_mb_line_without_a_newline_is_cut_at_the_cap(
    served_runner: SharedRunners, database_url: str
) -> None:
    cap = 1024 * 1024
    runner = served_runner(database_url=database_url, output_cap_bytes=cap)
    with _health_latencies(runner.url) as latencies:
        time.sleep(0.2)  # the first probe, before the flood
        events = _stream(runner.url, "one_huge_line")
    assert wait_until(lambda: not runner.leftovers(), 2), runner.leftovers()

    shown = text_of(events, "stdout")
    exit = exit_of(events)
    print(
        f"\none 100 MB line, cap 1 MiB: {len(shown)} bytes shown in {exit['elapsed_s']} s; "
        f"{len(latencies)} health answers, slowest {max(latencies) * 1000:.0f} ms"
    )
    # Cut by the cap, not by the timeout: the bytes were counted as they came.
    assert exit["truncated"] is True and exit["timed_out"] is False
    assert set(shown) == {"x"} and cap - 100 < len(shown) <= cap
    assert "printed more than" in text_of(events, "stderr")
    # The latencies are printed, not asserted: a busy machine slows every answer.
    assert latencies and all(latency < float("inf") for latency in latencies)


# Two million empty lines once took the event loop 28 s (one event each): health
# unanswered, the time limit passed by 5 s. Gathered into frames, they are a few
# dozen events. A generous bound on health, which a busy machine keeps and a loop
# held by the flood does not; benchmarks/floods.py prints the latencies themselves.
HEALTH_BOUND_S = 2.5
# 2 MiB in frames of at most 32 Ki characters, plus one frame per 25 ms for 10 s:
# at most 464, however the lines arrive. Each line an event would be 2,097,152.
MOST_NEWLINE_EVENTS = 500


@pytest.mark.parametrize(
    ("cap_mib", "timeout_s"),
    [
        pytest.param(1, 20.0, id="cut-by-the-cap"),
        pytest.param(4, 5.0, id="ended-by-the-time-limit"),
    ],
)
def test_two_mebibytes_of_empty_lines_are_a_few_frames_and_health_keeps_answering(
    served_runner: SharedRunners, cap_mib: int, timeout_s: float
) -> None:
    cap = cap_mib * 1024 * 1024
    runner = served_runner(output_cap_bytes=cap, run_timeout_s=timeout_s)
    with _health_latencies(runner.url) as latencies:
        time.sleep(0.2)  # the first probe, before the flood
        events = _stream(runner.url, "newlines")
    assert wait_until(lambda: not runner.leftovers(), 2), runner.leftovers()

    shown = text_of(events, "stdout")
    exit = exit_of(events)
    slowest = max(latencies)
    print(
        f"\n2 MiB of newlines, cap {cap_mib} MiB, limit {timeout_s:g} s: "
        f"{len(shown):,} lines in {len(events)} events, exit {exit}; "
        f"{len(latencies)} health answers, slowest {slowest * 1000:.0f} ms"
    )
    # The text is the demo's, exactly: the lines it printed, up to the cap.
    assert shown == "\n" * min(cap, 2 * 1024 * 1024)
    assert len(events) < MOST_NEWLINE_EVENTS
    if cap_mib == 1:
        assert exit["truncated"] is True and exit["timed_out"] is False
    else:  # all of it shown, then the demo sleeps until its time limit
        assert exit["timed_out"] is True and exit["truncated"] is False
        assert "ran longer than" in text_of(events, "stderr")
    # Ended by its limit, on time (the stop grace is 1 s; the rest is a busy machine).
    assert float(exit["elapsed_s"]) < timeout_s + 1.5  # type: ignore[arg-type]
    assert latencies and slowest < HEALTH_BOUND_S


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_demo_that_ignores_sigterm_goes_with_its_child_when_the_client_stops(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    runner = served_runner(fork_server=fork_server)
    with httpx.Client(base_url=runner.url, timeout=10) as client:
        with client.stream("POST", "/api/demos/stubborn/run") as response:
            first = next(line for line in response.iter_lines() if "child" in line)
        stopped = time.monotonic()
        pgid, child = map(int, re.findall(r"\d+", first))
        # SIGTERM is ignored: SIGKILL comes after the 1 s grace, to the whole group
        # (the bound is the wait; a busy machine decides where in it they go).
        assert wait_until(lambda: not group_alive(pgid) and not pid_alive(child), 3)
        gone_after = time.monotonic() - stopped
        assert wait_until(lambda: not runner.leftovers(), 1), runner.leftovers()
    print(f"\nstubborn group gone {gone_after:.3f} s after the stop")


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_child_the_demo_left_behind_goes_when_the_run_ends(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    runner = served_runner(fork_server=fork_server)
    events = _stream(runner.url, "orphaner")
    pgid, child = map(int, re.findall(r"\d+", text_of(events, "stdout")))
    assert exit_of(events)["code"] == 0
    assert wait_until(lambda: not group_alive(pgid) and not pid_alive(child), 2)
    assert wait_until(lambda: not runner.leftovers(), 1), runner.leftovers()


def _stalled_client(port: int, demo_id: str) -> tuple[socket.socket, bytes]:
    """POST a run, read its first bytes, then never read again (the socket stays open)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # so a flood stalls soon
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        f"POST /api/demos/{demo_id}/run HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Length: 0\r\n\r\n".encode()
    )
    wanted, seen = b"data: pgid" if demo_id == "sleeper" else b"data: ", b""
    while wanted not in seen:
        chunk = sock.recv(4096)
        assert chunk, seen
        seen += chunk
    return sock, seen


def _can_run_at_once(url: str, count: int) -> bool:
    """Whether count runs start together: every place in the run pool is free again."""
    with httpx.Client(base_url=url, timeout=10) as client, ExitStack() as streams:
        return all(
            streams.enter_context(client.stream("POST", "/api/demos/trickle/run")).status_code
            == 200
            for _ in range(count)
        )


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
@pytest.mark.parametrize(
    "demo_id",
    [
        pytest.param("sleeper", id="quiet"),
        pytest.param("hundred_megabytes", id="flood", marks=pytest.mark.large),
    ],
)
def test_a_client_that_stops_reading_has_its_run_stopped_within_the_timeout(
    fork_server: bool, demo_id: str
) -> None:
    timeout_s = 2.0
    # A cap larger than the socket buffers, so that the flood's stream really stalls.
    with ServedRunner(
        fork_server=fork_server,
        run_timeout_s=timeout_s,
        max_concurrent_runs=2,
        output_cap_bytes=16 * 1024 * 1024,
    ) as runner:
        sock, seen = _stalled_client(runner.port, demo_id)
        with sock:
            assert seen.startswith(b"HTTP/1.1 200"), seen
            started = time.monotonic()
            assert wait_until(lambda: not runner.leftovers(), timeout_s + 3), runner.leftovers()
            gone_after = time.monotonic() - started
            # The stalled stream must not keep its place in the pool either.
            freed = wait_until(lambda: _can_run_at_once(runner.url, 2), 3)
    print(
        f"\n{demo_id}, client stalled: processes gone after {gone_after:.2f} s; "
        f"place in the pool freed: {freed}"
    )
    assert gone_after < timeout_s + 2
    assert freed, "a client that stops reading keeps its run's place in the pool"


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_killed_client_has_its_run_stopped_at_once(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    runner = served_runner(fork_server=fork_server)
    with subprocess.Popen(
        [sys.executable, "-c", _KILLED_CLIENT, str(runner.port)],
        stdout=subprocess.PIPE,
        text=True,
    ) as client:
        assert client.stdout is not None
        pgid = int(client.stdout.readline())
        client.kill()
    killed = time.monotonic()
    assert wait_until(lambda: not group_alive(pgid), 3)
    gone_after = time.monotonic() - killed
    assert wait_until(lambda: not runner.leftovers(), 1), runner.leftovers()
    print(f"\nclient killed: run's group gone after {gone_after:.3f} s")
    assert gone_after < 2


# Reads the sleeper's first line, says which group it leads, then waits to be killed.
_KILLED_CLIENT = """
import re, sys, time, httpx
port = int(sys.argv[1])
with httpx.stream("POST", f"http://127.0.0.1:{port}/api/demos/sleeper/run") as response:
    for line in response.iter_lines():
        if found := re.search(r"pgid (\\d+)", line):
            print(found.group(1), flush=True)
            time.sleep(60)
"""
