"""What a slide shows of a demo: OMIT lines and region markers never reach it."""

from runner.deck.excerpts import excerpt, regions

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
