"""One viewer's follow stream: server-sent events from the hub, until the viewer goes or lags.

A viewer is sent the current state first (runner.service.audience), then every
event as it is published, in order, each with its sequence number as ``id:``. It is
dropped (the connection closed without more) when it falls behind the hub's log, or
when any one send waits longer than SEND_STALL_S: a phone that stopped reading costs
the presenter nothing. A comment every HEARTBEAT_S keeps idle connections honest.
"""

import asyncio
import contextlib
import json
import logging
from contextvars import ContextVar

from fastapi.sse import format_sse_event
from starlette.types import Receive, Scope, Send

from runner.service.audience import Behind, FollowHub, Refused, Viewer
from runner.service.stream import until_done_or_gone

logger = logging.getLogger(__name__)
# Set in a dropped viewer's own task, where uvicorn then logs the unfinished response.
_dropping: ContextVar[bool] = ContextVar("dropping_a_viewer", default=False)
SEND_STALL_S = 5.0
HEARTBEAT_S = 15.0
# How long a dropped viewer's page waits before it reconnects (EventSource's retry).
RETRY_MS = 3000
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


async def follow(hub: FollowHub, scope: Scope, receive: Receive, send: Send) -> None:
    """Serve the follow stream to one viewer (an ASGI app for one request)."""
    client = scope.get("client")
    address = str(client[0]) if client else "unknown"
    try:
        viewer, first = hub.join(address)
    except Refused as refusal:
        await _refuse(send, refusal)
        return
    dropped = False
    try:
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        first = format_sse_event(retry=RETRY_MS) + first
        sending = await until_done_or_gone(_send_events(hub, viewer, first, send), receive)
        if sending.done() and not sending.cancelled():
            try:
                sending.result()
            except (Behind, TimeoutError):
                # Left unfinished, the response makes uvicorn close the connection.
                dropped = True
                _dropping.set(True)
            else:  # the listener is stopping: the stream ends as streams do
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(SEND_STALL_S):
                        await send({"type": "http.response.body", "body": b""})
    finally:
        hub.leave(viewer, dropped=dropped)


async def _send_events(hub: FollowHub, viewer: Viewer, first: bytes, send: Send) -> None:
    await _send_in_time(send, first)
    while not hub.closed:
        changed = hub.changed()
        data = hub.take(viewer)
        if data:
            await _send_in_time(send, data)
            continue
        try:
            async with asyncio.timeout(HEARTBEAT_S):
                await changed.wait()
        except TimeoutError:
            await _send_in_time(send, b": \n\n")


async def _send_in_time(send: Send, body: bytes) -> None:
    async with asyncio.timeout(SEND_STALL_S):
        await send({"type": "http.response.body", "body": body, "more_body": True})


async def _refuse(send: Send, refusal: Refused) -> None:
    body = json.dumps({"detail": refusal.reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"retry-after", b"10"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class QuietDrops(logging.Filter):
    """Leaves out uvicorn's error for a response left unfinished when that is a viewer
    dropped on purpose (a room's slow phones are no error); it stays for anything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_dropping.get() and record.getMessage().startswith("ASGI callable returned"))
