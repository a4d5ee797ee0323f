"""Starting a demo as a process of its own, and ending it with everything it started.

Everything else in the runner sees a run only through :class:`DemoProcess`: two
output streams, a process group id and a way to wait for the exit status. That
keeps :func:`launch` the one place that knows how a process is made, so it can be
swapped (a fork server that forks runs off a warm interpreter) without touching
the streaming code.
"""

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from demos.connection import ENV_VAR, FALLBACK_VAR
from runner.execution import orphans

# How long a demo gets to act on SIGTERM (print, close connections) before SIGKILL.
STOP_GRACE_S = 1.0
# How long stop() waits for killed children of the demo to be reaped by init.
REAP_WAIT_S = 1.0


@dataclass(frozen=True)
class DemoProcess:
    """A started demo: its pipes, its process group, its exit, and closing our pipe ends.

    token is the run token in its environment (:mod:`runner.execution.orphans`), by
    which what it started is found even outside its group.
    """

    pgid: int
    stdout: asyncio.StreamReader
    stderr: asyncio.StreamReader
    wait: Callable[[], Awaitable[int]]
    close: Callable[[], None]
    token: str = ""


class _LeaderProtocol(asyncio.subprocess.SubprocessStreamProtocol):
    """Knows when the demo itself exits.

    ``Process.wait()`` also waits for the pipes to close, which never happens while a
    child the demo left behind still holds them; the run must end with the demo.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=2**16, loop=loop)
        self.exited: asyncio.Future[int] = loop.create_future()

    def process_exited(self) -> None:
        # The child watcher has reaped the leader already (waitpid): no zombie.
        code = self._transport.get_returncode()  # type: ignore[attr-defined]
        super().process_exited()
        if code is not None and not self.exited.done():
            self.exited.set_result(code)


async def launch(module: str, *, env: Mapping[str, str], cwd: Path) -> DemoProcess:
    """Start ``python -u -m module`` as the leader of a new process group.

    ``start_new_session`` makes the child call setsid(): its pid becomes the id of
    a group that its own children join too, so one killpg() ends all of them, and
    a Ctrl-C meant for the runner's terminal does not reach the demos.
    ``-u`` makes the demo's prints reach the pipes as they happen, not when a
    buffer fills. stdin is closed: nobody can type into a demo on a slide.
    """
    loop = asyncio.get_running_loop()
    env, token = orphans.tagged(env)
    transport, protocol = await loop.subprocess_exec(
        lambda: _LeaderProtocol(loop),
        sys.executable,
        "-u",
        "-m",
        module,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        start_new_session=True,
    )
    assert protocol.stdout is not None and protocol.stderr is not None  # PIPE above

    async def wait() -> int:
        # Shielded: a waiter that gives up must not cancel the one shared future.
        return await asyncio.shield(protocol.exited)

    return DemoProcess(
        transport.get_pid(), protocol.stdout, protocol.stderr, wait, transport.close, token
    )


def signal_group(pgid: int, signum: signal.Signals) -> bool:
    """Send signum to every process in the group; False when none is left.

    The leader's pid stays reserved as a group id while any member lives, so a
    group id cannot be handed to an unrelated process while we may still signal it.
    """
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    return True


async def stop(process: DemoProcess, grace_s: float = STOP_GRACE_S) -> int:
    """End the whole group: SIGTERM, SIGKILL after grace_s, then reap the leader.

    SIGKILL goes to the group even when the leader obeyed SIGTERM, because a child
    of the demo may ignore it and would otherwise outlive the run holding its pipes.
    Awaiting ``wait()`` reaps the leader (no zombie). The demo's own children are
    reaped by whoever inherits them, init (in a container: ``init: true``); a zombie
    still counts as a member of the group, so we wait, briefly, until none is left.
    """
    signal_group(process.pgid, signal.SIGTERM)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), grace_s)
    finally:
        # Synchronous, so it happens even when the stop itself is cancelled (the
        # server shutting down): no demo survives its runner, nor anything it started,
        # even a daemon that left the group.
        signal_group(process.pgid, signal.SIGKILL)
        orphans.kill_tagged({process.token} - {""})
    code = await process.wait()
    deadline = asyncio.get_running_loop().time() + REAP_WAIT_S
    while _group_exists(process.pgid) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    return code


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def child_environment(database_url: str) -> dict[str, str]:
    """The runner's environment, with the demo database the runner was told to use.

    Why the talk fell back to SQLite (runner.fallback) goes along only with that
    database: a demo told of another must not announce the fallback.
    """
    env = {**os.environ, ENV_VAR: database_url, "PYTHONUNBUFFERED": "1"}
    if os.environ.get(ENV_VAR) != database_url:
        env.pop(FALLBACK_VAR, None)
    return env
