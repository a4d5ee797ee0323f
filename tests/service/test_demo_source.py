"""The catalog is read on a worker thread: a slow read never holds the runner's other requests."""

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from runner.deck.demo import Demo
from runner.service.app import create_app
from tests.harness.runner import FIXTURE_DEMOS, LiveRunner, settings


def test_a_slow_catalog_read_leaves_health_and_the_deck_answering() -> None:
    health_answered = threading.Event()
    readers: list[threading.Thread] = []

    def slow_catalog() -> Sequence[Demo]:
        readers.append(threading.current_thread())
        # Held until health has answered: read on the event loop, it never would.
        health_answered.wait(20)
        return FIXTURE_DEMOS

    app = create_app(settings=settings(), demos=slow_catalog, fork_server=False)
    with LiveRunner(app) as live, ThreadPoolExecutor(2) as pool:
        listing = pool.submit(httpx.get, f"{live.url}/api/demos", timeout=30)
        second = pool.submit(httpx.get, f"{live.url}/api/demos", timeout=30)
        health = httpx.get(f"{live.url}/api/health", timeout=10)
        health_answered.set()
        assert health.status_code == 200
        assert health_answered.is_set() and listing.result().status_code == 200
        assert [d["id"] for d in second.result().json()] == [d.id for d in FIXTURE_DEMOS]
    assert readers and all(reader is not live.thread for reader in readers)
    assert len(readers) <= 2  # requests that come while a read is on share it
