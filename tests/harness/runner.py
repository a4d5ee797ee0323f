"""A real runner on a free loopback port, and what the runner tests read from it."""

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from benchmarks.live_server import run_events
from runner.deck.demo import Demo
from runner.service.server import SHUTDOWN_GRACE_S
from runner.settings import Settings

FIXTURES = "tests.harness.fixture_demos"
FIXTURE_DEMOS = tuple(
    Demo(name, f"{FIXTURES}.{name}", needs_database=False)
    for name in (
        "pauses",
        "handshake",
        "framing",
        "sleeper",
        "flood",
        "stubborn",
        "orphaner",
        "failing",
    )
)


@dataclass(frozen=True)
class Event:
    name: str
    data: str
    at: float  # seconds since the request was sent


def run_over_http(url: str, demo_id: str, *, silence_s: float = 30, **headers: str) -> list[Event]:
    """One whole run of a demo through a served runner's API: every event in order, with
    the time it arrived. silence_s is the longest wait for the next bytes."""
    started = time.perf_counter()
    with httpx.Client(timeout=silence_s) as client:
        return [
            Event(arrival.name, arrival.data, arrival.perf - started)
            for arrival in run_events(client, url, demo_id, **headers)
        ]


class LiveRunner:
    """uvicorn serving an app in a thread of its own, as `talk serve` would."""

    def __init__(self, app: FastAPI, *, send_buffer_bytes: int | None = None) -> None:
        """send_buffer_bytes fixes the kernel's send buffer of every connection (no
        autotuning), so that a slow client's pace reaches the app, not megabytes of buffer."""
        self.app = app
        listener = socket.socket()
        if send_buffer_bytes is not None:
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)
        listener.bind(("127.0.0.1", 0))
        self.port = int(listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
            )
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [listener]}, daemon=True
        )

    def __enter__(self) -> "LiveRunner":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the runner did not start within 10 s"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)

    def stream(self, demo_id: str, *, silence_s: float = 30, **headers: str) -> list[Event]:
        """Run a demo to its end; every event with the time it arrived."""
        return run_over_http(self.url, demo_id, silence_s=silence_s, **headers)


def exit_of(events: list[Event]) -> dict[str, object]:
    exits = [e for e in events if e.name == "exit"]
    assert len(exits) == 1 and events[-1] is exits[0], [e.name for e in events]
    result: dict[str, object] = json.loads(exits[0].data)
    return result


def text_of(events: list[Event], stream: str) -> str:
    return "".join(e.data for e in events if e.name == stream)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def pid_alive(pid: int) -> bool:
    """Whether pid is a live process (a zombie counts as gone: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError):  # gone, or going as we read (ESRCH)
        return False
    return state != "Z"


def wait_until(condition: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return bool(callable(condition) and condition())


def all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def proc_stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (field 3 is index 0)."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def proc_cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(root: int) -> set[int]:
    """Live (non-zombie) processes whose parent chain leads to root."""
    parents: dict[int, int] = {}
    for pid in all_pids():
        try:
            fields = proc_stat(pid)
        except OSError:
            continue
        if fields[0] != "Z":
            parents[pid] = int(fields[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def demo_runs_below(root: int) -> list[int]:
    """Live demo runs below the process root, started by an interpreter or forked off the
    fork server: their supervisors (runner.execution.supervisor), one per run.

    Every supervisor leads a session of its own. A started one names the supervisor on
    its command line; a forked one carries its fork server's command line, so it is
    known by its parent. Chromium leads sessions too, and runs of other test sessions
    on this machine are not below root: neither is counted.
    """
    runs = []
    for pid in descendants(root):
        try:
            _state, ppid, _pgrp, session = proc_stat(pid)[:4]
        except OSError:
            continue
        forked = b"runner.execution.forkserver" in proc_cmdline(int(ppid))
        started = b"runner.execution.supervisor" in proc_cmdline(pid)
        if int(session) == pid and (forked or started):
            runs.append(pid)
    return runs


def running_fixture_demos() -> list[int]:
    """Demo runs started by the servers of this test process that are still alive."""
    return demo_runs_below(os.getpid())


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "run_timeout_s": 20.0,
        "output_cap_bytes": 1024 * 1024,
        "max_concurrent_runs": 3,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]
