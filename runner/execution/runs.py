"""One run of a demo: its output as events while it runs, its limits, and its end.

A run reads both pipes for as long as anything holds them open (waiting for the
exit first would deadlock on a full pipe), turns what it reads into
:mod:`runner.execution.events`, and queues them for whoever streams them. The queue
ends with exactly one :class:`~runner.execution.events.Exit`. A run ends when its
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
from dataclasses import dataclass

from runner.execution import processes
from runner.execution.events import Event, Exit, LineBuffer, Output, StreamName
from runner.execution.processes import DemoProcess, Killer

# A partial line waits this long for the rest of its line before it is sent as is:
# short enough to look live (a prompt, a row of dots), long enough not to split a
# line that is merely arriving in two writes.
IDLE_FLUSH_S = 0.05
# After the run is ended, how long the remaining output may take to arrive. Only a
# process that escaped its run (see runner.execution.supervisor) holds a pipe longer.
DRAIN_S = 1.0
_CHUNK = 64 * 1024
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    cap_bytes: int


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
            self._queue.put_nowait(Output("stderr", f"[runner] error: {error!r}\n"))
            code, timed_out = -1, False
        finally:
            for task in readers:
                task.cancel()
            # Only a process that left the group can still hold a pipe; stop reading it.
            self.process.close()
        elapsed = round(self._clock() - self._started, 3)
        self._queue.put_nowait(Exit(code, elapsed, timed_out, self._truncated))

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
                    self._queue.put_nowait(Output("stderr", self._stop_note(timed_out=False)))
                return ended.result(), False
            ended.cancel()  # the run is ended here, once
            timed_out = not self._cap_reached.is_set()
            code = await self._kill(self.process)
            # What the demo printed on its way out (on SIGTERM) still counts.
            await asyncio.wait(readers, timeout=DRAIN_S)
            self._queue.put_nowait(Output("stderr", self._stop_note(timed_out)))
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
                self._send(Output(stream, lines.take_partial()))
                continue
            if not data:
                break
            for line in lines.feed(data):
                self._send(Output(stream, line))
        if tail := lines.take_partial(final=True):
            self._send(Output(stream, tail))

    def _send(self, output: Output) -> None:
        """Queue output unless the cap is reached; the part that fits goes first."""
        if self._truncated:
            return
        data = output.text.encode()
        room = self._limits.cap_bytes - self._sent_bytes
        if len(data) <= room:
            self._sent_bytes += len(data)
            self._queue.put_nowait(output)
            return
        if head := data[:room].decode(errors="ignore"):
            self._sent_bytes += len(head.encode())
            self._queue.put_nowait(Output(output.stream, head))
        self._truncated = True
        self._cap_reached.set()

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
