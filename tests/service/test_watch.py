"""`talk serve --watch` in headless Chromium: the deck follows the files on disk."""

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from runner.deck import builder, catalog
from runner.service.app import create_app
from runner.service.authoring import Authoring
from runner.service.watch import DeckWatcher
from tests.deck.test_authoring import WAVE
from tests.harness.runner import LiveRunner
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.browser

# Generous: the tests assert what happens, not how fast (a CPU hog may be running).
PATIENCE_MS = 20_000


def slides(toy: ToyDeck, heading: str, *extra: str) -> None:
    more = "".join(f"\n## {title}\n\n{link}\n\nNote: say it\n" for title, link in extra)
    toy.write(
        "01-start.md",
        f"# Start\n\nOpening.\n\nNote: hi\n\n## {heading}\n\nSome text.\n\nNote: more\n"
        f"\n## Hello\n\n{toy.link('hello.py', 'greet')}\n\nNote: run it\n{more}",
    )


@pytest.fixture
def watched(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveRunner]:
    # Each run is a fresh `python -m`: it must find the toy package as the test does.
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    slides(toy, "Second")

    def build() -> Path:
        return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package)

    build()
    authoring = Authoring(watcher=DeckWatcher(build, [toy.slides, toy.package]))
    app = create_app(
        demos=lambda: catalog.discover(toy.slides, toy.package),
        deck_dir=toy.build_dir,
        fork_server=False,
        authoring=authoring,
    )
    with LiveRunner(app) as runner:
        yield runner


# The page reloads on a rebuild: until the new deck's script runs, Reveal is undefined.
SHOWS_EDITED = (
    "() => window.Reveal && Reveal.isReady() &&"
    " Reveal.getCurrentSlide().textContent.includes('Second, edited')"
)


def opened(browser: Browser, url: str) -> Page:
    """A projector-sized page showing the deck at url, reveal.js ready."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    return page


def current_slide_text(page: Page) -> str:
    text: str = page.evaluate("() => Reveal.getCurrentSlide().textContent")
    return text


def test_the_deck_follows_its_files_on_the_same_slide(
    browser: Browser, toy: ToyDeck, watched: LiveRunner
) -> None:
    page = opened(browser, f"{watched.url}/#/0/1")
    assert "Second" in current_slide_text(page)

    # A heading changed on disk shows on the slide being shown.
    started = time.monotonic()
    slides(toy, "Second, edited")
    page.wait_for_function(
        SHOWS_EDITED,
        timeout=PATIENCE_MS,
    )
    print(f"heading on screen {time.monotonic() - started:.2f} s after the save")
    assert page.evaluate("() => Reveal.getIndices()")["v"] == 1

    # A new demo and its link: Run works, with no restart.
    started = time.monotonic()
    (toy.package / "wave.py").write_text(WAVE)
    slides(toy, "Second, edited", ("Wave", toy.link("wave.py")))
    page.wait_for_selector('.demo[data-demo-id="wave"]', state="attached", timeout=PATIENCE_MS)
    page.evaluate("() => Reveal.slide(0, 3)")
    page.click('.demo[data-demo-id="wave"] .demo-run')
    page.wait_for_function(
        "() => document.querySelector('.demo[data-demo-id=\"wave\"] .demo-status')"
        "?.dataset.kind === 'ok'",
        timeout=PATIENCE_MS,
    )
    print(f"new demo run {time.monotonic() - started:.2f} s after the save")
    assert "o/" in page.text_content('.demo[data-demo-id="wave"] .demo-stream')

    # A broken region: an overlay names file:line over the last good deck.
    demo = toy.package / "hello.py"
    demo.write_text(demo.read_text().replace("    # endregion\n", ""))
    overlay = page.wait_for_selector(".authoring-error", state="visible", timeout=PATIENCE_MS)
    assert f"{demo}:6: region 'greet' is never closed" in overlay.text_content()
    assert page.query_selector('.demo[data-demo-id="wave"]') is not None
    page.screenshot(path=str(toy.root / "overlay.png"))

    # Fixed: the overlay goes and the deck is current again.
    demo.write_text(demo.read_text().replace('print("bye")', '# endregion\n    print("bye")'))
    page.wait_for_selector(".authoring-error", state="detached", timeout=PATIENCE_MS)
    page.close()


def test_a_save_soon_after_a_slide_change_reloads_on_that_slide(
    browser: Browser, toy: ToyDeck, watched: LiveRunner
) -> None:
    page = opened(browser, f"{watched.url}/#/0/0")
    # reveal.js writes the hash at once only when it has not for a second: the
    # first change is written, the second waits, and the save comes before it.
    page.wait_for_timeout(1_200)
    page.evaluate("() => Reveal.slide(0, 1)")
    page.wait_for_function("() => location.hash === '#/0/1'")
    page.evaluate("() => Reveal.slide(0, 2)")
    page.wait_for_timeout(200)
    assert page.evaluate("() => location.hash") == "#/0/1"  # the race, as the save meets it
    slides(toy, "Second, edited")
    page.wait_for_function(
        "() => window.Reveal && Reveal.isReady() &&"
        " document.querySelector('.slides').textContent.includes('Second, edited')",
        timeout=PATIENCE_MS,
    )
    assert page.evaluate("() => Reveal.getIndices()")["v"] == 2
    assert "Hello" in current_slide_text(page)
    page.close()


def test_without_authoring_the_page_asks_once_and_listens_to_nothing(
    browser: Browser, toy: ToyDeck
) -> None:
    slides(toy, "Second")
    builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package)
    app = create_app(demos=[], deck_dir=toy.build_dir, fork_server=False)
    with LiveRunner(app) as runner:
        page = browser.new_page()
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(f"{runner.url}/")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        page.wait_for_timeout(500)
        assert f"{runner.url}/api/authoring" in asked
        assert not any("/api/authoring/events" in url for url in asked)
        page.close()


def test_the_speaker_view_follows_a_rebuild(
    browser: Browser, toy: ToyDeck, watched: LiveRunner
) -> None:
    page = opened(browser, f"{watched.url}/#/0/1")
    with page.expect_popup() as popup:
        page.keyboard.press("s")
    speaker = popup.value
    current = speaker.frame_locator("#current-slide iframe")
    current.locator("h2", has_text="Second").wait_for(timeout=PATIENCE_MS)

    slides(toy, "Second, edited")
    page.wait_for_function(
        SHOWS_EDITED,
        timeout=PATIENCE_MS,
    )
    # The reloaded deck finds its speaker view again, which shows the new slide.
    current.locator("h2", has_text="Second, edited").wait_for(timeout=PATIENCE_MS)
    page.keyboard.press("ArrowDown")
    current.locator("h2", has_text="Hello").wait_for(timeout=PATIENCE_MS)
    speaker.close()
    page.close()
