"""The deck as a Jupyter notebook: the slides' cells with reveal.js slideshow metadata.

The notebook is the build's one intermediate form: it opens in Jupyter, and
nbconvert turns it into the HTML deck. Cell ids are derived from positions, so
an unchanged talk builds into an identical notebook. Cells are plain dicts, not
nbformat's ``new_*_cell``, which validate each cell on its own: the notebook is
validated once, when it is written, and that is a third of a warm build saved.
"""

from collections.abc import Mapping

import nbformat
from nbformat import NotebookNode, from_dict

from runner.deck import excerpts
from runner.deck.budgets import Budgets
from runner.deck.identity import Identity
from runner.deck.recordings import Recording
from runner.deck.slides import Cell, Deck


def notebook(
    deck: Deck,
    recordings: Mapping[str, Recording],
    identity: Identity | None = None,
    total_s: int | None = None,
    budgets: Budgets | None = None,
) -> NotebookNode:
    """The notebook of the deck, with each demo's recording (if any) as its output, and
    the output budget (runner.deck.budgets) of each demo that has none.

    The talk's identity goes in the metadata, and the first and closing slides are
    marked to show it; the closing slide is the last before the appendix, whose
    cells are marked as such. ``total_s`` is the core path's time
    (runner.deck.pacing), handed on to the exporter as the talk's length.
    """
    title = deck.cells[0].source.splitlines()[0].lstrip("#").strip()
    openings = [
        i
        for i, cell in enumerate(deck.cells)
        if cell.slide_type in ("slide", "subslide") and not cell.in_appendix
    ]
    nb = from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "title": title,
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                "language_info": {"name": "python", "pygments_lexer": "python3"},
            },
            "cells": [
                _cell(index, cell, recordings, budgets or {})
                for index, cell in enumerate(deck.cells)
            ],
        }
    )
    if total_s is not None:
        nb.metadata["pacing"] = {"total_s": total_s}
    nb.cells[openings[-1]].metadata["closing"] = True
    if identity is not None:
        nb.metadata["talk"] = identity.as_metadata()
        for index in {openings[0], openings[-1]}:
            nb.cells[index].metadata["identity"] = True
    return nb


def write(nb: NotebookNode, path: str) -> None:
    """Write the notebook; nbformat validates it on the way, so a bad one never lands."""
    nbformat.write(nb, path, version=4)


def _cell(
    index: int, cell: Cell, recordings: Mapping[str, Recording], budgets: Budgets
) -> NotebookNode:
    slideshow: dict[str, object] = {"slide_type": cell.slide_type}
    if cell.timing_s is not None:
        slideshow["data"] = {"timing": cell.timing_s}
    cell_id = f"cell-{index:04d}"
    appendix = {"appendix": True} if cell.in_appendix else {}
    if cell.demo is None:
        return from_dict(
            {
                "cell_type": "markdown",
                "id": cell_id,
                "source": cell.source,
                "metadata": {"slideshow": slideshow, **appendix},
            }
        )
    demo = cell.demo.demo
    metadata: dict[str, object] = {
        **appendix,
        "slideshow": slideshow,
        "demo": {
            "id": demo.id,
            "module": demo.module,
            "region": cell.demo.region,
            "needs_database": demo.needs_database,
            "steps": list(cell.demo.steps),
            "headlines": excerpts.headlines(demo.path.read_text(encoding="utf-8")),
        },
    }
    recording = recordings.get(demo.id)
    outputs: list[dict[str, str]] = []
    if recording is not None:
        metadata["recording"] = {
            "date": recording.date,
            "backend": recording.backend,
            "returncode": recording.returncode,
        }
        outputs = [
            {"output_type": "stream", "name": name, "text": text}
            for name, text in recording.streams
        ]
    elif demo.id in budgets:
        metadata["output_budget"] = sorted(budgets[demo.id].values())
    return from_dict(
        {
            "cell_type": "code",
            "id": cell_id,
            "source": cell.source,
            "metadata": metadata,
            "outputs": outputs,
            "execution_count": None,
        }
    )
