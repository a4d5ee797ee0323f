"""Prints, then waits until its reader has seen that, twice: output must arrive mid-run.

The test reading the stream answers each piece by creating a file in $HANDSHAKE_DIR
(``1`` after "first", ``2`` after the partial "waiting..."). Without an answer the
demo gives up after 20 s and exits 1, so exit 0 proves each piece arrived while it ran.
"""

import os
import sys
import time
from pathlib import Path


def wait_for(answer: Path) -> None:
    deadline = time.monotonic() + 20
    while not answer.exists():
        if time.monotonic() > deadline:
            print(f"\nno answer {answer.name}: my output did not arrive", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.01)


def main() -> None:
    answers = Path(os.environ["HANDSHAKE_DIR"])
    print("first")
    wait_for(answers / "1")
    print("waiting...", end="")
    wait_for(answers / "2")
    print(" done")


if __name__ == "__main__":
    main()
