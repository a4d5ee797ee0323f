"""slides/claims.md: every checked claim still stands, word for word, on its slide.

An edit that changes a checked sentence fails here, naming the row: check the new
words against the row's source, then change the row with them.
"""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.fast

SLIDES = Path(__file__).resolve().parents[2] / "slides"
ROW = re.compile(
    r"^\| (?P<file>[\w/.-]+\.md) § (?P<heading>.+?) \| (?P<words>.+?) \| (?P<source>.+?) \|"
)


def rows() -> list[re.Match[str]]:
    lines = (SLIDES / "claims.md").read_text(encoding="utf-8").splitlines()
    return [m for line in lines if (m := ROW.match(line))]


def spoken(text: str) -> str:
    """Words as said: line breaks and block quotes' markers are spaces."""
    return " ".join(" ".join(re.sub(r"^> ?", "", ln) for ln in text.splitlines()).split())


def slide_text(file: str, heading: str) -> str:
    """The slide under ``heading`` (``# `` or ``## ``), up to the next ``## `` heading."""
    lines = (SLIDES / file).read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if re.sub(r"^#+ ", "", line) == heading]
    assert starts, f"{file} has no slide headed {heading!r}"
    end = next(
        (i for i in range(starts[0] + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
    )
    return "\n".join(lines[starts[0] : end])


def test_the_ledger_holds_at_least_fifty_claims_each_with_its_source() -> None:
    found = rows()
    assert len(found) >= 50
    for row in found:
        source = row["source"]
        assert "http" in source or ".py" in source or ".c" in source, row[0]


@pytest.mark.parametrize("row", rows(), ids=lambda r: f"{r['file']}:{r['words'][:30]}")
def test_each_ledger_quote_still_stands_on_its_slide(row: re.Match[str]) -> None:
    text = spoken(slide_text(row["file"], row["heading"]))
    assert spoken(row["words"]) in text, (
        f"slides/claims.md quotes {row['words']!r} from {row['file']} § {row['heading']}, "
        "which no longer says it: check the new words, then update the ledger"
    )


def test_no_note_tells_the_presenter_what_the_source_said() -> None:
    for path in sorted(SLIDES.glob("**/*.md")):
        if path.name in ("claims.md", "README.md"):
            continue
        text = path.read_text(encoding="utf-8").lower()
        assert "the source" not in text, path
