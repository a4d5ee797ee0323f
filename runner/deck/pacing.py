"""The talk's time, from its content: each slide gets what its notes take to say and
what its demo takes to run, and the advertised length is their sum.

A slide's budget is its notes' words at WORDS_PER_MINUTE plus its demo's recorded
run time (none without a recording). reveal.js reads it as the slide's
``data-timing``, and the speaker view paces the talk against it, ahead or behind.
Slides say the talk's length as ``{{ minutes }}``, which the build fills in, so
what the audience is promised is what the notes add up to.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from runner.deck.recordings import Recording
from runner.deck.slides import Cell, Deck

WORDS_PER_MINUTE = 140
MINUTES = re.compile(r"\{\{\s*minutes\s*\}\}")
_OPENS_A_SLIDE = ("slide", "subslide")


@dataclass(frozen=True)
class Pace:
    slides_s: list[int]  # each slide's budget, in deck order

    @property
    def total_s(self) -> int:
        return sum(self.slides_s)

    @property
    def minutes(self) -> int:
        return max(round(self.total_s / 60), 1)


def pace(deck: Deck, recordings: Mapping[str, Recording]) -> Pace:
    """Give each slide-opening cell its budget (``timing_s``) and fill in ``{{ minutes }}``."""
    slides: list[tuple[Cell, float]] = []
    for cell in deck.cells:
        if cell.slide_type in _OPENS_A_SLIDE or not slides:
            slides.append((cell, 0.0))
        opening, seconds = slides[-1]
        slides[-1] = (opening, seconds + _seconds(cell, recordings))
    for opening, seconds in slides:
        opening.timing_s = round(seconds)
    result = Pace([round(seconds) for _, seconds in slides])
    for cell in deck.cells:
        if cell.kind == "markdown":
            cell.source = MINUTES.sub(str(result.minutes), cell.source)
    return result


def _seconds(cell: Cell, recordings: Mapping[str, Recording]) -> float:
    """What a cell adds to its slide's time: notes are said, demos are run."""
    if cell.slide_type == "notes":
        words = len(MINUTES.sub("N", cell.source).split())  # the length is said as one word
        return words * 60 / WORDS_PER_MINUTE
    if cell.demo is not None:
        recording = recordings.get(cell.demo.demo.id)
        return recording.elapsed_s if recording is not None else 0.0
    return 0.0
