"""Fit by construction: every slide of the talk, at 1280x720 and 1024x768, with its
recording and during a live run, shows its whole code and output, with nothing
overlapping and nothing outside the slide. A slide that breaks this is named."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from demos import catalog
from runner.service.app import create_app
from runner.settings import Settings
from tests.harness.runner import LiveRunner

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 720), (1024, 768)]
MIN_CODE_PX = 20  # on screen at 1280x720: legible from the back of the room

# Every slide in turn, the appendix's included (Reveal.getSlides() leaves its uncounted
# slides out), shown as the audience sees it, with what fit.js finds wrong.
WALK = """() => [...document.querySelectorAll('.reveal .slides section:not(.stack)')]
  .map((slide) => {
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  const code = slide.querySelector('.demo .highlight pre');
  return {
    name: `${where.h}/${where.v} "${TalkFit.title(slide)}"`,
    problems: TalkFit.problems(slide),
    codePx: code ? parseFloat(getComputedStyle(code).fontSize) * Reveal.getScale() : null,
  };
})"""
DEMO_SLIDES = """() => [...document.querySelectorAll('.demo[data-demo-id]')]
  .map((demo) => demo.dataset.demoId)"""
GO_TO_DEMO = """(id) => {
  const slide = document.querySelector(`.demo[data-demo-id="${id}"]`).closest('section');
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  return `${where.h}/${where.v} "${TalkFit.title(slide)}"`;
}"""
PROBLEMS_HERE = "() => TalkFit.problems(Reveal.getCurrentSlide())"


@pytest.fixture(scope="module")
def served(recorded_talk: Path, mysql_url: str) -> Iterator[str]:
    """The talk with every demo's recording, as it is presented, with its runner on the
    test database, so Run streams live output into the slides."""
    app = create_app(settings=Settings(database_url=mysql_url), deck_dir=recorded_talk)
    with LiveRunner(app) as runner:
        yield runner.url + "/"


def open_deck(browser: Browser, url: str, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.TalkFit")
    return page


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_every_slide_fits_with_its_recording(
    browser: Browser, served: str, width: int, height: int
) -> None:
    page = open_deck(browser, served, width, height)
    slides = page.evaluate(WALK)
    page.context.close()
    assert len(slides) >= 20
    assert {s["name"]: s["problems"] for s in slides if s["problems"]} == {}
    if width == 1280:
        small = {s["name"]: s["codePx"] for s in slides if (s["codePx"] or 99) < MIN_CODE_PX}
        assert small == {}


def test_every_slide_fits_during_and_after_a_live_run(browser: Browser, served: str) -> None:
    """Also the one test that runs every demo of the talk through the runner: each exits 0."""
    page = open_deck(browser, served, 1280, 720)
    found: dict[str, list[str]] = {}
    ends: dict[str, str] = {}
    for demo_id in page.evaluate(DEMO_SLIDES):
        name = page.evaluate(GO_TO_DEMO, demo_id)
        demo = f'.demo[data-demo-id="{demo_id}"]'
        page.keyboard.press("r")
        page.wait_for_selector(f'{demo} .demo-output[data-source="live"]', timeout=30_000)
        found[f"{name} running"] = page.evaluate(PROBLEMS_HERE)
        ends[demo_id] = page.locator(f"{demo} .demo-status").inner_text(timeout=30_000)
        found[f"{name} finished"] = page.evaluate(PROBLEMS_HERE)
    page.context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
    assert sorted(ends) == sorted(catalog.ids())
    assert {i: end for i, end in ends.items() if not end.startswith("exit 0 · ")} == {}
