"""The stage deck (benchmarks/stage_deck.py) served by a real runner: Run in a real browser.

Its demos: two of the talk's (gather, and engine-connect, which needs the
database), one that prints only after a pause, one that pauses mid-line, and
the floods of the rendering benchmark plus an endless one. gather,
engine-connect and late are recorded, so a test can see what happens to a
recording.

One deck (built by whichever worker asks first) and one runner serving it per worker
are shared by every test module that runs demos on the stage (the fixtures stage_dir
and stage_url, in tests/service/conftest.py); a test that needs other settings serves
the deck again.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page

from benchmarks import stage_deck
from benchmarks.live_server import BENCH_DEMOS
from benchmarks.rendering import GO_TO_DEMO
from runner.deck import catalog
from runner.deck.demo import Demo
from runner.service.app import create_app
from tests.harness.runner import FIXTURES, LiveRunner, settings

# Port 1 on loopback refuses at once: a database server that is down.
DEAD_DATABASE_URL = "mysql+pymysql://root@127.0.0.1:1/exampledb"
LATE = Demo("late", f"{FIXTURES}.late", needs_database=False)
FLOOD = Demo("flood", f"{FIXTURES}.flood", needs_database=False)
PAUSES = Demo("pauses", f"{FIXTURES}.pauses", needs_database=False)
RECORDED = (*(d for d in catalog.demos() if d.id in ("gather", "engine-connect")), LATE)
DEMOS = (*RECORDED, PAUSES, *(d for d in BENCH_DEMOS if d.id.startswith("flood-")), FLOOD)


def build(target: Path) -> Path:
    """The deck, its recordings made now (the database must be up)."""
    return stage_deck.build(target, DEMOS, record=RECORDED)


@contextmanager
def serving(deck: Path, database_url: str, **overrides: object) -> Iterator[str]:
    """The deck and its runner on a free loopback port; yields the deck's URL."""
    app = create_app(
        settings=settings(database_url=database_url, **overrides), demos=DEMOS, deck_dir=deck
    )
    with LiveRunner(app) as runner:
        yield runner.url + "/"


def open_demo(page: Page, url: str, demo_id: str) -> int:
    """Open the deck on the demo's slide; the demo's index for window.talkRunner."""
    page.goto(url)
    page.wait_for_function("() => window.Reveal && Reveal.isReady() && window.talkRunner")
    index: int = page.evaluate(GO_TO_DEMO, demo_id)
    assert index >= 0
    return index


def wait_for_end(page: Page, index: int, timeout_ms: float = 30_000) -> dict[str, object]:
    """The demo's state once its run is over."""
    page.wait_for_function(
        "(i) => talkRunner.state(i).phase !== 'running'", arg=index, timeout=timeout_ms
    )
    state: dict[str, object] = page.evaluate("(i) => talkRunner.state(i)", index)
    return state
