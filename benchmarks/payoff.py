"""The payoff demo's speedup for N = 1 to 50 queries, and the plot the talk shows of it.

Each N times the demo's own functions: N ``SELECT SLEEP(0.2)`` one after another
on the sync engine, then all at once on an async engine whose pool holds N warm
connections. The speedup (sequential / concurrent) cannot beat N; the figure is
how close to N it gets. Runs against the server of TALK_DATABASE_URL.
"""

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.figures import Figure
from demos.connection import database_url, describe
from demos.sqlalchemy_async.payoff import time_concurrent, time_sequential
from runner.settings import PROJECT_ROOT, TALK_URL

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
        sequential, concurrent = [], []
        for _ in range(repetitions):
            sequential.append(time_sequential(n, SECONDS))
            concurrent.append(asyncio.run(time_concurrent(n, SECONDS)))
        figures.append(
            Figure(
                "payoff",
                f"speedup, N = {n}",
                "x",
                tuple(s / c for s, c in zip(sequential, concurrent, strict=True)),
                target(n),
                better="higher",
                note=f"{n} x SELECT SLEEP({SECONDS}): sync one by one / async gathered",
                extra={"n": n, "sequential_s": sequential, "concurrent_s": concurrent},
            )
        )
    if figures:
        drawn = plot_file(quick)
        drawn.parent.mkdir(parents=True, exist_ok=True)
        plot(figures, drawn)
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


def plot(figures: Sequence[Figure], path: Path) -> None:
    """Speedup against N beside the ideal y = N, sized to be read from the back of a room."""
    import matplotlib  # the optional [bench] extra: only the plot needs it

    matplotlib.use("Agg")
    from matplotlib import pyplot

    counts = [f.extra["n"] for f in figures]
    medians = [f.median for f in figures]
    with pyplot.rc_context(
        {
            "font.family": "sans-serif",
            "font.size": 18,
            "svg.fonttype": "path",  # text drawn as shapes: no font to find on the night
            "svg.hashsalt": "payoff",  # stable ids, so a new run diffs only by its numbers
        }
    ):
        fig, ax = pyplot.subplots(figsize=(10, 5.625), layout="constrained")
        ideal = [1, max(COUNTS)]
        # Wide and pale underneath: the measured line is seen to lie on it.
        ax.plot(
            ideal,
            ideal,
            color="#c9d3de",
            linewidth=12,
            solid_capstyle="round",
            label="ideal: N times faster",
        )
        ax.plot(
            counts,
            medians,
            marker="o",
            markersize=10,
            color="#1f5fa8",
            linewidth=3,
            label=f"measured (median of {len(figures[0].samples)})",
        )
        for n, speedup in zip(counts, medians, strict=True):
            # Below and to the right of the rising line is empty; the last point has no right.
            offset, align = ((0, -34), "center") if n == max(COUNTS) else ((14, -26), "left")
            ax.annotate(
                f"{speedup:.1f}x",
                (n, speedup),
                xytext=offset,
                textcoords="offset points",
                ha=align,
                color="#1f5fa8",
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(COUNTS, [str(n) for n in COUNTS])
        ax.set_yticks(COUNTS, [str(n) for n in COUNTS])
        ax.minorticks_off()
        ax.set_xlim(0.8, 70)
        ax.set_ylim(0.7, 70)
        ax.set_xlabel(f"N queries of SELECT SLEEP({SECONDS})")
        ax.set_ylabel("speedup (sync time / async time)")
        ax.grid(True, color="#d5dbe2")
        ax.legend(loc="upper left", frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.savefig(path, format="svg", metadata={"Date": None})
        pyplot.close(fig)
