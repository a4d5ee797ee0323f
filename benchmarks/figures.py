"""A measured figure, the statistics behind it, and the table they print as.

Every benchmark returns Figures. A figure is a median and a p95 over its samples,
its target beside it, and whether the target is met: comparisons are ratios of
figures measured side by side in the same run, since these machines are noisy.
"""

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class Figure:
    group: str
    name: str
    unit: str
    samples: tuple[float, ...]
    target: float | None = None
    better: Better = "lower"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def met(self) -> bool | None:
        """The target holds for the median (p95 where the name says p95)."""
        if self.target is None:
            return None
        value = self.p95 if "p95" in self.name else self.median
        return value <= self.target if self.better == "lower" else value >= self.target

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, met=self.met, n=len(self.samples))
        return data


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was really measured."""
    ordered = sorted(samples)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table, ready for docs/performance.md."""
    rows = [
        "| group | figure | n | median | p95 | target | met |",
        "| --- | --- | ---: | ---: | ---: | ---: | :---: |",
    ]
    for f in figures:
        sign = "<=" if f.better == "lower" else ">="
        target = f"{sign} {f.target:g} {f.unit}" if f.target is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        rows.append(
            f"| {f.group} | {f.name} | {len(f.samples)} | {f.median:.3g} {f.unit} "
            f"| {f.p95:.3g} {f.unit} | {target} | {met} |"
        )
    return "\n".join(rows)
