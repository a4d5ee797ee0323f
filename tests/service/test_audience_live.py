"""`talk serve --audience` over real sockets, loopback only: 300 viewers follow the payoff
while /api/health answers; a viewer that reads a byte a second is dropped and the others
get everything; the audience port refuses everything but GET of its own pages and
starts no process."""

import asyncio
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.live_server import parse_events
from runner.deck import catalog
from runner.service import audience, audience_stream
from tests.harness.audience import (
    LiveAudience,
    follow,
    viewer_address,
)
from tests.harness.runner import FIXTURE_DEMOS, descendants, running_fixture_demos, settings
from tests.service.test_audience_app import RUNNER_PATHS, deck

VIEWERS = 300


def presenter_run(url: str, demo_id: str) -> list[tuple[str, str]]:
    with (
        httpx.Client(base_url=url, timeout=60) as client,
        client.stream("POST", f"/api/demos/{demo_id}/run") as response,
    ):
        assert response.status_code == 200, response.read()
        return parse_events(response.read().decode())


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    return deck(tmp_path)


@pytest.mark.asyncio
async def test_300_viewers_get_every_event_of_the_payoff_in_order(
    database_url: str, deck_dir: Path, no_fixture_demos_left: None
) -> None:
    with LiveAudience(settings(), catalog.demos(), deck_dir) as live:
        async with httpx.AsyncClient(base_url=live.runner_url) as presenter:
            put = await presenter.put("/api/audience/position", json={"h": 4, "v": 5, "f": -1})
            assert put.status_code == 204

        def done(got: object) -> bool:
            events = got.events  # type: ignore[attr-defined]
            return bool(events) and events[-1][1] == "end"

        viewers = [
            asyncio.create_task(follow(live.audience_url, viewer_address(i), until=done))
            for i in range(VIEWERS)
        ]
        await asyncio.to_thread(live.wait_for_viewers, VIEWERS)
        health_ms: list[float] = []
        running = True

        def poll_health() -> None:
            with httpx.Client(base_url=live.runner_url, timeout=10) as client:
                while running:
                    started = time.perf_counter()
                    assert client.get("/api/health").status_code == 200
                    health_ms.append((time.perf_counter() - started) * 1000)
                    time.sleep(0.05)

        poller = asyncio.create_task(asyncio.to_thread(poll_health))
        ran = await asyncio.to_thread(presenter_run, live.runner_url, "payoff")
        followed = await asyncio.wait_for(asyncio.gather(*viewers), 120)
        running = False
        await poller

    assert ran[-1][0] == "exit" and '"code": 0' in ran[-1][1]
    for got in followed:
        # Every numbered event, none missing, none twice, in order: the position,
        # the run's start, each event of the slide's stream, the end.
        assert got.ids == list(range(1, len(got.ids) + 1))
        assert [name for _, name, _ in got.events][:2] == ["position", "run"]
        assert got.positions == [{"h": 4, "v": 5, "f": -1}]
        assert got.runs == {1: ran}
    assert len(health_ms) >= 3
    print(f"\n/api/health during the run: {len(health_ms)} answers, max {max(health_ms):.1f} ms")


@pytest.mark.asyncio
async def test_a_viewer_reading_a_byte_a_second_is_dropped_and_the_others_get_everything(
    deck_dir: Path, no_fixture_demos_left: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audience_stream, "SEND_STALL_S", 2.0)
    # A flood the size of half the hub's log: a viewer keeping up never falls off it.
    cap = audience.LOG_BYTES // 2 // 2
    with LiveAudience(settings(output_cap_bytes=cap), FIXTURE_DEMOS, deck_dir) as live:
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.bind(("127.1.9.9", 0))
        slow.connect(("127.0.0.2", int(live.audience_url.rsplit(":", 1)[1])))
        host = live.audience_url.removeprefix("http://")
        slow.sendall(f"GET /follow HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        stop_reading = asyncio.Event()

        async def read_a_byte_a_second() -> int:
            slow.setblocking(False)
            loop = asyncio.get_running_loop()
            read = 0
            while not stop_reading.is_set():
                try:
                    async with asyncio.timeout(1):
                        if await loop.sock_recv(slow, 1):
                            read += 1
                except TimeoutError:
                    pass
                await asyncio.sleep(1)
            return read

        slow_reader = asyncio.create_task(read_a_byte_a_second())
        await asyncio.to_thread(live.wait_for_viewers, 1)

        def done(got: object) -> bool:
            events = got.events  # type: ignore[attr-defined]
            return bool(events) and events[-1][1] == "end"

        others = [
            asyncio.create_task(follow(live.audience_url, viewer_address(i), until=done))
            for i in range(10)
        ]
        await asyncio.to_thread(live.wait_for_viewers, 11)
        ran = await asyncio.to_thread(presenter_run, live.runner_url, "flood")
        followed = await asyncio.wait_for(asyncio.gather(*others), 60)
        deadline = time.monotonic() + 30
        while live.hub.dropped < 1:
            assert time.monotonic() < deadline, "the slow viewer was not dropped within 30 s"
            await asyncio.sleep(0.1)
        held = live.hub.held_bytes()
        stop_reading.set()
        read = await slow_reader
        slow.close()

    assert ran[-1][0] == "exit" and '"truncated": true' in ran[-1][1]
    assert live.hub.dropped == 1  # the slow one, and only it
    assert read < 100
    for got in followed:
        assert got.ids == list(range(1, len(got.ids) + 1))
        assert got.runs == {1: ran}
    # What the hub holds is bounded by its log and the replays it keeps, not by viewers.
    assert held <= audience.LOG_BYTES + audience.KEPT_RUNS * (audience.RUN_REPLAY_BYTES + 4096)


@pytest.fixture
def live_audience(deck_dir: Path) -> Iterator[LiveAudience]:
    with LiveAudience(settings(), FIXTURE_DEMOS, deck_dir) as live:
        yield live


def test_the_audience_port_serves_gets_of_its_own_pages_only_and_starts_nothing(
    live_audience: LiveAudience, no_fixture_demos_left: None
) -> None:
    before = descendants(os.getpid())
    answers: dict[tuple[str, str], int] = {}
    with httpx.Client(base_url=live_audience.audience_url, timeout=10) as client:
        for path in ["/", "/follow", "/assets/payoff.svg", *RUNNER_PATHS, "/api/demos/sleeper/run"]:
            for method in ["POST", "PUT", "DELETE", "PATCH"]:
                answers[(method, path)] = client.request(method, path).status_code
            if path not in ("/", "/follow", "/assets/payoff.svg"):
                answers[("GET", path)] = client.get(path).status_code
        page = client.get("/")
    assert {key: status for key, status in answers.items() if status not in (404, 405)} == {}
    assert all(status == 405 for (method, _), status in answers.items() if method != "GET")
    assert page.status_code == 200
    assert running_fixture_demos() == []
    assert descendants(os.getpid()) <= before  # no process started
