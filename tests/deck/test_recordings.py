"""`talk build --record`: real runs of the demos, kept in the deck and across rebuilds."""

import asyncio
import re
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from runner.database import server_name
from runner.deck import builder, catalog, recordings
from runner.deck.demo import Demo
from runner.execution import events
from runner.settings import Settings
from tests.harness.toy_deck import ToyDeck

PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"


def build(toy: ToyDeck, **kw: bool) -> str:
    index = builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos, **kw)
    return index.read_text()


def code_cells(toy: ToyDeck) -> dict[str, nbformat.NotebookNode]:
    nb = nbformat.read(toy.build_dir / "talk.ipynb", as_version=4)
    nbformat.validate(nb)
    return {c.metadata.demo["id"]: c for c in nb.cells if c.cell_type == "code"}


def both_demos(toy: ToyDeck) -> None:
    toy.write(
        "01-demos.md",
        f"""\
        # Demos

        {toy.link("hello.py", "greet")}

        ## Counting

        {toy.link("counter.py")}
        """,
    )


def streams(cell: nbformat.NotebookNode, name: str) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream" and o.name == name)


def test_record_keeps_what_each_demo_printed(toy: ToyDeck) -> None:
    both_demos(toy)
    html = build(toy, record=True)
    hello = code_cells(toy)["hello"]
    assert streams(hello, "stdout") == "hello\nbye\n"  # the whole demo runs, OMIT lines too
    assert streams(hello, "stderr") == "to stderr\n"
    assert streams(code_cells(toy)["counter"], "stdout") == "1\n2\n3\n"
    recorded = hello.metadata.recording
    assert recorded["backend"] == PYTHON and recorded["returncode"] == 0
    age = datetime.now(UTC) - datetime.fromisoformat(recorded["date"])
    assert 0 <= age.total_seconds() < 60
    # hello's headline (`# headline: hel`, tests/harness/toy_deck.py) is emphasised
    assert '<span class="stdout demo-headline">hello\n</span>' in html
    assert '<span class="stdout">bye\n</span>' in html
    assert '<span class="stderr">to stderr\n</span>' in html
    assert html.count('data-source="recorded"') == 2
    notes = re.findall(r'<p class="demo-recorded-note">Recorded (\S+) on ([^<]+)</p>', html)
    assert notes == [(recorded["date"][:10], PYTHON)] * 2


def test_a_plain_rebuild_keeps_recordings_of_unchanged_demos_only(toy: ToyDeck) -> None:
    both_demos(toy)
    build(toy, record=True)
    assert build(toy).count('data-source="recorded"') == 2
    counter = toy.package / "counter.py"
    counter.write_text(counter.read_text().replace("range(1, 4)", "range(1, 5)"))
    html = build(toy)
    assert re.search(r'data-demo-id="counter".*?data-source="none"', html, re.S)
    assert re.search(r'data-demo-id="hello".*?data-source="recorded"', html, re.S)
    assert code_cells(toy)["counter"].outputs == []


def test_a_demo_that_hangs_is_stopped_at_the_timeout(toy: ToyDeck) -> None:
    (toy.package / "counter.py").write_text(
        "import time\n\nprint('waiting', flush=True)\ntime.sleep(60)\n"
    )
    both_demos(toy)
    started = time.monotonic()
    builder.build(
        slides_dir=toy.slides,
        build_dir=toy.build_dir,
        demos=toy.demos,
        record=True,
        # Long enough for an interpreter to start and print on a loaded machine.
        settings=Settings(run_timeout_s=5),
    )
    elapsed = time.monotonic() - started
    counter = code_cells(toy)["counter"]
    assert streams(counter, "stdout") == "waiting\n"
    # The runner's own note, as a slide shows it live (see docs/wire.md).
    assert streams(counter, "stderr") == "[runner] stopped: the demo ran longer than 5 s\n"
    assert 5.0 <= elapsed < 60  # stopped by the timeout, not by the demo's own end


def test_a_database_demo_records_on_the_configured_server(
    tmp_path: Path, database_url: str
) -> None:
    demo = catalog.find("engine-connect")
    assert demo is not None
    slides = tmp_path / "slides"
    slides.mkdir()
    (slides / "01-db.md").write_text(f"# Database\n\n[engine]({demo.path}#slide)\n")
    html = builder.build(
        slides_dir=slides,
        build_dir=tmp_path / "build",
        demos=[demo],
        record=True,
        settings=Settings(database_url=database_url),
    ).read_text()
    nb = nbformat.read(tmp_path / "build" / "talk.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    # The server by the name and version it gives itself: MariaDB is not "MySQL".
    server = server_name(database_url)
    assert server is not None and re.fullmatch(r"(MariaDB|MySQL|SQLite) \d+\.\d+\.\d+", server)
    assert cell.metadata.recording["backend"] == server
    assert cell.metadata.recording["returncode"] == 0, cell.outputs
    assert streams(cell, "stdout").strip()
    assert 'data-demo-id="engine-connect" data-needs-database="true"' in html
    assert re.search(rf"Recorded \S+ on {re.escape(server)}</p>", html)


def test_recording_works_from_inside_a_running_event_loop() -> None:
    """A browser driver or a server may already run a loop in the calling thread."""

    async def record_from_a_coroutine() -> recordings.Recording:
        return recordings.record([catalog.find("await-run")])["await-run"]

    recording = asyncio.run(record_from_a_coroutine())
    kinds = [kind for kind, _ in recording.streams]
    assert kinds[0] == "stdout" and kinds[-1] == "stdout" and "stderr" in kinds
    said = {k: "".join(text for kind, text in recording.streams if kind == k) for k in kinds}
    assert said["stdout"].startswith("<coroutine object something_async at 0x")
    assert said["stdout"].endswith("\nNow we're cooking with fire!\n")
    assert "coroutine 'something_async' was never awaited" in said["stderr"]


NAPPER = '''\
"""Print when it starts and ends, 1.5 s apart: long enough that two started together
overlap even when a loaded machine starts the second interpreter a second late."""
import time


def main() -> None:
    print(time.time())
    time.sleep(1.5)
    print(time.time())


if __name__ == "__main__":
    main()
'''


def test_a_timing_sensitive_demo_is_recorded_alone(toy: ToyDeck) -> None:
    for name in ("first", "timed", "last"):
        (toy.package / f"{name}.py").write_text(NAPPER)
    package = toy.package.name
    toy.demos[:] = [
        Demo("first", f"{package}.first", False),
        Demo("timed", f"{package}.timed", False, flags=frozenset({"timing_sensitive"})),
        Demo("last", f"{package}.last", False),
    ]
    toy.write(
        "01-naps.md",
        "# Naps\n\n"
        + "\n\n".join(f"## {d}\n\n{toy.link(f'{d}.py')}" for d in ("first", "timed", "last")),
    )
    build(toy, record=True)
    spans = {
        demo_id: tuple(map(float, streams(cell, "stdout").split()))
        for demo_id, cell in code_cells(toy).items()
    }
    timed_start, timed_end = spans["timed"]
    for other in ("first", "last"):
        start, end = spans[other]
        assert end <= timed_start or start >= timed_end, (other, spans)
    # The others still ran side by side: alone is for the timed one only.
    (a_start, a_end), (b_start, b_end) = spans["first"], spans["last"]
    assert a_start < b_end and b_start < a_end


@pytest.mark.fast
def test_a_recording_holds_no_path_of_the_presenters_machine() -> None:
    root, home = Path("/home/ada/talks/async"), Path("/home/ada")
    traceback = (
        '  File "/home/ada/talks/async/demos/python_async/missing_await.py", line 27\n'
        '  File "/home/ada/.pyenv/versions/3.11.7/lib/python3.11/asyncio/runners.py"\n'
    )
    assert events.portable(traceback, root, home) == (
        '  File "demos/python_async/missing_await.py", line 27\n'
        '  File "~/.pyenv/versions/3.11.7/lib/python3.11/asyncio/runners.py"\n'
    )


def test_a_recording_that_fails_ends_the_others_and_returns(
    toy: ToyDeck, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One recording raising once left the build waiting forever: asyncio.run's shutdown
    cancelled a sibling while its process was being started (CPython gh-125502)."""
    names = [f"nap{n}" for n in range(6)]
    for name in names:
        (toy.package / f"{name}.py").write_text(NAPPER)
    toy.demos[:] = [Demo(name, f"{toy.package.name}.{name}", False) for name in names]
    real_run = recordings._run

    async def failing_second(demo: Demo, settings: Settings) -> recordings.Recording:
        if demo.id == "nap1":  # fails while nap0 runs; nap2 starts in its place
            await asyncio.sleep(0.2)
            raise RuntimeError("the recording failed")
        return await real_run(demo, settings)

    monkeypatch.setattr(recordings, "_run", failing_second)
    raised: list[BaseException] = []

    def record() -> None:
        try:
            recordings.record(toy.demos)
        except RuntimeError as error:
            raised.append(error)

    worker = threading.Thread(target=record, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "record() never returned after a recording failed"
    assert [str(error) for error in raised] == ["the recording failed"]
