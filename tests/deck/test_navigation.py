"""Clicker-proof navigation: next and previous visit every slide, in order, to the close.

A presenter's remote sends ArrowRight/PageDown (and their opposites) only; with
reveal.js's default mode those skip a section's vertical slides. The talk ends at
its closing slide: next stops there, and the appendix after it (uncounted backup
slides) is reached from the overview or its URL. The overview and per-slide URLs
must keep working as before.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.harness.preview import serving

pytestmark = pytest.mark.browser

WHERE = "() => { const i = Reveal.getIndices(); return `${i.h}/${i.v}`; }"
EVERY_SLIDE = """() => Reveal.getSlides().map((slide) => {
  const i = Reveal.getIndices(slide);
  return `${i.h}/${i.v}`;
})"""


@pytest.fixture(scope="module")
def deck_url(unrecorded_talk: Path) -> Iterator[str]:
    with serving(unrecorded_talk) as url:
        yield url


def open_deck(page: Page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    slides: list[str] = page.evaluate(EVERY_SLIDE)
    return slides


def visit_by_key(page: Page, key: str, until_last: str) -> list[str]:
    """Each slide the deck shows while key is pressed until until_last holds, the start first.

    Code steps are fragments, so a slide may take several presses: each slide is listed
    once, however many presses it took.
    """
    seen = [page.evaluate(WHERE)]
    presses = 0
    while not page.evaluate(until_last):
        page.keyboard.press(key)
        presses += 1
        assert presses < 1000, f"{key} never reached the end: stuck at {seen[-1]}"
        where = page.evaluate(WHERE)
        if where != seen[-1]:
            seen.append(where)
    return seen


AT_THE_END = """() => Reveal.getCurrentSlide().classList.contains("talk-closing")
  && !Reveal.availableFragments().next"""
NUMBER = """() => document.querySelector('.reveal > .slide-number').textContent
  .replace(/\\s+/g, ' ').trim()"""
NEXT_ARROWS_SHOWN = """() => [...document.querySelectorAll('.navigate-right, .navigate-down')]
  .filter((arrow) => arrow.classList.contains('enabled')
    && getComputedStyle(arrow).visibility === 'visible')
  .map((arrow) => arrow.className)"""
AT_THE_START = "() => Reveal.isFirstSlide() && !Reveal.availableFragments().prev"


@pytest.mark.parametrize("forward, back", [("ArrowRight", "ArrowLeft"), ("PageDown", "PageUp")])
def test_next_visits_every_slide_in_order_and_previous_returns(
    page: Page, deck_url: str, forward: str, back: str
) -> None:
    slides = open_deck(page, deck_url)
    total = page.evaluate("() => Reveal.getTotalSlides()")
    assert len(slides) == total > 20
    assert page.evaluate(WHERE) == "0/0"

    assert visit_by_key(page, forward, AT_THE_END) == slides
    for key in (forward, "PageDown", " ", "n"):  # the clicker stays on the closing slide
        page.keyboard.press(key)
        assert page.evaluate(WHERE) == slides[-1]
    assert page.evaluate(NUMBER) == f"{total} / {total}"
    # and no arrow on the screen leads on from it
    assert page.evaluate(NEXT_ARROWS_SHOWN) == []
    assert visit_by_key(page, back, AT_THE_START) == slides[::-1]


def test_the_appendix_is_uncounted_and_reached_by_its_url_and_the_overview(
    page: Page, deck_url: str
) -> None:
    counted = open_deck(page, deck_url)  # Reveal.getSlides(): uncounted ones left out
    everything = page.evaluate(
        "() => Array.from(document.querySelectorAll('.slides section:not(.stack)'))"
        ".map((s) => { const i = Reveal.getIndices(s); return `${i.h}/${i.v}`; })"
    )
    backup = everything[len(counted) :]
    assert backup and everything[: len(counted)] == counted
    page.goto(deck_url + "#/" + backup[0])
    page.wait_for_function(f"() => ({WHERE})() === {backup[0]!r}")
    assert page.evaluate("() => Reveal.getCurrentSlide().classList.contains('appendix')")
    assert page.evaluate(NUMBER) == "A1"  # numbered apart from the talk's own slides
    page.keyboard.press("PageDown")  # inside the appendix, next walks on
    assert page.evaluate(WHERE) == backup[1]
    assert page.evaluate(NUMBER) == "A2"
    assert page.evaluate(NEXT_ARROWS_SHOWN) != []

    page.goto(deck_url + "#/" + counted[-1])
    page.wait_for_function(f"() => ({WHERE})() === {counted[-1]!r}")
    page.keyboard.press("Escape")
    page.wait_for_function("() => Reveal.isOverview()")
    page.keyboard.press("ArrowRight")  # in the overview, the appendix is one step on
    page.keyboard.press("Escape")
    page.wait_for_function("() => !Reveal.isOverview()")
    assert page.evaluate(WHERE) in backup


def test_a_slide_url_opens_that_slide_and_the_overview_still_works(
    page: Page, deck_url: str
) -> None:
    slides = open_deck(page, deck_url)
    deep = next(s for s in slides if s.split("/")[1] == "1" and _below(s) in slides)
    page.goto(deck_url + "#/" + deep)
    page.wait_for_function("(where) => location.hash === '#/' + where", arg=deep)
    page.wait_for_function(f"() => ({WHERE})() === {deep!r}")

    page.keyboard.press("Escape")
    page.wait_for_function("() => Reveal.isOverview()")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    page.wait_for_function("() => !Reveal.isOverview()")
    assert page.evaluate(WHERE) == _below(deep)
    page.keyboard.press("ArrowRight")
    assert page.evaluate(WHERE) == slides[slides.index(_below(deep)) + 1]


def _below(where: str) -> str:
    h, v = where.split("/")
    return f"{h}/{int(v) + 1}"
