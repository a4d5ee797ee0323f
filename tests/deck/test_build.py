"""The build on small slide sets: each convention of slides/README.md, end to end."""

import json
import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from runner.deck import builder, recordings
from runner.deck.builder import DeckError
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast


def build(toy: ToyDeck, **kw: bool) -> Path:
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos, **kw)


def reveal_options(html: str) -> dict[str, object]:
    """The options the page starts reveal.js with: its JSON block, read by assets/deck.js."""
    block = re.search(
        r'<script type="application/json" id="reveal-config">(.*?)</script>', html, re.S
    )
    assert block is not None
    options: dict[str, object] = json.loads(block[1])
    return options


def notebook_cells(toy: ToyDeck) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(toy.build_dir / "talk.ipynb", as_version=4)
    nbformat.validate(nb)
    return nb.cells


def two_sections(toy: ToyDeck) -> None:
    toy.write(
        "01-first.md",
        f"""\
        # First section

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
    counter = counter.replace("\n\n\n", "\n\n")  # on a slide, blank lines come one at a time
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


def test_each_slide_is_paced_by_its_notes_and_its_demos_recorded_run(toy: ToyDeck) -> None:
    toy.write(
        "01-only.md",
        f"""\
        # Only

        About {{{{ minutes }}}} minutes, all told.

        Note: {"word " * 140}

        ## A demo

        {toy.link("hello.py")}

        Note: {"word " * 70}
        """,
    )
    hello = toy.demo("hello")
    recorded = recordings.record([hello])[hello.id]
    toy.build_dir.mkdir()
    recordings.save(toy.build_dir, {hello.id: replace(recorded, elapsed_s=30.4)})
    index = builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=[hello])
    html = index.read_text()
    # 140 words at 140 a minute; then 70 words and a 30.4 s run
    assert re.findall(r'<section[^>]* data-timing="(\d+)">', html) == ["60", "60"]
    assert reveal_options(html)["totalTime"] == 120
    assert "About 2 minutes, all told." in html


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
            "steps": [],
        },
        {
            "id": "counter",
            "module": toy.demo("counter").module,
            "region": None,
            "needs_database": False,
            "steps": [],
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
    assert '<script type="module" src="assets/runner.js"></script>' in html


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
        ("# T\n<!-- minutes: 2 -->\n", 2, "each slide's time follows its notes and its demo"),
        ("# T\n\n[hello](PKG/hello.py#greet) {1|3}\n", 3, "step '3' names lines outside 1-1"),
        ("# T\n\n[hello](PKG/hello.py#greet) {1|x}\n", 3, "step 'x' is not 'all' or line"),
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


def test_the_talks_identity_is_on_the_first_and_last_slides_only(toy: ToyDeck) -> None:
    two_sections(toy)
    (toy.slides / "talk.toml").write_text(
        'speaker = "Ada Lovelace"\ndate = "10 December 2026"\nvenue = "PyCon"\n'
        'repository = "https://example.org/talk"\n'
    )
    html = build(toy).read_text()
    slides = re.split(r"<section[ >]", html)
    marked = [i for i, slide in enumerate(slides) if "talk-identity" in slide]
    assert marked == [2, len(slides) - 1]  # [0] is the page head, [1] the first stack
    assert "Ada Lovelace" in slides[2] and "10 December 2026 · PyCon" in slides[2]
    assert '<a href="https://example.org/talk">https://example.org/talk</a>' in slides[-1]


def test_without_a_talk_toml_the_identity_is_an_honest_placeholder(toy: ToyDeck) -> None:
    two_sections(toy)
    html = build(toy).read_text()
    assert "[speaker&#x27;s name]" in html and "[repository link]</p>" in html


def test_an_unknown_identity_key_is_named(toy: ToyDeck) -> None:
    two_sections(toy)
    (toy.slides / "talk.toml").write_text('speakr = "Ada"\n')
    with pytest.raises(DeckError, match=r"talk\.toml:1: unknown key 'speakr'"):
        build(toy)


def test_steps_after_a_demo_link_become_fragments_over_numbered_lines(toy: ToyDeck) -> None:
    toy.write(
        "01-only.md",
        f"""\
        # Only

        {toy.link("counter.py")} {{4-5|2,4|all}}

        {toy.link("hello.py")}
        """,
    )
    html = build(toy).read_text()
    steps = [c.metadata.demo.steps for c in notebook_cells(toy) if c.cell_type == "code"]
    assert steps == [["4-5", "2,4", "all"], []]
    assert re.findall(r'<span class="fragment demo-step" data-lines="([^"]+)">', html) == [
        "4-5",
        "2,4",
        "all",
    ]
    assert 'id="counter-line-5"' in html and 'id="hello-line-1"' in html
