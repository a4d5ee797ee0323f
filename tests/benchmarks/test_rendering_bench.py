"""`talk bench --only rendering` runs the floods in Chromium and reports the render figures."""

import json
from pathlib import Path

import pytest

from tests.harness.bench import quick_run

pytestmark = [pytest.mark.browser, pytest.mark.large]


def test_quick_rendering_benchmark_reports_its_figures(tmp_path: Path, chromium_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = quick_run("rendering", output, timeout_s=300)
    assert done.returncode == 0, done.stderr
    figures = {f["name"]: f for f in json.loads(output.read_text(encoding="utf-8"))["figures"]}
    for flood in ("10,000 short lines", "1 MiB of long lines"):
        assert figures[f"{flood}: exit event to final status drawn"]["n"] == 2
        assert f"| rendering | {flood}: longest main-thread task | 2 |" in done.stdout
        drawn = figures[f"{flood}: click to final status"]["extra"]
        assert all(0 < lines <= 200 for lines in drawn["lines_in_page"]), drawn
    lines = figures["10,000 short lines: click to final status"]["extra"]["lines_printed"]
    assert lines == [10_000, 10_000]
