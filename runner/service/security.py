"""The rules that keep a web page elsewhere from running demos on the presenter's laptop.

The runner executes code, so every request passes this gate before any route runs:

* the Host header must name the loopback interface (``localhost``, ``127.0.0.1``,
  ``[::1]`` or any other loopback address, any port), or the one other address
  ``talk serve --host`` was told to bind. A page on another site that re-points its
  own name at 127.0.0.1 (DNS rebinding) still sends its own name as Host, and is
  refused;
* a request that can change something (any method but GET, HEAD and OPTIONS) must
  come from the runner's own pages: an ``Origin`` other than this runner's, or
  ``Sec-Fetch-Site: cross-site``, is refused. With neither header (curl) it passes;
* a request body is at most a few bytes (no route reads one but an edited run's and a
  saved rehearsal's, which have limits of their own), so a larger one is refused
  before it is read in full.

A refused request closes its connection (``Connection: close``): a page cannot
hold a descriptor with it. The runner speaks HTTP only: any other kind of ASGI
connection (a WebSocket) is refused before it reaches an app.

The runner never sends CORS headers, so no other origin can read its answers either.
"""

import ipaddress
import json
import re
from collections.abc import Iterable, Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(host: str) -> str | None:
    """The name in a Host header (lower case, brackets kept), or None if it is malformed."""
    host = host.lower()
    if host.startswith("["):
        address, _, rest = host.partition("]")
        name, port = address + "]", rest.removeprefix(":")
        if rest and not rest.startswith(":"):
            return None
    else:
        name, _, port = host.partition(":")
    return name if port == "" or port.isdigit() else None


def is_loopback(name: str | None) -> bool:
    """Whether a host name or address (IPv6 in brackets or not, no port) is this machine's
    loopback interface: the project's one test of it."""
    if not name:
        return False
    name = name.lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def loopback_host(host: str) -> bool:
    """Whether a Host header names this machine's loopback interface, with any port."""
    return is_loopback(host_name(host))


class RequestGuard:
    """ASGI middleware: refuse a request that breaks a rule above, with a one-line JSON reason."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int = MAX_BODY_BYTES,
        hosts: Iterable[str] = (),
        path_limits: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.hosts = {name.lower() for name in hosts if name}
        self.path_limits = tuple(path_limits)

    def _limit(self, scope: Scope) -> int:
        """The body limit of this path: its own, if it has one, else the default."""
        path = str(scope.get("path", ""))
        return next((n for p, n in self.path_limits if p.fullmatch(path)), self.max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "HTTP only"})
            return
        if scope["type"] != "http":  # the lifespan: start-up and shut-down
            await self.app(scope, receive, send)
            return
        if refusal := self._refusal(scope, Headers(scope=scope)):
            await _refuse(send, *refusal)
            return
        if scope["method"] not in _SAFE_METHODS:
            try:
                body = await _read_body(receive, self._limit(scope))
            except _ClientGone:  # dropped before its body was in: nothing runs
                return
            if body is None:
                await _refuse(send, *self._too_large(scope))
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> tuple[int, str] | None:
        """The status and reason to refuse with, judged on the headers alone."""
        host = headers.get("host", "")
        if not loopback_host(host) and host_name(host) not in self.hosts:
            return 400, (
                f"refused: Host {host!r} is not this runner's loopback address "
                "(open http://127.0.0.1:<port>/)"
            )
        if scope["method"] not in _SAFE_METHODS and (reason := _cross_site(headers, host)):
            return 403, reason
        declared = headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > self._limit(scope):
            return self._too_large(scope)
        return None

    def _too_large(self, scope: Scope) -> tuple[int, str]:
        return 413, f"refused: request bodies here are limited to {self._limit(scope)} bytes"


def _cross_site(headers: Headers, host: str) -> str | None:
    if headers.get("sec-fetch-site", "").lower() == "cross-site":
        return "refused: a cross-site request may not run demos"
    origin = headers.get("origin")
    if origin is not None and origin.lower() != f"http://{host.lower()}":
        return f"refused: Origin {origin!r} is not this runner (http://{host})"
    return None


class _ClientGone(Exception):
    """The connection ended before the request's body was all in."""


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None once it grows past limit (chunked bodies declare no size)."""
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        body += bytes(message.get("body", b""))
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return body


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands over the body read already, then the real messages
    (the run stream listens on it for the client going away)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
