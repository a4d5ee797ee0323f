"""Writes to stderr and exits with status 3."""

import sys


def main() -> None:
    print("about to fail")
    print("something went wrong", file=sys.stderr)
    sys.exit(3)


if __name__ == "__main__":
    main()
