"""The build on small slide sets: each convention of slides/README.md, end to end."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from runner.deck import builder, excerpts, readme, recordings
from runner.deck.builder import DeckError
from runner.deck.demo import Demo
from runner.deck.pacing import MODEL
from runner.deck.recordings import Recording, fingerprint
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.fast


def build(toy: ToyDeck, **kw: bool) -> Path:
    return builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos, **kw)


def recorded(demo: Demo, streams: list[tuple[str, str]], elapsed_s: float = 0.0) -> Recording:
    """A recording as `talk build --record` keeps it, made here: the logic tier runs no demo."""
    return Recording(
        streams, "2026-12-07T11:00:00+00:00", "Python 3.11", 0, fingerprint(demo), elapsed_s
    )


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
    toy.build_dir.mkdir()
    recordings.save(toy.build_dir, {hello.id: recorded(hello, [("stdout", "hello\n")], 30.4)})
    index = builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=[hello])
    html = index.read_text()
    # 140 words at 140 a minute and the slide's change; then 70 words, the code
    # read, Run and a 30.4 s run (no output budget: no output lines to read)
    code = excerpts.excerpt(hello.path.read_text())
    assert code is not None
    read = len(code.splitlines()) * MODEL.code_line_s
    first = round(60 + MODEL.slide_s)
    second = round(30 + MODEL.slide_s + read + MODEL.run_s + 30.4)
    timings = re.findall(r'<section[^>]* data-timing="(\d+)">', html)
    assert timings == [str(first), str(second)]
    assert reveal_options(html)["totalTime"] == first + second
    assert f"About {round((first + second) / 60)} minutes, all told." in html


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
            "headlines": ["hel"],
        },
        {
            "id": "counter",
            "module": toy.demo("counter").module,
            "region": None,
            "needs_database": False,
            "steps": [],
            "headlines": [],
        },
    ]


def test_a_code_slide_renders_the_runner_contract(toy: ToyDeck) -> None:
    two_sections(toy)
    html = build(toy).read_text()
    assert html.count('<div class="demo" ') == 2
    demo = re.search(
        r'<div class="demo" data-demo-id="hello" data-needs-database="false"'
        r' data-headlines="\[&quot;hel&quot;\]">\s*'
        r'<div class="demo-code">(?P<code>.*?)</div>\s*</div>\s*'
        r'<div class="demo-output" data-source="none">\s*'
        r'<pre class="demo-stream" role="log" aria-live="polite" aria-label="Output"></pre>'
        r'\s*</div>\s*<div class="demo-aside">\s*</div>',
        html,
        re.S,
    )
    assert demo is not None
    assert 'highlight hl-python3"' in demo["code"] and "to stderr" not in demo["code"]
    assert "headline" not in demo["code"]
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


def test_the_build_writes_only_into_its_build_folder(toy: ToyDeck) -> None:
    """It reads the slides, the demos and their README, and changes none of them."""
    (toy.package / "README.md").write_text(f"# Toy demos\n\n{readme.START}\n{readme.END}\n")
    toy.write("01-start.md", f"# Start\n\n{toy.link('hello.py')}\n\n{toy.link('counter.py')}\n")

    def outside_the_build() -> dict[Path, tuple[int, bytes]]:
        return {
            path: (path.stat().st_mtime_ns, path.read_bytes())
            for path in toy.root.rglob("*")
            if path.is_file()
            and not path.is_relative_to(toy.build_dir)
            # Python's bytecode cache, written by the import unless PYTHONDONTWRITEBYTECODE
            and "__pycache__" not in path.parts
        }

    before = outside_the_build()
    builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos_dir=toy.package)
    assert (toy.build_dir / "index.html").is_file()
    assert outside_the_build() == before


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


def test_placeholders_stay_off_the_slides_and_the_build_names_them_in_one_line(
    toy: ToyDeck, capsys: pytest.CaptureFixture[str]
) -> None:
    two_sections(toy)
    html = build(toy).read_text()
    assert "[speaker" not in html and "[repository link]" not in html
    assert "talk-identity" not in html  # nothing known: no block at all
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "note: talk.toml still has placeholders (speaker, date, venue, repository): "
        "the title and closing slides leave them out until they are filled in"
    ]
    (toy.slides / "talk.toml").write_text('speaker = "Ada Lovelace"\nvenue = "PyCon"\n')
    html = build(toy).read_text()
    assert '<p class="talk-speaker">Ada Lovelace</p>' in html
    assert '<p class="talk-occasion">PyCon</p>' in html and "[date]" not in html
    assert "(date, repository)" in capsys.readouterr().err


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


def test_a_recorded_headline_line_is_marked_as_the_result(toy: ToyDeck) -> None:
    two_sections(toy)
    hello = toy.demo("hello")
    toy.build_dir.mkdir()
    streams = [("stdout", "hello\n"), ("stderr", "to stderr\n"), ("stdout", "bye\n")]
    recordings.save(toy.build_dir, {hello.id: recorded(hello, streams)})
    html = build(toy).read_text()
    assert '<span class="stdout demo-headline">hello\n</span>' in html
    assert '<span class="stdout">bye\n</span>' in html
