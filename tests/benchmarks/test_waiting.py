"""The waiting benchmark's child: N real waiters started, measured, released."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import waiting
from benchmarks.figures import Figure
from runner.settings import PROJECT_ROOT


# One kind in the suite, the other with --large: the same child, a different waiter.
@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(kind, marks=() if kind == "tasks" else pytest.mark.large)
        for kind in waiting.KINDS
    ],
)
def test_a_child_starts_every_waiter_and_reports_its_memory(kind: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.waiting", kind, "200"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["started"] == 200
    assert result["error"] == ""
    assert result["startup_s"] > 0
    assert result["rss_growth_kib"] >= 0


@pytest.mark.fast
def test_the_plot_names_the_machine_and_its_thread_limits(tmp_path: Path) -> None:
    figures = [
        Figure(
            "waiting",
            f"{kind}: {metric}, N = {n}",
            unit,
            (value * n,),
            extra={"kind": kind, "n": n, "started": n},
        )
        for kind, value in (("threads", 16.0), ("tasks", 1.0))
        for metric, unit in (("RSS per waiter", "KiB"), ("start-up", "ms"))
        for n in waiting.COUNTS
    ]
    svg = tmp_path / "waiting.svg"
    waiting.plot(figures, svg)
    text = svg.read_text(encoding="utf-8")
    assert "measured on " in text and " cores" in text
    assert "thread limits: " in text
