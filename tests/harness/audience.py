"""`talk serve --audience` in a test: the runner on 127.0.0.1 and its audience listener on
127.0.0.2 (loopback, a second address: nothing leaves the machine), both in one event
loop of a thread of their own, as runner.service.server runs them; and viewers of the
follow stream, each from a loopback address of its own, as phones in a room would be."""

import asyncio
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from runner.deck.demo import Demo
from runner.service import audience_server
from runner.service.app import create_app
from runner.service.audience import FollowHub
from runner.service.server import SHUTDOWN_GRACE_S
from runner.settings import Settings
from tests.conftest import unavailable

AUDIENCE_HOST = "127.0.0.2"


def loopback_addresses_usable() -> str | None:
    """Why this machine cannot stand for a room on loopback, or None if it can: Linux
    answers on all of 127.0.0.0/8; macOS only on 127.0.0.1 unless aliases are added."""
    for address in (AUDIENCE_HOST, viewer_address(0)):
        with socket.socket() as probe:
            try:
                probe.bind((address, 0))
            except OSError as error:
                return (
                    f"loopback address {address} is not usable here ({error.strerror}); "
                    f"on macOS: sudo ifconfig lo0 alias {address}"
                )
    return None


class LiveAudience:
    """The runner and its audience listener, started and stopped together."""

    def __init__(self, settings: Settings, demos: Sequence[Demo], deck_dir: Path) -> None:
        if reason := loopback_addresses_usable():
            unavailable(reason)
        self.listener = audience_server.prepare(AUDIENCE_HOST, 0, deck_dir)
        self.hub: FollowHub = self.listener.audience.hub
        self.audience_url = self.listener.audience.urls[0].rstrip("/")
        app = create_app(
            settings=settings, demos=demos, deck_dir=deck_dir, audience=self.listener.audience
        )
        self.runner = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=0,
                log_level="warning",
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
            )
        )
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    @property
    def runner_url(self) -> str:
        sockets = self.runner.servers[0].sockets
        return f"http://127.0.0.1:{sockets[0].getsockname()[1]}"

    async def _serve(self) -> None:
        runner = asyncio.create_task(self.runner.serve())
        audience = asyncio.create_task(self.listener.server.serve(sockets=[self.listener.sock]))
        try:
            await runner
        finally:
            self.listener.server.should_exit = True
            await audience

    def __enter__(self) -> "LiveAudience":
        self._thread.start()
        # Generous: a start only waits this long when the machine is very busy.
        deadline = time.monotonic() + 60
        while not (self.runner.started and self.listener.server.started):
            assert time.monotonic() < deadline, "the servers did not start within 60 s"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.runner.should_exit = True
        self._thread.join(15)

    def wait_for_viewers(self, count: int, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while self.hub.viewers < count:
            assert time.monotonic() < deadline, f"{self.hub.viewers} of {count} viewers joined"
            time.sleep(0.05)


@dataclass
class Followed:
    """What one viewer received: (id, name, data checksum) per numbered event, in order."""

    events: list[tuple[int, str, int]] = field(default_factory=list)
    runs: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    positions: list[dict[str, int]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [event[0] for event in self.events]


def viewer_address(index: int) -> str:
    """A loopback address of its own for viewer index (127.1.x.y)."""
    return f"127.1.{index // 250}.{index % 250 + 1}"


async def follow(
    url: str, local_address: str, *, until: Callable[[Followed], bool], timeout_s: float = 120
) -> Followed:
    """Read the follow stream at url until ``until`` holds; what came, checked as it came."""
    got = Followed()
    # Plain HTTP: no certificates to load for each of hundreds of clients.
    transport = httpx.AsyncHTTPTransport(local_address=local_address, verify=False)
    async with (
        httpx.AsyncClient(transport=transport, timeout=timeout_s) as client,
        client.stream("GET", f"{url}/follow") as response,
    ):
        assert response.status_code == 200, await response.aread()
        buffer = ""
        async for chunk in response.aiter_text():
            buffer += chunk
            *blocks, buffer = buffer.split("\n\n")
            for block in blocks:
                _take(got, block)
            if until(got):
                return got
    raise AssertionError(f"the stream ended before it was done: {got.ids[-5:]}")


def _take(got: Followed, block: str) -> None:
    fields: dict[str, list[str]] = {}
    for line in block.split("\n"):
        if line and not line.startswith(":"):
            name, _, value = line.partition(":")
            fields.setdefault(name, []).append(value.removeprefix(" "))
    if "id" not in fields:
        return  # hello, retry, a note: not numbered
    name, data = fields["event"][0], "\n".join(fields["data"])
    got.events.append((int(fields["id"][0]), name, zlib.crc32(data.encode())))
    parsed = json.loads(data)
    if name == "position":
        got.positions.append(parsed)
    elif name == "run":
        got.runs[parsed["run"]] = []
    elif name == "output" and parsed["run"] in got.runs:
        got.runs[parsed["run"]].append((parsed["event"], parsed["data"]))


def ended(run: int) -> Callable[[Followed], bool]:
    """Done once the run's end has come."""
    return lambda got: bool(got.events) and got.events[-1][1] == "end" and run in got.runs
