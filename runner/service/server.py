"""`talk serve`: the deck and its runner on one loopback port, the deck rebuilt when stale."""

import asyncio
import contextlib
import secrets
import sys
import webbrowser

import uvicorn

from demos.connection import REMEDY, DatabaseChoice, configured_server, driver_url
from runner import database
from runner.deck import sources
from runner.deck.slides import DeckError
from runner.execution.limits import raise_open_file_limit
from runner.service import audience_server, connections
from runner.service.app import create_app
from runner.service.authoring import Authoring
from runner.service.security import is_loopback, loopback_host
from runner.service.watch import DeckWatcher
from runner.settings import Settings

# Ctrl-C waits this long for open streams; then they are cancelled, which stops their demos.
SHUTDOWN_GRACE_S = 2


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = True,
    watch: bool = False,
    edit: bool = False,
    audience_at: tuple[str, int] | None = None,
) -> int:
    """Serve the deck at / and the API at /api until interrupted; returns the exit status.

    watch rebuilds the deck whenever a slide or demo is saved, and open decks follow.
    edit lets the deck run edited code, for whoever opens the URL with its token.
    audience_at, a host and port, opens the read-only audience listener there.
    settings carry the database `talk` chose.
    """
    index = settings.build_dir / "index.html"
    if sources.is_stale(index):
        from runner.deck import builder

        print(f"building the deck into {index} ...", file=sys.stderr, flush=True)
        try:
            builder.build(settings=settings)
        except DeckError:
            if not (watch and index.exists()):
                raise
            print("(serving the last good deck until the error is fixed)", file=sys.stderr)
    url_host = browse_host(host)
    url = f"http://{url_host}:{port}/"
    # The printed URL must answer: the guard accepts its host beside the loopback names.
    hosts = () if loopback_host(url_host) else (url_host,)
    if host != "127.0.0.1":
        _say_what_is_exposed(host, port, url, hosts)
    token = secrets.token_urlsafe(32) if edit else None
    authoring = None
    if watch or edit:
        authoring = Authoring(watcher=_watcher() if watch else None, edit_token=token)
    listener = None
    if audience_at is not None:
        listener = audience_server.prepare(*audience_at, deck_dir=settings.build_dir)
    app = create_app(
        settings=settings,
        deck_dir=settings.build_dir,
        hosts=hosts,
        authoring=authoring,
        audience=listener.audience if listener is not None else None,
    )
    raise_open_file_limit()
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        **connections.uvicorn_options(),
    )
    server = uvicorn.Server(config)
    print(_preflight(url, settings.database), file=sys.stderr, flush=True)
    if token is not None:
        # In the fragment: the browser keeps it to itself (never sent, not even as Referer).
        url = f"{url}#edit={token}"
        print(f"edit and rerun on the slide: open {url}", file=sys.stderr, flush=True)
    if listener is not None:
        audience_server.announce(listener)
    # uvicorn re-raises the Ctrl-C it caught once it has shut down (streams closed,
    # demos stopped): for `talk serve` that is the normal way out, not an error.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_run(server, url if open_browser else None, listener))
    return 0 if server.started else 1


def _watcher() -> DeckWatcher:
    from runner.deck import builder

    return DeckWatcher(builder.build, sources.roots())


def _preflight(url: str, choice: DatabaseChoice) -> str:
    """What a presenter checks before going on stage: where the deck is, and the database.

    On the fallback the database was said already, in the one line that says why.
    """
    if choice.fallback is not None:
        return f"the talk: {url}"
    health = database.probe(driver_url(choice.url, asynchronous=False), timeout_s=2)
    why = "named by TALK_DATABASE_URL" if configured_server() else "the talk's default"
    state = "reachable" if health.reachable else f"NOT reachable: {health.error}; {REMEDY}"
    return f"the talk: {url}\ndatabase: {health.url} ({why}, {state})"


async def _run(
    server: uvicorn.Server,
    browser_url: str | None,
    listener: audience_server.AudienceListener | None = None,
) -> None:
    serving = asyncio.create_task(server.serve())
    # Started second, it takes Ctrl-C first and passes it on once it has stopped
    # (uvicorn re-raises the signal it caught): the runner then stops too.
    audience = None
    if listener is not None:
        audience = asyncio.create_task(listener.server.serve(sockets=[listener.sock]))
    if browser_url is not None:
        while not server.started and not serving.done():
            await asyncio.sleep(0.05)
        if server.started:
            await asyncio.to_thread(webbrowser.open, browser_url)
    try:
        await serving
    finally:
        if audience is not None and listener is not None:
            listener.server.should_exit = True
            await audience


def browse_host(host: str) -> str:
    """The host of a URL that reaches a server bound to host, as a URL writes it.

    A wildcard bind is reached on the loopback address of its own family: asyncio
    binds ``::`` to IPv6 alone, where 127.0.0.1 is refused.
    """
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _reach(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "every IPv4 interface of this machine"
    if host == "::":
        return "every IPv6 interface of this machine"
    return "an address other machines may reach"


def _say_what_is_exposed(host: str, port: int, url: str, hosts: tuple[str, ...]) -> None:
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if is_loopback(host):
        print(
            f"note: the runner listens on {where}, a loopback address: only this machine "
            f"reaches it, at {url}",
            file=sys.stderr,
            flush=True,
        )
        return
    bar = "!" * 78
    names = ", ".join(["localhost", "127.0.0.1", "[::1]", *hosts])
    print(
        f"\n{bar}\n"
        f"WARNING: the runner listens on {where}, {_reach(host)}:\n"
        "other machines that reach it can load the deck and run its demos (it runs code\n"
        f"on request). Browsers get answers only for the Host names {names}.\n"
        "Bind to 127.0.0.1 unless you are inside a container whose port is published\n"
        "on 127.0.0.1 only.\n"
        f"{bar}\n",
        file=sys.stderr,
        flush=True,
    )
