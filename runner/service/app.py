"""The runner application: the API under /api and the built deck at /."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from runner.deck import catalog
from runner.deck.demo import Demo
from runner.execution.forkserver import ForkServer
from runner.execution.runs import RunPool
from runner.service import audience_routes, editing, rehearsal_routes, routes
from runner.service import authoring as authoring_routes
from runner.service.audience_routes import Audience
from runner.service.authoring import Authoring
from runner.service.demo_source import DemoSource
from runner.service.health import HealthCheck
from runner.service.policy import BrowserPolicy
from runner.service.routes import RunnerState
from runner.service.security import RequestGuard
from runner.settings import PROJECT_ROOT, Settings, get_settings

logger = logging.getLogger(__name__)


def create_app(
    *,
    settings: Settings | None = None,
    demos: Sequence[Demo] | Callable[[], Sequence[Demo]] = catalog.demos,
    deck_dir: Path | None = None,
    fork_server: bool = True,
    hosts: Sequence[str] = (),
    authoring: Authoring | None = None,
    audience: Audience | None = None,
    slides_dir: Path = catalog.SLIDES_DIR,
) -> FastAPI:
    """The runner for these settings, running only these demos.

    demos is a list, or a function giving the list; by default the catalog's, read
    as the slides have them at each request (on a worker thread: runner.service.
    demo_source), so a demo linked from a slide a moment ago runs without a restart.

    deck_dir, when given, is served at / (the built deck); without it only the API exists.
    fork_server starts runs as forks of a warm interpreter (about 5 ms to the first line
    instead of about 400 ms); without it, or if it fails to start, each run is a new
    interpreter (runner.execution.launchers.WarmFirst). hosts are names besides
    loopback that requests may carry as Host: the address `talk serve --host` binds,
    as its printed URL writes it.
    authoring turns on `talk serve --watch` and `--edit`; audience, `--audience`: the
    presenter's position and runs go to the room's follow stream. slides_dir is where
    the speaker view's rehearsals are saved (its rehearsals/ folder).
    """
    settings = settings or get_settings()
    state = RunnerState(
        settings,
        DemoSource(demos),
        RunPool(settings.max_concurrent_runs),
        HealthCheck(settings.database),
        follow=audience.hub if audience is not None else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if authoring is not None and authoring.edit_token is not None:
            editing.remove_stale_folders()  # left by a runner killed mid-run
        if fork_server:
            state.launcher.fork_server = await _start_fork_server()
        watching = None
        if authoring is not None and authoring.watcher is not None:
            watching = asyncio.create_task(authoring.watcher.run())
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
            # Leave no demo behind when the server stops, even one still streaming.
            await state.pool.stop_all()
            if state.launcher.fork_server is not None:
                await state.launcher.fork_server.close()

    app = FastAPI(
        title="Talk runner",
        version="1.0.0",
        lifespan=lifespan,
        summary="Runs the talk's demos for the deck, one process per run.",
        # Swagger UI and ReDoc load their script from a CDN into the runner's own origin.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runner = state
    app.include_router(routes.router)
    app.include_router(rehearsal_routes.router)
    app.state.slides_dir = slides_dir
    path_limits = [(rehearsal_routes.PATH, rehearsal_routes.MAX_BYTES)]
    # Always asked by the deck (assets/authoring.js, editor.js): both modes are off unless
    # `talk serve --watch` or `--edit` turns them on, and saying so is not an error.
    app.include_router(authoring_routes.router, include_in_schema=authoring is not None)
    app.state.authoring = authoring or Authoring()
    # Always asked by the deck (assets/audience/presenter.js); off unless --audience.
    app.include_router(audience_routes.router, include_in_schema=audience is not None)
    app.state.audience = audience
    if authoring is not None and authoring.edit_token is not None:
        app.include_router(editing.session_router)
        app.include_router(editing.router)
        path_limits.append((editing.PATH, editing.MAX_CODE_BYTES))
    if deck_dir is not None:
        app.mount("/", StaticFiles(directory=deck_dir, html=True), name="deck")
    app.add_middleware(RequestGuard, hosts=hosts, path_limits=path_limits)
    app.add_middleware(BrowserPolicy, deck_dir=deck_dir)
    return app


async def _start_fork_server() -> ForkServer | None:
    server = ForkServer()
    try:
        await server.start(PROJECT_ROOT)
    except (OSError, RuntimeError, ValueError) as error:
        logger.warning("fork server did not start (%s); each run starts a new interpreter", error)
        await server.close()
        return None
    return server
