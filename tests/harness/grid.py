"""The code-slide grid's promises, measured by grid.js in any engine: what the room
sees on every code slide (slides/README.md, "The code slide's grid")."""

from pathlib import Path
from typing import Any

MEASURE = Path(__file__).with_name("grid.js").read_text(encoding="utf-8")
MAX_LINES, MAX_COLUMNS = 12, 64  # the talk's limit for a code slide's excerpt
MIN_CODE_PX = 24  # on screen at a 1280x720 window, for an excerpt within the limit


def grid_faults(slides: list[dict[str, Any]], *, code_size: bool) -> dict[str, list[str]]:
    """Each code slide's broken promises, by slide; code_size at a 1280x720 window only."""
    faults: dict[str, list[str]] = {}
    runs = {tuple(s["run"]) for s in slides if s["run"]}
    for s in slides:
        found = [f"{what} covers it" for what in s["covered"]]
        found += [f"output row breaks a number: {line!r}" for line in s["broken"]]
        within = s["lines"] <= MAX_LINES and s["columns"] <= MAX_COLUMNS
        if code_size and within and s["codePx"] < MIN_CODE_PX - 0.05:
            found.append(f"code at {s['codePx']:.1f} px")
        if s["outputPx"] < s["codePx"] - 0.05:
            found.append(f"output at {s['outputPx']:.1f} px, under the code's {s['codePx']:.1f}")
        if s["run"] is None:
            found.append("no Run button")
        elif len(runs) > 1:
            found.append(f"Run at {s['run']}, elsewhere than on other code slides")
        if found:
            faults[s["name"]] = found
    return faults
