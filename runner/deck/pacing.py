"""The talk's time, from its content: each slide gets what its notes take to say and
what its demo takes to run, and the advertised length is their sum along the core path.

A slide's budget is its notes' words at WORDS_PER_MINUTE plus its demo's recorded
run time (none without a recording). reveal.js reads it as the slide's
``data-timing``, and the speaker view paces the talk against it, ahead or behind.
Slides say the talk's length as ``{{ minutes }}``, which the build fills in, so
what the audience is promised is what the notes add up to. The core path ends at
the closing slide: the appendix (slides/appendix/) is for questions, and its
slides count for nothing. When slides/talk.toml names a slot, the core must fit
it, and each section its share: the build fails naming the sections over.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from demos.catalog import Demo
from runner.deck import recordings
from runner.deck.identity import FILE_NAME, Slot
from runner.deck.recordings import Recording
from runner.deck.slides import Cell, Deck, DeckError, Location, read, section_files

WORDS_PER_MINUTE = 140
MINUTES = re.compile(r"\{\{\s*minutes\s*\}\}")
_OPENS_A_SLIDE = ("slide", "subslide")


@dataclass(frozen=True)
class Pace:
    slides_s: list[int]  # each slide's budget, in deck order, the appendix's included
    sections_s: dict[str, int]  # each core section's time, by file stem, in talk order
    demos_s: dict[str, int]  # each demo's slide budget, by demo id

    @property
    def total_s(self) -> int:
        """The core path's time: title slide to closing slide."""
        return sum(self.sections_s.values())

    @property
    def minutes(self) -> int:
        return max(round(self.total_s / 60), 1)


def pace(deck: Deck, recorded: Mapping[str, Recording]) -> Pace:
    """Give each slide-opening cell its budget (``timing_s``) and fill in ``{{ minutes }}``."""
    slides: list[tuple[Cell, float]] = []
    shown_on: dict[str, int] = {}  # demo id -> index of its slide
    for cell in deck.cells:
        if cell.slide_type in _OPENS_A_SLIDE or not slides:
            slides.append((cell, 0.0))
        opening, seconds = slides[-1]
        slides[-1] = (opening, seconds + _seconds(cell, recorded))
        if cell.demo is not None:
            shown_on[cell.demo.demo.id] = len(slides) - 1
    sections: dict[str, int] = {}
    for opening, seconds in slides:
        opening.timing_s = round(seconds)
        if not opening.in_appendix:
            sections[opening.section] = sections.get(opening.section, 0) + opening.timing_s
    budgets = [round(seconds) for _, seconds in slides]
    demos = {demo_id: budgets[index] for demo_id, index in shown_on.items()}
    result = Pace(budgets, sections, demos)
    for cell in deck.cells:
        if cell.kind == "markdown":
            cell.source = MINUTES.sub(str(result.minutes), cell.source)
    return result


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


def _seconds(cell: Cell, recorded: Mapping[str, Recording]) -> float:
    """What a cell adds to its slide's time: notes are said, demos are run."""
    if cell.slide_type == "notes":
        words = len(MINUTES.sub("N", cell.source).split())  # the length is said as one word
        return words * 60 / WORDS_PER_MINUTE
    if cell.demo is not None:
        recording = recorded.get(cell.demo.demo.id)
        return recording.elapsed_s if recording is not None else 0.0
    return 0.0


def planned(slides_dir: Path, demos: Sequence[Demo], assets_dir: Path, build_dir: Path) -> Pace:
    """The pace the build gives the slides as they are now, with the recordings it would use.

    What `talk doctor` holds each demo to, asked here rather than read back out of
    the built page.
    """
    deck = read(section_files(slides_dir), demos, assets_dir)
    kept = recordings.load(build_dir)
    valid = {d.id: r for d in demos if (r := recordings.current(kept, d)) is not None}
    return pace(deck, valid)
