"""Recorded demo output: what each demo printed at build time, kept for the deck.

``talk build --record`` runs every demo once and stores its stdout and stderr, so
the deck still shows real output when the room has no database. A small cache
file beside the build keeps recordings across plain rebuilds, each valid only
while its demo file is byte for byte the one that was run.
"""

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from runner.database import server_name
from runner.deck.demo import Demo
from runner.execution.direct import run_to_end
from runner.execution.events import portable
from runner.execution.spec import run_spec
from runner.settings import PROJECT_ROOT, Settings, get_settings

CACHE_NAME = "recordings.json"
_BACKENDS = {"mysql": "MySQL", "mariadb": "MariaDB", "sqlite": "SQLite"}


@dataclass(frozen=True)
class Recording:
    streams: list[tuple[str, str]]  # ("stdout" | "stderr", text), in the order printed
    date: str  # ISO 8601, UTC
    backend: str
    returncode: int
    source_sha256: str
    elapsed_s: float = 0.0  # how long the run took: the slide's share of the talk's time


def fingerprint(demo: Demo) -> str:
    return hashlib.sha256(demo.path.read_bytes()).hexdigest()


def backend(demo: Demo, settings: Settings) -> str:
    """What the recording ran on: the database server's kind, or Python for the rest."""
    if not demo.needs_database:
        return f"Python {sys.version_info.major}.{sys.version_info.minor}"
    return _server(settings.database_url)


_SERVERS: dict[str, str] = {}


def _server(url: str) -> str:
    """The server by the name and version it gives itself, asked once per URL.

    A server that does not answer is named by its URL's kind, and asked again next time.
    """
    if url not in _SERVERS:
        answered = server_name(url)
        if answered is None:
            kind = make_url(url).get_backend_name()
            return _BACKENDS.get(kind, kind)
        _SERVERS[url] = answered
    return _SERVERS[url]


def load(build_dir: Path) -> dict[str, Recording]:
    """The recordings of earlier builds; none when there were none (or the file is damaged)."""
    try:
        stored = json.loads((build_dir / CACHE_NAME).read_text(encoding="utf-8"))
        return {
            demo_id: Recording(**{**fields, "streams": [tuple(s) for s in fields["streams"]]})
            for demo_id, fields in stored.items()
        }
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def save(build_dir: Path, recordings: dict[str, Recording]) -> None:
    text = json.dumps({k: asdict(v) for k, v in sorted(recordings.items())}, indent=1)
    (build_dir / CACHE_NAME).write_text(text + "\n", encoding="utf-8")


def current(recordings: dict[str, Recording], demo: Demo) -> Recording | None:
    """The demo's recording, if it was made from the demo file as it is now."""
    recording = recordings.get(demo.id)
    if recording is None or recording.source_sha256 != fingerprint(demo):
        return None
    return recording


def record(demos: Sequence[Demo], settings: Settings | None = None) -> dict[str, Recording]:
    """Run each demo once, as ``talk run`` and the runner do, and keep what it printed.

    The runs get an event loop of their own on a worker thread, so a caller that is
    itself inside a running loop (a server, a browser test driver) can record too.
    """
    settings = settings or get_settings()
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _record_all(demos, settings)).result()


async def _record_all(demos: Sequence[Demo], settings: Settings) -> dict[str, Recording]:
    """Every demo's recording, in the order given; none of a demo marked as unable to run.

    Demos run side by side, the database demos too: they only read the seeded tables
    (create-tables finds them there). Demos that print a timing, or write rows others
    read, run last, one at a time, so nothing else skews what they show.
    """
    slots = asyncio.Semaphore(max(os.cpu_count() or 1, 1))
    results: dict[str, Recording] = {}

    async def side_by_side(demo: Demo) -> None:
        async with slots:
            results[demo.id] = await _run(demo, settings)

    runnable = [demo for demo in demos if demo.problem is None]  # marked: its slide says why
    together = [asyncio.ensure_future(side_by_side(d)) for d in runnable if not d.runs_alone]
    try:
        await asyncio.gather(*together)
    except BaseException:
        # One recording failed: end the others here, not in asyncio.run's shutdown,
        # which cancels every task at once, those still starting a process included.
        for task in together:
            task.cancel()
        await asyncio.gather(*together, return_exceptions=True)
        raise
    for demo in (d for d in runnable if d.runs_alone):
        results[demo.id] = await _run(demo, settings)
    return {demo.id: results[demo.id] for demo in runnable}


async def _run(demo: Demo, settings: Settings) -> Recording:
    sha = fingerprint(demo)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    streams: list[tuple[str, str]] = []
    end = await run_to_end(
        run_spec(demo.module, settings, import_path=[_import_root(demo)]),
        on_output=lambda output: streams.append(
            (output.stream, portable(output.text, PROJECT_ROOT))
        ),
    )
    return Recording(
        _merged(streams), started, backend(demo, settings), end.code, sha, round(end.elapsed_s, 2)
    )


def _merged(streams: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of lines from one stream as one piece, as nbformat's stream outputs hold them."""
    merged: list[tuple[str, str]] = []
    for name, text in streams:
        if merged and merged[-1][0] == name:
            merged[-1] = (name, merged[-1][1] + text)
        else:
            merged.append((name, text))
    return merged


def _import_root(demo: Demo) -> str:
    """Where the demo's top package lives (a toy deck's may be anywhere)."""
    return str(demo.path.resolve().parents[demo.module.count(".")])
