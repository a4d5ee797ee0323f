"""What the deck is built from, and what has changed in it: the one change detector.

Everything that asks whether the talk's files moved asks here: `talk serve` (build
first when the deck is stale), `talk serve --watch` (rebuild on save), `talk doctor`
(say so) and the catalog (find the demos again). A source is a file the build reads:
not a compiled module (``__pycache__``), not a tool's cache or anything else in a
hidden folder (``.ruff_cache``, ``.mypy_cache``), not a README (prose the build does
not read). Changes are seen by modification time, a stat call per file, which needs
no file-system events and works the same on every platform and in a bind mount.
"""

from collections.abc import Iterable, Iterator
from pathlib import Path

from runner.settings import PROJECT_ROOT

# The folders of the project the deck is built from.
DECK_SOURCES = ("slides", "demos", "assets", "runner/deck/templates")

# Each source file under some folders, with its modification time in nanoseconds.
Snapshot = dict[Path, int]


def roots(
    root: Path = PROJECT_ROOT, *, slides_dir: Path | None = None, demos_dir: Path | None = None
) -> list[Path]:
    """The deck's source folders in the project at root (another slides or demos folder
    in their place, for a deck other than the talk's)."""
    slides, demos, *engine = (root / source for source in DECK_SOURCES)
    return [slides_dir or slides, demos_dir or demos, *engine]


def files(folders: Iterable[Path]) -> Iterator[Path]:
    """Every source file under the folders."""
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and _is_source(path.relative_to(folder)):
                yield path


def snapshot(folders: Iterable[Path]) -> Snapshot:
    """The source files under the folders as they are now: two snapshots differ when a
    file was added, removed or saved between them."""
    taken: Snapshot = {}
    for path in files(folders):
        try:
            taken[path] = path.stat().st_mtime_ns
        except FileNotFoundError:  # removed while we looked: it is not there
            continue
    return taken


def newer_than(index: Path, folders: Iterable[Path]) -> list[Path]:
    """The sources changed since index was built, oldest path first; all when it is missing."""
    built = index.stat().st_mtime_ns if index.exists() else -1
    return sorted(path for path, mtime in snapshot(folders).items() if mtime > built)


def is_stale(index: Path, root: Path = PROJECT_ROOT) -> bool:
    """Whether index is missing or older than any file it is built from."""
    return not index.exists() or any(newer_than(index, roots(root)))


def _is_source(relative: Path) -> bool:
    hidden = any(part.startswith(".") for part in relative.parts)
    return (
        not hidden and "__pycache__" not in relative.parts and relative.name.lower() != "readme.md"
    )
