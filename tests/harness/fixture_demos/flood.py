"""Prints as fast as it can, forever: only the output cap ends it."""


def main() -> None:
    line = "x" * 99
    while True:
        print(line)


if __name__ == "__main__":
    main()
