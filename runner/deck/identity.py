"""Who gives the talk, when and where, and where its code lives: slides/talk.toml.

The title and closing slides show it; it is written once, there, and read here.
"""

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from runner.deck.slides import DeckError, Location

FILE_NAME = "talk.toml"


@dataclass(frozen=True)
class Identity:
    speaker: str = "[speaker's name]"
    date: str = "[date]"
    venue: str = "[venue]"
    repository: str = "[repository link]"

    @property
    def repository_url(self) -> str | None:
        """The repository as a link, when it is one (a placeholder is not)."""
        return self.repository if self.repository.startswith("https://") else None

    def as_metadata(self) -> dict[str, str | None]:
        return {**asdict(self), "repository_url": self.repository_url}


def load(slides_dir: Path) -> Identity:
    """The talk's identity; placeholders for what the file leaves out, or without a file."""
    path = slides_dir / FILE_NAME
    if not path.is_file():
        return Identity()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DeckError(Location(path, 1), f"not valid TOML: {error}") from None
    known = {field.name for field in fields(Identity)}
    for key, value in values.items():
        if key not in known:
            raise DeckError(
                Location(path, 1), f"unknown key {key!r}; known: {', '.join(sorted(known))}"
            )
        if not isinstance(value, str) or not value.strip():
            raise DeckError(Location(path, 1), f"{key} must be a non-empty string")
    return Identity(**values)
