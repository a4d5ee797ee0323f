"""Fixtures of the runner tests: a live runner, runners served by uvicorn in processes
of their own, and a check that no demo is left behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

# Imported where used: every test session loads this plugin, and uvicorn and the
# app are for the tests that serve.
if TYPE_CHECKING:
    from tests.harness.reliability import SharedRunners
    from tests.harness.runner import LiveRunner


@pytest.fixture
def live() -> Iterator[LiveRunner]:
    from runner.service.app import create_app
    from tests.harness.runner import FIXTURE_DEMOS, LiveRunner, settings

    with LiveRunner(create_app(settings=settings(), demos=FIXTURE_DEMOS)) as runner:
        yield runner


@pytest.fixture
def no_fixture_demos_left() -> Iterator[None]:
    """Fails the test if it leaves any demo process behind."""
    from tests.harness.runner import running_fixture_demos, wait_until

    yield
    assert wait_until(lambda: not running_fixture_demos(), 5), running_fixture_demos()


@pytest.fixture(scope="module")
def served_runner() -> Iterator[SharedRunners]:
    """served_runner(fork_server=..., **settings): the module's runner for those settings."""
    from tests.harness.reliability import SharedRunners

    with ExitStack() as stack:
        yield SharedRunners(stack)
