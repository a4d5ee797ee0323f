"""Every demo run for real, shared per session: runs by id, per backend.

The runs are recordings, made as `talk build --record` and `talk run` make them (side
by side, the timing demos alone after). On MySQL/MariaDB they are the recorded talk's
(tests/harness/recorded_talk.py): every demo runs once per test run, and what it
printed is checked here. The database demos are recorded on SQLite here, once too.
"""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from runner.deck import catalog, recordings
from runner.settings import Settings
from tests.harness.demo_runs import DemoRun
from tests.harness.once import made_once


def as_runs(made: dict[str, recordings.Recording]) -> dict[str, DemoRun]:
    """Each recording as the run it was, by id."""
    runs = {}
    for demo_id, recording in made.items():
        stdout = "".join(text for name, text in recording.streams if name == "stdout")
        stderr = "".join(text for name, text in recording.streams if name == "stderr")
        runs[demo_id] = DemoRun(recording.returncode, stdout, stderr, recording.elapsed_s)
    return runs


@pytest.fixture(scope="session")
def plain_runs(recorded_talk: Path) -> dict[str, DemoRun]:
    """The demos that need no database, by id."""
    recorded = as_runs(recordings.load(recorded_talk))
    return {d.id: recorded[d.id] for d in catalog.demos() if not d.needs_database}


@pytest.fixture(scope="session", params=["server", "sqlite"])
def backend_url(request: pytest.FixtureRequest) -> str:
    """The seeded database the database demos run against: the session's server (skipped
    when the session has none), then a SQLite file of their own."""
    fixture = "mysql_server_url" if request.param == "server" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def database_runs(
    backend_url: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, DemoRun]:
    """The database demos, by id, against backend_url; on SQLite recorded once per test
    run, by the first worker to ask, on its own seeded file."""
    demos = [d for d in catalog.demos() if d.needs_database]
    if make_url(backend_url).get_backend_name() == "sqlite":

        def record(folder: Path) -> None:
            recordings.save(folder, recordings.record(demos, Settings(database_url=backend_url)))

        return as_runs(recordings.load(made_once(tmp_path_factory, "sqlite-demo-runs", record)))
    recorded = as_runs(recordings.load(request.getfixturevalue("recorded_talk")))
    return {d.id: recorded[d.id] for d in demos}
