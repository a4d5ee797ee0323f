"""How the project's own tools start headless Chromium: the tests, the screenshots, a benchmark.

Debian's Chromium, never a browser that Playwright downloads. The flags are the ones
that work on these machines: without the background-networking ones Chromium keeps
trying hosts a closed network refuses.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
