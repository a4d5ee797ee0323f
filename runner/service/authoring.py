"""The authoring API: which modes `talk serve` runs in, and the deck's rebuilds as they happen.

``GET /api/authoring`` tells assets/authoring.js and assets/runner/editor.js what is on
(nothing, unless `talk serve` runs with ``--watch`` or ``--edit``);
``GET /api/authoring/events`` streams the watcher's state under ``--watch``, so an
open deck reloads on its slide after a rebuild, or shows what broke it.
"""

import hmac
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from runner.service.watch import DeckWatcher


@dataclass
class Authoring:
    """The modes a presenter turned on: a watcher (--watch), an edit token (--edit).

    The edit token is the one `talk serve --edit` prints in its URL. It is good for
    one exchange, which the deck makes on its first load, for the session token that
    edited runs then carry: the printed URL, in the browser's history or reloaded, holds
    a dead token.
    """

    watcher: DeckWatcher | None = None
    edit_token: str | None = None
    _exchanged: bool = field(default=False, init=False)
    _session: str | None = field(default=None, init=False)

    def exchange(self, given: str) -> str | None:
        """The session token for the printed token, the first time only; else None."""
        if self.edit_token is None or self._exchanged or not _same(given, self.edit_token):
            return None
        self._exchanged = True
        self._session = secrets.token_urlsafe(32)
        return self._session

    def admits(self, session: str) -> bool:
        """Whether session is the token the exchange gave (compared in constant time)."""
        return self._session is not None and _same(session, self._session)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(errors="replace"), expected.encode())


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
