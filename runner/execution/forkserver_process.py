"""The fork server process: a warm interpreter that forks one child per run.

See :mod:`runner.execution.forkserver` for why it exists and for the protocol. Each
child it forks becomes a run's supervisor (:mod:`runner.execution.supervisor`), which
runs the demo as ``__main__``, as ``python -u -m`` would, so the server is started with
``-c``, not as ``__main__`` itself. When the runner goes away, however it goes (even
SIGKILL), its end of the socket closes and the server exits; its runs end on their own,
as their lifelines close with the runner.
"""

import io
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from runner.execution import capabilities, supervisor

MAX_MESSAGE = 1 << 20
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


def _serve(control: socket.socket) -> tuple[dict[str, Any], int]:
    """Answer spawn requests and report exits; returns only in a freshly forked child,
    with its request and its lifeline."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    runs: dict[int, int] = {}  # pid -> run id, until reaped
    while True:
        for key, _ in selector.select():
            if key.fileobj is wake_r:
                os.read(wake_r, 4096)
                _report_exits(control, runs)
                continue
            try:
                message, fds, _flags, _addr = socket.recv_fds(control, MAX_MESSAGE, 3)
            except ConnectionError:  # a runner killed with requests unread resets
                message = b""
            if not message:
                raise SystemExit(0)  # the runner has gone, and its lifelines with it
            request: dict[str, Any] = json.loads(message)
            *outputs, lifeline = fds
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                selector.close()
                control.close()
                os.close(wake_r)
                os.close(wake_w)
                for target, fd in zip((1, 2), outputs, strict=True):
                    os.dup2(fd, target)
                    os.close(fd)
                return request, lifeline
            for fd in fds:
                os.close(fd)
            runs[pid] = request["run"]
            control.send(json.dumps({"run": request["run"], "spawned": pid}).encode())


def _report_exits(control: socket.socket, runs: dict[int, int]) -> None:
    """Reap every run that has ended, and say so."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if (run := runs.pop(pid, None)) is not None:
            code = os.waitstatus_to_exitcode(status)
            control.send(json.dumps({"run": run, "exited": code}).encode())


def _become_demo(request: dict[str, Any], run_folder: Path) -> None:
    """Turn this fork into what ``python -u -m module`` would have started, and run it."""
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
    supervisor.run_module(request["module"], run_folder)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    for name in _WARM_MODULES:
        __import__(name)
    capabilities.detect()  # once, here: every run forked from us inherits the answer
    tempfile.gettempdir()  # which it finds by writing a file: once, here, too
    control.send(json.dumps({"ready": True}).encode())
    try:
        request, lifeline = _serve(control)
    except KeyboardInterrupt:
        raise SystemExit(0) from None
    # Only a forked child gets here: it supervises the run, and the demo it forks
    # exits as one, through the interpreter's own shutdown (atexit, thread joins, flushes).
    supervisor.supervise(lifeline, lambda run_folder: _become_demo(request, run_folder))
