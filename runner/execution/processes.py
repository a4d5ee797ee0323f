"""Starting a demo as a plain interpreter, and ending a run however it was started.

A run is a supervisor and its demo (:mod:`runner.execution.supervisor` says why,
and what each part guarantees). This module starts one as ``python -u -c`` (for
`talk run`, `talk build --record` and edited runs), and ends any run, forked or
not, through the one handle the runner keeps on it: the write end of its lifeline.
Everything above it sees a :class:`DemoProcess`, so the service can swap how runs
are started (a fork server that forks runs off a warm interpreter) without touching
the streaming code.
"""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from demos.connection import ENV_VAR, FALLBACK_VAR
from runner.execution.supervisor import STOP_GRACE_S, SWEEP_S

# How long stop() waits for the supervisor beyond its own grace and sweep before it
# kills the supervisor's group itself (only a supervisor the demo stopped or killed).
SUPERVISOR_MARGIN_S = 2.0


@dataclass
class Lifeline:
    """The runner's end of a run's lifeline: closing it ends the run."""

    fd: int
    closed: bool = field(default=False, init=False)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)


@dataclass(frozen=True)
class DemoProcess:
    """A started run: its pipes, its supervisor's pid, its exit, its lifeline, our pipe ends."""

    pid: int  # the supervisor, leader of a process group of its own
    stdout: asyncio.StreamReader
    stderr: asyncio.StreamReader
    wait: Callable[[], Awaitable[int]]
    close: Callable[[], None]
    lifeline: Lifeline


Killer = Callable[[DemoProcess], Awaitable[int]]


class _LeaderProtocol(asyncio.subprocess.SubprocessStreamProtocol):
    """Knows when the supervisor itself exits.

    ``Process.wait()`` also waits for the pipes to close, which never happens while a
    process the demo left behind still holds them; the run must end with the demo.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=2**16, loop=loop)
        self.exited: asyncio.Future[int] = loop.create_future()

    def process_exited(self) -> None:
        # The child watcher has reaped the supervisor already (waitpid): no zombie.
        code = self._transport.get_returncode()  # type: ignore[attr-defined]
        super().process_exited()
        if code is not None and not self.exited.done():
            self.exited.set_result(code)


async def launch(module: str, *, env: Mapping[str, str], cwd: Path) -> DemoProcess:
    """Start a run of ``module`` in a new interpreter: its supervisor, which forks the demo.

    ``start_new_session`` puts the supervisor in a session of its own, so a Ctrl-C
    meant for the runner's terminal reaches no run. ``-u`` makes the demo's prints
    reach the pipes as they happen. ``-c``, not ``-m``: the demo later runs in this
    ``__main__``, which must hold no names. stdin is closed: nobody can type into a
    demo on a slide.
    """
    loop = asyncio.get_running_loop()
    lifeline_r, lifeline_w = os.pipe()
    try:
        transport, protocol = await loop.subprocess_exec(
            lambda: _LeaderProtocol(loop),
            sys.executable,
            "-u",
            "-c",
            "__import__('runner.execution.supervisor', fromlist=['main']).main()",
            module,
            str(lifeline_r),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            pass_fds=(lifeline_r,),
        )
    except BaseException:
        os.close(lifeline_w)
        raise
    finally:
        os.close(lifeline_r)
    assert protocol.stdout is not None and protocol.stderr is not None  # PIPE above

    async def wait() -> int:
        # Shielded: a waiter that gives up must not cancel the one shared future.
        return await asyncio.shield(protocol.exited)

    def close() -> None:
        # Our pipe ends only: the transport's close() would SIGKILL a supervisor still
        # running, which must be left to end its run. Once it has exited, close it all.
        for fd in (1, 2):
            if (pipe := transport.get_pipe_transport(fd)) is not None:
                pipe.close()
        if transport.get_returncode() is not None:
            transport.close()

    return DemoProcess(
        transport.get_pid(), protocol.stdout, protocol.stderr, wait, close, Lifeline(lifeline_w)
    )


async def stop(process: DemoProcess) -> int:
    """End the run and return its exit code: close its lifeline, wait for its supervisor.

    The supervisor sends SIGTERM to the demo's group, SIGKILL after the grace, ends
    what it adopted and reaps it all; then it exits as the demo did, which is the code
    returned. Should it not (a demo that stopped or killed its supervisor), its group
    is killed here. Closing the lifeline is synchronous, so the run ends even when this
    stop is cancelled (the server shutting down).
    """
    process.lifeline.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(STOP_GRACE_S + SWEEP_S + SUPERVISOR_MARGIN_S):
            return await process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    return await process.wait()


def child_environment(database_url: str) -> dict[str, str]:
    """The runner's environment, with the demo database the runner was told to use.

    Why the talk fell back to SQLite (runner.fallback) goes along only with that
    database: a demo told of another must not announce the fallback.
    """
    env = {**os.environ, ENV_VAR: database_url, "PYTHONUNBUFFERED": "1"}
    if os.environ.get(ENV_VAR) != database_url:
        env.pop(FALLBACK_VAR, None)
    return env
