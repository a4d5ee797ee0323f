"""The built talk in headless Chromium: it starts offline, every slide is reachable,
has notes and keeps its code inside, and the speaker view paces the talk."""

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.harness.preview import serving

pytestmark = pytest.mark.browser

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Visits every slide; for each, what a presenter would trip over.
WALK_SLIDES = """() => {
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  return Reveal.getSlides().map((slide) => {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v);
    Reveal.layout();
    const boxes = [...slide.querySelectorAll('.highlight, .demo-output')].map((box) => {
      const rect = box.getBoundingClientRect();
      const style = getComputedStyle(box);
      return {
        inside: rect.bottom <= frame.bottom + 1 && rect.right <= frame.right + 1,
        fits: box.scrollHeight <= box.clientHeight + 1
          || ['auto', 'scroll'].includes(style.overflowY),
      };
    });
    return {
      where: `${where.h}/${where.v}`,
      reached: Reveal.getCurrentSlide() === slide,
      notes: (Reveal.getSlideNotes(slide) || '').trim().length,
      boxes,
    };
  });
}"""


@pytest.fixture(scope="module")
def deck_url(recorded_talk: Path) -> Iterator[str]:
    """The talk with recorded output, so output boxes hold real text, served on loopback."""
    with serving(recorded_talk) as url:
        yield url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


def open_deck(context: BrowserContext, url: str, requests: list[str]) -> Page:
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    return page


def foreign_hosts(requests: list[str]) -> set[str]:
    """Hosts other than this machine that the page asked for (about: and data: have none)."""
    return {host for url in requests if (host := urlsplit(url).hostname)} - LOOPBACK


def test_every_slide_is_reachable_has_notes_and_keeps_its_code_inside(
    context: BrowserContext, deck_url: str
) -> None:
    requests: list[str] = []
    page = open_deck(context, deck_url, requests)
    slides = page.evaluate(WALK_SLIDES)
    assert len(slides) >= 20
    assert [s["where"] for s in slides if not s["reached"]] == []
    assert [s["where"] for s in slides if s["notes"] == 0] == []
    overflowing = [
        s["where"] for s in slides if not all(b["inside"] and b["fits"] for b in s["boxes"])
    ]
    assert overflowing == []
    # The code's size is the grid's to keep: tests/deck/test_fit.py and test_engines.py.
    assert foreign_hosts(requests) == set(), requests


def test_at_1920x1080_the_slide_scales_up_and_nothing_spills(
    browser: Browser, deck_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        page = open_deck(context, deck_url, [])
        slides = page.evaluate(WALK_SLIDES)
        assert page.evaluate("() => Reveal.getScale()") == pytest.approx(1.5, abs=0.1)
    finally:
        context.close()
    assert [
        s["where"] for s in slides if not all(b["inside"] and b["fits"] for b in s["boxes"])
    ] == []


def test_the_speaker_view_shows_notes_the_next_slide_and_paces_the_talk(
    context: BrowserContext, deck_url: str
) -> None:
    requests: list[str] = []
    page = open_deck(context, deck_url, requests)
    first_notes = page.evaluate("() => Reveal.getSlideNotes(Reveal.getCurrentSlide())")
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    notes = speaker.locator(".speaker-controls-notes .value")
    notes.wait_for()
    first_words = re.sub(r"<[^>]+>", " ", first_notes).split()[:6]
    assert first_words and " ".join(first_words) in " ".join(notes.inner_text().split())
    speaker.locator("#upcoming-slide iframe").wait_for(state="attached")
    pacing = speaker.locator(".speaker-controls-time .pacing")
    pacing.wait_for(state="visible")  # shown only when reveal found slide timings
    assert speaker.locator(".pacing-title").is_visible()
    assert foreign_hosts(requests) == set(), requests
