"""Edit and rerun on the slide: refused without the token or from elsewhere, streamed with it."""

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.live_server import parse_events
from runner.deck import catalog
from runner.deck.excerpts import excerpt
from runner.service.app import create_app
from runner.service.authoring import EDIT_IDLE_S, Authoring
from runner.service.editing import MAX_CODE_BYTES, TOKEN_HEADER, remove_stale_folders
from tests.harness.runner import LiveRunner, demo_runs_below, wait_until

TOKEN = "a-secret-token-for-the-tests-only-0123456789"
DEMO = "coroutine-object"
# Would run for a long while: any process it started is still there to be found.
LINGERING = "import time\ntime.sleep(60)\n"


@pytest.fixture(autouse=True)
def own_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Edits go into this test's own folder: another runner's edits elsewhere on the
    machine are none of its business."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture(scope="module")
def runner() -> Iterator[LiveRunner]:
    app = create_app(fork_server=False, authoring=Authoring(edit_token=TOKEN))
    with LiveRunner(app) as live:
        yield live


@pytest.fixture(scope="module")
def session(runner: LiveRunner) -> str:
    """The session token the deck gets for the printed one, on its first load."""
    response = exchange(runner, TOKEN)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def exchange(runner: LiveRunner, printed: str) -> httpx.Response:
    return httpx.post(
        f"{runner.url}/api/authoring/edit-session", headers={TOKEN_HEADER: printed}, timeout=10
    )


def edited_run(runner: LiveRunner, code: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{runner.url}/api/demos/{DEMO}/edited-run",
        json={"code": code},
        headers=headers,
        timeout=30,
    )


def edit_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("talk-edit-*")}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TOKEN_HEADER: "wrong"},
        {TOKEN_HEADER: "near"},
        {TOKEN_HEADER: TOKEN},
        {TOKEN_HEADER: "session", "Origin": "http://evil.example"},
        {TOKEN_HEADER: "session", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["no-token", "wrong-token", "near-token", "printed-token", "foreign-origin", "cross-site"],
)
def test_an_edited_run_without_the_session_or_from_elsewhere_starts_nothing(
    runner: LiveRunner, session: str, headers: dict[str, str]
) -> None:
    given = headers.get(TOKEN_HEADER)
    if given in ("session", "near"):
        headers = {**headers, TOKEN_HEADER: session if given == "session" else session[:-1] + "X"}
    folders = edit_folders()
    response = edited_run(runner, LINGERING, **headers)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("refused: ")
    assert demo_runs_below(os.getpid()) == []
    assert edit_folders() == folders


def test_the_printed_token_is_exchanged_once(runner: LiveRunner, session: str) -> None:
    again = exchange(runner, TOKEN)
    assert again.status_code == 403 and "has been used" in again.json()["detail"]
    assert session != TOKEN


def test_with_the_session_the_edit_runs_and_streams_and_the_file_stays(
    runner: LiveRunner, session: str
) -> None:
    demo = catalog.find(DEMO)
    assert demo is not None
    on_disk = demo.path.read_bytes()
    shown = excerpt(on_disk.decode(), "slide")
    assert shown is not None
    code = shown.replace('print(f"{coroutine}\\n")', 'print("edited on the slide")')

    response = edited_run(runner, code, **{TOKEN_HEADER: session})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_events(response.text)
    stdout = "".join(data for name, data in events if name == "stdout")
    assert stdout.startswith("edited on the slide\n")
    # the rest of the demo ran as before: its public attributes, on one line
    assert "send" in stdout.splitlines()[1].split()
    (exit_data,) = [data for name, data in events if name == "exit"]
    assert json.loads(exit_data)["code"] == 0
    assert demo.path.read_bytes() == on_disk
    assert wait_until(lambda: not edit_folders(), 5)


def test_a_lone_surrogate_is_refused_with_400(runner: LiveRunner, session: str) -> None:
    folders = edit_folders()
    response = httpx.post(
        f"{runner.url}/api/demos/{DEMO}/edited-run",
        content=b'{"code": "print(1)  # \\ud800"}',
        headers={TOKEN_HEADER: session, "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400, response.text
    assert "lone surrogate" in response.json()["detail"]
    assert edit_folders() == folders


def test_edit_folders_of_a_killed_runner_go_at_the_next_start(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"talk-edit-{dead.pid}-abc"
    mine = tmp_path / f"talk-edit-{os.getpid()}-def"
    for folder in (stale, mine):
        folder.mkdir()
        (folder / "edited_demo.py").write_text("print(1)\n")
    assert remove_stale_folders(tmp_path) == [stale]
    assert not stale.exists() and mine.exists()


def test_an_edit_has_a_larger_body_limit_than_a_run_but_still_one(
    runner: LiveRunner, session: str
) -> None:
    big = "x = 1\n" * (MAX_CODE_BYTES // 6 + 10)
    response = edited_run(runner, big, **{TOKEN_HEADER: session})
    assert response.status_code == 413
    plain = httpx.post(f"{runner.url}/api/demos/{DEMO}/run", content=b"x" * 4096, timeout=10)
    assert plain.status_code == 413
    assert demo_runs_below(os.getpid()) == []


def test_without_edit_mode_there_is_no_edited_run() -> None:
    with LiveRunner(create_app(fork_server=False)) as plain:
        response = edited_run(plain, LINGERING, **{TOKEN_HEADER: TOKEN})
        assert response.status_code == 404
        assert demo_runs_below(os.getpid()) == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.fast
def test_a_session_ends_after_thirty_idle_minutes_and_each_edited_run_restarts_the_count() -> None:
    clock = FakeClock()
    authoring = Authoring(edit_token=TOKEN, clock=clock)
    session = authoring.exchange(TOKEN)
    assert session is not None
    clock.now += EDIT_IDLE_S - 1
    assert authoring.admits(session)  # used: the thirty minutes start again
    clock.now += EDIT_IDLE_S - 1
    assert authoring.admits(session)
    clock.now += EDIT_IDLE_S + 1
    assert not authoring.admits(session)
    clock.now -= EDIT_IDLE_S  # ended for good, whatever the clock says later
    assert not authoring.admits(session)
    assert authoring.exchange(TOKEN) is None  # and the printed URL opens no new one


def test_an_idle_session_is_refused_over_http_saying_how_it_ended() -> None:
    clock = FakeClock()
    app = create_app(fork_server=False, authoring=Authoring(edit_token=TOKEN, clock=clock))
    with LiveRunner(app) as live:
        session = exchange(live, TOKEN).json()["token"]
        clock.now += EDIT_IDLE_S + 1
        response = edited_run(live, LINGERING, **{TOKEN_HEADER: session})
        assert response.status_code == 403
        assert "30 min without an edited run" in response.json()["detail"]
        assert demo_runs_below(os.getpid()) == []


def test_a_session_ends_when_the_runner_restarts() -> None:
    """The session lives in the runner only: a restarted one (a new printed token)
    refuses the session a tab kept from before."""
    with LiveRunner(create_app(fork_server=False, authoring=Authoring(edit_token=TOKEN))) as old:
        session = exchange(old, TOKEN).json()["token"]
        assert edited_run(old, "print(1)\n", **{TOKEN_HEADER: session}).status_code == 200
    restarted = Authoring(edit_token=TOKEN[::-1])
    with LiveRunner(create_app(fork_server=False, authoring=restarted)) as new:
        response = edited_run(new, LINGERING, **{TOKEN_HEADER: session})
        assert response.status_code == 403
        assert "when the runner restarts" in response.json()["detail"]
        assert exchange(new, TOKEN).status_code == 403  # the old printed URL is dead too
        assert demo_runs_below(os.getpid()) == []
