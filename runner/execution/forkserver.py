"""A fork server: every run a fresh process, without paying for the imports each time.

Starting ``python -m demo`` costs about 400 ms before the first print, almost all of
it importing SQLAlchemy and the drivers. The fork server is an interpreter started
once, with those libraries imported and nothing else done. Each run is a fork(2) of
it: a new process with a new pid, its own process group and environment, that has
run no code of any earlier run, because every run forks from the same untouched
parent and never from another run. It then runs the demo as ``__main__``, as
``python -u -m`` would.

Protocol, over a SOCK_SEQPACKET socket pair (one message per send):
runner -> server  ``{"module", "env", "cwd"}`` with the stdout and stderr write ends
                  attached (SCM_RIGHTS); the server answers ``{"spawned": pid}``.
server -> runner  ``{"exited": pid, "code": int}`` once it has reaped a run; the code
                  is negative for a signal, as asyncio reports it.
The server exits when the runner closes its end. It is started with ``-c``, not as
``__main__``, because each run executes in the server's ``__main__`` module, as ``-m`` does.
"""

import asyncio
import contextlib
import ctypes
import io
import json
import os
import runpy
import selectors
import signal
import socket
import sys
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from runner.execution.processes import DemoProcess

_MAX_MESSAGE = 1 << 20
# Imported once in the server so that no run pays for them.
_WARM_MODULES = (
    "asyncio",
    "concurrent.futures",
    "multiprocessing",
    "pprint",
    "runpy",
    "sqlalchemy",
    "sqlalchemy.orm",
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.dialects.mysql.pymysql",
    "sqlalchemy.dialects.mysql.aiomysql",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "pymysql",
    "aiomysql",
    "aiosqlite",
    "greenlet",
    "demos.connection",
)


class ForkServer:
    """The runner's handle on one fork server process."""

    def __init__(self) -> None:
        self._sock: socket.socket | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._spawned: deque[asyncio.Future[int]] = deque()
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._lock = asyncio.Lock()

    async def start(self, cwd: Path) -> None:
        """Start the server and wait until it has imported everything (about 0.5 s)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = await asyncio.create_subprocess_exec(
            # -c, not -m: the demos later run in this __main__, which must hold no names
            sys.executable,
            "-c",
            "__import__('runner.execution.forkserver', fromlist=['main']).main()",
            str(theirs.fileno()),
            pass_fds=[theirs.fileno()],
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
        )
        theirs.close()
        ours.setblocking(False)
        self._sock = ours
        ready = await asyncio.get_running_loop().sock_recv(ours, _MAX_MESSAGE)
        if json.loads(ready) != {"ready": True}:
            raise RuntimeError(f"fork server did not start: {ready!r}")
        self._reader = asyncio.create_task(self._read_replies())

    @property
    def running(self) -> bool:
        return self._reader is not None and not self._reader.done()

    async def launch(self, module: str, *, env: Mapping[str, str], cwd: Path) -> DemoProcess:
        """Fork a run of ``module``; the same contract as :func:`runner.processes.launch`."""
        assert self._sock is not None, "start() first"
        loop = asyncio.get_running_loop()
        (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe()
        request = json.dumps({"module": module, "env": dict(env), "cwd": str(cwd)}).encode()
        try:
            async with self._lock:  # replies to spawns come back in request order
                spawned = loop.create_future()
                self._spawned.append(spawned)
                socket.send_fds(self._sock, [request], [out_w, err_w])
            pid = await spawned
        finally:
            # The child has its own copies now; ours must go or the pipes never end.
            os.close(out_w)
            os.close(err_w)
        exit_code = self._exits.setdefault(pid, loop.create_future())
        (stdout, out_pipe), (stderr, err_pipe) = await _reader_for(out_r), await _reader_for(err_r)

        async def wait() -> int:
            # Shielded: a waiter that gives up must not cancel the one shared future.
            return await asyncio.shield(exit_code)

        def close() -> None:
            out_pipe.close()
            err_pipe.close()

        return DemoProcess(pid, stdout, stderr, wait, close)

    async def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
        if self._reader is not None:
            self._reader.cancel()
        if self._process is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._process.wait(), 2)
            if self._process.returncode is None:
                self._process.kill()
                await self._process.wait()

    async def _read_replies(self) -> None:
        assert self._sock is not None
        loop = asyncio.get_running_loop()
        try:
            while message := await loop.sock_recv(self._sock, _MAX_MESSAGE):
                reply = json.loads(message)
                if "spawned" in reply:
                    self._spawned.popleft().set_result(reply["spawned"])
                else:
                    future = self._exits.setdefault(reply["exited"], loop.create_future())
                    future.set_result(reply["code"])
                    self._exits.pop(reply["exited"])
        finally:
            self._fail_pending()

    def _fail_pending(self) -> None:
        """The server is gone: no spawn will be answered, no exit reported.

        Its runs were its children, so they are orphans now and stop() kills their
        groups; their exit status is unknown, and reported as killed.
        """
        while self._spawned:
            future = self._spawned.popleft()
            if not future.done():
                future.set_exception(RuntimeError("the fork server has stopped"))
        for future in self._exits.values():
            if not future.done():
                future.set_result(-signal.SIGKILL)
        self._exits.clear()


async def _reader_for(fd: int) -> tuple[asyncio.StreamReader, asyncio.ReadTransport]:
    reader = asyncio.StreamReader(limit=2**16)
    transport, _ = await asyncio.get_running_loop().connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader, transport


# --- the server process -------------------------------------------------------------


def _serve(control: socket.socket) -> dict[str, Any]:
    """Answer spawn requests and report exits; returns only in a freshly forked child."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    ours: set[int] = set()
    while True:
        for key, _ in selector.select():
            if key.fileobj is wake_r:
                os.read(wake_r, 4096)
                _report_exits(control, ours)
                continue
            message, fds, _flags, _addr = socket.recv_fds(control, _MAX_MESSAGE, 2)
            if not message:
                raise SystemExit(0)  # the runner has gone
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                selector.close()
                control.close()
                os.close(wake_r)
                os.close(wake_w)
                for target, fd in zip((1, 2), fds, strict=True):
                    os.dup2(fd, target)
                    os.close(fd)
                request: dict[str, Any] = json.loads(message)
                return request
            for fd in fds:
                os.close(fd)
            ours.add(pid)
            control.send(json.dumps({"spawned": pid}).encode())


def _report_exits(control: socket.socket, ours: set[int]) -> None:
    """Reap every child that has ended (ours, and orphans we adopted as subreaper)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in ours:
            ours.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            control.send(json.dumps({"exited": pid, "code": code}).encode())


def _become_demo(request: dict[str, Any]) -> None:
    """Turn this fork into what ``python -u -m module`` would have started, and run it."""
    os.setsid()  # its own process group: one killpg() ends it and its children
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    # -u: every write reaches the pipe at once.
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(  # type: ignore[misc]
        io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(  # type: ignore[misc]
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )
    # Exactly what `python -m` calls: the module runs in the (empty) __main__ module.
    runpy._run_module_as_main(request["module"])  # type: ignore[attr-defined]


def _become_subreaper() -> None:
    """Adopt the demos' orphaned children, so they are reaped here, never left as zombies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    for name in _WARM_MODULES:
        __import__(name)
    _become_subreaper()
    control.send(json.dumps({"ready": True}).encode())
    try:
        request = _serve(control)
    except KeyboardInterrupt:
        raise SystemExit(0) from None
    # Only a forked child gets here; from now on it is the demo, and it exits as one,
    # through the interpreter's own shutdown (atexit, thread joins, flushes).
    _become_demo(request)
