"""The rows every demo expects: twenty todos and their steps, made exactly so.

Content, like the demos that read them: `talk db init` seeds a server with
:func:`seed`, and a demo run by hand with no server seeds the embedded SQLite file
with it before it starts.
"""

from sqlalchemy import create_engine, delete, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.schema import CreateTable

from demos.sqlalchemy_async.models import Base, Step, Todo

SEED_TODOS: tuple[tuple[str, str, int], ...] = (
    ("Write the talk outline", "Four sections, twenty minutes, one story", 1),
    ("Book the venue projector", "Check it takes HDMI and 1920x1080", 2),
    (
        "Record a backup video",
        "In case the Wi-Fi and the demo gods disagree",
        3,
    ),
    ("Upgrade to SQLAlchemy 2", "Replace session.query with select()", 1),
    (
        "Benchmark gather vs sequential",
        "Twenty SLEEP(0.2) queries each way",
        2,
    ),
    ("Renew the TLS certificate", "Expires at the end of the month", 1),
    ("Migrate the todo table", "Add an index on priority", 3),
    ("Review the pull request", "The one that adds aiomysql", 2),
    ("Fix the flaky test", "It only fails on Mondays", 2),
    ("Update the README", "Explain TALK_DATABASE_URL", 3),
    ("Plan the team offsite", "Somewhere with reliable coffee", 4),
    ("Pay the cloud bill", "Before the credit card expires", 1),
    ("Read PEP 703", "Free-threaded CPython, the GIL made optional", 3),
    ("Try Python 3.13t", "Run the CPU-bound demo without the GIL", 4),
    ("Clean the inbox", "Archive everything older than a month", 5),
    ("Answer the conference CFP", "Deadline is Friday", 1),
    ("Back up the database", "mysqldump exampledb to cold storage", 2),
    ("Rotate the API keys", "All of them, not just the old ones", 2),
    ("Order more stickers", "The asyncio ones ran out", 5),
    ("Celebrate the release", "Cake for everyone on the team", 4),
)
SEED_STEPS: tuple[tuple[int, str], ...] = (
    (1, "List the four sections"),
    (1, "Give each a time budget"),
    (1, "Write the speaker notes"),
    (2, "Email the venue"),
    (2, "Pack an HDMI adapter"),
    (3, "Screen-record every demo"),
    (4, "Run the test suite on 2.x"),
    (4, "Remove declarative_base imports"),
    (5, "Size the pool to N"),
    (5, "Plot the speedup"),
)


def seed(url: URL) -> int:
    """Create the tables and make their rows exactly the seed, however often it runs.

    url names an existing database with a sync driver; returns the number of todos.
    """
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            # IF NOT EXISTS, not create_all's look-then-create: two demos started at once
            # on a fresh SQLite file both looked, and the second CREATE failed.
            for table in Base.metadata.sorted_tables:
                conn.execute(CreateTable(table, if_not_exists=True))
        with engine.begin() as conn:
            conn.execute(delete(Step))
            conn.execute(delete(Todo))
            conn.execute(
                insert(Todo),
                [
                    {"id": i, "title": t, "description": d, "priority": p}
                    for i, (t, d, p) in enumerate(SEED_TODOS, start=1)
                ],
            )
            conn.execute(
                insert(Step),
                [
                    {"id": i, "todo_id": todo_id, "text": step}
                    for i, (todo_id, step) in enumerate(SEED_STEPS, start=1)
                ],
            )
            return len(conn.execute(select(Todo.id)).all())
    finally:
        engine.dispose()
