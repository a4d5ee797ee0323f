"""Stepping through code: each click of the clicker brightens the next lines of a demo
and dims the rest; the last step, "all", shows every line again."""

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.harness.pages import GO_TO_DEMO
from tests.harness.preview import serving

pytestmark = pytest.mark.browser

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


def bright_once(page: Page, expected: list[int]) -> list[int]:
    """The lines at full strength once they are the expected ones, or as they are after
    10 s: the dimming fades in 0.2 s, later on a loaded machine."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            f"(expected) => JSON.stringify(({BRIGHT})()[0]) === JSON.stringify(expected)",
            arg=expected,
            timeout=10_000,
        )
    bright: list[int] = page.evaluate(BRIGHT)[0]
    return bright


def test_the_clicker_steps_through_gathers_lines_then_shows_them_all(page: Page) -> None:
    page.evaluate(GO_TO_DEMO, "gather")  # its link ends in {3-5|8-9|all}
    slide = page.evaluate("() => Reveal.getIndices()")
    every_line = list(range(1, 13))
    assert bright_once(page, every_line) == every_line  # before the first click
    assert page.evaluate(BRIGHT)[1] == 12
    page.keyboard.press("PageDown")
    assert bright_once(page, [3, 4, 5]) == [3, 4, 5]
    page.keyboard.press("PageDown")
    assert bright_once(page, [8, 9]) == [8, 9]
    page.keyboard.press("PageDown")
    assert bright_once(page, every_line) == every_line
    page.keyboard.press("PageUp")
    assert bright_once(page, [8, 9]) == [8, 9]
    assert page.evaluate("() => Reveal.getIndices()")["v"] == slide["v"]
