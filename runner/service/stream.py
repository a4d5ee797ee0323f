"""The response that streams a run to the slide, and stops the run when the slide leaves.

The stream's contract (events, fields, order, limits) is written once, in docs/wire.md.
The framing is FastAPI's own (:func:`fastapi.sse.format_sse_event`, byte for byte,
made linear for output frames of many lines); this module adds
what a run needs on top of it: the run stops the moment the client goes away, and a
client cannot hold a place in the pool by not reading, or by reading very slowly.
FastAPI's ``EventSourceResponse`` is for endpoints that yield: its sending loop is
FastAPI's, with no place for a send limit or a deadline, so ours is a Starlette
``StreamingResponse`` that sends FastAPI's frames itself.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterable, Awaitable, Callable, Coroutine
from dataclasses import asdict
from typing import Any

from fastapi.sse import format_sse_event
from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from runner.execution.events import Event, Output, portable
from runner.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)
# A client that accepts nothing for this long has stopped reading (a frozen tab, a
# stalled socket): its run is stopped and its place in the pool freed. send() only
# waits once uvicorn's write buffer is full, which a reading client empties in
# milliseconds, so a live slide never comes near this.
SEND_STALL_S = 2.0
# How long the whole stream may last beyond the run's time limit. A run ends by
# then on its own (the limit, then at most the stop grace, the reaping and the
# drain, about 3 s); only a client reading very slowly is still being sent to.
STREAM_MARGIN_S = 5.0


def wire(event: Event) -> tuple[str, str]:
    """The event's name and data on the wire (docs/wire.md).

    Output names the project's files as a recording does (relative), so a live run
    takes the room fit.js measured for the recorded one.
    """
    if isinstance(event, Output):
        return event.stream, portable(event.text, PROJECT_ROOT)
    return "exit", json.dumps(asdict(event))


def frame(event: Event) -> bytes:
    """The event as server-sent event bytes, ending with the blank line that dispatches it."""
    name, data = wire(event)
    return sse_frame(name, data)


def sse_frame(name: str, data: str) -> bytes:
    """FastAPI's framing (format_sse_event), byte for byte, in time linear in C, not per line.

    An output frame may hold 32,768 empty lines: format_sse_event builds a string per
    line (7 ms a frame, 230 ms of the loop for a megabyte of them), one replace() does
    the same in 0.2 ms. Output never holds a CR (runner.execution.events ends lines at
    it), the one case this would frame differently; such data goes the long way.
    """
    if "\r" in data:
        return format_sse_event(event=name, data_str=data)
    data = data.replace("\n", "\ndata: ")
    return f"event: {name}\ndata: {data}\n\n".encode()


class RunStreamResponse(StreamingResponse):
    """Sends each event of a run the moment it is queued, as ``text/event-stream``.

    It listens for the client going away the whole time, not only when it next
    writes: a demo that is sleeping writes nothing, and must still be stopped at
    once when the presenter clicks Stop. Each send may stall for SEND_STALL_S at
    most, and the whole stream lasts deadline_s at most. ``on_close`` runs however
    the stream ends.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        run: AsyncIterable[Event],
        *,
        on_close: Callable[[], Awaitable[None]],
        deadline_s: float,
    ) -> None:
        super().__init__(frame(event) async for event in run)
        self.on_close = on_close
        self.deadline_s = deadline_s
        # As FastAPI sends its own event streams: no caching, no proxy buffering.
        self.headers["cache-control"] = "no-cache"
        self.headers["x-accel-buffering"] = "no"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with asyncio.timeout(self.deadline_s) as deadline:
                forward = await until_done_or_gone(
                    self.stream_response(_stall_limited(send)), receive
                )
                if forward.done() and not forward.cancelled():
                    forward.result()  # an error while sending is the server's to log
        except TimeoutError:
            # Leaving the response unfinished makes uvicorn drop the connection.
            if deadline.expired():
                logger.warning(
                    "a stream lasted %g s, its deadline; its run is stopped", self.deadline_s
                )
            else:
                logger.warning(
                    "a client stopped reading for %g s; its run is stopped", SEND_STALL_S
                )
        finally:
            await self.on_close()


def _stall_limited(send: Send) -> Send:
    async def send_in_time(message: Message) -> None:
        async with asyncio.timeout(SEND_STALL_S):
            await send(message)

    return send_in_time


async def until_done_or_gone(
    work: Coroutine[Any, Any, None], receive: Receive
) -> asyncio.Task[None]:
    """work's task, once work has ended or the client has gone, whichever came first.

    The other is cancelled, and both are waited for: from Python 3.12 no loop step may
    come between this return and the caller's next line (asyncio.wait_for no longer
    wraps a coroutine in a task), so a cancellation not waited for has not yet run.
    """
    working = asyncio.create_task(work)
    gone = asyncio.create_task(_client_gone(receive))
    try:
        await asyncio.wait({working, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        working.cancel()
        gone.cancel()
        await asyncio.wait({working, gone})
    return working


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
