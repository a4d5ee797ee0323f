"""Starts a child that outlives it and holds its stdout, then exits at once."""

import os
import subprocess
import sys


def main() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    print(f"pgid {os.getpgid(0)} child {child.pid}")


if __name__ == "__main__":
    main()
