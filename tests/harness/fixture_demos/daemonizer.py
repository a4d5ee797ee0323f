"""Starts a daemon the classic way (fork, setsid, fork), says its pid, then exits.

The daemon leaves the demo's process group and session, so killing the group does
not reach it, and it closes the pipes, so the end of the output does not wait for it.
"""

import os
import time

from tests.harness.fixture_demos._outside import system_pid


def start_daemon() -> int:
    """Fork a daemon that sleeps for ten minutes outside our group; its pid."""
    read_end, write_end = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.write(write_end, f"{system_pid()}\n".encode())
            time.sleep(600)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as daemon:
        return int(daemon.readline())


def main() -> None:
    print(f"daemon {start_daemon()}")


if __name__ == "__main__":
    main()
