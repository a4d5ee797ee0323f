"""Rehearsals: what the presenter's own runs through the talk took, slide by slide.

The speaker view's rehearse mode (assets/runner/rehearse.js) writes down, on one
clock, when each slide was reached, each step clicked and each demo run, and the
runner saves that as one file per rehearsal under slides/rehearsals/, which the
presenter may commit. Like PowerPoint's Rehearse Timings and Keynote's Rehearse
Slideshow, it measures the talk as given; unlike them, it counts the live runs.

Here the events become each slide's time (summed over its visits), steps and
runs, and the pacing model's rates are fitted to them (``fit``): once there is a
rehearsal, the advertised length and the speaker view's ahead/behind follow the
presenter's own pace, while a slide edited since is still timed by its content.
A slide is known by its position among the deck's timed slides (``index``, as
``runner.deck.pacing`` numbers them), its title kept beside it for a reader.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runner.deck.pacing import MODEL, Model, Pace, SlideTime, with_values
from runner.deck.slides import DeckError, Location

DIR_NAME = "rehearsals"
VERSION = 1
MAX_EVENTS = 20_000
_KINDS = frozenset({"slide", "step", "run"})
# A fitted rate stays within this factor of the model's: a rehearsal that skipped
# through slides, or stopped for an hour, should not make the talk absurd.
_MOST = 4.0


@dataclass
class SlideRehearsed:
    index: int
    title: str = ""
    seconds: float = 0.0  # on the slide, over every visit
    steps: int = 0
    runs: int = 0
    run_s: float = 0.0  # the demos' own run times


@dataclass(frozen=True)
class Rehearsal:
    name: str  # the file's stem
    saved: str  # ISO 8601, UTC
    slide_count: int  # timed slides in the deck it was given with
    slides: dict[int, SlideRehearsed] = field(default_factory=dict)

    @property
    def total_s(self) -> float:
        return sum(s.seconds for s in self.slides.values())


def parse(name: str, data: Any) -> Rehearsal:
    """A rehearsal from its saved events; ValueError saying what is wrong, in one line."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"not a version-{VERSION} rehearsal")
    events, end = data.get("events"), _seconds(data.get("end"))
    count = data.get("slides")
    if not isinstance(events, list) or not 0 < len(events) <= MAX_EVENTS:
        raise ValueError(f"'events' must be a list of 1 to {MAX_EVENTS} events")
    if end is None or not isinstance(count, int) or count <= 0:
        raise ValueError("'end' (seconds) and 'slides' (a count) are required")
    slides: dict[int, SlideRehearsed] = {}
    current: tuple[int, float] | None = None  # the slide shown, and since when
    for number, event in enumerate(events, start=1):
        kind, t, index = _event(event, number, count)
        if current is not None and t < current[1]:
            raise ValueError(f"event {number} goes back in time")
        slide = slides.setdefault(index, SlideRehearsed(index))
        if kind == "slide":
            if current is not None:
                slides[current[0]].seconds += t - current[1]
            current = (index, t)
            slide.title = str(event.get("title", ""))[:120] or slide.title
        elif kind == "step":
            slide.steps += 1
        else:
            slide.runs += 1
            slide.run_s += _seconds(event.get("elapsed")) or 0.0
    if current is None:
        raise ValueError("no slide was shown")
    if end < current[1]:
        raise ValueError("'end' comes before the last event")
    slides[current[0]].seconds += end - current[1]
    saved = str(data.get("saved") or "")
    return Rehearsal(name, saved, count, slides)


def _seconds(value: object) -> float | None:
    """A time in seconds: a number, not negative; None for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return None


def _event(event: object, number: int, count: int) -> tuple[str, float, int]:
    if not isinstance(event, dict):
        raise ValueError(f"event {number} is not an object")
    kind, t, index = event.get("kind"), _seconds(event.get("t")), event.get("index")
    if kind not in _KINDS or t is None or not isinstance(index, int):
        raise ValueError(f"event {number} needs a kind (slide, step, run), t and index")
    if not 0 <= index < count:
        raise ValueError(f"event {number} names slide {index}, outside the deck's {count}")
    return str(kind), t, index


def folder(slides_dir: Path) -> Path:
    return slides_dir / DIR_NAME


def load(slides_dir: Path) -> list[Rehearsal]:
    """Every rehearsal saved for these slides, oldest first; a damaged file is named."""
    found: list[Rehearsal] = []
    for path in sorted(folder(slides_dir).glob("*.json")):
        try:
            found.append(parse(path.stem, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as error:
            raise DeckError(
                Location(path, 1), f"not a rehearsal the deck can read: {error}"
            ) from None
    return sorted(found, key=lambda r: (r.saved, r.name))


def save(slides_dir: Path, data: Any, now: datetime | None = None) -> Path:
    """Check a rehearsal sent by the speaker view and write it as a file of its own."""
    now = now or datetime.now(UTC)
    name = "rehearsal-" + now.strftime("%Y%m%d-%H%M%S")
    record = (
        {**data, "saved": now.isoformat(timespec="seconds")} if isinstance(data, dict) else data
    )
    parse(name, record)  # ValueError before anything is written
    target = folder(slides_dir)
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.json"
    suffix = 1
    while path.exists():  # two saves in one second keep both
        suffix += 1
        path = target / f"{name}-{suffix}.json"
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


def by_slide(rehearsals: Sequence[Rehearsal], slide_count: int) -> dict[int, SlideRehearsed]:
    """Each slide's mean over the rehearsals given with a deck of this many slides."""
    same = [r for r in rehearsals if r.slide_count == slide_count]
    means: dict[int, SlideRehearsed] = {}
    for index in sorted({i for r in same for i in r.slides}):
        seen = [r.slides[index] for r in same if index in r.slides]
        n = len(seen)
        means[index] = SlideRehearsed(
            index,
            seen[-1].title,
            sum(s.seconds for s in seen) / n,
            round(sum(s.steps for s in seen) / n),
            round(sum(s.runs for s in seen) / n),
            sum(s.run_s for s in seen) / n,
        )
    return means


@dataclass(frozen=True)
class Fit:
    model: Model
    said: float  # the factor on the notes' time (1 / the speaking rate's)
    room: float  # the factor on everything else the room does
    slides: int  # how many rehearsed slides it was fitted to


def fit(base: Pace, rehearsals: Sequence[Rehearsal]) -> Fit | None:
    """The model's rates fitted to the rehearsals: two factors, by least squares.

    Each rehearsed core slide's time, less its demos' own run times (measured, not
    fitted), is said_s x ``said`` + the rest x ``room``. One factor for both when
    the two cannot be told apart (too few slides, or a factor that comes out at
    zero or below); each stays within 4x of the model. None without a rehearsal
    of this deck.
    """
    rehearsed = by_slide(rehearsals, len(base.slides))
    pairs = [(s, rehearsed[s.index]) for s in base.core if s.index in rehearsed]
    if not pairs:
        return None
    rows = [(s.said_s, _room(s), r.seconds - r.run_s) for s, r in pairs]
    said, room = _least_squares(rows)
    said, room = (_bounded(said), _bounded(room))
    words = MODEL.words_per_minute / said
    scaled = {
        name: getattr(base.model, name) * room
        for name in ("slide_s", "code_line_s", "step_s", "run_s", "output_line_s")
    }
    model = with_values({"words_per_minute": words, **scaled}, base.model)
    return Fit(model, said, room, len(pairs))


def _room(slide: SlideTime) -> float:
    """A slide's time that is neither said nor its demo's own run."""
    return slide.shown_s + slide.steps_s + slide.run_s - slide.ran_s


def _least_squares(rows: list[tuple[float, float, float]]) -> tuple[float, float]:
    sxx = sum(x * x for x, _, _ in rows)
    syy = sum(y * y for _, y, _ in rows)
    sxy = sum(x * y for x, y, _ in rows)
    sxt = sum(x * t for x, _, t in rows)
    syt = sum(y * t for _, y, t in rows)
    det = sxx * syy - sxy * sxy
    if len(rows) >= 3 and det > 1e-9 * max(sxx * syy, 1e-9):
        said = (sxt * syy - syt * sxy) / det
        room = (syt * sxx - sxt * sxy) / det
        if said > 0 and room > 0:
            return said, room
    total = sum(x + y for x, y, _ in rows)
    factor = sum(t for _, _, t in rows) / total if total > 0 else 1.0
    return factor, factor


def _bounded(factor: float) -> float:
    return min(max(factor, 1 / _MOST), _MOST)
