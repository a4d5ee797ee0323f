"""Edit and rerun on the slide (`talk serve --edit`): a demo's code, changed in the browser, run.

This lets a web page run code of its choosing, so it is fenced in:

* it exists only when `talk serve --edit` made a token, printed once in the URL's
  fragment (``#edit=TOKEN``), which a browser never sends, not even as a Referer;
  assets/edit-token.js takes it from the address bar, and assets/runner/editor.js
  exchanges it, once, for a session token (``POST /api/authoring/edit-session``),
  keeps that in the tab's sessionStorage and sends it as a header: the printed URL
  is dead once the deck has loaded;
* every edited run must carry the session token, compared in constant time, before
  anything else happens, on top of the Host and Origin rules of runner.service.security;
* the edit replaces only what the slide shows; it is written to a fresh temporary
  folder outside the repository (the demo file is never touched), named after the
  runner's pid so that a runner killed mid-run leaves nothing past its next start,
  and run as any run is: a fresh process, the same timeout, output cap and pool.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel

from runner.deck.excerpts import splice
from runner.execution.spec import RunSpec, run_spec
from runner.service.authoring import EDIT_IDLE_S, AuthoringState
from runner.service.routes import State, find_demo, start_run
from runner.service.stream import RunStreamResponse

PATH = re.compile(r"/api/demos/[^/]+/edited-run")
MAX_CODE_BYTES = 64 * 1024
TOKEN_HEADER = "X-Talk-Edit-Token"
_MODULE = "edited_demo"
_FOLDER_PREFIX = "talk-edit-"


class Edit(BaseModel):
    code: str  # what the demo's slide shows (its region, or the whole file), edited


class Session(BaseModel):
    token: str


def check_token(
    authoring: AuthoringState,
    token: Annotated[str, Header(alias=TOKEN_HEADER)] = "",
) -> None:
    if not authoring.admits(token):
        raise HTTPException(
            403,
            "refused: an edited run needs the session of the deck opened with the URL "
            f"`talk serve --edit` printed (that URL works once; a session ends after "
            f"{EDIT_IDLE_S // 60} min without an edited run, and when the runner "
            "restarts: restart `talk serve --edit` for a new URL)",
        )


session_router = APIRouter(prefix="/api/authoring")
router = APIRouter(prefix="/api", dependencies=[Depends(check_token)])


@session_router.post("/edit-session")
async def open_session(
    authoring: AuthoringState, token: Annotated[str, Header(alias=TOKEN_HEADER)] = ""
) -> Session:
    """The printed token, exchanged once for the session token edited runs carry."""
    session = authoring.exchange(token)
    if session is None:
        raise HTTPException(
            403, "refused: this edit link has been used; restart `talk serve --edit` for a new one"
        )
    return Session(token=session)


@router.post("/demos/{demo_id}/edited-run", response_class=RunStreamResponse)
async def run_edited(demo_id: str, edit: Edit, state: State) -> RunStreamResponse:
    """Run the demo with the slide's code replaced by the edit, streamed like any run."""
    demo = await find_demo(state, demo_id)
    try:
        edit.code.encode("utf-8")
    except UnicodeEncodeError as error:
        raise HTTPException(
            400, f"refused: the code holds {edit.code[error.start]!r}, a lone surrogate"
        ) from None
    source = splice(demo.path.read_text(encoding="utf-8"), demo.region, edit.code)
    if source is None:
        raise HTTPException(409, f"demo {demo_id!r} no longer has region {demo.region!r}")
    folder: Path | None = None

    def prepare() -> RunSpec:
        nonlocal folder
        folder = Path(tempfile.mkdtemp(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-"))
        (folder / f"{_MODULE}.py").write_text(source, encoding="utf-8")
        # The folder first, then the project (cwd), so the edit's imports resolve as the demo's.
        return run_spec(_MODULE, state.settings, import_path=[str(folder)])

    def remove_folder() -> None:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    return await start_run(state, prepare, after=remove_folder)


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove the edit folders of runners no longer running (killed mid-run); which."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{_FOLDER_PREFIX}*-*"):
        owner = folder.name.removeprefix(_FOLDER_PREFIX).partition("-")[0]
        if owner.isdigit() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: not ours to judge
        return True
    return True
