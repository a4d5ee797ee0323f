"""Other sites' pages cannot drive the deck, and the speaker view still can.

reveal.js obeys postMessage calls. A page elsewhere (another port, or another host
name that resolves to 127.0.0.1) frames or opens the deck and posts ``slide`` and
``triggerKey`` (R runs the demo): no demo may start. The speaker view, which drives
the deck and its previews with the same messages, must keep following the deck.
All in headless Chromium against the real runner serving the real deck.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from runner.deck import catalog
from runner.deck.browser import CHROMIUM_FLAGS
from runner.execution import processes
from runner.execution.spec import RunSpec
from runner.service.app import create_app
from runner.service.policy import content_security_policy
from tests.harness.preview import serving
from tests.harness.runner import LiveRunner, running_fixture_demos, settings, wait_until

pytestmark = pytest.mark.browser

FOREIGN_HOST = "evil.test"  # Chromium resolves it to 127.0.0.1 (see the browser fixture)
DEMO = "gather"
GO_TO_DEMO = """(id) => {
  const slide = document.querySelector(`.demo[data-demo-id="${id}"]`).closest('section');
  const where = Reveal.getIndices(slide);
  return [where.h, where.v];
}"""
# Frames the deck three times and opens it once, then posts reveal.js calls to all
# four, four times a second: go to the demo's slide, press R.
FOREIGN_PAGE = """<!doctype html>
<title>elsewhere</title>
<body>
<script>
const query = new URLSearchParams(location.search);
const deck = query.get("deck");
const calls = [
  {method: "slide", args: JSON.parse(query.get("where"))},
  {method: "triggerKey", args: [82]},
];
const targets = [];
for (let i = 0; i < 3; i++) {
  const frame = document.createElement("iframe");
  frame.src = deck;
  document.body.appendChild(frame);
  targets.push(() => frame.contentWindow);
}
const opened = window.open(deck, "_blank");
targets.push(() => opened);
window.report = {opened: opened !== null, posted: 0, openedClosed: null};
setInterval(() => {
  for (const target of targets) {
    const win = target();
    if (!win) continue;
    for (const call of calls) {
      try { win.postMessage(JSON.stringify(call), "*"); window.report.posted++; } catch (e) {}
    }
  }
  window.report.openedClosed = opened ? opened.closed : null;
}, 250);
</script>
"""


@pytest.fixture(scope="module")
def deck_dir(unrecorded_talk: Path) -> Path:
    return unrecorded_talk


class CountedRunner(LiveRunner):
    """The real runner serving the deck, counting the demos it launches."""

    def __init__(self, deck_dir: Path) -> None:
        super().__init__(create_app(settings=settings(), deck_dir=deck_dir, fork_server=False))
        self.launched: list[str] = []
        state = self.app.state.runner
        launch = state.launcher.launch

        async def counted(spec: RunSpec) -> processes.DemoProcess:
            self.launched.append(spec.module.rpartition(".")[2].replace("_", "-"))
            return await launch(spec)

        state.launcher.launch = counted


@pytest.fixture
def runner(deck_dir: Path) -> Iterator[CountedRunner]:
    with CountedRunner(deck_dir) as runner:
        yield runner
    assert wait_until(lambda: not running_fixture_demos(), 10), running_fixture_demos()


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """Headless Chromium that also knows evil.test as 127.0.0.1."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path),
            args=[*CHROMIUM_FLAGS, f"--host-resolver-rules=MAP {FOREIGN_HOST} 127.0.0.1"],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


def policy_violations(context: BrowserContext) -> list[str]:
    """Every console message of every page in context that reports a CSP violation."""
    found: list[str] = []
    context.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def open_deck(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    return page


@pytest.mark.asyncio
async def test_every_response_carries_the_csp_and_the_opener_policy(deck_dir: Path) -> None:
    app = create_app(settings=settings(), deck_dir=deck_dir, fork_server=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        responses = [await client.get(path) for path in ("/", "/api/health", "/nope")]
        responses.append(await client.get("/", headers={"host": f"{FOREIGN_HOST}:80"}))
    policy = content_security_policy(deck_dir)
    for response in responses:
        assert response.headers["content-security-policy"] == policy
        assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "frame-ancestors 'self'" in policy
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy and "*" not in policy


def test_the_deck_runs_under_its_policy_with_nothing_inline(
    context: BrowserContext, runner: CountedRunner
) -> None:
    violations = policy_violations(context)
    page = open_deck(context, runner.url + "/")
    # Code is highlighted by the linked highlight.css, the slide laid out by deck.css.
    keyword = page.locator(".demo-code .highlight .k").first
    assert keyword.evaluate("(k) => getComputedStyle(k).color") != page.locator(
        ".demo-code .highlight pre"
    ).first.evaluate("(pre) => getComputedStyle(pre).color")
    # The options come from the page's JSON (no inline script): its canvas, and the
    # slide number deck.js draws from them ("1 / 34" on the title slide).
    assert page.evaluate("() => Reveal.getConfig().width") == 1280
    assert page.locator(".slide-number").inner_text().replace(" ", "").startswith("1/")
    assert page.locator(".demo-run").count() == len(catalog.demos())
    # Every slide shown once, pictures and all, and the overview: nothing is refused.
    page.evaluate(
        "() => { for (const s of Reveal.getSlides()) { const i = Reveal.getIndices(s);"
        " Reveal.slide(i.h, i.v); } Reveal.toggleOverview(true); }"
    )
    page.wait_for_timeout(500)
    assert violations == []


@pytest.mark.parametrize("foreign_host", ["127.0.0.1", FOREIGN_HOST])
def test_a_page_elsewhere_that_frames_or_opens_the_deck_starts_no_demo(
    context: BrowserContext, runner: CountedRunner, tmp_path: Path, foreign_host: str
) -> None:
    deck = open_deck(context, runner.url + "/")
    where = deck.evaluate(GO_TO_DEMO, DEMO)
    (tmp_path / "attack.html").write_text(FOREIGN_PAGE)
    with serving(tmp_path) as site:
        foreign = site.replace("127.0.0.1", foreign_host)
        page = context.new_page()
        with context.expect_page() as popup:
            page.goto(
                f"{foreign}attack.html?deck={quote(runner.url + '/')}"
                f"&where={quote(json.dumps(where))}"
            )
        opened = popup.value
        opened.wait_for_function("() => window.Reveal && Reveal.isReady()")
        # The attack keeps posting for three seconds, long enough to start a run.
        page.wait_for_timeout(3000)
        report = page.evaluate("() => window.report")
        samples = [running_fixture_demos()]
        page.close()
    assert report["opened"] is True and report["posted"] >= 4 * 2 * 4, report
    assert report["openedClosed"] is True, report  # COOP: the opener holds no handle
    assert opened.evaluate("() => window.opener") is None
    assert opened.evaluate("() => Reveal.getIndices().h") == 0  # never moved
    assert runner.launched == []
    assert samples == [[]]

    # The same calls from the deck's own origin do run the demo: the attack was real.
    for call in ({"method": "slide", "args": where}, {"method": "triggerKey", "args": [82]}):
        deck.evaluate("(call) => window.postMessage(JSON.stringify(call), '*')", call)
    assert wait_until(lambda: runner.launched == [DEMO], 10), runner.launched
    deck.locator(f'.demo[data-demo-id="{DEMO}"] .demo-status').wait_for(timeout=20_000)


def test_the_speaker_view_follows_the_deck_and_drives_it_under_the_policy(
    context: BrowserContext, runner: CountedRunner
) -> None:
    violations = policy_violations(context)
    deck = open_deck(context, runner.url + "/")
    with deck.expect_popup() as opened:
        deck.keyboard.press("s")
    speaker = opened.value
    speaker.locator(".speaker-controls-notes .value").wait_for()
    speaker.wait_for_function(
        "() => { const f = document.querySelector('#current-slide iframe');"
        " return Boolean(f && f.contentWindow.Reveal && f.contentWindow.Reveal.isReady()); }"
    )
    shown = (
        "(h) => document.querySelector('#current-slide iframe')"
        ".contentWindow.Reveal.getIndices().h === h"
    )

    deck.evaluate("() => Reveal.slide(2, 0)")
    speaker.wait_for_function(shown, arg=2)
    expected = deck.evaluate("() => Reveal.getSlideNotes(Reveal.getCurrentSlide())")
    first_words = " ".join(re.sub(r"<[^>]+>", " ", expected).split()[:6])
    notes = speaker.locator(".speaker-controls-notes .value")
    assert first_words and first_words in " ".join(notes.inner_text().split())

    # A key pressed in the speaker view moves its preview, which moves the deck (to the
    # next slide in linear order, or the next code step), and the preview follows it.
    where = "(w) => JSON.stringify(Reveal.getIndices())"
    before = deck.evaluate(where)
    speaker.keyboard.press("ArrowRight")
    deck.wait_for_function(f"(before) => ({where})() !== before", arg=before)
    after = deck.evaluate(where)
    speaker.wait_for_function(
        "(after) => JSON.stringify(document.querySelector('#current-slide iframe')"
        ".contentWindow.Reveal.getIndices()) === after",
        arg=after,
    )
    assert runner.launched == []
    assert violations == []


def test_without_the_headers_the_deck_itself_still_ignores_other_origins(
    context: BrowserContext, deck_dir: Path, tmp_path: Path
) -> None:
    """A static host sends no CSP or COOP: frames and handles reach the deck, and
    deck.js's own origin check must drop the calls."""
    (tmp_path / "attack.html").write_text(FOREIGN_PAGE)
    with serving(deck_dir) as deck_url, serving(tmp_path) as site:
        where = open_deck(context, deck_url).evaluate(GO_TO_DEMO, DEMO)
        page = context.new_page()
        with context.expect_page() as popup:
            page.goto(
                f"{site.replace('127.0.0.1', FOREIGN_HOST)}attack.html"
                f"?deck={quote(deck_url)}&where={quote(json.dumps(where))}"
            )
        opened = popup.value
        opened.wait_for_function("() => window.Reveal && Reveal.isReady()")
        decks = [f for f in page.frames if f != page.main_frame] + [opened.main_frame]
        for frame in decks:
            frame.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.wait_for_timeout(2000)
        report = page.evaluate("() => window.report")
        positions = [frame.evaluate("() => Reveal.getIndices().h") for frame in decks]
        page.close()
    assert report["openedClosed"] is False and report["posted"] >= 3 * 2 * 4, report
    assert positions == [0, 0, 0, 0]
