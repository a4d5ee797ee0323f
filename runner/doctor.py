"""`talk doctor`: the pre-flight check before going on stage.

Each check answers one question a presenter would otherwise find out in front of
an audience: does the database answer, and is it seeded (and which server is
it)? Does every demo run, and finish inside its slide's share of the time? Do
the recordings show the code as it is now? Is the deck built from the current
sources, is the port free, and is nothing fetched from the network? Every
problem is one line with its remedy; the exit status is 0 only when there is none.
"""

import asyncio
import re
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from demos.connection import REMEDY, configured_server, describe, driver_url
from demos.seed import SEED_STEPS, SEED_TODOS
from demos.sqlalchemy_async.models import Step, Todo
from runner import database
from runner.deck import catalog, identity, plan, recordings, sources
from runner.deck.builder import ASSETS_DIR
from runner.deck.demo import Demo
from runner.deck.exporter import DEFAULT_TIMING_S
from runner.deck.slides import DeckError
from runner.execution import capabilities
from runner.execution.direct import run_to_end
from runner.execution.events import Output
from runner.execution.spec import run_spec
from runner.service.security import is_loopback
from runner.settings import Settings, get_settings

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# What makes a browser fetch: links to elsewhere (<a href>) are only followed if clicked.
_LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}


@dataclass(frozen=True)
class Timing:
    demo: Demo
    budget_s: int
    elapsed_s: float | None  # None: not run (no database)
    code: int | None
    last_line: str = ""

    @property
    def status(self) -> str:
        if self.elapsed_s is None:
            return "not run"
        if self.code is None:
            return "over budget (stopped)"
        if self.code != 0:
            return f"exit {self.code}"
        # Budgets are whole seconds: a slide without notes whose run is quick gets 0.
        return "over budget" if self.elapsed_s > max(self.budget_s, 1) else "ok"


@dataclass
class Report:
    notes: list[str]
    problems: list[str]
    timings: list[Timing]
    warnings: list[str] = field(default_factory=list)

    def ok(self, note: str) -> None:
        self.notes.append(note)

    def warn(self, what: str, remedy: str) -> None:
        """Something the talk works without, that a presenter should know before the day."""
        self.warnings.append(f"warning: {what}; {remedy}")

    def problem(self, what: str, remedy: str) -> None:
        self.problems.append(f"problem: {what}; {remedy}")


def examine(
    *,
    slides_dir: Path = catalog.SLIDES_DIR,
    demos_dir: Path = catalog.DEMOS_DIR,
    build_dir: Path | None = None,
    port: int = 8000,
    settings: Settings | None = None,
) -> Report:
    """Every check, in the order a presenter would fix them, on the database settings carry."""
    settings = settings or get_settings()
    build_dir = build_dir or settings.build_dir
    report = Report([], [], [])
    report.ok(f"containment: {capabilities.detect().containment}")
    try:
        found = catalog.read(slides_dir, demos_dir)
    except DeckError as error:
        report.problem(str(error), "fix that line, then run `talk doctor` again")
        return report
    for problem in found.problems:
        report.problem(str(problem), "fix that line, then run `talk doctor` again")
    for marked in (demo for demo in found.demos if demo.problem is not None):
        report.problem(
            f"demo {marked.id} cannot run: {marked.problem}",
            "fix that line; every other demo runs meanwhile",
        )
    demos = found.demos
    _check_identity(report, slides_dir)
    database_ok = _check_database(report, settings)
    _check_deck(report, build_dir, slides_dir, demos_dir)
    _check_recordings(report, build_dir, [d for d in demos if d.problem is None])
    _check_port(report, port)
    try:  # each demo's slide budget, as the build gives it: asked of pacing, never parsed
        budgets = plan.planned(slides_dir, demos, ASSETS_DIR, build_dir).demos_s
    except DeckError as error:
        report.problem(str(error), "fix that line, then run `talk doctor` again")
        return report
    for demo in (demo for demo in demos if demo.problem is None):  # marked: named above
        budget = budgets.get(demo.id, DEFAULT_TIMING_S)
        if demo.needs_database and not database_ok:
            report.timings.append(Timing(demo, budget, None, None))
            continue
        timing = _time_demo(demo, budget, settings)
        report.timings.append(timing)
        if timing.status.startswith("over budget"):
            report.problem(
                f"demo {demo.id} took {timing.elapsed_s:.1f} s, over its slide's {budget} s",
                "shorten the demo, or record it again (`talk build --record`): a slide's "
                "time is its notes plus its demo's recorded run",
            )
        elif timing.status != "ok":
            report.problem(
                f"demo {demo.id} exited {timing.code}: {timing.last_line}",
                f"run `talk run {demo.id}` to see all of it",
            )
    return report


def _check_identity(report: Report, slides_dir: Path) -> None:
    """The title and closing slides say who gives the talk, when and where (talk.toml)."""
    try:
        left = identity.load(slides_dir).placeholders
    except DeckError as error:
        report.problem(str(error), "fix that line, then run `talk doctor` again")
        return
    if left:
        report.warn(
            f"{identity.FILE_NAME} still has placeholders ({', '.join(left)})",
            f"fill them in {slides_dir / identity.FILE_NAME}: the title and closing "
            "slides leave them out until then",
        )


def _check_database(report: Report, settings: Settings) -> bool:
    url = driver_url(settings.database_url, asynchronous=False)
    fallback = settings.database.fallback
    explicit = configured_server() is not None and fallback is None
    health = database.probe(url, timeout_s=2)
    if not health.reachable:
        report.problem(f"the database at {health.url} does not answer: {health.error}", REMEDY)
        return False
    try:
        server, todos, steps = _inspect(url)
    except SQLAlchemyError as error:
        reason = " ".join(str(getattr(error, "orig", error)).split())
        report.problem(
            f"the database at {describe(url)} is not seeded ({reason})", "run `talk db init`"
        )
        return False
    if (todos, steps) != (len(SEED_TODOS), len(SEED_STEPS)):
        report.problem(
            f"the database at {describe(url)} holds {todos} todos and {steps} steps, "
            f"not the seed's {len(SEED_TODOS)} and {len(SEED_STEPS)}",
            "run `talk db init`",
        )
        return False
    how = "named by TALK_DATABASE_URL" if explicit else "the talk's default"
    if fallback is not None:
        how = f"the embedded fallback: {fallback}"
    report.ok(f"database: {server} at {describe(url)}, seeded ({how})")
    if url.host and not is_loopback(url.host):
        report.problem(
            f"the database is on {url.host}, across the network",
            "use a server on this machine (docker compose up -d mysql) or --sqlite",
        )
    return True


def _inspect(url: URL) -> tuple[str, int, int]:
    """Which server this is (kind and version), and how many seed rows it holds."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if url.get_backend_name() == "sqlite":
                server = f"SQLite {conn.execute(text('SELECT sqlite_version()')).scalar()}"
            else:
                version = str(conn.execute(text("SELECT VERSION()")).scalar())
                kind = "MariaDB" if "mariadb" in version.lower() else "MySQL"
                server = f"{kind} {version.split('-')[0]}"
            todos = conn.execute(select(func.count()).select_from(Todo)).scalar_one()
            steps = conn.execute(select(func.count()).select_from(Step)).scalar_one()
    finally:
        engine.dispose()
    return server, todos, steps


def _check_deck(report: Report, build_dir: Path, slides_dir: Path, demos_dir: Path) -> None:
    index = build_dir / "index.html"
    if not index.is_file():
        report.problem(f"there is no deck at {index}", "run `talk build`")
        return
    newer = sources.newer_than(index, sources.roots(slides_dir=slides_dir, demos_dir=demos_dir))
    if newer:
        report.problem(f"the deck is older than {newer[0]}", "run `talk build`")
    else:
        report.ok(f"deck: {index} is up to date")
    if remote := _read_page(index).remote:
        report.problem(
            f"the deck loads {remote[0]} from the network",
            "serve it from build/ (assets/, node_modules), never from a CDN",
        )
    else:
        report.ok("network: the deck loads nothing from elsewhere")


def _check_recordings(report: Report, build_dir: Path, demos: Sequence[Demo]) -> None:
    """Without a current recording a slide shows an empty output box until Run, and the
    static copy and the handout show none: worth a warning, not a refusal."""
    kept = recordings.load(build_dir)
    stale = [d.id for d in demos if d.id in kept and recordings.current(kept, d) is None]
    missing = [d.id for d in demos if d.id not in kept]
    report.ok(f"recordings: {len(demos) - len(stale) - len(missing)} of {len(demos)} current")
    remedy = "`talk build --record` records them (the static deck and `talk pdf` show them)"
    if missing:
        report.warn(f"no recording of {_some(missing)}", remedy)
    if stale:
        report.warn(f"the recordings of {_some(stale)} show older code than the demo files", remedy)


def _some(ids: Sequence[str]) -> str:
    return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")


def _check_port(report: Report, port: int) -> None:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            report.problem(
                f"port {port} is in use",
                f"stop what listens there, or `talk serve --port {port + 1}`",
            )
            return
    report.ok(f"port: {port} is free")


class _DeckPage(HTMLParser):
    """What the built page loads from afar."""

    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        loaded = values.get(_LOADS.get(tag, ""))
        if loaded and _REMOTE.match(loaded):
            self.remote.append(loaded)


def _read_page(index: Path) -> _DeckPage:
    page = _DeckPage()
    if index.is_file():
        page.feed(index.read_text(encoding="utf-8"))
    return page


def _time_demo(demo: Demo, budget_s: int, settings: Settings) -> Timing:
    """Run the demo through the runner's own run path, stopped once well over budget."""
    errors: list[str] = []

    def keep_errors(output: Output) -> None:
        if output.stream == "stderr":
            errors.append(output.text)

    end = asyncio.run(
        run_to_end(
            run_spec(demo.module, settings, timeout_s=budget_s * 2 + 1), on_output=keep_errors
        )
    )
    if end.timed_out:
        return Timing(demo, budget_s, end.elapsed_s, None)
    lines = "".join(errors).strip().splitlines()
    return Timing(demo, budget_s, end.elapsed_s, end.code, lines[-1] if lines else "")


def render(report: Report) -> str:
    width = max([len(t.demo.id) for t in report.timings] + [4])
    rows = [f"{'demo':<{width}}  budget  measured  status"]
    for t in report.timings:
        measured = "-" if t.elapsed_s is None else f"{t.elapsed_s:.2f} s"
        rows.append(f"{t.demo.id:<{width}}  {t.budget_s:>4} s  {measured:>8}  {t.status}")
    return "\n".join([*report.notes, "", *rows, "", *report.warnings, *report.problems])


def main(port: int, settings: Settings) -> int:
    report = examine(port=port, settings=settings)
    print(render(report))
    if report.problems:
        print(f"{len(report.problems)} problem(s): fix them before going on stage", file=sys.stderr)
        return 1
    print("all well: ready to go on stage")
    return 0
