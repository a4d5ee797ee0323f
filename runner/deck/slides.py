"""The slide Markdown of slides/README.md: its grammar, and the sections read into cells.

The grammar (fences, demo links, which files are sections) lives here only: the
catalog (runner/deck/catalog.py) reads the links with ``demo_links`` and the build
reads whole sections with ``read``. Each file is a section; its lines become
markdown, code and notes cells, each with the reveal.js slide type it opens. A
line that is only a link to a demo becomes a code cell holding the demo's code,
so slides include demos by reference, never by copy.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from runner.deck.demo import Demo
from runner.deck.excerpts import excerpt, misplaced_omit, regions, unclosed_region
from runner.deck.problems import DeckError as DeckError
from runner.deck.problems import Location as Location
from runner.deck.problems import read_text


@dataclass(frozen=True)
class DemoLink:
    """A code slide: which demo, which region of it, and the code it shows."""

    demo: Demo
    region: str | None
    code: str
    steps: tuple[str, ...] = ()  # line highlights, one per click: "2", "4-5", "2,7", "all"


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    slide_type: str  # "slide", "subslide", "fragment", "notes" or "-"
    source: str
    location: Location
    demo: DemoLink | None = None
    timing_s: int | None = None  # the slide's budget (runner.deck.pacing), on its first cell

    @property
    def section(self) -> str:
        """The section file's name without ``.md``: ``05-async-sqlalchemy``."""
        return self.location.path.stem

    @property
    def in_appendix(self) -> bool:
        """A backup slide: after the closing slide, outside the talk's time and clicker path."""
        return self.location.path.parent.name == APPENDIX_DIR


@dataclass
class Deck:
    cells: list[Cell]
    pictures: dict[Path, str] = field(default_factory=dict)  # file on disk -> URL in the deck


APPENDIX_DIR = "appendix"  # slides/appendix/NN-topic.md: backup slides after the closing one
# A demo link alone on its line, optionally followed by the steps to highlight.
LINK_LINE = re.compile(r"^\[[^\]]*\]\((?P<target>[^)\s]+)\)(?:\s*\{(?P<steps>[^}]*)\})?$")
# A link's text holds no bracket and its target no bracket or parenthesis: each try
# then stops at the next one, so a line is read in linear time (a line of 200,000
# "[" took 26 s when the text could run to the line's end from every "[").
_INLINE_LINK = re.compile(r"\[[^\[\]]*\]\((?P<target>[^()\[\]\s]+)\)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")


def section_files(slides_dir: Path) -> list[Path]:
    """The section files in talk order: every Markdown file but the README and the claims
    ledger (slides/claims.md, about the slides), then the appendix."""
    not_slides = ("readme.md", "claims.md")
    files = sorted(p for p in slides_dir.glob("*.md") if p.name.lower() not in not_slides)
    if not files:
        raise DeckError(Location(slides_dir, 0), "there are no slide files (NN-topic.md) here")
    return files + sorted((slides_dir / APPENDIX_DIR).glob("*.md"))


def is_code_link(target: str) -> bool:
    """A link to a Python file beside the slides: a demo, or a mistake to report."""
    return not SCHEME.match(target) and target.partition("#")[0].endswith(".py")


def misplaced_link(line: str) -> str | None:
    """What is wrong with a link to a .py file inside a line of text, if there is one."""
    for inline in _INLINE_LINK.finditer(line):
        if is_code_link(inline["target"]):
            return (
                f"the demo link {inline['target']} must be alone on its line to become a code slide"
            )
    return None


class _Fences:
    """Whether a line is inside a fenced code block, fed the lines in order."""

    def __init__(self) -> None:
        self.open: str | None = None

    def inside(self, line: str) -> bool:
        """True for a fence's lines, its opening and closing lines included."""
        stripped = line.strip()
        if self.open is not None:
            if stripped.startswith(self.open):
                self.open = None
            return True
        if opening := _FENCE.match(stripped):
            self.open = opening["fence"]
            return True
        return False


def _demo_link(line: str, at: Location) -> re.Match[str] | None:
    """The LINK_LINE match of a line outside fences that is only a demo link, else None.

    A link to a .py file inside a paragraph is a mistake, refused for the catalog
    and the build alike, so that they never disagree.
    """
    link = LINK_LINE.match(line.strip())
    if link and is_code_link(link["target"]):
        return link
    if (problem := misplaced_link(line)) is not None:
        raise DeckError(at, problem)
    return None


def demo_links(path: Path) -> Iterator[tuple[int, re.Match[str]]]:
    """(line number, LINK_LINE match) of each demo link in a section, as ``read`` finds them."""
    fences = _Fences()
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not fences.inside(line) and (link := _demo_link(line, Location(path, number))):
            yield number, link


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'gather'?`` for a near miss, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


_TITLE = re.compile(r"^# (?P<title>\S.*)$")
_HEADING = re.compile(r"^## \S")
_MINUTES = re.compile(r"^<!--\s*minutes:.*-->$")
_FRAGMENT = re.compile(r"^<!--\s*fragment\s*-->$")
_NOTE = re.compile(r"^Note:\s?")
_STEP_RANGE = re.compile(r"^(?P<first>\d+)(?:-(?P<last>\d+))?$")
_PICTURE = re.compile(r"!\[(?P<alt>[^\[\]]*)\]\((?P<target>[^()\[\]\s]+)\)")  # as _INLINE_LINK


def read(slide_files: Iterable[Path], demos: Sequence[Demo], assets_dir: Path) -> Deck:
    """The cells of all sections in order, checked to show each of ``demos`` exactly once."""
    by_path = dict(_by_path(demos))
    deck = Deck(cells=[])
    for path in slide_files:
        _Section(path, by_path, assets_dir, deck).read()
    _check_coverage(deck.cells, demos)
    return deck


class _Section:
    """One file's lines, read top to bottom into cells."""

    def __init__(self, path: Path, by_path: dict[Path, Demo], assets_dir: Path, deck: Deck) -> None:
        self.path = path
        self.by_path = by_path
        self.assets_dir = assets_dir.resolve()
        self.deck = deck
        self.buffer: list[str] = []
        self.buffer_start = 1
        self.next_type = "slide"  # the type the next cell opens with
        self.mode = "text"  # "text", "fragment" (until a blank line) or "notes"
        self.fences = _Fences()

    def read(self) -> None:
        lines = read_text(self.path).splitlines()
        if not lines or not _TITLE.match(lines[0]):
            raise DeckError(self._at(1), "a section file must start with a '# Title' line")
        self._add(1, lines[0])
        for number, line in enumerate(lines[1:], start=2):
            if _MINUTES.match(line.strip()):
                raise DeckError(
                    self._at(number),
                    "a section has no budget of its own: each slide's time follows its "
                    "notes and its demo (runner/deck/pacing.py); remove this line",
                )
            self._line(number, line)
        self._flush()

    def _line(self, number: int, line: str) -> None:
        if self.fences.inside(line):
            self._add(number, line)
            return
        if _TITLE.match(line):
            raise DeckError(
                self._at(number),
                "a second '# Title' in one file; start a new file for a new section",
            )
        if _HEADING.match(line) or line.strip() == "---":
            self._flush()
            self.mode = "text"
            self.next_type = "subslide"
            if line.strip() != "---":
                self._add(number, line)
            return
        if self.mode == "notes":
            self._add(number, line)
            return
        if _NOTE.match(line):
            self._flush()
            if self.next_type in ("slide", "subslide"):
                raise DeckError(self._at(number), "this slide has nothing to show before 'Note:'")
            self.mode = "notes"
            self._add(number, _NOTE.sub("", line, count=1))
            return
        if _FRAGMENT.match(line.strip()):
            self._flush()
            self.mode = "fragment"
            return
        if link := _demo_link(line, self._at(number)):
            self._flush()
            self._code(number, link["target"], link["steps"])
            return
        if not line.strip():
            if self.mode == "fragment" and self.buffer:
                self._flush()
            elif self.mode == "fragment":
                return  # blank lines between the marker and its block
        self._add(number, _PICTURE.sub(self._picture_url(number), line))

    def _add(self, number: int, line: str) -> None:
        if not self.buffer:
            self.buffer_start = number
        self.buffer.append(line)

    def _flush(self) -> None:
        """End the cell being collected, if it holds anything."""
        text = "\n".join(self.buffer).strip("\n")
        start = self.buffer_start
        self.buffer = []
        if not text.strip():
            return
        if self.mode == "notes":
            slide_type = "notes"
        elif self.mode == "fragment":
            slide_type = self.next_type if self.next_type != "-" else "fragment"
            self.mode = "text"
        else:
            slide_type = self.next_type
        self._emit(Cell("markdown", slide_type, text, self._at(start)))

    def _emit(self, cell: Cell) -> None:
        self.deck.cells.append(cell)
        if cell.slide_type != "notes":
            self.next_type = "-"

    def _code(self, number: int, target: str, steps: str | None) -> None:
        file_part, _, region = target.partition("#")
        path = (self.path.parent / file_part).resolve()
        where = self._at(number)
        if not path.is_file():
            raise DeckError(where, f"the link names {file_part}, which does not exist")
        demo = self.by_path.get(path)
        if demo is None:
            raise DeckError(where, f"{file_part} is not a demo: demo modules live under demos/")
        if demo.problem is not None:  # one bad demo: its slide says why, the deck builds
            why = _cannot_run(demo.problem)
            self._emit(Cell("code", self._code_slide_type(), why, where, DemoLink(demo, None, why)))
            return
        source = read_text(path)
        if (line := misplaced_omit(source)) is not None:
            raise DeckError(
                Location(path, line),
                "'# OMIT' must end the line, or the line is shown on the slide",
            )
        if (unclosed := unclosed_region(source)) is not None:
            line, problem = unclosed
            raise DeckError(Location(path, line), problem)
        code = excerpt(source, region or None)
        if code is None:
            known = ", ".join(regions(source)) or "none"
            raise DeckError(
                where,
                f"{file_part} has no region {region!r} (its regions: {known})"
                + suggestion(region, regions(source)),
            )
        shown = DemoLink(demo, region or None, code, _steps(steps, code, where))
        self._emit(Cell("code", self._code_slide_type(), code, where, shown))

    def _code_slide_type(self) -> str:
        slide_type = self.next_type
        if self.mode == "fragment":
            slide_type = "fragment" if slide_type == "-" else slide_type
            self.mode = "text"
        return slide_type

    def _picture_url(self, number: int) -> Callable[[re.Match[str]], str]:
        """Check a picture exists and give its URL in the built deck."""

        def url(match: re.Match[str]) -> str:
            target = match["target"]
            if SCHEME.match(target) or target.startswith("/"):
                raise DeckError(
                    self._at(number),
                    f"the picture {target} must be a file in the repository, "
                    "so the deck works offline",
                )
            file = (self.path.parent / target).resolve()
            if not file.is_file():
                raise DeckError(self._at(number), f"the picture {target} does not exist")
            if file.is_relative_to(self.assets_dir):
                shown = f"assets/{file.relative_to(self.assets_dir).as_posix()}"
            else:
                shown = f"pictures/{file.name}"
            self.deck.pictures[file] = shown
            return f"![{match['alt']}]({shown})"

        return url

    def _at(self, line: int) -> Location:
        return Location(self.path, line)


def _by_path(demos: Sequence[Demo]) -> Iterator[tuple[Path, Demo]]:
    """Each demo by its file; a link to a missing file has none (its slide names it)."""
    for demo in demos:
        try:
            yield demo.path.resolve(), demo
        except LookupError:
            continue


def _cannot_run(problem: str) -> str:
    """A marked demo's slide: its problem, as comment lines that fit a core code slide."""
    lines = textwrap.wrap(f"cannot run: {problem}", MAX_CODE_COLUMNS - 2, break_on_hyphens=False)
    return "\n".join(f"# {line}" for line in lines[:MAX_CODE_LINES])


def _steps(markers: str | None, code: str, where: Location) -> tuple[str, ...]:
    """The ``{2|4-5|all}`` after a demo link: which lines each click highlights.

    Lines count as the slide shows them, from 1; each step is ``all`` or lines
    and ranges joined by commas.
    """
    if markers is None:
        return ()
    count = len(code.splitlines())
    steps = [step.replace(" ", "") for step in markers.split("|")]
    for step in steps:
        if step == "all":
            continue
        for part in step.split(","):
            bounds = _STEP_RANGE.match(part)
            if bounds is None:
                raise DeckError(
                    where, f"step {step!r} is not 'all' or line numbers like 2, 4-5 or 2,7"
                )
            first, last = int(bounds["first"]), int(bounds["last"] or bounds["first"])
            if not 1 <= first <= last <= count:
                raise DeckError(where, f"step {step!r} names lines outside 1-{count}")
    return tuple(steps)


# What a core code slide may show: the grid every layout gives 12 lines of 64
# characters at a projector's type size (24 px code on a 1280x720 window).
MAX_CODE_LINES = 12
MAX_CODE_COLUMNS = 64


def check_code_size(cells: list[Cell]) -> None:
    """A core code slide shows at most MAX_CODE_LINES lines of MAX_CODE_COLUMNS characters.

    Asked of a talk given in a slot (slides/talk.toml), which is projected: the
    appendix's slides are for questions, read up close; the core's are read from
    the back row, so a longer one fails the build naming its demo and what to cut.
    """
    for cell in cells:
        if cell.demo is None or cell.in_appendix:
            continue
        lines = cell.demo.code.splitlines()
        widest = max(lines, key=len, default="")
        if len(lines) > MAX_CODE_LINES or len(widest) > MAX_CODE_COLUMNS:
            raise DeckError(
                cell.location,
                f"demo {cell.demo.demo.id!r} shows {len(lines)} lines, the longest "
                f"{len(widest)} characters; a core code slide shows at most "
                f"{MAX_CODE_LINES} lines of {MAX_CODE_COLUMNS}: show a region, hide "
                "lines with '# OMIT', or move the slide to slides/appendix/",
            )


def _check_coverage(cells: list[Cell], demos: Sequence[Demo]) -> None:
    shown: dict[str, Location] = {}
    for cell in cells:
        if cell.demo is None:
            continue
        demo_id = cell.demo.demo.id
        if demo_id in shown:
            raise DeckError(
                cell.location,
                f"demo {demo_id!r} is already shown at {shown[demo_id]}; "
                "show each demo on exactly one slide",
            )
        shown[demo_id] = cell.location
    for demo in demos:
        if demo.id not in shown:
            raise DeckError(Location(demo.path, 1), f"demo {demo.id!r} is shown by no slide")
