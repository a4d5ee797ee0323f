"""The slide grammar of runner/deck/slides.py: one reader for the build and the catalog."""

import time
from pathlib import Path

import pytest

from runner.deck.demo import Demo
from runner.deck.slides import (
    DeckError,
    demo_links,
    is_code_link,
    misplaced_link,
    read,
    section_files,
    suggestion,
)
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast


def links(tmp_path: Path, text: str) -> list[tuple[int, str, str | None]]:
    slide = tmp_path / "01-s.md"
    slide.write_text(text, encoding="utf-8")
    return [(line, link["target"], link["steps"]) for line, link in demo_links(slide)]


@pytest.mark.parametrize(
    ("target", "is_code"),
    [
        ("../demos/python_async/gather.py", True),
        ("../demos/python_async/gather.py#slide", True),
        ("gather.py", True),
        ("../README.md", False),
        ("../assets/pool.svg", False),
        ("https://docs.python.org/3/library/asyncio.py", False),
        ("file:///etc/demo.py", False),
        ("../demos/python_async/gather.pyc", False),
    ],
)
def test_a_code_link_is_a_py_file_beside_the_slides(target: str, is_code: bool) -> None:
    assert is_code_link(target) is is_code


@pytest.mark.parametrize(
    "line",
    [
        "See [gather.py](../demos/python_async/gather.py) for more.",
        "- [gather.py](../demos/python_async/gather.py)",
        "[a](x.md) and [gather.py](gather.py#slide)",
    ],
)
def test_a_demo_link_inside_text_is_named_as_a_mistake(line: str) -> None:
    problem = misplaced_link(line)
    assert problem is not None and "must be alone on its line" in problem


@pytest.mark.parametrize(
    "line",
    [
        "Read [the docs](https://docs.sqlalchemy.org/en/20/) first.",
        "![the pool](../assets/pool.svg)",
        "Plain text about gather.py",
    ],
)
def test_a_line_that_is_not_a_misplaced_demo_link_passes(line: str) -> None:
    assert misplaced_link(line) is None


def test_demo_links_are_found_with_their_lines_and_steps(tmp_path: Path) -> None:
    text = (
        "# Title\n\n[a.py](a.py)\n\n## Two\n\n  [b.py](b.py#slide) {2|4-5|all}  \n\n"
        "[notes](notes.md)\n"
    )
    assert links(tmp_path, text) == [(3, "a.py", None), (7, "b.py#slide", "2|4-5|all")]


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_a_link_inside_a_fence_is_code_not_a_demo(tmp_path: Path, fence: str) -> None:
    text = f"# T\n\n{fence}markdown\n[a.py](a.py)\nsee [b.py](b.py) here\n{fence}\n\n[c.py](c.py)\n"
    assert links(tmp_path, text) == [(8, "c.py", None)]


def test_a_shorter_fence_does_not_close_a_longer_one(tmp_path: Path) -> None:
    text = "# T\n\n````\n```\n[a.py](a.py)\n```\n````\n[b.py](b.py)\n"
    assert links(tmp_path, text) == [(8, "b.py", None)]


def test_a_tilde_fence_is_not_closed_by_backticks(tmp_path: Path) -> None:
    text = "# T\n\n~~~\n```\n[a.py](a.py)\n~~~\n[b.py](b.py)\n"
    assert links(tmp_path, text) == [(7, "b.py", None)]


def test_a_misplaced_demo_link_stops_the_reading_at_its_line(tmp_path: Path) -> None:
    slide = tmp_path / "01-s.md"
    slide.write_text("# T\n\nText.\nRun [a.py](a.py) now.\n", encoding="utf-8")
    with pytest.raises(DeckError) as raised:
        list(demo_links(slide))
    assert raised.value.location.line == 4
    assert "the demo link a.py must be alone on its line" in str(raised.value)


def test_section_files_are_the_markdown_files_in_name_order_but_the_readme(
    tmp_path: Path,
) -> None:
    for name in ("02-b.md", "README.md", "01-a.md", "notes.txt", "readme.MD"):
        (tmp_path / name).write_text("# x\n")
    assert [p.name for p in section_files(tmp_path)] == ["01-a.md", "02-b.md"]


def test_a_folder_without_sections_is_a_mistake_said_where(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# x\n")
    with pytest.raises(DeckError, match="there are no slide files"):
        section_files(tmp_path)


def test_a_near_miss_gets_a_suggestion_and_a_far_one_none() -> None:
    assert suggestion("gahter", ["gather", "payoff"]) == "; did you mean 'gather'?"
    assert suggestion("zzz", ["gather", "payoff"]) == ""


def deck(toy: ToyDeck, text: str) -> list[tuple[str, str, str]]:
    shown = [demo for demo in toy.demos if f"{demo.id}.py" in text]
    cells = read([toy.write("01-start.md", text)], shown, toy.root).cells
    return [(cell.kind, cell.slide_type, cell.source) for cell in cells]


def test_a_demo_link_inside_a_fence_is_shown_as_text(toy: ToyDeck) -> None:
    text = f"# Start\n\n```md\n{toy.link('hello.py')}\n```\n\n## Hello\n\n{toy.link('hello.py')}\n"
    cells = deck(toy, text)
    assert cells[0] == ("markdown", "slide", f"# Start\n\n```md\n{toy.link('hello.py')}\n```")
    assert [kind for kind, _, _ in cells].count("code") == 1


@pytest.mark.parametrize(
    ("steps", "problem"),
    [
        ("0", "names lines outside 1-"),
        ("1-99", "names lines outside 1-"),
        ("3-2", "names lines outside 1-"),
        ("two", "is not 'all' or line numbers"),
        ("1;2", "is not 'all' or line numbers"),
    ],
)
def test_a_step_that_is_not_lines_of_the_slide_is_refused(
    toy: ToyDeck, steps: str, problem: str
) -> None:
    with pytest.raises(DeckError, match=problem) as raised:
        deck(toy, f"# Start\n\n## Hello\n\n{toy.link('hello.py')} {{{steps}}}\n")
    assert raised.value.location.line == 5


@pytest.mark.parametrize("steps", ["1", "1-2", "all", "1,3", "1|2-3|all", " 1 | all "])
def test_steps_of_lines_and_ranges_and_all_are_kept_in_order(toy: ToyDeck, steps: str) -> None:
    text = f"# Start\n\n## Hello\n\n{toy.link('hello.py')} {{{steps}}}\n"
    cells = read([toy.write("01-start.md", text)], toy.demos[:1], toy.root).cells
    shown = next(cell.demo for cell in cells if cell.demo is not None)
    assert shown.steps == tuple(step.replace(" ", "") for step in steps.split("|"))


def test_a_demo_the_slides_do_not_show_is_named(toy: ToyDeck) -> None:
    with pytest.raises(DeckError, match="demo 'counter' is shown by no slide"):
        read(
            [toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n")], toy.demos, toy.root
        )


def test_a_second_title_in_one_file_is_refused(toy: ToyDeck) -> None:
    with pytest.raises(DeckError, match="a second '# Title' in one file"):
        deck(toy, f"# Start\n\n{toy.link('hello.py')}\n\n# Again\n")


def test_a_picture_from_the_web_is_refused(toy: ToyDeck) -> None:
    with pytest.raises(DeckError, match="must be a file in the repository"):
        deck(toy, f"# Start\n\n![x](https://example.com/x.png)\n\n{toy.link('hello.py')}\n")


def test_the_catalog_and_the_build_read_the_same_links(toy: ToyDeck) -> None:
    from runner.deck import catalog

    text = (
        f"# Start\n\n```\n{toy.link('counter.py')}\n```\n\n## Hello\n\n"
        f"{toy.link('hello.py', 'greet')}\n"
    )
    toy.write("01-start.md", text)
    found = catalog.discover(toy.slides, toy.package)
    assert [demo.id for demo in found] == ["hello"]
    cells = read(section_files(toy.slides), found, toy.root).cells
    assert [cell.demo.demo.id for cell in cells if cell.demo] == ["hello"]


def test_the_grammar_knows_a_demo_not_the_catalog() -> None:
    # The catalog imports slides, not the reverse: Demo sits below both (the import
    # contract in `make check` holds the whole graph to that).
    import runner.deck.slides as slides

    assert Demo.__module__ == "runner.deck.demo"
    assert not hasattr(slides, "catalog")


# Hostile lines of 200 KB: before the grammar was linear, the first took 26 s.
FLOODS = {
    "brackets": "[" * 200_000,
    "empty-links": "[](" * 70_000,
    "pictures": "![" * 100_000,
    "open-target": "[a](" + "x" * 200_000,
    "empty-pictures": "![](" * 50_000,
}


@pytest.mark.parametrize("line", FLOODS.values(), ids=FLOODS.keys())
def test_a_200_kb_line_of_brackets_is_read_in_linear_time(tmp_path: Path, line: str) -> None:
    started = time.perf_counter()
    assert misplaced_link(line) is None
    assert links(tmp_path, f"# Title\n\n{line}\n") == []
    seconds = time.perf_counter() - started
    print(f"\n{len(line):,} characters read in {seconds * 1000:.1f} ms")
    # Linear: milliseconds; quadratic: tens of seconds. The bound holds under a CPU hog.
    assert seconds < 2.0


def test_a_link_after_a_flood_of_brackets_is_still_found() -> None:
    found = misplaced_link("[" * 1000 + " see [gather](../demos/python_async/gather.py)")
    assert found is not None and "gather.py must be alone on its line" in found
