"""Which browser `talk pdf` and the project's other headless uses start, on Linux and macOS."""

from collections.abc import Callable
from pathlib import Path

import pytest

from runner.deck import browser
from runner.deck.browser import BrowserMissing, chromium

pytestmark = pytest.mark.fast
HOME = Path("/Users/ada")


def installed(*paths: str) -> Callable[[Path], bool]:
    return lambda path: str(path) in paths


def test_linux_prefers_chromium_then_chrome_then_edge() -> None:
    everything = installed(*browser.LINUX_PATHS)
    assert chromium({}, "linux", is_file=everything) == Path("/usr/bin/chromium")
    chrome_and_edge = installed("/opt/google/chrome/chrome", "/usr/bin/microsoft-edge")
    assert chromium({}, "linux", is_file=chrome_and_edge) == Path("/opt/google/chrome/chrome")
    edge = installed("/opt/microsoft/msedge/msedge")
    assert chromium({}, "linux", is_file=edge) == Path("/opt/microsoft/msedge/msedge")


def test_macos_looks_in_both_applications_folders() -> None:
    apps = "/Applications"
    chrome = f"{apps}/Google Chrome.app/Contents/MacOS/Google Chrome"
    own_chromium = f"{HOME}/Applications/Chromium.app/Contents/MacOS/Chromium"
    found = chromium({}, "darwin", HOME, installed(chrome, own_chromium))
    assert found == Path(own_chromium)  # Chromium first, wherever it is
    assert chromium({}, "darwin", HOME, installed(chrome)) == Path(chrome)
    edge = f"{HOME}/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"
    assert chromium({}, "darwin", HOME, installed(edge)) == Path(edge)
    assert not any(str(path).startswith("/usr") for path in browser.candidates("darwin", HOME))


def test_talk_chromium_comes_first() -> None:
    named = {"TALK_CHROMIUM": "/opt/my/chrome"}
    either = installed("/opt/my/chrome", "/usr/bin/chromium")
    assert chromium(named, "linux", is_file=either) == Path("/opt/my/chrome")


def test_talk_chromium_naming_nothing_fails_in_one_line() -> None:
    with pytest.raises(BrowserMissing) as raised:
        chromium(
            {"TALK_CHROMIUM": "/nowhere/chrome"}, "linux", is_file=installed("/usr/bin/chromium")
        )
    (line,) = str(raised.value).splitlines()
    assert line.startswith("TALK_CHROMIUM=/nowhere/chrome names no browser here; install")


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_no_browser_at_all_fails_in_one_line_saying_how_to_get_one(platform: str) -> None:
    with pytest.raises(BrowserMissing) as raised:
        chromium({}, platform, HOME, installed())
    (line,) = str(raised.value).splitlines()
    assert line.startswith("no Chromium, Chrome or Edge found; install Chromium")
    assert "apt-get install chromium" in line and "TALK_CHROMIUM" in line
