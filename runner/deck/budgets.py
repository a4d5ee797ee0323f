"""How much output each demo prints, kept in the repository for decks built without recordings.

A slide reserves the output area its live run will need. With a recording, fit.js
measures the recording; without one (a fresh clone, before `talk build --record`), it
measures this budget: the length of each line the demo printed when it was last
recorded, per kind of database (the SQLite fallback prints a notice first, errors
differ between servers), so the larger of them is reserved. `talk build --record`
rewrites the file; a demo new since then gets the default room of fit.js.
"""

import json
from collections.abc import Mapping
from pathlib import Path

from runner.deck.recordings import Recording

FILE_NAME = "output-budget.json"

# demo id -> the kind of run ("SQLite", "MariaDB", "MySQL", "Python") -> line lengths
Budgets = dict[str, dict[str, list[int]]]


def load(path: Path) -> Budgets:
    """The budgets in path; none when it is missing or damaged (the default room then)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {
            demo_id: {kind: [int(n) for n in lengths] for kind, lengths in kinds.items()}
            for demo_id, kinds in stored.items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def update(path: Path, recordings: Mapping[str, Recording]) -> None:
    """Fold each recording into its demo's budget for the kind of run it was recorded on.

    The same lines again keep the longest of each (a path or an address in the output
    differs from machine to machine: the file does not change back and forth with it);
    a different number of lines replaces the budget.
    """
    budgets = load(path)
    for demo_id, recording in recordings.items():
        kinds = budgets.setdefault(demo_id, {})
        new, old = shape(recording), kinds.get(_kind(recording), [])
        kinds[_kind(recording)] = list(map(max, new, old)) if len(new) == len(old) else new
    # One demo a line, so a re-recording reads as a diff of the demos whose output changed.
    rows = [
        f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(budgets.items())
    ]
    text = "{\n" + ",\n".join(rows) + "\n}\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def shape(recording: Recording) -> list[int]:
    """The width of each line the run printed (tabs expanded), both streams in order."""
    text = "".join(text for _, text in recording.streams)
    return [len(line.expandtabs()) for line in text.splitlines()]


def _kind(recording: Recording) -> str:
    return recording.backend.split()[0]
