"""The runner application: the API under /api and the built deck at /."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import overload

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from demos import catalog
from demos.catalog import Demo
from runner.execution.forkserver import ForkServer
from runner.execution.runs import RunPool
from runner.service import authoring as authoring_routes
from runner.service import editing, routes
from runner.service.authoring import Authoring
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
) -> FastAPI:
    """The runner for these settings, running only these demos.

    demos is a list, or a function giving the list; by default the catalog's, read
    as the slides have them at each request, so a demo linked from a slide a moment
    ago runs without a restart.

    deck_dir, when given, is served at / (the built deck); without it only the API exists.
    fork_server starts runs as forks of a warm interpreter (about 5 ms to the first line
    instead of about 400 ms); without it, or if it fails to start, each run is a new
    ``python -u -m`` process. hosts are names besides loopback that requests may carry
    as Host: the address `talk serve --host` binds, as its printed URL writes it.
    authoring turns on `talk serve --watch` and `--edit`.
    """
    settings = settings or get_settings()
    if callable(demos):
        demos = _LiveDemos(demos)
    find = _finder(demos)
    state = RunnerState(
        settings,
        demos,
        find,
        RunPool(settings.max_concurrent_runs),
        HealthCheck(settings.database_url),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if authoring is not None and authoring.edit_token is not None:
            editing.remove_stale_folders()  # left by a runner killed mid-run
        if fork_server:
            state.fork_server = await _start_fork_server()
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
            if state.fork_server is not None:
                await state.fork_server.close()

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
    path_limits = []
    # Always asked by the deck (assets/authoring.js, editor.js): both modes are off unless
    # `talk serve --watch` or `--edit` turns them on, and saying so is not an error.
    app.include_router(authoring_routes.router, include_in_schema=authoring is not None)
    app.state.authoring = authoring or Authoring()
    if authoring is not None and authoring.edit_token is not None:
        app.include_router(editing.session_router)
        app.include_router(editing.router)
        path_limits.append((editing.PATH, editing.MAX_CODE_BYTES))
    if deck_dir is not None:
        app.mount("/", StaticFiles(directory=deck_dir, html=True), name="deck")
    app.add_middleware(RequestGuard, hosts=hosts, path_limits=path_limits)
    app.add_middleware(BrowserPolicy, deck_dir=deck_dir)
    return app


class _LiveDemos(Sequence[Demo]):
    """The demos as ``current()`` gives them at each use."""

    def __init__(self, current: Callable[[], Sequence[Demo]]) -> None:
        self._current = current

    @overload
    def __getitem__(self, index: int) -> Demo: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Demo]: ...
    def __getitem__(self, index: int | slice) -> Demo | Sequence[Demo]:
        return self._current()[index]

    def __len__(self) -> int:
        return len(self._current())

    def __iter__(self) -> Iterator[Demo]:
        return iter(self._current())


def _finder(demos: Sequence[Demo]) -> Callable[[str], Demo | None]:
    """Look an id up among the demos (as they are at the moment of asking)."""

    def find(demo_id: str) -> Demo | None:
        return next((demo for demo in demos if demo.id == demo_id), None)

    return find


async def _start_fork_server() -> ForkServer | None:
    server = ForkServer()
    try:
        await server.start(PROJECT_ROOT)
    except (OSError, RuntimeError, ValueError) as error:
        logger.warning("fork server did not start (%s); each run starts a new interpreter", error)
        await server.close()
        return None
    return server
