"""The run model with fakes, as Go's present tests its limiter: a fake process, a fake
clock and sleep, a fake killer; no process is started and each test takes milliseconds."""

import asyncio

import pytest

from runner.execution import runs
from runner.execution.events import Exit, Output
from runner.execution.processes import DemoProcess, Lifeline
from runner.execution.runs import Run
from runner.execution.spec import Limits

pytestmark = pytest.mark.fast


class FakeRun:
    """A demo that prints what the test feeds it and exits only when killed (or told)."""

    def __init__(self) -> None:
        self.stdout = asyncio.StreamReader()
        self.stderr = asyncio.StreamReader()
        self.exit: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.kills = 0
        self.now = 100.0
        self.time_passes = asyncio.Event()
        self.slept: list[float] = []

    def process(self) -> DemoProcess:
        async def wait() -> int:
            return await asyncio.shield(self.exit)

        return DemoProcess(4242, self.stdout, self.stderr, wait, lambda: None, Lifeline(-1))

    def finish(self, code: int) -> None:
        if not self.exit.done():
            self.exit.set_result(code)
        self.stdout.feed_eof()
        self.stderr.feed_eof()

    async def killer(self, _process: DemoProcess) -> int:
        self.kills += 1
        self.finish(-15)
        return await self.exit

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await self.time_passes.wait()
        self.now += seconds

    def run(self, limits: Limits) -> Run:
        return Run(
            self.process(),
            limits=limits,
            started=self.now,
            clock=self.clock,
            sleep=self.sleep,
            killer=self.killer,
        )


async def events_of(run: Run) -> list[Output | Exit]:
    return [event async for event in run]


def test_a_demo_that_exits_is_killed_once_for_its_leftovers_and_reports_its_code() -> None:
    async def scenario() -> tuple[list[Output | Exit], FakeRun]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=100))
        fake.stdout.feed_data(b"hello\n")
        await asyncio.sleep(0)
        fake.now += 0.25
        fake.finish(0)
        return await asyncio.wait_for(events_of(run), 5), fake

    events, fake = asyncio.run(scenario())
    assert events == [Output("stdout", "hello\n"), Exit(0, 0.25)]
    assert fake.kills == 1  # ending the run after the demo reaps what it left
    assert fake.slept == [30]


def test_the_time_limit_kills_the_run_and_says_so() -> None:
    async def scenario() -> tuple[list[Output | Exit], FakeRun]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=100))
        fake.stdout.feed_data(b"working\n")
        await asyncio.sleep(0)
        fake.time_passes.set()  # thirty seconds go by, in no time
        return await asyncio.wait_for(events_of(run), 5), fake

    events, fake = asyncio.run(scenario())
    *outputs, end = events
    assert outputs[0] == Output("stdout", "working\n")
    assert outputs[-1] == Output("stderr", "[runner] stopped: the demo ran longer than 30 s\n")
    assert end == Exit(-15, 30.0, timed_out=True, truncated=False)
    assert fake.kills == 1


def test_the_output_cap_kills_the_run_sends_what_fits_and_says_so() -> None:
    async def scenario() -> tuple[list[Output | Exit], FakeRun]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=10))
        fake.stdout.feed_data(b"12345\n67890\nabcdef\n")
        return await asyncio.wait_for(events_of(run), 5), fake

    events, fake = asyncio.run(scenario())
    *outputs, end = events
    assert "".join(o.text for o in outputs if o.stream == "stdout") == "12345\n6789"
    assert "printed more than 10 bytes" in outputs[-1].text
    assert isinstance(end, Exit) and end.truncated and not end.timed_out
    assert fake.kills == 1
    assert not fake.time_passes.is_set(), "the cap, not the clock, ended it"


def test_stop_kills_the_run_and_the_stream_ends_with_one_exit() -> None:
    async def scenario() -> FakeRun:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=100))
        await asyncio.sleep(0)
        await run.stop()
        return fake

    fake = asyncio.run(scenario())
    assert fake.kills == 1


def test_a_demo_that_exits_as_its_output_passes_the_cap_still_says_it_was_cut() -> None:
    """Its exit and its last bytes arrive together: whichever the run sees first, the
    output shown is cut, so the note that says so comes too."""

    async def scenario() -> list[Output | Exit]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=10))
        fake.stdout.feed_data(b"0123456789abcdef\n")
        fake.finish(0)
        return await asyncio.wait_for(events_of(run), 5)

    events = asyncio.run(scenario())
    assert events[0] == Output("stdout", "0123456789")
    assert events[1] == Output(
        "stderr", "[runner] stopped: the demo printed more than 10 bytes; the rest is not shown\n"
    )
    exit = events[2]
    assert isinstance(exit, Exit) and exit.truncated and not exit.timed_out


def test_a_line_after_a_quiet_spell_goes_at_once_and_what_follows_waits_for_its_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runs, "FRAME_S", 60.0)  # no frame falls due during the test

    async def scenario() -> tuple[list[Output | Exit], list[Output | Exit]]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=1000))
        events = aiter(run)
        fake.stdout.feed_data(b"first\n")
        first = [await asyncio.wait_for(anext(events), 5)]
        for data in (b"two\n", b"three\n"):
            fake.stdout.feed_data(data)
            await asyncio.sleep(0.01)
        fake.stderr.feed_data(b"oops\n")
        await asyncio.sleep(0.01)
        fake.stdout.feed_data(b"four\n")
        await asyncio.sleep(0.01)
        fake.finish(0)
        return first, [event async for event in events]

    first, rest = asyncio.run(scenario())
    assert first == [Output("stdout", "first\n")]
    # Gathered while the frame was not due; the other stream's line kept its place.
    assert rest[:3] == [
        Output("stdout", "two\nthree\n"),
        Output("stderr", "oops\n"),
        Output("stdout", "four\n"),
    ]
    assert isinstance(rest[3], Exit) and len(rest) == 4


def test_two_mebibytes_of_empty_lines_are_a_few_frames_of_exactly_that_text() -> None:
    async def scenario() -> list[Output | Exit]:
        fake = FakeRun()
        run = fake.run(Limits(timeout_s=30, cap_bytes=4 * 1024 * 1024))
        for _ in range(32):
            fake.stdout.feed_data(b"\n" * 65536)
            await asyncio.sleep(0)
        fake.finish(0)
        return await asyncio.wait_for(events_of(run), 5)

    *outputs, end = asyncio.run(scenario())
    assert "".join(o.text for o in outputs if isinstance(o, Output)) == "\n" * (2 << 20)
    # Frames of at most FRAME_CHARS, bar the line that completes one: 64 or so, not 2 million.
    assert len(outputs) <= (2 << 20) // runs.FRAME_CHARS + 2
    assert all(len(o.text) < runs.FRAME_CHARS + 65536 for o in outputs if isinstance(o, Output))
    assert end == Exit(0, 0.0)
