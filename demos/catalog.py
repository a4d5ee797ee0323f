"""The demos in talk order, found where they are shown: the slides' links to demo files.

A demo is a module under demos/ that a slide links to on a line of its own; its id
is the module's own name (``python_async/gather.py`` -> ``gather``), its title the
first line of its docstring, and it needs the database when it imports from
``demos.connection`` (the redirection of its engine to the talk's server). Nothing is registered by hand: write
the module, link it from a slide, save.

An id is a name, never a path: the runner and ``talk run`` look an id up in what
the slides link to, so nothing a user types reaches the disk.
"""

import ast
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEMOS_DIR = Path(__file__).resolve().parent
SLIDES_DIR = DEMOS_DIR.parent / "slides"

# Per-demo flags the sources cannot say, by id. The build refuses an id no slide shows.
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

# A demo link alone on its line, optionally followed by the steps to highlight.
LINK_LINE = re.compile(
    r"^\[[^\]]*\]\((?P<target>[^)\s]+)\)(?:\s*\{(?P<steps>[^}]*)\})?$"
)
INLINE_LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


class CatalogError(Exception):
    """A mistake that keeps a demo from the catalog, as ``file:line: sentence``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Demo:
    id: str
    module: str
    needs_database: bool
    flags: frozenset[str] = field(default_factory=frozenset)
    region: str | None = (
        None  # the region its slide shows; None for the whole file
    )

    @property
    def path(self) -> Path:
        import importlib.util

        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            raise LookupError(
                f"demo {self.id!r} names a missing module {self.module}"
            )
        return Path(spec.origin)

    @property
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


def is_code_link(target: str) -> bool:
    """A link to a Python file beside the slides: a demo, or a mistake to report."""
    return not SCHEME.match(target) and target.partition("#")[0].endswith(
        ".py"
    )


def demo_links(path: Path) -> Iterable[tuple[int, str]]:
    """(line number, target) of each line of a slide file that is only a link to a .py file.

    A link to a .py file inside a paragraph is a mistake, named here so that every
    reader of the slides (the catalog and the build) refuses it the same way.
    """
    fence: str | None = None
    for number, line in enumerate(
        path.read_text(encoding="utf-8").splitlines(), start=1
    ):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if opening := _FENCE.match(stripped):
            fence = opening[1]
            continue
        whole = LINK_LINE.match(stripped)
        if whole and is_code_link(whole["target"]):
            yield number, whole["target"]
            continue
        if (problem := misplaced_link(line)) is not None:
            raise CatalogError(path, number, problem)


def misplaced_link(line: str) -> str | None:
    """What is wrong with a link to a .py file inside a line of text, if there is one."""
    for inline in INLINE_LINK.finditer(line):
        if is_code_link(inline["target"]):
            return (
                f"the demo link {inline['target']} must be alone on its line "
                "to become a code slide"
            )
    return None


def section_files(slides_dir: Path) -> list[Path]:
    """The section files in talk order: every Markdown file but the README,
    then the appendix's (slides/appendix/, backup slides after the closing one)."""
    core = (
        p for p in slides_dir.glob("*.md") if p.name.lower() != "readme.md"
    )
    return sorted(core) + sorted((slides_dir / "appendix").glob("*.md"))


def discover(
    slides_dir: Path = SLIDES_DIR, demos_dir: Path = DEMOS_DIR
) -> tuple[Demo, ...]:
    """The demos the slides link to, in the order they are first shown."""
    found: dict[str, Demo] = {}
    where: dict[str, tuple[Path, int]] = {}
    for slide in section_files(slides_dir):
        for number, target in demo_links(slide):
            file = (slide.parent / target.partition("#")[0]).resolve()
            if not file.is_file():
                continue  # the build names the missing file
            demo = _demo(
                file,
                demos_dir.resolve(),
                slide,
                number,
                target.partition("#")[2],
            )
            known = found.get(demo.id)
            if known is not None and known.module != demo.module:
                other, line = where[demo.id]
                raise CatalogError(
                    slide,
                    number,
                    f"two demos are called {demo.id!r}: {known.module} (linked at "
                    f"{other}:{line}) and {demo.module}; rename one of the files",
                )
            found.setdefault(demo.id, demo)
            where.setdefault(demo.id, (slide, number))
    # FLAGS is the talk's: a toy deck shows other demos.
    if slides_dir.resolve() == SLIDES_DIR:
        _check_flags(found)
    return tuple(found.values())


def _demo(
    file: Path, demos_dir: Path, slide: Path, line: int, region: str
) -> Demo:
    if not file.is_relative_to(demos_dir) or file.name == "__init__.py":
        raise CatalogError(
            slide,
            line,
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
    tree = parse(file)
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "demos.connection"
        for node in ast.walk(tree)
    )


def parse(file: Path) -> ast.Module:
    """The module's syntax tree; a syntax error is named at its line like any mistake."""
    try:
        return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    except SyntaxError as error:
        raise CatalogError(
            file, error.lineno or 1, f"syntax error: {error.msg}"
        ) from None


def _check_flags(found: dict[str, Demo]) -> None:
    source = Path(__file__).read_text(encoding="utf-8").splitlines()
    for demo_id, flags in FLAGS.items():
        line = next(
            (n for n, text in enumerate(source, 1) if f'"{demo_id}"' in text),
            1,
        )
        if demo_id not in found:
            raise CatalogError(
                Path(__file__),
                line,
                f"FLAGS names {demo_id!r}, which no slide shows{suggestion(demo_id, found)}",
            )
        if unknown := sorted(flags - KNOWN_FLAGS):
            raise CatalogError(
                Path(__file__),
                line,
                f"unknown flag {unknown[0]!r} for {demo_id!r} (known: {', '.join(KNOWN_FLAGS)})",
            )


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'gather'?`` for a near miss, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


_cache: tuple[tuple[tuple[str, int], ...], tuple[Demo, ...]] | None = None


def demos() -> tuple[Demo, ...]:
    """The talk's demos, found again whenever a slide or a demo file has changed."""
    global _cache
    stamp = tuple(
        (str(p), p.stat().st_mtime_ns)
        for p in (*section_files(SLIDES_DIR), *sorted(DEMOS_DIR.rglob("*.py")))
    )
    if _cache is None or _cache[0] != stamp:
        _cache = (stamp, discover())
    return _cache[1]


def find(demo_id: str) -> Demo | None:
    """The demo with this id, or None; the only way from a user's word to a module."""
    return next((demo for demo in demos() if demo.id == demo_id), None)


def ids() -> list[str]:
    return [demo.id for demo in demos()]


def __getattr__(name: str) -> tuple[Demo, ...]:
    # ``catalog.DEMOS`` reads as it always has: the list, as the slides have it now.
    if name == "DEMOS":
        return demos()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
