"""What a test run makes once, even when pytest-xdist runs the tests in several workers.

Each worker is a pytest session of its own, so a session fixture alone would build the
recorded talk once per worker. The first worker to ask makes the folder under the run's
shared temporary root, holding a file lock; the others wait for it, then read it.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

DONE = ".made"


def made_once(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder `name`, made by make(folder) once per test run; read it, never write it."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = factory.mktemp(name)
        make(folder)
        return folder
    # A worker's basetemp is <run>/popen-gwN: <run> is shared by this run's workers only.
    folder = factory.getbasetemp().parent / name
    with FileLock(f"{folder}.lock"):
        if not (folder / DONE).is_file():
            folder.mkdir(exist_ok=True)
            make(folder)
            (folder / DONE).touch()
    return folder
