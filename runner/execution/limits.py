"""What one run may use of the machine, and the runner's own open-file allowance.

Applied with setrlimit(2) in the demo's process, before its module runs, where the
system enforces them (:mod:`runner.execution.capabilities`); inherited by whatever
the demo starts. A demo that hits one gets the error Python raises for it:

* memory: ``RLIMIT_DATA`` of MEMORY_LIMIT_BYTES. An allocation past it raises
  ``MemoryError``; the run then ends with one line saying so (see
  :mod:`runner.execution.supervisor`), not a traceback.
* processes: ``RLIMIT_NPROC`` of PROCESS_HEADROOM above the tasks the system has
  when the run starts. A fork past it raises ``BlockingIOError`` (EAGAIN). The limit
  counts the user's processes, so it bounds a fork loop rather than measuring one;
  root is exempt, as the kernel exempts it.
"""

import contextlib
import resource
from pathlib import Path

from runner.execution.capabilities import Capabilities

MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
PROCESS_HEADROOM = 256


def apply_to_this_process(capabilities: Capabilities) -> None:
    """Set this run's limits; each one the system lacks is skipped."""
    if capabilities.memory_limit:
        _lower(resource.RLIMIT_DATA, MEMORY_LIMIT_BYTES)
    if capabilities.process_limit and (tasks := _system_tasks()) is not None:
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
