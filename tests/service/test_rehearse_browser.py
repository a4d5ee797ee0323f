"""Rehearse mode, driven in Chromium on a scripted clock: the speaker view's Rehearse
button starts it, every slide of the talk is visited and its steps clicked, a demo is
run, Stop saves the rehearsal through the runner, and `talk pace` sets it beside the
model."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page

from runner.deck import catalog, pace_report, rehearsals
from runner.deck.builder import ASSETS_DIR
from runner.service.app import create_app
from tests.harness.runner import LiveRunner, settings

pytestmark = pytest.mark.browser

# The rehearsal's clock (assets/runner/rehearse.js reads window.talkClock when given):
# it moves only when the test moves it.
CLOCK = "window.talkClock = { t: 0, now() { return this.t; } };"
WHERE = """() => {
  const slide = Reveal.getCurrentSlide();
  const timed = [...document.querySelectorAll('.slides section[data-timing]')];
  const demo = slide.querySelector('.demo[data-demo-id]');
  return { index: timed.indexOf(slide), demo: demo ? demo.dataset.demoId : null,
           closing: slide.matches('.talk-closing') || !!slide.querySelector('.talk-closing'),
           fragments: slide.querySelectorAll('.fragment:not(.visible)').length };
}"""
STEP_S = 7  # the scripted presenter: 7 s on every click
INDICES = "() => { const i = Reveal.getIndices(); return [i.h, i.v, i.f ?? -1]; }"


def caught_up(main: Page, current: Frame) -> None:
    """Wait until the speaker view shows where the main deck is, as a presenter would:
    a preview still catching up (a busy machine) must not send the deck back."""
    where = main.evaluate(INDICES)
    for _ in range(400):
        if current.evaluate(INDICES) == where:
            return
        main.wait_for_timeout(25)
    raise AssertionError(f"the speaker view never reached {where}")


def test_a_scripted_rehearsal_is_saved_and_talk_pace_shows_it(
    browser: Browser, unrecorded_talk: Path, tmp_path: Path
) -> None:
    app = create_app(settings=settings(), deck_dir=unrecorded_talk, slides_dir=tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(CLOCK)
    seconds: dict[int, int] = {}
    steps: dict[int, int] = {}
    try:
        with LiveRunner(app) as runner:
            main = context.new_page()
            main.goto(runner.url + "/")
            main.wait_for_function(
                "() => window.Reveal && Reveal.isReady() && window.talkRehearsal"
            )
            with main.expect_popup() as opened:
                main.keyboard.press("s")
            speaker = opened.value
            button = speaker.locator("#talk-rehearse button")
            button.wait_for(timeout=30_000)
            current = next(f for f in speaker.frames if "postMessageEvents=true" in f.url)
            button.click()
            main.wait_for_function("() => talkRehearsal.active()")
            now, ran = 0, False
            while True:
                where = main.evaluate(WHERE)
                index = where["index"]
                if where["demo"] == "coroutine-object" and not ran:
                    main.evaluate("() => talkRunner.run()")  # resolves when the run ends
                    ran = True
                now += STEP_S
                seconds[index] = seconds.get(index, 0) + STEP_S
                main.evaluate(f"() => {{ window.talkClock.t = {now * 1000}; }}")
                if where["closing"]:
                    break
                if where["fragments"]:
                    steps[index] = steps.get(index, 0) + 1
                main.evaluate("() => Reveal.next()")
                caught_up(main, current)
            button.click()
            speaker.wait_for_function(
                "() => /^saved /.test(document.querySelector('#talk-rehearse [role=status]')"
                ".textContent)",
                timeout=30_000,
            )
            said = speaker.locator("#talk-rehearse [role=status]").text_content() or ""
    finally:
        context.close()
    assert ran
    (saved,) = (tmp_path / "rehearsals").glob("rehearsal-*.json")
    assert said == f"saved {saved}"
    (rehearsal,) = rehearsals.load(tmp_path)
    assert {i: s.seconds for i, s in rehearsal.slides.items()} == seconds
    assert {i: s.steps for i, s in rehearsal.slides.items() if s.steps} == steps
    runs = [(i, s.runs) for i, s in rehearsal.slides.items() if s.runs]
    assert len(runs) == 1 and runs[0][1] == 1
    report = "\n".join(
        pace_report.report(
            catalog.SLIDES_DIR, catalog.demos(), ASSETS_DIR, unrecorded_talk, rehearsals_of=tmp_path
        )
    )
    assert re.search(r"by the model fitted to 1 rehearsal \(\d+ slides:", report), report
    core_s = sum(seconds.values())
    assert re.search(rf"^core .* {core_s / 60:.1f} min +[\d.]+ min$", report, re.M), report
    run_slide = runs[0][0]
    assert re.search(rf"^ *{run_slide + 1} .*\[coroutine-object\].* \(1 run\)$", report, re.M)
