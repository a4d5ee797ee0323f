"""The payoff demo's ratios for N = 1 to 50 queries, and the plot the talk shows of it.

Each N times the demo's own functions: N ``SELECT SLEEP(0.2)`` one by one on a
sync engine, on N threads over a sync pool of N, and gathered on an async engine
whose pool holds N warm connections. A ratio is the one-by-one time divided by
the other way's time; it can pass N a little, because one by one pays the
per-query overhead N times. Runs against the server of TALK_DATABASE_URL.
"""

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks import plotting
from benchmarks.figures import Figure
from demos.connection import TALK_URL, database_url, describe
from demos.sqlalchemy_async.payoff import time_gathered, time_sync
from runner.database import server_name
from runner.settings import PROJECT_ROOT

COUNTS = (1, 2, 5, 10, 20, 50)
SECONDS = 0.2
PLOT = PROJECT_ROOT / "assets" / "payoff.svg"
# Two samples are no picture for the talk: a quick run draws beside its results instead.
QUICK_PLOT = PROJECT_ROOT / "benchmarks" / "results" / "payoff-quick.svg"


def target(n: int) -> float:
    """Within 5% of the ideal N up to 20 queries, 10% at 50."""
    return (0.95 if n <= 20 else 0.9) * n


def measure(quick: bool) -> list[Figure]:
    repetitions = 2 if quick else 5
    limit = _free_connections()
    figures = []
    for n in COUNTS:
        if n > limit:
            print(
                f"payoff: N = {n} skipped: the server allows {limit} more connections; "
                "raise max_connections to measure it",
                file=sys.stderr,
            )
            continue
        alone, threaded, gathered = [], [], []
        for _ in range(repetitions):
            alone.append(time_sync(n, SECONDS, threads=False))
            threaded.append(time_sync(n, SECONDS, threads=True))
            gathered.append(asyncio.run(time_gathered(n, SECONDS)))
        for way, times in (("threads", threaded), ("gather", gathered)):
            figures.append(
                Figure(
                    "payoff",
                    f"{way}, N = {n}",
                    "x",
                    tuple(a / t for a, t in zip(alone, times, strict=True)),
                    target(n),
                    better="higher",
                    note=f"{n} x SELECT SLEEP({SECONDS}): one by one / {way}",
                    extra={"n": n, "way": way, "alone_s": alone, "way_s": times},
                )
            )
    if figures:
        drawn = plot_file(quick)
        drawn.parent.mkdir(parents=True, exist_ok=True)
        plot(figures, drawn, server_name(database_url(TALK_URL)))
        print(f"payoff: wrote {drawn.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return figures


def plot_file(quick: bool) -> Path:
    """Where the plot goes: the talk's picture only from a full run."""
    return QUICK_PLOT if quick else PLOT


def _free_connections() -> int:
    """How many more connections the server accepts: the largest N it can run at once."""
    url = database_url(TALK_URL)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            allowed = conn.scalar(text("SELECT @@max_connections"))
            in_use = conn.execute(text("SHOW STATUS LIKE 'Threads_connected'")).one()[1]
    finally:
        engine.dispose()
    # This check's own connection is closed again before the measuring starts.
    free = int(allowed) - int(in_use) + 1
    print(f"payoff: {describe(url)}: max_connections {allowed}, {in_use} in use", file=sys.stderr)
    return free


def plot(figures: Sequence[Figure], path: Path, server: str | None = None) -> None:
    """Both ratios against N beside the ideal y = N, sized to be read from the back of a room."""
    with plotting.figure("payoff") as (fig, (ax,)):
        ideal = [1, max(COUNTS)]
        # Wide and pale underneath: the measured lines are seen to lie on it.
        ax.plot(
            ideal,
            ideal,
            color=plotting.PALE,
            linewidth=12,
            solid_capstyle="round",
            label="N: every wait overlapped, no overhead",
        )
        for way, color, label in (
            ("threads", plotting.ORANGE, "N threads, sync engine"),
            ("gather", plotting.BLUE, "gather, async engine"),
        ):
            mine = [f for f in figures if f.extra["way"] == way]
            counts = [f.extra["n"] for f in mine]
            medians = [f.median for f in mine]
            ax.plot(
                counts,
                medians,
                marker="o",
                markersize=9,
                color=color,
                linewidth=3,
                label=f"{label} (median of {len(mine[0].samples)})",
            )
            last = mine[-1]
            ax.annotate(
                f"{last.median:.0f}x",
                (last.extra["n"], last.median),
                xytext=(10, -28 if way == "threads" else 6),
                textcoords="offset points",
                color=color,
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(COUNTS, [str(n) for n in COUNTS])
        ax.set_yticks(COUNTS, [str(n) for n in COUNTS])
        ax.minorticks_off()
        ax.set_xlim(0.8, 90)
        ax.set_ylim(0.7, 70)
        ax.set_xlabel(f"N queries of SELECT SLEEP({SECONDS})")
        ax.set_ylabel("one-by-one time / this time")
        ax.legend(loc="upper left", frameon=False)
        plotting.save(fig, path, plotting.machine(server))
