"""Screenshots of the deck for the README and docs/: the title slide, a code slide mid-run, and
the speaker view.

Builds the deck (recording it first if it has no recordings), serves it with its
runner on a loopback port and takes the pictures at 1280x720 in headless Chromium.
The running slide is the payoff, so it needs the talk's database (TALK_DATABASE_URL):

    python docs/screenshot.py   ->   docs/deck-title.png, docs/deck-running.png,
                                     docs/speaker-view.png, docs/contact-sheet.png
"""

import sys
from pathlib import Path

# Run as a script from anywhere: the project root holds the packages it imports,
# the tests' harness among them (it starts the runner as the tests do).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright

from runner.deck import builder, recordings
from runner.deck.browser import CHROMIUM_FLAGS, chromium
from runner.service.app import create_app
from runner.settings import get_settings
from tests.harness.pages import GO_TO_DEMO
from tests.harness.runner import LiveRunner

DOCS = Path(__file__).resolve().parent
RUNNING_DEMO = "payoff"  # a run that takes seconds, with a line printed on the way
SPEAKER_DEMO = "gather"  # the slide the speaker view shows
SIZE = {"width": 1280, "height": 720}


def main() -> int:
    build_dir = get_settings().build_dir
    record = not recordings.load(build_dir)
    index = builder.build(record=record)
    with LiveRunner(create_app(deck_dir=index.parent)) as runner, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=SIZE)
        page.goto(runner.url + "/")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        _shoot(page, DOCS / "deck-title.png")
        _contact_sheet(page, DOCS / "contact-sheet.png")
        _shoot_running(page, DOCS / "deck-running.png")
        _shoot_speaker_view(page, DOCS / "speaker-view.png")
        browser.close()
    return 0


def _shoot(page: Page, path: Path) -> None:
    page.wait_for_timeout(300)  # let reveal.js finish its layout pass
    page.screenshot(path=str(path))
    print(f"wrote {path}")


EVERY_SLIDE = "() => document.querySelectorAll('.reveal .slides section:not(.stack)').length"
SHOW_SLIDE = """(i) => {
  const slide = document.querySelectorAll('.reveal .slides section:not(.stack)')[i];
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v, Number.MAX_SAFE_INTEGER);
}"""
COLUMNS, TILE = 6, (427, 240)  # a third of 1280x720


def _contact_sheet(page: Page, path: Path) -> None:
    """Every slide at its last step, in order, six to a row, a third of their size."""
    from PIL import Image  # Pillow comes with matplotlib, in the [bench] extra

    count = page.evaluate(EVERY_SLIDE)
    rows = -(-count // COLUMNS)
    gap = 8
    sheet = Image.new(
        "RGB", (COLUMNS * (TILE[0] + gap) + gap, rows * (TILE[1] + gap) + gap), "#5b6673"
    )
    shot = path.with_suffix(".tmp.png")
    for i in range(count):
        page.evaluate(SHOW_SLIDE, i)
        page.wait_for_timeout(150)
        page.screenshot(path=str(shot))
        with Image.open(shot) as tile:
            small = tile.convert("RGB").resize(TILE, Image.Resampling.LANCZOS)
        row, column = divmod(i, COLUMNS)
        sheet.paste(small, (gap + column * (TILE[0] + gap), gap + row * (TILE[1] + gap)))
    shot.unlink()
    sheet.save(path, optimize=True)
    page.evaluate(SHOW_SLIDE, 0)
    print(f"wrote {path} ({count} slides)")


def _shoot_running(page: Page, path: Path) -> None:
    """The payoff once its first line is out and the rest is still to come."""
    page.evaluate(GO_TO_DEMO, RUNNING_DEMO)
    demo = f'.demo[data-demo-id="{RUNNING_DEMO}"]'
    page.keyboard.press("r")
    page.wait_for_selector(f'{demo} .demo-output[data-source="live"] .stdout', timeout=30_000)
    page.screenshot(path=str(path))
    print(f"wrote {path}")
    page.wait_for_selector(f"{demo} .demo-status", timeout=30_000)  # let the run end


def _shoot_speaker_view(page: Page, path: Path) -> None:
    page.evaluate(GO_TO_DEMO, SPEAKER_DEMO)
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    speaker.set_viewport_size(SIZE)
    speaker.locator(".speaker-controls-notes .value").wait_for()
    speaker.wait_for_timeout(1500)  # the previews load the deck themselves
    speaker.screenshot(path=str(path))
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
