"""A runner served by uvicorn in a process of its own, and what the reliability tests read.

The server process is ours alone, so its memory (VmRSS), its descendants and the
children it has reaped are the runner's, not pytest's. Every process it starts
carries a token in its environment, which is how a demo's orphan is still found
after it has been handed to init.
"""

import contextlib
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

from benchmarks.live_server import LiveServer, arrivals_async
from demos.connection import choice_for
from runner.execution import spec
from runner.settings import PROJECT_ROOT
from tests.harness.runner import (
    Event,
    all_pids,
    descendants,
    pid_alive,
    proc_cmdline,
    proc_stat,
    wait_until,
)

_ADDRESS = re.compile(r"0x[0-9a-f]+")
_PGID = re.compile(r"pgid \d+")


def mask(text: str) -> str:
    """Output with what differs on every run by nature (addresses, process ids) masked."""
    return _PGID.sub("pgid <n>", _ADDRESS.sub("0x<address>", text))


def direct_run(module: str, database_url: str) -> tuple[str, str, int]:
    """stdout, stderr and exit status of ``python -u -m module``, as a learner sees them."""
    env = spec.child_environment(choice_for(database_url))
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


class ServedRunner(LiveServer):
    """tests.harness.served_app's runner in a process of its own (benchmarks.live_server),
    its runs marked with a token of its own."""

    def __init__(self, *, fork_server: bool = True, **settings: object) -> None:
        self.token = uuid.uuid4().hex
        super().__init__(
            fork_server=fork_server,
            app="tests.harness.served_app:create",
            env={"RELIABILITY_TOKEN": self.token},
            **settings,
        )
        self.fork_server_pid: int | None = None

    def __enter__(self) -> "ServedRunner":
        super().__enter__()
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

    def kill_session_leaders(self, within_s: float) -> set[int]:
        """What a run without a kernel-held end leaves: wait until only processes that
        called setsid() are left, kill them, and return them (none must be left after)."""

        def only_session_leaders() -> bool:
            try:
                return all(os.getsid(pid) == pid for pid in self.leftovers())
            except ProcessLookupError:
                return False

        assert wait_until(only_session_leaders, within_s), self.leftovers()
        left = self.leftovers()
        for pid in left:
            with contextlib.suppress(ProcessLookupError):  # ended since it was listed
                os.kill(pid, signal.SIGKILL)
        assert wait_until(lambda: not self.leftovers(), within_s), self.leftovers()
        return left

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
    started = time.perf_counter()
    async for arrival in arrivals_async(response):
        yield Event(arrival.name, arrival.data, arrival.perf - started)
