"""Finding and ending what a demo started, even what left its process group.

Killing a run's process group misses a daemon that called ``setsid()``, and once a
process is handed to init nothing links it to its run. Every run therefore carries a
token in its environment, inherited by everything it starts, by which its
descendants are found in ``/proc`` however they were started. The fork server also
becomes a child subreaper, so the orphans of its runs are handed to it and reaped
there, and each run asks the kernel to SIGKILL it when the fork server dies.

Neither helps when the runner itself is SIGKILLed: a daemon a run started is handed
to init. So every token begins with this runner's prefix, and the first token made
starts a keeper (:mod:`runner.execution.keeper`) in a session of its own, which
waits for the runner to die and then kills whatever still carries that prefix.
"""

import contextlib
import ctypes
import os
import signal
import sys
import uuid
from collections.abc import Callable, Collection, Mapping
from pathlib import Path

RUN_TOKEN_VARIABLE = "TALK_RUN_TOKEN"
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
# A process being killed can fork first; a few passes catch its last children.
_KILL_PASSES = 5
# runner.settings.PROJECT_ROOT, computed here: importing the settings would load
# pydantic into the fork server, and so into every run it forks.
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
_TOKEN_LENGTH = 32  # uuid4().hex
_PREFIX_LENGTH = 16
# Every token this process makes starts with it: the keeper's handle on our runs.
_PREFIX = uuid.uuid4().hex[:_PREFIX_LENGTH]
# The write end of the keeper's stdin, held by nobody else: it closes when we die.
_keeper_pipe: int | None = None


def tagged(env: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The environment with a fresh run token in it, and the token."""
    _start_keeper()
    token = _PREFIX + uuid.uuid4().hex[_PREFIX_LENGTH:]
    return {**env, RUN_TOKEN_VARIABLE: token}, token


def kill_tagged(tokens: Collection[str]) -> int:
    """SIGKILL every process whose environment carries one of tokens; how many were."""
    wanted = {f"{RUN_TOKEN_VARIABLE}={token}".encode() for token in tokens}
    return _kill_where(lambda environment: bool(wanted & environment)) if wanted else 0


def kill_with_prefix(prefix: str) -> int:
    """SIGKILL every process whose run token starts with prefix; how many were."""
    start = f"{RUN_TOKEN_VARIABLE}={prefix}".encode()
    return _kill_where(lambda environment: any(item.startswith(start) for item in environment))


def _kill_where(matches: Callable[[set[bytes]], bool]) -> int:
    killed = 0
    for _ in range(_KILL_PASSES):
        found = [pid for pid in _other_pids() if matches(_environment_of(pid))]
        for pid in found:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        killed += len(found)
        if not found:
            break
    return killed


def placeholder_environment() -> dict[str, str]:
    """Our environment with a blank token, for a process that forks runs without exec."""
    return {**os.environ, RUN_TOKEN_VARIABLE: "0" * _TOKEN_LENGTH}


def write_token_in_place(token: str) -> None:
    """Show token in this process's ``/proc/PID/environ``, which is the environment as
    exec(2) laid it out, so a forked run must overwrite the blank one where it lies."""
    libc = ctypes.CDLL(None)
    libc.getenv.restype = ctypes.c_void_p
    address = libc.getenv(RUN_TOKEN_VARIABLE.encode())
    if address is not None and len(token) == _TOKEN_LENGTH:
        ctypes.memmove(address, token.encode(), _TOKEN_LENGTH)


def _start_keeper() -> None:
    """Start the keeper once, reading a pipe only we can write to.

    posix_spawn keeps no Popen object: nothing to warn at exit that the keeper still
    runs, as it must. Its own session keeps a Ctrl-C meant for us from reaching it.
    """
    global _keeper_pipe
    if _keeper_pipe is not None:
        return
    read_end, write_end = os.pipe()  # both close-on-exec; the dup2 below is not
    environment = {k: v for k, v in os.environ.items() if k != RUN_TOKEN_VARIABLE}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, (str(_PROJECT_ROOT), environment.get("PYTHONPATH")))
    )
    os.posix_spawn(
        sys.executable,
        [sys.executable, "-m", "runner.execution.keeper", _PREFIX],
        environment,
        file_actions=[(os.POSIX_SPAWN_DUP2, read_end, 0)],
        setsid=True,
    )
    os.close(read_end)
    _keeper_pipe = write_end


def kill_run(pid: int) -> None:
    """SIGKILL a run's group, or the run alone if it has not called setsid() yet."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(ProcessLookupError):
            kill(pid, signal.SIGKILL)


def become_subreaper() -> None:
    """Adopt the orphans of our descendants, so they are reaped here, never by init."""
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies, however it dies."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _prctl(option: int, value: int) -> None:
    # Linux only; elsewhere the run tokens are what is left.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _other_pids() -> list[int]:
    me = os.getpid()
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and int(entry.name) != me
    ]


def _environment_of(pid: int) -> set[bytes]:
    try:
        return set(Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"))
    except OSError:  # gone already, or not ours to read
        return set()
