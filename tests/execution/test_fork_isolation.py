"""Every run is a fresh process: nothing an earlier run did is there for the next one.

The fork server forks each run off one warm interpreter that never runs a demo
itself, so a run must look exactly like ``python -u -m`` started it: a new pid,
no trace of earlier runs, the runner's database URL, and stdin at /dev/null.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from runner.deck import catalog
from runner.deck.demo import Demo
from runner.service.app import create_app
from runner.settings import PROJECT_ROOT
from tests.harness.runner import LiveRunner, exit_of, settings, text_of

ISOLATION = Demo("isolation", "tests.harness.fixture_demos.isolation", needs_database=False)
# Only handed to the demo, never connected to.
DATABASE_URL = "mysql+pymysql://root@127.0.0.1:3306/isolation_check"
TRACES = ("library_attribute", "environment", "builtins_global", "module_global")


def test_each_run_is_a_new_process_that_finds_no_trace_of_earlier_runs() -> None:
    app = create_app(settings=settings(database_url=DATABASE_URL), demos=[ISOLATION])
    with LiveRunner(app) as live:
        assert (
            app.state.runner.launcher.fork_server is not None
            and app.state.runner.launcher.fork_server.running
        )
        reports = []
        for _ in range(3):
            events = live.stream("isolation")
            assert exit_of(events)["code"] == 0, text_of(events, "stderr")
            reports.append(json.loads(text_of(events, "stdout")))
        # Each run is a supervisor forked off the fork server, and the demo it forks.
        assert len({report["ppid"] for report in reports}) == 3, reports
        parents = {report["grandparent"] for report in reports}
        assert len(parents) == 1, "every run is forked off the same fork server"
        fork_server = parents.pop()
        assert b"runner.execution.forkserver" in Path(f"/proc/{fork_server}/cmdline").read_bytes()

    pids = [report["pid"] for report in reports]
    server = os.getpid()  # uvicorn serves from a thread of this test's process
    assert len(set(pids)) == 3, pids
    assert not {server, fork_server} & set(pids), (pids, server, fork_server)
    assert server != fork_server
    for report in reports:
        assert {trace: report[trace] for trace in TRACES} == dict.fromkeys(TRACES), report
        assert report["helper_imported"] is False, report
        assert report["database_url"] == DATABASE_URL
        assert report["stdin"] == os.devnull
    assert "TALK_ISOLATION_MARK" not in os.environ, "a run's environment reached the server"


def test_the_isolation_demo_sees_traces_when_a_process_is_reused() -> None:
    """The control: run twice in one interpreter, the second run finds every trace."""
    code = "from tests.harness.fixture_demos.isolation import main\nmain()\nmain()\n"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert all(first[trace] is None for trace in TRACES), first
    assert all(second[trace] is not None for trace in TRACES), second
    assert (first["helper_imported"], second["helper_imported"]) == (False, True)


def test_fork_server_and_plain_interpreter_print_the_same() -> None:
    models = catalog.find("models")
    assert models is not None
    outputs = []
    for fork_server in (True, False):
        app = create_app(settings=settings(), demos=[models], fork_server=fork_server)
        with LiveRunner(app) as live:
            assert (app.state.runner.launcher.fork_server is not None) is fork_server
            events = live.stream("models")
        outputs.append(
            (exit_of(events)["code"], text_of(events, "stdout"), text_of(events, "stderr"))
        )
    forked, plain = outputs
    assert forked == plain
    assert forked[0] == 0 and "CREATE TABLE todo" in forked[1]
