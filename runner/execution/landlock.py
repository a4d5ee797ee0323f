"""Landlock (Linux 5.13+): where a demo may write, and whom it may signal.

A demo confines itself, just before its module runs, with three system calls made
through ctypes (no C extension): it may still read and run anything, but it may
write, create, remove or rename only beneath the folders it is given (its run's
folder and the embedded SQLite database's) and to a few device files (``/dev/null``
and the like); so no run can change the project's demos or plant a page in its
build. From ABI 6 on, it also cannot signal any process outside its own run (its
supervisor, the runner); Landlock never lets it ptrace one, at any ABI. The
confinement is inherited by everything it starts and cannot be lifted.

The kernel's ABI (``landlock_create_ruleset`` with the VERSION flag) says which
rights exist here; rights an older kernel does not know are left out.
"""

import ctypes
import os
from collections.abc import Iterable
from pathlib import Path

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # every architecture
_CREATE_RULESET_VERSION = 1 << 0
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# LANDLOCK_ACCESS_FS_*: the rights that change the file system (reads stay free).
_WRITE_FILE = 1 << 1
_DIRECTORY_RIGHTS = (
    (1 << 4)  # REMOVE_DIR
    | (1 << 5)  # REMOVE_FILE
    | (1 << 6)  # MAKE_CHAR
    | (1 << 7)  # MAKE_DIR
    | (1 << 8)  # MAKE_REG
    | (1 << 9)  # MAKE_SOCK
    | (1 << 10)  # MAKE_FIFO
    | (1 << 11)  # MAKE_BLOCK
    | (1 << 12)  # MAKE_SYM
)
_REFER = 1 << 13  # ABI 2: links and renames across folders
_TRUNCATE = 1 << 14  # ABI 3
_SCOPE_SIGNAL = 1 << 1  # ABI 6
SIGNAL_SCOPE_ABI = 6

# Device files any program may write to.
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi_version() -> int:
    """The Landlock ABI this kernel offers; 0 where it has none, or it is disabled."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        version = libc.syscall(
            _SYS_CREATE_RULESET, None, ctypes.c_size_t(0), _CREATE_RULESET_VERSION
        )
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def confine(abi: int, writable: Iterable[Path], devices: Iterable[str] = DEVICES) -> None:
    """Allow this process and its future children to write only beneath ``writable``
    folders and to ``devices``; with ABI 6+, to signal only processes so confined.

    Raises OSError where the kernel refuses; nothing is confined then.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    file_rights = _WRITE_FILE | (_TRUNCATE if abi >= 3 else 0)
    folder_rights = file_rights | _DIRECTORY_RIGHTS | (_REFER if abi >= 2 else 0)
    attr = _RulesetAttr(folder_rights, 0, _SCOPE_SIGNAL if abi >= SIGNAL_SCOPE_ABI else 0)
    # The struct grew with the ABI: an older kernel is given only the part it knows.
    size = 24 if abi >= SIGNAL_SCOPE_ABI else 16 if abi >= 4 else 8
    ruleset = _check(
        libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), 0)
    )
    try:
        for folder in writable:
            _allow(libc, ruleset, folder, folder_rights, os.O_DIRECTORY)
        for device in devices:
            _allow(libc, ruleset, Path(device), file_rights, 0)
        _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        _check(libc.syscall(_SYS_RESTRICT_SELF, ruleset, 0))
    finally:
        os.close(ruleset)


def _allow(libc: ctypes.CDLL, ruleset: int, path: Path, rights: int, kind: int) -> None:
    """Grant rights beneath path; one that does not exist here is skipped."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC | kind)
    except OSError:
        return
    try:
        rule = _PathBeneathAttr(rights, fd)
        _check(libc.syscall(_SYS_ADD_RULE, ruleset, _RULE_PATH_BENEATH, ctypes.byref(rule), 0))
    finally:
        os.close(fd)


def _check(result: int) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"landlock: {os.strerror(errno)}")
    return int(result)
