"""The runner's API: is it up, which demos exist, and run one, streamed as it prints."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from runner.deck.demo import Demo
from runner.deck.slides import suggestion
from runner.execution.launchers import WarmFirst
from runner.execution.runs import Run, RunPool
from runner.execution.spec import RunSpec, run_spec
from runner.service.audience import FollowHub, RunRelay
from runner.service.demo_source import DemoSource
from runner.service.health import HealthCheck
from runner.service.stream import STREAM_MARGIN_S, RunStreamResponse
from runner.settings import Settings

_log = logging.getLogger("uvicorn.error")


@dataclass
class RunnerState:
    """What the routes share: settings, the demos that may run, the runs, the health check."""

    settings: Settings
    demos: DemoSource
    pool: RunPool
    health: HealthCheck
    # The fork server once the app has started it (create_app's lifespan), else none.
    launcher: WarmFirst = field(default_factory=WarmFirst)
    # `talk serve --audience`: the presenter's runs are followed by the room.
    follow: FollowHub | None = None


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
    # Why it cannot run (``file:line: sentence``); a run of it is refused with 409.
    problem: str | None = None


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
            (409, "The demo cannot run: its file does not parse, is not UTF-8 or is missing"),
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
        DemoInfo(
            id=d.id,
            title=d.title,
            module=d.module,
            needs_database=d.needs_database,
            problem=d.problem,
        )
        for d in await state.demos.all()
    ]


@router.post(
    "/demos/{demo_id}/run",
    response_class=RunStreamResponse,
    status_code=200,
    responses=_RUN_STREAM_DOC,
)
async def run_demo(demo_id: str, state: State) -> RunStreamResponse:
    """Run the demo in a fresh process and stream its output while it runs."""
    demo = await find_demo(state, demo_id)
    return await start_run(state, lambda: run_spec(demo.module, state.settings), followed=demo.id)


async def find_demo(state: RunnerState, demo_id: str) -> Demo:
    """The demo with this id, or a 404 that suggests the nearest one."""
    demo = await state.demos.find(demo_id)
    if demo is None:
        near = suggestion(demo_id, (d.id for d in await state.demos.all()))
        raise HTTPException(404, f"no demo {demo_id[:80]!r}{near}; GET /api/demos lists them")
    if demo.problem is not None:
        raise HTTPException(409, f"cannot run {demo.id}: {demo.problem}")
    return demo


async def start_run(
    state: RunnerState,
    prepare: Callable[[], RunSpec],
    *,
    after: Callable[[], None] = lambda: None,
    followed: str | None = None,
) -> RunStreamResponse:
    """How the API starts a run (a demo's, or an edited one): a place in the pool, the
    run prepared and launched, the stream; the place is freed and ``after`` called
    however it ends.

    A run of the demo ``followed`` is also streamed to the audience, when it follows."""
    settings = state.settings
    if not state.pool.reserve():
        raise HTTPException(
            429,
            f"busy: already running {state.pool.max_runs} demo(s), the "
            "most at once; stop one, then run this again",
        )
    run: Run | None = None
    relay: RunRelay | None = None

    async def finish() -> None:
        try:
            await state.pool.finish(run)
        finally:
            if relay is not None:
                relay.end()
            after()

    try:
        started = time.monotonic()
        spec = prepare()
        run = Run(await state.launcher.launch(spec), started=started, limits=spec.limits)
        state.pool.add(run)
        if state.follow is not None and followed is not None:
            relay = RunRelay(state.follow, followed)
    except BaseException:
        await finish()
        raise
    return RunStreamResponse(
        relay.tee(run) if relay is not None else run,
        on_close=finish,
        deadline_s=settings.run_timeout_s + STREAM_MARGIN_S,
    )
