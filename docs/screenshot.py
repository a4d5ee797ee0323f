"""Screenshots of the built deck for the README: its title slide and one code slide.

Builds the deck if there is none, serves build/ on a loopback port and takes
both pictures at 1280x720 in headless Chromium:

    python docs/screenshot.py   ->   docs/deck-title.png, docs/deck-code.png
"""

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from benchmarks.browser import CHROMIUM, CHROMIUM_FLAGS
from runner.deck import builder
from runner.settings import get_settings
from tests.harness.preview import serving

DOCS = Path(__file__).resolve().parent
CODE_DEMO = "gather"  # the code slide to show: a short demo with telling output


def main() -> int:
    index = get_settings().build_dir / "index.html"
    if not index.exists():
        index = builder.build()
    with serving(index.parent) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(base_url)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        _shoot(page, "() => Reveal.slide(0, 0)", DOCS / "deck-title.png")
        _shoot(
            page,
            f"""() => {{
            const demo = document.querySelector('.demo[data-demo-id="{CODE_DEMO}"]')
                || document.querySelector('.demo');
            const where = Reveal.getIndices(demo.closest('section'));
            Reveal.slide(where.h, where.v);
        }}""",
            DOCS / "deck-code.png",
        )
        browser.close()
    return 0


def _shoot(page: Page, go_to_slide: str, path: Path) -> None:
    page.evaluate(go_to_slide)
    page.wait_for_timeout(300)  # let reveal.js finish its layout pass
    page.screenshot(path=str(path))
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
