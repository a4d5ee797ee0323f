"""A flood on the slide: the deck in Chromium draws a runaway demo without freezing.

What is asserted holds on a busy machine: the page keeps at most a window of the
last lines (never the 10,000), says how many it hides, ends with the run's status,
and Stop still works in the middle of an endless flood. How fast (exit to status,
the longest main-thread task) is measured by `talk bench --only rendering`.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from benchmarks.flood_lines import LINES
from tests.harness import stage
from tests.harness.runner import running_fixture_demos, wait_until

pytestmark = pytest.mark.browser

WINDOW_LINES = 200
WINDOW_CHARS = 20_000 + 2_000  # the text kept, give or take the line that crosses it
# The most line elements the output box ever held, sampled at every change to it.
WATCH_SIZE = """(index) => {
  const demo = document.querySelectorAll('.demo[data-demo-id]')[index];
  const stream = demo.querySelector('.demo-stream');
  window.mostLines = stream.childElementCount;
  new MutationObserver(() => {
    window.mostLines = Math.max(window.mostLines, stream.childElementCount);
  }).observe(stream, { childList: true });
}"""


def output_of(page: Page, demo_id: str) -> dict[str, object]:
    result: dict[str, object] = page.evaluate(
        """(id) => {
          const output = document.querySelector(`.demo[data-demo-id="${id}"] .demo-output`);
          const stream = output.querySelector('.demo-stream');
          const hidden = output.querySelector('.demo-hidden');
          return {
            lines: stream.childElementCount,
            chars: stream.textContent.length,
            last: stream.lastElementChild ? stream.lastElementChild.textContent : null,
            hidden: hidden && !hidden.hidden ? hidden.textContent : null,
            status: output.closest('.demo').querySelector('.demo-status').textContent,
          };
        }""",
        demo_id,
    )
    return result


def test_ten_thousand_lines_end_with_the_status_and_only_the_last_lines_in_the_page(
    page: Page, stage_url: str
) -> None:
    index = stage.open_demo(page, stage_url, "flood-lines")
    page.evaluate(WATCH_SIZE, index)
    page.locator('.demo[data-demo-id="flood-lines"] .demo-run').click()
    state = stage.wait_for_end(page, index)

    assert state["total"] == LINES
    shown = output_of(page, "flood-lines")
    assert str(shown["status"]).startswith("exit 0 · ")
    assert shown["lines"] == WINDOW_LINES
    assert shown["last"] == f"line {LINES}\n"
    assert shown["hidden"] == f"{LINES - WINDOW_LINES} earlier lines hidden"
    assert page.evaluate("() => window.mostLines") <= WINDOW_LINES


def test_a_megabyte_of_long_lines_is_cut_and_the_page_keeps_a_bounded_window(
    page: Page, stage_url: str
) -> None:
    index = stage.open_demo(page, stage_url, "flood-megabyte")
    page.evaluate(WATCH_SIZE, index)
    page.locator('.demo[data-demo-id="flood-megabyte"] .demo-run').click()
    stage.wait_for_end(page, index)

    shown = output_of(page, "flood-megabyte")
    assert "output cut short" in str(shown["status"])
    assert 0 < int(str(shown["lines"])) <= WINDOW_LINES
    assert int(str(shown["chars"])) <= WINDOW_CHARS
    assert str(shown["hidden"]).endswith(" earlier lines hidden")
    assert page.evaluate("() => window.mostLines") <= WINDOW_LINES


def test_stop_can_be_clicked_in_the_middle_of_an_endless_flood(
    page: Page, stage_dir: Path, database_url: str
) -> None:
    # A cap far above what arrives before Stop: only Stop can end this run.
    with stage.serving(stage_dir, database_url, output_cap_bytes=512 * 1024 * 1024) as url:
        index = stage.open_demo(page, url, "flood")
        button = page.locator('.demo[data-demo-id="flood"] .demo-run')
        button.click()
        page.wait_for_function("(i) => talkRunner.state(i).total > 5000", arg=index)
        assert talkrunner_phase(page, index) == "running"

        button.click(timeout=10_000)  # Stop, while lines still pour in
        state = stage.wait_for_end(page, index, timeout_ms=10_000)
        assert state["status"] == {"text": "stopped", "kind": "info"}
        assert button.inner_text().strip() == "Run"
        assert output_of(page, "flood")["lines"] == WINDOW_LINES
        assert wait_until(lambda: not running_fixture_demos(), 5), running_fixture_demos()


def talkrunner_phase(page: Page, index: int) -> str:
    phase: str = page.evaluate("(i) => talkRunner.state(i).phase", index)
    return phase
