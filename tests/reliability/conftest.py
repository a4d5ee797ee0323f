"""The runner tests' harness, for the reliability tests too.

The runner tests' helpers (``runner_harness``) live beside their own conftest,
which puts their folder on ``sys.path`` only when those tests are collected; a
run of this folder alone needs it too.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "runner"))

