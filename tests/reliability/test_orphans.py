"""Nothing a demo starts outlives its run, nor the runner, however the runner ends."""

import re
from contextlib import ExitStack

import httpx
import pytest

from tests.harness.reliability import ServedRunner
from tests.harness.runner import Event, exit_of, parse_events, pid_alive, text_of, wait_until

LAUNCH_PATHS = [pytest.param(True, id="fork-server"), pytest.param(False, id="plain")]
GONE_WITHIN_S = 2.0


def _run(url: str, demo_id: str) -> list[Event]:
    with (
        httpx.Client(base_url=url, timeout=30) as client,
        client.stream("POST", f"/api/demos/{demo_id}/run") as response,
    ):
        assert response.status_code == 200, response.read()
        return [Event(name, data, 0.0) for name, data in parse_events(response.read().decode())]


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_a_setsid_daemon_goes_when_its_run_ends(fork_server: bool) -> None:
    with ServedRunner(fork_server=fork_server) as runner:
        events = _run(runner.url, "daemonizer")
        assert exit_of(events)["code"] == 0, text_of(events, "stderr")
        daemon = int(re.findall(r"\d+", text_of(events, "stdout"))[0])
        assert wait_until(lambda: not pid_alive(daemon), GONE_WITHIN_S)
        assert wait_until(lambda: not runner.leftovers(), 1), runner.leftovers()


@pytest.mark.parametrize("fork_server", LAUNCH_PATHS)
def test_sigkill_of_the_runner_with_three_runs_active_leaves_no_process(
    fork_server: bool,
) -> None:
    """sleeper and stubborn (with its child) in their groups, and lingerer's setsid()
    daemon outside any group of a run: the keeper ends all of them."""
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
        assert wait_until(lambda: not runner.leftovers(), GONE_WITHIN_S), runner.leftovers()
        assert not pid_alive(daemon)
        if runner.fork_server_pid is not None:
            assert wait_until(lambda: not pid_alive(runner.fork_server_pid), GONE_WITHIN_S)
