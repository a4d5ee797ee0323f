"""Output budgets: what each demo printed when last recorded, per kind of database."""

from pathlib import Path

import pytest

from runner.deck import budgets
from runner.deck.recordings import Recording

pytestmark = pytest.mark.fast


def recording(backend: str, *streams: tuple[str, str]) -> Recording:
    return Recording(list(streams), "2026-12-01T00:00:00+00:00", backend, 0, "sha")


def test_a_budget_is_each_lines_width_per_kind_of_run(tmp_path: Path) -> None:
    path = tmp_path / budgets.FILE_NAME
    sqlite = recording("SQLite 3.40.1", ("stdout", "(SQLite fallback)\nrow\n"))
    mariadb = recording("MariaDB 10.11.6", ("stdout", "row\n\tindented\n"), ("stderr", "oops\n"))
    budgets.update(path, {"orm": sqlite})
    budgets.update(path, {"orm": mariadb})
    assert budgets.load(path) == {"orm": {"SQLite": [17, 3], "MariaDB": [3, 16, 4]}}


def test_the_same_lines_again_keep_the_longest_and_other_lines_replace(tmp_path: Path) -> None:
    path = tmp_path / budgets.FILE_NAME
    budgets.update(path, {"engine": recording("SQLite 3", ("stdout", "a long path\nx\n"))})
    written = path.read_text()
    budgets.update(path, {"engine": recording("SQLite 3", ("stdout", "short\nxy\n"))})
    assert budgets.load(path) == {"engine": {"SQLite": [11, 2]}}
    budgets.update(path, {"engine": recording("SQLite 3", ("stdout", "one line\n"))})
    assert budgets.load(path) == {"engine": {"SQLite": [8]}}
    assert written.splitlines()[1] == ' "engine": {"SQLite": [11, 1]}'


def test_a_missing_or_damaged_file_is_no_budget(tmp_path: Path) -> None:
    assert budgets.load(tmp_path / "none.json") == {}
    (tmp_path / "bad.json").write_text("{not json")
    assert budgets.load(tmp_path / "bad.json") == {}
