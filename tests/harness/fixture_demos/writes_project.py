"""Tries to change the project: append to a file in demos/, plant a page in build/;
then writes to its working directory (its run's folder). Says what happened to each.

The targets carry the test's token (RELIABILITY_TOKEN), so the probe that runs this
knows them, and no real demo or page is touched where nothing refuses the writes.
"""

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]


def targets(token: str) -> dict[str, Path]:
    return {
        "demos": PROJECT / "demos" / f".probe-{token}.py",
        "build": PROJECT / "build" / f"probe-{token}.html",
        "run folder": Path.cwd() / "scratch.txt",
    }


def main() -> None:
    for name, path in targets(os.environ["RELIABILITY_TOKEN"]).items():
        try:
            with path.open("a") as file:
                file.write("planted\n")
            print(f"{name}: written")
        except OSError as error:
            print(f"{name}: refused ({error.strerror})")


if __name__ == "__main__":
    main()
