"""A benchmark-only demo: 10,000 short numbered lines, as fast as it can print them.

What a runaway loop does on stage. The rendering benchmark and the deck's browser
tests watch the deck draw it. Not in the catalog: no slide of the talk runs it.
"""

LINES = 10_000


def main() -> None:
    for number in range(1, LINES + 1):
        print(f"line {number}")


if __name__ == "__main__":
    main()
