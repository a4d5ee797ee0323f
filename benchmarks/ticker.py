"""A benchmark-only demo: a line every 50 ms, each with the wall-clock time it was printed.

The streaming benchmark compares each line's time.time() with the time it reached
the client, so the delay of every single line is known. Not in the catalog: no
slide runs it.
"""

import time

LINES = 40
EVERY_S = 0.05


def main() -> None:
    for number in range(LINES):
        print(f"{time.time():.6f} {number}")
        time.sleep(EVERY_S)


if __name__ == "__main__":
    main()
