"""`python -m benchmarks` runs end to end, so the command cannot rot between talks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import payoff
from runner.settings import PROJECT_ROOT
from tests.harness.bench import quick_run


@pytest.mark.large
def test_quick_build_benchmark_prints_its_rows_and_writes_json(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = quick_run("build", output, timeout_s=180)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| build |")]
    assert any(
        row.startswith("| build | cold talk build | 3 |") and "<= 1.2 s" in row for row in rows
    ), done.stdout
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["machine"]["cpu_count"] == os.cpu_count()
    assert data["quick"] is True
    assert {f["group"] for f in data["figures"]} == {"build"}
    assert all(f["median"] > 0 and f["n"] == len(f["samples"]) for f in data["figures"])


def test_an_unknown_benchmark_is_refused() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nonsense"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice: 'nonsense'" in done.stderr


@pytest.mark.fast
def test_a_quick_payoff_run_leaves_the_talks_picture_alone() -> None:
    quick = payoff.plot_file(quick=True)
    assert payoff.plot_file(quick=False) == PROJECT_ROOT / "assets" / "payoff.svg"
    assert quick != payoff.plot_file(quick=False)
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", str(quick)], cwd=PROJECT_ROOT, check=False
    )
    assert ignored.returncode == 0, f"{quick} would be committed"
