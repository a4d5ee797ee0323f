"""The payoff's timing functions, as the benchmark imports them."""

import asyncio

from demos.sqlalchemy_async.payoff import time_concurrent, time_sequential


def test_sequential_time_is_the_sum_of_the_waits(mysql_url: str) -> None:
    elapsed = time_sequential(3, 0.2)
    assert 0.55 < elapsed < 1.2


def test_concurrent_time_is_about_one_wait(mysql_url: str) -> None:
    elapsed = asyncio.run(time_concurrent(5, 0.2))
    assert 0.18 < elapsed < 0.5
