"""The viewer's page: the built deck's slides in a reading layout, without notes or scripts.

The audience listener serves this page at /. It is made from build/index.html when
asked for (again whenever the deck is rebuilt): the slides' sections as the deck
has them, minus the speaker notes and the deck's own scripts, inside a page of our
own that loads assets/audience/viewer.js and its style sheet. Without script the
page is the whole talk, one slide after another; with it, it follows the presenter.
"""

import html
from html.parser import HTMLParser
from pathlib import Path

_DROPPED = {"script", "style"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Slides(HTMLParser):
    """The markup inside the deck's <div class="slides">, as written, without dropped parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.title = ""
        self.parts: list[str] = []
        self._in_title = False
        self._depth = 0  # open elements inside the slides; 0 before and after them
        self._inside = False
        self._skip = 0  # open elements of a part being dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "title":
            self._in_title = True
        if not self._inside:
            if tag == "div" and "slides" in classes and not self.parts:
                self._inside, self._depth = True, 1
            return
        if tag not in _VOID:
            self._depth += 1
        if self._skip or tag in _DROPPED or (tag == "aside" and "notes" in classes):
            if tag not in _VOID:
                self._skip += 1
            return
        self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._inside and not self._skip:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if not self._inside or tag in _VOID:
            return
        self._depth -= 1
        if self._depth == 0:
            self._inside = False
            return
        if self._skip:
            self._skip -= 1
            return
        self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._inside and not self._skip:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def render(deck_index: Path) -> str:
    """The viewer's page for the deck built at deck_index."""
    slides = _Slides()
    slides.feed(deck_index.read_text(encoding="utf-8"))
    slides.close()
    title = html.unescape(slides.title).strip() or "The talk"
    return _PAGE.format(title=html.escape(title), slides="".join(slides.parts))


class ViewerPage:
    """The page, made again only when the deck's index.html has changed."""

    def __init__(self, deck_index: Path) -> None:
        self._index = deck_index
        self._made_for: int | None = None
        self._page = b""

    def body(self) -> bytes:
        stamp = self._index.stat().st_mtime_ns
        if stamp != self._made_for:
            self._page = render(self._index).encode()
            self._made_for = stamp
        return self._page


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}: follow along</title>
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="highlight.css">
<link rel="stylesheet" href="assets/audience/viewer.css">
<script type="module" src="assets/audience/viewer.js"></script>
</head>
<body>
<header class="follow-bar">
<h1 class="follow-title">{title}</h1>
<p class="follow-state" role="status" aria-live="polite">The whole talk, one slide after another</p>
<nav class="follow-nav" aria-label="Slides" hidden>
<button type="button" class="follow-back" aria-keyshortcuts="ArrowLeft">Back</button>
<button type="button" class="follow-live" aria-keyshortcuts="L">Follow live</button>
<button type="button" class="follow-next" aria-keyshortcuts="ArrowRight">Next</button>
</nav>
</header>
<main class="follow-slides">
{slides}
</main>
</body>
</html>
"""
