"""What this system offers to contain a run, looked up once and said in one line.

Every operating-system facility the runner leans on is detected here and nowhere
else, so each can be switched off to try the path taken where it is missing:
``TALK_SIMULATE_MISSING=proc,prctl`` makes the runner behave as on macOS (no
``/proc``, no ``prctl(2)``), ``posix`` as on native Windows. CI runs the execution
and service tests that way on every push.

* posix: fork, setsid, killpg and SIGKILL, the portable core every run relies on
  (macOS, Linux, the BSDs, WSL 2; native Windows has none of them).
* proc: ``/proc`` lists the processes of the system, so a supervisor finds the
  orphans it adopted (Linux).
* prctl: ``PR_SET_CHILD_SUBREAPER`` hands a run's orphans to its supervisor instead
  of init (Linux). With proc, it is what lets a run end everything it started.
* memory_limit: ``RLIMIT_DATA`` is enforced for mmap as well as brk (Linux; macOS
  accepts the call and ignores it).
* process_limit: ``RLIMIT_NPROC``, bounded from the system's task count in
  ``/proc/loadavg`` (Linux); in a user namespace of the run's own, it counts the
  run's processes alone.
* pid_namespace: each demo is the init of a PID namespace of its own, so the kernel
  ends everything it started when it ends (Linux, where this user may create one:
  root, or anyone where unprivileged user namespaces are allowed). Tried once in a
  throwaway child (:mod:`runner.execution.namespaces`).
* landlock: a demo writes only to its run's folder, the SQLite database's folder and
  a few devices, and (ABI 6+) cannot signal outside its run
  (:mod:`runner.execution.landlock`; Linux 5.13+, where the kernel enables it).
"""

import contextlib
import ctypes
import os
import platform
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from runner.execution import landlock, namespaces

SIMULATE_MISSING = "TALK_SIMULATE_MISSING"
FACILITIES = (
    "posix",
    "proc",
    "prctl",
    "memory_limit",
    "process_limit",
    "pid_namespace",
    "landlock",
)
_PR_GET_CHILD_SUBREAPER = 37


@dataclass(frozen=True)
class Capabilities:
    posix: bool
    proc: bool
    prctl: bool
    memory_limit: bool
    process_limit: bool
    system: str
    simulated_missing: tuple[str, ...] = ()
    # unshare(2) flags that give a run its PID namespace here; 0 where none do.
    pid_namespace_flags: int = 0
    # The kernel's Landlock ABI; 0 where it has none.
    landlock_abi: int = 0

    @property
    def landlock(self) -> bool:
        return self.landlock_abi > 0

    @property
    def pid_namespace(self) -> bool:
        """Whether each demo is the init of a PID namespace of its own."""
        return self.pid_namespace_flags != 0

    @property
    def user_namespace(self) -> bool:
        """Whether that namespace comes with a user namespace of the run's own."""
        return bool(self.pid_namespace_flags & namespaces.CLONE_NEWUSER)

    @property
    def subreaper(self) -> bool:
        """Whether a run's supervisor adopts, finds and ends everything the run started."""
        return self.prctl and self.proc

    @property
    def containment(self) -> str:
        """The one line `talk doctor` prints."""
        if not self.posix:
            return f"none: the runner needs macOS, Linux or WSL 2 ({self._where})"
        kind = (
            "PID namespace per run"
            if self.pid_namespace
            else "per-run subreaper"
            if self.subreaper
            else "process group only"
        )
        layers = ["process group"]
        if self.subreaper:
            layers.append("subreaper")
        if self.pid_namespace:
            users = " (own user namespace)" if self.user_namespace else ""
            layers.append(f"PID namespace{users}")
        if self.landlock:
            scoped = " and signals" if self.landlock_abi >= landlock.SIGNAL_SCOPE_ABI else ""
            layers.append(f"Landlock ABI {self.landlock_abi} (writes{scoped})")
        limits = [
            name
            for name, offered in (("memory", self.memory_limit), ("processes", self.process_limit))
            if offered
        ]
        limited = f"; limits: {' and '.join(limits)}" if limits else "; no memory or process limit"
        return f"{kind} ({self._where}); in force: {', '.join(layers)}{limited}"

    @property
    def _where(self) -> str:
        if not self.simulated_missing:
            return self.system
        return f"{self.system}, {SIMULATE_MISSING}={','.join(self.simulated_missing)}"


@lru_cache(maxsize=1)
def detect() -> Capabilities:
    """This system's facilities, minus those TALK_SIMULATE_MISSING names."""
    missing = tuple(
        name for name in os.environ.get(SIMULATE_MISSING, "").replace(" ", "").split(",") if name
    )
    unknown = set(missing) - set(FACILITIES)
    if unknown:
        raise ValueError(
            f"{SIMULATE_MISSING} names {', '.join(sorted(unknown))}; "
            f"it takes a comma-separated list of {', '.join(FACILITIES)}"
        )
    posix = "posix" not in missing and _has_posix()
    linux = sys.platform.startswith("linux")
    proc = posix and "proc" not in missing and Path("/proc/self/stat").exists()
    pid_namespace = posix and "pid_namespace" not in missing and linux and proc
    return Capabilities(
        posix=posix,
        proc=proc,
        prctl=posix and "prctl" not in missing and linux and _has_subreaper_prctl(),
        memory_limit=posix and "memory_limit" not in missing and linux,
        process_limit=posix and "process_limit" not in missing and linux and proc,
        system=_system_name(),
        simulated_missing=missing,
        pid_namespace_flags=namespaces.pid_namespace_flags() if pid_namespace else 0,
        landlock_abi=landlock.abi_version() if posix and "landlock" not in missing and linux else 0,
    )


def _has_posix() -> bool:
    import signal

    return all(hasattr(os, name) for name in ("fork", "setsid", "killpg")) and hasattr(
        signal, "SIGKILL"
    )


def _has_subreaper_prctl() -> bool:
    with contextlib.suppress(OSError, AttributeError):
        value = ctypes.c_int(0)
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0) == 0)
    return False


def _system_name() -> str:
    name = platform.system()
    if name == "Darwin":
        return "macOS"
    if name == "Linux" and "microsoft" in platform.release().lower():
        return "Linux, WSL 2"
    return name or sys.platform
