"""A fork server: every run a fresh process, without paying for the imports each time.

Starting ``python -m demo`` costs about 400 ms before the first print, almost all of
it importing SQLAlchemy and the drivers. The fork server
(:mod:`runner.execution.forkserver_process`) is an interpreter started once, with
those libraries imported and nothing else done. Each run is a fork(2) of it: a new
process with a new pid, its own process group and environment, that has run no code
of any earlier run, because every run forks from the same untouched parent and never
from another run. It then runs the demo as ``__main__``, as ``python -u -m`` would.

Each forked child is a run's supervisor (:mod:`runner.execution.supervisor`),
which forks the demo in turn.

Protocol, over a SOCK_SEQPACKET socket pair (one message per send), every message
naming the run it is about by an id the runner chose:
runner -> server  ``{"run", "module", "env", "cwd"}`` with the run's stdout and
                  stderr write ends and its lifeline's read end attached
                  (SCM_RIGHTS); the server answers ``{"run", "spawned": pid}``.
server -> runner  ``{"run", "exited": code}`` once it has reaped the run; the code is
                  negative for a signal, as asyncio reports it.
Both futures of a run (its pid and its exit) exist before its request is sent, so a
reply can never arrive for a run the runner is not waiting on, whatever order the
event loop gets to them in. A launch cancelled before its pid came closes its
lifeline, which ends its run. The server exits when the runner closes its end; the
runs end on their own when their lifelines close with the runner.
"""

import asyncio
import contextlib
import itertools
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.execution.forkserver_process import MAX_MESSAGE
from runner.execution.processes import DemoProcess, Lifeline
from runner.execution.spec import RunSpec

_log = logging.getLogger("uvicorn.error")


class ForkServerError(RuntimeError):
    """The fork server could not start this run; a plain interpreter can."""


@dataclass
class _Launch:
    """One run's two answers from the server, awaited in this order, and its lifeline."""

    lifeline: Lifeline
    pid: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    exit: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class ForkServer:
    """The runner's handle on one fork server process, started again if it dies.

    on_reply sees every reply before it is delivered (tests use it to order events).
    """

    def __init__(self, on_reply: Callable[[dict[str, Any]], None] | None = None) -> None:
        self._on_reply = on_reply
        self._cwd: Path | None = None
        self._sock: socket.socket | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._launches: dict[int, _Launch] = {}
        self._run_ids = itertools.count(1)

    async def start(self, cwd: Path) -> None:
        """Start the server and wait until it has imported everything (about 0.5 s)."""
        self._cwd = cwd
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = await asyncio.create_subprocess_exec(
            # -c, not -m: the demos later run in this __main__, which must hold no names
            sys.executable,
            "-c",
            "__import__('runner.execution.forkserver_process', fromlist=['main']).main()",
            str(theirs.fileno()),
            pass_fds=[theirs.fileno()],
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
        )
        theirs.close()
        ours.setblocking(False)
        self._sock = ours
        ready = await asyncio.get_running_loop().sock_recv(ours, MAX_MESSAGE)
        if not ready or json.loads(ready) != {"ready": True}:
            raise ForkServerError(f"fork server did not start: {ready!r}")
        self._reader = asyncio.create_task(self._read_replies())

    @property
    def running(self) -> bool:
        return self._reader is not None and not self._reader.done()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def launch(self, spec: RunSpec) -> DemoProcess:
        """Fork the run: a :class:`runner.execution.launchers.Launcher`, like a new interpreter."""
        if not self.running:
            await self._restart()
        assert self._sock is not None
        run_id = next(self._run_ids)
        (out_r, out_w), (err_r, err_w), (life_r, life_w) = os.pipe(), os.pipe(), os.pipe()
        launch = self._launches[run_id] = _Launch(Lifeline(life_w))
        request = {
            "run": run_id,
            "module": spec.module,
            "env": dict(spec.env),
            "cwd": str(spec.cwd),
        }
        try:
            socket.send_fds(self._sock, [json.dumps(request).encode()], [out_w, err_w, life_r])
            pid = await launch.pid
        except BaseException as error:
            os.close(out_r)
            os.close(err_r)
            launch.lifeline.close()  # a run forked already ends with it
            if isinstance(error, OSError):  # the server died since we looked
                self._launches.pop(run_id, None)
                raise ForkServerError(f"the fork server has stopped: {error!r}") from error
            raise
        finally:
            # The child has its own copies now; ours must go or the pipes never end.
            for fd in (out_w, err_w, life_r):
                os.close(fd)
        try:
            (stdout, out_pipe), (stderr, err_pipe) = (
                await _reader_for(out_r),
                await _reader_for(err_r),
            )
        except BaseException:
            launch.lifeline.close()  # nobody would ever stop it
            raise

        async def wait() -> int:
            # Shielded: a waiter that gives up must not cancel the one shared future.
            return await asyncio.shield(launch.exit)

        def close() -> None:
            out_pipe.close()
            err_pipe.close()

        return DemoProcess(pid, stdout, stderr, wait, close, launch.lifeline)

    async def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._process is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._process.wait(), 2)
            if self._process.returncode is None:
                self._process.kill()
                await self._process.wait()

    async def _restart(self) -> None:
        assert self._cwd is not None, "start() first"
        _log.warning("the fork server (pid %s) has stopped; starting a new one", self.pid)
        await self.close()
        try:
            await self.start(self._cwd)
        except (OSError, ValueError) as error:
            raise ForkServerError(f"the fork server did not start again: {error!r}") from error

    async def _read_replies(self) -> None:
        assert self._sock is not None
        loop = asyncio.get_running_loop()
        try:
            while message := await loop.sock_recv(self._sock, MAX_MESSAGE):
                reply = json.loads(message)
                if self._on_reply is not None:
                    self._on_reply(reply)
                self._deliver(reply)
        except Exception:
            _log.exception("the fork server's replies could not be read")
        finally:
            self._fail_pending()

    def _deliver(self, reply: dict[str, Any]) -> None:
        launch = self._launches.get(reply["run"])
        if launch is None:
            _log.error("the fork server answered for an unknown run: %r", reply)
        elif "spawned" in reply:
            if launch.pid.done():  # its launch was cancelled: nobody will stop this run
                launch.lifeline.close()
            else:
                launch.pid.set_result(reply["spawned"])
        else:
            del self._launches[reply["run"]]
            launch.exit.set_result(reply["exited"])

    def _fail_pending(self) -> None:
        """The server is gone: no spawn will be answered, no exit reported.

        Its runs are ended through their lifelines; their exit status is unknown, and
        reported as killed.
        """
        for launch in self._launches.values():
            launch.lifeline.close()
            if not launch.pid.done():
                launch.pid.set_exception(ForkServerError("the fork server has stopped"))
            if not launch.exit.done():
                launch.exit.set_result(-signal.SIGKILL)
        self._launches.clear()


async def _reader_for(fd: int) -> tuple[asyncio.StreamReader, asyncio.ReadTransport]:
    reader = asyncio.StreamReader(limit=2**16)
    transport, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader, transport
