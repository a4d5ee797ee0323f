"""The audience port as plain ASGI calls: GET only, none of the runner's routes, Host
checked, the viewer's page without notes or scripts; the runner's audience routes."""

from pathlib import Path

import httpx
import pytest

from runner.service.app import create_app
from runner.service.audience import FollowHub
from runner.service.audience_app import create_audience_app
from runner.service.audience_page import render
from runner.service.audience_routes import Audience
from tests.harness.runner import FIXTURE_DEMOS, settings

pytestmark = pytest.mark.fast

LAN = "http://192.168.1.20:8001"
# Every route of the runner and of authoring, as the runner's own OpenAPI lists them.
RUNNER_PATHS = [
    "/api/health",
    "/api/demos",
    "/api/demos/gather/run",
    "/api/demos/gather/edited-run",
    "/api/authoring",
    "/api/authoring/events",
    "/api/authoring/edit-session",
    "/api/audience",
    "/api/audience/position",
    "/api/audience/qr.svg",
    "/openapi.json",
    "/docs",
    "/index.html",
    "/talk.ipynb",
    "/reveal.js/dist/reveal.js",
]


def deck(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "payoff.svg").write_text("<svg/>")
    (tmp_path / "highlight.css").write_text(".k{}")
    (tmp_path / "talk.ipynb").write_text("{}")
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html><head><title>A &amp; B</title>"
        '<script src="x.js"></script></head><body><div class="reveal"><div class="slides">'
        '<section><section><h1>Title</h1><aside class="notes"><p>secret note</p></aside>'
        '</section><section><p>two &lt;here&gt;</p><img src="assets/payoff.svg" alt="p">'
        "<script>alert(1)</script></section></section>"
        '<section><div class="demo" data-demo-id="gather"><pre>code</pre></div></section>'
        '</div></div><script src="assets/deck.js"></script></body></html>'
    )
    return tmp_path


@pytest.fixture
def audience_client(tmp_path: Path) -> httpx.AsyncClient:
    app = create_audience_app(FollowHub(), deck(tmp_path), hosts=["192.168.1.20"])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=LAN)


def test_the_page_keeps_the_slides_and_drops_notes_and_scripts(tmp_path: Path) -> None:
    page = render(deck(tmp_path) / "index.html")
    assert "<title>A &amp; B: follow along</title>" in page
    assert "<h1>Title</h1>" in page and "<p>two &lt;here&gt;</p>" in page
    assert '<img src="assets/payoff.svg" alt="p">' in page
    assert '<div class="demo" data-demo-id="gather"><pre>code</pre></div>' in page
    assert "secret note" not in page and "alert(1)" not in page
    assert "deck.js" not in page and "x.js" not in page
    assert page.count("<section>") == page.count("</section>") == 4


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/follow", "/assets/payoff.svg", *RUNNER_PATHS])
@pytest.mark.asyncio
async def test_every_method_but_get_is_refused(
    audience_client: httpx.AsyncClient, method: str, path: str
) -> None:
    async with audience_client:
        response = await audience_client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


@pytest.mark.parametrize("path", RUNNER_PATHS)
@pytest.mark.asyncio
async def test_the_runners_routes_do_not_exist_here(
    audience_client: httpx.AsyncClient, path: str
) -> None:
    async with audience_client:
        response = await audience_client.get(path)
    assert response.status_code == 404


@pytest.mark.asyncio
async def test_the_page_and_the_decks_files_are_served(audience_client: httpx.AsyncClient) -> None:
    async with audience_client:
        page = await audience_client.get("/")
        picture = await audience_client.get("/assets/payoff.svg")
        style = await audience_client.get("/highlight.css")
    assert page.status_code == 200 and "<h1>Title</h1>" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert picture.status_code == 200 and style.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "192.168.1.21:8001", "127.0.0.1.nip.io"])
@pytest.mark.asyncio
async def test_a_host_the_urls_do_not_name_is_refused(
    audience_client: httpx.AsyncClient, host: str
) -> None:
    async with audience_client:
        response = await audience_client.get("/", headers={"host": host})
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8001", "localhost:8001", "192.168.1.20:8001"])
@pytest.mark.asyncio
async def test_loopback_and_the_urls_address_are_let_in(
    audience_client: httpx.AsyncClient, host: str
) -> None:
    async with audience_client:
        response = await audience_client.get("/", headers={"host": host})
    assert response.status_code == 200


@pytest.mark.asyncio
async def test_without_audience_the_runner_says_off_and_takes_no_position() -> None:
    app = create_app(settings=settings(), demos=FIXTURE_DEMOS, fork_server=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    ) as client:
        state = await client.get("/api/audience")
        put = await client.put("/api/audience/position", json={"h": 1, "v": 0, "f": -1})
        qr = await client.get("/api/audience/qr.svg")
    assert state.json() == {"on": False, "urls": [], "viewers": 0}
    assert put.status_code == 404 and qr.status_code == 404


@pytest.mark.asyncio
async def test_with_audience_the_deck_reports_its_position_and_gets_the_qr_code() -> None:
    hub = FollowHub()
    url = "http://192.168.1.20:8001/"
    app = create_app(
        settings=settings(),
        demos=FIXTURE_DEMOS,
        fork_server=False,
        audience=Audience(hub, [url]),
    )
    viewer, _ = hub.join("192.168.1.50")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8000"
    ) as client:
        state = await client.get("/api/audience")
        put = await client.put("/api/audience/position", json={"h": 5, "v": 1, "f": 2})
        bad = await client.put("/api/audience/position", json={"h": -1, "v": 0, "f": 0})
        cross = await client.put(
            "/api/audience/position",
            json={"h": 0, "v": 0, "f": 0},
            headers={"origin": "http://evil.example"},
        )
        qr = await client.get("/api/audience/qr.svg")
    assert state.json() == {"on": True, "urls": [url], "viewers": 1}
    assert put.status_code == 204 and bad.status_code == 422 and cross.status_code == 403
    assert b'"h": 5, "v": 1, "f": 2' in hub.take(viewer)
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.startswith("<?xml") or qr.text.startswith("<svg")
    assert url in qr.text  # its title names what it encodes
