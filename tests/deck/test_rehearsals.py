"""Rehearsals: the speaker view's timings become each slide's time, steps and runs; the
model's rates are fitted to them; the build and `talk pace` use them."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from runner.deck import builder, pace_report, pacing, rehearsals, slides
from runner.deck.pacing import MODEL
from runner.deck.rehearsals import Rehearsal
from runner.deck.slides import DeckError
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast

EVENTS = {
    "version": 1,
    "title": "Toy",
    "slides": 3,
    "events": [
        {"t": 0, "kind": "slide", "index": 0, "title": "First"},
        {"t": 20, "kind": "slide", "index": 1, "title": "Code"},
        {"t": 25, "kind": "step", "index": 1},
        {"t": 31, "kind": "run", "index": 1, "demo": "counter", "elapsed": 2.5},
        {"t": 40, "kind": "slide", "index": 0, "title": "First"},  # back for a question
        {"t": 45, "kind": "slide", "index": 2, "title": "Thanks"},
    ],
    "end": 50,
}


def toy_talk(toy: ToyDeck) -> None:
    toy.write(
        "01-first.md",
        f"# First\n\nHi\n\nNote: {'word ' * 35}\n\n## Code\n\n"
        f"{toy.link('counter.py')} {{1|all}}\n\nNote: {'word ' * 20}\n\n"
        "## Thanks\n\nQuestions?\n\nNote: thanks\n",
    )


def test_a_rehearsal_gives_each_slide_its_visits_steps_and_runs() -> None:
    rehearsal = rehearsals.parse("r", EVENTS)
    first, code, thanks = (rehearsal.slides[i] for i in range(3))
    assert (first.seconds, first.steps, first.runs) == (25, 0, 0)  # 20 s, then 5 s more
    assert (code.seconds, code.steps, code.runs, code.run_s) == (20, 1, 1, 2.5)
    assert (thanks.seconds, thanks.title) == (5, "Thanks")
    assert rehearsal.total_s == 50


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"version": 2}, "not a version-1 rehearsal"),
        ({"events": []}, "'events' must be a list of 1 to"),
        ({"end": -1}, "'end' (seconds) and 'slides' (a count) are required"),
        ({"end": 44}, "'end' comes before the last event"),
        ({"slides": 2}, "event 6 names slide 2, outside the deck's 2"),
        ({"events": [{"t": 1, "kind": "jump", "index": 0}]}, "event 1 needs a kind"),
        (
            {
                "events": [
                    {"t": 5, "kind": "slide", "index": 0},
                    {"t": 1, "kind": "step", "index": 0},
                ]
            },
            "event 2 goes back in time",
        ),
    ],
)
def test_a_malformed_rehearsal_is_refused_saying_why(
    change: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        rehearsals.parse("r", {**EVENTS, **change})


def test_saved_rehearsals_get_files_of_their_own_and_load_back(tmp_path: Path) -> None:
    now = datetime(2026, 12, 7, 12, 0, 0, tzinfo=UTC)
    first = rehearsals.save(tmp_path, EVENTS, now)
    second = rehearsals.save(tmp_path, EVENTS, now)  # the same second: both kept
    assert first.name == "rehearsal-20261207-120000.json"
    assert second.name == "rehearsal-20261207-120000-2.json"
    assert json.loads(first.read_text())["saved"] == "2026-12-07T12:00:00+00:00"
    loaded = rehearsals.load(tmp_path)
    assert [r.name for r in loaded] == [first.stem, second.stem]
    with pytest.raises(ValueError):
        rehearsals.save(tmp_path, {"version": 1}, now)
    assert len(list((tmp_path / "rehearsals").iterdir())) == 2  # nothing written


def test_a_damaged_rehearsal_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "rehearsals").mkdir()
    (tmp_path / "rehearsals" / "broken.json").write_text("{")
    with pytest.raises(DeckError, match=r"broken\.json:1: not a rehearsal the deck can read"):
        rehearsals.load(tmp_path)


def slow_rehearsal(base: pacing.Pace, said: float, room: float) -> Rehearsal:
    """A presenter exactly ``said`` times the model on notes, ``room`` times on the rest."""
    rehearsal = Rehearsal("slow", "", len(base.slides))
    for slide in base.slides:
        seen = rehearsals.SlideRehearsed(slide.index, slide.title)
        seen.seconds = said * slide.said_s + room * rehearsals._room(slide) + slide.ran_s
        seen.run_s = slide.ran_s
        rehearsal.slides[slide.index] = seen
    return rehearsal


def test_the_fit_finds_the_presenters_own_rates(toy: ToyDeck) -> None:
    toy_talk(toy)
    deck = slides.read(slides.section_files(toy.slides), [toy.demo("counter")], toy.root)
    base = pacing.measure(deck, {})
    fit = rehearsals.fit(base, [slow_rehearsal(base, 1.25, 0.8)])
    assert fit is not None and fit.slides == 3
    assert fit.said == pytest.approx(1.25) and fit.room == pytest.approx(0.8)
    assert fit.model.words_per_minute == pytest.approx(MODEL.words_per_minute / 1.25)
    assert fit.model.code_line_s == pytest.approx(MODEL.code_line_s * 0.8)
    refit = pacing.measure(deck, {}, model=fit.model)
    rehearsed = slow_rehearsal(base, 1.25, 0.8)
    for slide in refit.slides:
        assert slide.total_s == pytest.approx(rehearsed.slides[slide.index].seconds)


def test_without_a_rehearsal_of_this_deck_the_model_stands(toy: ToyDeck) -> None:
    toy_talk(toy)
    deck = slides.read(slides.section_files(toy.slides), [toy.demo("counter")], toy.root)
    base = pacing.measure(deck, {})
    other_deck = Rehearsal("old", "", len(base.slides) + 1, {})
    assert rehearsals.fit(base, []) is None
    assert rehearsals.fit(base, [other_deck]) is None


def test_the_build_paces_by_the_rehearsals_and_talk_pace_shows_them(toy: ToyDeck) -> None:
    toy_talk(toy)
    counter = [toy.demo("counter")]
    build = lambda: builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=counter)  # noqa: E731
    before = re.findall(r'data-timing="(\d+)"', build().read_text())
    rehearsals.save(toy.slides, EVENTS)
    after = re.findall(r'data-timing="(\d+)"', build().read_text())
    rehearsed = 50
    assert before != after  # paced by the rehearsal now, closer to its 50 s
    assert abs(sum(map(int, after)) - rehearsed) < abs(sum(map(int, before)) - rehearsed)
    report = "\n".join(
        pace_report.report(toy.slides, counter, toy.root, toy.build_dir, toy.package.parent)
    )
    assert "by the model fitted to 1 rehearsal (3 slides:" in report
    assert re.search(r"^01-first .* 0\.8 min +0\.8 min$", report, re.M), report  # 50 s rehearsed
    assert re.search(r"^ +2 Code \[counter\] .* 20 \(1 run\)$", report, re.M), report
    assert "words_per_minute = 140 => " in report
