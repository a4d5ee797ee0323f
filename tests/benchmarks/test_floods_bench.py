"""`talk bench --only floods` cuts the three floods and times the health poll beside them."""

import json
from pathlib import Path

import pytest

from tests.harness.bench import quick_run


@pytest.mark.large
def test_quick_floods_benchmark_reports_the_cut_and_the_health_poll(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    done = quick_run("floods", output, timeout_s=300)
    assert done.returncode == 0, done.stderr
    figures = {f["name"]: f for f in json.loads(output.read_text(encoding="utf-8"))["figures"]}
    assert set(figures) == {
        "/api/health with no run, p95",
        "one 100 MB line: POST to exit",
        "one 100 MB line: /api/health, p95",
        "100 MB of lines: POST to exit",
        "100 MB of lines: /api/health, p95",
        "2 MiB of empty lines: POST to exit",
        "2 MiB of empty lines: /api/health, p95",
    }
    for flood in ("one 100 MB line", "100 MB of lines", "2 MiB of empty lines"):
        cut = figures[f"{flood}: POST to exit"]
        assert cut["n"] == 3 and all(seconds > 0 for seconds in cut["samples"])
        # Each run was cut at the 1 MiB cap, not read to its 100 MB end.
        assert "1,048,576 bytes shown" in cut["note"], cut["note"]
        assert f"| floods | {flood}: /api/health, p95 |" in done.stdout
    assert figures["/api/health with no run, p95"]["n"] > 0
