"""Is the demo database reachable? Asked every few seconds by every open deck.

The probe connects for real, which blocks and can take a while when the server is
down, so it runs on a worker thread, is abandoned after a short timeout, and its
answer is reused for a moment: polls from several tabs, or while demos are busy,
cost one probe at most per interval and never stall the event loop.
"""

import asyncio
import time

from demos.connection import DatabaseChoice, describe, driver_url
from runner import database
from runner.database import Health

PROBE_TIMEOUT_S = 1.5
CACHE_S = 1.5


class HealthCheck:
    """The latest database health, refreshed by at most one probe at a time."""

    def __init__(self, database: DatabaseChoice) -> None:
        self._url = driver_url(database.url, asynchronous=False)
        # Why the talk fell back to SQLite, if it did: the deck's indicator explains it.
        self.fallback = database.fallback
        self._latest: Health | None = None
        self._checked_at = 0.0
        self._probing: asyncio.Task[Health] | None = None

    async def health(self) -> Health:
        if self._latest is not None and time.monotonic() - self._checked_at < CACHE_S:
            return self._latest
        if self._probing is None or self._probing.done():
            self._probing = asyncio.create_task(self._probe())
        # Shielded: one caller going away must not cancel the probe the others await.
        return await asyncio.shield(self._probing)

    async def _probe(self) -> Health:
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_S + 0.5):
                health = await asyncio.to_thread(database.probe, self._url, PROBE_TIMEOUT_S)
        except TimeoutError:
            # The thread finishes on its own; its late answer is simply dropped.
            health = Health(
                self._url.get_backend_name(),
                False,
                describe(self._url),
                f"no answer within {PROBE_TIMEOUT_S:g} s",
            )
        self._latest, self._checked_at = health, time.monotonic()
        return health
