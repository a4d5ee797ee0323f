"""The fork server process: a warm interpreter that forks one child per run.

See :mod:`runner.execution.forkserver` for why it exists and for the protocol. It
runs each demo as ``__main__``, as ``python -u -m`` would, so it is started with
``-c``, not as ``__main__`` itself. When the runner goes away, however it goes (even
SIGKILL), its end of the socket closes; the server then kills every run it started
and everything those runs started, and exits.
"""

import io
import json
import os
import runpy
import selectors
import signal
import socket
import sys
from typing import Any

from runner.execution import orphans

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


class _Runs:
    """The runs this server forked and not yet reaped, and every run token it has seen."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}  # pid -> run id
        self.tokens: set[str] = set()

    def kill_all(self) -> None:
        for pid in self.ids:
            orphans.kill_run(pid)
        orphans.kill_tagged(self.tokens)


def _serve(control: socket.socket) -> dict[str, Any]:
    """Answer spawn requests and report exits; returns only in a freshly forked child."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    runs = _Runs()
    while True:
        for key, _ in selector.select():
            if key.fileobj is wake_r:
                os.read(wake_r, 4096)
                _report_exits(control, runs)
                continue
            try:
                message, fds, _flags, _addr = socket.recv_fds(control, MAX_MESSAGE, 2)
            except ConnectionError:  # a runner killed with requests unread resets
                message = b""
            if not message:
                runs.kill_all()  # the runner has gone: nothing of it may stay
                raise SystemExit(0)
            request: dict[str, Any] = json.loads(message)
            runs.tokens.add(request["env"].get(orphans.RUN_TOKEN_VARIABLE, ""))
            pid = os.fork()
            if pid == 0:
                orphans.die_with_parent()
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                selector.close()
                control.close()
                os.close(wake_r)
                os.close(wake_w)
                for target, fd in zip((1, 2), fds, strict=True):
                    os.dup2(fd, target)
                    os.close(fd)
                return request
            for fd in fds:
                os.close(fd)
            runs.ids[pid] = request["run"]
            control.send(json.dumps({"run": request["run"], "spawned": pid}).encode())


def _report_exits(control: socket.socket, runs: _Runs) -> None:
    """Reap every child that has ended (ours, and orphans we adopted as subreaper)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if (run := runs.ids.pop(pid, None)) is not None:
            code = os.waitstatus_to_exitcode(status)
            control.send(json.dumps({"run": run, "exited": code}).encode())


def _become_demo(request: dict[str, Any]) -> None:
    """Turn this fork into what ``python -u -m module`` would have started, and run it."""
    os.setsid()  # its own process group: one killpg() ends it and its children
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    orphans.write_token_in_place(request["env"].get(orphans.RUN_TOKEN_VARIABLE, ""))
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


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    for name in _WARM_MODULES:
        __import__(name)
    orphans.become_subreaper()
    control.send(json.dumps({"ready": True}).encode())
    try:
        request = _serve(control)
    except KeyboardInterrupt:
        raise SystemExit(0) from None
    # Only a forked child gets here; from now on it is the demo, and it exits as one,
    # through the interpreter's own shutdown (atexit, thread joins, flushes).
    _become_demo(request)
