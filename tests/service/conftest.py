"""The stage deck (tests/harness/stage.py), built and served once per test run.

Its imports are the fixtures' own: the logic tier (`make test-fast`) collects this
folder too, and never needs the app, the benchmarks or Playwright that serving it takes.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness.once import made_once


@pytest.fixture(scope="session")
def stage_dir(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    """The stage deck's build folder, built and recorded once per test run."""
    from tests.harness import stage

    return made_once(tmp_path_factory, "stage", stage.build)


@pytest.fixture(scope="session")
def stage_url(stage_dir: Path, database_url: str) -> Iterator[str]:
    """The stage deck's URL, served by one runner on the test database for the whole run."""
    from tests.harness import stage

    with stage.serving(stage_dir, database_url) as url:
        yield url
