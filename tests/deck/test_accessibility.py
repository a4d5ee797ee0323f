"""The deck for people who use a keyboard, a screen reader or reduced motion, in Chromium:
axe-core (npm, served from node_modules as a file of the deck's own origin) finds no
violation on any slide, the appendix's too, or in the speaker view; only the slide on
screen takes focus; Space on a focused Run runs the demo instead of moving on; output is a
polite log; and with reduced motion nothing on the deck moves."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from runner.settings import PROJECT_ROOT
from tests.harness.pages import GO_TO_DEMO
from tests.harness.preview import serving

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
EVERY_SLIDE = """async () => {
  const found = {};
  for (const slide of document.querySelectorAll('.reveal .slides section:not(.stack)')) {
    const where = Reveal.getIndices(slide);
    Reveal.slide(where.h, where.v, Number.MAX_SAFE_INTEGER);
    const result = await axe.run(slide, { resultTypes: ['violations'] });
    const violations = result.violations.map((v) => `${v.id}: ${v.nodes[0].target}`);
    if (violations.length) found[`${where.h}/${where.v}`] = violations;
  }
  return found;
}"""
WHERE = "() => { const i = Reveal.getIndices(); return `${i.h}/${i.v}`; }"
FOCUSED_SLIDE = """() => {
  const slide = document.activeElement.closest('section:not(.stack)');
  return slide === Reveal.getCurrentSlide();
}"""
MOVING = """() => [...document.querySelectorAll('.reveal *')].filter((node) => {
  const style = getComputedStyle(node);
  const seconds = (value) => Math.max(...value.split(',').map((v) => parseFloat(v) || 0));
  return seconds(style.transitionDuration) > 0 || seconds(style.animationDuration) > 0;
}).map((node) => node.className).slice(0, 5)"""


@pytest.fixture(scope="module")
def deck_url(recorded_talk: Path) -> Iterator[str]:
    with serving(recorded_talk) as url:
        yield url


def open_deck(browser: Browser, url: str, **options: object) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 720}, **options).new_page()
    page.route("**/axe.min.js", lambda route: route.fulfill(path=AXE))
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.talkRunner")
    return page


def test_axe_finds_no_violation_on_any_slide(browser: Browser, deck_url: str) -> None:
    page = open_deck(browser, deck_url)
    page.add_script_tag(url=deck_url + "axe.min.js")
    found = page.evaluate(EVERY_SLIDE)
    page.context.close()
    assert found == {}


def test_tab_stays_on_the_slide_and_space_presses_run(browser: Browser, deck_url: str) -> None:
    page = open_deck(browser, deck_url)
    where = page.evaluate(GO_TO_DEMO, "await-run")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_SLIDE)
    page.focus('.demo[data-demo-id="await-run"] .demo-run')
    page.keyboard.press(" ")
    assert page.evaluate(WHERE) == where  # the slide stayed
    demo = '.demo[data-demo-id="await-run"]'
    # Run was pressed: with no runner behind this static copy, it says so.
    page.wait_for_selector(f"{demo} .demo-status", timeout=30_000)
    assert page.get_attribute(f"{demo} .demo-stream", "role") == "log"
    assert page.get_attribute(f"{demo} .demo-stream", "aria-live") == "polite"
    page.context.close()


def test_reduced_motion_stops_everything_moving(browser: Browser, deck_url: str) -> None:
    page = open_deck(browser, deck_url, reduced_motion="reduce")
    page.evaluate(GO_TO_DEMO, "gather")
    page.keyboard.press("ArrowRight")  # a step: the lines' dimming would fade
    assert page.evaluate(MOVING) == []
    page.context.close()


SPEAKER_VIEW = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
}"""


def test_axe_finds_no_violation_in_the_speaker_view(browser: Browser, deck_url: str) -> None:
    """The presenter's own window (S), as reveal.js draws it with the names, landmarks,
    heading and timer colours assets/runner/speaker.js gives it."""
    page = open_deck(browser, deck_url)
    page.evaluate(GO_TO_DEMO, "gather")
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_function("() => document.getElementById('talk-run-status') !== null")
    for frame in speaker.frames[1:]:
        frame.wait_for_function("() => window.Reveal && Reveal.isReady()")
    speaker.add_script_tag(path=AXE)
    found = speaker.evaluate(SPEAKER_VIEW)
    page.context.close()
    assert found == [], "; ".join(found)
