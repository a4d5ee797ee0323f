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
DEFAULT_TIMING_S = 60  # per slide, for a deck built without budgets


class PacingPreprocessor(Preprocessor):
    """Hand each slide's budget (runner.deck.pacing) to reveal.js, and the talk's length.

    A budget sits on the cell that opens its slide (``slideshow.data.timing``);
    the template writes it as the slide's ``data-timing`` from ``pace_s``. The
    length is the core path's, which pacing put in the notebook's metadata
    (``pacing.total_s``): it goes into ``resources`` once, and the template writes
    it as reveal's ``totalTime``. Runs after reveal's preprocessor, which marks
    where slides start.
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        for cell in nb.cells:
            if cell.metadata.get("subslide_start"):
                timing = cell.metadata.get("slideshow", {}).get("data", {}).get("timing")
                if timing is not None:
                    cell.metadata.pace_s = int(timing)
        resources["deck"] = {
            "total_s": int(nb.metadata.get("pacing", {}).get("total_s", 0)),
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
        self.register_filter("highlight_code", _highlighted)

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter's version would parse the page again with BeautifulSoup.
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@lru_cache(maxsize=512)
def _highlight(source: str, demo_id: str) -> str:
    """The demo's code, one span per line (``id="DEMO-line-N"``), for stepping through it."""
    options = {"linespans": f"{demo_id}-line"}
    return str(Highlight2HTML(pygments_lexer="python3", extra_formatter_options=options)(source))


def _highlighted(source: str, metadata: NotebookNode | None = None) -> str:
    # Our code cells carry no cell magics, so the source and the demo decide the highlighting.
    demo = metadata.get("demo", {}) if metadata is not None else {}
    return _highlight(source, str(demo.get("id", "code")))


@cache
def exporter() -> DeckExporter:
    """One exporter per process: loading its templates is most of a warm build's cost."""
    return DeckExporter()
