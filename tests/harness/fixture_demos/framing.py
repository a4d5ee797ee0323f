"""Output that tests the framing: CRLF, a lone CR, blank lines, UTF-8, no final newline."""

import sys


def main() -> None:
    sys.stdout.write("crlf\r\nbar 1\rbar 2\n\nnaïve ☕\n")
    sys.stdout.write("data: looks like a field\n")
    sys.stdout.write("no newline at the end")


if __name__ == "__main__":
    main()
