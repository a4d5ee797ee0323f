"""The headers that keep other sites' pages from driving the deck in a browser.

The request guard (security.py) refuses what other sites send to the runner; these
headers bind what the deck's own pages may do, in the browser:

* ``Content-Security-Policy``: the deck loads script, style, pictures, fonts and
  frames from its own origin only, connects (fetch, EventSource) to it only, and
  runs no inline script or style; ``frame-ancestors 'self'`` lets no other site
  frame it. The one exception is reveal.js's speaker view: its notes plugin writes
  a page with inline script and style into a blank window, which inherits this
  policy, so exactly those blocks are allowed by their hashes.
* ``Cross-Origin-Opener-Policy: same-origin``: a page of another origin that
  opens the deck with ``window.open`` gets no handle to it, so it cannot post
  messages to it (the speaker view is opened by the deck itself: same origin).
"""

import base64
import hashlib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SPEAKER_VIEW = Path("reveal.js") / "plugin" / "notes" / "speaker-view.html"


class _InlineCode(HTMLParser):
    """The inline scripts, style sheets and style attributes of a page, as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.style_attributes += [value for name, value in attrs if name == "style" and value]
        if tag == "script" and not dict(attrs).get("src"):
            self._open = self.scripts
        elif tag == "style":
            self._open = self.styles
        if self._open is not None:
            self._open.append("")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None


def _hashes(sources: Iterable[str]) -> list[str]:
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in dict.fromkeys(sources)
    ]


def content_security_policy(deck_dir: Path | None) -> str:
    """The deck's policy; with the speaker view's inline code allowed if the deck has it."""
    scripts: list[str] = []
    styles: list[str] = []
    speaker_view = deck_dir / SPEAKER_VIEW if deck_dir is not None else None
    if speaker_view is not None and speaker_view.is_file():
        inline = _InlineCode()
        inline.feed(speaker_view.read_text(encoding="utf-8"))
        scripts = _hashes(inline.scripts)
        styles = _hashes(inline.styles)
        if inline.style_attributes:
            styles += ["'unsafe-hashes'", *_hashes(inline.style_attributes)]
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *scripts],
        "style-src": ["'self'", *styles],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class BrowserPolicy:
    """ASGI middleware: every response carries the CSP and the opener policy above."""

    def __init__(self, app: ASGIApp, deck_dir: Path | None = None) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(deck_dir),
            "Cross-Origin-Opener-Policy": "same-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_policy)
