"""Process ids as the system numbers them, for the fixture demos that print them.

Inside a PID namespace of its own (runner.execution.namespaces) a demo is pid 1 and
its parent, outside, is 0 to it; the tests look for these processes from outside.
``/proc`` (the system's, as mounted) still numbers them as the system does, as an
attacker would read it. Without ``/proc`` (macOS) no namespace renumbers them.
"""

import os
from pathlib import Path

_PROC = Path("/proc")


def _stat(pid: str) -> list[str]:
    """The fields of /proc/<pid>/stat after the name: state, ppid, pgrp, session..."""
    return (_PROC / pid / "stat").read_text().rpartition(")")[2].split()


def system_pid() -> int:
    try:
        return int((_PROC / "self").readlink().name)
    except OSError:
        return os.getpid()


def supervisor_pid() -> int:
    """This demo's parent, its run's supervisor."""
    try:
        return int(_stat("self")[1])
    except OSError:
        return os.getppid()


def system_pgid() -> int:
    try:
        return int(_stat("self")[2])
    except OSError:
        return os.getpgid(0)


def system_pid_of(child: int) -> int:
    """The system's pid of this process's child ``child`` (as this process numbers it)."""
    me = str(system_pid())
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        try:
            status = (entry / "status").read_text() if entry.name.isdigit() else ""
        except OSError:  # gone since listed
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid") == me and int(fields["NSpid"].split()[-1]) == child:
            return int(entry.name)
    return child
