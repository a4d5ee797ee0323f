"""The talk's time, from its content: what a room does on each slide, added up.

A slide's time is what the presenter says (its notes at the speaking rate), plus
what the room does that no note says: a slide changes, the room reads a code
slide's lines, the presenter clicks through its steps, presses Run, the demo runs
(its recorded run time) and the room reads what it printed. ``MODEL`` holds each
of those rates, and ``CONSTANTS`` says where each comes from, or that it is an
assumption. reveal.js reads each slide's time as its ``data-timing``, and the
speaker view paces the talk against it, ahead or behind. Slides say the talk's
length as ``{{ minutes }}``, which the build fills in, so what the audience is
promised is what the model adds up to. Once the presenter has rehearsed
(runner.deck.rehearsals), the model's rates are fitted to the rehearsals, so the
figures follow the presenter's own pace.

The core path ends at the closing slide: the appendix (slides/appendix/) is for
questions, and its slides count for nothing. When slides/talk.toml names a slot,
the core must fit it, and each section its share: the build fails naming the
sections over.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from runner.deck import budgets as output_budgets
from runner.deck.identity import FILE_NAME, Slot
from runner.deck.recordings import Recording
from runner.deck.slides import Cell, Deck, DeckError, Location

MINUTES = re.compile(r"\{\{\s*minutes\s*\}\}")
_OPENS_A_SLIDE = ("slide", "subslide")


@dataclass(frozen=True)
class Model:
    """The rates the talk's time is made of (each one's source: ``CONSTANTS``)."""

    words_per_minute: float = 140.0
    slide_s: float = 3.0
    code_line_s: float = 1.5
    step_s: float = 2.0
    run_s: float = 3.0
    unrecorded_run_s: float = 2.0
    output_line_s: float = 1.0


MODEL = Model()

# Where each rate comes from: a measurement, a published figure, or a stated assumption.
CONSTANTS: dict[str, tuple[str, str]] = {
    "words_per_minute": (
        "words/min",
        "notes said aloud: the National Center for Voice and Speech gives about 150 "
        "words a minute for conversational English; 140 allows for a live demo's pauses "
        "(assumption within that figure)",
    ),
    "slide_s": (
        "s/slide",
        "any slide: the click and the room's eyes finding the new slide before the "
        "speaker goes on (assumption)",
    ),
    "code_line_s": (
        "s/line",
        "the room reads each code line shown (blank lines included): 12 lines in "
        "18 s, as a common live-code pace of about 50 s a code slide and 20 s any "
        "other implies with a 40-word note (assumption, anchored on that pace)",
    ),
    "step_s": (
        "s/click",
        "each step click of a code slide: the eyes move to the brightened lines (assumption)",
    ),
    "run_s": (
        "s/run",
        "pressing Run and the runner starting the demo, over its own run time "
        "(assumption; the runner's start is well under a second, `talk bench`)",
    ),
    "unrecorded_run_s": (
        "s/run",
        "a demo's run time before `talk build --record` has measured it (assumption; "
        "the recording's elapsed time replaces it)",
    ),
    "output_line_s": (
        "s/line",
        "the room reads each output line the demo prints (demos/output-budget.json "
        "counts them; assumption: a short line, read while the speaker points)",
    ),
}


@dataclass(frozen=True)
class SlideTime:
    """One slide's time, by what the room does on it."""

    index: int  # in deck order, the appendix's slides included
    section: str  # the section file's stem
    title: str  # its heading, or its first words
    in_appendix: bool
    demo_id: str | None
    said_s: float  # the notes, spoken
    shown_s: float  # the slide change, and reading its code
    steps_s: float  # clicking through its steps
    run_s: float  # Run, the demo's run time, and reading its output
    ran_s: float = 0.0  # of run_s, the demo's own run time (recorded, or assumed)

    @property
    def total_s(self) -> float:
        return self.said_s + self.shown_s + self.steps_s + self.run_s


@dataclass(frozen=True)
class Pace:
    model: Model
    slides: list[SlideTime]  # in deck order, the appendix's included

    @property
    def core(self) -> list[SlideTime]:
        return [s for s in self.slides if not s.in_appendix]

    @property
    def sections_s(self) -> dict[str, int]:
        """Each core section's time, by file stem, in talk order."""
        sections: dict[str, int] = {}
        for slide in self.core:
            sections[slide.section] = sections.get(slide.section, 0) + round(slide.total_s)
        return sections

    @property
    def demos_s(self) -> dict[str, int]:
        """Each demo's slide time, by demo id."""
        return {s.demo_id: round(s.total_s) for s in self.slides if s.demo_id is not None}

    @property
    def total_s(self) -> int:
        """The core path's time: title slide to closing slide."""
        return sum(self.sections_s.values())

    @property
    def minutes(self) -> int:
        return max(round(self.total_s / 60), 1)


def measure(
    deck: Deck,
    recorded: Mapping[str, Recording],
    output_lines: Mapping[str, int] | None = None,
    model: Model = MODEL,
) -> Pace:
    """Each slide's time by the model, the deck left as it is.

    ``output_lines`` is how many lines each demo prints (``lines_printed``); a
    demo without a count is read as printing none.
    """
    return Pace(
        model,
        [
            _slide_time(index, cells, recorded, output_lines or {}, model)
            for index, cells in enumerate(_slides(deck))
        ],
    )


def pace(
    deck: Deck,
    recorded: Mapping[str, Recording],
    output_lines: Mapping[str, int] | None = None,
    model: Model = MODEL,
) -> Pace:
    """Give each slide-opening cell its time (``timing_s``) and fill in ``{{ minutes }}``."""
    result = measure(deck, recorded, output_lines, model)
    for cells, slide in zip(_slides(deck), result.slides, strict=True):
        cells[0].timing_s = round(slide.total_s)
    for cell in deck.cells:
        if cell.kind == "markdown":
            cell.source = MINUTES.sub(str(result.minutes), cell.source)
    return result


def _slides(deck: Deck) -> list[list[Cell]]:
    """The deck's cells, a list per slide: the timed slides, in deck order."""
    groups: list[list[Cell]] = []
    for cell in deck.cells:
        if cell.slide_type in _OPENS_A_SLIDE or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


def _slide_time(
    index: int,
    cells: list[Cell],
    recorded: Mapping[str, Recording],
    output_lines: Mapping[str, int],
    model: Model,
) -> SlideTime:
    said = shown = steps = run = ran = 0.0
    demo_id = None
    for cell in cells:
        if cell.slide_type == "notes":
            words = len(MINUTES.sub("N", cell.source).split())  # the length is one word
            said += words * 60 / model.words_per_minute
        if cell.demo is not None:
            demo_id = cell.demo.demo.id
            shown += len(cell.demo.code.splitlines()) * model.code_line_s
            steps += len(cell.demo.steps) * model.step_s
            recording = recorded.get(demo_id)
            own = recording.elapsed_s if recording is not None else model.unrecorded_run_s
            ran += own
            run += model.run_s + own + output_lines.get(demo_id, 0) * model.output_line_s
    opening = cells[0]
    return SlideTime(
        index=index,
        section=opening.section,
        title=_title(cells),
        in_appendix=opening.in_appendix,
        demo_id=demo_id,
        said_s=said,
        shown_s=model.slide_s + shown,
        steps_s=steps,
        run_s=run,
        ran_s=ran,
    )


def _title(cells: list[Cell]) -> str:
    """A slide's name in a table: its heading, its demo, or its first words."""
    for cell in cells:
        if cell.kind == "markdown" and cell.slide_type != "notes":
            for line in cell.source.splitlines():
                text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
                text = re.sub(r"[#*`>]", "", text).strip()
                if text:
                    return text[:48]
        if cell.demo is not None:
            return cell.demo.demo.id
    return "(notes only)"


def lines_printed(budgets: output_budgets.Budgets) -> dict[str, int]:
    """How many lines each demo prints: the most any kind of run printed, the SQLite
    fallback's notice line left out (the room on a server never sees it)."""
    counts: dict[str, int] = {}
    for demo_id, kinds in budgets.items():
        sizes = [len(widths) - (kind == "SQLite") for kind, widths in kinds.items()]
        counts[demo_id] = max(sizes, default=0)
    return counts


def constants(model: Model = MODEL) -> list[tuple[str, float, str, str]]:
    """Each rate of the model: name, value, unit and where it comes from."""
    return [(f.name, getattr(model, f.name), *CONSTANTS[f.name]) for f in fields(Model)]


def with_values(values: Mapping[str, float], model: Model = MODEL) -> Model:
    """The model with some rates replaced (fitted ones, from rehearsals)."""
    known = {f.name for f in fields(Model)}
    return replace(model, **{k: float(v) for k, v in values.items() if k in known})


def check(result: Pace, slot: Slot, slides_dir: Path) -> None:
    """Fail when the core path runs past the slot, or a section past its share.

    The error names every section over its share (or, without shares, every
    section, longest first), so the cut can be made where the time went.
    """
    if slot.minutes is None:
        return
    over: list[tuple[str, int, float | None]] = [
        (name, seconds, slot.shares[name])
        for name, seconds in result.sections_s.items()
        if name in slot.shares and seconds > slot.shares[name] * 60
    ]
    if result.total_s <= slot.minutes * 60 and not over:
        return
    if not over:
        longest = sorted(result.sections_s.items(), key=lambda item: -item[1])
        over = [(name, seconds, None) for name, seconds in longest]
    sections = "; ".join(
        f"{name} {seconds / 60:.1f} min" + (f" (share {share:g})" if share else "")
        for name, seconds, share in over
    )
    raise DeckError(
        Location(slides_dir / FILE_NAME, 1),
        f"the core talk runs {result.total_s / 60:.1f} min for a {slot.minutes:g}-minute "
        f"slot; over budget: {sections}. Shorten notes, or move slides to "
        "slides/appendix/ (backup slides after the closing one)",
    )
