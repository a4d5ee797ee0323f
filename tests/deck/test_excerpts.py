"""What a slide shows of a demo: OMIT lines and region markers never reach it."""

import pytest

from runner.deck.excerpts import excerpt, headlines, regions, splice
from runner.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast

SOURCE = """\
import asyncio  # OMIT


async def main() -> None:
    # region setup
    engine = make()
    debug(engine)  # OMIT
    # region inner
    await engine.connect()
    # endregion
    # endregion
    # region teardown
    await engine.dispose()
    # endregion
"""


def test_the_whole_file_loses_omit_lines_and_markers() -> None:
    assert excerpt(SOURCE) == (
        "async def main() -> None:\n"
        "    engine = make()\n"
        "    await engine.connect()\n"
        "    await engine.dispose()\n"
    )


def test_a_region_is_dedented_and_keeps_its_nested_regions_lines() -> None:
    assert excerpt(SOURCE, "setup") == "engine = make()\nawait engine.connect()\n"
    assert excerpt(SOURCE, "inner") == "await engine.connect()\n"
    assert excerpt(SOURCE, "teardown") == "await engine.dispose()\n"


def test_a_missing_region_is_none_and_the_known_ones_are_listed() -> None:
    assert excerpt(SOURCE, "nothing") is None
    assert regions(SOURCE) == ["setup", "inner", "teardown"]


def test_two_blank_lines_between_definitions_show_as_one() -> None:
    source = "def a() -> None:\n    pass\n\n\ndef b() -> None:\n    pass\n"
    assert excerpt(source) == "def a() -> None:\n    pass\n\ndef b() -> None:\n    pass\n"


def test_splicing_the_shown_code_back_unchanged_gives_the_source() -> None:
    for region in (None, "setup", "inner", "teardown"):
        shown = excerpt(SOURCE, region)
        assert shown is not None
        assert splice(SOURCE, region, shown) == SOURCE


def test_an_edit_lands_in_its_region_and_keeps_what_the_slide_hides() -> None:
    edited = "engine = make(echo=True)\nawait engine.connect()\nprint('inner')\n"
    spliced = splice(SOURCE, "setup", edited)
    assert spliced == SOURCE.replace("engine = make()", "engine = make(echo=True)").replace(
        "    await engine.connect()\n", "    await engine.connect()\n    print('inner')\n"
    )
    assert "debug(engine)  # OMIT" in spliced


def test_a_whole_file_edit_keeps_omit_lines() -> None:
    edited = excerpt(SOURCE).replace("await engine.dispose()", "await engine.dispose()  # bye")  # type: ignore[union-attr]
    spliced = splice(SOURCE, None, edited)
    assert spliced is not None
    assert spliced.startswith("import asyncio  # OMIT\n")
    assert "    await engine.dispose()  # bye\n" in spliced


def test_splicing_into_a_missing_region_is_none() -> None:
    assert splice(SOURCE, "nothing", "x = 1\n") is None


REWRITTEN = """import asyncio


async def main() -> None:
    print("rewritten")


if __name__ == "__main__":
    asyncio.run(main())
"""


def test_an_edit_replacing_the_whole_region_runs_as_shown() -> None:
    """coroutine-object's hidden `coroutine.close()  # OMIT` belonged to a body that is
    gone: it must not land mid-code (it did, as an IndentationError)."""
    source = (PROJECT_ROOT / "demos/python_async/coroutine_object.py").read_text()
    spliced = splice(source, "slide", REWRITTEN)
    assert spliced is not None
    compile(spliced, "coroutine_object.py", "exec")
    assert "# OMIT" not in spliced
    assert REWRITTEN.strip() in spliced


def test_a_hidden_redirect_follows_the_import_the_edit_kept() -> None:
    source = (PROJECT_ROOT / "demos/sqlalchemy_async/async_engine.py").read_text()
    edited = "from sqlalchemy.ext.asyncio import create_async_engine\n" + REWRITTEN
    spliced = splice(source, "slide", edited)
    assert spliced is not None
    compile(spliced, "async_engine.py", "exec")
    lines = spliced.splitlines()
    kept = lines.index("from sqlalchemy.ext.asyncio import create_async_engine")
    assert lines[kept + 1 : kept + 4] == [
        "from demos.connection import redirected  # OMIT",
        "from demos.sqlalchemy_async.server import server_of  # OMIT",
        "create_async_engine = redirected(create_async_engine)  # OMIT",
    ]


def test_a_headline_marker_names_the_output_line_and_never_reaches_the_slide() -> None:
    source = 'def main():\n    # headline: It took\n    print(f"It took {t} s")\n'
    assert headlines(source) == ["It took"]
    assert excerpt(source) == 'def main():\n    print(f"It took {t} s")\n'
    assert splice(source, None, excerpt(source) or "") == source
    assert headlines("# headline:\nprint(1)\n") == []
