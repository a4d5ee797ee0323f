"""The run stream of docs/wire.md: its framing, and its limits against slow clients."""

import json
import logging
import socket
import threading
import time

import httpx
import pytest
from fastapi.sse import format_sse_event
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.live_server import parse_events
from runner.deck.demo import Demo
from runner.execution.events import Exit, Output, portable
from runner.service.app import create_app
from runner.service.stream import frame
from runner.settings import PROJECT_ROOT
from tests.harness.runner import FIXTURE_DEMOS, FIXTURES, LiveRunner, settings


# Any text a run can produce: no CR (it ends a line) and no lone surrogate (the
# decoder turns bytes that are not UTF-8 into U+FFFD, never into a surrogate).
@pytest.mark.fast
@given(st.text(alphabet=st.characters(exclude_characters="\r", exclude_categories=["Cs"])))
def test_any_output_text_survives_the_framing_exactly(text: str) -> None:
    assert parse_events(frame(Output("stderr", text)).decode()) == [("stderr", text)]


@pytest.mark.fast
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_output_is_framed_byte_for_byte_as_fastapi_frames_it(text: str) -> None:
    expected = format_sse_event(event="stdout", data_str=portable(text, PROJECT_ROOT))
    assert frame(Output("stdout", text)) == expected


@pytest.mark.fast
def test_a_line_is_framed_as_one_data_field_per_line_and_a_blank_line() -> None:
    assert frame(Output("stdout", "x\n")) == b"event: stdout\ndata: x\ndata: \n\n"
    assert frame(Output("stdout", "partial")) == b"event: stdout\ndata: partial\n\n"


@pytest.mark.fast
def test_the_exit_event_carries_its_four_fields_as_json() -> None:
    [(name, data)] = parse_events(frame(Exit(-9, 1.5, timed_out=True)).decode())
    assert name == "exit"
    assert json.loads(data) == {"code": -9, "elapsed_s": 1.5, "timed_out": True, "truncated": False}


# A demo that prints 100 MB at once; the cap keeps 8 MiB of it, about 10 MB of
# events, which the slow client below would need over a minute to read.
HUNDRED_MEGABYTES = Demo("hundred-megabytes", f"{FIXTURES}.hundred_megabytes", needs_database=False)
CAP = 8 * 1024 * 1024


class SlowReader(threading.Thread):
    """A client that reads a run's stream a little at a time, about 150 KB/s, never stopping."""

    def __init__(self, port: int, demo_id: str) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # no autotuning either
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(
            f"POST /api/demos/{demo_id}/run HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n".encode()
        )
        self.received = bytearray()
        self.hurry = threading.Event()
        self.ended = threading.Event()

    def run(self) -> None:
        self.sock.settimeout(30)
        with self.sock:
            while data := self.sock.recv(8192):
                self.received += data
                if not self.hurry.is_set():
                    time.sleep(0.04)
        self.ended.set()


# A 100 MB flood read for about ten seconds: the deadline itself is tested in
# milliseconds as an ASGI call (tests/service/test_stream_response.py).
@pytest.mark.large
def test_a_client_reading_very_slowly_cannot_hold_a_place_past_the_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A demo done in a moment, a client that would take over a minute to read its output:
    the stream is cut at its deadline (the time limit plus a margin) and the place freed.

    Both kernel buffers are fixed small, so the client's pace reaches the server: with
    autotuned buffers loopback TCP holds megabytes and wakes the writer in bursts.
    """
    caplog.set_level(logging.WARNING, logger="runner.service.stream")
    limits = settings(run_timeout_s=2.0, output_cap_bytes=CAP, max_concurrent_runs=1)
    app = create_app(settings=limits, demos=[*FIXTURE_DEMOS, HUNDRED_MEGABYTES])
    with LiveRunner(app, send_buffer_bytes=16384) as live:
        reader = SlowReader(live.port, HUNDRED_MEGABYTES.id)
        reader.start()
        with httpx.Client(base_url=live.url, timeout=30) as client:
            # Without a deadline the place is held for as long as the client reads.
            give_up = time.monotonic() + 30
            while (status := client.post("/api/demos/failing/run").status_code) == 429:
                assert time.monotonic() < give_up, "the slow client still holds its place"
                time.sleep(0.5)
        assert status == 200
        reader.hurry.set()
        assert reader.ended.wait(30), "the connection was not closed"

    stream = reader.received.decode(errors="replace")
    assert "event: stdout" in stream and "event: exit" not in stream  # cut, not finished
    assert len(reader.received) < CAP
    assert "its deadline" in caplog.text
    assert "stopped reading" not in caplog.text  # the deadline freed it, not the stall limit
