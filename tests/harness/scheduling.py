"""The order the tests run in, which is how `make test` hands them to its workers.

pytest-xdist (`--dist loadscope`, in pyproject.toml) gives a module, or a test class,
to one worker whole, so its fixtures (a server, a browser, a deck) start once; the
engine tests are a class per engine. The units go out in collection order, reordered
here: the longest reader of the recorded talk first, which builds it; then every test
that does not read it; then the other readers, by when the talk is long built.
"""

import pytest

# The reader of the recorded talk that takes longest: it runs every demo live, twice.
LONGEST_READER = "test_fit.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    readers = {item.path for item in items if "recorded_talk" in getattr(item, "fixturenames", ())}

    def turn(item: pytest.Item) -> int:
        if item.path.name == LONGEST_READER:
            return 0
        return 2 if item.path in readers else 1

    items.sort(key=turn)  # stable: within a turn, the order stays
