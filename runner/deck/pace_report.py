"""`talk pace`: the talk's time by the model and by the presenter's rehearsals, side by
side, section by section and slide by slide, with the rates it is made of and where
each comes from."""

from collections.abc import Iterator, Sequence
from pathlib import Path

from runner.deck import budgets, pacing, recordings, rehearsals
from runner.deck.catalog import DEMOS_DIR
from runner.deck.demo import Demo
from runner.deck.identity import Slot, slot
from runner.deck.pacing import Pace
from runner.deck.rehearsals import Fit, SlideRehearsed
from runner.deck.slides import read, section_files


def report(
    slides_dir: Path,
    demos: Sequence[Demo],
    assets_dir: Path,
    build_dir: Path,
    demos_dir: Path = DEMOS_DIR,
    rehearsals_of: Path | None = None,
) -> Iterator[str]:
    """The report, a line at a time, for the slides as they are now; the rehearsals
    are those saved for ``rehearsals_of`` (a slides folder; by default these slides)."""
    deck = read(section_files(slides_dir), demos, assets_dir)
    kept = recordings.load(build_dir)
    valid = {d.id: r for d in demos if (r := recordings.current(kept, d)) is not None}
    printed = pacing.lines_printed(budgets.load(demos_dir / budgets.FILE_NAME))
    base = pacing.measure(deck, valid, printed)
    given = rehearsals.load(rehearsals_of or slides_dir)
    fitted = rehearsals.fit(base, given)
    paced = pacing.measure(deck, valid, printed, fitted.model) if fitted else base
    rehearsed = rehearsals.by_slide(given, len(base.slides))
    yield from _lines(base, paced, fitted, rehearsed, len(given), slot(slides_dir))


def _lines(
    base: Pace,
    paced: Pace,
    fitted: Fit | None,
    rehearsed: dict[int, SlideRehearsed],
    given: int,
    talk_slot: Slot,
) -> Iterator[str]:
    total = paced.total_s / 60
    if fitted is None:
        how = "by the model" + (" (no rehearsal of this deck yet)" if given else "")
    else:
        how = (
            f"by the model fitted to {given} rehearsal{'s' if given > 1 else ''} "
            f"({fitted.slides} slides: notes x{fitted.said:.2f}, the rest x{fitted.room:.2f})"
        )
    minutes = talk_slot.minutes
    spare = f", {minutes - total:.1f} min to spare" if minutes else ""
    yield f"The core talk: {total:.1f} min {how}" + (
        f" for a {minutes:g}-minute slot{spare}." if minutes else "."
    )
    yield ""
    yield (
        f"{'section':<22} {'share':>6} {'slides':>6} {'code':>5} {'model':>9} "
        f"{'rehearsed':>10} {'paced':>9}"
    )
    for name, seconds in base.sections_s.items():
        slides = [s for s in base.core if s.section == name]
        yield _section_row(
            name,
            talk_slot.shares.get(name),
            slides,
            seconds,
            _rehearsed_total(slides, rehearsed),
            paced.sections_s[name],
        )
    yield _section_row(
        "core",
        minutes,
        base.core,
        base.total_s,
        _rehearsed_total(base.core, rehearsed),
        paced.total_s,
    )
    yield ""
    yield "Slides (seconds: said, shown and read, steps, run and its output; then rehearsed):"
    yield (
        f"{'#':>3} {'slide':<40} {'said':>5} {'shown':>5} {'steps':>5} {'run':>5} "
        f"{'model':>6} {'rehearsed':>10}"
    )
    for slide in base.slides:
        if slide.in_appendix and not any(s.in_appendix for s in base.slides[: slide.index]):
            yield "    appendix (not in the talk's time):"
        name = slide.title if slide.demo_id is None else f"{slide.title} [{slide.demo_id}]"
        seen = rehearsed.get(slide.index)
        mark = (
            "-"
            if seen is None
            else f"{seen.seconds:.0f}" + (f" ({seen.runs} run)" if seen.runs else "")
        )
        yield (
            f"{slide.index + 1:>3} {name[:40]:<40} {slide.said_s:>5.0f} {slide.shown_s:>5.0f} "
            f"{slide.steps_s:>5.0f} {slide.run_s:>5.0f} {slide.total_s:>6.0f} {mark:>10}"
        )
    yield ""
    yield "Constants of the model" + (
        " (fitted to the rehearsals after the =>):" if fitted else ":"
    )
    for name, value, unit, source in pacing.constants(base.model):
        now = getattr(paced.model, name)
        fit_text = f" => {now:.3g}" if fitted is not None and now != value else ""
        yield f"  {name} = {value:g}{fit_text} {unit}: {source}"


def _section_row(
    name: str,
    share: float | None,
    slides: list[pacing.SlideTime],
    model_s: float,
    rehearsed_s: float | None,
    paced_s: float,
) -> str:
    code = sum(s.demo_id is not None for s in slides)
    share_text = f"{share:g}" if share is not None else "-"
    seen = _minutes(rehearsed_s) if rehearsed_s is not None else "-"
    return (
        f"{name:<22} {share_text:>6} {len(slides):>6} {code:>5} {_minutes(model_s):>9} "
        f"{seen:>10} {_minutes(paced_s):>9}"
    )


def _rehearsed_total(
    slides: list[pacing.SlideTime], rehearsed: dict[int, SlideRehearsed]
) -> float | None:
    """The section as rehearsed, when every slide of it was."""
    if not slides or any(s.index not in rehearsed for s in slides):
        return None
    return sum(rehearsed[s.index].seconds for s in slides)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"
