"""Forks in a loop (every other child leaves the group with setsid()), up to a bound
or until the system refuses, says how many, then keeps running."""

import os
import time

BOUND = 200


def main() -> None:
    forked = 0
    while forked < BOUND:
        try:
            pid = os.fork()
        except BlockingIOError:  # the run's process limit
            break
        if pid == 0:
            if os.getpid() % 2:
                os.setsid()
            time.sleep(600)
            os._exit(0)
        forked += 1
    print(f"forked {forked}", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
