"""POST /api/rehearsals: the speaker view's rehearse mode (assets/runner/rehearse.js)
saves one rehearsal, a file of its own under slides/rehearsals/ that the presenter may
commit; runner.deck.rehearsals checks it before it is written, and reads it back for
`talk pace` and the build's pacing."""

import asyncio
import json
import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from runner.deck import rehearsals
from runner.settings import PROJECT_ROOT

PATH = re.compile(r"/api/rehearsals")
MAX_BYTES = 512 * 1024  # a long rehearsal's events, with room to spare

router = APIRouter(prefix="/api/rehearsals")


class Saved(BaseModel):
    file: str  # where it was written: relative to the project when inside it


@router.post("", status_code=201)
async def save(request: Request) -> Saved:
    """Write the rehearsal sent; 400 saying what is wrong with one that is not."""
    slides_dir: Path = request.app.state.slides_dir
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise HTTPException(400, "a rehearsal is sent as JSON") from None
    try:
        path = await asyncio.to_thread(rehearsals.save, slides_dir, data)
    except ValueError as error:
        raise HTTPException(400, f"not a rehearsal: {error}") from None
    shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    return Saved(file=str(shown))
