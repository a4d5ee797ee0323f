"""How long `talk build` takes: cold, warm after a one-slide edit, and beside stock nbconvert.

The cold build is what a presenter waits for after a pull: a fresh interpreter
that imports everything. The warm rebuild is the edit-and-look loop inside one
process. Stock ``nbconvert --to slides`` on the same notebook, run in turns with
the cold build, is the reference; their ratio holds up on a noisy machine.
Everything is built in temporary directories: slides/ and build/ stay untouched.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure
from runner.deck import builder
from runner.deck.recordings import CACHE_NAME
from runner.deck.slides import section_files
from runner.settings import PROJECT_ROOT

COLD_TARGET_S = 1.2
WARM_TARGET_S = 0.2
SLIDES_DIR = PROJECT_ROOT / "slides"


def measure(quick: bool) -> list[Figure]:
    cold_runs, warm_runs = (3, 5) if quick else (7, 15)
    with tempfile.TemporaryDirectory(prefix="talk-bench-build-") as tmp:
        ours, stock = _cold(Path(tmp), cold_runs)
        warm = _warm(Path(tmp), warm_runs)
    ratios = tuple(o / s for o, s in zip(ours, stock, strict=True))
    return [
        Figure(
            "build",
            "cold talk build",
            "s",
            ours,
            COLD_TARGET_S,
            note="python -m runner.cli build in a fresh interpreter, whole talk",
        ),
        Figure(
            "build",
            "warm rebuild after one slide edit",
            "s",
            warm,
            WARM_TARGET_S,
            note="deck.build again in the same process after editing one section file",
        ),
        Figure(
            "build",
            "stock nbconvert --to slides, cold (reference)",
            "s",
            stock,
            note="python -m nbconvert --to slides on the notebook talk build wrote",
        ),
        Figure(
            "build",
            "cold talk build / stock nbconvert",
            "x",
            ratios,
            note="per pair of runs taken one after the other; below 1 is faster",
        ),
    ]


def _cold(root: Path, runs: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Our build and stock nbconvert, alternating, so both meet the same machine load."""
    build_dir = root / "cold"
    _seed(build_dir)
    env = {**os.environ, "TALK_BUILD_DIR": str(build_dir)}
    build = [sys.executable, "-m", "runner.cli", "build"]
    stock_build = [
        sys.executable,
        "-m",
        "nbconvert",
        "--to",
        "slides",
        str(build_dir / "talk.ipynb"),
        "--output-dir",
        str(root / "stock"),
    ]
    ours: list[float] = []
    stock: list[float] = []
    for _ in range(runs):
        ours.append(_timed(build, env))  # first, as it writes the notebook stock converts
        stock.append(_timed(stock_build, env))
    return tuple(ours), tuple(stock)


def _warm(root: Path, runs: int) -> tuple[float, ...]:
    """Rebuilds of a copy of slides/ in this process, each after one more edit."""
    tree = root / "warm"
    shutil.copytree(SLIDES_DIR, tree / "slides")
    for name in ("demos", "assets"):  # the slides link to ../demos and ../assets
        (tree / name).symlink_to(PROJECT_ROOT / name, target_is_directory=True)
    build_dir = tree / "build"
    _seed(build_dir)
    builder.build(slides_dir=tree / "slides", build_dir=build_dir)  # the process gets warm
    edited = section_files(tree / "slides")[-1]
    original = edited.read_text(encoding="utf-8").rstrip("\n")
    times = []
    for edit in range(1, runs + 1):
        edited.write_text(f"{original}\nEdit number {edit}.\n", encoding="utf-8")
        start = time.perf_counter()
        builder.build(slides_dir=tree / "slides", build_dir=build_dir)
        times.append(time.perf_counter() - start)
    return tuple(times)


def _seed(build_dir: Path) -> None:
    """Start from the recorded demo outputs a real build reuses, so the work is the same."""
    build_dir.mkdir(parents=True)
    recorded = PROJECT_ROOT / "build" / CACHE_NAME
    if recorded.is_file():
        shutil.copyfile(recorded, build_dir / CACHE_NAME)


def _timed(command: list[str], env: dict[str, str]) -> float:
    """Wall-clock seconds of one command, from start to exit."""
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[1:])} exited {done.returncode}: {done.stderr.strip()}"
        )
    return elapsed
