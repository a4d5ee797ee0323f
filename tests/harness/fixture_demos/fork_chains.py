"""Sixteen chains of ``setsid(); fork(); _exit(0)`` at once, then the demo exits.

Each link lives a moment in a session of its own and hands on to a new pid, so a
sweep that lists processes and kills them (a subreaper's) races them, and loses.
Each chain ends itself after CHAIN_S, so where nothing ends them they do not run on.
"""

import os
import time

CHAINS = 16
CHAIN_S = 15.0


def _chain(deadline: float) -> None:
    while time.monotonic() < deadline:
        if os.fork():
            os._exit(0)
        os.setsid()
    os._exit(0)


def main() -> None:
    deadline = time.monotonic() + CHAIN_S
    for _ in range(CHAINS):
        if os.fork() == 0:
            _chain(deadline)
    print(f"{CHAINS} chains running")
    time.sleep(0.5)


if __name__ == "__main__":
    main()
