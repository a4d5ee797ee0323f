"""The deck's JavaScript logic (tests/js/*.test.mjs) under `node --test`, in the suite.

The SSE parser, the run model and a run against a fake runner need no browser:
Node runs them in a second. This test runs them so that `make test`, CI and
`make test-fast` all do.
"""

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_the_javascript_tests_pass_under_node(node_path: str) -> None:
    files = sorted(str(path) for path in (PROJECT_ROOT / "tests" / "js").glob("*.test.mjs"))
    assert files, "no tests/js/*.test.mjs"
    done = subprocess.run(
        [node_path, "--test", *files],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    summary = [line for line in done.stdout.splitlines() if line.startswith("# ")]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    assert "# fail 0" in summary, summary
    assert "# pass 0" not in summary, summary
