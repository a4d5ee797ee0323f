"""Concurrency beyond the pool queues: N gathered queries on a pool of 5.

N ``SELECT SLEEP(0.2)`` at once with ``asyncio.gather`` on an async engine
whose pool holds 5 connections and no overflow, SQLAlchemy's default size.
Up to 5 they overlap; beyond, tasks wait for a connection, so the wall time
climbs in steps of one query per 5 tasks. Runs against TALK_DATABASE_URL.
"""

import asyncio
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks import plotting
from benchmarks.figures import Figure
from demos.connection import TALK_URL, database_url
from demos.sqlalchemy_async.payoff import tasks as gathered
from runner.database import server_name
from runner.settings import PROJECT_ROOT

POOL_SIZE = 5
SECONDS = 0.2
COUNTS = (1, 3, 5, 6, 10, 15, 20)
PLOT = PROJECT_ROOT / "assets" / "pool.svg"


def measure(quick: bool) -> list[Figure]:
    repetitions = 2 if quick else 5
    figures = []
    for n in COUNTS:
        times = [asyncio.run(_time(n)) for _ in range(repetitions)]
        rounds = math.ceil(n / POOL_SIZE)
        figures.append(
            Figure(
                "pool",
                f"wall time, N = {n}, pool 5",
                "s",
                tuple(times),
                note=f"{rounds} round(s) of SELECT SLEEP({SECONDS})",
                extra={"n": n, "rounds": rounds},
            )
        )
    plot(figures, PLOT, server_name(database_url(TALK_URL)))
    print(f"pool: wrote {PLOT.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return figures


async def _time(n: int) -> float:
    url = database_url(TALK_URL.replace("pymysql", "aiomysql"))
    engine = create_async_engine(url, pool_size=POOL_SIZE, max_overflow=0)
    try:
        await gathered(engine, POOL_SIZE, 0)  # warm: the whole pool open
        start = time.perf_counter()
        await gathered(engine, n, SECONDS)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


def plot(figures: Sequence[Figure], path: Path, server: str | None) -> None:
    """Measured wall time against N, over the steps that the pool size predicts."""
    with plotting.figure("pool") as (fig, (ax,)):
        rounds = math.ceil(max(COUNTS) / POOL_SIZE)
        # One stair per round: N = 1-5 is one query's time, 6-10 two, and so on.
        ax.stairs(
            [r * SECONDS for r in range(1, rounds + 1)],
            [0.5 + r * POOL_SIZE for r in range(rounds + 1)],
            color=plotting.PALE,
            linewidth=10,
            baseline=None,
            label=f"ceil(N / {POOL_SIZE}) x {SECONDS} s: queued for a connection",
        )
        ax.plot(
            [f.extra["n"] for f in figures],
            [f.median for f in figures],
            marker="o",
            markersize=9,
            color=plotting.BLUE,
            linewidth=0,
            label=f"measured (median of {len(figures[0].samples)})",
        )
        ax.axvline(POOL_SIZE + 0.5, color=plotting.ORANGE, linestyle="--", linewidth=2)
        ax.annotate(
            f"pool_size = {POOL_SIZE}, max_overflow = 0",
            (POOL_SIZE + 0.7, SECONDS * 0.4),
            color=plotting.ORANGE,
        )
        ax.set_xticks(COUNTS)
        ax.set_xlim(0, max(COUNTS) + 1)
        ax.set_ylim(0, SECONDS * 4.6)
        ax.set_xlabel(f"N concurrent queries of SELECT SLEEP({SECONDS}), one pool")
        ax.set_ylabel("wall time (s)")
        ax.legend(loc="upper left", frameon=False, fontsize=15, bbox_to_anchor=(0.3, 1))
        plotting.save(fig, path, plotting.machine(server))
