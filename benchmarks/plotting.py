"""The house look of our measured plots, and the machine each one names.

A figure measured on a 2-core laptop means something else on a 64-core
server, so every plot says where it was measured, in its bottom corner.
"""

import os
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BLUE = "#1f5fa8"
ORANGE = "#c8621b"
PALE = "#c9d3de"
GRID = "#d5dbe2"
INK = "#1b2733"
# The hand-drawn diagrams' (assets/*.svg) paper, title ink and caption grey.
PAPER = "#f8fafc"
TITLE_INK = "#1e293b"
CAPTION = "#475569"


def machine(server: str | None = None) -> str:
    """This machine in one line: cores, system, Python, and the server if one answered."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parts = [f"{cores} cores", f"{platform.system()} {platform.machine()}"]
    parts.append(f"Python {platform.python_version()}")
    if server:
        parts.append(server)
    return "measured on " + ", ".join(parts)


@contextmanager
def figure(name: str, panels: int = 1) -> Iterator[tuple[Any, list[Any]]]:
    """A 16:9 figure and its axes side by side in the talk's type, text as paths, stable ids."""
    import matplotlib  # the optional [bench] extra: only the plots need it

    matplotlib.use("Agg")
    from matplotlib import pyplot

    with pyplot.rc_context(
        {
            "font.family": "sans-serif",
            "font.size": 18,
            "text.color": INK,
            "svg.fonttype": "path",  # text drawn as shapes: no font to find on the night
            "svg.hashsalt": name,  # stable ids, so a new run diffs only by its numbers
            "figure.facecolor": PAPER,
            "axes.facecolor": PAPER,
            "savefig.facecolor": PAPER,
        }
    ):
        fig, axes = pyplot.subplots(
            1, panels, figsize=(10, 5.625), layout="constrained", squeeze=False
        )
        for ax in axes[0]:
            ax.grid(True, color=GRID)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        try:
            yield fig, list(axes[0])
        finally:
            pyplot.close(fig)


def save(fig: Any, path: Path, signature: str, title: str | None = None) -> None:
    """The figure as SVG: its title on top as the diagrams have theirs, and signed with
    where it was measured (under the axes, readable on a slide)."""
    if title:
        fig.suptitle(title, fontsize=22, fontweight="bold", color=TITLE_INK)
        fig.supxlabel(signature, fontsize=13, color=CAPTION)
    else:
        fig.suptitle(signature, x=0.99, ha="right", fontsize=12, color="#5b6673")
    fig.savefig(path, format="svg", metadata={"Date": None})
