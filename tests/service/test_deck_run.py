"""Run on the slide, end to end: `talk serve`, the real deck, headless Chromium.

The deck is built into a directory of the test's own, with a recorded output for
`gather`, so the offline case has something recorded to keep.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from benchmarks.live_server import free_port
from runner.deck import catalog, recordings
from tests.harness.preview import serving
from tests.harness.runner import demo_runs_below

pytestmark = pytest.mark.browser

GO_TO_DEMO = """(id) => {
  const slide = document.querySelector(`.demo[data-demo-id="${id}"]`).closest('section');
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  return Reveal.getCurrentSlide() === slide;
}"""
# Where the slide and the page sit: a run must move neither.
PLACEMENT = """() => ({
  indices: Reveal.getIndices(),
  top: Reveal.getCurrentSlide().getBoundingClientRect().top,
  scroll: [window.scrollY, document.querySelector('.reveal').scrollTop],
})"""


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("deck")
    gather = catalog.find("gather")
    assert gather is not None
    recordings.save(target, recordings.record([gather]))
    return target


@pytest.fixture(scope="module")
def talk_serve(build_dir: Path, database_url: str) -> Iterator[tuple[str, int]]:
    """`talk serve` as a presenter starts it; it builds the (missing) deck first."""
    port = free_port()
    env = {**os.environ, "TALK_BUILD_DIR": str(build_dir), "TALK_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [sys.executable, "-m", "runner.cli", "serve", "--no-browser", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url + "api/health"):
            assert server.poll() is None, server.communicate()[1]
            assert time.monotonic() < deadline, "talk serve did not answer within 60 s"
            time.sleep(0.2)
        yield url, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        assert server.stderr is not None
        server.stderr.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def open_demo(page: Page, url: str, demo_id: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    assert page.evaluate(GO_TO_DEMO, demo_id)


def test_run_streams_gather_into_its_slide_without_moving_it(
    page: Page, talk_serve: tuple[str, int]
) -> None:
    url, _ = talk_serve
    open_demo(page, url, "gather")
    demo = page.locator('.demo[data-demo-id="gather"]')
    before = page.evaluate(PLACEMENT)

    demo.locator(".demo-run").click()
    page.wait_for_function(
        "() => document.querySelector("
        "'.demo[data-demo-id=gather]').classList.contains('demo-running')"
    )
    assert demo.locator(".demo-run").inner_text().strip() == "Stop"
    status = demo.locator(".demo-status")
    status.wait_for(timeout=15_000)
    assert demo.locator(".demo-output").get_attribute("data-source") == "live"

    stream = demo.locator(".demo-stream").inner_text()
    took = re.search(r"^It took (\d+\.\d+) seconds", stream, re.M)
    assert took and float(took[1]) >= 1.0, stream  # gather's longest await is 1 s
    assert "And finally me!" in stream
    # Exit 0 after at least the 1 s the demo awaits; a busy machine only adds to it.
    exit_status = re.fullmatch(r"exit 0 · (\d+\.\d\d) s", status.inner_text())
    assert exit_status and float(exit_status[1]) >= 1.0, status.inner_text()
    assert demo.locator(".demo-recorded-note").is_hidden()  # live output replaced it
    assert demo.locator(".demo-run").inner_text().strip() == "Run"
    assert page.evaluate(PLACEMENT) == before
    runner_dot = page.locator(".runner-indicator .runner-state")
    assert runner_dot.get_attribute("data-up") == "true"
    assert page.locator(".runner-indicator .database-state").get_attribute("data-up") == "true"


def test_the_r_key_runs_the_demo_on_the_current_slide(
    page: Page, talk_serve: tuple[str, int]
) -> None:
    url, _ = talk_serve
    open_demo(page, url, "coroutine-object")
    page.keyboard.press("r")
    status = page.locator('.demo[data-demo-id="coroutine-object"] .demo-status')
    status.wait_for(timeout=15_000)
    assert status.inner_text().startswith("exit ")


def test_stop_ends_a_running_demo_and_its_process(page: Page, talk_serve: tuple[str, int]) -> None:
    url, server_pid = talk_serve
    open_demo(page, url, "sequential-awaits")
    button = page.locator('.demo[data-demo-id="sequential-awaits"] .demo-run')

    button.click()
    page.wait_for_function(
        "() => document.querySelector("
        "'.demo[data-demo-id=sequential-awaits]').classList"
        ".contains('demo-running')"
    )
    deadline = time.monotonic() + 5
    while not demo_runs_below(server_pid):
        assert time.monotonic() < deadline, "the demo never started"
        time.sleep(0.05)
    button.click()  # Stop

    status = page.locator('.demo[data-demo-id="sequential-awaits"] .demo-status')
    status.wait_for(timeout=5_000)
    assert status.inner_text() == "stopped"
    assert button.inner_text().strip() == "Run"
    deadline = time.monotonic() + 5
    while demo_runs_below(server_pid):
        assert time.monotonic() < deadline, "the demo outlived Stop"
        time.sleep(0.05)
    assert (
        "It took"
        not in page.locator('.demo[data-demo-id="sequential-awaits"] .demo-stream').inner_text()
    )


def test_without_a_runner_the_recording_stays_and_run_says_so(
    page: Page, build_dir: Path, talk_serve: tuple[str, int]
) -> None:
    assert (build_dir / "index.html").is_file()  # built by talk serve
    with serving(build_dir) as url:
        open_demo(page, url, "gather")
        demo = page.locator('.demo[data-demo-id="gather"]')
        recorded = demo.locator(".demo-stream").inner_text()
        assert re.search(r"^It took \d+\.\d+ seconds", recorded, re.M), recorded  # its timing

        demo.locator(".demo-run").click()
        status = demo.locator(".demo-status")
        status.wait_for(timeout=5_000)
        assert status.inner_text() == "No runner here: start one with `talk serve`"
        assert demo.locator(".demo-stream").inner_text() == recorded
        assert demo.locator(".demo-output").get_attribute("data-source") == "recorded"
        page.wait_for_function(
            "() => document.querySelector('.runner-indicator .runner-state').dataset.up === 'false'"
        )
