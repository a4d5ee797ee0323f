"""One way to run a demo: `talk run`, `talk build --record` and the runner print the same.

Compared on a few demos that between them take every turn a run can take. Every demo
of the talk still runs once per test run both ways a run is made: recorded with the
talk, as `talk run` runs it (tests/demos checks what each printed), and through the
runner (tests/deck/test_fit.py).
"""

import os
import re
import subprocess
import sys

from runner import database
from runner.deck import catalog, recordings
from runner.deck.demo import Demo
from runner.execution import events
from runner.service.app import create_app
from runner.settings import PROJECT_ROOT
from tests.harness.runner import LiveRunner, exit_of, settings, text_of

# The demos compared, and the turn each one takes.
REPRESENTATIVE = {
    "coroutine-object": "prints an object address, whole",
    "missing-await": "writes a warning to stderr",
    "gather": "prints a timing, and runs alone",
    "models": "prints the CREATE TABLE statements, and is cut by the cap",
    "engine-connect": "reaches the database through the redirected URL",
    "async-engine": "reaches it through the asyncio driver, whole",
    "expire-on-commit-naive": "prints the error it catches, and is cut by the cap",
}

# Small enough that about half the demos are cut (and their "[runner] stopped" note
# shown), large enough that the others print everything.
CAP = 200
# Far above what any demo needs, so that even a machine under heavy load times none out.
TIMEOUT_S = 180
# What differs from one run to the next: timings and object addresses. A number's
# padding goes with it: right-aligned, "9.9" and "10.1" take the same width.
_ADDRESS = re.compile(r"0x[0-9a-f]+")
_NUMBER = re.compile(r" *\d+(\.\d+)?")


def normalised(text: str) -> str:
    """Numbers and addresses masked, and paths as a recording stores them (project
    files relative to the project), which the other two paths print in full."""
    return _NUMBER.sub(" N", _ADDRESS.sub("0x?", events.portable(text, PROJECT_ROOT)))


Printed = dict[str, tuple[str, str, int | None]]  # id -> (stdout, stderr, code when not cut)


def compared() -> list[Demo]:
    demos = [d for d in catalog.demos() if d.id in REPRESENTATIVE]
    assert len(demos) == len(REPRESENTATIVE), "a compared demo is no longer in the talk"
    return demos


def by_talk_run(url: str) -> Printed:
    env = {
        **os.environ,
        "TALK_DATABASE_URL": url,
        "TALK_OUTPUT_CAP_BYTES": str(CAP),
        "TALK_RUN_TIMEOUT_S": str(TIMEOUT_S),
    }

    def talk_run(demo: Demo) -> tuple[str, str, int | None]:
        done = subprocess.run(
            [sys.executable, "-m", "runner.cli", "run", demo.id],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S + 30,
            check=False,
        )
        cut = "[runner] stopped" in done.stderr
        return done.stdout, done.stderr, None if cut else done.returncode

    return {demo.id: talk_run(demo) for demo in compared()}


def by_recording(url: str) -> Printed:
    made = recordings.record(
        compared(), settings(database_url=url, output_cap_bytes=CAP, run_timeout_s=TIMEOUT_S)
    )
    printed: Printed = {}
    for demo_id, recording in made.items():
        stdout = "".join(text for name, text in recording.streams if name == "stdout")
        stderr = "".join(text for name, text in recording.streams if name == "stderr")
        cut = "[runner] stopped" in stderr
        printed[demo_id] = (stdout, stderr, None if cut else recording.returncode)
    return printed


def by_runner(url: str) -> Printed:
    app = create_app(
        settings=settings(database_url=url, output_cap_bytes=CAP, run_timeout_s=TIMEOUT_S)
    )
    printed: Printed = {}
    with LiveRunner(app) as live:
        for demo in compared():
            events = live.stream(demo.id, silence_s=TIMEOUT_S)
            end = exit_of(events)
            code = None if end["truncated"] else end["code"]
            printed[demo.id] = (text_of(events, "stdout"), text_of(events, "stderr"), code)  # type: ignore[assignment]
    return printed


def test_talk_run_recording_and_the_runner_print_the_same(database_url: str) -> None:
    """Each path runs the compared demos against a freshly seeded database.

    Compared per demo: stdout and stderr, after replacing every number by N and every
    address by 0x? (timings and object ids differ between any two runs), and the exit
    code unless the cap cut the run (then the demo is killed at a moment that races
    with its own exit). Cut runs must carry the same "[runner] stopped" note.
    """
    printed = {}
    for path, run_all in [
        ("talk run", by_talk_run),
        ("talk build --record", by_recording),
        ("the runner", by_runner),
    ]:
        database.init(database_url)
        printed[path] = {
            demo_id: (normalised(out), normalised(err), code)
            for demo_id, (out, err, code) in run_all(database_url).items()
        }

    cut = [i for i, (_, err, _) in printed["the runner"].items() if "[runner] stopped" in err]
    assert 3 <= len(cut) < len(REPRESENTATIVE), cut  # the cap cut some demos, not all
    whole = printed["the runner"]
    assert all(code == 0 for i, (_, _, code) in whole.items() if i not in cut), whole
    for path in ("talk run", "talk build --record"):
        for demo in compared():
            assert printed[path][demo.id] == whole[demo.id], (path, demo.id)
