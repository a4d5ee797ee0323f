"""A demo as the engine knows it: its id, module, flags and the region its slide shows.

Found by the catalog (runner/deck/catalog.py) and read by the slide grammar
(runner/deck/slides.py), so it sits below both.
"""

import ast
import importlib.util
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from runner.deck.problems import DeckError, Location, read_text

KNOWN_FLAGS = frozenset({"timing_sensitive", "writes"})


@dataclass(frozen=True)
class Demo:
    id: str
    module: str
    needs_database: bool
    flags: frozenset[str] = field(default_factory=frozenset)
    region: str | None = None  # the region its slide shows; None for the whole file
    # Why it cannot run, as ``file:line: sentence`` (its file does not parse, is not
    # UTF-8, or is missing): one bad file is one bad demo, and the others run.
    problem: str | None = None

    @cached_property
    def path(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            raise LookupError(f"demo {self.id!r} names a missing module {self.module}")
        return Path(spec.origin)

    @cached_property
    def docstring(self) -> str:
        if self.problem is not None:
            return ""
        return ast.get_docstring(parse(self.path)) or ""

    @property
    def title(self) -> str:
        return self.docstring.partition("\n")[0].strip()

    @property
    def timing_sensitive(self) -> bool:
        return "timing_sensitive" in self.flags

    @property
    def runs_alone(self) -> bool:
        """Run with no other demo beside it: it prints a time, or changes rows."""
        return bool(self.flags & KNOWN_FLAGS)


def parse(file: Path) -> ast.Module:
    """The module's syntax tree; a syntax error is named at its line like any mistake."""
    try:
        return ast.parse(read_text(file), filename=str(file))
    except SyntaxError as error:
        raise DeckError(Location(file, error.lineno or 1), f"syntax error: {error.msg}") from None
