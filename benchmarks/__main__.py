"""`python -m benchmarks` (and `talk bench`): every benchmark's figures as one table and as JSON.

A benchmark is a module of this package with ``measure(quick) -> list[Figure]``.
Missing a target is a result, not a failure, so it still exits 0; a module not
written yet is reported as not available and the others run all the same.
"""

import argparse
import importlib
import json
import os
import platform
import sys
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.figures import Figure, table

BENCHMARKS = (
    "latency",
    "streaming",
    "fidelity",
    "build",
    "payoff",
    "waiting",
    "pool",
    "rendering",
    "floods",
    "audience",
)
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def main(quick: bool = False, only: Sequence[str] = (), output: Path = RESULTS) -> int:
    """Measure the chosen benchmarks (all by default), print the table, write ``output``."""
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        print(
            f"error: no benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    figures: list[Figure] = []
    missing: list[str] = []
    failed: dict[str, str] = {}
    for name in (b for b in BENCHMARKS if not only or b in only):
        print(f"measuring {name}...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"benchmarks.{name}":
                raise  # the module exists but something it needs does not
            missing.append(name)
            continue
        try:
            figures.extend(module.measure(quick))
        except Exception as error:
            # One broken benchmark must not cost the minutes the others took.
            traceback.print_exc()
            failed[name] = f"{type(error).__name__}: {error}"
    print(table(figures))
    for name in missing:
        print(f"{name}: not available (benchmarks/{name}.py is not written yet)")
    for name, reason in failed.items():
        print(f"{name}: failed: {reason}")
    _write(output, quick, figures, missing, failed)
    print(f"wrote {output}")
    return 1 if failed else 0


def _write(
    output: Path,
    quick: bool,
    figures: Sequence[Figure],
    missing: Sequence[str],
    failed: dict[str, str],
) -> None:
    """The run as JSON, with the machine it ran on: figures only compare on one machine."""
    data: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "quick": quick,
        "not_available": list(missing),
        "failed": failed,
        "figures": [f.as_json() for f in figures],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument(
        "--only",
        nargs="+",
        default=[],
        choices=BENCHMARKS,
        metavar="NAME",
        help=f"run only these: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS,
        metavar="PATH",
        help=f"where to write the figures (default: {RESULTS.name} in results/)",
    )
    return parser


if __name__ == "__main__":
    args = _parser().parse_args()
    sys.exit(main(quick=args.quick, only=args.only, output=args.json))
