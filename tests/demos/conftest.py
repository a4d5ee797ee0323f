"""Every demo run for real, shared per session: runs by id, per backend.

On MySQL/MariaDB they are the recorded talk's runs (tests/harness/recorded_talk.py),
made through the same run path as `talk run`: every demo runs once per test run
there, and its output is checked here. On SQLite they run here, as ``python -m``.
"""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from demos import catalog
from demos.connection import ENV_VAR
from runner.deck import recordings
from tests.harness.demo_runs import DemoRun, run_all


def recorded_runs(build_dir: Path) -> dict[str, DemoRun]:
    """What each demo printed when the talk was recorded, by id."""
    runs = {}
    for demo_id, made in recordings.load(build_dir).items():
        stdout = "".join(text for name, text in made.streams if name == "stdout")
        stderr = "".join(text for name, text in made.streams if name == "stderr")
        runs[demo_id] = DemoRun(made.returncode, stdout, stderr, made.elapsed_s)
    return runs


@pytest.fixture(scope="session")
def plain_runs(recorded_talk: Path) -> dict[str, DemoRun]:
    """The demos that need no database, by id."""
    recorded = recorded_runs(recorded_talk)
    return {d.id: recorded[d.id] for d in catalog.DEMOS if not d.needs_database}


@pytest.fixture(scope="session", params=["mysql", "sqlite"])
def backend_url(request: pytest.FixtureRequest) -> str:
    """The seeded database the database demos run against: MariaDB, then SQLite."""
    fixture = "mysql_url" if request.param == "mysql" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def database_runs(backend_url: str, request: pytest.FixtureRequest) -> dict[str, DemoRun]:
    """The database demos, by id, against backend_url."""
    demos = [d for d in catalog.DEMOS if d.needs_database]
    if make_url(backend_url).get_backend_name() == "sqlite":
        return run_all(demos, {ENV_VAR: backend_url})
    recorded = recorded_runs(request.getfixturevalue("recorded_talk"))
    return {d.id: recorded[d.id] for d in demos}
