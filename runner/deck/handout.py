"""`talk pdf`: the deck as a handout, build/talk.pdf, printed by a headless Chromium.

reveal.js's print view (``?print-pdf``) lays the deck out one page per slide; with
``pdfSeparateFragments=false`` the steps of a slide are flattened onto its page (every
line shown), and ``showNotes=separate-page`` adds a page of speaker notes after each
slide. Recorded outputs print with their "Recorded <date> on <server>" line. Before
printing, every slide is checked in the page itself (``TalkFit.problems`` of
assets/fit.js): a handout with a box over another, or lines cut off, is refused.

The page size is passed to Chromium here rather than left to the ``@page`` rule reveal.js
injects, which a Content-Security-Policy without inline styles blocks.
"""

from pathlib import Path

from runner.deck.browser import CHROMIUM_FLAGS, chromium
from runner.deck.preview import serving

PDF_NAME = "talk.pdf"
_PRINT_QUERY = "?print-pdf&pdfSeparateFragments=false"
_LAID_OUT = """() => document.querySelector('.pdf-page') !== null
  && document.querySelector('.loading-scroll-mode') === null"""
# Each slide's problems, by its place and title; and the page size reveal.js chose.
_PROBLEMS = """() => [...document.querySelectorAll('.pdf-page > section')]
  .map((slide, index) => [`page ${index + 1} "${TalkFit.title(slide)}"`, TalkFit.problems(slide)])
  .filter(([, problems]) => problems.length)"""
_PAGE_SIZE = """() => {
  const size = Reveal.getComputedSlideSize(window.innerWidth, window.innerHeight);
  const margin = Reveal.getConfig().margin;
  return [Math.floor(size.width * (1 + margin)), Math.floor(size.height * (1 + margin))];
}"""


class HandoutError(Exception):
    """The deck cannot be printed as it is: which slides, and what is wrong on each."""


def write(build_dir: Path, *, notes: bool = False) -> Path:
    """Print the built deck in ``build_dir`` to ``build_dir/talk.pdf`` and return its path."""
    from playwright.sync_api import sync_playwright  # only `talk pdf` needs a browser

    executable = chromium()  # before anything starts: a missing browser is one line
    target = build_dir / PDF_NAME
    query = _PRINT_QUERY + ("&showNotes=separate-page" if notes else "")
    with serving(build_dir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url + query)
            page.wait_for_function(_LAID_OUT)
            problems = page.evaluate(_PROBLEMS)
            if problems:
                raise HandoutError(
                    "; ".join(f"{slide}: {', '.join(found)}" for slide, found in problems)
                )
            width, height = page.evaluate(_PAGE_SIZE)
            page.pdf(
                path=str(target), width=f"{width}px", height=f"{height}px", print_background=True
            )
        finally:
            browser.close()
    return target
