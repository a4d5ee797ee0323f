"""A real runner under uvicorn in a process of its own, and the client that reads its runs.

A process of its own, not a thread, so that the client measuring it (httpx, or
Chromium) never shares a GIL with the server it times, as on the presenter's laptop.
The benchmarks' app serves the catalog's demos plus the benchmark-only ones below
(never in the catalog, so never on a slide), and optionally a deck directory at /.
The tests serve theirs the same way (tests/harness/reliability.py), and read run
streams with the same :class:`EventReader`.
"""

import codecs
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx
from fastapi import FastAPI

from runner.deck import catalog
from runner.deck.demo import Demo
from runner.service.app import create_app
from runner.settings import PROJECT_ROOT

# Benchmark-only demos: the catalog's ids stay the only ones a deck can run.
BENCH_DEMOS = (
    Demo("ticker", "benchmarks.ticker", needs_database=False),
    Demo("flood-lines", "benchmarks.flood_lines", needs_database=False),
    Demo("flood-megabyte", "benchmarks.flood_megabyte", needs_database=False),
    # The tests' floods, for benchmarks/floods.py.
    Demo("one-huge-line", "tests.harness.fixture_demos.one_huge_line", needs_database=False),
    Demo(
        "hundred-megabytes", "tests.harness.fixture_demos.hundred_megabytes", needs_database=False
    ),
    Demo("newlines", "tests.harness.fixture_demos.newlines", needs_database=False),
)
START_TIMEOUT_S = 20


class LiveServer:
    """A runner on a free loopback port in a process of its own; a context manager.

    The one way the tests and the benchmarks serve a runner from another process: `app`
    is a uvicorn factory (by default this module's :func:`create`; the reliability
    tests name theirs), told by SERVED_FORK_SERVER and SERVED_DECK_DIR whether to start
    the fork server and which deck to serve; ``settings`` become TALK_* variables and
    ``env`` is added to the server's environment.
    """

    def __init__(
        self,
        *,
        fork_server: bool = True,
        deck_dir: Path | None = None,
        app: str = "benchmarks.live_server:create",
        env: Mapping[str, str] | None = None,
        **settings: object,
    ) -> None:
        self.fork_server = fork_server
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.env = {
            **os.environ,
            "SERVED_FORK_SERVER": "1" if fork_server else "0",
            "SERVED_DECK_DIR": str(deck_dir or ""),
            **{f"TALK_{name.upper()}": str(value) for name, value in settings.items()},
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "enter the runner first"
        return self.process.pid

    def __enter__(self) -> Self:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                self.app,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--no-access-log",  # they would only add noise
                "--timeout-graceful-shutdown",
                "3",
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process is None:
            return
        # uvicorn's own clean shutdown, which stops the fork server and any run.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the runner exited with {self.process.returncode}")
            try:
                # The lifespan (and so the fork server) is up before uvicorn answers.
                if httpx.get(f"{self.url}/api/demos", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the runner did not answer within {START_TIMEOUT_S} s")


def create() -> FastAPI:
    """The benchmarks' app: the catalog's demos and BENCH_DEMOS (uvicorn --factory)."""
    deck = os.environ.get("SERVED_DECK_DIR")
    return create_app(
        demos=(*catalog.demos(), *BENCH_DEMOS),
        deck_dir=Path(deck) if deck else None,
        fork_server=os.environ.get("SERVED_FORK_SERVER", "1") == "1",
    )


@dataclass(frozen=True)
class Arrival:
    """One server-sent event of a run, stamped with the moment its last byte was read."""

    name: str
    data: str
    wall: float  # time.time(): comparable with a time.time() printed by the demo
    perf: float  # time.perf_counter(): for intervals within this process


class EventReader:
    """Server-sent events as the HTML standard parses them, fed text as it arrives.

    The one parser of the tests and the benchmarks (the deck's is assets/runner/sse.js).
    Our streams end lines with LF only.
    """

    def __init__(self) -> None:
        self._rest = ""
        self._name = ""
        self._data: list[str] = []

    def feed(self, text: str) -> list[tuple[str, str]]:
        """The events that text completes, as (name, data), in order."""
        *lines, self._rest = (self._rest + text).split("\n")
        events = []
        for line in lines:
            if line == "":
                if self._data:
                    events.append((self._name or "message", "\n".join(self._data)))
                self._name, self._data = "", []
            elif not line.startswith(":"):
                field, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if field == "event":
                    self._name = value
                elif field == "data":
                    self._data.append(value)
        return events

    @property
    def inside_an_event(self) -> bool:
        """Whether what was fed so far stops in the middle of an event."""
        return bool(self._rest or self._name or self._data)


def parse_events(raw: str) -> list[tuple[str, str]]:
    """The complete events of a whole stream."""
    return EventReader().feed(raw)


def arrivals(response: httpx.Response) -> Iterator[Arrival]:
    """A streamed response's events the moment each arrives; an error if it ends inside one."""
    reader, decoder = EventReader(), codecs.getincrementaldecoder("utf-8")()
    # iter_raw yields what each socket read returned: no waiting for more.
    for chunk in response.iter_raw():
        wall, perf = time.time(), time.perf_counter()
        for name, data in reader.feed(decoder.decode(chunk)):
            yield Arrival(name, data, wall, perf)
    if reader.inside_an_event:
        raise RuntimeError("the stream ended inside an event")


async def arrivals_async(response: httpx.Response) -> AsyncIterator[Arrival]:
    """:func:`arrivals` for an async client."""
    reader, decoder = EventReader(), codecs.getincrementaldecoder("utf-8")()
    async for chunk in response.aiter_raw():
        wall, perf = time.time(), time.perf_counter()
        for name, data in reader.feed(decoder.decode(chunk)):
            yield Arrival(name, data, wall, perf)
    if reader.inside_an_event:
        raise RuntimeError("the stream ended inside an event")


def run_events(client: httpx.Client, url: str, demo_id: str, **headers: str) -> Iterator[Arrival]:
    """POST a run and yield its events the moment they arrive, as the deck reads them."""
    with client.stream("POST", f"{url}/api/demos/{demo_id}/run", headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"run {demo_id}: {response.status_code} {response.read()!r}")
        if not response.headers["content-type"].startswith("text/event-stream"):
            raise RuntimeError(f"run {demo_id}: {response.headers['content-type']}, not SSE")
        yield from arrivals(response)


# Below every default ephemeral range (Linux from 32768, macOS and Windows from 49152).
SERVER_PORTS = range(20000, 32768)


def free_port() -> int:
    """A loopback port nothing is bound to now, for a server started a moment later.

    Not one the kernel picks (port 0): those come from the ephemeral range, which every
    outgoing connection (a client of a runner, of MariaDB) also draws its local port
    from, and one of them took a port between this check and uvicorn's bind in CI.
    """
    while True:
        port = random.choice(SERVER_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
