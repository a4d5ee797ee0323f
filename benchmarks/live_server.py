"""A real runner for the benchmarks: `talk serve`'s app under uvicorn, in a process of its own.

A process of its own, not a thread, so that the client measuring it (httpx, or
Chromium) never shares a GIL with the server it times, as on the presenter's laptop.
It serves the catalog's demos plus the benchmark-only ones below (never in the
catalog, so never on a slide), and optionally a deck directory at /.

``python -m benchmarks.live_server PORT [--plain] [--deck DIR]`` is how
:class:`LiveServer` starts it.
"""

import argparse
import codecs
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from demos import catalog
from demos.catalog import Demo
from runner.service.app import create_app
from runner.settings import PROJECT_ROOT

# Benchmark-only demos: the catalog's ids stay the only ones a deck can run.
BENCH_DEMOS = (
    Demo("ticker", "benchmarks.ticker", needs_database=False),
    Demo("flood-lines", "benchmarks.flood_lines", needs_database=False),
    Demo("flood-megabyte", "benchmarks.flood_megabyte", needs_database=False),
    # The tests' 100 MB floods, for benchmarks/floods.py.
    Demo("one-huge-line", "tests.harness.fixture_demos.one_huge_line", needs_database=False),
    Demo(
        "hundred-megabytes", "tests.harness.fixture_demos.hundred_megabytes", needs_database=False
    ),
)
START_TIMEOUT_S = 20


class LiveServer:
    """A runner on a free loopback port, with or without the fork server; a context manager."""

    def __init__(self, *, fork_server: bool = True, deck_dir: Path | None = None) -> None:
        self.fork_server = fork_server
        self.deck_dir = deck_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "LiveServer":
        command = [sys.executable, "-m", "benchmarks.live_server", str(self.port)]
        if not self.fork_server:
            command.append("--plain")
        if self.deck_dir is not None:
            command += ["--deck", str(self.deck_dir)]
        self._process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL)
        try:
            self._wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is None:
            return
        # SIGINT: uvicorn's own clean shutdown, which stops the fork server and any run.
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _wait_until_up(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the runner exited with {self._process.returncode}")
            try:
                # The lifespan (and so the fork server) is up before uvicorn answers.
                if httpx.get(f"{self.url}/api/demos", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the runner did not answer within {START_TIMEOUT_S} s")


@dataclass(frozen=True)
class Arrival:
    """One server-sent event of a run, stamped with the moment its last byte was read."""

    name: str
    data: str
    wall: float  # time.time(): comparable with a time.time() printed by the demo
    perf: float  # time.perf_counter(): for intervals within this process


def run_events(client: httpx.Client, url: str, demo_id: str) -> Iterator[Arrival]:
    """POST a run and yield its events the moment they arrive, as the deck reads them."""
    with client.stream("POST", f"{url}/api/demos/{demo_id}/run") as response:
        if response.status_code != 200:
            raise RuntimeError(f"run {demo_id}: {response.status_code} {response.read()!r}")
        decoder = codecs.getincrementaldecoder("utf-8")()
        buffer = ""
        # iter_raw yields what each socket read returned: no waiting for more.
        for chunk in response.iter_raw():
            wall, perf = time.time(), time.perf_counter()
            *complete, buffer = (buffer + decoder.decode(chunk)).split("\n\n")
            for block in complete:
                yield Arrival(*_parse_event(block), wall, perf)


def _parse_event(block: str) -> tuple[str, str]:
    """One event of our streams (LF only, no comments), as an SSE parser reads it."""
    name, data = "message", []
    for line in block.split("\n"):
        field, _, value = line.partition(": ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    return name, "\n".join(data)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_server")
    parser.add_argument("port", type=int)
    parser.add_argument("--plain", action="store_true", help="no fork server")
    parser.add_argument("--deck", type=Path, help="a directory to serve at /")
    args = parser.parse_args()
    app = create_app(
        demos=(*catalog.demos(), *BENCH_DEMOS), deck_dir=args.deck, fork_server=not args.plain
    )
    # The same server `talk serve` runs; access logs off, they would only add noise.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
