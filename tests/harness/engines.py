"""The deck in three browser engines, behind one small interface.

Chromium through Playwright, Firefox ESR through puppeteer-core over WebDriver
BiDi (a Node bridge, firefox_bridge.mjs: no geckodriver), WebKitGTK through
Selenium and WebKitWebDriver, its MiniBrowser in an Xvfb display of its own.
A test writes a check once, as a JavaScript function of one JSON argument, and
runs it in each engine; an engine difference is then a failing test, not a
surprise on stage.
"""

import contextlib
import json
import os
import select
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from playwright.sync_api import Frame, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from runner.deck.browser import CHROMIUM_FLAGS, BrowserMissing, chromium

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FIREFOX_BRIDGE = Path(__file__).with_name("firefox_bridge.mjs")
# The speaker view's S is pressed again after POPUP_WAIT_MS without a window, twice.
POPUP_RETRIES = 2
POPUP_WAIT_MS = 10_000
PUPPETEER = PROJECT_ROOT / "node_modules" / "puppeteer-core"
MINIBROWSER_GLOB = "/usr/lib/*/webkit2gtk-4.*/MiniBrowser"
VIEWPORT = "return [innerWidth, innerHeight]"


class Window(Protocol):
    """A page, or a frame in one, that runs a test's scripts."""

    def evaluate(self, script: str, arg: object = None) -> Any:
        """The value of ``(script)(arg)``; a promise is awaited."""

    def press(self, key: str) -> None:
        """A key pressed as a person would (a trusted event): "s", "ArrowRight"."""

    def click(self, selector: str) -> None: ...

    def screenshot(self, path: Path) -> None:
        """The window's viewport as a PNG."""

    def close(self) -> None: ...


class Engine(Protocol):
    name: str
    version: str

    def open(self, url: str, width: int, height: int) -> Window:
        """A new window on url whose viewport is width x height CSS pixels."""

    def open_popup(self, window: Window, key: str) -> Window:
        """The window a key opens from window (the speaker view's S)."""

    def frames(self, window: Window, url_part: str) -> list[Window]:
        """The frames of window whose URL holds url_part, in document order."""

    def close(self) -> None: ...


def wait_for(window: Window, script: str, arg: object = None, timeout_s: float = 30) -> Any:
    """The first truthy value of ``(script)(arg)``, polled: the same in every engine."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = window.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout_s} s: {script}")
        time.sleep(0.05)


def missing(name: str) -> str | None:
    """Why the engine cannot run here, with the remedy; None when it can."""
    if name == "chromium":
        try:
            chromium()
        except BrowserMissing as error:
            return str(error)
    elif name == "firefox":
        if _firefox() is None:
            return "Firefox ESR is not installed (apt-get install firefox-esr)"
        if shutil.which("node") is None or not PUPPETEER.is_dir():
            return "puppeteer-core is not installed (Node and `npm ci`)"
    elif name == "webkit":
        if shutil.which("WebKitWebDriver") is None or _minibrowser() is None:
            return "WebKitGTK's driver is not installed (apt-get install webkit2gtk-driver)"
        if shutil.which("Xvfb") is None:
            return "Xvfb is not installed (apt-get install xvfb)"
    return None


@contextmanager
def launched(name: str) -> Iterator[Engine]:
    """The engine, started; closed, with everything it started, on exit."""
    starters: dict[str, Callable[[], Engine]] = {
        "chromium": _Chromium,
        "firefox": _Firefox,
        "webkit": _WebKit,
    }
    engine = starters[name]()
    try:
        yield engine
    finally:
        engine.close()


def _firefox() -> str | None:
    return shutil.which("firefox-esr") or shutil.which("firefox")


def _minibrowser() -> Path | None:
    return next(Path("/").glob(MINIBROWSER_GLOB.lstrip("/")), None)


# ---- Chromium: Playwright -------------------------------------------------------------


class _PlaywrightWindow:
    def __init__(self, page: Page, frame: Frame | None = None) -> None:
        self.page = page
        self.target: Page | Frame = frame or page

    def evaluate(self, script: str, arg: object = None) -> Any:
        return self.target.evaluate(script, arg)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def click(self, selector: str) -> None:
        self.target.click(selector)

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=path)

    def close(self) -> None:
        if self.page.opener() is None:
            self.page.context.close()  # a window of its own: its context goes with it
        else:
            self.page.close()


class _Chromium:
    name = "chromium"

    def __init__(self) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(chromium()), args=CHROMIUM_FLAGS
        )
        self.version = self._browser.version

    def open(self, url: str, width: int, height: int) -> Window:
        page = self._browser.new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(url)
        return _PlaywrightWindow(page)

    def open_popup(self, window: Window, key: str) -> Window:
        """The key again if nothing opens: reveal's notes plugin only focuses a view it
        still sees open, and a view just closed can look open for a while under load."""
        assert isinstance(window, _PlaywrightWindow)
        for _ in range(POPUP_RETRIES):
            with contextlib.suppress(PlaywrightTimeoutError):
                return self._popup(window, key)
        return self._popup(window, key)

    def _popup(self, window: "_PlaywrightWindow", key: str) -> Window:
        with window.page.expect_popup(timeout=POPUP_WAIT_MS) as opened:
            window.press(key)
        return _PlaywrightWindow(opened.value)

    def frames(self, window: Window, url_part: str) -> list[Window]:
        assert isinstance(window, _PlaywrightWindow)
        return [_PlaywrightWindow(window.page, f) for f in window.page.frames if url_part in f.url]

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


# ---- Firefox: puppeteer-core over WebDriver BiDi, through the Node bridge -------------


class _BridgeWindow:
    def __init__(self, bridge: "_Firefox", name: str) -> None:
        self._bridge = bridge
        self.name = name

    def evaluate(self, script: str, arg: object = None) -> Any:
        return self._bridge.ask("evaluate", window=self.name, script=script, arg=arg)

    def press(self, key: str) -> None:
        self._bridge.ask("press", window=self.name, key=key)

    def click(self, selector: str) -> None:
        self._bridge.ask("click", window=self.name, selector=selector)

    def screenshot(self, path: Path) -> None:
        self._bridge.ask("screenshot", window=self.name, path=str(path))

    def close(self) -> None:
        self._bridge.ask("close", window=self.name)


class _Firefox:
    name = "firefox"
    ANSWER_TIMEOUT_S = 60

    def __init__(self) -> None:
        self._requests = 0
        self._process = subprocess.Popen(
            ["node", str(FIREFOX_BRIDGE), str(_firefox())],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.version = str(self.ask("version"))

    def ask(self, op: str, **request: object) -> Any:
        """One request to the bridge, and its answer; an error there is raised here."""
        assert self._process.stdin and self._process.stdout
        self._requests += 1
        self._process.stdin.write(json.dumps({"id": self._requests, "op": op, **request}) + "\n")
        self._process.stdin.flush()
        # One answer per request, written whole: nothing is read ahead of it.
        ready, _, _ = select.select([self._process.stdout], [], [], self.ANSWER_TIMEOUT_S)
        line = self._process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(
                f"the Firefox bridge gave no answer to {op} (exit {self._process.poll()})"
            )
        answer = json.loads(line)
        assert answer["id"] == self._requests, answer
        if "error" in answer:
            raise RuntimeError(f"Firefox, {op}: {answer['error']}")
        return answer["result"]

    def open(self, url: str, width: int, height: int) -> Window:
        return _BridgeWindow(self, self.ask("open", url=url, width=width, height=height))

    def open_popup(self, window: Window, key: str) -> Window:
        assert isinstance(window, _BridgeWindow)
        return _BridgeWindow(self, self.ask("popup", window=window.name, key=key))

    def frames(self, window: Window, url_part: str) -> list[Window]:
        assert isinstance(window, _BridgeWindow)
        names = self.ask("frames", window=window.name, url=url_part)
        return [_BridgeWindow(self, name) for name in names]

    def close(self) -> None:
        """Closing stdin ends the bridge, which closes Firefox first."""
        assert self._process.stdin and self._process.stdout
        self._process.stdin.close()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        finally:
            self._process.stdout.close()


# ---- WebKitGTK: Selenium, WebKitWebDriver and MiniBrowser in Xvfb ---------------------


class _SeleniumWindow:
    """A top-level window, or one of its frames; WebDriver acts on one at a time."""

    def __init__(self, engine: "_WebKit", handle: str, frame: tuple[str, int] | None = None):
        self._engine = engine
        self.handle = handle
        self.frame = frame  # (CSS selector of iframes, index)

    def _focus(self) -> Any:
        driver = self._engine.driver
        driver.switch_to.window(self.handle)
        if self.frame:
            selector, index = self.frame
            driver.switch_to.frame(driver.find_elements("css selector", selector)[index])
        return driver

    def evaluate(self, script: str, arg: object = None) -> Any:
        # WebDriver runs the body as an async function: a returned promise is awaited.
        return self._focus().execute_script(f"return ({script})(arguments[0])", arg)

    def press(self, key: str) -> None:
        keys = {"ArrowRight": Keys.ARROW_RIGHT, "ArrowLeft": Keys.ARROW_LEFT}
        ActionChains(self._focus()).send_keys(keys.get(key, key)).perform()

    def click(self, selector: str) -> None:
        self._focus().find_element("css selector", selector).click()

    def screenshot(self, path: Path) -> None:
        driver = self._focus()
        driver.switch_to.default_content()
        driver.save_screenshot(str(path))

    def close(self) -> None:
        driver = self._focus()
        if self.handle == self._engine.main_handle:
            driver.get("about:blank")  # the session's first window outlives the test
        else:
            driver.close()
            driver.switch_to.window(self._engine.main_handle)


class _WebKit:
    name = "webkit"

    def __init__(self) -> None:
        self._xvfb, display = _start_xvfb()
        try:
            options = Options()
            options.binary_location = str(_minibrowser())
            options.add_argument("--automation")
            service = Service(
                executable_path=shutil.which("WebKitWebDriver"),
                env={**os.environ, "DISPLAY": display},
            )
            with warnings.catch_warnings():
                # Selenium's own WebKitGTK class hands its driver's URL on in a form its
                # RemoteConnection deprecates (selenium 4.51): not ours to fix.
                warnings.filterwarnings(
                    "ignore", "setting remote_server_addr", category=DeprecationWarning
                )
                self.driver = webdriver.WebKitGTK(options=options, service=service)
        except BaseException:
            self._xvfb.kill()
            raise
        self.main_handle = self.driver.current_window_handle
        self.version = str(self.driver.capabilities.get("browserVersion"))

    def open(self, url: str, width: int, height: int) -> Window:
        """The session's window, sized so that its viewport (not the window) is width x height."""
        self.driver.switch_to.window(self.main_handle)
        self._size_viewport(width, height)
        self.driver.get(url)
        return _SeleniumWindow(self, self.main_handle)

    def _size_viewport(self, width: int, height: int) -> None:
        """WebDriver sizes the window, toolbars and all, and WebKitGTK resizes it after
        answering: grow it by what the viewport lacks, once the last resize has landed."""
        driver, wanted = self.driver, [width, height]
        inner = driver.execute_script(VIEWPORT)
        for _ in range(5):
            if inner == wanted:
                return
            rect = driver.get_window_rect()
            driver.set_window_rect(
                width=rect["width"] + width - inner[0], height=rect["height"] + height - inner[1]
            )
            before, deadline = inner, time.monotonic() + 2
            while (inner := driver.execute_script(VIEWPORT)) == before:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            time.sleep(0.1)  # a resize can land in steps
            inner = driver.execute_script(VIEWPORT)
        raise AssertionError(f"WebKit's viewport stays {inner}, not {wanted}")

    def open_popup(self, window: Window, key: str) -> Window:
        assert isinstance(window, _SeleniumWindow)
        before = set(self.driver.window_handles)
        window.press(key)
        deadline = time.monotonic() + 10
        while not (opened := set(self.driver.window_handles) - before):
            assert time.monotonic() < deadline, f"{key} opened no window"
            time.sleep(0.05)
        return _SeleniumWindow(self, opened.pop())

    def frames(self, window: Window, url_part: str) -> list[Window]:
        assert isinstance(window, _SeleniumWindow)
        driver = window._focus()
        selector = f'iframe[src*="{url_part}"]'
        count = len(driver.find_elements("css selector", selector))
        return [_SeleniumWindow(self, window.handle, (selector, i)) for i in range(count)]

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            self._xvfb.terminate()
            self._xvfb.wait(10)


def _start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """An X display of our own: Xvfb picks a free number and writes it to a pipe."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1200x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as numbers:
        number = numbers.readline().strip()
    if not number:
        xvfb.kill()
        raise RuntimeError(f"Xvfb did not start (exit {xvfb.wait()})")
    return xvfb, f":{number}"
