"""The table of demos in demos/README.md, written from the demos themselves by `talk readme`.

Only the lines between the two markers are the command's; the rest of the README is
prose a person writes. The file is rewritten only when the table changes; `talk readme
--check` (and a test) says when it is behind the slides, as `ruff format --check` does.
"""

from collections.abc import Sequence
from pathlib import Path

from runner.deck.demo import Demo

START = "<!-- the table below is written by `talk readme` from the slides and the docstrings -->"
END = "<!-- end of the generated table -->"


def table(demos: Sequence[Demo], demos_dir: Path) -> str:
    rows = ["| id | file | what it shows |", "| --- | --- | --- |"]
    for demo in (d for d in demos if d.problem is None):  # a marked demo: its slide says why
        file = demo.path.resolve().relative_to(demos_dir.resolve()).as_posix()
        title = demo.title.replace("|", "\\|")
        rows.append(f"| `{demo.id}` | [{file}]({file}) | {title} |")
    return "\n".join(rows)


def current(readme: Path, demos: Sequence[Demo]) -> str:
    """The README as it should read: its table made from the demos, the rest as it is.

    Raises ValueError when it lacks one of the two markers.
    """
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{readme} has no table markers ({START} ... {END})")
    return f"{head}{START}\n{table(demos, readme.parent)}\n{END}{tail}"


def update(readme: Path, demos: Sequence[Demo]) -> bool:
    """Put the table between the markers of readme; True when it changed."""
    new = current(readme, demos)
    if new == readme.read_text(encoding="utf-8"):
        return False
    readme.write_text(new, encoding="utf-8")
    return True
