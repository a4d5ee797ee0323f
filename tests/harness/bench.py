"""`python -m benchmarks --quick --only NAME` run as a person would, for the benchmark tests."""

import subprocess
import sys
from pathlib import Path

from runner.settings import PROJECT_ROOT


def quick_run(name: str, output: Path, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """One quick benchmark, its JSON written to output; the finished process, never raised."""
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", name, "--json", str(output)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
