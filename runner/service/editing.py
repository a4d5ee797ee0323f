"""Edit and rerun on the slide (`talk serve --edit`): a demo's code, changed in the browser, run.

This lets a web page run code of its choosing, so it is fenced in:

* it exists only when `talk serve --edit` made a token, printed once in the URL's
  fragment (``#edit=TOKEN``), which a browser never sends, not even as a Referer;
  assets/edit-token.js keeps it in the tab's sessionStorage, assets/runner/editor.js
  sends it as a header;
* every edited run must carry the token, compared in constant time, before
  anything else happens, on top of the Host and Origin rules of runner.service.security;
* the edit replaces only what the slide shows; it is written to a fresh temporary
  folder outside the repository (the demo file is never touched) and run as any
  run is: a fresh process, the same timeout, output cap and pool of places.
"""

import hmac
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel

from runner.deck.excerpts import splice
from runner.deck.slides import suggestion
from runner.execution import processes
from runner.execution.runs import Limits, Run
from runner.service.authoring import AuthoringState
from runner.service.routes import State
from runner.service.stream import STREAM_MARGIN_S, RunStreamResponse
from runner.settings import PROJECT_ROOT

PATH = re.compile(r"/api/demos/[^/]+/edited-run")
MAX_CODE_BYTES = 64 * 1024
TOKEN_HEADER = "X-Talk-Edit-Token"
_MODULE = "edited_demo"


class Edit(BaseModel):
    code: str  # what the demo's slide shows (its region, or the whole file), edited


def check_token(
    authoring: AuthoringState,
    token: Annotated[str, Header(alias=TOKEN_HEADER)] = "",
) -> None:
    expected = authoring.edit_token
    if expected is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(
            403, "refused: an edited run needs the token `talk serve --edit` printed"
        )


router = APIRouter(prefix="/api", dependencies=[Depends(check_token)])


@router.post("/demos/{demo_id}/edited-run", response_class=RunStreamResponse)
async def run_edited(demo_id: str, edit: Edit, state: State) -> RunStreamResponse:
    """Run the demo with the slide's code replaced by the edit, streamed like any run."""
    demo = state.find(demo_id)
    if demo is None:
        near = suggestion(demo_id, (d.id for d in state.demos))
        raise HTTPException(404, f"no demo {demo_id[:80]!r}{near}")
    source = splice(demo.path.read_text(encoding="utf-8"), demo.region, edit.code)
    if source is None:
        raise HTTPException(409, f"demo {demo_id!r} no longer has region {demo.region!r}")
    if not state.pool.reserve():
        raise HTTPException(429, f"busy: already running {state.pool.max_runs} demo(s)")
    folder = Path(tempfile.mkdtemp(prefix="talk-edit-"))
    run: Run | None = None

    async def finish() -> None:
        await state.pool.finish(run)
        shutil.rmtree(folder, ignore_errors=True)

    try:
        (folder / f"{_MODULE}.py").write_text(source, encoding="utf-8")
        env = processes.child_environment(state.settings.database_url)
        # The folder first, then the project (cwd), so the edit's imports resolve as the demo's.
        env["PYTHONPATH"] = str(folder)
        started = time.monotonic()
        process = await processes.launch(_MODULE, env=env, cwd=PROJECT_ROOT)
        limits = Limits(state.settings.run_timeout_s, state.settings.output_cap_bytes)
        run = Run(process, started=started, limits=limits)
        state.pool.add(run)
    except BaseException:
        await finish()
        raise
    return RunStreamResponse(
        run, on_close=finish, deadline_s=state.settings.run_timeout_s + STREAM_MARGIN_S
    )
