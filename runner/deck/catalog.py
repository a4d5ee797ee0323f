"""The demos in talk order, found where they are shown: the slides' links to demo files.

A demo is a module under demos/ that a slide links to on a line of its own; its id
is the module's own name (``python_async/gather.py`` -> ``gather``), its title the
first line of its docstring, and it needs the database when it imports from
``demos.connection`` (the redirection of its engine to the talk's server). To add
a demo: write the module, link it from a slide, save; only a flag the source
cannot say (``FLAGS`` below) is written down by hand. The catalog is the engine's
reading of the content, so it lives here and no demo imports it. The links are read with the
slides' own grammar (runner/deck/slides.py).

An id is a name, never a path: the runner and ``talk run`` look an id up in what
the slides link to, so nothing a user types reaches the disk.

One bad file is one bad demo: each slide and demo file is read on its own. A demo
whose file does not parse, is not UTF-8 or is missing is still listed, marked with
its one-line ``file:line`` problem (:attr:`Demo.problem`), and refused when asked
to run; a slide whose links cannot be read is a problem of the catalog's, and its
demos are left out. Every other demo runs. The build stays strict about all but
the marked demos, whose slides show their problem (runner/deck/slides.py).
"""

import ast
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from runner.deck import sources
from runner.deck.demo import KNOWN_FLAGS, Demo, parse
from runner.deck.slides import (
    DeckError,
    Location,
    demo_links,
    section_files,
    suggestion,
)
from runner.settings import PROJECT_ROOT

DEMOS_DIR = PROJECT_ROOT / "demos"
SLIDES_DIR = PROJECT_ROOT / "slides"

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


@dataclass(frozen=True)
class Catalog:
    """What the slides link to: the demos, and the mistakes that left a link out."""

    demos: tuple[Demo, ...]
    problems: tuple[DeckError, ...] = ()


def discover(slides_dir: Path = SLIDES_DIR, demos_dir: Path = DEMOS_DIR) -> tuple[Demo, ...]:
    """The demos the slides link to, in the order they are first shown."""
    return read(slides_dir, demos_dir).demos


def read(slides_dir: Path = SLIDES_DIR, demos_dir: Path = DEMOS_DIR) -> Catalog:
    """The demos the slides link to, each slide file and demo file read on its own."""
    found: dict[str, Demo] = {}
    where: dict[str, Location] = {}
    problems: list[DeckError] = []
    for slide in section_files(slides_dir):
        try:
            for number, link in demo_links(slide):
                at = Location(slide, number)
                demo = _demo(slide, link["target"], demos_dir.resolve(), at)
                known = found.get(demo.id)
                if known is not None and known.module != demo.module:
                    raise DeckError(
                        at,
                        f"two demos are called {demo.id!r}: {known.module} (linked at "
                        f"{where[demo.id]}) and {demo.module}; rename one of the files",
                    )
                found.setdefault(demo.id, demo)
                where.setdefault(demo.id, at)
        except DeckError as error:  # the slide's links from here on are not known
            problems.append(error)
    # FLAGS is the talk's: a toy deck shows other demos.
    if slides_dir.resolve() == SLIDES_DIR:
        problems += _check_flags(found)
    return Catalog(tuple(found.values()), tuple(problems))


def _demo(slide: Path, target: str, demos_dir: Path, at: Location) -> Demo:
    """The demo a link names; marked with its problem when its file cannot be read."""
    file_part, _, region = target.partition("#")
    file = (slide.parent / file_part).resolve()
    if not file.is_relative_to(demos_dir) or file.name == "__init__.py":
        raise DeckError(
            at,
            f"{file.name} is not a demo: demo modules live under {demos_dir.name}/",
        )
    parts = file.relative_to(demos_dir).with_suffix("").parts
    demo_id = parts[-1].replace("_", "-")
    demo = Demo(
        demo_id,
        ".".join((demos_dir.name, *parts)),
        False,
        FLAGS.get(demo_id, frozenset()),
        region or None,
    )
    if not file.is_file():
        return replace(demo, problem=f"{at}: the link names {file_part}, which does not exist")
    try:
        return replace(demo, needs_database=_needs_database(file))
    except DeckError as error:
        return replace(demo, problem=str(error))


def _needs_database(file: Path) -> bool:
    """Whether the module imports from ``demos.connection``: every database demo does."""
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "demos.connection"
        for node in ast.walk(parse(file))
    )


def _check_flags(found: dict[str, Demo]) -> list[DeckError]:
    here = Path(__file__)
    source = here.read_text(encoding="utf-8").splitlines()
    problems = []
    for demo_id, flags in FLAGS.items():
        line = next(
            (n for n, text in enumerate(source, 1) if f'"{demo_id}"' in text),
            1,
        )
        if demo_id not in found:
            problems.append(
                DeckError(
                    Location(here, line),
                    f"FLAGS names {demo_id!r}, which no slide shows" + suggestion(demo_id, found),
                )
            )
        elif unknown := sorted(flags - KNOWN_FLAGS):
            problems.append(
                DeckError(
                    Location(here, line),
                    f"unknown flag {unknown[0]!r} for {demo_id!r} "
                    f"(known: {', '.join(KNOWN_FLAGS)})",
                )
            )
    return problems


# The talk's demos, and the snapshot of its slides and demos they were found from.
_cache: tuple[sources.Snapshot, tuple[Demo, ...]] | None = None


def demos() -> tuple[Demo, ...]:
    """The talk's demos, found again only when a file of the slides or demos has changed."""
    global _cache
    folders = (SLIDES_DIR, DEMOS_DIR)
    now = sources.snapshot(folders)  # before reading: a save meanwhile is seen next time
    if _cache is None or _cache[0] != now:
        _cache = (now, discover(SLIDES_DIR, DEMOS_DIR))
    return _cache[1]


def find(demo_id: str, among: Iterable[Demo] | None = None) -> Demo | None:
    """The demo with this id among ``among`` (the talk's demos by default), or None: the
    only way from a user's word to a module."""
    return next(
        (demo for demo in (demos() if among is None else among) if demo.id == demo_id), None
    )


def ids() -> list[str]:
    return [demo.id for demo in demos()]
