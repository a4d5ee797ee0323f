"""The speaker view drives: R and Run in it start the demo on the main deck (the
projector), and it mirrors the run, shows the next slide, and keeps its notes
in a pane that scrolls."""

import pytest
from playwright.sync_api import Frame, Page

from tests.harness import stage
from tests.harness.runner import running_fixture_demos, wait_until

pytestmark = pytest.mark.browser

PHASE = "(i) => talkRunner.state(i).phase"
SHOWN = """() => {
  const demo = document.querySelector('.demo[data-demo-id="late"]');
  const output = demo.querySelector('.demo-output');
  const line = (name) => {
    const node = demo.querySelector(name);
    return node && node.textContent;
  };
  return { stream: line('.demo-stream'), progress: line('.demo-progress'),
           status: line('.demo-status'), source: output.dataset.source };
}"""
# Under load a run of 3 s can be over before a poll sees it running: what each
# window showed while it ran is recorded as it changes, and checked afterwards.
WATCH_PROGRESS = """() => {
  const demo = document.querySelector('.demo[data-demo-id="late"]');
  window.sawProgress = false;
  new MutationObserver(() => {
    window.sawProgress ||= demo.querySelector('.demo-progress') !== null;
  }).observe(demo, { subtree: true, childList: true });
}"""
WATCH_STATUS = """() => {
  const status = document.getElementById('talk-run-status');
  window.statuses = [];
  new MutationObserver(() => window.statuses.push(status.textContent))
    .observe(status, { subtree: true, childList: true, characterData: true });
}"""
WHERE = "() => { const i = Reveal.getIndices(); return `${i.h}/${i.v}`; }"
NEXT_SLIDE = """() => {
  const slides = Reveal.getSlides();
  const i = Reveal.getIndices(slides[slides.indexOf(Reveal.getCurrentSlide()) + 1]);
  return `${i.h}/${i.v}`;
}"""
NOTES_PANE = """() => {
  const pane = document.querySelector('.speaker-controls-notes');
  const value = pane.querySelector('.value');
  value.textContent = 'A long note. '.repeat(2000) + 'x'.repeat(3000);
  const box = pane.getBoundingClientRect();
  return {
    scrolls: pane.scrollHeight > pane.clientHeight && getComputedStyle(pane).overflowY === 'auto',
    inside: box.bottom <= window.innerHeight + 1 && box.right <= window.innerWidth + 1,
    wide: pane.scrollWidth > pane.clientWidth + 1,
    pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
  };
}"""

# The labels and the layout menu reveal.js lays over the speaker view, against the
# previews: none may hide a slide's title.
OVERLAYS_ON_PREVIEWS = """() => {
  const box = (node) => node.getBoundingClientRect();
  const overlap = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const previews = [...document.querySelectorAll('#current-slide iframe, #upcoming-slide iframe')]
    .filter((node) => node.offsetParent !== null).map(box);
  return [...document.querySelectorAll('.overlay-element, #speaker-layout')]
    .filter((node) => node.offsetParent !== null)
    .filter((node) => previews.some((preview) => overlap(box(node), preview)))
    .map((node) => node.textContent.trim());
}"""


def open_speaker_view(main: Page) -> tuple[Page, Frame, Frame]:
    """The speaker window, once its preview frames show the deck and link to the main one."""
    with main.expect_popup() as opened:
        main.keyboard.press("s")
    speaker = opened.value
    speaker.wait_for_function(
        "() => document.getElementById('talk-speaker-css') && "
        "document.getElementById('talk-run-status')"
    )
    current = preview(speaker, "postMessageEvents=true")
    upcoming = preview(speaker, "controls=false")
    for frame in (current, upcoming):
        frame.wait_for_function("() => window.Reveal && Reveal.isReady() && window.talkRunner")
    return speaker, current, upcoming


def preview(speaker: Page, marker: str) -> Frame:
    """The preview frame whose URL holds marker, once it has navigated there (on a busy
    machine, the speaker view's own scripts can be ready before its frames are)."""
    for _ in range(200):
        found = next((f for f in speaker.frames if marker in f.url), None)
        if found is not None:
            return found
        speaker.wait_for_timeout(50)  # lets Playwright take in the frames' navigations
    raise AssertionError(f"no preview frame at a URL with {marker} in 10 s")


def test_r_in_the_speaker_view_runs_the_demo_on_the_main_deck_and_mirrors_it(
    page: Page, stage_url: str
) -> None:
    main = page
    index = stage.open_demo(main, stage_url, "late")
    speaker, current, upcoming = open_speaker_view(main)
    current.wait_for_function(f"() => ({WHERE})() === {main.evaluate(WHERE)!r}")
    upcoming.wait_for_function(f"() => ({WHERE})() === {main.evaluate(NEXT_SLIDE)!r}")

    for window in (main, current):
        window.evaluate(WATCH_PROGRESS)
    speaker.evaluate(WATCH_STATUS)
    speaker.keyboard.press("r")
    main.wait_for_function(f"(i) => ({PHASE})(i) !== 'idle'", arg=index)
    assert wait_until(running_fixture_demos, 10), "no demo process started"

    stage.wait_for_end(main, index)
    # The preview showed the main deck's run, and ran nothing itself.
    for window in (main, current):
        assert window.evaluate("() => window.sawProgress")
    assert current.evaluate("(i) => talkRunner.state(i).runId", index) == 0
    assert any(s.startswith("late: running · ") for s in speaker.evaluate("window.statuses"))
    final = main.evaluate(SHOWN)
    assert final["stream"] == "late hello\n"
    assert str(final["status"]).startswith("exit 0 · ")
    current.wait_for_function(
        "(status) => (document.querySelector('.demo[data-demo-id=late] .demo-status') || {})"
        ".textContent === status",
        arg=final["status"],
    )
    assert current.evaluate(SHOWN) == final
    speaker.wait_for_function(
        "(status) => document.getElementById('talk-run-status').textContent === 'late: ' + status",
        arg=final["status"],
    )


def test_run_and_stop_clicked_in_the_preview_act_on_the_main_deck(
    page: Page, stage_url: str
) -> None:
    main = page
    index = stage.open_demo(main, stage_url, "late")
    _speaker, current, _upcoming = open_speaker_view(main)
    current.wait_for_function(f"() => ({WHERE})() === {main.evaluate(WHERE)!r}")
    button = current.locator('.demo[data-demo-id="late"] .demo-run')

    button.click()
    main.wait_for_function(f"(i) => ({PHASE})(i) === 'running'", arg=index)
    assert wait_until(running_fixture_demos, 10), "no demo process started"
    current.wait_for_function(
        "() => document.querySelector('.demo[data-demo-id=late] .demo-run').textContent === 'Stop'"
    )
    button.click()  # Stop
    stage.wait_for_end(main, index)
    assert wait_until(lambda: not running_fixture_demos(), 5), running_fixture_demos()
    assert main.evaluate(SHOWN)["source"] == "recorded"  # stopped before any output


def test_the_notes_pane_scrolls_inside_the_speaker_view(page: Page, stage_url: str) -> None:
    main = page
    stage.open_demo(main, stage_url, "late")
    speaker, _current, _upcoming = open_speaker_view(main)
    speaker.locator(".speaker-controls-notes .value").wait_for()
    pane = speaker.evaluate(NOTES_PANE)
    assert pane == {"scrolls": True, "inside": True, "wide": False, "pageScrolls": False}


@pytest.mark.parametrize("layout", ["default", "wide", "tall"])
def test_no_label_or_menu_covers_a_preview(page: Page, stage_url: str, layout: str) -> None:
    main = page
    stage.open_demo(main, stage_url, "late")
    speaker, _current, _upcoming = open_speaker_view(main)
    speaker.select_option(".speaker-layout-dropdown", layout)
    speaker.wait_for_function(
        "(layout) => document.body.dataset.speakerLayout === layout", arg=layout
    )
    assert speaker.evaluate(OVERLAYS_ON_PREVIEWS) == []


SUBSCRIBE_THREE = """() => {
  window.heard = 0;
  talkRunner.subscribe(() => { throw new Error('a bug in a listener'); });
  talkRunner.subscribe(() => { window.heard += 1; });
  const gone = window.open('about:blank');  // a speaker view closed without its pagehide
  talkRunner.subscribe(() => { throw new Error('a window that has gone'); }, gone);
  gone.close();
}"""


def test_a_listener_that_throws_is_said_and_dropped_and_the_others_still_hear(
    page: Page, stage_url: str
) -> None:
    index = stage.open_demo(page, stage_url, "late")
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.evaluate(SUBSCRIBE_THREE)
    page.keyboard.press("r")
    stage.wait_for_end(page, index)
    assert page.evaluate("() => window.heard") >= 2  # running, then ended
    said = [text for text in errors if "a run listener failed" in text]
    assert len(said) == 1 and "a bug in a listener" in said[0], errors
    assert not any("a window that has gone" in text for text in errors), errors
