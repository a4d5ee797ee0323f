"""The runner application: the API under /api and the built deck at /."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from demos import catalog
from demos.catalog import Demo
from runner import routes
from runner.health import HealthCheck
from runner.routes import RunnerState
from runner.runs import RunPool
from runner.security import RequestGuard
from runner.settings import Settings, get_settings


def create_app(*, settings: Settings | None = None, demos: Sequence[Demo] | None = None,
               deck_dir: Path | None = None) -> FastAPI:
    """The runner for these settings, running only these demos (the catalog's by default).

    deck_dir, when given, is served at / (the built deck); without it only the API exists.
    """
    settings = settings or get_settings()
    if demos is None:
        demos, find = catalog.DEMOS, catalog.find
    else:
        find = {demo.id: demo for demo in demos}.get
    state = RunnerState(settings, demos, find, RunPool(settings.max_concurrent_runs),
                        HealthCheck(settings.database_url))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Leave no demo behind when the server stops, even one still streaming.
        await state.pool.stop_all()

    app = FastAPI(title="Talk runner", version="1.0.0", lifespan=lifespan,
                  summary="Runs the talk's demos for the deck, one process per run.")
    app.state.runner = state
    app.include_router(routes.router)
    if deck_dir is not None:
        app.mount("/", StaticFiles(directory=deck_dir, html=True), name="deck")
    app.add_middleware(RequestGuard)
    return app
