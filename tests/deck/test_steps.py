"""Stepping through code: each click of the clicker brightens the next lines of a demo
and dims the rest; the last step, "all", shows every line again."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.harness.preview import serving

pytestmark = pytest.mark.browser

GO_TO_DEMO = """(id) => {
  const slide = document.querySelector(`.demo[data-demo-id="${id}"]`).closest('section');
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
}"""
# The line numbers shown at full strength, and how many lines there are.
BRIGHT = """() => {
  const lines = [...Reveal.getCurrentSlide().querySelectorAll('.demo-code pre > span[id]')];
  const bright = lines.filter((line) => getComputedStyle(line).opacity === '1');
  return [bright.map((line) => Number(line.id.split('-').pop())), lines.length];
}"""


@pytest.fixture(scope="module")
def page(browser: Browser, unrecorded_talk: Path) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    with serving(unrecorded_talk) as url:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        yield page
    context.close()


def bright_after_transition(page: Page) -> tuple[list[int], int]:
    page.wait_for_timeout(300)  # the dimming fades in 0.2 s
    bright, count = page.evaluate(BRIGHT)
    return bright, count


def test_the_clicker_steps_through_gathers_lines_then_shows_them_all(page: Page) -> None:
    page.evaluate(GO_TO_DEMO, "gather")  # its link ends in {5-7|10-12|all}
    slide = page.evaluate("() => Reveal.getIndices()")
    bright, count = bright_after_transition(page)
    assert len(bright) == count > 12  # before the first click: every line
    page.keyboard.press("PageDown")
    assert bright_after_transition(page)[0] == [5, 6, 7]
    page.keyboard.press("PageDown")
    assert bright_after_transition(page)[0] == [10, 11, 12]
    page.keyboard.press("PageDown")
    assert bright_after_transition(page)[0] == list(range(1, count + 1))
    page.keyboard.press("PageUp")
    assert bright_after_transition(page)[0] == [10, 11, 12]
    assert page.evaluate("() => Reveal.getIndices()")["v"] == slide["v"]
