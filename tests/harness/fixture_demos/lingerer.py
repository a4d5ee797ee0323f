"""Starts a setsid() daemon, says its pid, and keeps running: a run active when the
runner is killed, with a process outside its group."""

import time

from tests.harness.fixture_demos.daemonizer import start_daemon


def main() -> None:
    print(f"daemon {start_daemon()}")
    time.sleep(600)


if __name__ == "__main__":
    main()
