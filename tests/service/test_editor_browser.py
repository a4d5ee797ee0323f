"""Edit and rerun in headless Chromium: the token from the URL's fragment, Run, Reset."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from runner.deck import builder, catalog
from runner.service.app import create_app
from runner.service.authoring import Authoring
from tests.harness.runner import LiveRunner
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.browser

TOKEN = "browser-test-token-0123456789abcdef"
PATIENCE_MS = 20_000


def stdout(page: Page) -> str:
    text: str = page.evaluate(
        "() => [...document.querySelectorAll('.demo-stream .stdout')]"
        ".map(s => s.textContent).join('')"
    )
    return text


@pytest.fixture
def editable(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveRunner]:
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    toy.write("01-start.md", f"# Start\n\nHi.\n\n## Hello\n\n{toy.link('hello.py', 'greet')}\n")
    builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package)
    app = create_app(
        demos=lambda: catalog.discover(toy.slides, toy.package),
        deck_dir=toy.build_dir,
        fork_server=False,
        authoring=Authoring(edit_token=TOKEN),
    )
    with LiveRunner(app) as runner:
        yield runner


def test_the_slide_runs_its_edited_code_and_reset_brings_the_original_back(
    browser: Browser, toy: ToyDeck, editable: LiveRunner
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{editable.url}/#edit={TOKEN}")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert TOKEN not in page.url  # taken out of the address bar at once
    page.evaluate("() => Reveal.slide(0, 1)")
    code = page.wait_for_selector(".demo-editable .demo-code pre", timeout=PATIENCE_MS)
    session = page.evaluate("() => sessionStorage.getItem('talk-edit-token')")
    assert session and session != TOKEN  # exchanged for a session token
    demo_file = toy.package / "hello.py"
    on_disk = demo_file.read_text()

    code.click()
    page.keyboard.press("Control+End")
    page.keyboard.type('\nprint("edited live")')
    page.keyboard.press("Escape")
    assert page.is_visible(".demo-reset")
    page.click(".demo-run")
    page.wait_for_selector(".demo-status", timeout=PATIENCE_MS)
    assert stdout(page) == "hello\nedited live\nbye\n"
    assert page.get_attribute(".demo-status", "data-kind") == "ok"
    page.screenshot(path=str(toy.root / "edited-1280x720.png"))
    assert demo_file.read_text() == on_disk

    page.click(".demo-reset")
    assert "edited live" not in page.text_content(".demo-code pre")
    assert not page.is_visible(".demo-reset")
    page.click(".demo-run")
    page.wait_for_function(
        "() => !document.querySelector('.demo-running') && "
        "document.querySelector('.demo-status')?.dataset.kind === 'ok'",
        timeout=PATIENCE_MS,
    )
    assert stdout(page) == "hello\nbye\n"
    page.close()


def test_the_printed_url_works_once_a_reload_keeps_the_session_history_is_dead(
    browser: Browser, editable: LiveRunner
) -> None:
    first = browser.new_page(viewport={"width": 1280, "height": 720})
    first.goto(f"{editable.url}/#edit={TOKEN}")
    first.wait_for_selector(".demo-editable", state="attached", timeout=PATIENCE_MS)
    first.reload()  # the same tab: its session token is kept
    first.wait_for_selector(".demo-editable", state="attached", timeout=PATIENCE_MS)
    again = browser.new_page(viewport={"width": 1280, "height": 720})
    again.goto(f"{editable.url}/#edit={TOKEN}")  # from the history, in another tab
    again.wait_for_function("() => window.Reveal && Reveal.isReady()")
    again.wait_for_timeout(500)
    assert again.query_selector(".demo-editable") is None
    first.close()
    again.close()


def test_without_the_token_the_code_is_not_editable(browser: Browser, editable: LiveRunner) -> None:
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(f"{editable.url}/#/0/1")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.wait_for_timeout(300)
    assert page.query_selector(".demo-editable") is None
    assert page.query_selector(".demo-reset") is None
    page.close()
