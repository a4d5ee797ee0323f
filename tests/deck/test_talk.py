"""The real talk: slides/ builds, keeps the source talk's outline, shows every demo once."""

import html
import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from runner.deck import builder, catalog, identity

pytestmark = pytest.mark.fast

# The outline of the talk this deck was made from: every `#` and `##` heading of its
# Markdown source, outside code fences, in order.
SOURCE_OUTLINE = (
    "Overview",
    "Who is this for?",
    "What will be covered?",
    "Why should I care about this?",
    "Introduction to Asynchronous Programming",
    "Key Concepts",
    "Asynchronous Programming in Python",
    "So How Does Python (Conceptually) Do Concurrency?",
    "Applied Python Concurrency",
    "SQLAlchemy",
    "API Overview",
    "Asynchronous SQLAlchemy",
)


class _Headings(HTMLParser):
    """The text of every h1-h3 in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3"):
            self._depth += 1
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3"):
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.found[-1] += data


def normalised(text: str) -> str:
    """Lower case letters and digits only, so markup, accents and punctuation never matter."""
    plain = unicodedata.normalize("NFKD", text).casefold()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def matches(heading: str, shown: set[str]) -> bool:
    """Found as it is, or with a typo fixed: at most two letters differ."""
    wanted = normalised(heading)
    return any(wanted == h or (len(wanted) > 8 and _distance(wanted, h) <= 2) for h in shown)


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@pytest.fixture(scope="module")
def talk(unrecorded_talk: Path) -> Path:
    return unrecorded_talk / "index.html"


def test_the_talk_builds_into_a_notebook_of_its_demos_in_talk_order(talk: Path) -> None:
    nb = nbformat.read(talk.parent / "talk.ipynb", as_version=4)
    assert nb.cells[0].metadata.slideshow.slide_type == "slide"
    shown = [cell.metadata.demo.id for cell in nb.cells if cell.cell_type == "code"]
    assert shown == catalog.ids()


def test_every_heading_of_the_source_talk_is_in_the_deck(talk: Path) -> None:
    parser = _Headings()
    parser.feed(talk.read_text())
    shown = {normalised(h) for h in parser.found}
    missing = [h for h in SOURCE_OUTLINE if not matches(h, shown)]
    assert missing == []


def test_every_catalog_demo_is_shown_by_exactly_one_code_slide(talk: Path) -> None:
    shown = Counter(re.findall(r'<div class="demo" data-demo-id="([^"]+)"', talk.read_text()))
    assert shown == Counter(catalog.ids())


def test_every_slide_has_a_budget_and_the_advertised_length_is_the_cores(talk: Path) -> None:
    html = talk.read_text()
    core, _, backup = html.partition('<section data-visibility="uncounted">')
    budgets = [int(t) for t in re.findall(r'<section[^>]* data-timing="(\d+)"', core)]
    assert len(budgets) == core.count("<section") - core.count("<section>\n<section")
    total = int(re.findall(r'"totalTime": (\d+)', html)[0])
    assert all(b > 0 for b in budgets) and sum(budgets) == total
    advertised = {int(n) for n in re.findall(r"about (\d+) minutes", html)}
    assert advertised == {round(total / 60)}
    assert total <= identity.slot(builder.SLIDES_DIR).minutes * 60  # type: ignore[operator]
    assert backup, "the talk has an appendix after its closing slide"


def test_the_title_and_closing_slides_say_who_when_where_from_talk_toml(talk: Path) -> None:
    who = identity.load(builder.SLIDES_DIR)
    slides = re.split(r"<section[ >]", talk.read_text())
    closing = next(i for i, slide in enumerate(slides) if "talk-closing" in slide)
    assert "Thank you!" in slides[closing]
    values = {"speaker": who.speaker, "date": who.date, "venue": who.venue}
    values["repository"] = who.repository
    for slide in (slides[2], slides[closing]):
        for name, value in values.items():  # a placeholder is left out, never shown
            assert (html.escape(value) in slide) == (name not in who.placeholders), name


def test_every_code_slide_whose_notes_point_at_something_steps_through_its_code(
    talk: Path,
) -> None:
    nb = nbformat.read(talk.parent / "talk.ipynb", as_version=4)
    unstepped = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        notes = next(
            (c.source for c in nb.cells[index + 1 :] if c.metadata.slideshow.slide_type == "notes"),
            "",
        )
        if "point at" in notes.lower() and not cell.metadata.demo.steps:
            unstepped.append(cell.metadata.demo.id)
    assert unstepped == []
