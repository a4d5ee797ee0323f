"""The authoring API: which modes `talk serve` runs in, and the deck's rebuilds as they happen.

``GET /api/authoring`` tells assets/authoring.js and assets/runner/editor.js what is on
(nothing, unless `talk serve` runs with ``--watch`` or ``--edit``);
``GET /api/authoring/events`` streams the watcher's state under ``--watch``, so an
open deck reloads on its slide after a rebuild, or shows what broke it.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from runner.service.watch import DeckWatcher


@dataclass
class Authoring:
    """The modes a presenter turned on: a watcher (--watch), an edit token (--edit)."""

    watcher: DeckWatcher | None = None
    edit_token: str | None = None


class Modes(BaseModel):
    watch: bool
    edit: bool


def get_authoring(request: Request) -> Authoring:
    authoring: Authoring = request.app.state.authoring
    return authoring


AuthoringState = Annotated[Authoring, Depends(get_authoring)]


def get_watcher(authoring: AuthoringState) -> DeckWatcher:
    if authoring.watcher is None:
        raise HTTPException(404, "the deck is not watched: start `talk serve --watch`")
    return authoring.watcher


router = APIRouter(prefix="/api/authoring")


@router.get("")
async def modes(authoring: AuthoringState) -> Modes:
    """Which authoring modes are on; both are off unless `talk serve` was asked for them."""
    return Modes(watch=authoring.watcher is not None, edit=authoring.edit_token is not None)


@router.get("/events", response_class=EventSourceResponse)
async def deck_events(
    watcher: Annotated[DeckWatcher, Depends(get_watcher)],
) -> AsyncIterator[ServerSentEvent]:
    """``deck`` events ``{"version", "error"}``: now, then after every rebuild."""
    async for state in watcher.states():
        yield ServerSentEvent(event="deck", data={"version": state.version, "error": state.error})
