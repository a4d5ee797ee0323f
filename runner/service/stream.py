"""The response that streams a run to the slide, and stops the run when the slide leaves."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from runner.execution.events import encode
from runner.execution.runs import Run

logger = logging.getLogger(__name__)
# A client that accepts nothing for this long has stopped reading (a frozen tab, a
# stalled socket): its run is stopped and its place in the pool freed. send() only
# waits once uvicorn's write buffer is full, which a reading client empties in
# milliseconds, so a live slide never comes near this.
SEND_STALL_S = 2.0


class RunStreamResponse(Response):
    """Sends each event of a run the moment it is queued, as ``text/event-stream``.

    It listens for the client going away the whole time, not only when it next
    writes: a demo that is sleeping writes nothing, and must still be stopped at
    once when the presenter clicks Stop. ``on_close`` runs however the stream ends.
    """

    media_type = "text/event-stream"

    def __init__(self, run: Run, on_close: Callable[[], Awaitable[None]]) -> None:
        self.run = run
        self.on_close = on_close
        self.status_code = 200
        self.background = None
        # No body and so no Content-Length: the stream ends when the run does.
        self.init_headers({"cache-control": "no-cache", "x-accel-buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            forward = asyncio.create_task(self._forward(send))
            gone = asyncio.create_task(_client_gone(receive))
            try:
                await asyncio.wait({forward, gone}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                forward.cancel()
                gone.cancel()
            if forward.done() and not forward.cancelled():
                forward.result()  # an error while sending is the server's to log
        except TimeoutError:
            # Leaving the response unfinished makes uvicorn drop the connection.
            logger.warning("a client stopped reading for %g s; its run is stopped", SEND_STALL_S)
        finally:
            await self.on_close()

    async def _forward(self, send: Send) -> None:
        async def send_in_time(message: Message) -> None:
            async with asyncio.timeout(SEND_STALL_S):
                await send(message)

        await send_in_time(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        async for event in self.run:
            await send_in_time(
                {"type": "http.response.body", "body": encode(event), "more_body": True}
            )
        await send_in_time({"type": "http.response.body", "body": b"", "more_body": False})


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
