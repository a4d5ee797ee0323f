"""`talk doctor` on toy talks: 0 only when all is well, one line per problem."""

import functools
import os
import socket

import pytest

from benchmarks.live_server import free_port
from demos.environment import ENV_VAR
from runner import cli, doctor
from runner.deck import builder
from tests.harness.toy_deck import ToyDeck

NAP = '''\
"""Take a nap longer than the slide allows."""
import time


def main() -> None:
    # region nap
    time.sleep(12)
    # endregion
    print("awake")


if __name__ == "__main__":
    main()
'''
COUNT = '''\
"""Count the todos: a demo that needs the database."""
from sqlalchemy import create_engine, text

from demos.connection import redirected  # OMIT

create_engine = redirected(create_engine)  # OMIT


def main() -> None:
    engine = create_engine("mysql+pymysql://root:example@localhost/exampledb")
    with engine.connect() as conn:
        print(conn.execute(text("SELECT COUNT(*) FROM todo")).scalar_one())
    engine.dispose()


if __name__ == "__main__":
    main()
'''


@pytest.fixture
def toy_talk(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch, database_url: str) -> ToyDeck:
    """A toy talk, built and recorded, whose demos the doctor's runs can import."""
    monkeypatch.setenv("PYTHONPATH", str(toy.package.parent))
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")
    (toy.slides / "talk.toml").write_text(IDENTITY)
    return toy


IDENTITY = (
    'speaker = "Ada"\ndate = "1 May"\nvenue = "PyCon"\nrepository = "https://example.org/t"\n'
)


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


def test_placeholders_left_in_talk_toml_are_a_warning(toy_talk: ToyDeck) -> None:
    (toy_talk.slides / "talk.toml").write_text('speaker = "Ada"\nvenue = "[venue]"\n')
    build(toy_talk)
    (warning,) = examine(toy_talk).warnings
    assert warning.startswith("warning: talk.toml still has placeholders (date, venue, repository)")
    assert "\n" not in warning


def test_a_demo_over_its_slides_budget_is_one_line(toy_talk: ToyDeck) -> None:
    (toy_talk.package / "nap.py").write_text(NAP)
    # Unrecorded, the slide's time by the pacing model (runner.deck.pacing.MODEL) is its
    # notes (two words, about 1 s), the slide (3 s), its one line shown (1.5 s), Run (3 s)
    # and an unrecorded run (2 s): 10 s, which the 12 s nap overruns.
    toy_talk.write("02-slow.md", f"# Slow\n\n{toy_talk.link('nap.py', 'nap')}\n\nNote: quick one\n")
    build(toy_talk, record=False)
    report = examine(toy_talk)
    (problem,) = report.problems
    assert problem.startswith("problem: demo nap took ") and ", over its slide's 10 s;" in problem
    assert "\n" not in problem


def test_a_demo_that_does_not_parse_is_named_and_the_others_are_timed(toy_talk: ToyDeck) -> None:
    (toy_talk.package / "broken.py").write_text('"""Broken."""\n\ndef main(:\n    pass\n')
    toy_talk.write("02-broken.md", f"# Broken\n\n{toy_talk.link('broken.py')}\n")
    build(toy_talk)  # the deck builds, the broken demo's slide saying why
    report = examine(toy_talk)
    (problem,) = report.problems
    assert problem.startswith("problem: demo broken cannot run: ") and "\n" not in problem
    assert "broken.py:3: syntax error" in problem
    assert [(t.demo.id, t.status) for t in report.timings] == [("hello", "ok"), ("counter", "ok")]


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
    toy_talk: ToyDeck, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`talk doctor` as typed, on the toy talk (the talk's own demos would all be timed)."""
    (toy_talk.package / "count.py").write_text(COUNT)
    toy_talk.write("02-count.md", f"# Count\n\n{toy_talk.link('count.py')}\n")
    build(toy_talk, record=False)
    closed = f"mysql+pymysql://root@127.0.0.1:{free_port()}/exampledb"
    monkeypatch.setenv(ENV_VAR, closed)
    monkeypatch.setenv("TALK_BUILD_DIR", str(toy_talk.build_dir))
    monkeypatch.setattr(
        doctor,
        "examine",
        functools.partial(doctor.examine, slides_dir=toy_talk.slides, demos_dir=toy_talk.package),
    )
    status = cli.main(["doctor", "--port", str(free_port())])
    shown = capsys.readouterr().out
    assert status == 1, shown
    problems = [line for line in shown.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1, problems
    assert problems[0].startswith("problem: the database at mysql+pymysql://root@127.0.0.1:")
    rows = {line.split()[0]: line for line in shown.splitlines() if line.endswith(("ok", "run"))}
    assert rows["count"].endswith("not run") and rows["hello"].endswith("ok")
