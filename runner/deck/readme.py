"""The table of demos in demos/README.md, written by the build from the demos themselves.

Only the lines between the two markers are the build's; the rest of the README is
prose a person writes. The file is rewritten only when the table changes, so an
unchanged talk leaves it untouched (and a watcher does not see it move).
"""

from collections.abc import Sequence
from pathlib import Path

from demos.catalog import Demo

START = "<!-- the table below is written by `talk build` from the slides and the docstrings -->"
END = "<!-- end of the generated table -->"


def table(demos: Sequence[Demo], demos_dir: Path) -> str:
    rows = ["| id | file | what it shows |", "| --- | --- | --- |"]
    for demo in demos:
        file = demo.path.resolve().relative_to(demos_dir.resolve()).as_posix()
        title = demo.title.replace("|", "\\|")
        rows.append(f"| `{demo.id}` | [{file}]({file}) | {title} |")
    return "\n".join(rows)


def update(readme: Path, demos: Sequence[Demo]) -> bool:
    """Put the table between the markers of readme, if it has them; True when it changed."""
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    head, start, rest = text.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        return False
    new = f"{head}{START}\n{table(demos, readme.parent)}\n{END}{tail}"
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True
