"""Nothing a demo starts outlives its run, nor the runner, however the runner ends."""

import os
import re
import signal
from contextlib import ExitStack

import httpx
import pytest

from runner.execution import capabilities
from tests.harness.reliability import ServedRunner, SharedRunners
from tests.harness.runner import (
    Event,
    exit_of,
    pid_alive,
    run_over_http,
    text_of,
    wait_until,
)

LAUNCH_PATHS = [pytest.param(True, id="fork-server"), pytest.param(False, id="plain")]
GONE_WITHIN_S = 2.0
FORK_LOOP_TIMEOUT_S = 15
# A subreaper per run (Linux) ends what left the run's group; without one (macOS, the
# CI lane that plays it) only the group ends with the run.
CONTAINED = capabilities.detect().subreaper


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_setsid_daemon_goes_when_its_run_ends(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    runner = served_runner(fork_server=fork_server)
    events = run_over_http(runner.url, "daemonizer")
    assert exit_of(events)["code"] == 0, text_of(events, "stderr")
    daemon = int(re.findall(r"\d+", text_of(events, "stdout"))[0])
    if not CONTAINED:  # process group only: what left the group outlives the run
        assert not wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
        os.kill(daemon, signal.SIGKILL)
    assert wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
    assert wait_until(lambda: not runner.leftovers(), 1), runner.leftovers()


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_sigkill_of_the_runner_with_three_runs_active_leaves_no_process(
    fork_server: bool,
) -> None:
    """sleeper and stubborn (with its child) in their groups, and lingerer's setsid()
    daemon outside any group of a run: their lifelines close with the runner, and
    their supervisors end all of them."""
    with ServedRunner(fork_server=fork_server) as runner, ExitStack() as streams:
        client = streams.enter_context(httpx.Client(base_url=runner.url, timeout=30))
        # Each stream's line iterator is kept: one collected would close its response,
        # and the run would be stopped as its client left, before the kill.
        lines, said = {}, {}
        for demo_id in ("sleeper", "stubborn", "lingerer"):
            response = streams.enter_context(client.stream("POST", f"/api/demos/{demo_id}/run"))
            assert response.status_code == 200
            lines[demo_id] = response.iter_lines()
            said[demo_id] = next(line for line in lines[demo_id] if line.startswith("data: "))
        pids = {int(pid) for pid in re.findall(r"\d+", " ".join(said.values()))}
        daemon = int(re.findall(r"daemon (\d+)", said["lingerer"])[0])
        # sleeper's and stubborn's groups, stubborn's child, the daemon: all running.
        assert wait_until(lambda: pids <= runner.leftovers(), 2), (pids, runner.leftovers())
        runner.process.kill()  # type: ignore[union-attr]
        runner.process.wait()  # type: ignore[union-attr]
        if not CONTAINED:  # process group only: the daemon outlives its run
            assert wait_until(lambda: runner.leftovers() == {daemon}, GONE_WITHIN_S)
            os.kill(daemon, signal.SIGKILL)
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), runner.leftovers()
        assert wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
        if runner.fork_server_pid is not None:
            assert wait_until(lambda: not pid_alive(runner.fork_server_pid), GONE_WITHIN_S)


def _daemon_of(events: list[Event]) -> int:
    return int(re.findall(r"daemon (\d+)", text_of(events, "stdout"))[0])


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_session_daemon_with_an_empty_environment_goes_with_its_run(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    """Nothing but ancestry links `sleep 313` to its run: the subreaper catches it.
    Where there is none (macOS, the CI lane), it outlives the run, as docs/platforms.md says."""
    runner = served_runner(fork_server=fork_server)
    events = run_over_http(runner.url, "bare_daemon")
    assert exit_of(events)["code"] == 0, text_of(events, "stderr")
    daemon = _daemon_of(events)
    if CONTAINED:
        assert wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
    else:
        assert not wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
        os.kill(daemon, signal.SIGKILL)


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_fork_loop_leaves_no_process_when_its_run_times_out(fork_server: bool) -> None:
    # The timeout must come after the loop's 200 forks and its "forked" line, which under
    # load (a CPU hog, other suites) take seconds; the demo then sleeps 600 s, so it
    # always ends by the timeout.
    with ServedRunner(fork_server=fork_server, run_timeout_s=FORK_LOOP_TIMEOUT_S) as runner:
        events = run_over_http(runner.url, "fork_loop")
        assert exit_of(events)["timed_out"] is True, events
        assert "forked" in text_of(events, "stdout")
        if CONTAINED:
            assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), runner.leftovers()
        else:  # the children in the demo's group go; those that called setsid() stay
            left = runner.kill_session_leaders(GONE_WITHIN_S)
            assert left, "the setsid() children outlive a run without a subreaper"


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_sigkill_of_the_runner_ends_a_bare_daemon_and_a_fork_loop(fork_server: bool) -> None:
    with ServedRunner(fork_server=fork_server) as runner, ExitStack() as streams:
        client = streams.enter_context(httpx.Client(base_url=runner.url, timeout=30))
        lines = {}
        for demo_id in ("bare_lingerer", "fork_loop"):
            response = streams.enter_context(client.stream("POST", f"/api/demos/{demo_id}/run"))
            assert response.status_code == 200
            lines[demo_id] = response.iter_lines()
            assert next(line for line in lines[demo_id] if line.startswith("data: "))
        assert len(runner.leftovers()) > 2
        runner.process.kill()  # type: ignore[union-attr]
        runner.process.wait()  # type: ignore[union-attr]
        if not CONTAINED:  # process group only: what called setsid() stays, nothing else
            runner.kill_session_leaders(GONE_WITHIN_S)
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), runner.leftovers()


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_run_past_its_memory_limit_ends_with_one_line(
    served_runner: SharedRunners, fork_server: bool
) -> None:
    events = run_over_http(served_runner(fork_server=fork_server).url, "memory_hog")
    stderr = text_of(events, "stderr")
    if not capabilities.detect().memory_limit:
        pytest.skip("no memory limit on this system")
    assert exit_of(events)["code"] == 1
    assert stderr.count("\n") == 1 and stderr.startswith("[runner] stopped: the demo needed"), (
        stderr
    )
    assert "memory_hog.py:" in stderr and "Traceback" not in stderr
