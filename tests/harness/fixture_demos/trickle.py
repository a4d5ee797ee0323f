"""Says which process group it leads, then prints 20 lines 50 ms apart.

Slow enough that a client can leave mid-stream; the same lines every run.
"""

import time

from tests.harness.fixture_demos._outside import system_pgid


def main() -> None:
    print(f"pgid {system_pgid()}")
    for number in range(20):
        print(f"line {number}")
        time.sleep(0.05)
    print("done")


if __name__ == "__main__":
    main()
