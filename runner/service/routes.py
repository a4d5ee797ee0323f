"""The runner's API: is it up, which demos exist, and run one, streamed as it prints."""

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from demos.catalog import Demo
from runner.deck.slides import suggestion
from runner.execution import processes
from runner.execution.forkserver import ForkServer, ForkServerError
from runner.execution.runs import Limits, Run, RunPool
from runner.service.health import HealthCheck
from runner.service.stream import STREAM_MARGIN_S, RunStreamResponse
from runner.settings import PROJECT_ROOT, Settings

_log = logging.getLogger("uvicorn.error")


@dataclass
class RunnerState:
    """What the routes share: settings, the demos that may run, the runs, the health check."""

    settings: Settings
    demos: Sequence[Demo]
    find: Callable[[str], Demo | None]
    pool: RunPool
    health: HealthCheck
    fork_server: ForkServer | None = None

    async def launch(self, demo: Demo) -> processes.DemoProcess:
        """Fork the run off the warm fork server; start a plain interpreter if it fails."""
        env = processes.child_environment(self.settings.database_url)
        if self.fork_server is not None:
            try:
                return await self.fork_server.launch(demo.module, env=env, cwd=PROJECT_ROOT)
            except ForkServerError as error:
                _log.warning("%s; this run starts a new interpreter", error)
        return await processes.launch(demo.module, env=env, cwd=PROJECT_ROOT)


class DatabaseHealth(BaseModel):
    backend: str
    reachable: bool
    url: str
    error: str | None
    # Why the talk runs on the embedded SQLite file, when it fell back to it.
    fallback: str | None = None


class HealthReport(BaseModel):
    runner: Literal["ok"]
    database: DatabaseHealth


class DemoInfo(BaseModel):
    id: str
    title: str
    module: str
    needs_database: bool


class Problem(BaseModel):
    detail: str


_RUN_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "Server-sent events: the demo's output as `stdout` and `stderr` events, then "
            "one `exit` event, last. The contract is docs/wire.md in the project."
        ),
    },
    **{
        status: {
            "description": description,
            "content": {"application/json": {"schema": Problem.model_json_schema()}},
        }
        for status, description in [
            (400, "The Host header is not a loopback name (DNS rebinding)"),
            (403, "A cross-site request"),
            (404, "No demo with this id"),
            (413, "A request body too large"),
            (429, "Too many demos running at once"),
        ]
    },
}


def get_state(request: Request) -> RunnerState:
    state: RunnerState = request.app.state.runner
    return state


State = Annotated[RunnerState, Depends(get_state)]
router = APIRouter(prefix="/api")


@router.get("/health")
async def health(state: State) -> HealthReport:
    """The runner answers; the database is probed at most every second or two."""
    database = await state.health.health()
    return HealthReport(
        runner="ok",
        database=DatabaseHealth(
            backend=database.backend,
            reachable=database.reachable,
            url=database.url,
            error=database.error,
            fallback=state.health.fallback,
        ),
    )


@router.get("/demos")
async def list_demos(state: State) -> list[DemoInfo]:
    """The demos in talk order: the only ids that run."""
    return [
        DemoInfo(id=d.id, title=d.title, module=d.module, needs_database=d.needs_database)
        for d in state.demos
    ]


@router.post(
    "/demos/{demo_id}/run",
    response_class=RunStreamResponse,
    status_code=200,
    responses=_RUN_STREAM_DOC,
)
async def run_demo(demo_id: str, state: State) -> RunStreamResponse:
    """Run the demo in a fresh process and stream its output while it runs."""
    demo = find_demo(state, demo_id)
    return await start_run(state, lambda: state.launch(demo))


def find_demo(state: RunnerState, demo_id: str) -> Demo:
    """The demo with this id, or a 404 that suggests the nearest one."""
    demo = state.find(demo_id)
    if demo is None:
        near = suggestion(demo_id, (d.id for d in state.demos))
        raise HTTPException(404, f"no demo {demo_id[:80]!r}{near}; GET /api/demos lists them")
    return demo


async def start_run(
    state: RunnerState,
    launch: Callable[[], Awaitable[processes.DemoProcess]],
    *,
    after: Callable[[], None] = lambda: None,
) -> RunStreamResponse:
    """The one way a run starts (a demo's, or an edited one): a place in the pool, the
    launch, the stream; the place is freed and ``after`` called however it ends."""
    settings = state.settings
    if not state.pool.reserve():
        raise HTTPException(
            429,
            f"busy: already running {state.pool.max_runs} demo(s), the "
            "most at once; stop one, then run this again",
        )
    run: Run | None = None

    async def finish() -> None:
        try:
            await state.pool.finish(run)
        finally:
            after()

    try:
        started = time.monotonic()
        process = await launch()
        run = Run(
            process,
            started=started,
            limits=Limits(settings.run_timeout_s, settings.output_cap_bytes),
        )
        state.pool.add(run)
    except BaseException:
        await finish()
        raise
    return RunStreamResponse(
        run, on_close=finish, deadline_s=settings.run_timeout_s + STREAM_MARGIN_S
    )
