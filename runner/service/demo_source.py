"""The demos the runner may run, read off the event loop.

Reading the catalog stats the slides and demos, and reads again whatever changed:
on a slow disk, or a slide with a pathological line, that would hold every request
of the runner, the deck's health poll among them. So the service reads it on a
worker thread, one read at a time, and the requests that come meanwhile share it.
"""

import asyncio
from collections.abc import Callable, Sequence

from runner.deck import catalog
from runner.deck.demo import Demo


class DemoSource:
    """The demos: a fixed list, or a function giving the current one (the catalog's)."""

    def __init__(self, demos: Sequence[Demo] | Callable[[], Sequence[Demo]]) -> None:
        self._current = demos if callable(demos) else None
        self._fixed: Sequence[Demo] = () if callable(demos) else tuple(demos)
        self._reading: asyncio.Future[Sequence[Demo]] | None = None

    async def all(self) -> Sequence[Demo]:
        """The demos as they are now, read on a worker thread."""
        if self._current is None:
            return self._fixed
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(asyncio.to_thread(self._current))
        # Shielded: one request going away must not cancel the read the others await.
        return await asyncio.shield(self._reading)

    async def find(self, demo_id: str) -> Demo | None:
        return catalog.find(demo_id, await self.all())
