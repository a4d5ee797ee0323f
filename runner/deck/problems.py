"""A mistake in the slides, a demo or the catalog, and where it is: ``file:line``.

Below the slide grammar and the catalog alike, so both name their mistakes the same
way without importing each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class DeckError(Exception):
    """A mistake in the slides, a demo or the catalog, named as ``file:line: sentence``."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location


@dataclass(frozen=True)
class Location:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{_shown(self.path)}:{self.line}"


def read_text(path: Path) -> str:
    """A slide or demo file's text; a byte that is not UTF-8 is a DeckError at its line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise DeckError(
            Location(path, line), f"byte 0x{byte:02x} is not UTF-8; save the file as UTF-8"
        ) from None


def _shown(path: Path) -> str:
    """A path as short as it can be said: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
