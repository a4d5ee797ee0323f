"""Every demo run for real, shared per session: runs by id, per backend.

The runs are recordings, made as `talk build --record` and `talk run` make them (side
by side, the timing demos alone after). On MySQL/MariaDB they are the recorded talk's
(tests/harness/recorded_talk.py): every demo runs once per test run, and what it
printed is checked here. The database demos are recorded on SQLite here.
"""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from demos import catalog
from runner.deck import recordings
from runner.settings import Settings
from tests.harness.demo_runs import DemoRun


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


@pytest.fixture(scope="session", params=["mysql", "sqlite"])
def backend_url(request: pytest.FixtureRequest) -> str:
    """The seeded database the database demos run against: MariaDB, then SQLite."""
    fixture = "mysql_url" if request.param == "mysql" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def database_runs(backend_url: str, request: pytest.FixtureRequest) -> dict[str, DemoRun]:
    """The database demos, by id, against backend_url."""
    demos = [d for d in catalog.demos() if d.needs_database]
    if make_url(backend_url).get_backend_name() == "sqlite":
        return as_runs(recordings.record(demos, Settings(database_url=backend_url)))
    recorded = as_runs(recordings.load(request.getfixturevalue("recorded_talk")))
    return {d.id: recorded[d.id] for d in demos}
