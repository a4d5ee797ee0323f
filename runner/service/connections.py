"""How many connections the runner holds, and for how long, so no page can starve it.

Every connection costs a file descriptor, and macOS starts a shell with 256 of them.
A page on any site can make a browser open connections to the runner's port (no-cors
fetches under many host names), and a local process can open them half-sent. So:

* the soft open-file limit is raised to the hard one at start
  (:func:`runner.execution.limits.raise_open_file_limit`);
* a connection has REQUEST_TIMEOUT_S to send a whole request, headers and body,
  counted from its start or from its last response (uvicorn itself times out only an
  idle keep-alive, and nothing times a body); past it, it is dropped;
* at most MAX_WAITING connections may be waiting to send a request, or the rest of
  its body, at once; a new one past that closes the one that has waited longest, so a
  flood of silent or half-sent connections costs a few dozen descriptors and never
  the places the deck and its health poll need: a fresh request still gets in;
* the listening socket's BACKLOG is also how many connections asyncio accepts in one
  go before any of them is seen (uvicorn's default, 2048, would take every descriptor
  at once, and asyncio logs a traceback per failed accept);
* at most MAX_CONNECTIONS are served at once (uvicorn's ``limit_concurrency``:
  a 503 past it), refused requests close their connection (runner.service.security),
  and WebSocket upgrades are not served at all (``ws="none"``).
"""

import asyncio
import weakref
from collections import OrderedDict
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

REQUEST_TIMEOUT_S = 10.0
MAX_WAITING = 64
MAX_CONNECTIONS = 128
BACKLOG = 32
KEEP_ALIVE_S = 5

_Waiting = OrderedDict["BoundedH11Protocol", None]
_waiting_by_server: "weakref.WeakKeyDictionary[ServerState, _Waiting]" = weakref.WeakKeyDictionary()


def uvicorn_options() -> dict[str, Any]:
    """The uvicorn.Config keywords that put these bounds in force."""
    return {
        "http": BoundedH11Protocol,
        "ws": "none",
        "limit_concurrency": MAX_CONNECTIONS,
        "timeout_keep_alive": KEEP_ALIVE_S,
        "backlog": BACKLOG,
    }


# The states of the client's side while its request is not all in: before its
# headers, and between its headers and the end of its body.
_RECEIVING = (h11.IDLE, h11.SEND_BODY)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with the request timeout and the bound on waiting connections."""

    max_waiting = MAX_WAITING

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_timer: asyncio.TimerHandle | None = None
        self._waiting = _waiting_by_server.setdefault(self.server_state, OrderedDict())

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_waiting()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state not in _RECEIVING:  # a whole request is in
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state in _RECEIVING:
            self._start_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def _start_waiting(self) -> None:
        self._stop_waiting()
        self._waiting[self] = None
        self._request_timer = self.loop.call_later(REQUEST_TIMEOUT_S, self._drop)
        while len(self._waiting) > self.max_waiting:
            oldest = next(iter(self._waiting))
            oldest._drop()

    def _stop_waiting(self) -> None:
        self._waiting.pop(self, None)
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _drop(self) -> None:
        self._stop_waiting()
        if not self.transport.is_closing():
            self.transport.close()
