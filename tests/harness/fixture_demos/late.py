"""Says nothing for a while, then one line: Stop before it leaves nothing printed."""

import time


def main() -> None:
    time.sleep(3.0)
    print("late hello")


if __name__ == "__main__":
    main()
