"""Says nothing for a while, then one line: Stop before it leaves nothing printed."""

import time


def main() -> None:
    time.sleep(1.5)
    print("late hello")


if __name__ == "__main__":
    main()
