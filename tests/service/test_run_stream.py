"""POST /api/demos/{id}/run against a real uvicorn and real demo processes."""

import json
import re
import time
from pathlib import Path

import httpx
import pytest

from benchmarks.live_server import parse_events, run_events
from runner.service.app import create_app
from tests.harness.runner import (
    FIXTURE_DEMOS,
    LiveRunner,
    exit_of,
    group_alive,
    pid_alive,
    settings,
    text_of,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("no_fixture_demos_left")


def test_events_are_output_then_exactly_one_exit_last(live: LiveRunner) -> None:
    events = live.stream("pauses")

    assert {e.name for e in events[:-1]} == {"stdout", "stderr"}
    assert text_of(events, "stdout") == "first\nwaiting... done\n"
    assert text_of(events, "stderr") == "to stderr\n"
    exit = exit_of(events)
    assert exit["code"] == 0 and exit["timed_out"] is False and exit["truncated"] is False
    assert 1.0 < float(exit["elapsed_s"]) < 10  # type: ignore[arg-type]


def test_output_arrives_while_the_demo_runs_and_a_paused_partial_line_too(
    live: LiveRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo goes on only once this reader has seen its last piece, partial line too.
    monkeypatch.setenv("HANDSHAKE_DIR", str(tmp_path))
    answers = {"first\n": tmp_path / "1", "waiting...": tmp_path / "2"}
    events: list[tuple[str, str]] = []
    with httpx.Client(timeout=30) as client:
        for arrival in run_events(client, live.url, "handshake"):
            events.append((arrival.name, arrival.data))
            if arrival.name == "stdout" and arrival.data in answers:
                answers[arrival.data].touch()

    assert [data for name, data in events if name == "stdout"] == [
        "first\n",
        "waiting...",
        " done\n",
    ]
    assert events[-1][0] == "exit" and json.loads(events[-1][1])["code"] == 0, events


def test_framing_keeps_the_text_exact_and_ends_lines_at_carriage_returns(live: LiveRunner) -> None:
    events = live.stream("framing")

    # An event holds as many whole lines as came together (docs/wire.md): the text is
    # what counts, and the lines in it.
    lines = text_of(events, "stdout").splitlines(keepends=True)
    assert lines == [
        "crlf\n",
        "bar 1\n",
        "bar 2\n",
        "\n",
        "naïve ☕\n",
        "data: looks like a field\n",
        "no newline at the end",
    ]
    assert exit_of(events)["code"] == 0


def test_the_exit_code_and_stderr_of_a_failing_demo(live: LiveRunner) -> None:
    events = live.stream("failing")

    assert text_of(events, "stderr") == "something went wrong\n"
    assert exit_of(events)["code"] == 3


def test_a_run_past_the_time_limit_is_killed_with_its_group() -> None:
    app = create_app(settings=settings(run_timeout_s=1.0), demos=FIXTURE_DEMOS)
    with LiveRunner(app) as live:
        events = live.stream("stubborn")

    pgid, child = map(int, re.findall(r"\d+", text_of(events, "stdout")))
    exit = exit_of(events)
    assert exit["timed_out"] is True and exit["truncated"] is False
    assert exit["code"] == -9  # it ignores SIGTERM: SIGKILL after the grace period
    assert "ran longer than 1 s" in text_of(events, "stderr").splitlines()[-1]
    assert 1.0 <= float(exit["elapsed_s"]) < 5  # type: ignore[arg-type]
    assert not pid_alive(child)
    # Killed children of the demo are zombies until init reaps them (here, within ~1 s).
    assert wait_until(lambda: not group_alive(pgid), 5)


def test_output_past_the_cap_is_cut_and_the_demo_killed() -> None:
    cap = 10_000
    app = create_app(settings=settings(output_cap_bytes=cap), demos=FIXTURE_DEMOS)
    with LiveRunner(app) as live:
        events = live.stream("flood")

    exit = exit_of(events)
    assert exit["truncated"] is True and exit["timed_out"] is False
    shown = [e for e in events if e.name in ("stdout", "stderr")]
    assert len("".join(e.data for e in shown[:-1]).encode()) == cap
    assert "printed more than 10000 bytes" in shown[-1].data


def test_closing_the_connection_stops_the_run_and_its_whole_group(live: LiveRunner) -> None:
    with (
        httpx.Client(base_url=live.url, timeout=10) as client,
        client.stream("POST", "/api/demos/stubborn/run") as response,
    ):
        # Hold the iterator: dropping it would close the connection early.
        chunks = response.iter_text()
        pgid, child = map(int, re.findall(r"\d+", parse_events(next(chunks))[0][1]))
        assert group_alive(pgid) and pid_alive(child)
        closed = time.monotonic()
    # SIGTERM is ignored by both, so SIGKILL ends them after the 1 s grace.
    assert wait_until(lambda: not group_alive(pgid), 5)
    assert not pid_alive(child)
    assert time.monotonic() - closed < 5


def test_children_left_behind_by_a_demo_that_exits_are_killed(live: LiveRunner) -> None:
    started = time.monotonic()
    events = live.stream("orphaner")

    # The child holds the pipes and sleeps 600 s; the run still ends with the demo.
    assert time.monotonic() - started < 5
    pgid, child = map(int, re.findall(r"\d+", text_of(events, "stdout")))
    assert exit_of(events)["code"] == 0
    assert wait_until(lambda: not pid_alive(child), 3)
    assert wait_until(lambda: not group_alive(pgid), 5)


def test_stopping_the_server_stops_the_runs_still_streaming() -> None:
    live = LiveRunner(create_app(settings=settings(), demos=FIXTURE_DEMOS)).__enter__()
    with (
        httpx.Client(base_url=live.url, timeout=10) as client,
        client.stream("POST", "/api/demos/stubborn/run") as response,
    ):
        chunks = response.iter_text()  # held: dropping it would close the connection
        pgid, _child = map(int, re.findall(r"\d+", parse_events(next(chunks))[0][1]))
        stopping = time.monotonic()
        live.__exit__(None, None, None)
        assert not live.thread.is_alive()
    assert time.monotonic() - stopping < 10
    assert wait_until(lambda: not group_alive(pgid), 5)


def test_more_runs_than_allowed_are_refused_with_429_until_one_ends() -> None:
    app = create_app(settings=settings(max_concurrent_runs=1), demos=FIXTURE_DEMOS)
    with LiveRunner(app) as live, httpx.Client(base_url=live.url, timeout=10) as client:
        with client.stream("POST", "/api/demos/sleeper/run") as busy:
            chunks = busy.iter_text()  # held: dropping it would close the connection
            next(chunks)
            refused = client.post("/api/demos/failing/run")
            assert refused.status_code == 429
            assert "already running 1 demo(s)" in refused.json()["detail"]
        # Closing the first stream frees its place.
        assert wait_until(lambda: client.post("/api/demos/failing/run").status_code == 200, 5)


def test_an_unknown_id_is_404_and_starts_nothing(live: LiveRunner) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        ids = ("nope", "gather", "tests.harness.fixture_demos.sleeper", "..%2Fsleeper", "a%0D%0Ab")
        for demo_id in ids:
            response = client.post(f"/api/demos/{demo_id}/run")
            assert response.status_code == 404, demo_id
            assert response.headers["content-type"] == "application/json"
            # One line of JSON, even for an id with a line break in it.
            detail = response.json()["detail"]
            assert detail and "\n" not in detail and "\r" not in detail, (demo_id, detail)
