"""The deck in Chromium, Firefox ESR and WebKitGTK, at 1280x720 and 1024x768: every slide
fits by fit.js's own check, every code slide keeps the grid (tests/harness/grid.py: code
at 24 px on screen at 1280x720, output at least as large and never broken inside a
number, nothing over either, Run in one place) with and without recordings, Run streams a
pure-asyncio demo and a database demo to exit 0, and the speaker view opens and follows
the deck.

The same checks, written once in JavaScript, run in each engine (tests/harness/engines.py).
Screenshots of the CPU-bound slide and of a running slide land in pytest's temporary
folder, under engine-screenshots*/, to be looked at.
"""

import json
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runner.service.app import create_app
from tests.conftest import unavailable
from tests.harness.engines import Engine, Window, launched, missing, wait_for
from tests.harness.grid import MAX_COLUMNS, MAX_LINES, MEASURE, MIN_CODE_PX, grid_faults
from tests.harness.pages import GO_TO_DEMO
from tests.harness.runner import LiveRunner, settings

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 720), (1024, 768)]
# A pure-asyncio demo and a database one, each printing a first line well before its end.
RUNS = {"blocking-call-fixed": "asyncio.sleep: it took", "payoff": "N = 10 queries"}

READY = """() => document.readyState === 'complete' && window.Reveal && Reveal.isReady()
  && window.TalkFit && window.talkRunner && document.documentElement.dataset.fitted === 'true'"""
# Every slide in turn, shown as the audience sees it, with what fit.js finds wrong.
WALK = """() => Reveal.getSlides().map((slide) => {
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  return { name: `${where.h}/${where.v} "${TalkFit.title(slide)}"`,
           problems: TalkFit.problems(slide) };
})"""
WHERE = "() => { const i = Reveal.getIndices(); return `${i.h}/${i.v}/${i.f}`; }"
SHOWS = f"(where) => ({WHERE})() === where"
NEXT_STEP = """() => {
  const i = Reveal.getIndices();
  return Reveal.availableFragments().next && `${i.h}/${i.v}/${i.f + 1}`;
}"""
LIT = """() => Array.from(Reveal.getCurrentSlide().querySelectorAll('.demo-line-on'),
  (line) => line.id).join(' ')"""
# True once a selector's box has stopped moving (the slide transition is over).
SETTLED = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const place = [box.x, box.y, box.width, box.height].join();
  const settled = window.lastPlace === place;
  window.lastPlace = place;
  return settled;
}"""
# What the demo's output shows at each change, as the room would see it.
WATCH_OUTPUT = """(id) => {
  const output = document.querySelector(`.demo[data-demo-id="${id}"] .demo-output`);
  const seen = window.outputSeen = [];
  new MutationObserver(() => seen.push({
    live: output.dataset.source === 'live',
    text: (output.querySelector('.demo-stream') || {}).textContent || '',
    ended: output.closest('.demo').querySelector('.demo-status') !== null,
  })).observe(output, { subtree: true, childList: true, characterData: true, attributes: true });
}"""
ENDED = """(id) => {
  const status = document.querySelector(`.demo[data-demo-id="${id}"] .demo-status`);
  return status && status.textContent;
}"""
STREAMED = "(first) => window.outputSeen.some((s) => s.live && !s.ended && s.text.includes(first))"
PROBLEMS_HERE = "() => TalkFit.problems(Reveal.getCurrentSlide())"
# The first code slide given an excerpt at the limit (and six rows of output), refitted
# and measured; then put back as it was.
AT_THE_LIMIT = """([lines, columns]) => {
  const demo = document.querySelector('.demo[data-demo-id]');
  const slide = demo.closest('section');
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  const pre = demo.querySelector('.demo-code pre');
  const stream = demo.querySelector('.demo-stream');
  const kept = [pre.innerHTML, stream.innerHTML];
  const row = 'x = 1.25 + 2.5 ' + 'y'.repeat(columns);
  pre.textContent = Array(lines).fill(row.slice(0, columns)).join('\\n');
  stream.textContent = Array(6).fill(row.slice(0, columns)).join('\\n');
  const refit = () => { delete demo.dataset.fitFor; TalkFit.fitAll(); };
  refit();
  const measured = {
    codePx: parseFloat(getComputedStyle(pre).fontSize) * Reveal.getScale(),
    problems: TalkFit.problems(slide),
  };
  [pre.innerHTML, stream.innerHTML] = kept;
  refit();
  return measured;
}"""
SPEAKER_VIEW_READY = "() => document.getElementById('talk-run-status') !== null"


@pytest.fixture(scope="class")
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The class's browser engine, launched once for its tests."""
    name = request.cls.engine_name
    reason = missing(name)
    if reason:
        unavailable(reason)
    with launched(name) as engine:
        yield engine


@pytest.fixture(scope="module")
def served(recorded_talk: Path, database_url: str) -> Iterator[str]:
    """The talk with every demo's recording, as it is presented, and its runner."""
    app = create_app(settings=settings(database_url=database_url), deck_dir=recorded_talk)
    with LiveRunner(app) as runner:
        yield runner.url + "/"


@pytest.fixture(scope="module")
def bare_served(unrecorded_talk: Path) -> Iterator[str]:
    """The talk as a fresh clone builds it, without a recording, and its runner."""
    with LiveRunner(create_app(deck_dir=unrecorded_talk)) as runner:
        yield runner.url + "/"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("engine-screenshots")


@pytest.fixture(scope="class", params=VIEWPORTS, ids=lambda size: f"{size[0]}x{size[1]}")
def deck(engine: Engine, served: str, request: pytest.FixtureRequest) -> Iterator[Window]:
    """The deck in a window of this engine, its viewport the projector's: one window per
    engine and size, which the class's tests use in turn, as a presenter would."""
    width, height = request.param
    window = engine.open(served, width, height)
    wait_for(window, READY)
    assert window.evaluate("() => [innerWidth, innerHeight]") == [width, height]
    yield window
    window.close()


def navigate(window: Window, url: str) -> None:
    """window on url, its deck ready; a script asked while the page changes may fail."""
    window.evaluate("(url) => { setTimeout(() => location.assign(url), 0); }", url)
    deadline = time.monotonic() + 30
    while True:
        try:
            if window.evaluate(f"() => location.href === {json.dumps(url)} && ({READY})()"):
                return
        except Exception:  # the old page went while it answered: ask the new one
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} not ready within 30 s")
        time.sleep(0.1)


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


def shoot(window: Window, path: Path) -> None:
    """A screenshot of the viewport, which must be the viewport's size."""
    window.screenshot(path)
    assert png_size(path) == tuple(window.evaluate("() => [innerWidth, innerHeight]"))


class EngineChecks:
    """The checks, run by each engine's class below. A class is one unit for the
    workers of `make test` (`--dist loadscope`): each engine is launched once."""

    engine_name: str

    def test_every_slide_fits_with_its_recording(
        self, engine: Engine, deck: Window, screenshots: Path
    ) -> None:
        slides = deck.evaluate(WALK)
        assert len(slides) >= 20
        problems = {s["name"]: s["problems"] for s in slides if s["problems"]}
        assert problems == {}, f"{engine.name} {engine.version}"
        deck.evaluate(GO_TO_DEMO, "cpu-bound")
        wait_for(deck, SETTLED, '.demo[data-demo-id="cpu-bound"]')
        size = deck.evaluate("() => `${innerWidth}x${innerHeight}`")
        shoot(deck, screenshots / f"{engine.name}-{size}-cpu-bound.png")

    def test_every_code_slide_keeps_the_grid_with_and_without_recordings(
        self, engine: Engine, deck: Window, bare_served: str
    ) -> None:
        width, height = deck.evaluate("() => [innerWidth, innerHeight]")
        at_720p = (width, height) == (1280, 720)
        recorded = deck.evaluate(MEASURE)
        assert len(recorded) >= 10
        assert grid_faults(recorded, code_size=at_720p) == {}, f"{engine.name} {width}x{height}"
        limit = deck.evaluate(AT_THE_LIMIT, [MAX_LINES, MAX_COLUMNS])
        assert limit["problems"] == [], engine.name
        if at_720p:
            assert limit["codePx"] >= MIN_CODE_PX - 0.05, engine.name
        # The same window, on the deck a fresh clone builds (WebKit's session has one
        # window), then back.
        back = deck.evaluate("() => location.href")
        try:
            navigate(deck, bare_served)
            faults = grid_faults(deck.evaluate(MEASURE), code_size=at_720p)
        finally:
            navigate(deck, back)
        assert faults == {}, f"{engine.name} {width}x{height} without recordings"

    @pytest.mark.parametrize("demo_id", RUNS)
    def test_run_streams_and_ends_with_exit_0(
        self, engine: Engine, deck: Window, screenshots: Path, demo_id: str
    ) -> None:
        deck.evaluate(GO_TO_DEMO, demo_id)
        run = f'.demo[data-demo-id="{demo_id}"] .demo-run'
        wait_for(deck, SETTLED, run)
        deck.evaluate(WATCH_OUTPUT, demo_id)
        deck.click(run)

        # Streamed: the first line is on the slide while the run still goes on, and the
        # slide still fits with Stop in place of Run.
        wait_for(deck, STREAMED, RUNS[demo_id])
        assert deck.evaluate(PROBLEMS_HERE) == []
        size = deck.evaluate("() => `${innerWidth}x${innerHeight}`")
        shoot(deck, screenshots / f"{engine.name}-{size}-{demo_id}-running.png")
        status = wait_for(deck, ENDED, demo_id)
        assert status.startswith("exit 0 · "), status
        assert deck.evaluate(PROBLEMS_HERE) == []

    def test_speaker_view_opens_and_follows_the_deck(self, engine: Engine, deck: Window) -> None:
        # From the title slide, as a talk starts (the window's earlier tests left it on a
        # demo: Firefox's current preview then missed a jump back now and again).
        deck.evaluate("() => Reveal.slide(0, 0)")
        speaker = engine.open_popup(deck, "s")
        try:
            wait_for(speaker, SPEAKER_VIEW_READY)
            current = engine.frames(speaker, "postMessageEvents=true")[0]
            wait_for(current, "() => window.Reveal && Reveal.isReady()")
            wait_for(current, SHOWS, deck.evaluate(WHERE))

            # Moved by the API, then by a key as a clicker sends it (the first code step):
            # the preview follows.
            deck.evaluate(GO_TO_DEMO, "cpu-bound")
            before = deck.evaluate(WHERE)
            wait_for(current, SHOWS, before)
            deck.press("ArrowRight")
            after = wait_for(deck, f"(before) => ({WHERE})() !== before && ({WHERE})()", before)
            wait_for(current, SHOWS, after)

            # The upcoming preview shows the next step, its lines lit, not this one again.
            upcoming = engine.frames(speaker, "controls=false")[0]
            wait_for(upcoming, SHOWS, deck.evaluate(NEXT_STEP))
            assert upcoming.evaluate(LIT) not in ("", deck.evaluate(LIT))

            # A key pressed in the speaker view still moves the deck (forwarded by it).
            speaker.press("ArrowRight")
            wait_for(deck, f"(after) => ({WHERE})() !== after", after)
        finally:
            speaker.close()

    def test_the_speaker_view_never_moves_the_deck_by_itself(
        self, engine: Engine, deck: Window, pytestconfig: pytest.Config
    ) -> None:
        """Opened on a demo, the view's previews load there; the deck is sent back to
        the title 100 to 1,600 ms after they are ready and must stay there. Firefox went
        back to the demo in 17 of 26 such trials: 10 trials in Firefox at 1280x720 would
        all miss that bug once in 40,000 runs ((9/26)^10), and take a third of the time
        of the 30 that `pytest --large` runs. Three in the other engines at 1280x720; one
        at 1024x768, where only the size differs."""
        projector = deck.evaluate("() => innerWidth") == 1280
        in_firefox = 30 if pytestconfig.getoption("--large") else 10
        trials = (in_firefox if engine.name == "firefox" else 3) if projector else 1
        moved = []
        for trial in range(trials):
            deck.evaluate(GO_TO_DEMO, "cpu-bound")
            speaker = engine.open_popup(deck, "s")
            try:
                wait_for(speaker, SPEAKER_VIEW_READY)
                for frame in engine.frames(speaker, "receiver"):
                    wait_for(frame, "() => window.Reveal && Reveal.isReady()")
                time.sleep(0.1 + 1.5 * trial / max(trials - 1, 1))
                sent = deck.evaluate(f"() => {{ Reveal.slide(0, 0); return ({WHERE})(); }}")
                time.sleep(2.0)  # past the view's debounce (500 ms) of what it forwards
                now = deck.evaluate(WHERE)
                if now != sent:
                    moved.append((trial, sent, now))
            finally:
                speaker.close()
        print(f"{engine.name}: {trials - len(moved)} of {trials} trials kept the deck")
        assert moved == [], f"{engine.name}: {len(moved)} of {trials} trials moved the deck"


class TestChromium(EngineChecks):
    engine_name = "chromium"


class TestFirefox(EngineChecks):
    engine_name = "firefox"


class TestWebKit(EngineChecks):
    engine_name = "webkit"
