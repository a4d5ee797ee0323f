"""The import contract's cycle check (tests/harness/import_cycles.py), on graphs made by hand."""

import grimp
import pytest

from tests.harness.import_cycles import cycles


def graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    made = grimp.ImportGraph()
    for importer, imported in imports:
        made.add_import(importer=importer, imported=imported)
    return made


@pytest.mark.fast
def test_a_chain_back_to_the_importer_is_a_cycle_named_once() -> None:
    found = cycles(graph(("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")))
    assert len(found) == 1
    (cycle,) = found
    assert cycle[0] == cycle[-1] and set(cycle) == {"a", "b", "c"}


@pytest.mark.fast
def test_packages_that_import_each_other_without_a_module_cycle_pass() -> None:
    # demos.connection seeds with demos.sqlalchemy_async.models; the demos beside
    # those models import demos.connection: no module comes back to itself.
    assert not cycles(
        graph(
            ("demos.connection", "demos.seed"),
            ("demos.seed", "demos.sqlalchemy_async.models"),
            ("demos.sqlalchemy_async.async_orm", "demos.connection"),
            ("demos.sqlalchemy_async.async_orm", "demos.sqlalchemy_async.models"),
        )
    )
