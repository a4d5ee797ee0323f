"""One run of a demo: its output as events while it runs, its limits, and its end.

A run reads both pipes for as long as anything holds them open (waiting for the
exit first would deadlock on a full pipe), turns what it reads into
:mod:`runner.execution.events`, and queues them for whoever streams them. The queue
ends with exactly one :class:`~runner.execution.events.Exit`.

Output is queued in frames, not line by line: what arrives from one stream is
gathered until FRAME_S after the last frame went, or until it holds FRAME_CHARS.
A line that comes after a quiet spell goes at once (no added latency), and a
flood costs at most one event per FRAME_S or per FRAME_CHARS, whatever its lines
look like: 2 MiB of empty lines is a few dozen events, not two million, so it
neither keeps the event loop busy nor outlives its time limit. A frame from the
other stream sends the gathered one first, so the order of arrival is kept. A run ends when its
demo exits, when it passes the time limit or the output cap, or when
:meth:`Run.stop` is called (the client went away); in every case the run is ended
by its killer, :func:`runner.execution.processes.stop` unless a test hands in
another, and its time is read from its clock and waited on with its sleep (Go's
``present`` tests its limiter the same way: fakes, in milliseconds).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from runner.execution import processes
from runner.execution.events import Event, Exit, LineBuffer, Output, StreamName
from runner.execution.processes import DemoProcess, Killer
from runner.execution.spec import Limits

# A partial line waits this long for the rest of its line before it is sent as is:
# short enough to look live (a prompt, a row of dots), long enough not to split a
# line that is merely arriving in two writes.
IDLE_FLUSH_S = 0.05
# A frame of output is sent at most this long after the one before it (the first
# at once), or as soon as it holds FRAME_CHARS characters.
FRAME_S = 0.025
FRAME_CHARS = 32 * 1024
# After the run is ended, how long the remaining output may take to arrive. Only a
# process that escaped its run (see runner.execution.supervisor) holds a pipe longer.
DRAIN_S = 1.0
_CHUNK = 64 * 1024
logger = logging.getLogger(__name__)


class Run:
    """The events of one started demo process; iterate it, or stop it.

    clock gives the time (``started`` is one of its readings), sleep waits on it,
    and killer ends the run and returns its exit code.
    """

    def __init__(
        self,
        process: DemoProcess,
        *,
        limits: Limits,
        started: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        killer: Killer = processes.stop,
    ) -> None:
        self.process = process
        self._limits = limits
        self._started = started
        self._clock = clock
        self._sleep = sleep
        self._kill = killer
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._sent_bytes = 0
        self._truncated = False
        self._cap_reached = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._frame: list[str] = []  # output gathered for the next frame, of one stream
        self._frame_stream: StreamName = "stdout"
        self._frame_chars = 0
        self._framed_at = -FRAME_S  # loop time of the last frame sent
        self._frame_timer: asyncio.TimerHandle | None = None
        self._pump = asyncio.create_task(self._run())

    async def __aiter__(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            yield event
            if isinstance(event, Exit):
                return

    async def stop(self) -> None:
        """End the run now: the pump first (it sends nothing more), then the run."""
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pump
        if self._frame_timer is not None:
            self._frame_timer.cancel()
        await self._kill(self.process)
        self.process.close()

    async def _run(self) -> None:
        readers = [
            asyncio.create_task(self._read(self.process.stdout, "stdout")),
            asyncio.create_task(self._read(self.process.stderr, "stderr")),
        ]
        try:
            code, timed_out = await self._outcome(readers)
        except Exception as error:
            # Never leave the client waiting for an exit event that will not come.
            logger.exception("the run supervised by pid %d failed", self.process.pid)
            self._put(Output("stderr", f"[runner] error: {error!r}\n"))
            code, timed_out = -1, False
        finally:
            for task in readers:
                task.cancel()
            # Only a process that left the group can still hold a pipe; stop reading it.
            self.process.close()
        elapsed = round(self._clock() - self._started, 3)
        self._put(Exit(code, elapsed, timed_out, self._truncated))

    async def _outcome(self, readers: list[asyncio.Task[None]]) -> tuple[int, bool]:
        """The exit code and whether the time limit ended the run, once the run is over."""
        ended = asyncio.create_task(self._end_with_demo(readers))
        capped = asyncio.create_task(self._cap_reached.wait())
        remaining = self._limits.timeout_s - (self._clock() - self._started)
        expired = asyncio.ensure_future(self._sleep(max(remaining, 0)))
        try:
            await asyncio.wait({ended, capped, expired}, return_when=asyncio.FIRST_COMPLETED)
            if ended.done():
                if self._truncated:  # it exited as its last bytes passed the cap: still cut
                    self._put(Output("stderr", self._stop_note(timed_out=False)))
                return ended.result(), False
            ended.cancel()  # the run is ended here, once
            timed_out = not self._cap_reached.is_set()
            code = await self._kill(self.process)
            # What the demo printed on its way out (on SIGTERM) still counts.
            await asyncio.wait(readers, timeout=DRAIN_S)
            self._put(Output("stderr", self._stop_note(timed_out)))
            return code, timed_out
        finally:
            for task in (ended, capped, expired):
                task.cancel()

    async def _end_with_demo(self, readers: list[asyncio.Task[None]]) -> int:
        """The demo's exit status, once what it started is gone and the pipes drained."""
        await self.process.wait()
        code = await self._kill(self.process)
        await asyncio.wait(readers, timeout=DRAIN_S)
        return code

    async def _read(self, pipe: asyncio.StreamReader, stream: StreamName) -> None:
        lines = LineBuffer()
        while True:
            try:
                async with asyncio.timeout(IDLE_FLUSH_S if lines.has_partial else None):
                    data = await pipe.read(_CHUNK)
            except TimeoutError:
                # Cancelling read() loses nothing: unread data stays in the reader.
                self._gather(stream, lines.take_partial())
                continue
            if not data:
                break
            if text := lines.feed(data):
                self._gather(stream, text)
        if tail := lines.take_partial(final=True):
            self._gather(stream, tail)

    def _gather(self, stream: StreamName, text: str) -> None:
        """Add output to the frame being gathered; send the frame once it is due."""
        text = self._within_cap(text)
        if self._frame and stream != self._frame_stream:
            self._send_frame()
        if text:
            self._frame.append(text)
            self._frame_stream = stream
            self._frame_chars += len(text)
        due = self._framed_at + FRAME_S
        if self._truncated or self._frame_chars >= FRAME_CHARS or self._loop.time() >= due:
            self._send_frame()
        elif self._frame and self._frame_timer is None:
            self._frame_timer = self._loop.call_at(due, self._send_frame)

    def _send_frame(self) -> None:
        if self._frame_timer is not None:
            self._frame_timer.cancel()
            self._frame_timer = None
        if self._frame:
            self._queue.put_nowait(Output(self._frame_stream, "".join(self._frame)))
            self._frame, self._frame_chars = [], 0
            self._framed_at = self._loop.time()

    def _put(self, event: Event) -> None:
        """Queue an event of the run's own after the output gathered so far."""
        self._send_frame()
        self._queue.put_nowait(event)

    def _within_cap(self, text: str) -> str:
        """The part of text that fits under the output cap; reaching it ends the run."""
        if self._truncated:
            return ""
        data = text.encode()
        room = self._limits.cap_bytes - self._sent_bytes
        if len(data) <= room:
            self._sent_bytes += len(data)
            return text
        head = data[:room].decode(errors="ignore")
        self._sent_bytes += len(head.encode())
        self._truncated = True
        self._cap_reached.set()
        return head

    def _stop_note(self, timed_out: bool) -> str:
        if timed_out:
            return f"[runner] stopped: the demo ran longer than {self._limits.timeout_s:g} s\n"
        return (
            f"[runner] stopped: the demo printed more than "
            f"{self._limits.cap_bytes} bytes; the rest is not shown\n"
        )


class RunPool:
    """The runs in progress, never more than max_runs; a place is taken before a launch."""

    def __init__(self, max_runs: int) -> None:
        self.max_runs = max_runs
        self._taken = 0
        self._runs: set[Run] = set()

    def reserve(self) -> bool:
        if self._taken >= self.max_runs:
            return False
        self._taken += 1
        return True

    def add(self, run: Run) -> None:
        self._runs.add(run)

    async def finish(self, run: Run | None) -> None:
        """Stop the run (a no-op once it has ended) and free its place."""
        try:
            if run is not None:
                await run.stop()
                # Not in finally: a stop cut short leaves the run for stop_all() at shutdown.
                self._runs.discard(run)
        finally:
            self._taken -= 1

    async def stop_all(self) -> None:
        await asyncio.gather(*(run.stop() for run in list(self._runs)))
