"""The authoring API: which modes `talk serve` runs in, and the deck's rebuilds as they happen.

``GET /api/authoring`` tells assets/authoring.js and assets/runner/editor.js what is on
(nothing, unless `talk serve` runs with ``--watch`` or ``--edit``);
``GET /api/authoring/events`` streams the watcher's state under ``--watch``, so an
open deck reloads on its slide after a rebuild, or shows what broke it.
"""

import hmac
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

from runner.service.watch import DeckWatcher

# An edit session no edited run has used for this long has ended: a laptop left open
# (or asleep) with the deck's tab does not keep running code on request.
EDIT_IDLE_S = 30 * 60


@dataclass
class Authoring:
    """The modes a presenter turned on: a watcher (--watch), an edit token (--edit).

    The edit token is the one `talk serve --edit` prints in its URL. It is good for
    one exchange, which the deck makes on its first load, for the session token that
    edited runs then carry: the printed URL, in the browser's history or reloaded, holds
    a dead token. The session ends after EDIT_IDLE_S without an edited run, and with
    the runner (it lives in this object only): a new one needs a new `talk serve --edit`.
    clock is the wall clock, which counts the time a laptop sleeps, as idle time is.
    """

    watcher: DeckWatcher | None = None
    edit_token: str | None = None
    clock: Callable[[], float] = time.time
    _exchanged: bool = field(default=False, init=False)
    _session: str | None = field(default=None, init=False)
    _used_at: float = field(default=0.0, init=False)

    def exchange(self, given: str) -> str | None:
        """The session token for the printed token, the first time only; else None."""
        if self.edit_token is None or self._exchanged or not _same(given, self.edit_token):
            return None
        self._exchanged = True
        self._session = secrets.token_urlsafe(32)
        self._used_at = self.clock()
        return self._session

    def admits(self, session: str) -> bool:
        """Whether session is the token the exchange gave (compared in constant time),
        in use within EDIT_IDLE_S; admitting it counts as use."""
        if self._session is None or not _same(session, self._session):
            return False
        now = self.clock()
        if now - self._used_at > EDIT_IDLE_S:
            self._session = None  # ended for good: the printed token was used already
            return False
        self._used_at = now
        return True


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
