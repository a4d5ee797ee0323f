"""The one staleness rule of `talk serve`, `talk serve --watch` and `talk doctor`."""

import os
from pathlib import Path

import pytest

from runner.deck import sources

pytestmark = pytest.mark.fast


def deck_at(root: Path) -> tuple[Path, Path]:
    """A project with one slide and a deck built after it: (the index, the slide)."""
    slide = root / "slides" / "01-overview.md"
    slide.parent.mkdir()
    slide.write_text("# Overview\n")
    index = root / "build" / "index.html"
    index.parent.mkdir()
    index.write_text("<html></html>")
    os.utime(slide, (1_000, 1_000))
    os.utime(index, (2_000, 2_000))
    return index, slide


def test_the_deck_is_stale_when_missing_or_older_than_a_source(tmp_path: Path) -> None:
    index, slide = deck_at(tmp_path)
    assert not sources.is_stale(index, tmp_path)

    os.utime(slide, (3_000, 3_000))
    assert sources.is_stale(index, tmp_path)
    assert sources.newer_than(index, sources.roots(tmp_path)) == [slide]

    index.unlink()
    assert sources.is_stale(index, tmp_path)


def test_tool_caches_compiled_modules_and_readmes_are_not_sources(tmp_path: Path) -> None:
    index, _ = deck_at(tmp_path)
    demos = tmp_path / "demos"
    for later in (
        demos / ".ruff_cache" / ".gitignore",
        demos / ".mypy_cache" / "3.11" / "cache.db",
        demos / "__pycache__" / "gather.cpython-311.pyc",
        demos / "README.md",
    ):
        later.parent.mkdir(parents=True, exist_ok=True)
        later.write_text("written after the build\n")
    assert not sources.is_stale(index, tmp_path)

    demo = demos / "gather.py"
    demo.write_text("print('a demo is a source')\n")
    assert sources.newer_than(index, sources.roots(tmp_path)) == [demo]
