"""Starts a child that outlives it and holds its stdout, then exits at once."""

import subprocess
import sys

from tests.harness.fixture_demos._outside import system_pgid, system_pid_of


def main() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(f"pgid {system_pgid()} child {system_pid_of(child.pid)}")


if __name__ == "__main__":
    main()
