"""Ignores SIGTERM, and starts a child that ignores it too: only SIGKILL to the group works."""

import os
import signal
import subprocess
import sys
import time

CHILD = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"


def main() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    child = subprocess.Popen([sys.executable, "-c", CHILD])
    print(f"pgid {os.getpgid(0)} child {child.pid}")
    time.sleep(600)


if __name__ == "__main__":
    main()
