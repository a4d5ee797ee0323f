"""What the real deck claims: the server by its name, code a learner can paste, known links."""

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from runner.database import server_name
from runner.deck import catalog, recordings
from runner.settings import PROJECT_ROOT, Settings

SLIDES = PROJECT_ROOT / "slides"
LINKS = json.loads((SLIDES / "links.json").read_text(encoding="utf-8"))
# The talk's plumbing: a learner who pastes a code cell must not need any of it.
PLUMBING = ("demos._", "demos.connection", "database_url", "redirected", "driver_url")
MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.fixture(scope="module")
def notebook(unrecorded_talk: Path) -> nbformat.NotebookNode:
    return nbformat.read(unrecorded_talk / "talk.ipynb", as_version=4)


@pytest.fixture(scope="module")
def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def slide_text() -> str:
    """Every slide file's text, the appendix's included."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SLIDES.rglob("*.md")))


@pytest.mark.fast
def test_no_code_cell_shows_the_talks_plumbing(code_cells: list[str]) -> None:
    assert len(code_cells) == len(catalog.demos())
    for source in code_cells:
        for name in PLUMBING:
            assert name not in source, f"{name!r} on a slide:\n{source}"


@pytest.mark.fast
def test_a_code_slide_defines_every_helper_it_calls(notebook: nbformat.NotebookNode) -> None:
    """Pasteable as shown: no function or class of the demo is used on a slide that hides it."""
    hidden = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        demo = catalog.find(cell.metadata.demo.id)
        assert demo is not None
        tree = ast.parse(demo.path.read_text(encoding="utf-8"))
        defined = [
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]
        for name in defined:
            used = re.search(rf"\b{name}\b", cell.source)
            shown = re.search(rf"^\s*(async def|def|class) {name}\b", cell.source, re.M)
            if used and not shown:
                hidden.append(f"{demo.id}: {name}")
    assert hidden == []


@pytest.mark.fast
def test_database_code_cells_create_engines_as_a_learner_writes_them(
    code_cells: list[str],
) -> None:
    engines = [s for s in code_cells if "create_async_engine(" in s or "create_engine(" in s]
    assert engines
    for source in engines:
        assert re.search(r'create_(async_)?engine\(\s*"mysql\+(aiomysql|pymysql)://', source), (
            source
        )


def test_recordings_are_labelled_with_the_server_that_answered(database_url: str) -> None:
    """MariaDB answers mysql:// URLs too: a recording names it for what it is."""
    demo = catalog.find("async-engine")
    assert demo is not None
    label = recordings.backend(demo, Settings(database_url=database_url))
    assert re.fullmatch(r"(MariaDB|MySQL|SQLite) \d+\.\d+\.\d+", label)
    assert label == server_name(database_url)


@pytest.mark.fast
def test_the_deck_links_only_to_listed_pages() -> None:
    listed = {link["url"] for link in LINKS["links"]}
    used = set(MARKDOWN_LINK.findall(slide_text()))
    assert used <= listed, f"not in slides/links.json: {sorted(used - listed)}"
    assert listed <= used, f"listed but not on any slide: {sorted(listed - used)}"
    assert all(link["title"].strip() for link in LINKS["links"])


@pytest.mark.fast
def test_sqlalchemy_links_are_for_the_version_the_deck_names() -> None:
    named = re.findall(r"(\d)\.(\d) is the current release", slide_text())
    assert named and len(set(named)) == 1
    version = "".join(named[0])
    assert LINKS["sqlalchemy_docs_version"] == version
    for link in LINKS["links"]:
        if "docs.sqlalchemy.org" in link["url"]:
            assert f"/en/{version}/" in link["url"]
            assert f"SQLAlchemy {version[0]}.{version[1]} Documentation" in link["title"]


@pytest.mark.fast
@pytest.mark.parametrize("picture", ["python-pseudocode.svg", "definition-maths.svg"])
def test_the_source_talks_pictures_are_ours_and_on_a_slide(picture: str) -> None:
    svg = (PROJECT_ROOT / "assets" / picture).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "<title>" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched
    assert re.search(rf"\]\((\.\./)+assets/{re.escape(picture)}\)", slide_text())


@pytest.mark.fast
def test_the_demo_files_hold_the_plumbing_their_slides_leave_out() -> None:
    on_disk = (PROJECT_ROOT / "demos" / "sqlalchemy_async" / "async_engine.py").read_text()
    assert "create_async_engine = redirected(create_async_engine)  # OMIT" in on_disk
