"""`talk doctor` on toy talks: 0 only when all is well, one line per problem."""

import functools
import os
import socket

import pytest

from demos.connection import ENV_VAR
from runner import cli, doctor
from runner.deck import builder
from runner.settings import get_settings
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
def toy_talk(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch, mysql_url: str) -> ToyDeck:
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
        line.startswith("database: MariaDB ") or line.startswith("database: MySQL ")
        for line in shown.splitlines()
    )


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
    problems = examine(toy_talk).problems
    assert any(p.startswith("problem: the deck is older than ") for p in problems)
    assert any(
        p == "problem: the recordings of counter show older code than the demo files; "
        "run `talk build --record`"
        for p in problems
    )


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
    get_settings.cache_clear()
    try:
        status = cli.main(["doctor", "--port", str(free_port())])
    finally:
        get_settings.cache_clear()
    shown = capsys.readouterr().out
    assert status == 1, shown
    problems = [line for line in shown.splitlines() if line.startswith("problem:")]
    assert len(problems) == 1, problems
    assert problems[0].startswith("problem: the database at mysql+pymysql://root@127.0.0.1:")
    rows = {line.split()[0]: line for line in shown.splitlines() if line.endswith(("ok", "run"))}
    assert rows["count"].endswith("not run") and rows["hello"].endswith("ok")
