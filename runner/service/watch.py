"""`talk serve --watch`: the deck rebuilt when a slide or a demo is saved, and the decks told.

The sources are polled a few times a second through the one change detector
(runner.deck.sources: their modification times only, a few dozen stat calls). A
build runs on a worker thread; a failed one keeps the last good deck in build/ and
reports its ``file:line``.
"""

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from runner.deck import sources
from runner.deck.slides import DeckError

POLL_S = 0.2
# Editors save in steps (write a temporary file, rename it): wait for them to finish.
SETTLE_S = 0.05


@dataclass(frozen=True)
class DeckState:
    """What an open deck needs to know: which build is current, and what broke the next one."""

    version: int
    error: str | None = None


class DeckWatcher:
    """Rebuilds the deck when its sources change, and tells whoever listens."""

    def __init__(self, build: Callable[[], object], sources: Iterable[Path]) -> None:
        self._build = build
        self._sources = tuple(sources)
        self.state = DeckState(version=1)
        self._changed = asyncio.Event()

    async def run(self) -> None:
        """Watch until cancelled."""
        seen = self._snapshot()
        while True:
            await asyncio.sleep(POLL_S)
            now = self._snapshot()
            if now == seen:
                continue
            await asyncio.sleep(SETTLE_S)
            seen = self._snapshot()
            await self.rebuild()

    async def rebuild(self) -> DeckState:
        started = time.perf_counter()
        try:
            await asyncio.to_thread(self._build)
        except DeckError as error:
            self._publish(DeckState(self.state.version, str(error)))
            _say(f"build error (the last good deck stays up): {error}")
        except Exception as error:  # a bug in the build must not end the watching
            self._publish(DeckState(self.state.version, f"{type(error).__name__}: {error}"))
            _say(f"build failed (the last good deck stays up): {error!r}")
        else:
            self._publish(DeckState(self.state.version + 1))
            _say(f"rebuilt the deck in {(time.perf_counter() - started) * 1000:.0f} ms")
        return self.state

    async def states(self) -> AsyncIterator[DeckState]:
        """The current state, then each new one as it comes."""
        while True:
            changed = self._changed
            yield self.state
            await changed.wait()

    def _publish(self, state: DeckState) -> None:
        self.state = state
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _snapshot(self) -> sources.Snapshot:
        return sources.snapshot(self._sources)


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
