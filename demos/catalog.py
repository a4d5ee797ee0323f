"""The demos in talk order, found where they are shown: the slides' links to demo files.

A demo is a module under demos/ that a slide links to on a line of its own; its id
is the module's own name (``python_async/gather.py`` -> ``gather``), its title the
first line of its docstring, and it needs the database when it imports from
``demos.connection`` (the redirection of its engine to the talk's server). To add
a demo: write the module, link it from a slide, save; only a flag the source
cannot say (``FLAGS`` below) is written down by hand. The links are read with the
slides' own grammar (runner/deck/slides.py).

An id is a name, never a path: the runner and ``talk run`` look an id up in what
the slides link to, so nothing a user types reaches the disk.
"""

import ast
import importlib.util
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from runner.deck.slides import (
    APPENDIX_DIR,
    DeckError,
    Location,
    demo_links,
    section_files,
    suggestion,
)

DEMOS_DIR = Path(__file__).resolve().parent
SLIDES_DIR = DEMOS_DIR.parent / "slides"

# The one thing registered by hand: per-demo flags the sources cannot say, by id.
# Discovery refuses an id no slide shows.
# timing_sensitive: what it prints is a time, so it runs alone; writes: it changes
# rows other demos read, if only for a moment, so it runs alone too.
FLAGS: dict[str, frozenset[str]] = {
    **{
        demo_id: frozenset({"timing_sensitive"})
        for demo_id in (
            "cpu-bound",
            "sequential-awaits",
            "gather",
            "create-task",
            "blocking-call-naive",
            "blocking-call-fixed",
            "payoff",
            "query-timeout",
        )
    },
    **{
        demo_id: frozenset({"writes"})
        for demo_id in ("shared-session-naive", "shared-session-fixed")
    },
}
KNOWN_FLAGS = frozenset({"timing_sensitive", "writes"})


@dataclass(frozen=True)
class Demo:
    id: str
    module: str
    needs_database: bool
    flags: frozenset[str] = field(default_factory=frozenset)
    region: str | None = (
        None  # the region its slide shows; None for the whole file
    )

    @cached_property
    def path(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            raise LookupError(
                f"demo {self.id!r} names a missing module {self.module}"
            )
        return Path(spec.origin)

    @cached_property
    def docstring(self) -> str:
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


def discover(
    slides_dir: Path = SLIDES_DIR, demos_dir: Path = DEMOS_DIR
) -> tuple[Demo, ...]:
    """The demos the slides link to, in the order they are first shown."""
    found: dict[str, Demo] = {}
    where: dict[str, Location] = {}
    for slide in section_files(slides_dir):
        for number, link in demo_links(slide):
            target = link["target"]
            file = (slide.parent / target.partition("#")[0]).resolve()
            if not file.is_file():
                continue  # the build names the missing file
            at = Location(slide, number)
            demo = _demo(
                file, demos_dir.resolve(), at, target.partition("#")[2]
            )
            known = found.get(demo.id)
            if known is not None and known.module != demo.module:
                raise DeckError(
                    at,
                    f"two demos are called {demo.id!r}: {known.module} (linked at "
                    f"{where[demo.id]}) and {demo.module}; rename one of the files",
                )
            found.setdefault(demo.id, demo)
            where.setdefault(demo.id, at)
    # FLAGS is the talk's: a toy deck shows other demos.
    if slides_dir.resolve() == SLIDES_DIR:
        _check_flags(found)
    return tuple(found.values())


def _demo(file: Path, demos_dir: Path, at: Location, region: str) -> Demo:
    if not file.is_relative_to(demos_dir) or file.name == "__init__.py":
        raise DeckError(
            at,
            f"{file.name} is not a demo: demo modules live under {demos_dir.name}/",
        )
    parts = file.relative_to(demos_dir).with_suffix("").parts
    demo_id = parts[-1].replace("_", "-")
    return Demo(
        demo_id,
        ".".join((demos_dir.name, *parts)),
        _needs_database(file),
        FLAGS.get(demo_id, frozenset()),
        region or None,
    )


def _needs_database(file: Path) -> bool:
    """Whether the module imports from ``demos.connection``: every database demo does."""
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "demos.connection"
        for node in ast.walk(parse(file))
    )


def parse(file: Path) -> ast.Module:
    """The module's syntax tree; a syntax error is named at its line like any mistake."""
    try:
        return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    except SyntaxError as error:
        raise DeckError(
            Location(file, error.lineno or 1), f"syntax error: {error.msg}"
        ) from None


def _check_flags(found: dict[str, Demo]) -> None:
    here = Path(__file__)
    source = here.read_text(encoding="utf-8").splitlines()
    for demo_id, flags in FLAGS.items():
        line = next(
            (n for n, text in enumerate(source, 1) if f'"{demo_id}"' in text),
            1,
        )
        if demo_id not in found:
            raise DeckError(
                Location(here, line),
                f"FLAGS names {demo_id!r}, which no slide shows{suggestion(demo_id, found)}",
            )
        if unknown := sorted(flags - KNOWN_FLAGS):
            raise DeckError(
                Location(here, line),
                f"unknown flag {unknown[0]!r} for {demo_id!r} (known: {', '.join(KNOWN_FLAGS)})",
            )


# The files the talk's demos were found from, each with its modification time then.
_Stamp = tuple[tuple[Path, int | None], ...]
_cache: tuple[_Stamp, tuple[Demo, ...]] | None = None


def _stamp(paths: Iterable[Path]) -> _Stamp:
    def mtime(path: Path) -> int | None:
        try:
            return path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    return tuple((path, mtime(path)) for path in paths)


def _sources() -> list[Path]:
    """What the catalog depends on: the slides and appendix folders, their sections,
    the files they link.

    A new section changes its folder; a new or changed link changes its section; a
    demo's docstring or imports change its own file; a linked file that does not
    exist yet is stamped as missing.
    """
    sections = section_files(SLIDES_DIR)
    linked = {
        (section.parent / link["target"].partition("#")[0]).resolve()
        for section in sections
        for _, link in demo_links(section)
    }
    return [SLIDES_DIR, SLIDES_DIR / APPENDIX_DIR, *sections, *sorted(linked)]


def demos() -> tuple[Demo, ...]:
    """The talk's demos, found again only when a file they were found from has changed."""
    global _cache
    if _cache is not None and _cache[0] == _stamp(
        path for path, _ in _cache[0]
    ):
        return _cache[1]
    stamp = _stamp(
        _sources()
    )  # before reading: a save meanwhile is seen next time
    _cache = (stamp, discover(SLIDES_DIR, DEMOS_DIR))
    return _cache[1]


def find(demo_id: str) -> Demo | None:
    """The demo with this id, or None; the only way from a user's word to a module."""
    return next((demo for demo in demos() if demo.id == demo_id), None)


def ids() -> list[str]:
    return [demo.id for demo in demos()]
