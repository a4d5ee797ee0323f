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
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from demos.catalog import Demo
from demos.connection import ENV_VAR
from runner.database import server_name
from runner.settings import get_settings

CACHE_NAME = "recordings.json"
_BACKENDS = {"mysql": "MySQL", "mariadb": "MariaDB", "sqlite": "SQLite"}


@dataclass(frozen=True)
class Recording:
    streams: list[tuple[str, str]]  # ("stdout" | "stderr", text), in the order printed
    date: str  # ISO 8601, UTC
    backend: str
    returncode: int
    source_sha256: str

    @property
    def day(self) -> str:
        return self.date[:10]


def fingerprint(demo: Demo) -> str:
    return hashlib.sha256(demo.path.read_bytes()).hexdigest()


def backend(demo: Demo) -> str:
    """What the recording ran on: the database server's kind, or Python for the rest."""
    if not demo.needs_database:
        return f"Python {sys.version_info.major}.{sys.version_info.minor}"
    return _server(os.environ.get(ENV_VAR) or get_settings().database_url)


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


def record(demos: Sequence[Demo]) -> dict[str, Recording]:
    """Run each demo once and keep what it printed.

    Demos without a database run side by side; database demos run one after
    another in talk order, because they share tables (one creates what the next reads).
    Timing-sensitive demos run last, each alone, so no other run skews what they time.
    The runs get an event loop of their own on a worker thread, so a caller that is
    itself inside a running loop (a server, a browser test driver) can record too.
    """
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _record_all(demos)).result()


async def _record_all(demos: Sequence[Demo]) -> dict[str, Recording]:
    settings = get_settings()
    slots = asyncio.Semaphore(max(os.cpu_count() or 1, 1))

    async def alone(demo: Demo) -> Recording:
        async with slots:
            return await _run(demo, settings.run_timeout_s, settings.output_cap_bytes)

    async def one_by_one(some: Sequence[Demo]) -> list[Recording]:
        return [await _run(d, settings.run_timeout_s, settings.output_cap_bytes) for d in some]

    shared = [d for d in demos if not d.timing_sensitive]
    lane = [d for d in shared if d.needs_database]
    free = [d for d in shared if not d.needs_database]
    lane_runs, free_runs = await asyncio.gather(
        one_by_one(lane), asyncio.gather(*(alone(d) for d in free))
    )
    timed = [d for d in demos if d.timing_sensitive]
    results = dict(zip([d.id for d in lane], lane_runs, strict=True))
    results.update(zip([d.id for d in free], free_runs, strict=True))
    results.update(zip([d.id for d in timed], await one_by_one(timed), strict=True))
    return {demo.id: results[demo.id] for demo in demos}


async def _run(demo: Demo, timeout_s: float, cap_bytes: int) -> Recording:
    sha = fingerprint(demo)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(_import_roots(demo))}
    # A session of its own, so a timeout can kill the demo and anything it started.
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-u",
        "-m",
        demo.module,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        start_new_session=True,
        limit=cap_bytes,
    )
    streams: list[tuple[str, str]] = []
    budget = [cap_bytes]

    async def pump(name: str, reader: asyncio.StreamReader) -> None:
        # Both pipes are read while the demo runs, so a full pipe never stalls it.
        while line := await reader.readline():
            if budget[0] > 0:
                budget[0] -= len(line)
                streams.append((name, line.decode("utf-8", "replace")))

    assert process.stdout is not None and process.stderr is not None
    try:
        await asyncio.wait_for(
            asyncio.gather(
                pump("stdout", process.stdout), pump("stderr", process.stderr), process.wait()
            ),
            timeout_s,
        )
    except TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        streams.append(("stderr", f"(stopped after {timeout_s:g} s)\n"))
    return Recording(_merged(streams), started, backend(demo), process.returncode or 0, sha)


def _merged(streams: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of lines from one stream as one piece, as nbformat's stream outputs hold them."""
    merged: list[tuple[str, str]] = []
    for name, text in streams:
        if merged and merged[-1][0] == name:
            merged[-1] = (name, merged[-1][1] + text)
        else:
            merged.append((name, text))
    return merged


def _import_roots(demo: Demo) -> list[str]:
    """Where the demo's top package lives, ahead of any PYTHONPATH already set."""
    root = demo.path.resolve().parents[demo.module.count(".")]
    existing = os.environ.get("PYTHONPATH", "")
    return [str(root), *filter(None, existing.split(os.pathsep))]
