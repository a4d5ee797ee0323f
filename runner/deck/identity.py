"""Who gives the talk, when and where, where its code lives, and the slot it must fit:
slides/talk.toml.

The title and closing slides show the identity; the build holds the talk to the slot
(runner.deck.pacing). Both are written once, there, and read here.
"""

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from runner.deck.slides import DeckError, Location

FILE_NAME = "talk.toml"
_SLOT_KEYS = frozenset({"slot_minutes", "sections"})


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

    @property
    def placeholders(self) -> list[str]:
        """The fields still in [brackets]: the slides leave them out rather than show them."""
        return [f.name for f in fields(self) if _placeholder(getattr(self, f.name))]

    def note(self) -> str | None:
        """One line saying which fields are left to fill in, or None when none is."""
        if not self.placeholders:
            return None
        return (
            f"note: {FILE_NAME} still has placeholders ({', '.join(self.placeholders)}): "
            "the title and closing slides leave them out until they are filled in"
        )

    def as_metadata(self) -> dict[str, object]:
        return {
            **asdict(self),
            "repository_url": self.repository_url,
            "placeholders": self.placeholders,
        }


@dataclass(frozen=True)
class Slot:
    """The time the talk is given, and each section's share of it, in minutes.

    None: no slot named, so nothing to fit. A section without a share is held
    only to the slot as a whole.
    """

    minutes: float | None = None
    shares: dict[str, float] = field(default_factory=dict)  # section file stem -> minutes


def load(slides_dir: Path) -> Identity:
    """The talk's identity; placeholders for what the file leaves out, or without a file."""
    path, values = _read(slides_dir)
    known = {field.name for field in fields(Identity)}
    for key, value in values.items():
        if key in _SLOT_KEYS:
            continue
        if key not in known:
            known_keys = ", ".join(sorted(known | _SLOT_KEYS))
            raise DeckError(Location(path, 1), f"unknown key {key!r}; known: {known_keys}")
        if not isinstance(value, str) or not value.strip():
            raise DeckError(Location(path, 1), f"{key} must be a non-empty string")
    return Identity(**{k: v for k, v in values.items() if k in known})


def slot(slides_dir: Path) -> Slot:
    """The slot the talk must fit (``slot_minutes``) and the sections' shares (``[sections]``)."""
    path, values = _read(slides_dir)
    minutes = values.get("slot_minutes")
    if minutes is not None and not _positive(minutes):
        raise DeckError(Location(path, 1), "slot_minutes must be a positive number of minutes")
    shares = values.get("sections", {})
    if not isinstance(shares, dict) or not all(_positive(v) for v in shares.values()):
        raise DeckError(Location(path, 1), "[sections] gives each section file's share in minutes")
    if minutes is not None and sum(shares.values()) > minutes:
        raise DeckError(
            Location(path, 1),
            f"the sections' shares add up to {sum(shares.values()):g} minutes, "
            f"more than the {minutes:g}-minute slot",
        )
    return Slot(minutes, {str(k): float(v) for k, v in shares.items()})


def _read(slides_dir: Path) -> tuple[Path, dict[str, Any]]:
    path = slides_dir / FILE_NAME
    if not path.is_file():
        return path, {}
    try:
        return path, tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DeckError(Location(path, 1), f"not valid TOML: {error}") from None


def _placeholder(value: str) -> bool:
    return value.strip().startswith("[") and value.strip().endswith("]")


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0
