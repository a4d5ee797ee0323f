"""Fit by construction: every slide of the talk, at 1280x720 and 1024x768, with its
recording and during a live run, shows its whole code and output, with nothing
overlapping and nothing outside the slide; and so does every demo run live on a deck
built without recordings, as on a fresh clone. A slide that breaks this is named.

The database is the session's: the SQLite fallback with nothing set, the server
TALK_DATABASE_URL names otherwise (CI runs both)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from demos.connection import FALLBACK_NOTICE
from runner.deck import catalog
from runner.service.app import create_app
from runner.settings import Settings
from tests.harness.database import SessionDatabase
from tests.harness.grid import MAX_COLUMNS, MAX_LINES, MIN_CODE_PX
from tests.harness.runner import LiveRunner

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 720), (1024, 768)]

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
    size: code ? ((lines) => [lines.length, Math.max(...lines.map((l) => l.length))])(
      code.textContent.replace(/\\n$/, '').split('\\n')) : null,
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
RUN_OVER = """(id) => {
  const demo = document.querySelector(`.demo[data-demo-id="${id}"]`);
  return talkRunner.state(talkRunner.indexOf(demo)).phase !== 'running';
}"""
# What a demo's slide shows, for a run that did not start: which slide is current, the
# demo's state and its status line.
SLIDE_SAYS = """(id) => {
  const demo = document.querySelector(`.demo[data-demo-id="${id}"]`);
  const state = talkRunner.state(talkRunner.indexOf(demo));
  const status = demo.querySelector('.demo-status');
  return {current: TalkFit.title(Reveal.getCurrentSlide()), phase: state.phase,
          status: status ? status.innerText : null};
}"""
# The first line printed, and how many rows it takes on the slide (runner.js: a span a line).
FIRST_LINE = """(id) => {
  const first = document.querySelector(`.demo[data-demo-id="${id}"] .demo-stream > span`);
  const rows = [...first.getClientRects()].filter((row) => row.width > 0);  // not its "\\n"
  return [first.textContent.replace(/\\n$/, ''), rows.length];
}"""
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="module")
def served(recorded_talk: Path, database_url: str) -> Iterator[str]:
    """The talk with every demo's recording, as it is presented, with its runner on the
    test database, so Run streams live output into the slides."""
    app = create_app(settings=Settings(database_url=database_url), deck_dir=recorded_talk)
    with LiveRunner(app) as runner:
        yield runner.url + "/"


@pytest.fixture(scope="module")
def bare_served(unrecorded_talk: Path, database_url: str) -> Iterator[str]:
    """The talk built without recordings, as a fresh clone has it, with its runner."""
    with LiveRunner(create_app(deck_dir=unrecorded_talk)) as runner:
        yield runner.url + "/"


def run_live(page: Page, demo_id: str) -> None:
    """Press R on the demo's slide and wait for its live output; if none comes, fail with
    what the slide says instead."""
    page.keyboard.press("r")
    try:
        page.wait_for_selector(
            f'.demo[data-demo-id="{demo_id}"] .demo-output[data-source="live"]', timeout=30_000
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"{demo_id}: no live output 30 s after R; {page.evaluate(SLIDE_SAYS, demo_id)}")


def within_limit(lines: int, columns: int) -> bool:
    return lines <= MAX_LINES and columns <= MAX_COLUMNS


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
    if width == 1280:  # an excerpt within the talk's limit shows at 24 px (the grid's size)
        sizes = {s["name"]: s["size"] for s in slides if s["size"]}
        within = [s for s in slides if s["name"] in sizes and within_limit(*sizes[s["name"]])]
        small = {s["name"]: s["codePx"] for s in within if s["codePx"] < MIN_CODE_PX - 0.05}
        assert small == {}


def test_every_slide_fits_during_and_after_a_live_run(browser: Browser, served: str) -> None:
    """Also the one test that runs every demo of the talk through the runner: each exits 0."""
    page = open_deck(browser, served, 1280, 720)
    found: dict[str, list[str]] = {}
    ends: dict[str, str] = {}
    for demo_id in page.evaluate(DEMO_SLIDES):
        name = page.evaluate(GO_TO_DEMO, demo_id)
        demo = f'.demo[data-demo-id="{demo_id}"]'
        run_live(page, demo_id)
        found[f"{name} running"] = page.evaluate(PROBLEMS_HERE)
        ends[demo_id] = page.locator(f"{demo} .demo-status").inner_text(timeout=30_000)
        found[f"{name} finished"] = page.evaluate(PROBLEMS_HERE)
    page.context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
    assert sorted(ends) == sorted(catalog.ids())
    assert {i: end for i, end in ends.items() if not end.startswith("exit 0 · ")} == {}


def test_every_demo_run_live_without_a_recording_fits_at_both_sizes(
    browser: Browser, bare_served: str, session_database: SessionDatabase
) -> None:
    page = open_deck(browser, bare_served, *VIEWPORTS[0])
    found: dict[str, list[str]] = {}
    first_lines: dict[str, list[object]] = {}
    for demo_id in page.evaluate(DEMO_SLIDES):
        name = page.evaluate(GO_TO_DEMO, demo_id)
        output = f'.demo[data-demo-id="{demo_id}"] .demo-output'
        assert page.get_attribute(output, "data-source") == "none"
        run_live(page, demo_id)
        page.wait_for_function(RUN_OVER, arg=demo_id, timeout=60_000)
        first_lines[demo_id] = page.evaluate(FIRST_LINE, demo_id)
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate(TWO_FRAMES)
            found[f"{name} at {width}x{height}"] = page.evaluate(PROBLEMS_HERE)
        page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
    page.context.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
    if session_database.fallback is not None:  # the newcomer's first database Run says where,
        database_demos = [d.id for d in catalog.demos() if d.needs_database]  # in one row
        wrong = {
            d: first_lines[d] for d in database_demos if first_lines[d] != [FALLBACK_NOTICE, 1]
        }
        assert wrong == {}
