"""What the deck is built from, and whether a built deck is older than any of it.

One rule for the three that ask: `talk serve` (build first when stale), `talk serve
--watch` (rebuild on save) and `talk doctor` (say so). A source is a file the build
reads: not a compiled module (``__pycache__``), not a tool's cache or anything else
in a hidden folder (``.ruff_cache``, ``.mypy_cache``), not a README (prose; the
build itself writes demos/README.md).
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

from runner.settings import PROJECT_ROOT

# The folders of the project the deck is built from.
DECK_SOURCES = ("slides", "demos", "assets", "runner/deck/templates")


def roots(root: Path = PROJECT_ROOT) -> list[Path]:
    """The deck's source folders in the project at root."""
    return [root / source for source in DECK_SOURCES]


def files(folders: Iterable[Path]) -> Iterator[Path]:
    """Every source file under the folders."""
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and _is_source(path.relative_to(folder)):
                yield path


def newer_than(index: Path, folders: Iterable[Path]) -> list[Path]:
    """The sources changed since index was built, oldest path first; all when it is missing."""
    built = index.stat().st_mtime if index.exists() else float("-inf")
    return sorted(path for path in files(folders) if path.stat().st_mtime > built)


def is_stale(index: Path, root: Path = PROJECT_ROOT) -> bool:
    """Whether index is missing or older than any file it is built from."""
    return not index.exists() or any(newer_than(index, roots(root)))


def _is_source(relative: Path) -> bool:
    hidden = any(part.startswith(".") for part in relative.parts)
    return (
        not hidden and "__pycache__" not in relative.parts and relative.name.lower() != "readme.md"
    )
