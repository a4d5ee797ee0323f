"""The deck as a Jupyter notebook: the slides' cells with reveal.js slideshow metadata.

The notebook is the build's one intermediate form: it opens in Jupyter, and
nbconvert turns it into the HTML deck. Cell ids are derived from positions, so
an unchanged talk builds into an identical notebook.
"""

from collections.abc import Mapping

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from runner.recordings import Recording
from runner.slides import Cell, Deck


def notebook(deck: Deck, recordings: Mapping[str, Recording]) -> NotebookNode:
    """The notebook of the deck, with each demo's recording (if any) as its output."""
    title = deck.cells[0].source.splitlines()[0].lstrip("#").strip()
    nb = new_notebook(
        cells=[_cell(index, cell, recordings) for index, cell in enumerate(deck.cells)],
        metadata={
            "title": title,
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python", "pygments_lexer": "python3"},
        },
    )
    return nb


def write(nb: NotebookNode, path: str) -> None:
    nbformat.write(nb, path, version=4)


def _cell(index: int, cell: Cell, recordings: Mapping[str, Recording]) -> NotebookNode:
    slideshow: dict[str, object] = {"slide_type": cell.slide_type}
    if cell.timing_s is not None:
        slideshow["data"] = {"timing": cell.timing_s}
    cell_id = f"cell-{index:04d}"
    if cell.demo is None:
        return new_markdown_cell(cell.source, id=cell_id, metadata={"slideshow": slideshow})
    demo = cell.demo.demo
    metadata: dict[str, object] = {
        "slideshow": slideshow,
        "demo": {"id": demo.id, "module": demo.module, "region": cell.demo.region,
                 "needs_database": demo.needs_database},
    }
    recording = recordings.get(demo.id)
    outputs = []
    if recording is not None:
        metadata["recording"] = {"date": recording.date, "backend": recording.backend,
                                 "returncode": recording.returncode}
        outputs = [new_output("stream", name=name, text=text) for name, text in recording.streams]
    return new_code_cell(cell.source, id=cell_id, metadata=metadata, outputs=outputs)
