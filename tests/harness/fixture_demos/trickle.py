"""Says which process group it leads, then prints 20 lines 50 ms apart.

Slow enough that a client can leave mid-stream; the same lines every run.
"""

import os
import time


def main() -> None:
    print(f"pgid {os.getpgid(0)}")
    for number in range(20):
        print(f"line {number}")
        time.sleep(0.05)
    print("done")


if __name__ == "__main__":
    main()
