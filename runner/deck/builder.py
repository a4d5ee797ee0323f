"""`talk build`: slides/*.md -> build/talk.ipynb -> build/index.html, a deck that works offline.

The Markdown is read into cells (runner.deck.slides), the cells become a notebook
(runner.deck.notebook), and nbconvert renders it with our template (runner.deck.exporter).
The page loads only files copied beside it: our assets and reveal.js from
node_modules, so nothing is fetched from the network while presenting.
"""

import shutil
from collections.abc import Sequence
from pathlib import Path

from demos import catalog
from demos.catalog import Demo
from runner.deck import identity, pacing, readme, recordings
from runner.deck.notebook import notebook, write
from runner.deck.slides import Deck, DeckError, Location, read, section_files
from runner.settings import PROJECT_ROOT, Settings, get_settings

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
) -> Path:
    """Build the deck and return the path of its index.html.

    ``demos`` are the demos the slides must show, each exactly once; links to
    anything else fail the build. Without them, the demos are the modules under
    ``demos_dir`` the slides link to, and the table in its README.md is rewritten.
    ``record`` runs them all first and keeps their output in the deck; otherwise
    outputs recorded earlier are reused for every demo whose file has not changed since.

    Raises DeckError (``file:line: sentence``) for any mistake in the slides.
    """
    settings = settings or get_settings()
    target = build_dir or settings.build_dir
    discovered = demos is None
    demos = catalog.discover(slides_dir, demos_dir) if demos is None else demos
    deck = read(section_files(slides_dir), demos, assets_dir)
    if discovered:
        readme.update(demos_dir / "README.md", demos)
    _check_reveal()
    target.mkdir(parents=True, exist_ok=True)
    kept = recordings.load(target)
    if record:
        kept.update(recordings.record(_shown(deck), settings))
        recordings.save(target, kept)
    valid = {d.id: r for d in demos if (r := recordings.current(kept, d)) is not None}
    pace = pacing.pace(deck, valid)
    pacing.check(pace, identity.slot(slides_dir), slides_dir)
    nb = notebook(deck, valid, identity.load(slides_dir), pace.total_s)
    write(nb, str(target / "talk.ipynb"))

    from runner.deck.exporter import exporter  # nbconvert takes a third of a second to import

    html, resources = exporter().from_notebook_node(nb)
    index = target / "index.html"
    index.write_text(html, encoding="utf-8")
    # nbconvert hands over the code highlighting's CSS to inline; the page links it instead.
    highlight = "\n".join(resources["inlining"]["css"])
    (target / "highlight.css").write_text(highlight, encoding="utf-8")
    _copy_files(deck, assets_dir, target)
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
