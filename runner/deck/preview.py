"""A loopback web server for a built deck: for `talk pdf`, screenshots and browser tests.

It serves files only, as a presenter's laptop would without the runner; the
deck must work like that, with Run buttons and all, just without live output.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Stay silent: a request log would drown the output of the tests that use it."""


@contextmanager
def serving(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port; yield its base URL, ending in '/'."""
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="deck-preview", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
