"""The talk as it is presented, built and recorded once per test run.

Recording runs every demo (about 20 s), so the deck's browser, fit and handout
tests share one build. They only read it: a test that writes beside it (`talk
pdf`) works on a copy.
"""

from pathlib import Path

import pytest

from runner.deck import builder
from runner.settings import Settings


@pytest.fixture(scope="session")
def recorded_talk(tmp_path_factory: pytest.TempPathFactory, mysql_url: str) -> Path:
    """The build folder of the talk with every demo's output recorded on the test database."""
    index = builder.build(
        build_dir=tmp_path_factory.mktemp("recorded-talk"),
        record=True,
        settings=Settings(database_url=mysql_url),
    )
    return index.parent
