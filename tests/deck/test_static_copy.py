"""build/index.html opened from disk: the static copy shows every recorded output.

Browsers load no ES modules from file://, so assets/runner.js does not run there:
the recording is in the page itself, reveal.js and the classic scripts still run,
and no Run button offers what no runner could do.
"""

import pytest
from playwright.sync_api import Browser

from runner.deck import builder
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.browser


def test_the_copy_opened_from_disk_shows_its_recording_and_no_run(
    browser: Browser, toy: ToyDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The recording runs the toy demo as `python -m`: it must find the toy package.
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    toy.write("01-start.md", f"# Start\n\nOpening.\n\n## Hello\n\n{toy.link('hello.py')}\n")
    index = builder.build(
        record=True, slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package
    )
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(index.as_uri() + "#/0/1")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")

    demo = page.locator('.demo[data-demo-id="hello"]')
    assert demo.is_visible()
    shown = demo.locator(".demo-stream").inner_text().splitlines()
    assert sorted(shown) == ["bye", "hello", "to stderr"]  # stdout, then stderr
    assert demo.locator(".demo-output").get_attribute("data-source") == "recorded"
    assert demo.locator(".demo-recorded-note").is_visible()
    assert page.locator(".demo-run").count() == 0
    assert errors == []
    page.close()
