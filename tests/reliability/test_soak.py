"""Soak: many runs through one real runner, some left mid-stream; nothing may pile up.

Each completed run must print what ``python -u -m`` prints, each run a client leaves
must be gone at once, no process may outlive its run, and the runner's memory must
level off after warm-up.
"""

import asyncio
import contextlib
import random
import re
import time
from dataclasses import dataclass, field

import httpx
import pytest

from runner.deck import catalog
from runner.execution.events import portable
from runner.settings import PROJECT_ROOT
from tests.harness.reliability import ServedRunner, direct_run, events_of, mask
from tests.harness.runner import Event, exit_of, group_alive, text_of, wait_until

# Catalog demos whose output is the same on every run once addresses are masked
# (the others print timings), and a fixture that prints slowly, for the aborts.
DETERMINISTIC = (
    "coroutine-object",
    "missing-await",
    "engine-connect",
    "raw-sql",
    "orm-query",
    "async-engine",
    "models",
    "async-orm",
    "async-raw-sql",
)
TRICKLE = "trickle"
TRICKLE_MODULE = "tests.harness.fixture_demos.trickle"
CLIENTS = 4  # one more than the runner allows at once: some runs meet 429 and retry
BUSY_RETRIES = 400
GONE_WITHIN_S = 2.0
RSS_GROWTH_BOUND_KIB = 48 * 1024


@dataclass(frozen=True)
class Scale:
    runs: int
    aborted: int


@dataclass
class Tally:
    """What the clients saw, checked once the soak is over."""

    expected: dict[str, tuple[str, str, int]]
    completed: int = 0
    aborted: int = 0
    busy: int = 0
    gone_after_s: list[float] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)


def _plan(scale: Scale, seed: int) -> list[tuple[str, bool]]:
    """Which demo each run is and whether its client leaves mid-stream, shuffled."""
    completed = [(demo_id, False) for demo_id in (*DETERMINISTIC, TRICKLE)]
    runs = [(TRICKLE, True)] * scale.aborted
    runs += (completed * scale.runs)[: scale.runs - scale.aborted]
    random.Random(seed).shuffle(runs)
    return runs


async def _run_once(
    client: httpx.AsyncClient, demo_id: str, abort: bool, tally: Tally
) -> list[Event]:
    """One run to its end, or until a client that aborts has seen three lines."""
    for _ in range(BUSY_RETRIES):
        async with client.stream("POST", f"/api/demos/{demo_id}/run") as response:
            if response.status_code == 429:
                await response.aread()
                tally.busy += 1
                await asyncio.sleep(0.05)
                continue
            assert response.status_code == 200, await response.aread()
            events: list[Event] = []
            async with contextlib.aclosing(events_of(response)) as stream:
                async for event in stream:
                    events.append(event)
                    # Output comes in frames, so a slow machine may put several lines in one.
                    if abort and "line 2\n" in text_of(events, "stdout"):
                        break
            return events  # leaving the block closes the connection mid-stream
    raise AssertionError(f"still busy after {BUSY_RETRIES} tries")


async def _check_gone(events: list[Event], tally: Tally) -> None:
    """The run the client left must have no process left within GONE_WITHIN_S."""
    assert all(e.name != "exit" for e in events), "the abort came after the run ended"
    found = re.search(r"pgid (\d+)", text_of(events, "stdout"))
    assert found is not None, events
    pgid, left = int(found.group(1)), time.monotonic()
    while group_alive(pgid) and time.monotonic() - left < 3 * GONE_WITHIN_S:
        await asyncio.sleep(0.01)
    tally.gone_after_s.append(time.monotonic() - left)
    tally.aborted += 1


def _check_output(demo_id: str, events: list[Event], tally: Tally) -> None:
    stdout, stderr, code = tally.expected[demo_id]
    seen = (
        mask(text_of(events, "stdout")),
        mask(text_of(events, "stderr")),
        exit_of(events)["code"],
    )
    # The runner names the project's files relative to it, as a recording does.
    expected = (mask(portable(stdout, PROJECT_ROOT)), mask(portable(stderr, PROJECT_ROOT)), code)
    if seen != expected:
        tally.mismatches.append(f"{demo_id}: {seen!r} != {(stdout, stderr, code)!r}")
    tally.completed += 1


async def _soak(url: str, plan: list[tuple[str, bool]], tally: Tally) -> None:
    jobs: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()
    for job in plan:
        jobs.put_nowait(job)

    async def client_loop() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            while not jobs.empty():
                demo_id, abort = jobs.get_nowait()
                events = await _run_once(client, demo_id, abort, tally)
                if abort:
                    await _check_gone(events, tally)
                else:
                    _check_output(demo_id, events, tally)

    await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))


@pytest.mark.parametrize(
    ("fork_server", "scale"),
    [
        # The smoke in the suite; the soak proper with --large.
        pytest.param(True, Scale(runs=24, aborted=8), id="fork-server-24"),
        pytest.param(False, Scale(runs=12, aborted=4), id="plain-12"),
        pytest.param(
            True, Scale(runs=120, aborted=36), id="fork-server-120", marks=pytest.mark.large
        ),
        pytest.param(False, Scale(runs=40, aborted=12), id="plain-40", marks=pytest.mark.large),
        pytest.param(
            True, Scale(runs=1000, aborted=300), id="fork-server-1000", marks=pytest.mark.large
        ),
        pytest.param(
            False, Scale(runs=1000, aborted=300), id="plain-1000", marks=pytest.mark.large
        ),
    ],
)
def test_soak_leaves_nothing_behind_and_prints_what_python_prints(
    database_url: str, fork_server: bool, scale: Scale
) -> None:
    modules = {demo.id: demo.module for demo in catalog.demos() if demo.id in DETERMINISTIC}
    modules[TRICKLE] = TRICKLE_MODULE
    tally = Tally(
        {demo_id: direct_run(module, database_url) for demo_id, module in modules.items()}
    )
    plan = _plan(scale, seed=scale.runs)
    warm_up, rest = plan[: 2 * len(modules)], plan[2 * len(modules) :]

    started = time.monotonic()
    with ServedRunner(fork_server=fork_server, database_url=database_url) as runner:
        asyncio.run(_soak(runner.url, warm_up, tally))
        rss_warm = runner.rss_kib()
        asyncio.run(_soak(runner.url, rest, tally))
        rss_end = runner.rss_kib()
        assert wait_until(lambda: not runner.leftovers(), 3), runner.leftovers()
    growth = rss_end - rss_warm
    print(
        f"\nsoak {'fork server' if fork_server else 'plain'}: {tally.completed} completed, "
        f"{tally.aborted} aborted, {tally.busy} x 429 retried, "
        f"{time.monotonic() - started:.1f} s; aborted run gone after max "
        f"{max(tally.gone_after_s):.3f} s; RSS {rss_warm} KiB after warm-up, "
        f"{rss_end} KiB at the end ({growth:+d} KiB)"
    )

    assert tally.mismatches == []
    assert (tally.completed, tally.aborted) == (scale.runs - scale.aborted, scale.aborted)
    assert max(tally.gone_after_s) < GONE_WITHIN_S
    assert growth < RSS_GROWTH_BOUND_KIB
