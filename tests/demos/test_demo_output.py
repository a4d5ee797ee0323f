"""What each demo prints, run as a subprocess against MariaDB and SQLite."""

import re
import sys

import pytest
from sqlalchemy.engine import make_url

from demos.seed import SEED_STEPS, SEED_TODOS
from runner.database import server_name
from runner.deck import catalog
from tests.harness.demo_runs import DemoRun, stored_rows

PLAIN_IDS = [d.id for d in catalog.demos() if not d.needs_database]
DATABASE_IDS = [d.id for d in catalog.demos() if d.needs_database]
# Only missing-await writes to stderr: Python's "never awaited" warning is its lesson.
EXPECTED_STDERR = {"missing-await", "await-run"}


def seconds_after(prefix: str, stdout: str) -> float:
    """The number of seconds on the line that starts with prefix."""
    match = re.search(rf"^{re.escape(prefix)}\D*?(\d+\.\d+)", stdout, re.MULTILINE)
    assert match, f"no line starting {prefix!r} in:\n{stdout}"
    return float(match.group(1))


def todo_lines(count: int) -> list[str]:
    return [
        f"A todo with id {i} and priority {priority}: {title}"
        for i, (title, _, priority) in enumerate(SEED_TODOS[:count], start=1)
    ]


def assert_clean(run: DemoRun, demo_id: str) -> None:
    assert run.returncode == 0, f"{demo_id} exited {run.returncode}: {run.stderr}"
    assert "Traceback" not in run.stdout + run.stderr
    if demo_id not in EXPECTED_STDERR:
        assert run.stderr == ""


@pytest.mark.parametrize("demo_id", PLAIN_IDS)
def test_plain_demo_exits_cleanly(plain_runs: dict[str, DemoRun], demo_id: str) -> None:
    assert_clean(plain_runs[demo_id], demo_id)
    assert plain_runs[demo_id].stdout.strip()


@pytest.mark.parametrize("demo_id", DATABASE_IDS)
def test_database_demo_exits_cleanly(database_runs: dict[str, DemoRun], demo_id: str) -> None:
    assert_clean(database_runs[demo_id], demo_id)
    assert database_runs[demo_id].stdout.strip()


def test_cpu_bound_prints_the_gil_and_four_timings(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["cpu-bound"]
    gil = re.search(r"^GIL enabled: (True|False)", run.stdout, re.MULTILINE)
    assert gil
    if sys.version_info < (3, 13):
        assert gil.group(1) == "True"
    timings, busy = [], {}
    for label in ("sequential", "threads", "processes", "asyncio tasks"):
        line = re.search(
            rf"^{label} +(\d+\.\d\d) s, (\d+\.\d) cores busy$", run.stdout, re.MULTILINE
        )
        assert line, label
        timings.append(float(line[1]))
        busy[label] = float(line[2])
    if gil.group(1) == "True":
        # The GIL's point, true however busy the machine: threads never use two cores.
        assert busy["threads"] <= 1.3
    # One thread runs the sequential sums and the tasks: never more than a core busy.
    assert busy["sequential"] <= 1.3 and busy["asyncio tasks"] <= 1.3
    # The same sums four ways: CPU seconds (wall time x cores busy, the latter printed to
    # 0.05) within a factor of two of each other, however the load stretched each wall time.
    walls_and_cores = zip(timings, busy.values(), strict=True)
    cpu = [(wall * (cores - 0.05), wall * (cores + 0.05)) for wall, cores in walls_and_cores]
    assert max(low for low, _ in cpu) <= 2 * min(high for _, high in cpu), cpu


def test_coroutine_object_is_shown_and_closed(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["coroutine-object"]
    assert run.stdout.startswith("<coroutine object something_async at 0x")
    for method in ("close", "send", "throw", "cr_frame"):
        assert method in run.stdout.split()
    assert "never awaited" not in run.stderr


def test_missing_await_exits_at_once_and_warns(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["missing-await"]
    assert run.stdout.startswith("<coroutine object something_async at 0x")
    assert "RuntimeWarning: coroutine 'something_async' was never awaited" in run.stderr
    # The warning is the proof that its 3 s sleep never ran; no wall-clock bound (a
    # loaded machine starts an interpreter slowly).


def test_await_run_warns_of_the_forgotten_await_then_waits_for_the_result(
    plain_runs: dict[str, DemoRun],
) -> None:
    run = plain_runs["await-run"]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("<coroutine object something_async at 0x")
    assert lines[1:] == ["Now we're cooking with fire!"]
    assert "RuntimeWarning: coroutine 'something_async' was never awaited" in run.stderr
    assert run.elapsed > 2.9  # it waited for the 3 s coroutine (startup has no upper bound)


def test_sequential_awaits_take_about_3_s(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["sequential-awaits"]
    assert 2.9 < seconds_after("It took", run.stdout) < 4.5
    assert run.stdout.rstrip().splitlines()[-3:] == ["I'm first!", "Then me!", "And finally me!"]


def test_concurrent_awaits_take_about_1_s(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["gather"]
    assert run.stdout.startswith("I'm first!\nThen me!\nAnd finally me!\n")
    assert 2.9 < seconds_after("One by one", run.stdout) < 4.5
    assert 0.8 < seconds_after("It took", run.stdout) < 1.8
    assert "[\"I'm first!\", 'Then me!', 'And finally me!']" in run.stdout


def test_the_todo_model_describes_its_columns(plain_runs: dict[str, DemoRun]) -> None:
    assert plain_runs["todo-model"].stdout.splitlines() == [
        "todo.id: INTEGER, NOT NULL",
        "todo.title: VARCHAR, NOT NULL",
        "todo.description: VARCHAR, NOT NULL",
        "todo.priority: INTEGER, NOT NULL",
    ]


def test_a_task_runs_while_main_waits_and_a_bare_coroutine_does_not(
    plain_runs: dict[str, DemoRun],
) -> None:
    run = plain_runs["create-task"]
    assert run.stdout.splitlines()[:5] == [
        "task started",
        "main awaits both",
        "coroutine started",
        "coroutine done",
        "task done",
    ]
    # The task's second overlapped main's half second: 1.5 s in all, not 2.5.
    assert 1.4 < seconds_after("It took", run.stdout) < 2.4


def test_task_group_cancels_the_sibling_of_a_failed_task(plain_runs: dict[str, DemoRun]) -> None:
    run = plain_runs["task-group"]
    assert run.stdout.startswith("[\"I'm first!\", 'Then me!']\n")
    assert "TaskGroup raised: ValueError('the database went away')" in run.stdout
    assert "slow sibling cancelled: True" in run.stdout


def test_blocking_call_takes_3_s_and_its_fixes_1_s(plain_runs: dict[str, DemoRun]) -> None:
    naive, fixed = plain_runs["blocking-call-naive"], plain_runs["blocking-call-fixed"]
    assert 2.9 < seconds_after("It took", naive.stdout) < 4.5
    assert 0.8 < seconds_after("asyncio.sleep: it took", fixed.stdout) < 1.8
    assert 0.8 < seconds_after("asyncio.to_thread: it took", fixed.stdout) < 1.8
    assert fixed.stdout.count("['first done', 'second done', 'third done']") == 2


def test_engine_connect_shows_connection_and_engine(
    database_runs: dict[str, DemoRun], backend_url: str
) -> None:
    stdout = database_runs["engine-connect"].stdout
    backend = make_url(backend_url).get_backend_name()
    driver = "pymysql" if backend == "mysql" else "pysqlite"
    assert stdout.startswith("<sqlalchemy.engine.base.Connection object at 0x")
    assert "\n1\n" in stdout
    assert f"Engine({backend}+{driver}://" in stdout


def test_raw_sql_prints_the_first_three_rows(database_runs: dict[str, DemoRun]) -> None:
    stdout = database_runs["raw-sql"].stdout
    titles = [title for title, _, _ in SEED_TODOS]
    assert all(repr(title) in stdout for title in titles[:3])
    assert repr(titles[3]) not in stdout
    assert stdout.startswith("[(1, 'Write the talk outline'")


@pytest.mark.parametrize("demo_id", ["orm-query", "async-orm"])
def test_orm_prints_three_todos_then_20(database_runs: dict[str, DemoRun], demo_id: str) -> None:
    lines = database_runs[demo_id].stdout.splitlines()
    assert lines == [*todo_lines(3), "", "There are 20 todo entities in the database"]


def test_async_engine_answers_select_1(database_runs: dict[str, DemoRun], backend_url: str) -> None:
    stdout = database_runs["async-engine"].stdout
    backend = make_url(backend_url).get_backend_name()
    driver = "aiomysql" if backend == "mysql" else "aiosqlite"
    assert stdout.startswith("SELECT 1 -> 1\n")
    # MariaDB answers mysql:// URLs too, and the demo must name it for what it is,
    # with the version the server gives (never "mysql 10.x" for MariaDB).
    kind, _, version = (server_name(backend_url) or "").partition(" ")
    shown = "MariaDB" if kind == "MariaDB" else backend
    assert re.search(rf"^server: {shown} \d+\.\d+", stdout, re.MULTILINE)
    assert f"\nserver: {shown} {version} via {driver}\n" in stdout


def test_create_tables_changes_nothing_on_a_seeded_database(
    database_runs: dict[str, DemoRun],
) -> None:
    assert database_runs["create-tables"].stdout == (
        "before: todo, todo_step\n"
        "after: todo, todo_step\n"
        f"rows in todo: {len(SEED_TODOS)}\n"
        f"rows in todo_step: {len(SEED_STEPS)}\n"
    )


def test_async_raw_sql_prints_the_priority_1_todos(database_runs: dict[str, DemoRun]) -> None:
    stdout = database_runs["async-raw-sql"].stdout
    expected = [(i, t) for i, (t, _, p) in enumerate(SEED_TODOS, start=1) if p == 1]
    found = [(int(i), t) for i, t in re.findall(r"\((\d+), '([^']*)'\)", stdout)]
    assert found == expected


def test_payoff_times_the_same_queries_three_ways(database_runs: dict[str, DemoRun]) -> None:
    stdout = database_runs["payoff"].stdout
    assert stdout.startswith("N = 10 queries of SELECT SLEEP(0.3)\n")
    alone = seconds_after("one by one, sync", stdout)
    threads = seconds_after("N threads, sync", stdout)
    gathered = seconds_after("gather, async", stdout)
    assert alone > 2.9
    # Ten SLEEP(0.3) take 3 s one after another: only queries that overlap finish sooner,
    # however busy the machine (a busy machine only adds time).
    assert threads < 10 * 0.3 and gathered < 10 * 0.3


def test_a_shared_session_loses_a_write_on_a_cold_and_a_warm_pool_alike(
    database_runs: dict[str, DemoRun],
) -> None:
    title = SEED_TODOS[0][0]
    assert database_runs["shared-session-naive"].stdout.splitlines() == [
        f"cold pool: no error; in the database: {title!r}",
        f"warm pool: no error; in the database: {title!r}",
    ]
    assert database_runs["shared-session-fixed"].stdout.splitlines() == [
        "cold pool: no error; in the database: 'Renamed by task 1'",
        "warm pool: no error; in the database: 'Renamed by task 1'",
    ]


def test_a_timeout_stops_the_wait_and_the_server_runs_on_until_killed(
    database_runs: dict[str, DemoRun], backend_url: str
) -> None:
    lines = database_runs["query-timeout"].stdout.splitlines()
    waited = seconds_after("timed out after", lines[0])
    if make_url(backend_url).get_backend_name() == "sqlite":
        # No server: the query holds aiosqlite's thread, and the timeout lands at its end.
        assert waited >= 2.9
        assert lines[1:] == [
            "SQLite: no server; the query ran to its end on",
            "aiosqlite's thread, and the timeout landed then",
        ]
    else:
        assert waited < 3  # cancelled before the 3 s query could end
        assert lines[1:] == ["queries still running on the server: 1", "after KILL QUERY: 0"]


def test_lazy_load_fails_then_eager_and_awaited_loads_work(
    database_runs: dict[str, DemoRun],
) -> None:
    naive = database_runs["lazy-load-naive"].stdout.splitlines()
    assert naive[0] == "todo 1: Write the talk outline"
    assert naive[1].startswith("MissingGreenlet: greenlet_spawn has not been called")
    steps = [text for todo_id, text in SEED_STEPS if todo_id == 1]
    assert database_runs["lazy-load-fixed"].stdout.splitlines() == [
        f"selectinload, todo 1: {steps}",
        f"awaitable_attrs, todo 1: {steps}",
        "raiseload: 'Todo.steps' is not available due to lazy='raise'",
    ]


def test_reading_after_commit_fails_then_expire_on_commit_false_keeps_the_values(
    database_runs: dict[str, DemoRun],
) -> None:
    title = SEED_TODOS[0][0]
    naive = database_runs["expire-on-commit-naive"].stdout.splitlines()
    assert naive[0] == f"before commit: {title}"
    assert naive[1].startswith("after commit: MissingGreenlet: greenlet_spawn has not been called")
    assert database_runs["expire-on-commit-fixed"].stdout.splitlines() == [
        f"before commit: {title}",
        f"after commit: {title}",
    ]


def test_database_demos_leave_the_rows_as_they_found_them(
    database_runs: dict[str, DemoRun], backend_url: str
) -> None:
    assert database_runs  # every database demo has run by now
    todos, steps = stored_rows(backend_url)
    assert [row[1:] for row in todos] == list(SEED_TODOS)
    assert [row[1:] for row in steps] == list(SEED_STEPS)
