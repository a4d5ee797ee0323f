"""Prints, pauses, prints half a line, pauses, finishes it: output must arrive in pieces."""

import sys
import time


def main() -> None:
    print("first")
    time.sleep(0.6)
    print("waiting...", end="")
    time.sleep(0.6)
    print(" done")
    print("to stderr", file=sys.stderr)


if __name__ == "__main__":
    main()
