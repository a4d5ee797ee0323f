"""Probes: a demo written to escape its run, or to wedge the runner, under each containment.

Each case of issue 26 is one demo in tests/harness/fixture_demos, run through a served
runner as a slide runs it. Each probe names the containment it ran under (`talk
doctor`'s line, recorded as the test's ``containment`` property and in its failure
messages); where a layer is missing (the TALK_SIMULATE_MISSING lanes) the probe asserts
what docs/platforms.md says that platform gets.
"""

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from benchmarks.live_server import parse_events
from runner.execution import capabilities, processes
from tests.harness.fixture_demos import writes_project
from tests.harness.reliability import ServedRunner, SharedRunners
from tests.harness.runner import wait_until

LAUNCH_PATHS = [pytest.param(True, id="fork-server"), pytest.param(False, id="plain")]
FOUND = capabilities.detect()
# The probes that aim at the supervisor run twice: with every layer this system has,
# and without the two that keep a demo from reaching its supervisor at all (another
# PID namespace, Landlock's signal scope), so the bound on a stop is tried too.
REACHABLE = ("pid_namespace", "landlock")
LAYERS = [pytest.param((), id="as-found"), pytest.param(REACHABLE, id="reachable")]
# How long what a run left may take to be gone, on a machine under load.
GONE_WITHIN_S = 5.0


def _found_without(missing: tuple[str, ...]) -> capabilities.Capabilities:
    """What the runner detects with these facilities switched off as well."""
    switched_off = ",".join(dict.fromkeys((*FOUND.simulated_missing, *missing)))
    saved = os.environ.get(capabilities.SIMULATE_MISSING)
    os.environ[capabilities.SIMULATE_MISSING] = switched_off
    capabilities.detect.cache_clear()
    try:
        return capabilities.detect()
    finally:
        if saved is None:
            del os.environ[capabilities.SIMULATE_MISSING]
        else:
            os.environ[capabilities.SIMULATE_MISSING] = saved
        capabilities.detect.cache_clear()


def _runner(
    served_runner: SharedRunners,
    record_property: Callable[[str, object], None],
    *,
    fork_server: bool = True,
    without: tuple[str, ...] = (),
    **settings: object,
) -> tuple[ServedRunner, capabilities.Capabilities]:
    """A served runner with those facilities switched off, and what it detects; the
    containment it runs under goes in the test's report."""
    found = _found_without(without) if without else FOUND
    if without and found.containment == _found_without(()).containment:
        pytest.skip(f"the same containment as found: {found.containment}")
    if without:
        settings["simulate_missing"] = ",".join(found.simulated_missing)
    record_property("containment", found.containment)
    return served_runner(fork_server=fork_server, **settings), found


def _stop_and_time_the_slot(
    served_runner: SharedRunners,
    record_property: Callable[[str, object], None],
    fork_server: bool,
    without: tuple[str, ...],
    demo_id: str,
) -> tuple[ServedRunner, capabilities.Capabilities, str]:
    """On a runner with one slot, run demo_id until its first line, leave (the runner
    stops the run), and check that the slot takes another run within the stop bound;
    (the runner, what it detects, the first line)."""
    runner, found = _runner(
        served_runner,
        record_property,
        fork_server=fork_server,
        without=without,
        max_concurrent_runs=1,
    )
    with httpx.Client(base_url=runner.url, timeout=30) as client:
        with client.stream("POST", f"/api/demos/{demo_id}/run") as response:
            assert response.status_code == 200, response.read()
            said = next(line for line in response.iter_lines() if line.startswith("data: "))
            said = said.removeprefix("data: ")
            stopped = time.monotonic()
        while (status := _status_of_a_run(client, "instant_exit")) == 429:
            assert time.monotonic() - stopped < 30, "the slot never came back"
            time.sleep(0.02)
        took = time.monotonic() - stopped
        assert status == 200, status
    print(f"\nslot back {took:.2f} s after the stop ({said.strip()}) under {found.containment}")
    assert took <= processes.STOP_BOUND_S, f"{took:.2f} s under {found.containment}: {said}"
    return runner, found, said


def _status_of_a_run(client: httpx.Client, demo_id: str) -> int:
    """The status a run is answered with, as soon as it is (not waiting for its end)."""
    with client.stream("POST", f"/api/demos/{demo_id}/run") as response:
        return response.status_code


@pytest.mark.parametrize("without", LAYERS)
@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_demo_that_stops_its_supervisor_frees_its_slot_within_the_bound(
    served_runner: SharedRunners,
    record_property: Callable[[str, object], None],
    fork_server: bool,
    without: tuple[str, ...],
) -> None:
    runner, found, said = _stop_and_time_the_slot(
        served_runner, record_property, fork_server, without, "stops_supervisor"
    )
    assert said.startswith(("stopped the supervisor", "refused")), said
    if not without and (found.pid_namespace or found.landlock):
        assert said.startswith("refused"), (said, found.containment)
    # A supervisor killed by the runner cannot remove its run's folder: the runner does.
    folder = Path(said.rpartition("run folder ")[2].strip())
    assert folder.name.startswith("talk-run-"), said
    assert wait_until(lambda: not folder.exists(), GONE_WITHIN_S), folder
    if found.prctl:  # the demo dies with its supervisor
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), (
            runner.leftovers(),
            found,
        )
    else:  # documented: without PR_SET_PDEATHSIG the demo outlives a killed supervisor
        runner.kill_session_leaders(GONE_WITHIN_S)


@pytest.mark.parametrize("without", LAYERS)
@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_demo_held_by_its_own_tracer_frees_its_slot_within_the_bound(
    served_runner: SharedRunners,
    record_property: Callable[[str, object], None],
    fork_server: bool,
    without: tuple[str, ...],
) -> None:
    """The tracer is in a session of its own: the demo's group does not reach it."""
    runner, found, said = _stop_and_time_the_slot(
        served_runner, record_property, fork_server, without, "traced"
    )
    assert said.startswith("tracer: "), said
    if found.subreaper:  # the namespace's end, or the sweep, kills the tracer
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), (
            runner.leftovers(),
            found,
        )
    else:  # process group only: the tracer left the group, and outlives the run
        runner.kill_session_leaders(GONE_WITHIN_S)


@pytest.mark.parametrize("without", LAYERS)
def test_a_demo_that_kills_its_supervisor_leaves_nothing_where_contained(
    served_runner: SharedRunners,
    record_property: Callable[[str, object], None],
    without: tuple[str, ...],
) -> None:
    """In a PID namespace of its own, or under Landlock's signal scope, the demo cannot
    reach its supervisor, and its setsid() child ends with its run. Where it can, the
    run ends at once (code -9), the demo dies with its supervisor (PR_SET_PDEATHSIG),
    and the setsid() child that ignores SIGTERM stays: nothing but a namespace's end
    could reach it (docs/platforms.md)."""
    runner, found = _runner(served_runner, record_property, without=without, max_concurrent_runs=1)
    with (
        httpx.Client(base_url=runner.url, timeout=60) as client,
        client.stream("POST", "/api/demos/kills_supervisor/run") as response,
    ):
        lines = response.iter_lines()
        assert "killing the supervisor" in next(x for x in lines if x.startswith("data: "))
        killing = time.monotonic()
        while _status_of_a_run(client, "instant_exit") == 429:
            assert time.monotonic() - killing < 30, "the slot never came back"
            time.sleep(0.02)
        took = time.monotonic() - killing
        said = "\n".join(lines)
    print(f"\nslot back {took:.2f} s after the kill; {said.strip()}\nunder {found.containment}")
    assert took <= processes.STOP_BOUND_S, f"{took:.2f} s under {found.containment}: {said}"
    if not without and (found.pid_namespace or found.landlock):
        assert "refused: SIGKILL" in said and re.search(r'"code": ?0\b', said), said
    elif "refused" not in said:
        assert re.search(r'"code": ?-9\b', said), said
    if "refused" in said and found.subreaper:
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), (
            runner.leftovers(),
            found,
        )
    else:
        runner.kill_session_leaders(GONE_WITHIN_S)


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_sixteen_parallel_fork_chains_end_with_their_run(
    served_runner: SharedRunners, record_property: Callable[[str, object], None], fork_server: bool
) -> None:
    """setsid(); fork(); _exit(0) sixteen times over: only the kernel ends them all."""
    if not FOUND.pid_namespace:
        pytest.skip(
            f"{FOUND.containment}: fork chains outrun a sweep, and outlive their run there "
            "(docs/platforms.md); not run, so as not to leave a fork storm behind"
        )
    runner, found = _runner(served_runner, record_property, fork_server=fork_server)
    with httpx.Client(base_url=runner.url, timeout=30) as client:
        response = client.post("/api/demos/fork_chains/run")
    assert "16 chains running" in response.text, response.text
    assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), (runner.leftovers(), found)


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_run_cannot_change_the_demos_or_the_build_where_landlock_is_offered(
    served_runner: SharedRunners, record_property: Callable[[str, object], None], fork_server: bool
) -> None:
    """An edited run once appended code to a demo, and planted a page in build/ that the
    deck's own origin served. Under Landlock both writes are refused and the files are
    as they were; its own folder stays writable. Without it (docs/platforms.md) both
    writes go through: the probe's own files, removed here."""
    runner, found = _runner(served_runner, record_property, fork_server=fork_server)
    containment = found.containment
    aimed_at = writes_project.targets(runner.token)
    demo_file, page = aimed_at["demos"], aimed_at["build"]
    page.parent.mkdir(exist_ok=True)
    demo_file.write_text("ORIGINAL = True\n")
    try:
        with httpx.Client(base_url=runner.url, timeout=30) as client:
            said = client.post("/api/demos/writes_project/run").text
        assert "run folder: written" in said, said
        print(f"\n{said.strip()}\nunder {containment}")
        if found.landlock:
            assert "demos: refused (Permission denied)" in said, (said, containment)
            assert "build: refused (Permission denied)" in said, (said, containment)
            assert demo_file.read_text() == "ORIGINAL = True\n"
            assert not page.exists()
        else:
            assert "demos: written" in said and "build: written" in said, (said, containment)
    finally:
        demo_file.unlink()
        page.unlink(missing_ok=True)


def test_a_six_gib_shared_mapping_is_refused_by_the_address_space_limit(
    served_runner: SharedRunners, record_property: Callable[[str, object], None]
) -> None:
    """RLIMIT_DATA let Python's mmap.mmap(-1, 6 GiB) map and touch it all; RLIMIT_AS
    counts it, and the run ends in one line. Per process: see docs/platforms.md."""
    if not FOUND.memory_limit:
        pytest.skip(f"{FOUND.containment}: no memory limit (docs/platforms.md); not mapped")
    runner, found = _runner(served_runner, record_property)
    containment = found.containment
    with httpx.Client(base_url=runner.url, timeout=60) as client:
        events = parse_events(client.post("/api/demos/shared_mapping/run").text)
    stdout = "".join(data for name, data in events if name == "stdout")
    stderr = "".join(data for name, data in events if name == "stderr")
    assert "mapped" not in stdout, (stdout, containment)
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("[runner] stopped: the demo needed more memory than its "), stderr
    assert "address-space limit of 4096 MiB (OSError at " in stderr, stderr
