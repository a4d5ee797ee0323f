"""The audience listener's app: read-only, for the room's phones and laptops.

It serves, to GET requests only: the viewer's page (/), the follow stream (/follow),
the deck's own pictures, scripts and styles (/assets/..., /highlight.css). It has
none of the runner's routes (nothing under /api exists here), no Run, no Stop, no
editing: nothing on this port starts, stops or changes anything. Any other method
is answered 405 before a route is looked at; a Host that is not loopback or one of
the addresses the audience URLs name is refused (runner.service.security).
"""

import json
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from runner.service.audience import FollowHub
from runner.service.audience_page import ViewerPage
from runner.service.audience_stream import follow
from runner.service.policy import BrowserPolicy
from runner.service.security import RequestGuard


def create_audience_app(hub: FollowHub, deck_dir: Path, hosts: Sequence[str] = ()) -> ASGIApp:
    """The read-only app for the deck built in deck_dir; hosts are the names its URLs use."""
    page = ViewerPage(deck_dir / "index.html")

    async def viewer_page(_request: Request) -> Response:
        return Response(page.body(), media_type="text/html; charset=utf-8")

    async def highlight(_request: Request) -> Response:
        return FileResponse(deck_dir / "highlight.css", media_type="text/css")

    app = Starlette(
        routes=[
            Route("/", viewer_page, methods=["GET"]),
            Route("/follow", _FollowStream(hub), methods=["GET"]),
            Route("/highlight.css", highlight, methods=["GET"]),
            Mount("/assets", StaticFiles(directory=deck_dir / "assets"), name="assets"),
        ]
    )
    guarded = RequestGuard(app, hosts=hosts)
    return ReadOnly(BrowserPolicy(guarded))


class ReadOnly:
    """ASGI middleware: GET only; every other method is refused with 405, nothing read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] != "GET":
            reason = f"refused: the audience port is read-only ({scope['method']} is not served)"
            body = json.dumps({"detail": reason}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"allow", b"GET"),
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


class _FollowStream:
    """The follow stream as an ASGI endpoint (a function would be taken for a request handler)."""

    def __init__(self, hub: FollowHub) -> None:
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await follow(self.hub, scope, receive, send)
