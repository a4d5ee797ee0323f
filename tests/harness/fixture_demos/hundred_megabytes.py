"""Prints 100 MB of 100-byte lines as fast as it can, then exits: larger than any cap."""

import sys

MEGABYTES = 100


def main() -> None:
    block = ("x" * 99 + "\n") * 10_000  # 1 MB a write
    for _ in range(MEGABYTES):
        sys.stdout.write(block)


if __name__ == "__main__":
    main()
