"""A runner served by uvicorn in a process of its own, and what the reliability tests read.

The server process is ours alone, so its memory (VmRSS), its descendants and the
children it has reaped are the runner's, not pytest's. Every process it starts
carries a token in its environment, which is how a demo's orphan is still found
after it has been handed to init.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import ExitStack
from pathlib import Path

import httpx

from runner.execution import processes
from runner.settings import PROJECT_ROOT
from tests.harness.runner import (
    Event,
    all_pids,
    descendants,
    free_port,
    parse_events,
    pid_alive,
    proc_cmdline,
    proc_stat,
)

START_TIMEOUT_S = 20.0
_ADDRESS = re.compile(r"0x[0-9a-f]+")
_PGID = re.compile(r"pgid \d+")


def mask(text: str) -> str:
    """Output with what differs on every run by nature (addresses, process ids) masked."""
    return _PGID.sub("pgid <n>", _ADDRESS.sub("0x<address>", text))


def direct_run(module: str, database_url: str) -> tuple[str, str, int]:
    """stdout, stderr and exit status of ``python -u -m module``, as a learner sees them."""
    env = processes.child_environment(database_url)
    done = subprocess.run(
        [sys.executable, "-u", "-m", module],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout, done.stderr, done.returncode


class ServedRunner:
    """``python -m uvicorn`` serving tests.harness.served_app:create on a free loopback port."""

    def __init__(self, *, fork_server: bool = True, **settings: object) -> None:
        self.fork_server = fork_server
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = uuid.uuid4().hex
        self.env = {
            **os.environ,
            "RELIABILITY_TOKEN": self.token,
            "RELIABILITY_FORK_SERVER": "1" if fork_server else "0",
            **{f"TALK_{name.upper()}": str(value) for name, value in settings.items()},
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.fork_server_pid: int | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "enter the runner first"
        return self.process.pid

    def __enter__(self) -> "ServedRunner":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "tests.harness.served_app:create",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "3",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            assert self.process.poll() is None, "the runner exited while starting"
            assert time.monotonic() < deadline, f"no answer within {START_TIMEOUT_S:g} s"
            time.sleep(0.1)
        if self.fork_server:
            # The lifespan starts the fork server before the first request is served.
            servers = [
                pid
                for pid in descendants(self.pid)
                if b"runner.execution.forkserver" in proc_cmdline(pid)
            ]
            assert len(servers) == 1, servers
            self.fork_server_pid = servers[0]
        return self

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/demos", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def __exit__(self, *_exc: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def rss_kib(self) -> int:
        """The server's resident memory now (VmRSS), in KiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]

    def leftovers(self) -> set[int]:
        """Every live process the runner started that is still there: its descendants but
        the fork server, and any process carrying its token (orphans handed to init)."""
        keep = {self.pid, self.fork_server_pid}
        marked = {pid for pid in all_pids() if self._carries_token(pid) and pid_alive(pid)}
        return (descendants(self.pid) | marked) - keep

    def _carries_token(self, pid: int) -> bool:
        try:
            return f"RELIABILITY_TOKEN={self.token}".encode() in Path(
                f"/proc/{pid}/environ"
            ).read_bytes().split(b"\0")
        except OSError:
            return False

    def reaped_children_faults(self) -> int:
        """Page faults of every child the server and the fork server have reaped so far.

        Each run is a child reaped by one of them, and a run faults at least once, so
        this number rises with every process started: a counter no run can slip past.
        """
        pids = [self.pid] + ([self.fork_server_pid] if self.fork_server_pid else [])
        return sum(int(proc_stat(pid)[8]) for pid in pids)  # field 10: cminflt


class SharedRunners:
    """Runners started on first use and shared by a module's tests, one per launch path
    and settings: starting one costs a second of CPU. A test that ends its runner
    (SIGKILL) or puts a proxy in front of it starts its own."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._started: dict[tuple[object, ...], ServedRunner] = {}

    def __call__(self, *, fork_server: bool = True, **settings: object) -> ServedRunner:
        key = (fork_server, *sorted(settings.items()))
        if key not in self._started:
            runner = ServedRunner(fork_server=fork_server, **settings)
            self._started[key] = self._stack.enter_context(runner)
        return self._started[key]


async def events_of(response: httpx.Response) -> AsyncIterator[Event]:
    """The events of a run stream as they arrive, each with its arrival time."""
    started = time.monotonic()
    buffer = ""
    async for chunk in response.aiter_text():
        buffer += chunk
        complete, _, buffer = buffer.rpartition("\n\n")
        at = time.monotonic() - started
        for name, data in parse_events(complete + "\n\n"):
            yield Event(name, data, at)
    assert buffer == "", f"the stream ended inside an event: {buffer!r}"
