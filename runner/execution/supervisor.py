"""A run's supervisor: the one process that starts a demo, ends it, and ends what it started.

Every run is two processes, whichever way it was launched (forked off the fork
server, or ``python -c`` for `talk run` and edited runs):

* the supervisor, leader of its own session and process group (so the runner can
  always kill it, stopped or not), holding the read end of the run's *lifeline*, a
  pipe whose only write end the runner keeps;
* the demo, forked from it, leader of a session and process group of its own,
  with the run's limits (:mod:`runner.execution.limits`) set, and (Linux) killed by
  the kernel when its supervisor dies (``PR_SET_PDEATHSIG``).

Each part earns its place:

* The demo's process group: one ``killpg`` reaches the demo and every child it
  did not move elsewhere, on every POSIX system. SIGTERM first, so a demo can say
  goodbye; SIGKILL after STOP_GRACE_S, for one that ignores it.
* The lifeline: the runner ends a run by closing its end (Stop, timeout, output
  cap), and the kernel closes it when the runner dies, however it dies, SIGKILL
  included. So a run never outlives its runner, with no signal, no keeper process
  and no ``/proc`` needed, on every POSIX system.
* The PID namespace (Linux, :mod:`runner.execution.namespaces`): where the system
  allows one, the demo is the init of a PID namespace of its own, and when it ends
  the kernel ends everything it started, however it got away, before the demo's exit
  is reported. Nothing is left to sweep.
* The subreaper (Linux, ``PR_SET_CHILD_SUBREAPER``): everything the demo starts
  that loses its parent, a ``setsid()`` daemon with an empty environment included,
  is handed to the supervisor instead of init. After the demo, the supervisor
  kills whatever it was handed (found in ``/proc`` by its parent pid) until it has
  no child left, so nothing outlives the run. Without it (macOS), a process that
  leaves the demo's group outlives the run: what docs/platforms.md says macOS gets.
* Reaping: the supervisor waits for the demo and every orphan it adopted, so no
  zombie stays; it exits as the demo did (the same code, or the same signal).
* Bounded: once the lifeline closes, the supervisor exits within END_S whatever
  the demo did (a demo held by a tracer that never reaps it included); every wait
  has a deadline.

A demo that stops or kills its own supervisor is out of reach of all this; the
runner then SIGKILLs the supervisor (:func:`runner.execution.processes.stop`), and
the demo dies with it where the kernel offers ``PR_SET_PDEATHSIG``.
"""

import contextlib
import errno
import os
import runpy
import select
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from runner.execution import capabilities, confinement, limits, namespaces

# How long a demo gets to act on SIGTERM (print, close connections) before SIGKILL.
STOP_GRACE_S = 1.0
# After the SIGKILL, the longest the supervisor spends reaping the demo and killing
# the orphans it adopted before it exits anyway.
SWEEP_S = 1.0
# The longest a supervisor takes to end its run once its lifeline has closed.
END_S = STOP_GRACE_S + SWEEP_S
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_STOPS = {signal.SIGTERM, signal.SIGINT}


def main() -> None:
    """``python -c`` entry for a plain run: argv is MODULE LIFELINE_FD."""
    module, lifeline = sys.argv[1], int(sys.argv[2])
    supervise(lifeline, lambda run_folder: run_module(module, run_folder))


def supervise(lifeline: int, start_demo: Callable[[Path], None]) -> NoReturn:
    """Start the demo in a forked child, end it when the lifeline closes, exit as it did.

    start_demo runs in the child, given the run's folder (removed when the run ends).
    """
    found = capabilities.detect()
    run_folder = confinement.make_run_folder()
    _lead_own_group()
    if found.subreaper:
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    # The demo is forked into a PID namespace of its own, where the system allows it.
    namespaced = found.pid_namespace and namespaces.unshare_pid_namespace(found.pid_namespace_flags)
    # The demo's parent, as the demo sees it: none (0) from inside its namespace.
    supervisor = 0 if namespaced else os.getpid()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd fires
    # Blocked, not ignored: ending the run is the lifeline's job, and a stop sent to
    # the demo before it has unblocked them waits for it instead of being lost.
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    demo = os.fork()
    if demo == 0:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if namespaced:  # before the unblock: a SIGTERM sent already is handled
            namespaces.act_as_init()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as `python -m` has it
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
        for fd in (wake_r, wake_w, lifeline):
            os.close(fd)
        os.setsid()
        if found.prctl:
            _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != supervisor:  # it died before the line above: so do we
                os._exit(1)
        limits.apply_to_this_process(found, own_users=namespaced and found.user_namespace)
        start_demo(run_folder)
        sys.exit(0)
    status: int | None = None
    try:
        # The demo's pipes end when the demo and its children are gone, never with us.
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        status = _wait_for_demo(demo, lifeline, wake_r)
        if namespaced and status is not None:
            status = _as_signalled(status)
    finally:
        # Whatever happened above, nothing of the run stays, and we never return
        # into the code that forked us (the fork server's loop).
        _signal_group(demo, signal.SIGKILL)  # what is left of its group
        reaped = _finish(demo, time.monotonic() + SWEEP_S, found)
        shutil.rmtree(run_folder, ignore_errors=True)
        _exit_as(status if status is not None else reaped)


def run_module(module: str, run_folder: Path) -> None:
    """Run module as ``__main__``, as ``python -m`` does, in its run's folder and confined
    (:mod:`runner.execution.confinement`); running out of memory ends it in one line."""
    project = confinement.enter(run_folder, capabilities.detect())
    sys.argv[:] = [""]  # runpy puts the module's path in argv[0]
    try:
        runpy._run_module_as_main(module)  # type: ignore[attr-defined]
    except MemoryError as error:
        _say_out_of_memory(error, limits.MEMORY_LIMIT_BYTES, "", project)
    except OSError as error:  # mmap(2) past the address-space limit
        if error.errno != errno.ENOMEM:
            raise
        _say_out_of_memory(error, limits.ADDRESS_SPACE_LIMIT_BYTES, "address-space ", project)


def _say_out_of_memory(error: BaseException, limit: int, kind: str, project: Path) -> NoReturn:
    where = _innermost_frame(error, project)
    os.write(
        2,
        f"[runner] stopped: the demo needed more memory than its {kind}limit of "
        f"{limit // (1024 * 1024)} MiB ({type(error).__name__}{where})\n".encode(),
    )
    os._exit(1)


def _wait_for_demo(demo: int, lifeline: int, wake: int) -> int | None:
    """The demo's wait status when it exits; None once it had to be killed after the
    lifeline closed (its status is then collected by :func:`_finish`)."""
    stop_at: float | None = None
    while True:
        timeout = None if stop_at is None else max(stop_at - time.monotonic(), 0)
        watched = [wake] if stop_at is not None else [wake, lifeline]
        readable, _, _ = select.select(watched, [], [], timeout)
        if lifeline in readable and stop_at is None and not _read_or_eof(lifeline):
            _signal_demo(demo, signal.SIGTERM)
            stop_at = time.monotonic() + STOP_GRACE_S
        if wake in readable:
            with contextlib.suppress(BlockingIOError):
                os.read(wake, 4096)
        status = _reap(demo)
        if status is not None:
            return status
        if stop_at is not None and time.monotonic() >= stop_at:
            _signal_demo(demo, signal.SIGKILL)
            return _reap(demo)


def _as_signalled(status: int) -> int:
    """A namespace init's exit by its SIGTERM handler, told as the SIGTERM it was."""
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == namespaces.TERMINATED:
        return int(signal.SIGTERM)  # the wait status of a process killed by SIGTERM
    return status


def _read_or_eof(fd: int) -> bool:
    """False at end of file: the runner closed its end, or died."""
    try:
        return bool(os.read(fd, 4096))
    except OSError:
        return False


def _reap(demo: int) -> int | None:
    """Reap every child that has ended; the demo's wait status if it was one of them."""
    found = None
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == demo:
            found = status


def _finish(demo: int, deadline: float, found: capabilities.Capabilities) -> int:
    """Reap the demo and, with a subreaper, kill and reap every process handed to us,
    until we have no child left or the deadline passes; the demo's status if reaped
    here (a SIGKILL's otherwise: a tracer may hold it past our end)."""
    status = int(signal.SIGKILL)  # the wait status of a process killed by SIGKILL
    me = os.getpid()
    while True:
        for pid in _children_of(me, found) if found.subreaper else []:
            if pid != demo:
                _signal_demo(pid, signal.SIGKILL)
        try:
            while (reaped := os.waitpid(-1, os.WNOHANG))[0] > 0:
                if reaped[0] == demo:
                    status = reaped[1]
        except ChildProcessError:
            return status  # no child at all: nothing of the run is left
        if time.monotonic() >= deadline:
            return status
        time.sleep(0.005)


def _children_of(parent: int, found: capabilities.Capabilities) -> list[int]:
    """The live children of parent, from ``/proc/*/stat`` (the only reader of /proc)."""
    if not found.proc:
        return []
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return children


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


def _signal_demo(demo: int, signum: signal.Signals) -> None:
    """The demo's group, and the demo itself in case it has not called setsid() yet
    (safe: an unreaped child's pid cannot be reused)."""
    _signal_group(demo, signum)
    with contextlib.suppress(ProcessLookupError):
        os.kill(demo, signum)


def _lead_own_group() -> None:
    """Lead a session and process group of our own, so one killpg reaches us (a plain
    run starts as one already; a fork of the fork server shares the runner's group)."""
    if os.getpgid(0) != os.getpid():
        os.setsid()


def _prctl(option: int, value: int) -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def _exit_as(status: int) -> NoReturn:
    """Exit with the demo's code, or die of the demo's signal, so the runner sees the same."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        with contextlib.suppress(OSError, ValueError):
            signal.signal(-code, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {-code})
        os.kill(os.getpid(), -code)
        time.sleep(1)  # a stop or tty signal needs no more; SIGKILL never returns here
    os._exit(code if code >= 0 else 128 - code)


def _innermost_frame(error: BaseException, project: Path) -> str:
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    path = Path(tb.tb_frame.f_code.co_filename)
    with contextlib.suppress(ValueError):
        path = path.relative_to(project)
    return f" at {path}:{tb.tb_lineno}"
