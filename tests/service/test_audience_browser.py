"""The viewer's page in Chromium, on phone viewports: it follows the presenter's slide and
run, looks back and rejoins, keeps code at 16 px or more with nothing wider than the
screen on every slide, and axe-core finds no violation."""

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from runner.deck import catalog
from runner.settings import PROJECT_ROOT
from tests.harness.audience import LiveAudience
from tests.harness.runner import settings

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Within a second of the presenter, as the issue asks: the follow stream delivers at
# once and a slide change or a line is drawn in the next frame.
FOLLOW_MS = 1000
PHONES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


@pytest.fixture(scope="module")
def live(recorded_talk: Path, database_url: str) -> Iterator[LiveAudience]:
    with LiveAudience(settings(), catalog.demos(), recorded_talk) as live:
        yield live


def viewer(browser: Browser, live: LiveAudience, viewport: dict[str, int]) -> Page:
    context = browser.new_context(viewport=viewport, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live.audience_url}/")
    page.wait_for_function(
        "() => document.querySelector('.follow-state').textContent.startsWith('Live')"
    )
    assert errors == []
    return page


def place_of(page: Page, demo_id: str) -> dict[str, int]:
    """reveal.js's (h, v) of the slide showing the demo, read from the page's sections."""
    place: dict[str, int] = page.evaluate(
        """(id) => {
          const tops = Array.from(document.querySelectorAll('.follow-slides > section'));
          for (const [h, top] of tops.entries()) {
            const inner = Array.from(top.children).filter((c) => c.tagName === 'SECTION');
            for (const [v, s] of (inner.length ? inner : [top]).entries()) {
              if (s.querySelector(`.demo[data-demo-id="${id}"]`)) return { h, v };
            }
          }
          return null;
        }""",
        demo_id,
    )
    return place


def move(live: LiveAudience, h: int, v: int, f: int = -1) -> None:
    response = httpx.put(f"{live.runner_url}/api/audience/position", json={"h": h, "v": v, "f": f})
    assert response.status_code == 204


def shown_demo(page: Page) -> str | None:
    found: str | None = page.evaluate(
        """() => {
          const shown = Array.from(document.querySelectorAll('.follow-slides section'))
            .filter((s) => !s.hidden && !s.querySelector('section'));
          const demo = shown.length === 1 && shown[0].querySelector('.demo');
          return demo ? demo.dataset.demoId : null;
        }"""
    )
    return found


def test_the_viewer_follows_a_slide_and_a_run_looks_back_and_rejoins(
    browser: Browser, live: LiveAudience
) -> None:
    page = viewer(browser, live, PHONES[0])
    gather = place_of(page, "gather")
    move(live, gather["h"], gather["v"])
    page.wait_for_function(
        "() => document.querySelector('.demo[data-demo-id=\"gather\"]')"
        ".closest('section').hidden === false",
        timeout=FOLLOW_MS,
    )
    assert shown_demo(page) == "gather"

    first_line = threading.Event()
    ended = threading.Event()

    def presenter_runs() -> None:
        with (
            httpx.Client(base_url=live.runner_url, timeout=30) as client,
            client.stream("POST", "/api/demos/gather/run") as response,
        ):
            for chunk in response.iter_text():
                if "event: stdout" in chunk:
                    first_line.set()
        ended.set()

    runner = threading.Thread(target=presenter_runs)
    runner.start()
    output = page.locator('.demo[data-demo-id="gather"] .demo-output')
    assert first_line.wait(30)
    page.wait_for_function(
        "() => document.querySelector('.demo[data-demo-id=\"gather\"] .demo-output')"
        ".dataset.source === 'live'",
        timeout=FOLLOW_MS,
    )
    runner.join(30)
    assert ended.is_set()
    page.wait_for_function(
        "() => (document.querySelector('.demo[data-demo-id=\"gather\"] .demo-status') || {})"
        ".textContent?.startsWith('exit 0')",
        timeout=FOLLOW_MS,
    )
    assert "It took" in output.locator(".demo-stream").inner_text()
    assert output.get_attribute("role") == "log" and output.get_attribute("aria-live") == "polite"

    # Back by key: the reader stays where they are while the talk goes on.
    page.keyboard.press("ArrowLeft")
    assert "You are on slide" in page.locator(".follow-state").inner_text()
    assert shown_demo(page) != "gather"
    move(live, gather["h"], gather["v"] + 1)
    page.wait_for_function(
        "() => document.querySelector('.follow-state').textContent.includes('the talk is at')",
        timeout=FOLLOW_MS,
    )
    # Rejoin by tap: the presenter's slide, now.
    page.get_by_role("button", name="Follow live").click()
    assert page.locator(".follow-state").inner_text().startswith("Live")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("l")  # and by key
    assert page.locator(".follow-state").inner_text().startswith("Live")
    page.context.close()


def test_a_late_joiner_sees_the_current_slide_and_the_run_so_far(
    browser: Browser, live: LiveAudience
) -> None:
    probe = viewer(browser, live, PHONES[0])
    gather = place_of(probe, "gather")
    probe.context.close()
    move(live, gather["h"], gather["v"])
    httpx.post(f"{live.runner_url}/api/demos/gather/run", timeout=30)
    page = viewer(browser, live, PHONES[0])
    assert shown_demo(page) == "gather"
    page.wait_for_function(
        "() => (document.querySelector('.demo[data-demo-id=\"gather\"] .demo-status') || {})"
        ".textContent?.startsWith('exit 0')",
        timeout=FOLLOW_MS,
    )
    page.context.close()


OVERFLOW = """() => {
  const shown = Array.from(document.querySelectorAll('.follow-slides section'))
    .find((s) => !s.hidden && !s.querySelector('section'));
  const width = document.documentElement.clientWidth;
  const scrolls = (node) => {
    for (let up = node.parentElement; up; up = up.parentElement) {
      const x = getComputedStyle(up).overflowX;
      if (x === 'auto' || x === 'scroll') return true;
    }
    return false;
  };
  const wide = Array.from(shown.querySelectorAll('*'))
    .filter((node) => node.getBoundingClientRect().right > width + 0.5 && !scrolls(node))
    .map((node) => node.tagName + '.' + node.className);
  const small = Array.from(shown.querySelectorAll('pre, code, pre span'))
    .filter((node) => node.textContent.trim() && parseFloat(getComputedStyle(node).fontSize) < 16)
    .map((node) => node.tagName + ' ' + getComputedStyle(node).fontSize);
  return {
    page: document.documentElement.scrollWidth > width,
    wide: wide.slice(0, 5),
    small: small.slice(0, 5),
  };
}"""


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}x{v['height']}")
def test_every_slide_reads_on_a_phone_code_at_16px_nothing_overflows(
    browser: Browser, live: LiveAudience, viewport: dict[str, int]
) -> None:
    page = viewer(browser, live, viewport)
    page.keyboard.press("ArrowLeft")  # looking around from here on
    slides = page.evaluate(
        "document.querySelectorAll('.follow-slides section:not(:has(section))').length"
    )
    for _ in range(slides):
        page.keyboard.press("ArrowLeft")
    problems = {}
    for index in range(slides):
        found = page.evaluate(OVERFLOW)
        if found["page"] or found["wide"] or found["small"]:
            problems[index + 1] = found
        page.keyboard.press("ArrowRight")
    assert problems == {}, json.dumps(problems, indent=1)[:3000]
    page.context.close()


def test_axe_finds_no_violation_on_the_viewer_page(browser: Browser, live: LiveAudience) -> None:
    page = viewer(browser, live, PHONES[0])
    # axe-core from node_modules, served as a file of the page's own origin (its policy
    # allows no inline script).
    page.route("**/axe.min.js", lambda route: route.fulfill(path=AXE))
    page.add_script_tag(url=f"{live.audience_url}/axe.min.js")
    results = {}
    for demo_id in ("gather", None):
        if demo_id is not None:
            place = place_of(page, demo_id)
            move(live, place["h"], place["v"])
            page.wait_for_function(
                f"() => document.querySelector('.demo[data-demo-id=\"{demo_id}\"]')"
                ".closest('section').hidden === false"
            )
        else:
            move(live, 0, 0)
            page.wait_for_function(
                "() => document.querySelector('.follow-state').textContent.includes('slide 1 of')"
            )
        violations = page.evaluate(
            """async () => (await axe.run(document)).violations.map((v) => ({
                 id: v.id, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
               }))"""
        )
        results[demo_id or "title"] = violations
    assert results == {"gather": [], "title": []}
    page.context.close()
