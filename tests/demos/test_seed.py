"""The seed made by several at once: demos started together on a fresh SQLite file."""

import threading
from pathlib import Path

from sqlalchemy.engine import make_url

from demos.seed import SEED_STEPS, SEED_TODOS, seed
from tests.harness.demo_runs import stored_rows

SEEDERS = 8  # at once; with create_all's look-then-create, 16 of 20 such starts failed


def seed_together(url: str) -> list[Exception]:
    """What SEEDERS threads, released at the same moment, each failed with."""
    together = threading.Barrier(SEEDERS)
    failures: list[Exception] = []

    def seed_when_all_are_ready() -> None:
        together.wait()
        try:
            seed(make_url(url))
        except Exception as error:
            failures.append(error)

    seeders = [threading.Thread(target=seed_when_all_are_ready) for _ in range(SEEDERS)]
    for seeder in seeders:
        seeder.start()
    for seeder in seeders:
        seeder.join()
    return failures


def test_seeders_starting_together_on_a_fresh_file_all_succeed(tmp_path: Path) -> None:
    for trial in range(10):
        url = f"sqlite:///{tmp_path / f'fresh-{trial}.sqlite3'}"
        assert seed_together(url) == []
        todos, steps = stored_rows(url)
        assert [t[1:] for t in todos] == list(SEED_TODOS)
        assert [s[1:] for s in steps] == list(SEED_STEPS)
