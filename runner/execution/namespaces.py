"""A PID namespace per run (Linux): the demo is its init, and the kernel ends the rest.

When the init of a PID namespace exits, the kernel SIGKILLs every other process in
it and reaps them before the init's own exit is reported: everything a demo started,
however it left the demo's group (``setsid()``, fork chains, a tracer), ends with the
demo, with no sweep to race. The supervisor calls :func:`unshare_pid_namespace`, and
the next child it forks, the demo, is that init.

Root may create one outright (``CLONE_NEWPID``); anyone else needs a user namespace
of their own too (``CLONE_NEWUSER``), where the supervisor maps its own uid and gid
to themselves, so the demo keeps the user it had. Some distributions forbid
unprivileged user namespaces; :mod:`runner.execution.capabilities` finds out which
flags work here, once, by trying them in a throwaway child.

An init is spared signals it has no handler for, even from outside its namespace
(SIGKILL and SIGSTOP from there excepted), so :func:`act_as_init` gives the demo a
SIGTERM handler that ends it as the default action would have.
"""

import contextlib
import ctypes
import os
import signal
import warnings
from types import FrameType

CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
# The exit code of a demo ended by the SIGTERM handler below: a shell's for SIGTERM.
TERMINATED = 128 + signal.SIGTERM


def unshare_pid_namespace(flags: int) -> bool:
    """Make the next child of this (single-threaded) process the init of a new PID
    namespace; False where the kernel refuses, and nothing is changed."""
    uid, gid = os.getuid(), os.getgid()
    if _unshare(flags) != 0:
        return False
    if flags & CLONE_NEWUSER:
        _map_self(uid, gid)
    return True


def act_as_init() -> None:
    """In the demo, once it is its namespace's init: SIGTERM ends it, as it would any
    other process (a demo that sets its own handler replaces this one)."""
    signal.signal(signal.SIGTERM, _terminated)


def pid_namespace_flags() -> int:
    """The unshare(2) flags that give a child its own PID namespace here, 0 if none do.

    Tried in a throwaway child, which unshares and forks an init that must see itself
    as pid 1; this process is left as it was.
    """
    for flags in (CLONE_NEWPID, CLONE_NEWUSER | CLONE_NEWPID):
        if _works_in_a_child(flags):
            return flags
    return 0


def _works_in_a_child(flags: int) -> bool:
    with warnings.catch_warnings():
        # The child runs no Python beyond two syscalls and _exit: safe in a threaded parent.
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:
        code = 1
        with contextlib.suppress(BaseException):
            if unshare_pid_namespace(flags):
                init = os.fork()
                if init == 0:
                    os._exit(0 if os.getpid() == 1 else 1)
                code = os.waitstatus_to_exitcode(os.waitpid(init, 0)[1])
        os._exit(code)
    return os.waitpid(child, 0)[1] == 0


def _unshare(flags: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.unshare(flags))


def _map_self(uid: int, gid: int) -> None:
    """Map our uid and gid to themselves in the user namespace just entered (the one
    mapping an unprivileged process may write; setgroups must be denied first)."""
    with open("/proc/self/uid_map", "w") as uid_map:
        uid_map.write(f"{uid} {uid} 1\n")
    with open("/proc/self/setgroups", "w") as setgroups:
        setgroups.write("deny\n")
    with open("/proc/self/gid_map", "w") as gid_map:
        gid_map.write(f"{gid} {gid} 1\n")


def _terminated(_signum: int, _frame: FrameType | None) -> None:
    os._exit(TERMINATED)
