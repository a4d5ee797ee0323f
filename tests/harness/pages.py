"""A page of its own for each browser test, at the projector's 1280x720, and the
scripts the browser tests evaluate in any engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # Playwright itself comes with the browser fixture, not with this plugin
    from playwright.sync_api import Browser, Page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in a context of its own, closed after the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


# Shows the slide of the demo with this id; returns where it is, "h/v".
GO_TO_DEMO = """(id) => {
  const slide = document.querySelector(`.demo[data-demo-id="${id}"]`).closest('section');
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  return `${where.h}/${where.v}`;
}"""
