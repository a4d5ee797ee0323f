"""Which Chromium the project starts headless, and how: `talk pdf`, the tests, the
screenshots, the benchmarks.

An installed browser, never one Playwright downloads: ``TALK_CHROMIUM`` if it is set,
else the first Chromium, Chrome or Edge found where Linux and macOS install them. The
flags are the ones that work on these machines: without the background-networking
ones Chromium keeps trying hosts a closed network refuses.
"""

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

ENV_VAR = "TALK_CHROMIUM"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Where each system's packages and installers put the browsers, in the order tried.
LINUX_PATHS = (
    "/usr/bin/chromium",  # Debian
    "/usr/bin/chromium-browser",  # Ubuntu, Fedora
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
    "/opt/google/chrome/chrome",
    "/usr/bin/microsoft-edge",
    "/usr/bin/microsoft-edge-stable",
    "/opt/microsoft/msedge/msedge",
)
_MACOS_APPS = (
    "Chromium.app/Contents/MacOS/Chromium",
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)
REMEDY = (
    f"install Chromium, Chrome or Edge (Debian: apt-get install chromium), "
    f"or set {ENV_VAR} to the path of one"
)


class BrowserMissing(LookupError):
    """No Chromium-based browser here; the message says how to get one, in one line."""


def candidates(platform: str = sys.platform, home: Path | None = None) -> list[Path]:
    """Where to look, first to last, on this kind of system."""
    if platform == "darwin":
        folders = [Path("/Applications"), (home or Path.home()) / "Applications"]
        return [folder / app for app in _MACOS_APPS for folder in folders]
    return [Path(path) for path in LINUX_PATHS]


def chromium(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    home: Path | None = None,
    is_file: Callable[[Path], bool] = Path.is_file,
) -> Path:
    """The browser to start: TALK_CHROMIUM's, else the first candidate installed.

    Raises BrowserMissing when TALK_CHROMIUM names no file, or when nothing is found.
    """
    if named := environ.get(ENV_VAR, "").strip():
        if is_file(Path(named)):
            return Path(named)
        if on_path := shutil.which(named):  # a command will do too: TALK_CHROMIUM=chromium
            return Path(on_path)
        raise BrowserMissing(f"{ENV_VAR}={named} names no browser here; {REMEDY}")
    for path in candidates(platform, home):
        if is_file(path):
            return path
    raise BrowserMissing(f"no Chromium, Chrome or Edge found; {REMEDY}")
