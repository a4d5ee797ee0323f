"""The slot: the core path fits slides/talk.toml's minutes, or the build names what is over.

Pacing is words: 140 words of notes are one minute, so these decks are sized by
how many words their notes hold.
"""

import json
import re
from pathlib import Path

import pytest

from runner.deck import builder
from runner.deck.builder import DeckError
from tests.harness.toy_deck import ToyDeck

SLOT = "slot_minutes = 3\n\n[sections]\n01-first = 2\n02-second = 1\n"


def build(toy: ToyDeck) -> Path:
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos)


def notes(minutes: float) -> str:
    return "word " * round(minutes * 140)


def sections(toy: ToyDeck, first_minutes: float, second_minutes: float) -> None:
    toy.write(
        "01-first.md",
        f"# First\n\nAbout {{{{ minutes }}}} minutes.\n\nNote: {notes(first_minutes)}\n\n"
        f"## Code\n\n{toy.link('hello.py')}\n\nNote: hello\n",
    )
    toy.write(
        "02-second.md",
        f"# Second\n\n{toy.link('counter.py')}\n\nNote: {notes(second_minutes)}\n\n"
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
    assert reveal_total(html) == 120
    assert "About 2 minutes." in html
    slides = re.split(r"(?=<section[ >])", html)
    closing = next(i for i, s in enumerate(slides) if "Thank you!" in s)
    assert 'class="talk-closing"' in slides[closing] and "talk-identity" in slides[closing]
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
