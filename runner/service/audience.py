"""The follow stream's hub: where the presenter is, the runs the presenter starts, and who follows.

`talk serve --audience` lets the room follow the talk on their own devices. The
presenter's deck reports its position (slide and step) and every run it starts
streams, as the slide gets it, through here; each viewer of the audience listener
reads the same events as server-sent events (runner.service.audience_stream).

Every event is encoded once, with a sequence number, into one shared log of bounded
size. A viewer is a cursor into that log, not a queue of its own: publishing costs the
same for one viewer or five hundred, and the memory is the log's, whatever the
number of viewers. A viewer whose cursor falls off the start of the log (it reads
more slowly than the presenter's runs print) has missed events: it is dropped, and
its page reconnects to the current state. A viewer who joins late is sent the
current state first: the position, then each kept run from its start (its oldest
output trimmed past a bound, saying how many lines).

Nothing here blocks: the presenter's run never waits for a viewer.
"""

import asyncio
import json
import time
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass, field

from fastapi.sse import format_sse_event

from runner.execution.events import Event
from runner.service.stream import wire

MAX_VIEWERS = 500
# Phones in a room each have their own address; a few tabs each is plenty.
MAX_PER_ADDRESS = 8
# The shared log: what a viewer may fall behind by before it is dropped.
LOG_BYTES = 1024 * 1024
LOG_EVENTS = 8192
# What a late joiner is sent of a run so far, at most (the slide keeps its last 200 lines).
RUN_REPLAY_BYTES = 128 * 1024
# Runs kept for late joiners: the latest of each demo, the most recent few.
KEPT_RUNS = 4
# A run is announced to the room with its first event, or this long after it started.
ANNOUNCE_AFTER_S = 0.25
# The most one viewer is sent in one write.
MAX_SEND_BYTES = 64 * 1024


class Refused(Exception):
    """A viewer who may not join: the status to answer with and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Behind(Exception):
    """The viewer's cursor is no longer in the log: it missed events."""


@dataclass(eq=False)  # each viewer is itself, whatever its fields
class Viewer:
    address: str
    cursor: int  # the sequence number of the next event it is to be sent


@dataclass
class _KeptRun:
    demo: str
    start: tuple[int, bytes]
    frames: deque[tuple[int, bytes]] = field(default_factory=deque)
    size: int = 0
    lines: deque[int] = field(default_factory=deque)  # of each frame's output
    skipped: int = 0  # lines of output trimmed from the front
    ended: bool = False


class FollowHub:
    """The presenter's side publishes; each viewer reads from its cursor."""

    def __init__(
        self,
        *,
        max_viewers: int = MAX_VIEWERS,
        max_per_address: int = MAX_PER_ADDRESS,
        log_bytes: int = LOG_BYTES,
        log_events: int = LOG_EVENTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_viewers = max_viewers
        self.max_per_address = max_per_address
        self._log_bytes = log_bytes
        self._log_events = log_events
        self._clock = clock
        self._frames: list[bytes] = []
        self._start = 0  # index in _frames of the oldest event still in the log
        self._first_seq = 1  # its sequence number
        self._size = 0
        self._next_seq = 1
        self._position: tuple[int, bytes] | None = None
        self._runs: OrderedDict[int, _KeptRun] = OrderedDict()
        self._run_ids = 0
        self._viewers: set[Viewer] = set()
        self._per_address: Counter[str] = Counter()
        self._changed = asyncio.Event()
        self._wake_scheduled = False
        self.dropped = 0  # viewers dropped for falling behind or stalling, since the start
        self.closed = False  # the listener is stopping: every stream ends

    # ---- The presenter's side ----

    def position(self, h: int, v: int, f: int) -> None:
        """The presenter's deck is at slide (h, v), step f (-1: before the first)."""
        self._position = self._publish("position", {"h": h, "v": v, "f": f})

    def now(self) -> float:
        """The presenter's clock, as hello and a run's start give it."""
        return self._clock()

    def start_run(self, demo: str, started: float | None = None) -> int:
        """A run of demo has started on the presenter's slide (at started, by now()); its id
        for what follows."""
        self._run_ids += 1
        run = self._run_ids
        started = self._clock() if started is None else started
        start = self._publish("run", {"run": run, "demo": demo, "started": started})
        for kept_id, kept in list(self._runs.items()):
            if kept.demo == demo:  # a slide shows its demo's latest run only
                del self._runs[kept_id]
        self._runs[run] = _KeptRun(demo, start)
        while len(self._runs) > KEPT_RUNS:
            self._runs.popitem(last=False)
        return run

    def run_event(self, run: int, name: str, data: str) -> None:
        """One event of the run's stream as the slide got it (docs/wire.md): name and data."""
        seq_frame = self._publish("output", {"run": run, "event": name, "data": data})
        kept = self._runs.get(run)
        if kept is None:
            return
        kept.frames.append(seq_frame)
        # A frame of output holds as many lines as came together (docs/wire.md).
        kept.lines.append((data.count("\n") or 1) if name in ("stdout", "stderr") else 0)
        kept.size += len(seq_frame[1])
        while kept.size > RUN_REPLAY_BYTES and len(kept.frames) > 1:
            kept.size -= len(kept.frames.popleft()[1])
            kept.skipped += kept.lines.popleft()

    def end_run(self, run: int) -> None:
        """The run's stream has closed (its exit came, or the presenter stopped it)."""
        seq_frame = self._publish("end", {"run": run})
        kept = self._runs.get(run)
        if kept is not None and not kept.ended:
            kept.ended = True
            kept.frames.append(seq_frame)
            kept.lines.append(0)

    # ---- The viewers' side ----

    @property
    def viewers(self) -> int:
        return len(self._viewers)

    def join(self, address: str) -> tuple[Viewer, bytes]:
        """A new viewer, and what it is sent first: the time here, then the current state."""
        if len(self._viewers) >= self.max_viewers:
            raise Refused(503, f"refused: {self.max_viewers} viewers follow already, the most")
        if self._per_address[address] >= self.max_per_address:
            raise Refused(
                429, f"refused: {self.max_per_address} streams from {address} already, the most"
            )
        viewer = Viewer(address, self._next_seq)
        self._viewers.add(viewer)
        self._per_address[address] += 1
        # now: the presenter's clock (a run's elapsed time); next: the id live events start at.
        greeting = {"now": self._clock(), "next": self._next_seq}
        hello = format_sse_event(event="hello", data_str=json.dumps(greeting))
        return viewer, hello + b"".join(frame for _, frame in self._state())

    def leave(self, viewer: Viewer, *, dropped: bool = False) -> None:
        if viewer not in self._viewers:
            return
        self._viewers.discard(viewer)
        self._per_address[viewer.address] -= 1
        if self._per_address[viewer.address] <= 0:
            del self._per_address[viewer.address]
        if dropped:
            self.dropped += 1

    def take(self, viewer: Viewer) -> bytes:
        """The events since the viewer's cursor (at most MAX_SEND_BYTES, at least one),
        the cursor moved past them; raises Behind if some have left the log."""
        if viewer.cursor < self._first_seq:
            raise Behind
        index = self._start + viewer.cursor - self._first_seq
        taken: list[bytes] = []
        size = 0
        for frame in self._frames[index : index + 256]:
            if taken and size + len(frame) > MAX_SEND_BYTES:
                break
            taken.append(frame)
            size += len(frame)
        viewer.cursor += len(taken)
        return b"".join(taken)

    def close(self) -> None:
        """End every viewer's stream (they finish what they were sent), now and later."""
        self.closed = True
        self._wake()

    def held_bytes(self) -> int:
        """The event bytes the hub holds: its log and the kept runs (shared frames count twice)."""
        return self._size + sum(kept.size for kept in self._runs.values())

    def changed(self) -> asyncio.Event:
        """Set once something is published after this call (take first, then wait)."""
        return self._changed

    # ---- The log ----

    def _publish(self, name: str, data: dict[str, object]) -> tuple[int, bytes]:
        seq = self._next_seq
        self._next_seq += 1
        frame = format_sse_event(event=name, data_str=json.dumps(data), id=str(seq))
        self._frames.append(frame)
        self._size += len(frame)
        while self._size > self._log_bytes or len(self._frames) - self._start > self._log_events:
            self._size -= len(self._frames[self._start])
            self._start += 1
            self._first_seq += 1
        if self._start > len(self._frames) // 2:  # compact now and then, not at every trim
            del self._frames[: self._start]
            self._start = 0
        self._wake_soon()
        return seq, frame

    def _wake_soon(self) -> None:
        """Wake the waiting viewers once per turn of the loop, however much was published."""
        if self._wake_scheduled:
            return
        self._wake_scheduled = True
        asyncio.get_running_loop().call_soon(self._wake)

    def _wake(self) -> None:
        self._wake_scheduled = False
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _state(self) -> list[tuple[int, bytes]]:
        """The current state as the events that made it, in their order."""
        events = [self._position] if self._position is not None else []
        for run, kept in self._runs.items():
            events.append(kept.start)
            if kept.skipped:
                note = {"run": run, "lines": kept.skipped}
                events.append(
                    (kept.start[0], format_sse_event(event="skipped", data_str=json.dumps(note)))
                )
            events.extend(kept.frames)
        events.sort(key=lambda event: event[0])  # stable: a note stays after its run's start
        return events


class RunRelay:
    """One of the presenter's runs, relayed to the hub: each event as the slide gets it,
    then its end (however the run's stream ended: an exit, Stop, a dropped connection).

    The room hears of the run with its first event (or ANNOUNCE_AFTER_S after its start,
    for a demo silent at first), not at once: what the hub sends to the room on a start
    would otherwise share the laptop's CPU with the demo starting, and the presenter's
    first line would wait for it. The start time the room is given is the real one.
    """

    def __init__(self, hub: FollowHub, demo: str) -> None:
        self._hub = hub
        self._demo = demo
        self._started = hub.now()
        self._run: int | None = None
        self._ended = False
        self._announcing = asyncio.get_running_loop().call_later(ANNOUNCE_AFTER_S, self._announce)

    def _announce(self) -> int:
        if self._run is None:
            self._announcing.cancel()
            self._run = self._hub.start_run(self._demo, started=self._started)
        return self._run

    async def tee(self, events: AsyncIterable[Event]) -> AsyncIterator[Event]:
        async for event in events:
            if not self._ended:
                self._hub.run_event(self._announce(), *wire(event))
            yield event

    def end(self) -> None:
        if not self._ended:
            self._ended = True
            self._hub.end_run(self._announce())
