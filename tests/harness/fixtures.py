"""Fixtures of the runner tests: a live runner, and a check that no demo is left behind."""

from collections.abc import Iterator

import pytest

from runner.service.app import create_app
from tests.harness.runner import (
    FIXTURE_DEMOS,
    LiveRunner,
    running_fixture_demos,
    settings,
    wait_until,
)


@pytest.fixture
def live() -> Iterator[LiveRunner]:
    with LiveRunner(create_app(settings=settings(), demos=FIXTURE_DEMOS)) as runner:
        yield runner


@pytest.fixture
def no_fixture_demos_left() -> Iterator[None]:
    """Fails the test if it leaves any demo process behind."""
    yield
    assert wait_until(lambda: not running_fixture_demos(), 5), running_fixture_demos()
