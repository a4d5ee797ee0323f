"""What one run may use of the machine, and the runner's own open-file allowance.

Applied with setrlimit(2) in the demo's process, before its module runs, where the
system enforces them (:mod:`runner.execution.capabilities`); inherited by whatever
the demo starts. A demo that hits one gets the error Python raises for it:

* memory: ``RLIMIT_DATA`` of MEMORY_LIMIT_BYTES. An allocation past it raises
  ``MemoryError``; the run then ends with one line saying so (see
  :mod:`runner.execution.supervisor`), not a traceback. ``RLIMIT_DATA`` does not
  count shared mappings (``mmap.mmap(-1, n)`` is one), so ``RLIMIT_AS`` bounds the
  whole address space too, at ADDRESS_SPACE_LIMIT_BYTES (room for a thread's
  stack and malloc arena, 72 MiB of address space each, beside the data); a
  mapping past it raises ``OSError`` (ENOMEM), and ends the run in one line too.
  Both are per process: the processes of a run together are not bounded, which
  only a cgroup could do (none is delegated to the runner: docs/platforms.md).
* processes: ``RLIMIT_NPROC``. A fork past it raises ``BlockingIOError`` (EAGAIN).
  The kernel counts a user's processes per user namespace: in a run's own (an
  unprivileged user's PID namespace, :mod:`runner.execution.namespaces`) it counts
  the run's alone, and the limit is PROCESS_HEADROOM. Elsewhere it counts every
  process of the user, so the limit is PROCESS_HEADROOM above the tasks the whole
  system has when the run starts: it bounds a fork loop rather than measuring one.
  Root is exempt, as the kernel exempts it.
"""

import contextlib
import resource
from pathlib import Path

from runner.execution.capabilities import Capabilities

MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
ADDRESS_SPACE_LIMIT_BYTES = 4 * MEMORY_LIMIT_BYTES
PROCESS_HEADROOM = 256


def apply_to_this_process(capabilities: Capabilities, *, own_users: bool = False) -> None:
    """Set this run's limits; each one the system lacks is skipped. own_users: this
    process is in a user namespace of the run's own."""
    if capabilities.memory_limit:
        _lower(resource.RLIMIT_DATA, MEMORY_LIMIT_BYTES)
        _lower(resource.RLIMIT_AS, ADDRESS_SPACE_LIMIT_BYTES)
    if own_users:
        _lower(resource.RLIMIT_NPROC, PROCESS_HEADROOM)
    elif capabilities.process_limit and (tasks := _system_tasks()) is not None:
        _lower(resource.RLIMIT_NPROC, tasks + PROCESS_HEADROOM)


def raise_open_file_limit() -> tuple[int, int]:
    """Lift the soft open-file limit to the hard one; (before, after).

    macOS starts every shell at 256 descriptors; each connection to the runner takes
    one, so a page that opens many could otherwise starve it.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    with contextlib.suppress(ValueError, OSError):  # macOS caps it below an infinite hard
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return soft, resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _lower(which: int, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(which, (value, hard))


def _system_tasks() -> int | None:
    """Every task on the system now (``/proc/loadavg``'s fourth field, after the slash)."""
    try:
        return int(Path("/proc/loadavg").read_text().split()[3].partition("/")[2])
    except (OSError, IndexError, ValueError):
        return None
