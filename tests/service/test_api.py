"""GET /api/health, GET /api/demos and /openapi.json, through the real app."""

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from runner.deck import catalog
from runner.service.app import create_app
from tests.harness.database import SessionDatabase
from tests.harness.runner import FIXTURE_DEMOS, LiveRunner, settings


def client_for(**overrides: object) -> httpx.AsyncClient:
    app = create_app(settings=settings(**overrides))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


@pytest.mark.asyncio
async def test_health_reports_a_reachable_database(
    database_url: str, session_database: SessionDatabase
) -> None:
    async with client_for(database_url=database_url) as client:
        response = await client.get("/api/health")
    assert response.status_code == 200
    health = response.json()
    assert health["runner"] == "ok"
    assert health["database"]["backend"] == session_database.backend
    # On the fallback, why: the deck's database indicator shows it as its tooltip.
    assert health["database"]["fallback"] == session_database.fallback
    assert health["database"]["reachable"] is True, health
    assert health["database"]["error"] is None


@pytest.mark.asyncio
async def test_health_reports_an_unreachable_database_fast_and_hides_its_password() -> None:
    # Nothing listens on port 1: refused at once, reported, never raised.
    url = "mysql+aiomysql://talker:s3cret-pw@127.0.0.1:1/exampledb"
    async with client_for(database_url=url) as client:
        started = time.monotonic()
        response = await client.get("/api/health")
        elapsed = time.monotonic() - started
    database = response.json()["database"]
    assert response.status_code == 200
    assert database["reachable"] is False and database["error"]
    assert "s3cret-pw" not in response.text and "***" in database["url"]
    assert elapsed < 3.0


@pytest.mark.asyncio
async def test_health_probes_once_for_many_polls_and_never_blocks_the_loop(sqlite_url: str) -> None:
    async with client_for(database_url=sqlite_url) as client:
        started = time.monotonic()
        answers = await asyncio.gather(*(client.get("/api/health") for _ in range(20)))
        elapsed = time.monotonic() - started
    assert {a.json()["database"]["reachable"] for a in answers} == {True}
    assert elapsed < 2.0


def test_health_answers_while_demos_are_running(no_fixture_demos_left: None) -> None:
    app = create_app(settings=settings(), demos=FIXTURE_DEMOS)
    with (
        LiveRunner(app) as live,
        httpx.Client(base_url=live.url, timeout=10) as client,
        client.stream("POST", "/api/demos/sleeper/run") as sleeping,
        client.stream("POST", "/api/demos/stubborn/run") as stubborn,
    ):
        # Held: dropping an iterator would close its connection.
        held = [sleeping.iter_text(), stubborn.iter_text()]
        for chunks in held:
            next(chunks)
        started = time.monotonic()
        assert client.get("/api/health").json()["runner"] == "ok"
        assert time.monotonic() - started < 3.0


@pytest.mark.asyncio
async def test_demos_lists_the_catalog_in_talk_order() -> None:
    async with client_for() as client:
        demos = (await client.get("/api/demos")).json()
    assert [d["id"] for d in demos] == catalog.ids()
    gather = next(d for d in demos if d["id"] == "gather")
    assert gather == {
        "id": "gather",
        "title": catalog.find("gather").title,  # type: ignore[union-attr]
        "module": "demos.python_async.gather",
        "needs_database": False,
        "problem": None,  # it runs: nothing wrong with its file
    }
    assert all(d["title"] for d in demos)


@pytest.fixture
def openapi() -> Iterator[dict[str, object]]:
    yield create_app(settings=settings()).openapi()


def test_openapi_describes_the_four_paths_and_the_event_stream(openapi: dict[str, object]) -> None:
    paths: dict[str, dict[str, dict[str, object]]] = openapi["paths"]  # type: ignore[assignment]
    assert set(paths) == {
        "/api/health",
        "/api/demos",
        "/api/demos/{demo_id}/run",
        "/api/rehearsals",  # the speaker view's rehearse mode saves here
    }
    assert "201" in paths["/api/rehearsals"]["post"]["responses"]
    run = paths["/api/demos/{demo_id}/run"]["post"]
    responses: dict[str, dict[str, dict[str, object]]] = run["responses"]  # type: ignore[assignment]
    assert "text/event-stream" in responses["200"]["content"]
    for status in ("400", "403", "404", "413", "429"):
        assert "application/json" in responses[status]["content"], status


@pytest.mark.asyncio
async def test_no_page_pulls_in_third_party_script_and_the_schema_stays() -> None:
    async with client_for() as client:
        for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
            assert (await client.get(path)).status_code == 404, path
        schema = await client.get("/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Talk runner"


# The runner's own pages and curl pass runner/service/security.py (test_security.py
# refuses the rest without running anything); this runs a demo, so it is no fast test.
RUNNERS_OWN = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl: no Origin, no Sec-Fetch-Site
        {"origin": RUNNERS_OWN, "sec-fetch-site": "same-origin"},
        {"origin": "http://LOCALHOST:8000", "host": "localhost:8000"},
        {"host": "[::1]:8000", "origin": "http://[::1]:8000"},
    ],
)
@pytest.mark.asyncio
async def test_the_runner_own_pages_and_curl_may_run_a_demo(headers: dict[str, str]) -> None:
    app = create_app(settings=settings(), demos=FIXTURE_DEMOS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=RUNNERS_OWN) as client:
        response = await client.post("/api/demos/failing/run", headers=headers)
    assert response.status_code == 200
    assert "event: exit" in response.text
    assert not any(h.startswith("access-control-") for h in response.headers)
