"""From print to screen: how late each line of a running demo arrives, and whether it comes alone.

The ticker demo prints its own time.time() every 50 ms. Each line's delay is the
moment it arrived minus that printed time: at an HTTP client (httpx, reading the
stream as the deck does), and in headless Chromium's DOM, where the deck's own
assets/runner.js appends it to the output box (a MutationObserver takes the time
as each line's span is added). Both clocks are this machine's wall clock
(CLOCK_REALTIME): Python's time.time() and the page's timeOrigin + performance.now()
read it directly, and the offset measured between them is stored with the figures.
"""

import shutil
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

from benchmarks.figures import Figure
from benchmarks.live_server import LiveServer, run_events
from benchmarks.ticker import LINES
from runner.deck.browser import CHROMIUM_FLAGS, chromium
from runner.settings import PROJECT_ROOT

TARGET_P95_MS = 15.0
# The deck's markup contract with runner.js (see runner/deck/templates/talk), one demo only.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>streaming benchmark</title>
<script type="module" src="assets/runner.js"></script></head>
<body><div class="demo" data-demo-id="ticker" data-needs-database="false">
<div class="demo-output" data-source="none"><pre class="demo-stream"></pre></div>
</div></body></html>
"""
WATCH_OUTPUT = """() => {
  new MutationObserver((records) => {
    const at = (performance.timeOrigin + performance.now()) / 1000;
    for (const record of records)
      for (const node of record.addedNodes)
        if (node.classList && node.classList.contains('stdout'))
          window.arrivals.push([node.textContent, at]);
  }).observe(document.querySelector('.demo-stream'), {childList: true});
}"""
RUN_DONE = """() => !document.querySelector('.demo').classList.contains('demo-running')
  && document.querySelector('.demo-status') !== null"""
PAGE_CLOCK = "() => (performance.timeOrigin + performance.now()) / 1000"


def measure(quick: bool) -> list[Figure]:
    runs = 2 if quick else 5
    with tempfile.TemporaryDirectory(prefix="talk-bench-stream-") as tmp:
        deck = _page_dir(Path(tmp))
        with LiveServer(deck_dir=deck) as server:
            http_delays, http_whole = _over_http(server.url, runs)
            page_delays, page_whole, offset_ms = _in_chromium(server.url, runs)
    lines = f"{LINES} lines 50 ms apart x {runs} runs, fork server"
    return [
        Figure(
            "streaming",
            "print to httpx client, p95",
            "ms",
            http_delays,
            TARGET_P95_MS,
            note=f"delay of every stdout line, {lines}",
        ),
        Figure(
            "streaming",
            "print to Chromium DOM, p95",
            "ms",
            page_delays,
            TARGET_P95_MS,
            note=f"delay until runner.js added the line's span, {lines}",
            extra={"page_clock_minus_python_clock_ms": offset_ms},
        ),
        Figure(
            "streaming",
            "lines that arrived as an event of their own, httpx",
            "%",
            http_whole,
            100,
            better="higher",
            note="per run: events equal to one line",
        ),
        Figure(
            "streaming",
            "lines that arrived as a span of their own, Chromium",
            "%",
            page_whole,
            100,
            better="higher",
            note="per run: spans equal to one line",
        ),
    ]


def _over_http(url: str, runs: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    delays: list[float] = []
    whole: list[float] = []
    with httpx.Client(timeout=60) as client:
        for _ in range(runs):
            lines = [
                (event.data, event.wall)
                for event in run_events(client, url, "ticker")
                if event.name == "stdout"
            ]
            delays += _delays(lines)
            whole.append(_whole_lines(lines))
    return tuple(delays), tuple(whole)


def _in_chromium(url: str, runs: int) -> tuple[tuple[float, ...], tuple[float, ...], float]:
    delays: list[float] = []
    whole: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/")
            page.wait_for_selector(".demo-run")
            offset_ms = _clock_offset_ms(page)
            page.evaluate(WATCH_OUTPUT)
            for _ in range(runs):
                page.evaluate("window.arrivals = []")
                page.click(".demo-run")
                page.wait_for_function(RUN_DONE, timeout=30_000)
                lines = [(text, at) for text, at in page.evaluate("window.arrivals")]
                delays += _delays(lines)
                whole.append(_whole_lines(lines))
        finally:
            browser.close()
    return tuple(delays), tuple(whole), offset_ms


def _clock_offset_ms(page: Page) -> float:
    """The page clock minus ours, from the tightest of several round trips (about 1 ms)."""
    trips: list[tuple[float, float]] = []
    for _ in range(20):
        before = time.time()
        theirs = page.evaluate(PAGE_CLOCK)
        after = time.time()
        trips.append((after - before, theirs - (before + after) / 2))
    return round(min(trips)[1] * 1000, 3)


def _delays(lines: list[tuple[str, float]]) -> list[float]:
    """Milliseconds from each line's printed time.time() to its arrival."""
    return [(at - float(text.split()[0])) * 1000 for text, at in lines]


def _whole_lines(lines: list[tuple[str, float]]) -> float:
    """The percentage of the ticker's lines that arrived as exactly one event, in order.

    A line split in two, or two lines in one, make more or fewer events than lines.
    """
    whole = sum(
        1
        for number, (text, _) in enumerate(lines)
        if text.count("\n") == 1 and text.endswith(f" {number}\n")
    )
    return 100 * whole / max(len(lines), LINES)


def _page_dir(root: Path) -> Path:
    """A one-demo page using the deck's real runner.js and its modules, served by the runner."""
    assets = PROJECT_ROOT / "assets"
    shutil.copytree(assets / "runner", root / "assets" / "runner")
    shutil.copyfile(assets / "runner.js", root / "assets" / "runner.js")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    return root
