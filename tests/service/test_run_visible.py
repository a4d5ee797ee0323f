"""A run the room can see: the recording goes aside at once, a running line counts the
seconds, the code does not move, and the end is large; a run that never got going
gives the recording back, with one line saying why."""

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.harness import stage
from tests.harness.runner import running_fixture_demos, wait_until

pytestmark = pytest.mark.browser

MIN_STATUS_PX = 16  # on screen at 1280x720: readable, and quieter than the output
# Clicks Run and reports, in the same task, what the slide shows: no paint or
# timer can come between, so "at once" is a property, not a stopwatch figure.
CLICK_AND_LOOK = """(id) => {
  const demo = document.querySelector(`.demo[data-demo-id="${id}"]`);
  demo.querySelector('.demo-run').click();
  const output = demo.querySelector('.demo-output');
  const progress = demo.querySelector('.demo-progress');
  const note = demo.querySelector('.demo-recorded-note');
  return {
    stream: output.querySelector('.demo-stream').textContent,
    source: output.dataset.source,
    noteShown: Boolean(note && !note.hidden),
    progress: progress ? progress.textContent : null,
  };
}"""
# Samples the code box's place at every frame until the run ends.
WATCH_CODE_BOX = """(id) => {
  const box = document.querySelector(`.demo[data-demo-id="${id}"] .demo-code`);
  const place = () => {
    const r = box.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height].join(',');
  };
  window.codePlaces = new Set([place()]);
  const sample = () => {
    window.codePlaces.add(place());
    if (!window.stopWatching) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}"""
RECORDED_VIEW = """(id) => {
  const demo = document.querySelector(`.demo[data-demo-id="${id}"]`);
  const output = demo.querySelector('.demo-output');
  const note = demo.querySelector('.demo-recorded-note');
  const status = demo.querySelector('.demo-status');
  return {
    stream: output.querySelector('.demo-stream').textContent,
    source: output.dataset.source,
    noteShown: Boolean(note && !note.hidden),
    status: status ? status.textContent : null,
    statusLines: demo.querySelectorAll('.demo-status, .demo-progress').length,
    progress: demo.querySelector('.demo-progress') !== null,
  };
}"""


def recorded_view(page: Page, demo_id: str) -> dict[str, object]:
    view: dict[str, object] = page.evaluate(RECORDED_VIEW, demo_id)
    return view


def test_run_puts_the_recording_aside_at_once_counts_seconds_and_keeps_the_code_still(
    page: Page, stage_url: str
) -> None:
    index = stage.open_demo(page, stage_url, "late")
    before = recorded_view(page, "late")
    assert "late hello" in str(before["stream"]) and before["noteShown"]
    page.evaluate(WATCH_CODE_BOX, "late")

    at_click = page.evaluate(CLICK_AND_LOOK, "late")
    assert at_click == {
        "stream": "",
        "source": "live",
        "noteShown": False,
        "progress": "running · 0.0 s",
    }
    # The seconds advance while the demo is silent.
    page.wait_for_function(
        "() => /^running · (0\\.[1-9]|[1-9][0-9]*\\.[0-9]) s$/"
        ".test(document.querySelector('.demo[data-demo-id=late] .demo-progress').textContent)"
    )
    state = stage.wait_for_end(page, index)
    page.evaluate("() => { window.stopWatching = true; }")

    assert state["phase"] == "done"
    status = page.locator('.demo[data-demo-id="late"] .demo-status')
    assert re.fullmatch(r"exit 0 · \d+\.\d\d s", status.inner_text())
    assert page.locator('.demo[data-demo-id="late"] .demo-progress').count() == 0
    size, output_size = page.evaluate(
        "() => ['.demo-status', '.demo-stream'].map((part) => parseFloat(getComputedStyle("
        "document.querySelector(`.demo[data-demo-id=late] ${part}`)).fontSize) * Reveal.getScale())"
    )
    assert MIN_STATUS_PX <= size < output_size
    assert page.evaluate("() => window.codePlaces.size") == 1


def test_stop_before_any_output_gives_the_recording_back(page: Page, stage_url: str) -> None:
    index = stage.open_demo(page, stage_url, "late")
    recorded = recorded_view(page, "late")
    page.evaluate(CLICK_AND_LOOK, "late")
    assert wait_until(running_fixture_demos, 10), "the demo never started"

    page.locator('.demo[data-demo-id="late"] .demo-run').click()  # Stop
    state = stage.wait_for_end(page, index)

    assert state["total"] == len(str(recorded["stream"]).splitlines())
    assert recorded_view(page, "late") == recorded  # no "stopped" under it
    assert wait_until(lambda: not running_fixture_demos(), 5), running_fixture_demos()


def test_with_the_database_down_the_recording_stays_and_one_line_says_why(
    page: Page, stage_dir: Path
) -> None:
    with stage.serving(stage_dir, stage.DEAD_DATABASE_URL) as url:
        index = stage.open_demo(page, url, "engine-connect")
        page.wait_for_function(
            "() => document.querySelector('.runner-indicator .database-state')"
            ".dataset.up === 'false'"
        )
        recorded = recorded_view(page, "engine-connect")
        assert recorded["stream"] and recorded["noteShown"]

        page.locator('.demo[data-demo-id="engine-connect"] .demo-run').click()
        stage.wait_for_end(page, index)
        time.sleep(0.2)  # anything drawn late would be drawn by now
        shown = recorded_view(page, "engine-connect")

    assert shown["stream"] == recorded["stream"]
    assert shown["source"] == "recorded" and shown["noteShown"]
    assert shown["status"] == "Recorded: the database is unreachable"
    assert shown["statusLines"] == 1
    assert not shown["progress"]


def test_a_run_that_finds_the_database_down_gives_the_recording_back(
    page: Page, stage_dir: Path
) -> None:
    # The page learns nothing from its health poll until the run has been asked
    # for: the demo runs, fails, and only then does the deck ask why.
    run_requested = []
    page.on("request", lambda r: run_requested.append(r.url) if r.url.endswith("/run") else None)
    page.route(
        "**/api/health",
        lambda route: route.continue_() if run_requested else route.abort(),
    )
    with stage.serving(stage_dir, stage.DEAD_DATABASE_URL) as url:
        index = stage.open_demo(page, url, "engine-connect")
        page.wait_for_function(
            "() => document.querySelector('.runner-indicator .runner-state').dataset.up === 'false'"
        )
        recorded = recorded_view(page, "engine-connect")

        page.locator('.demo[data-demo-id="engine-connect"] .demo-run').click()
        state = stage.wait_for_end(page, index)
        shown = recorded_view(page, "engine-connect")

    assert run_requested
    assert state["exit"] is not None  # it did run, and failed
    assert shown["stream"] == recorded["stream"]
    assert shown["source"] == "recorded" and shown["noteShown"]
    assert shown["status"] == "Recorded: the database is unreachable"


def test_a_line_printed_in_two_parts_shows_as_one_line(page: Page, stage_url: str) -> None:
    index = stage.open_demo(page, stage_url, "pauses")
    page.locator('.demo[data-demo-id="pauses"] .demo-run').click()
    page.wait_for_function(
        "() => /waiting\\.\\.\\.$/.test(document.querySelector("
        "'.demo[data-demo-id=pauses] .demo-stream').textContent)"
    )
    state = stage.wait_for_end(page, index)
    spans = page.locator('.demo[data-demo-id="pauses"] .demo-stream > span')
    # stdout and stderr are two pipes: their order is the runner's reading, not fixed.
    assert sorted(spans.all_text_contents()) == ["first\n", "to stderr\n", "waiting... done\n"]
    assert state["total"] == 3
