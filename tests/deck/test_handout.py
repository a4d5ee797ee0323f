"""`talk pdf`: the handout has one page per slide (a page of notes after each with
--notes), holds every demo's recorded output marked as recorded, and is refused when
a slide would print with a box cut off or over another."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from runner.deck import builder, catalog, handout, identity, recordings
from tests.harness.toy_deck import ToyDeck

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory: pytest.TempPathFactory, recorded_talk: Path) -> Path:
    """The talk, recorded: the handout prints what each demo printed.

    A copy, since `talk pdf` rebuilds the deck and writes the PDF into its build folder.
    """
    return Path(shutil.copytree(recorded_talk, tmp_path_factory.mktemp("handout") / "build"))


def identity_note() -> str:
    """What `talk pdf`'s build says first while the talk's slides/talk.toml keeps
    placeholders (runner.deck.identity): exactly that line, or nothing once filled in."""
    note = identity.load(catalog.SLIDES_DIR).note()
    return f"{note}\n" if note else ""


def run_talk_pdf(
    build_dir: Path, *flags: str, status: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """`talk pdf` as a presenter runs it, into this build directory."""
    done = subprocess.run(
        [sys.executable, "-m", "runner.cli", "pdf", *flags],
        env={**os.environ, "TALK_BUILD_DIR": str(build_dir), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == status, done.stderr
    if status:
        return done
    assert done.stdout.strip() == f"wrote {build_dir / 'talk.pdf'}"
    return done


def talk_pdf(build_dir: Path, *flags: str) -> Path:
    done = run_talk_pdf(build_dir, *flags)
    # every demo recorded: nothing to say but the identity's placeholders, if any
    assert done.stderr == identity_note(), done.stderr
    return build_dir / "talk.pdf"


def test_talk_chromium_names_the_browser_it_prints_with(
    tmp_path: Path, chromium_path: Path
) -> None:
    builder.build(build_dir=tmp_path)
    run_talk_pdf(tmp_path, TALK_CHROMIUM=str(chromium_path))
    assert pages(tmp_path / "talk.pdf") == slide_count(tmp_path)

    missing = tmp_path / "no-such-browser"
    done = run_talk_pdf(tmp_path, status=1, TALK_CHROMIUM=str(missing))
    assert done.stderr.startswith(identity_note())
    (line,) = done.stderr.removeprefix(identity_note()).splitlines()
    assert line.startswith(f"error: talk pdf prints with a browser: TALK_CHROMIUM={missing}")


def test_without_recordings_the_handout_says_in_one_line_how_to_add_outputs(
    tmp_path: Path,
) -> None:
    builder.build(build_dir=tmp_path)
    done = run_talk_pdf(tmp_path)
    assert pages(tmp_path / "talk.pdf") == slide_count(tmp_path)
    assert done.stderr == identity_note() + (
        "note: the handout shows no outputs (not recorded); "
        "`talk build --record`, then `talk pdf`, adds them\n"
    )


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)[1])  # type: ignore[index]


def slide_count(build_dir: Path) -> int:
    nb = nbformat.read(build_dir / "talk.ipynb", as_version=4)
    return sum(c.metadata.slideshow.slide_type in ("slide", "subslide") for c in nb.cells)


def squeezed(text: str) -> str:
    """Text without whitespace: a word the page wrapped still matches."""
    return re.sub(r"\s+", "", text)


def test_one_page_per_slide_with_every_recorded_output_marked(
    build_dir: Path, tmp_path: Path
) -> None:
    pdf = talk_pdf(build_dir)
    assert pages(pdf) == slide_count(build_dir)
    text = squeezed(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    kept = recordings.load(build_dir)
    assert kept
    # Word by word: where code and output sit side by side, a line's words come apart.
    missing = {
        demo_id: word
        for demo_id, recording in kept.items()
        for name, output in recording.streams
        if name == "stdout"
        for word in output.split()
        # pdftotext drops a hyphen that ends a wrapped row (as a word's hyphenation):
        # a long path wrapped after "talk-" reads "talksqlite0"
        if word.replace("-", "") not in text.replace("-", "")
    }
    assert missing == {}
    assert text.count("Recorded20") == len(kept)
    # Every page renders; what is on it was checked for overlap in the page before printing.
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == pages(pdf)


def test_with_notes_each_slide_is_followed_by_its_notes(build_dir: Path) -> None:
    pdf = talk_pdf(build_dir, "--notes")
    assert pages(pdf) == 2 * slide_count(build_dir)  # every slide of the talk has notes


def test_a_slide_that_cannot_fit_is_refused_by_name(toy: ToyDeck) -> None:
    long = "".join(f"print({n})\n" for n in range(60))
    (toy.package / "counter.py").write_text(f'"""Sixty lines."""\n{long}')
    toy.write(
        "01-only.md",
        f"# Only\n\n## Too long\n\n{toy.link('counter.py')}\n\n{toy.link('hello.py')}\n",
    )
    index = builder.build(slides_dir=toy.slides, build_dir=toy.build_dir, demos=toy.demos)
    with pytest.raises(handout.HandoutError, match='"Too long": nothing fits its code'):
        handout.write(index.parent)
