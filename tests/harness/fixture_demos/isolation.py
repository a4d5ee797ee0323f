"""Reports the traces an earlier run would have left, then leaves its own for the next run.

Prints one JSON line: its pid, its parent's (its run's supervisor) and its
grandparent's (the fork server, when forked), each trace as found (None or
False when pristine), its database URL and what its stdin is.
"""

import builtins
import importlib
import json
import os
import sys

import sqlalchemy  # already imported by the fork server: the library a run could taint

from demos.connection import configured_server
from tests.harness.fixture_demos._outside import supervisor_pid, system_pid

HELPER = "tests.harness.fixture_demos.isolation_helper"
MARK = "_talk_isolation_mark"
ENV_MARK = "TALK_ISOLATION_MARK"


def _parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rpartition(")")[2].split()[1])


def main() -> None:
    found = {
        "pid": system_pid(),
        "ppid": supervisor_pid(),
        "grandparent": _parent_of(supervisor_pid()),
        "library_attribute": getattr(sqlalchemy, MARK, None),
        "environment": os.environ.get(ENV_MARK),
        "builtins_global": getattr(builtins, MARK, None),
        "module_global": globals().get(MARK),
        "helper_imported": HELPER in sys.modules,
        "database_url": configured_server(),
        "stdin": os.readlink("/proc/self/fd/0"),
    }
    # The traces: each would be seen by a later run sharing this process.
    setattr(sqlalchemy, MARK, system_pid())
    os.environ[ENV_MARK] = str(system_pid())
    setattr(builtins, MARK, system_pid())
    globals()[MARK] = system_pid()
    importlib.import_module(HELPER)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
