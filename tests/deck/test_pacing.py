"""The slot: the core path fits slides/talk.toml's minutes, or the build names what is over.

Pacing is what the room does: 140 words of notes are one minute, and each slide, code
line, step, run and output line adds the model's seconds (runner.deck.pacing.MODEL).
These decks are sized by how many words their notes hold, the rest of each section's
time (``room_s``) taken off, so a section's notes make it last the minutes asked for.
"""

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from runner.deck import builder, catalog, excerpts, identity, pacing, plan, slides
from runner.deck.builder import ASSETS_DIR, DeckError
from runner.deck.pacing import MODEL
from runner.deck.recordings import Recording
from tests.harness.toy_deck import ToyDeck

SLOT = "slot_minutes = 3\n\n[sections]\n01-first = 2\n02-second = 1\n"


def build(toy: ToyDeck) -> Path:
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos)


def notes(minutes: float, room_s: float = 0.0) -> str:
    """Notes that bring a section with ``room_s`` of other time to ``minutes``."""
    return "word " * round((minutes * 60 - room_s) * MODEL.words_per_minute / 60)


def shown_lines(toy: ToyDeck, file: str) -> int:
    """The lines a whole-file code slide shows (runner.deck.excerpts says which)."""
    code = excerpts.excerpt((toy.package / file).read_text())
    assert code is not None
    return len(code.splitlines())


def room_s(toy: ToyDeck, file: str, slides: int, other_words: int) -> float:
    """A section's time besides its long note: its slides, one demo run unrecorded (no
    output budget: no output lines), and its other notes' words."""
    run = MODEL.run_s + MODEL.unrecorded_run_s
    code = shown_lines(toy, file) * MODEL.code_line_s
    said = other_words * 60 / MODEL.words_per_minute
    return slides * MODEL.slide_s + code + run + said


def sections(toy: ToyDeck, first_minutes: float, second_minutes: float) -> None:
    first_room = room_s(toy, "hello.py", slides=2, other_words=1)
    second_room = room_s(toy, "counter.py", slides=2, other_words=1)
    toy.write(
        "01-first.md",
        f"# First\n\nAbout {{{{ minutes }}}} minutes.\n\n"
        f"Note: {notes(first_minutes, first_room)}\n\n"
        f"## Code\n\n{toy.link('hello.py')}\n\nNote: hello\n",
    )
    toy.write(
        "02-second.md",
        f"# Second\n\n{toy.link('counter.py')}\n\n"
        f"Note: {notes(second_minutes, second_room)}\n\n"
        "## Thank you!\n\nQuestions?\n\nNote: thanks\n",
    )


def appendix(toy: ToyDeck, minutes: float) -> None:
    (toy.slides / "appendix").mkdir()
    (toy.slides / "appendix" / "01-backup.md").write_text(
        f"# Backup\n\nFor questions\n\nNote: {notes(minutes)}\n\n## More\n\n- detail\n\n"
        "Note: more\n",
        encoding="utf-8",
    )


def reveal_total(html: str) -> int:
    block = re.search(r'id="reveal-config">(.*?)</script>', html, re.S)
    assert block is not None
    total: int = json.loads(block[1])["totalTime"]
    return total


def test_a_talk_inside_its_slot_builds(toy: ToyDeck) -> None:
    (toy.slides / "talk.toml").write_text(SLOT)
    sections(toy, 1.5, 0.5)
    html = build(toy).read_text()
    assert "About 2 minutes." in html


def test_an_edit_that_pushes_a_section_over_fails_the_build_naming_it(toy: ToyDeck) -> None:
    (toy.slides / "talk.toml").write_text(SLOT)
    sections(toy, 1.5, 0.5)
    build(toy)
    sections(toy, 1.5, 2.5)  # the second section's notes grow past the slot
    with pytest.raises(DeckError) as raised:
        build(toy)
    message = str(raised.value)
    assert message.startswith(f"{toy.slides / 'talk.toml'}:1: the core talk runs 4.0 min")
    assert "over budget: 02-second 2.5 min (share 1)" in message
    assert "01-first" not in message


def test_without_shares_every_section_is_named_longest_first(toy: ToyDeck) -> None:
    (toy.slides / "talk.toml").write_text("slot_minutes = 2\n")
    sections(toy, 1, 2)
    with pytest.raises(DeckError, match=r"over budget: 02-second 2\.0 min; 01-first 1\.0 min"):
        build(toy)


def test_a_section_over_its_share_fails_even_inside_the_slot(toy: ToyDeck) -> None:
    (toy.slides / "talk.toml").write_text(SLOT)
    sections(toy, 0.5, 1.5)
    with pytest.raises(DeckError, match=r"the core talk runs 2\.0 min for a 3-minute slot"):
        build(toy)


def test_the_appendix_follows_the_closing_slide_and_counts_for_nothing(toy: ToyDeck) -> None:
    (toy.slides / "talk.toml").write_text(SLOT)
    sections(toy, 1.5, 0.5)
    appendix(toy, 10)  # ten minutes of backup slides: far past the slot, and no matter
    html = build(toy).read_text()
    assert abs(reveal_total(html) - 120) <= 1  # notes are whole words: a second either way
    assert "About 2 minutes." in html
    slides = re.split(r"(?=<section[ >])", html)
    closing = next(i for i, s in enumerate(slides) if "Thank you!" in s)
    timings = [int(t) for s in slides[: closing + 1] for t in re.findall(r'data-timing="(\d+)"', s)]
    assert reveal_total(html) == sum(timings)  # the core's slides, and none of the appendix
    assert 'class="talk-closing"' in slides[closing]
    backup = [s for s in slides[closing + 1 :] if s.startswith("<section")]
    assert len(backup) == 3  # the appendix's stack and its two slides
    assert all('data-visibility="uncounted"' in s for s in backup)
    assert all('data-visibility="uncounted"' not in s for s in slides[:closing])


@pytest.mark.parametrize(
    "toml, problem",
    [
        ("slot_minutes = 0\n", "slot_minutes must be a positive number of minutes"),
        ('slot_minutes = "25"\n', "slot_minutes must be a positive number of minutes"),
        ("slot_minutes = 2\n[sections]\n01-first = 3\n", "add up to 3 minutes, more than"),
        ("[sections]\n01-first = true\n", "gives each section file's share in minutes"),
    ],
)
def test_a_slot_that_makes_no_sense_is_named(toy: ToyDeck, toml: str, problem: str) -> None:
    (toy.slides / "talk.toml").write_text(toml)
    sections(toy, 0.5, 0.5)
    with pytest.raises(DeckError, match=re.escape(problem)):
        build(toy)


@pytest.mark.fast
def test_a_code_slide_counts_what_the_room_does(toy: ToyDeck) -> None:
    """Notes said, the slide shown, its lines read, each step, the run and its output."""
    toy.write(
        "01-first.md",
        f"# First\n\nHi\n\nNote: {'word ' * 70}\n\n## Code\n\n"
        f"{toy.link('counter.py')} {{1|2-3|all}}\n\nNote: {'word ' * 14}\n",
    )
    deck = slides.read(slides.section_files(toy.slides), [toy.demo("counter")], toy.root)
    result = pacing.pace(deck, {}, {"counter": 3})
    first, code = result.slides
    assert first.said_s == 30 and first.shown_s == MODEL.slide_s and first.run_s == 0
    lines = shown_lines(toy, "counter.py")
    assert code.said_s == 6
    assert code.shown_s == MODEL.slide_s + lines * MODEL.code_line_s
    assert code.steps_s == 3 * MODEL.step_s
    assert code.run_s == MODEL.run_s + MODEL.unrecorded_run_s + 3 * MODEL.output_line_s
    assert result.total_s == round(first.total_s) + round(code.total_s)
    assert result.demos_s == {"counter": round(code.total_s)}


@pytest.mark.fast
def test_a_recorded_run_counts_its_own_time_and_fitted_rates_replace_the_model(
    toy: ToyDeck,
) -> None:
    toy.write("01-first.md", f"# First\n\n{toy.link('counter.py')}\n\nNote: one\n")
    deck = slides.read(slides.section_files(toy.slides), [toy.demo("counter")], toy.root)
    recorded = Recording([("stdout", "1\n")], "2026-01-01", "Python 3.12", 0, "x", 7.25)
    slow = pacing.with_values({"words_per_minute": 60, "run_s": 10, "unknown": 1})
    (plain,) = pacing.pace(deck, {"counter": recorded}).slides
    (fitted,) = pacing.pace(deck, {"counter": recorded}, model=slow).slides
    assert plain.run_s == MODEL.run_s + 7.25
    assert fitted.run_s == 10 + 7.25 and fitted.said_s == 1


@pytest.mark.fast
def test_output_lines_leave_out_the_sqlite_notice() -> None:
    budgets = {"a": {"SQLite": [17, 5, 5], "MariaDB": [5, 5]}, "b": {"Python": [1, 2, 3]}}
    assert pacing.lines_printed(budgets) == {"a": 2, "b": 3}


@pytest.mark.fast
def test_every_constant_says_where_it_comes_from() -> None:
    rows = pacing.constants()
    assert [name for name, *_ in rows] == [f.name for f in dataclasses.fields(pacing.Model)]
    for name, value, unit, source in rows:
        assert value > 0 and unit and len(source) > 30, name
        assert "assumption" in source or "measured" in source or "gives" in source, name


LONG = "\n".join(f"print({n})" for n in range(13)) + "\n"


@pytest.mark.fast
@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (LONG, "shows 13 lines, the longest 9 characters"),
        (f"print('{'x' * 60}')\n", "shows 1 lines, the longest 69 characters"),
    ],
)
def test_a_core_code_slide_over_12_lines_of_64_fails_the_build(
    toy: ToyDeck, code: str, problem: str
) -> None:
    (toy.package / "counter.py").write_text(code)
    (toy.slides / "talk.toml").write_text("slot_minutes = 25\n")
    toy.write("01-first.md", f"# First\n\n{toy.link('counter.py')}\n\nNote: one\n")
    with pytest.raises(DeckError, match=re.escape(problem)) as raised:
        builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=[toy.demo("counter")])
    assert str(raised.value).startswith(f"{toy.slides / '01-first.md'}:3: demo 'counter'")


@pytest.mark.fast
def test_the_appendix_and_a_deck_given_in_no_slot_may_show_longer_code(toy: ToyDeck) -> None:
    """The limit is the projected talk's: a stage or toy deck without a slot builds."""
    (toy.package / "counter.py").write_text(LONG)
    toy.write("01-first.md", "# First\n\nHi\n\nNote: one\n")
    (toy.slides / "appendix").mkdir()
    (toy.slides / "appendix" / "01-backup.md").write_text(
        f"# Backup\n\n[counter.py](../../pkg/{toy.package.name}/counter.py)\n\nNote: more\n"
    )
    (toy.slides / "talk.toml").write_text("slot_minutes = 25\n")
    counter = [toy.demo("counter")]
    builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=counter)
    (toy.slides / "talk.toml").unlink()
    (toy.slides / "appendix" / "01-backup.md").unlink()
    toy.write("01-first.md", f"# First\n\n{toy.link('counter.py')}\n\nNote: one\n")
    builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=counter)


@pytest.mark.fast
def test_the_talk_fits_its_slot_with_two_minutes_to_spare() -> None:
    """The real deck, by the model: the core at most 23 minutes of a 25-minute slot."""
    slot = identity.slot(catalog.SLIDES_DIR)
    result = plan.planned(catalog.SLIDES_DIR, catalog.demos(), ASSETS_DIR, Path("/nonexistent"))
    assert slot.minutes == 25
    assert result.total_s <= 23 * 60, result.sections_s
    deck = slides.read(slides.section_files(catalog.SLIDES_DIR), catalog.demos(), ASSETS_DIR)
    slides.check_code_size(deck.cells)  # the core's code slides: 12 lines of 64 at most
    code = [s for s in result.core if s.demo_id is not None]
    assert all(s.run_s >= MODEL.run_s for s in code)  # each Run counted


def test_talk_pace_prints_the_core_time_the_sections_and_the_constants() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runner.cli", "pace"], capture_output=True, text=True, check=True
    )
    out = done.stdout
    total = re.search(r"^The core talk: (\d+\.\d) min by the model for a 25-minute slot", out, re.M)
    assert total and float(total[1]) <= 23, out
    for section in identity.slot(catalog.SLIDES_DIR).shares:
        row = rf"^{section} +[\d.]+ +\d+ +\d+ +\d+\.\d min +(-|\d+\.\d min) +\d+\.\d min$"
        assert re.search(row, out, re.M), section
    for name, value, unit, _ in pacing.constants():
        assert f"  {name} = {value:g} {unit}: " in out
    assert "appendix (not in the talk's time):" in out
