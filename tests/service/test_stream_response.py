"""The run's SSE response (runner/service/stream.py) as a plain ASGI call, as Starlette
tests its own: a fake run, hand-made receive and send, no server, no process.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from benchmarks.live_server import parse_events
from runner.execution.events import Exit, Output
from runner.service import stream
from runner.service.stream import RunStreamResponse

pytestmark = [pytest.mark.fast, pytest.mark.asyncio]

SCOPE = {"type": "http", "method": "POST", "path": "/", "headers": [], "asgi": {"version": "3.0"}}


class FakeRun:
    """A run's events, then (if hang) nothing more, as a demo that sleeps; it notes being closed."""

    def __init__(self, *events: Output | Exit, hang: bool = False) -> None:
        self.events = events
        self.hang = hang
        self.closed = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[Output | Exit]:
        try:
            for event in self.events:
                yield event
            if self.hang:
                await asyncio.Event().wait()
        finally:
            self.closed.set()


class Client:
    """What the response sent, and a receive that says `http.disconnect` when told to."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.gone = asyncio.Event()
        self.closes = 0

    async def receive(self) -> dict[str, Any]:
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def on_close(self) -> None:
        self.closes += 1

    @property
    def text(self) -> str:
        return b"".join(
            m.get("body", b"") for m in self.sent if m["type"] == "http.response.body"
        ).decode()

    @property
    def finished(self) -> bool:
        last = self.sent[-1] if self.sent else {}
        return last.get("type") == "http.response.body" and not last.get("more_body", False)


def respond(run: FakeRun, client: Client, deadline_s: float = 10.0) -> RunStreamResponse:
    return RunStreamResponse(run, on_close=client.on_close, deadline_s=deadline_s)  # type: ignore[arg-type]


async def test_a_run_is_sent_as_its_events_in_order_then_the_response_ends() -> None:
    client = Client()
    run = FakeRun(Output("stdout", "one\n"), Output("stderr", "two"), Exit(0, 1.25))
    await respond(run, client)(SCOPE, client.receive, client.send)
    start = client.sent[0]
    headers = {name.decode(): value.decode() for name, value in start["headers"]}
    assert (start["status"], headers["content-type"]) == (200, "text/event-stream; charset=utf-8")
    assert (headers["cache-control"], headers["x-accel-buffering"]) == ("no-cache", "no")
    events = parse_events(client.text)
    assert events[:2] == [("stdout", "one\n"), ("stderr", "two")]
    assert events[2][0] == "exit" and '"elapsed_s": 1.25' in events[2][1]
    assert client.finished and client.closes == 1


async def test_a_client_that_leaves_mid_run_stops_it_at_once() -> None:
    client = Client()
    run = FakeRun(Output("stdout", "first\n"), hang=True)
    call = asyncio.create_task(respond(run, client)(SCOPE, client.receive, client.send))
    while "first" not in client.text:
        await asyncio.sleep(0.01)
    client.gone.set()
    await asyncio.wait_for(call, 5)
    assert run.closed.is_set()  # the run was stopped, not left sleeping
    assert client.closes == 1
    assert not client.finished


async def test_a_stream_past_its_deadline_is_cut_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="runner.service.stream")
    client = Client()
    run = FakeRun(Output("stdout", "first\n"), hang=True)
    await asyncio.wait_for(
        respond(run, client, deadline_s=0.2)(SCOPE, client.receive, client.send), 5
    )
    assert "first" in client.text and not client.finished
    assert run.closed.is_set() and client.closes == 1
    assert "its deadline" in caplog.text


async def test_a_client_that_stops_reading_is_let_go(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "SEND_STALL_S", 0.1)
    caplog.set_level(logging.WARNING, logger="runner.service.stream")
    client = Client()
    stuck = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        if message.get("body"):
            await stuck.wait()  # the socket's buffer is full and nobody reads
        await client.send(message)

    run = FakeRun(Output("stdout", "x\n"), Exit(0, 0.1))
    await asyncio.wait_for(respond(run, client)(SCOPE, client.receive, send), 5)
    assert client.closes == 1 and not client.finished
    assert "stopped reading" in caplog.text


async def test_on_close_runs_when_sending_fails() -> None:
    client = Client()

    async def send(message: dict[str, Any]) -> None:
        if message.get("body"):
            raise OSError("connection reset")
        await client.send(message)

    with pytest.raises(OSError, match="connection reset"):
        await respond(FakeRun(Output("stdout", "x\n")), client)(SCOPE, client.receive, send)
    assert client.closes == 1


async def test_output_names_the_projects_files_as_a_recording_does() -> None:
    """A live run takes the room fit.js measured for the recorded one: same paths."""
    line = f'  File "{stream.PROJECT_ROOT}/demos/python_async/missing_await.py", line 27\n'
    events = parse_events(stream.frame(Output("stderr", line)).decode())
    assert events == [("stderr", '  File "demos/python_async/missing_await.py", line 27\n')]
