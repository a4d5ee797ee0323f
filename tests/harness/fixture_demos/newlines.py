"""Prints 2 MiB of empty lines in one write, then waits: only the cap or the time limit ends it.

Two million lines of one byte each: a flood measured in lines, not bytes.
"""

import sys
import time

NEWLINES = 2 * 1024 * 1024


def main() -> None:
    sys.stdout.write("\n" * NEWLINES)
    sys.stdout.flush()
    time.sleep(3600)


if __name__ == "__main__":
    main()
