"""nbconvert's reveal.js exporter with our template: the talk notebook to one HTML page.

A small subclass, as nbconvert intends: it points at runner/deck/templates/talk and
skips the stock exporter's re-parse of the finished page, which only adds alt
texts and tab stops to notebook chrome our template does not have.
"""

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from nbconvert.exporters import SlidesExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_TIMING_S = 60  # per slide, for sections without a budget


class PacingPreprocessor(Preprocessor):
    """Share each section's budget among its slides, as reveal's speaker view paces by slide.

    A budget sits on a section's first cell (``slideshow.data.timing``); reveal reads
    ``data-timing`` per slide, so each of the section's slides gets its share in
    ``pace_s``. Runs after reveal's preprocessor, which marks where slides start.
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        sections: list[tuple[int | None, list[NotebookNode]]] = []
        for cell in nb.cells:
            if cell.metadata.get("slide_start"):
                timing = cell.metadata.get("slideshow", {}).get("data", {}).get("timing")
                sections.append((timing, []))
            if cell.metadata.get("subslide_start") and sections:
                sections[-1][1].append(cell)
        for budget, slides in sections:
            if budget is None:
                continue
            share, extra = divmod(int(budget), len(slides))
            for index, cell in enumerate(slides):
                cell.metadata.pace_s = share + (1 if index < extra else 0)
        budgets = [int(budget) for budget, _ in sections if budget is not None]
        all_budgeted = bool(sections) and len(budgets) == len(sections)
        resources["deck"] = {
            "total_s": sum(budgets) if all_budgeted else 0,
            "default_timing_s": DEFAULT_TIMING_S,
        }
        return nb, resources


class DeckExporter(SlidesExporter):
    """The deck's exporter: our template directory, nothing else changed but speed."""

    def __init__(self, **kw: Any) -> None:
        # No default preprocessors: the ones our conf.json names are all the deck needs,
        # and nbconvert validates the whole notebook again after each one it runs.
        super().__init__(
            extra_template_basedirs=[str(TEMPLATES)],
            template_name="talk",
            default_preprocessors=[],
            **kw,
        )
        highlight = lru_cache(maxsize=512)(Highlight2HTML(pygments_lexer="python3", parent=self))
        # Our code cells carry no cell magics, so the source alone decides the highlighting.
        self.register_filter("highlight_code", lambda source, metadata=None: highlight(source))

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter's version would parse the page again with BeautifulSoup.
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@cache
def exporter() -> DeckExporter:
    """One exporter per process: loading its templates is most of a warm build's cost."""
    return DeckExporter()
