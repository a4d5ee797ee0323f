"""Drawing a flood: how the deck in headless Chromium copes with a demo that prints too much.

A runaway demo must not freeze the slide or its Stop button. Two floods are run
from their slides through a real runner, clicked like a presenter would: 10,000
short lines, and 1,000-character lines cut at the 1 MiB output cap. For each run:
how long after the exit event arrived the final status was drawn, the longest
main-thread task (Chromium's Long Tasks API, which reports tasks over 50 ms; none
counts as 0), and how many line elements the output box holds at the end.
"""

import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from benchmarks import stage_deck
from benchmarks.figures import Figure
from benchmarks.live_server import BENCH_DEMOS, LiveServer
from runner.deck.browser import CHROMIUM_FLAGS, chromium

FLOODS = {"flood-lines": "10,000 short lines", "flood-megabyte": "1 MiB of long lines"}
EXIT_TO_STATUS_TARGET_MS = 1000.0
LONGEST_TASK_TARGET_MS = 100.0
# Long tasks from here on are collected in window.longTasks (durations in ms).
WATCH_LONG_TASKS = """() => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
  }).observe({ type: 'longtask' });
}"""
GO_TO_DEMO = """(id) => {
  const demo = document.querySelector(`.demo[data-demo-id="${id}"]`);
  const where = Reveal.getIndices(demo.closest('section'));
  Reveal.slide(where.h, where.v);
  return talkRunner.indexOf(demo);
}"""
RUN_DONE = "(index) => talkRunner.state(index).phase === 'done'"
RESULT = """(index) => {
  const state = talkRunner.state(index);
  const demo = document.querySelectorAll('.demo[data-demo-id]')[index];
  return {
    exitToStatusMs: state.timing.drawnAt - state.timing.exitAt,
    clickToStatusMs: state.timing.drawnAt - state.timing.clickAt,
    status: state.status && state.status.text,
    longTasks: window.longTasks,
    spans: demo.querySelectorAll('.demo-stream > span').length,
    total: state.total,
  };
}"""


def run_flood(page: Page, base_url: str, demo_id: str) -> dict[str, Any]:
    """Open the deck on the demo's slide, click Run, and wait for the run's end."""
    page.goto(base_url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.talkRunner")
    index = page.evaluate(GO_TO_DEMO, demo_id)
    page.evaluate(WATCH_LONG_TASKS)
    page.locator(f'.demo[data-demo-id="{demo_id}"] .demo-run').click()
    page.wait_for_function(RUN_DONE, arg=index, timeout=60_000)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    result: dict[str, Any] = page.evaluate(RESULT, index)
    return result


def measure(quick: bool) -> list[Figure]:
    runs = 2 if quick else 5
    floods = [d for d in BENCH_DEMOS if d.id in FLOODS]
    samples: dict[str, list[dict[str, Any]]] = {d.id: [] for d in floods}
    with tempfile.TemporaryDirectory(prefix="talk-rendering-") as scratch:
        deck = stage_deck.build(Path(scratch), floods)
        with (
            LiveServer(deck_dir=deck) as server,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(
                executable_path=str(chromium()), args=CHROMIUM_FLAGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for _ in range(runs):
                for demo in floods:
                    samples[demo.id].append(run_flood(page, server.url + "/", demo.id))
            browser.close()
    figures = []
    for demo_id, results in samples.items():
        label = FLOODS[demo_id]
        figures += [
            Figure(
                "rendering",
                f"{label}: exit event to final status drawn",
                "ms",
                tuple(round(r["exitToStatusMs"], 1) for r in results),
                EXIT_TO_STATUS_TARGET_MS,
            ),
            Figure(
                "rendering",
                f"{label}: longest main-thread task",
                "ms",
                tuple(round(max(r["longTasks"], default=0.0), 1) for r in results),
                LONGEST_TASK_TARGET_MS,
                note="Long Tasks API: only tasks over 50 ms are reported; none counts as 0",
                extra={"long_tasks_per_run": [len(r["longTasks"]) for r in results]},
            ),
            Figure(
                "rendering",
                f"{label}: click to final status",
                "ms",
                tuple(round(r["clickToStatusMs"], 1) for r in results),
                note="the whole run as the room sees it",
                extra={
                    "status": results[-1]["status"],
                    "lines_in_page": [r["spans"] for r in results],
                    "lines_printed": [r["total"] for r in results],
                },
            ),
        ]
    return figures
