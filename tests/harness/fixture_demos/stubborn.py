"""Ignores SIGTERM, and starts a child that ignores it too: only SIGKILL to the group works."""

import signal
import subprocess
import sys
import time

from tests.harness.fixture_demos._outside import system_pgid, system_pid_of

CHILD = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"


def main() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen([sys.executable, "-c", CHILD])
    print(f"pgid {system_pgid()} child {system_pid_of(child.pid)}")
    time.sleep(600)


if __name__ == "__main__":
    main()
