"""Small decks made in the test: a few slide files and demos of their own.

Each test gets a package of toy demos under a unique name, importable for the
test's duration only, so the build resolves, reads and runs them exactly as it
does the catalog's demos.
"""

import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from runner.deck.demo import Demo

HELLO = '''\
"""Say hello, twice."""
import sys


def main() -> None:
    # region greet
    # headline: hel
    print("hello")
    print("to stderr", file=sys.stderr)  # OMIT
    # endregion
    print("bye")


if __name__ == "__main__":
    main()
'''

COUNTER = '''\
"""Count to three."""
import time  # OMIT


def main() -> None:
    for number in range(1, 4):
        print(number)


if __name__ == "__main__":
    main()
'''

_packages = count()


@dataclass
class ToyDeck:
    """A slide folder, a build folder and demos the slides may link to."""

    root: Path
    package: Path
    demos: list[Demo]

    @property
    def slides(self) -> Path:
        return self.root / "slides"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def write(self, name: str, text: str) -> Path:
        path = self.slides / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def link(self, file: str, region: str | None = None) -> str:
        """A demo link line, relative to the slide folder, as slides write it."""
        target = f"../pkg/{self.package.name}/{file}" + (f"#{region}" if region else "")
        return f"[{file}]({target})"

    def demo(self, demo_id: str) -> Demo:
        return next(d for d in self.demos if d.id == demo_id)


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ToyDeck]:
    name = f"toydemos{next(_packages)}_{tmp_path.name.replace('-', '_')}"
    package = tmp_path / "pkg" / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "hello.py").write_text(HELLO)
    (package / "counter.py").write_text(COUNTER)
    (tmp_path / "slides").mkdir()
    monkeypatch.syspath_prepend(tmp_path / "pkg")
    demos = [Demo("hello", f"{name}.hello", False), Demo("counter", f"{name}.counter", False)]
    try:
        yield ToyDeck(tmp_path, package, demos)
    finally:
        for module in [m for m in sys.modules if m.startswith(name)]:
            del sys.modules[module]
