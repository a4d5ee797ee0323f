"""Says which process group it leads, then sleeps far longer than any test waits."""

import time

from tests.harness.fixture_demos._outside import system_pgid


def main() -> None:
    print(f"pgid {system_pgid()}")
    time.sleep(600)


if __name__ == "__main__":
    main()
