"""Prints 100 MB in one line, with no newline anywhere, as fast as it can."""

import sys

MEGABYTES = 100


def main() -> None:
    block = "x" * 1_000_000  # 1 MB a write, never a line end
    for _ in range(MEGABYTES):
        sys.stdout.write(block)


if __name__ == "__main__":
    main()
