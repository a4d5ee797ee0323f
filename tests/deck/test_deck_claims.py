"""What the real deck claims: the server by its name, code a learner can paste, known links."""

import json
import re

import nbformat
import pytest

from demos import catalog
from runner.deck import builder, recordings
from runner.settings import PROJECT_ROOT, get_settings
from tests.harness.demo_runs import run_module

SLIDES = PROJECT_ROOT / "slides"
LINKS = json.loads((SLIDES / "links.json").read_text(encoding="utf-8"))
# The talk's plumbing: a learner who pastes a code cell must not need any of it.
PLUMBING = ("demos._", "demos.connection", "database_url", "redirected", "driver_url")
MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


@pytest.fixture(scope="module")
def code_cells(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    build_dir = tmp_path_factory.mktemp("deck")
    builder.build(build_dir=build_dir)
    notebook = nbformat.read(build_dir / "talk.ipynb", as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def slide_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SLIDES.glob("*.md")))


@pytest.mark.fast
def test_no_code_cell_shows_the_talks_plumbing(code_cells: list[str]) -> None:
    assert len(code_cells) == len(catalog.demos())
    for source in code_cells:
        for name in PLUMBING:
            assert name not in source, f"{name!r} on a slide:\n{source}"


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


def test_the_async_engine_demo_names_the_server_that_answered(mysql_url: str) -> None:
    run = run_module("demos.sqlalchemy_async.async_engine")
    assert run.returncode == 0, run.stderr
    server = re.search(r"^server: (\S+) (\d+\.\d+)", run.stdout, re.MULTILINE)
    assert server, run.stdout
    # The test server is MariaDB: the demo must say so, never "mysql 10.x".
    assert server.group(1) == "MariaDB"


def test_recordings_are_labelled_with_the_server_that_answered(mysql_url: str) -> None:
    demo = catalog.find("async-engine")
    assert demo is not None
    assert re.fullmatch(r"MariaDB \d+\.\d+\.\d+", recordings.backend(demo, get_settings()))


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
    assert f"](../assets/{picture})" in slide_text()


@pytest.mark.fast
def test_the_demo_files_hold_the_plumbing_their_slides_leave_out() -> None:
    on_disk = (PROJECT_ROOT / "demos" / "sqlalchemy_async" / "async_engine.py").read_text()
    assert "create_async_engine = redirected(create_async_engine)  # OMIT" in on_disk
