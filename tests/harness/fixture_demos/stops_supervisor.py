"""Sends SIGSTOP to its own supervisor, then sleeps: the run must still end on a stop."""

import os
import signal
import time

from tests.harness.fixture_demos._outside import supervisor_pid


def main() -> None:
    target, folder = supervisor_pid(), os.getcwd()
    try:
        os.kill(target, signal.SIGSTOP)
        print(f"stopped the supervisor {target}; run folder {folder}")
    except OSError as error:
        print(f"refused: SIGSTOP to the supervisor {target}: {error}; run folder {folder}")
    time.sleep(600)


if __name__ == "__main__":
    main()
