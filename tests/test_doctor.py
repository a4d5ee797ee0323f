"""`talk doctor` on a toy deck and on the talk: 0 only when all is well, one line per problem."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demos.connection import ENV_VAR
from runner import doctor
from runner.deck import builder
from runner.settings import PROJECT_ROOT
from tests.harness.demo_runs import environment
from tests.harness.runner import free_port
from tests.harness.toy_deck import ToyDeck

NAP = '''\
"""Take a nap longer than the slide allows."""
import time


def main() -> None:
    time.sleep(2.5)
    print("awake")


if __name__ == "__main__":
    main()
'''


@pytest.fixture
def toy_talk(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch, database_url: str) -> ToyDeck:
    """A toy talk, built and recorded, whose demos the doctor's runs can import."""
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")
    return toy


def examine(toy: ToyDeck) -> doctor.Report:
    return doctor.examine(
        slides_dir=toy.slides, demos_dir=toy.package, build_dir=toy.build_dir, port=free_port()
    )


def build(toy: ToyDeck, record: bool = True) -> None:
    builder.build(
        slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package, record=record
    )


def test_a_healthy_talk_has_no_problem_and_a_table(toy_talk: ToyDeck) -> None:
    build(toy_talk)
    report = examine(toy_talk)
    assert report.problems == []
    assert [t.demo.id for t in report.timings] == ["hello", "counter"]
    assert all(t.status == "ok" and t.elapsed_s is not None for t in report.timings)
    shown = doctor.render(report)
    assert "demo     budget  measured  status" in shown
    assert any(
        line.startswith(("database: MariaDB ", "database: MySQL ", "database: SQLite "))
        for line in shown.splitlines()
    )
    assert report.warnings == []


def test_a_demo_over_its_slides_budget_is_one_line(toy_talk: ToyDeck) -> None:
    (toy_talk.package / "nap.py").write_text(NAP)
    # Unrecorded, the slide's time is its notes alone: two words, about 1 s.
    toy_talk.write("02-slow.md", f"# Slow\n\n{toy_talk.link('nap.py')}\n\nNote: quick one\n")
    build(toy_talk, record=False)
    report = examine(toy_talk)
    (problem,) = report.problems
    assert problem.startswith("problem: demo nap took ") and ", over its slide's 1 s;" in problem
    assert "\n" not in problem


def test_a_stale_recording_and_a_stale_deck_are_named(toy_talk: ToyDeck) -> None:
    build(toy_talk)
    demo = toy_talk.package / "counter.py"
    os.utime(toy_talk.build_dir / "index.html", (1, 1))
    demo.write_text(demo.read_text().replace("range(1, 4)", "range(1, 5)"))
    report = examine(toy_talk)
    assert report.problems[0].startswith("problem: the deck is older than ")
    assert report.warnings == [
        "warning: the recordings of counter show older code than the demo files; "
        "`talk build --record` records them (the static deck and `talk pdf` show them)"
    ]


def test_missing_recordings_are_named_and_tool_caches_are_no_sources(toy_talk: ToyDeck) -> None:
    build(toy_talk, record=False)
    # What `make check` and a run of the demos leave beside them, after the build.
    for cache in (".ruff_cache/.gitignore", "__pycache__/hello.cpython-311.pyc"):
        (toy_talk.package / cache).parent.mkdir(exist_ok=True)
        (toy_talk.package / cache).write_text("a tool's, not the deck's\n")
    report = examine(toy_talk)
    assert report.problems == []
    assert "recordings: 0 of 2 current" in report.notes
    assert report.warnings == [
        "warning: no recording of hello, counter; `talk build --record` records them "
        "(the static deck and `talk pdf` show them)"
    ]
    assert report.warnings[0] in doctor.render(report)


def test_a_busy_port_is_named(toy_talk: ToyDeck) -> None:
    build(toy_talk)

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        report = doctor.examine(
            slides_dir=toy_talk.slides,
            demos_dir=toy_talk.package,
            build_dir=toy_talk.build_dir,
            port=port,
        )
    assert report.problems == [
        f"problem: port {port} is in use; stop what listens there, or "
        f"`talk serve --port {port + 1}`"
    ]


def test_talk_doctor_with_the_database_down_exits_1_with_one_line(
    tmp_path: Path, database_url: str
) -> None:
    builder.build(build_dir=tmp_path)
    closed = f"mysql+pymysql://root@127.0.0.1:{free_port()}/exampledb"
    done = subprocess.run(
        [sys.executable, "-m", "runner.cli", "doctor", "--port", str(free_port())],
        cwd=PROJECT_ROOT,
        env=environment({ENV_VAR: closed, "TALK_BUILD_DIR": str(tmp_path)}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1, problems
    assert problems[0].startswith("problem: the database at mysql+pymysql://root@127.0.0.1:")
    assert "not run" in done.stdout and "gather " in done.stdout
