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
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from runner.execution import confinement
from runner.execution.spec import RunSpec
from runner.execution.supervisor import END_S

# How long stop() waits for the supervisor beyond its own END_S before it kills the
# supervisor itself (a supervisor the demo stops again and again, or a machine under load).
SUPERVISOR_MARGIN_S = 0.5
# How long a SIGKILLed supervisor may take to be reported gone (it always is, unless
# the kernel holds it in uninterruptible sleep).
KILLED_WAIT_S = 0.5
# The longest stop() takes, whatever the demo did: a run's place is free again by then.
STOP_BOUND_S = END_S + SUPERVISOR_MARGIN_S + KILLED_WAIT_S
_log = logging.getLogger("uvicorn.error")
T = TypeVar("T")


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


async def launch(spec: RunSpec) -> DemoProcess:
    """Start the run in a new interpreter: its supervisor, which forks the demo.

    ``start_new_session`` puts the supervisor in a session of its own, so a Ctrl-C
    meant for the runner's terminal reaches no run. ``-u`` makes the demo's prints
    reach the pipes as they happen. ``-c``, not ``-m``: the demo later runs in this
    ``__main__``, which must hold no names. stdin is closed: nobody can type into a
    demo on a slide.

    A caller cancelled while asyncio connects the new process's pipes would leave its
    transport waiting for them forever (CPython gh-125502, gh-133536: a recording
    that failed hung `talk build --record`), so the start is shielded: a cancelled
    launch lets it finish, stops the run it started, and is cancelled then.
    """
    loop = asyncio.get_running_loop()
    lifeline_r, lifeline_w = os.pipe()
    lifeline = Lifeline(lifeline_w)
    try:
        starting = asyncio.ensure_future(
            loop.subprocess_exec(
                lambda: _LeaderProtocol(loop),
                sys.executable,
                "-u",
                "-c",
                "__import__('runner.execution.supervisor', fromlist=['main']).main()",
                spec.module,
                str(lifeline_r),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=dict(spec.env),
                cwd=spec.cwd,
                start_new_session=True,
                pass_fds=(lifeline_r,),
            )
        )
        try:
            transport, protocol = await asyncio.shield(starting)
        except asyncio.CancelledError:
            transport, protocol = await _uncancelled(starting)
            started = _demo_process(transport, protocol, lifeline)
            await _uncancelled(stop(started))
            started.close()
            raise
    except BaseException:
        lifeline.close()
        raise
    finally:
        os.close(lifeline_r)
    return _demo_process(transport, protocol, lifeline)


async def _uncancelled(awaitable: Awaitable[T]) -> T:
    """awaitable's result, however often the caller is cancelled meanwhile."""
    task = asyncio.ensure_future(awaitable)
    while True:
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                raise


def _demo_process(
    transport: asyncio.SubprocessTransport, protocol: "_LeaderProtocol", lifeline: Lifeline
) -> DemoProcess:
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

    return DemoProcess(transport.get_pid(), protocol.stdout, protocol.stderr, wait, close, lifeline)


async def stop(process: DemoProcess) -> int:
    """End the run and return its exit code: close its lifeline, wait for its supervisor.

    The supervisor sends SIGTERM to the demo's group, SIGKILL after the grace, ends
    what it adopted and reaps it all; then it exits as the demo did, which is the code
    returned. Should it not (a demo that stopped or killed its supervisor), it is
    killed here, and the code is SIGKILL's. Either way this returns within
    STOP_BOUND_S. Closing the lifeline is synchronous, so the run ends even when this
    stop is cancelled (the server shutting down). A supervisor the demo stopped with
    SIGSTOP is continued first, so it ends the run in its grace as any other does.
    """
    process.lifeline.close()
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGCONT)
    try:
        return await _supervisor_end(process)
    finally:
        confinement.remove_run_folders(process.pid)


async def _supervisor_end(process: DemoProcess) -> int:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(END_S + SUPERVISOR_MARGIN_S):
            return await process.wait()
    _kill_supervisor(process.pid)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(KILLED_WAIT_S):
            return await process.wait()
    _log.warning("the supervisor of a run (pid %d) outlived SIGKILL; left to init", process.pid)
    return -signal.SIGKILL


def _kill_supervisor(pid: int) -> None:
    """SIGKILL to the supervisor's group, or to it alone if it has not made its group
    yet (stopped at once after its fork). Its pid is not reused before the exit we
    wait for: the fork server or this loop's child watcher reaps it."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
