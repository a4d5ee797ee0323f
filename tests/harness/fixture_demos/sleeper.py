"""Says which process group it leads, then sleeps far longer than any test waits."""

import os
import time


def main() -> None:
    print(f"pgid {os.getpgid(0)}")
    time.sleep(600)


if __name__ == "__main__":
    main()
