"""Authoring from a clean toy deck: a new demo in three steps, and each mistake in one line."""

import textwrap
from pathlib import Path

import nbformat
import pytest

from runner import cli
from runner.deck import builder, catalog, readme
from runner.deck.builder import DeckError
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast

WAVE = '''\
"""Wave at the audience.

Look at the one line it prints.
"""


def main() -> None:
    print("o/")


if __name__ == "__main__":
    main()
'''


def build(toy: ToyDeck) -> Path:
    """Build as `talk build` does: the demos are whatever the slides link to."""
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package)


def shown_ids(toy: ToyDeck) -> list[str]:
    nb = nbformat.read(toy.build_dir / "talk.ipynb", as_version=4)
    return [cell.metadata.demo.id for cell in nb.cells if cell.cell_type == "code"]


def test_a_new_demo_takes_three_steps_and_talk_readme_lists_it(toy: ToyDeck) -> None:
    (toy.package / "README.md").write_text(f"# Toy demos\n\n{readme.START}\n{readme.END}\n")
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n")
    build(toy)
    assert shown_ids(toy) == ["hello"]

    (toy.package / "wave.py").write_text(WAVE)  # 1. write the module
    toy.write(  # 2. link it from a slide
        "01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n## Wave\n\n{toy.link('wave.py')}\n"
    )
    build(toy)  # 3. save (the watcher builds)

    assert shown_ids(toy) == ["hello", "wave"]
    demos = catalog.discover(toy.slides, toy.package)
    assert [(d.id, d.title, d.needs_database) for d in demos] == [
        ("hello", "Say hello, twice.", False),
        ("wave", "Wave at the audience.", False),
    ]
    assert readme.update(toy.package / "README.md", demos)  # `talk readme`
    table = (toy.package / "README.md").read_text()
    assert "| `wave` | [wave.py](wave.py) | Wave at the audience. |" in table
    assert table.index("`hello`") < table.index("`wave`")


def test_a_demo_that_imports_database_url_needs_the_database(toy: ToyDeck) -> None:
    (toy.package / "query.py").write_text(
        '"""Ask the server."""\nfrom demos.connection import database_url\n'
    )
    toy.write("01-start.md", f"# Start\n\n{toy.link('query.py')}\n")
    (demo,) = catalog.discover(toy.slides, toy.package)
    assert demo.needs_database


def test_the_talks_catalog_is_its_slides_links_in_order() -> None:
    ids = catalog.ids()
    assert ids[0] == "coroutine-object"
    assert ids.index("gather") < ids.index("payoff")
    assert catalog.find("payoff") is not None and catalog.find("payoff").needs_database  # type: ignore[union-attr]
    assert catalog.find("../slides") is None


def one_line(error: pytest.ExceptionInfo[Exception]) -> str:
    text = str(error.value)
    assert "\n" not in text
    return text


def test_a_demo_link_inside_a_paragraph_is_named_at_its_line(toy: ToyDeck) -> None:
    path = toy.write("01-start.md", f"# Start\n\nSee {toy.link('hello.py')} here.\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised).startswith(f"{path}:3: the demo link ")
    assert "must be alone on its line" in str(raised.value)


def test_an_unclosed_region_is_named_in_the_demo(toy: ToyDeck) -> None:
    demo = toy.package / "hello.py"
    demo.write_text(demo.read_text().replace("    # endregion\n", ""))
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py', 'greet')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised) == (
        f"{demo}:6: region 'greet' is never closed: add '# endregion' where it ends"
    )


def test_a_mistyped_region_suggests_the_right_one(toy: ToyDeck) -> None:
    path = toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py', 'greeet')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised).startswith(f"{path}:3: ")
    assert raised.value.args[0].endswith("did you mean 'greet'?")


def test_a_link_outside_the_demos_folder_is_named(toy: ToyDeck) -> None:
    (toy.root / "loose.py").write_text('"""Loose."""\n')
    path = toy.write("01-start.md", "# Start\n\n[loose.py](../loose.py)\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised).startswith(f"{path}:3: loose.py is not a demo: ")


def test_two_demos_with_one_id_are_both_named(toy: ToyDeck) -> None:
    (toy.package / "more").mkdir()
    (toy.package / "more" / "hello.py").write_text('"""Another hello."""\n')
    link = f"[hello.py](../pkg/{toy.package.name}/more/hello.py)"
    path = toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{link}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised).startswith(f"{path}:5: two demos are called 'hello'")


def test_a_flag_for_an_unknown_demo_is_named_in_the_catalog(
    toy: ToyDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FLAGS belongs to the talk's own slides: here the toy deck plays them.
    monkeypatch.setattr(catalog, "FLAGS", {"helo": frozenset({"timing_sensitive"})})
    monkeypatch.setattr(catalog, "SLIDES_DIR", toy.slides.resolve())
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n")
    [problem] = catalog.read(toy.slides, toy.package).problems
    assert problem.location.path == Path(catalog.__file__)
    assert problem.args[0].endswith("no slide shows; did you mean 'hello'?")
    with pytest.raises(DeckError) as raised:  # and the build refuses it
        build(toy)
    assert one_line(raised).endswith("no slide shows; did you mean 'hello'?")


def test_flags_reach_the_demo(toy: ToyDeck, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(catalog.FLAGS, "hello", frozenset({"timing_sensitive"}))
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n")
    (demo,) = catalog.discover(toy.slides, toy.package)
    assert demo.timing_sensitive


def test_talk_run_suggests_the_id_meant(capsys: pytest.CaptureFixture[str]) -> None:
    # In this process: test_talk_commands types an unknown id as a presenter would.
    assert cli.main(["run", "gathr"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("error: no demo 'gathr'; did you mean 'gather'?")
    assert said.count("\n") == 1


def test_the_slides_readme_explains_the_three_steps() -> None:
    text = (Path(catalog.SLIDES_DIR) / "README.md").read_text()
    section = text.partition("## Adding a demo")[2]
    assert section and "Link it from a slide" in section and "Save" in section
    assert textwrap.dedent(section).count("\n1.") == 1


def test_a_demo_with_a_syntax_error_builds_as_a_slide_naming_it_at_its_line(
    toy: ToyDeck,
) -> None:
    demo = toy.package / "hello.py"
    demo.write_text(demo.read_text().replace("def main() -> None:", "def main( -> None:"))
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")
    build(toy)
    nb = nbformat.read(toy.build_dir / "talk.ipynb", as_version=4)
    hello, counter = (cell for cell in nb.cells if cell.cell_type == "code")
    # Comment lines of at most 64 characters (a long path wraps mid-word).
    shown = "".join(line.removeprefix("# ") for line in hello.source.splitlines())
    assert shown.replace(" ", "").startswith(f"cannotrun:{demo}:5:syntaxerror:"), hello.source
    assert all(len(line) <= 64 for line in hello.source.splitlines())
    assert "for number in range(1, 4):" in counter.source  # the other demo as ever


def test_a_link_to_a_missing_demo_file_is_one_line_from_the_build(toy: ToyDeck) -> None:
    path = toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('gone.py')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert one_line(raised).startswith(f"{path}:5: the link names ")
    assert one_line(raised).endswith("gone.py, which does not exist")
