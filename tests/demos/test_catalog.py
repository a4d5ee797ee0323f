"""The catalog: the demos are what the slides link to, found again only when a file changes."""

import os
from pathlib import Path

import pytest

from runner import cli
from runner.deck import catalog, readme
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast

DATABASE_DEMO = '''\
"""Count the rows."""
from demos.connection import database_url


def main() -> None:
    print(database_url())
'''


def test_a_demo_is_named_by_its_file_and_titled_by_its_docstring(toy: ToyDeck) -> None:
    (toy.package / "row_count.py").write_text(DATABASE_DEMO)
    toy.write(
        "01-start.md",
        f"# Start\n\n{toy.link('hello.py', 'greet')}\n\n## Rows\n\n{toy.link('row_count.py')}\n",
    )
    hello, rows = catalog.discover(toy.slides, toy.package)
    assert (hello.id, hello.module, hello.region) == ("hello", f"{toy.package.name}.hello", "greet")
    assert (hello.title, hello.needs_database) == ("Say hello, twice.", False)
    assert (rows.id, rows.title, rows.needs_database, rows.region) == (
        "row-count",
        "Count the rows.",
        True,
        None,
    )
    assert rows.path == toy.package / "row_count.py"


def test_demos_come_in_the_order_the_slides_first_show_them(toy: ToyDeck) -> None:
    toy.write("02-later.md", f"# Later\n\n{toy.link('hello.py')}\n")
    toy.write("01-first.md", f"# First\n\n{toy.link('counter.py')}\n\n{toy.link('hello.py')}\n")
    assert [d.id for d in catalog.discover(toy.slides, toy.package)] == ["counter", "hello"]


def test_a_link_to_a_missing_file_marks_its_demo_and_the_others_run(toy: ToyDeck) -> None:
    toy.write("01-start.md", f"# Start\n\n{toy.link('nowhere.py')}\n\n{toy.link('hello.py')}\n")
    nowhere, hello = catalog.discover(toy.slides, toy.package)
    assert nowhere.id == "nowhere" and hello.problem is None
    assert nowhere.problem is not None and "01-start.md:3: the link names " in nowhere.problem
    assert nowhere.problem.endswith("nowhere.py, which does not exist")


@pytest.mark.parametrize("target", ["../outside.py", "__init__.py"])
def test_a_link_to_a_file_that_is_not_a_demo_is_named_at_its_line(
    toy: ToyDeck, target: str
) -> None:
    (toy.root / "outside.py").write_text('"""Not a demo."""\n')
    link = toy.link(target) if target == "__init__.py" else f"[x.py]({target})"
    toy.write("01-start.md", f"# Start\n\n{link}\n")
    found = catalog.read(toy.slides, toy.package)
    [problem] = found.problems
    assert "is not a demo: demo modules live under" in str(problem)
    assert (problem.location.path.name, problem.location.line) == ("01-start.md", 3)
    assert found.demos == ()


def test_two_files_with_one_id_are_refused_naming_both(toy: ToyDeck) -> None:
    (toy.package / "more").mkdir()
    (toy.package / "more" / "hello.py").write_text('"""Another hello."""\n')
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('more/hello.py')}\n")
    found = catalog.read(toy.slides, toy.package)
    [problem] = found.problems
    assert "two demos are called 'hello'" in str(problem)
    assert f"{toy.package.name}.more.hello" in str(problem) and "01-start.md:3" in str(problem)
    assert [d.module for d in found.demos] == [f"{toy.package.name}.hello"]


BROKEN = {
    "syntax-error": (b'"""Broken."""\n\ndef main(:\n    pass\n', "broken.py:3: syntax error"),
    "not-utf-8": (b'"""Broken."""\n\nprint("caf\xe9")\n', "broken.py:3: byte 0xe9 is not UTF-8"),
}


@pytest.mark.parametrize("source, said", BROKEN.values(), ids=BROKEN.keys())
def test_a_demo_that_cannot_be_read_is_marked_at_its_line_and_the_others_stay(
    toy: ToyDeck, source: bytes, said: str
) -> None:
    (toy.package / "broken.py").write_bytes(source)
    toy.write(
        "01-start.md",
        f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('broken.py')}\n\n"
        f"{toy.link('counter.py')}\n",
    )
    hello, broken, counter = catalog.discover(toy.slides, toy.package)
    assert broken.problem is not None and said in broken.problem and "\n" not in broken.problem
    assert broken.title == ""
    assert (hello.problem, counter.problem) == (None, None)
    assert (hello.title, counter.title) == ("Say hello, twice.", "Count to three.")


def test_a_slide_that_is_not_utf_8_is_named_and_the_other_slides_are_read(toy: ToyDeck) -> None:
    (toy.slides / "01-start.md").write_bytes(b"# Start\n\ncaf\xe9\n")
    toy.write("02-more.md", f"# More\n\n{toy.link('hello.py')}\n")
    found = catalog.read(toy.slides, toy.package)
    [problem] = found.problems
    assert str(problem).endswith("01-start.md:3: byte 0xe9 is not UTF-8; save the file as UTF-8")
    assert [d.id for d in found.demos] == ["hello"]


@pytest.fixture
def talk_is(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch) -> ToyDeck:
    """The toy deck stands in for the talk: catalog.demos() reads it, from no cache."""
    monkeypatch.setattr(catalog, "SLIDES_DIR", toy.slides.resolve())
    monkeypatch.setattr(catalog, "DEMOS_DIR", toy.package.resolve())
    monkeypatch.setattr(catalog, "FLAGS", {})
    monkeypatch.setattr(catalog, "_cache", None)
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n")
    return toy


def touch(path: Path) -> None:
    """A new modification time, however coarse the file system's clock."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_unchanged_files_are_not_read_again(talk_is: ToyDeck) -> None:
    first = catalog.demos()
    assert [d.id for d in first] == ["hello"]
    assert catalog.demos() is first
    assert catalog.find("hello") is first[0]


def test_a_changed_demo_is_read_again(talk_is: ToyDeck) -> None:
    assert catalog.find("hello").title == "Say hello, twice."  # type: ignore[union-attr]
    demo = talk_is.package / "hello.py"
    demo.write_text(demo.read_text().replace("Say hello, twice.", "Say hello."))
    touch(demo)
    assert catalog.find("hello").title == "Say hello."  # type: ignore[union-attr]


def test_a_new_link_and_a_new_section_are_found(talk_is: ToyDeck) -> None:
    assert catalog.ids() == ["hello"]
    slide = talk_is.write(
        "01-start.md", f"# Start\n\n{talk_is.link('hello.py')}\n\n{talk_is.link('counter.py')}\n"
    )
    touch(slide)
    assert catalog.ids() == ["hello", "counter"]
    (talk_is.package / "wave.py").write_text('"""Wave."""\n')
    talk_is.write("02-more.md", f"# More\n\n{talk_is.link('wave.py')}\n")
    touch(talk_is.slides)
    assert catalog.ids() == ["hello", "counter", "wave"]


def test_a_linked_file_written_after_its_link_is_found(talk_is: ToyDeck) -> None:
    talk_is.write(
        "01-start.md", f"# Start\n\n{talk_is.link('hello.py')}\n\n{talk_is.link('wave.py')}\n"
    )
    assert catalog.ids() == ["hello", "wave"]
    assert catalog.find("wave").problem is not None  # type: ignore[union-attr]
    (talk_is.package / "wave.py").write_text('"""Wave."""\n')
    assert catalog.ids() == ["hello", "wave"]
    assert catalog.find("wave").problem is None  # type: ignore[union-attr]


def test_an_id_finds_its_demo_and_nothing_else_finds_anything(talk_is: ToyDeck) -> None:
    assert catalog.find("hello") is not None
    for word in ("Hello", "hello.py", "../hello", "", "counter"):
        assert catalog.find(word) is None


def test_every_demo_of_the_talk_has_a_title_and_a_module_that_exists() -> None:
    demos = catalog.demos()
    assert len({d.id for d in demos}) == len(demos)
    for demo in demos:
        assert demo.title, demo.id
        assert demo.path.is_relative_to(catalog.DEMOS_DIR)
    assert set(catalog.FLAGS) <= {d.id for d in demos}


def test_the_demos_readme_lists_the_demos_as_the_slides_show_them() -> None:
    """As `ruff format --check` does: `talk readme` writes the table, this says it is behind."""
    file = catalog.DEMOS_DIR / "README.md"
    assert readme.current(file, catalog.demos()) == file.read_text(encoding="utf-8"), (
        "demos/README.md's table is behind the slides: run `talk readme`"
    )
    assert cli.main(["readme", "--check"]) == 0


def test_talk_readme_check_fails_in_one_line_when_the_table_is_behind(
    talk_is: ToyDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    file = talk_is.package / "README.md"
    file.write_text(f"# Toy demos\n\n{readme.START}\n{readme.END}\n")
    assert cli.main(["readme", "--check"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("'s table is behind the slides; `talk readme` writes it")
    assert cli.main(["readme"]) == 0
    assert "| `hello` |" in file.read_text()
    assert cli.main(["readme", "--check"]) == 0
