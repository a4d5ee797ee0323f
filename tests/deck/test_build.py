"""The build on small slide sets: each convention of slides/README.md, end to end."""

import re
from pathlib import Path

import nbformat
import pytest

from runner.deck import builder
from runner.deck.builder import DeckError
from tests.harness.toy_deck import ToyDeck


def build(toy: ToyDeck, **kw: bool) -> Path:
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos, **kw)


def notebook_cells(toy: ToyDeck) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(toy.build_dir / "talk.ipynb", as_version=4)
    nbformat.validate(nb)
    return nb.cells


def two_sections(toy: ToyDeck) -> None:
    toy.write(
        "01-first.md",
        f"""\
        # First section
        <!-- minutes: 3 -->

        Opening words.

        Note: welcome everyone

        ## A heading

        - a point

        <!-- fragment -->
        - a later point

        Still there from the start.

        Note: the heading's notes

        ---

        {toy.link("hello.py", "greet")}

        Note: point at hello
        """,
    )
    toy.write(
        "02-second.md",
        f"""\
        # Second section

        {toy.link("counter.py")}

        Note: count along
        """,
    )


def test_each_directive_becomes_its_cell(toy: ToyDeck) -> None:
    two_sections(toy)
    build(toy)
    found = [(c.cell_type, c.metadata.slideshow.slide_type, c.source) for c in notebook_cells(toy)]
    counter = (toy.package / "counter.py").read_text().replace("import time  # OMIT\n", "")
    assert found == [
        ("markdown", "slide", "# First section\n\nOpening words."),
        ("markdown", "notes", "welcome everyone"),
        ("markdown", "subslide", "## A heading\n\n- a point"),
        ("markdown", "fragment", "- a later point"),
        ("markdown", "-", "Still there from the start."),
        ("markdown", "notes", "the heading's notes"),
        ("code", "subslide", 'print("hello")\n'),
        ("markdown", "notes", "point at hello"),
        ("markdown", "slide", "# Second section"),
        ("code", "-", counter),
        ("markdown", "notes", "count along"),
    ]


def test_the_budget_sits_on_the_sections_first_cell_and_paces_its_slides(toy: ToyDeck) -> None:
    two_sections(toy)
    html = build(toy).read_text()
    timings = [c.metadata.slideshow.get("data", {}).get("timing") for c in notebook_cells(toy)]
    assert timings == [180] + [None] * 10
    # 180 s over the first section's three slides; the second has no budget
    assert re.findall(r'<section data-timing="(\d+)">', html) == ["60", "60", "60"]
    assert "defaultTiming: 60," in html and "totalTime" not in html


def test_a_fully_budgeted_talk_sets_reveals_total_time(toy: ToyDeck) -> None:
    toy.write(
        "01-only.md",
        f"""\
        # Only
        <!-- minutes: 1.5 -->

        ## One

        {toy.link("hello.py")}

        ## Two

        {toy.link("counter.py")}
        """,
    )
    html = build(toy).read_text()
    assert re.findall(r'data-timing="(\d+)"', html) == ["30", "30", "30"]
    assert "totalTime: 90," in html


def test_code_cells_name_their_demo(toy: ToyDeck) -> None:
    two_sections(toy)
    build(toy)
    demos = [c.metadata.demo for c in notebook_cells(toy) if c.cell_type == "code"]
    assert demos == [
        {
            "id": "hello",
            "module": toy.demo("hello").module,
            "region": "greet",
            "needs_database": False,
        },
        {
            "id": "counter",
            "module": toy.demo("counter").module,
            "region": None,
            "needs_database": False,
        },
    ]


def test_a_code_slide_renders_the_runner_contract(toy: ToyDeck) -> None:
    two_sections(toy)
    html = build(toy).read_text()
    assert html.count('<div class="demo" ') == 2
    demo = re.search(
        r'<div class="demo" data-demo-id="hello" data-needs-database="false">\s*'
        r'<div class="demo-code">(?P<code>.*?)</div>\s*</div>\s*'
        r'<div class="demo-output" data-source="none">\s*'
        r'<pre class="demo-stream"></pre>',
        html,
        re.S,
    )
    assert demo is not None
    assert 'highlight hl-python3"' in demo["code"] and "to stderr" not in demo["code"]
    assert '<link rel="stylesheet" href="assets/deck.css">' in html
    assert '<link rel="stylesheet" href="assets/runner.css">' in html
    assert '<script src="assets/runner.js" defer></script>' in html


def test_the_page_loads_nothing_from_outside(toy: ToyDeck) -> None:
    two_sections(toy)
    index = build(toy)
    html = index.read_text()
    loaded = re.findall(r'(?:src|href)="([^"#]+)"', html)
    assert loaded and all("//" not in url for url in loaded), loaded
    for url in loaded:
        assert (index.parent / url).is_file(), url
    assert "notes.js" in html and "reveal.js/dist/reveal.js" in html


def test_fences_hide_directives(toy: ToyDeck) -> None:
    toy.write(
        "01-code.md",
        f"""\
        # Code in Markdown

        ```python
        # a comment, not a section
        ---
        Note: not a note
        ```

        {toy.link("hello.py")}
        {toy.link("counter.py")}
        """,
    )
    build(toy)
    first = notebook_cells(toy)[0]
    assert first.source.startswith("# Code in Markdown\n\n```python\n# a comment")
    assert "Note: not a note\n```" in first.source
    assert [c.metadata.slideshow.slide_type for c in notebook_cells(toy)] == ["slide", "-", "-"]


def test_pictures_are_copied_into_the_build(toy: ToyDeck) -> None:
    assets = toy.root / "assets"
    assets.mkdir()
    (assets / "shape.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (toy.slides / "local.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    toy.write(
        "01-pictures.md",
        f"""\
        # Pictures

        ![a shape](../assets/shape.svg)

        ![another](local.svg)

        {toy.link("hello.py")}
        {toy.link("counter.py")}
        """,
    )
    index = builder.build(
        slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos, assets_dir=assets
    )
    html = index.read_text()
    assert 'src="assets/shape.svg"' in html and 'src="pictures/local.svg"' in html
    assert (toy.build_dir / "assets" / "shape.svg").is_file()
    assert (toy.build_dir / "pictures" / "local.svg").is_file()


@pytest.mark.parametrize(
    ("slide", "line", "message"),
    [
        (
            "# T\n\n[x.py](../nowhere/x.py)\n",
            3,
            "the link names ../nowhere/x.py, which does not exist",
        ),
        (
            "# T\n\n[init](PKG/__init__.py)\n",
            3,
            "PKG/__init__.py is not a demo: demo modules live under demos/",
        ),
        (
            "# T\n\n[hello](PKG/hello.py#nothing)\n",
            3,
            "has no region 'nothing' (its regions: greet)",
        ),
        ("Intro\n", 1, "a section file must start with a '# Title' line"),
        ("# T\n\ntext\n<!-- minutes: 2 -->\n", 4, "belongs right after the '# Title' line"),
        ("# T\n\n# Again\n", 3, "a second '# Title' in one file"),
        ("# T\n\n---\nNote: hm\n", 4, "this slide has nothing to show before 'Note:'"),
    ],
)
def test_mistakes_are_named_at_file_and_line(
    toy: ToyDeck, slide: str, line: int, message: str
) -> None:
    package = f"../pkg/{toy.package.name}"
    path = toy.write("01-broken.md", slide.replace("PKG", package))
    toy.write("02-rest.md", f"# Rest\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert str(raised.value).startswith(f"{path}:{line}: ")
    assert message.replace("PKG", package) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_omit_marker_that_does_not_end_its_line_is_named_in_the_demo(toy: ToyDeck) -> None:
    demo = toy.package / "hello.py"
    lines = demo.read_text().splitlines()
    lines.insert(1, "x = 1  # OMIT (a note after the marker)")
    demo.write_text("\n".join(lines) + "\n")
    toy.write("01-all.md", f"# All\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    assert str(raised.value) == (
        f"{demo}:2: '# OMIT' must end the line, or the line is shown on the slide"
    )


def test_a_demo_shown_twice_is_named_at_its_second_link(toy: ToyDeck) -> None:
    path = toy.write(
        "01-twice.md",
        f"""\
        # Twice

        {toy.link("hello.py")}

        {toy.link("counter.py")}

        {toy.link("hello.py", "greet")}
        """,
    )
    with pytest.raises(DeckError, match=r"demo 'hello' is already shown at .*01-twice.md:3") as e:
        build(toy)
    assert str(e.value).startswith(f"{path}:7: ")


def test_a_demo_shown_by_no_slide_is_named_where_it_lives(toy: ToyDeck) -> None:
    toy.write("01-half.md", f"# Half\n\n{toy.link('hello.py')}\n")
    with pytest.raises(DeckError) as raised:
        build(toy)
    where = toy.package / "counter.py"
    assert str(raised.value) == f"{where}:1: demo 'counter' is shown by no slide"
