"""`talk`: the one command for the talk: list and run demos, set up the database,
build the deck, serve it with its runner, and measure it all.

A command that needs the database decides it here, once (demos.connection.choose),
and passes it on in its settings; nothing below reads or rewrites the choice.
"""

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from demos.connection import (
    DatabaseChoice,
    UnsupportedDatabase,
    choose,
    connection_failure,
    describe,
    driver_url,
    handed_down,
    sqlite_url,
    take,
)
from runner.deck import catalog
from runner.deck.slides import DeckError, suggestion
from runner.execution.events import Output
from runner.settings import PROJECT_ROOT, Settings, UnusableBuildDir, get_settings, problems


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        status = int(args.handler(args) or 0)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
        return status
    except DeckError as error:  # a mistake in a slide or demo: say where
        print(f"error: {error}", file=sys.stderr)
        return 1
    except UnsupportedDatabase as error:  # TALK_DATABASE_URL names a server we cannot use
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ValidationError as error:  # a TALK_* variable that cannot be used
        for line in problems(error):
            print(f"error: {line}", file=sys.stderr)
        return 2
    except UnusableBuildDir as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader has gone (`talk demos | head`): stop quietly, as Unix tools do, and
        # point stdout at nothing so that the interpreter's last flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talk", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demos = commands.add_parser("demos", help="list the demos in talk order")
    demos.set_defaults(handler=_list_demos)

    run = commands.add_parser("run", help="run one demo, its output streamed live")
    run.add_argument("demo_id", metavar="DEMO_ID")
    _add_sqlite_flag(run)
    run.set_defaults(handler=_run_demo)

    db = commands.add_parser("db", help="the demo database")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    init = db_commands.add_parser("init", help="create the tables and seed rows (idempotent)")
    _add_sqlite_flag(init)
    init.set_defaults(handler=_init_database)

    readme = commands.add_parser("readme", help="write the table of demos in demos/README.md")
    readme.add_argument(
        "--check", action="store_true", help="only say whether it is current (exit 1 if not)"
    )
    readme.set_defaults(handler=_write_readme)

    build = commands.add_parser("build", help="build the deck into build/index.html")
    build.add_argument(
        "--record", action="store_true", help="run every demo and store its output in the deck"
    )
    _add_sqlite_flag(build)
    build.set_defaults(handler=_build_deck)

    pdf = commands.add_parser("pdf", help="print the deck as a handout, build/talk.pdf")
    pdf.add_argument(
        "--notes", action="store_true", help="a page of speaker notes after each slide"
    )
    pdf.set_defaults(handler=_print_handout)

    serve = commands.add_parser("serve", help="serve the deck and run demos from it")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--watch", action="store_true", help="rebuild on save; open decks follow on their slide"
    )
    serve.add_argument(
        "--edit", action="store_true", help="let the slide run edited code (a URL with a token)"
    )
    serve.add_argument(
        "--seed", action="store_true", help="first make the demo tables the seed (talk db init)"
    )
    serve.add_argument(
        "--audience",
        action="store_true",
        help="let the room follow on their devices: a read-only listener on the LAN",
    )
    serve.add_argument(
        "--audience-host",
        default="0.0.0.0",
        metavar="HOST",
        help="where the audience listener binds (every IPv4 interface by default)",
    )
    serve.add_argument(
        "--audience-port",
        type=int,
        metavar="PORT",
        help="the audience listener's port (the runner's port plus one by default)",
    )
    _add_sqlite_flag(serve)
    serve.set_defaults(handler=_serve)

    pace = commands.add_parser("pace", help="the talk's time by section and slide, and why")
    pace.set_defaults(handler=_pace)

    doctor = commands.add_parser("doctor", help="the pre-flight check before going on stage")
    doctor.add_argument("--port", type=int, default=8000, help="the port talk serve will use")
    doctor.set_defaults(handler=_doctor)

    bench = commands.add_parser("bench", help="measure the runner, the build and the payoff")
    bench.add_argument("--quick", action="store_true", help="fewer repetitions")
    bench.add_argument(
        "--only",
        nargs="+",
        default=[],
        metavar="NAME",
        help="only these benchmarks (`python -m benchmarks --help` lists them)",
    )
    bench.set_defaults(handler=_bench)
    return parser


def _add_sqlite_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sqlite", action="store_true", help="use the embedded SQLite fallback instead of MySQL"
    )


def _chosen(args: argparse.Namespace) -> Settings:
    """The settings with the database this command runs on, decided once and made ready
    (on the fallback: the SQLite file seeded, and why said in one line)."""
    if getattr(args, "sqlite", False):
        choice = take(DatabaseChoice(sqlite_url(), "asked for with --sqlite"))
    else:
        choice = choose()
    return get_settings().using(choice)


def _fell_back_here(settings: Settings) -> bool:
    """Whether this command fell back to SQLite itself, seeding the file (not told to)."""
    return settings.database.fallback is not None and settings.database != handed_down()


def _list_demos(_args: argparse.Namespace) -> int:
    demos = catalog.demos()
    width = max(len(demo.id) for demo in demos)
    for demo in demos:
        if demo.problem is not None:
            print(f"{demo.id:<{width}}  [cannot run] {demo.problem}")
            continue
        database = "  [database]" if demo.needs_database else ""
        print(f"{demo.id:<{width}}  {demo.title}{database}")
    return 0


def _runner_unsupported() -> str | None:
    """One line for a system where no run can be contained (native Windows), else None."""
    from runner.execution import capabilities

    if capabilities.detect().posix:
        return None
    return (
        "error: the runner needs macOS, Linux or WSL 2 (fork and process groups); "
        "here, run a demo on its own: python -m demos.python_async.gather"
    )


def _run_demo(args: argparse.Namespace) -> int:
    if unsupported := _runner_unsupported():
        print(unsupported, file=sys.stderr)
        return 2
    demo = catalog.find(args.demo_id)
    if demo is None:
        print(
            f"error: no demo {args.demo_id!r}{suggestion(args.demo_id, catalog.ids())} "
            f"(valid ids: {', '.join(catalog.ids())})",
            file=sys.stderr,
        )
        return 2
    if demo.problem is not None:
        print(f"error: {demo.problem}", file=sys.stderr)
        return 1
    settings = _chosen(args) if demo.needs_database else get_settings()
    from runner.execution.direct import run_to_end
    from runner.execution.spec import run_spec

    run = run_to_end(run_spec(demo.module, settings), on_output=_to_terminal)
    try:
        return asyncio.run(run).code
    except KeyboardInterrupt:  # the run has ended the demo's group on its way out
        return 130


def _to_terminal(output: Output) -> None:
    stream = sys.stdout if output.stream == "stdout" else sys.stderr
    stream.write(output.text)
    stream.flush()


def _init_database(args: argparse.Namespace) -> int:
    settings = _chosen(args)
    if _fell_back_here(settings):  # the SQLite file is seeded, and that was said
        return 0
    return 0 if _seed(settings) else 1


def _seed(settings: Settings) -> bool:
    """Make the demo tables exactly the seed; one line either way, the remedy on failure."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    from runner import database

    url = driver_url(settings.database_url, asynchronous=False)
    try:
        rows = database.init(url)
    except (OperationalError, InterfaceError) as error:
        print(connection_failure(url, error), file=sys.stderr)
        return False
    print(f"seeded {rows} todo rows at {describe(url)}", flush=True)
    return True


def _write_readme(args: argparse.Namespace) -> int:
    from runner.deck import readme

    file = catalog.DEMOS_DIR / "README.md"
    if not args.check:
        changed = readme.update(file, catalog.demos())
        print(f"{'wrote' if changed else 'unchanged:'} {file}")
        return 0
    if readme.current(file, catalog.demos()) != file.read_text(encoding="utf-8"):
        print(
            f"error: {file}'s table is behind the slides; `talk readme` writes it", file=sys.stderr
        )
        return 1
    return 0


def _build_deck(args: argparse.Namespace) -> int:
    from runner.deck import builder

    settings = _chosen(args) if args.record else get_settings()
    print(f"wrote {builder.build(record=args.record, keep_budgets=True, settings=settings)}")
    return 0


def _print_handout(args: argparse.Namespace) -> int:
    from runner.deck import builder, handout, recordings
    from runner.deck.browser import BrowserMissing

    index = builder.build()
    try:
        pdf = handout.write(index.parent, notes=args.notes)
    except BrowserMissing as error:
        print(f"error: talk pdf prints with a browser: {error}", file=sys.stderr)
        return 1
    except handout.HandoutError as error:
        print(f"error: the handout would hide or overlap content: {error}", file=sys.stderr)
        return 1
    print(f"wrote {pdf}")
    kept = recordings.load(index.parent)
    demos = catalog.demos()
    unrecorded = [d for d in demos if recordings.current(kept, d) is None]
    if unrecorded:
        what = (
            "no outputs"
            if len(unrecorded) == len(demos)
            else (f"no output for {len(unrecorded)} of its {len(demos)} demos")
        )
        print(
            f"note: the handout shows {what} (not recorded); "
            "`talk build --record`, then `talk pdf`, adds them",
            file=sys.stderr,
        )
    return 0


def _serve(args: argparse.Namespace) -> int:
    if unsupported := _runner_unsupported():
        print(unsupported, file=sys.stderr)
        return 2
    from runner.service import server

    settings = _chosen(args)
    if not _fell_back_here(settings) and args.seed:
        _seed(settings)  # a server that cannot be seeded is said in one line; served anyway
    from runner.service.audience_server import AudiencePortError

    try:
        return server.serve(
            settings,
            host=args.host,
            port=args.port,
            open_browser=not args.no_browser,
            watch=args.watch,
            edit=args.edit,
            audience_at=_audience_at(args),
        )
    except AudiencePortError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _audience_at(args: argparse.Namespace) -> tuple[str, int] | None:
    if not args.audience:
        return None
    return args.audience_host, args.audience_port or args.port + 1


def _pace(_args: argparse.Namespace) -> int:
    from runner.deck import pace_report
    from runner.deck.builder import ASSETS_DIR

    build_dir = get_settings().build_dir
    for line in pace_report.report(catalog.SLIDES_DIR, catalog.demos(), ASSETS_DIR, build_dir):
        print(line)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from runner import doctor

    return doctor.main(args.port, _chosen(args))


def _bench(args: argparse.Namespace) -> int:
    """`python -m benchmarks`, run as a tool: the engine imports nothing of the tools."""
    import subprocess

    command = [sys.executable, "-m", "benchmarks", *(["--quick"] if args.quick else [])]
    if args.only:
        command += ["--only", *args.only]
    return subprocess.call(command, cwd=PROJECT_ROOT)


if __name__ == "__main__":
    sys.exit(main())
