"""The talk's deck, built once per test run, with and without its recordings.

Recording runs every demo (about 20 s), so the deck's browser, fit, handout and
engine tests share one recorded build; the tests of a fresh clone's deck share one
built without recordings. Whichever worker asks first builds each. Tests only read
them: a test that writes beside one (`talk pdf`) works on a copy.
"""

from pathlib import Path

import pytest

from tests.harness.once import made_once


@pytest.fixture(scope="session")
def recorded_talk(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Path:
    """The build folder of the talk with every demo's output recorded on the test database."""
    from runner.deck import builder  # here, not above: the logic tier loads this plugin
    from runner.settings import Settings

    def build(folder: Path) -> None:
        builder.build(build_dir=folder, record=True, settings=Settings(database_url=database_url))

    return made_once(tmp_path_factory, "recorded-talk", build)


@pytest.fixture(scope="session")
def unrecorded_talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build folder of the talk as a fresh clone builds it: no recording anywhere."""
    from runner.deck import builder

    return made_once(
        tmp_path_factory, "unrecorded-talk", lambda folder: builder.build(build_dir=folder)
    )
