"""`talk build`: slides/*.md -> build/talk.ipynb -> build/index.html, a deck that works offline.

The Markdown is read into cells (runner.deck.slides), the cells become a notebook
(runner.deck.notebook), and nbconvert renders it with our template (runner.deck.exporter).
The page loads only files copied beside it: our assets and reveal.js from
node_modules, so nothing is fetched from the network while presenting.
"""

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from runner.deck import budgets, catalog, identity, pacing, plan, recordings
from runner.deck.demo import Demo
from runner.deck.notebook import notebook, write
from runner.deck.slides import Deck, DeckError, Location, check_code_size, read, section_files
from runner.settings import PROJECT_ROOT, Settings, get_settings, writable_build_dir

__all__ = ["DeckError", "build"]

SLIDES_DIR = PROJECT_ROOT / "slides"
ASSETS_DIR = PROJECT_ROOT / "assets"
REVEAL_DIR = PROJECT_ROOT / "node_modules" / "reveal.js"
# What the page loads from reveal.js, and its licence, which travels with it. The speaker
# view's page is inside notes.js; its copy here is what the runner hashes for its CSP.
REVEAL_FILES = (
    "dist/reveal.css",
    "dist/reveal.js",
    "plugin/notes/notes.js",
    "plugin/notes/speaker-view.html",
    "LICENSE",
)


def build(
    *,
    record: bool = False,
    slides_dir: Path = SLIDES_DIR,
    build_dir: Path | None = None,
    demos: Sequence[Demo] | None = None,
    demos_dir: Path = catalog.DEMOS_DIR,
    assets_dir: Path = ASSETS_DIR,
    settings: Settings | None = None,
    keep_budgets: bool = False,
) -> Path:
    """Build the deck and return the path of its index.html.

    ``demos`` are the demos the slides must show, each exactly once; links to
    anything else fail the build. Without them, the demos are the modules under
    ``demos_dir`` the slides link to. ``record`` runs them all first and keeps their
    output in the deck; otherwise outputs recorded earlier are reused for every demo
    whose file has not changed since. The slides of demos without a recording reserve
    room for what ``demos_dir``'s budget file says each prints (runner.deck.budgets).

    The build reads its inputs and writes only under the build folder, with one
    exception asked for by name: ``keep_budgets`` with ``record`` rewrites the budget
    file (`talk build --record`; a test's recordings leave the repository's file
    alone). The table of demos/README.md is `talk readme`'s.

    Raises DeckError (``file:line: sentence``) for any mistake in the slides, and
    UnusableBuildDir (one line) for a build folder that cannot be written.
    """
    settings = settings or get_settings()
    target = build_dir or settings.build_dir
    if demos is None:
        found = catalog.read(slides_dir, demos_dir)
        if found.problems:  # the build is strict; only a marked demo's slide says its own
            raise found.problems[0]
        demos = found.demos
    deck = read(section_files(slides_dir), demos, assets_dir)
    _check_reveal()
    writable_build_dir(target)
    kept = recordings.load(target)
    if record:
        made = recordings.record(_shown(deck), settings)
        kept.update(made)
        recordings.save(target, kept)
        if keep_budgets:
            budgets.update(demos_dir / budgets.FILE_NAME, made)
    valid = {d.id: r for d in demos if (r := recordings.current(kept, d)) is not None}
    kept_budgets = budgets.load(demos_dir / budgets.FILE_NAME)
    printed = pacing.lines_printed(kept_budgets)
    model = plan.paced_model(deck, valid, printed, slides_dir)
    pace = pacing.pace(deck, valid, printed, model)
    talk_slot = identity.slot(slides_dir)
    if talk_slot.minutes is not None:
        check_code_size(deck.cells)
    pacing.check(pace, talk_slot, slides_dir)
    talk = identity.load(slides_dir)
    nb = notebook(deck, valid, talk, pace.total_s, kept_budgets)
    write(nb, str(target / "talk.ipynb"))

    from runner.deck.exporter import exporter  # nbconvert takes a third of a second to import

    html, resources = exporter().from_notebook_node(nb)
    index = target / "index.html"
    index.write_text(html, encoding="utf-8")
    # nbconvert hands over the code highlighting's CSS to inline; the page links it instead.
    highlight = "\n".join(resources["inlining"]["css"])
    (target / "highlight.css").write_text(highlight, encoding="utf-8")
    _copy_files(deck, assets_dir, target)
    if note := talk.note():
        print(note, file=sys.stderr)
    return index


def _shown(deck: Deck) -> list[Demo]:
    """The demos in the order the slides show them, which is the order they are recorded in."""
    return [cell.demo.demo for cell in deck.cells if cell.demo is not None]


def _check_reveal() -> None:
    if not (REVEAL_DIR / "dist" / "reveal.js").is_file():
        raise DeckError(
            Location(PROJECT_ROOT / "package.json", 1),
            "reveal.js is not installed in node_modules; run `npm ci`",
        )


def _copy_files(deck: Deck, assets_dir: Path, target: Path) -> None:
    if assets_dir.is_dir():
        shutil.copytree(assets_dir, target / "assets", dirs_exist_ok=True)
    for source, url in deck.pictures.items():
        if not url.startswith("assets/"):
            _copy(source, target / url)
    for name in REVEAL_FILES:
        _copy(REVEAL_DIR / name, target / "reveal.js" / name)


def _copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, destination)
