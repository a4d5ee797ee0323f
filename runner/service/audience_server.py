"""`talk serve --audience`: the read-only audience listener beside the runner, in one process.

The runner stays on loopback; this second uvicorn server listens on the local network
(every IPv4 interface by default) on its own port, in the same event loop, so that the
presenter's runs reach the follow stream with no copy between processes. Its socket
is bound before anything starts (a taken port is one line, not a traceback), with a
fixed kernel send buffer: a viewer that stops reading fills it quickly, and is
dropped (runner.service.audience_stream) instead of holding megabytes.
"""

import logging
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from runner.service import connections
from runner.service.audience import MAX_VIEWERS, FollowHub
from runner.service.audience_app import create_audience_app
from runner.service.audience_net import audience_urls
from runner.service.audience_routes import Audience
from runner.service.audience_stream import QuietDrops

SEND_BUFFER_BYTES = 64 * 1024
SHUTDOWN_GRACE_S = 1
# A room scans the title slide's QR code at once: hundreds connect within a second.
BACKLOG = 512
MAX_WAITING = MAX_VIEWERS  # the header timeout still applies


class AudienceProtocol(connections.BoundedH11Protocol):
    """The runner's bounded connections, with room for a room's worth arriving at once."""

    max_waiting = MAX_WAITING


class AudienceServer(uvicorn.Server):
    """A uvicorn server that ends its follow streams first when it stops, so that they
    finish as streams do (the viewers' pages reconnect) instead of being cancelled."""

    def __init__(self, config: uvicorn.Config, hub: FollowHub) -> None:
        super().__init__(config)
        self.hub = hub

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.hub.close()
        await super().shutdown(sockets)


class AudiencePortError(Exception):
    """The audience port cannot be listened on; the message says which and why."""


@dataclass
class AudienceListener:
    audience: Audience
    server: uvicorn.Server
    sock: socket.socket


def prepare(host: str, port: int, deck_dir: Path) -> AudienceListener:
    """Bind the audience port and make its server (not started yet)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise AudiencePortError(
            f"the audience listener cannot use {host}:{port} ({error.strerror or error}); "
            "choose another with --audience-port"
        ) from error
    port = int(sock.getsockname()[1])  # the one chosen, when asked for port 0
    # Without a LAN address the page still answers on this machine's loopback.
    urls = audience_urls(host, port) or [f"http://127.0.0.1:{port}/"]
    hosts = [url.split("//", 1)[1].rsplit(":", 1)[0] for url in urls]
    hub = FollowHub()
    options = connections.uvicorn_options()
    # Each viewer holds one connection: the runner's bound is for one presenter.
    options.update(
        http=AudienceProtocol,
        limit_concurrency=MAX_VIEWERS + MAX_WAITING,
        backlog=BACKLOG,
    )
    config = uvicorn.Config(
        create_audience_app(hub, deck_dir, hosts),
        log_level="warning",
        access_log=False,  # a roomful of phones would bury the runner's own lines
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        lifespan="off",
        **options,
    )
    errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietDrops) for f in errors.filters):
        errors.addFilter(QuietDrops())
    return AudienceListener(Audience(hub, urls), AudienceServer(config, hub), sock)


def announce(listener: AudienceListener) -> None:
    """Tell the presenter where the room follows, and what that exposes."""
    say = _say
    for url in listener.audience.urls:
        say(f"audience: the room follows at {url}")
    if all("//127." in url for url in listener.audience.urls):
        say("audience: no LAN address found: is this machine on the room's network?")
    say(
        "audience: read-only (the slides without notes, where you are, your runs' output); "
        "nothing on it runs, stops or edits"
    )


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
