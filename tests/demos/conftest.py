"""Every demo run for real, shared per session: runs by id, per backend."""

import pytest

from demos import catalog
from demos.connection import ENV_VAR
from tests.harness.demo_runs import DemoRun, run_all


@pytest.fixture(scope="session")
def plain_runs() -> dict[str, DemoRun]:
    """The demos that need no database, by id."""
    return run_all((d for d in catalog.demos() if not d.needs_database), {})


@pytest.fixture(scope="session", params=["mysql", "sqlite"])
def backend_url(request: pytest.FixtureRequest) -> str:
    """The seeded database the database demos run against: MariaDB, then SQLite."""
    fixture = "mysql_url" if request.param == "mysql" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="session")
def database_runs(backend_url: str) -> dict[str, DemoRun]:
    """The database demos, by id, against backend_url."""
    return run_all((d for d in catalog.demos() if d.needs_database), {ENV_VAR: backend_url})
