"""Every rule of runner/service/security.py, broken by a hostile request: no process starts."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from runner.service.app import create_app
from runner.service.security import MAX_BODY_BYTES, loopback_host
from tests.harness.runner import FIXTURE_DEMOS, running_fixture_demos, settings

pytestmark = pytest.mark.fast

RUN = "/api/demos/sleeper/run"
OWN = "http://127.0.0.1:8000"


@pytest.fixture
def client() -> Iterator[httpx.AsyncClient]:
    # A short time limit: if a rule failed, the sleeper would end the test, not hang it.
    app = create_app(settings=settings(run_timeout_s=2.0), demos=FIXTURE_DEMOS)
    yield httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=OWN)


async def refused(
    client: httpx.AsyncClient, status: int, method: str = "POST", url: str = RUN, **kwargs: object
) -> str:
    """Send the request; it must be refused with status, in JSON, and start no demo."""
    async with client:
        response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert not any(h.startswith("access-control-") for h in response.headers)
    assert running_fixture_demos() == []
    detail: str = response.json()["detail"]
    assert detail.startswith("refused: ") and "\n" not in detail
    return detail


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "localhost.evil.example:80",
        "0.0.0.0:8000",
        "192.168.1.20:8000",
        "[::2]:8000",
        "127.0.0.2.nip.io",
        "",
    ],
)
@pytest.mark.asyncio
async def test_a_host_that_is_not_loopback_is_refused(client: httpx.AsyncClient, host: str) -> None:
    detail = await refused(client, 400, headers={"host": host})
    assert "Host" in detail


@pytest.mark.asyncio
async def test_dns_rebinding_cannot_even_read_the_health(client: httpx.AsyncClient) -> None:
    await refused(client, 400, "GET", "/api/health", headers={"host": "rebind.example:8000"})


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "null",
        "http://localhost:3000",
        "https://127.0.0.1:8000",
        "http://127.0.0.1:8001",
    ],
)
@pytest.mark.asyncio
async def test_a_post_from_another_origin_is_refused(
    client: httpx.AsyncClient, origin: str
) -> None:
    detail = await refused(client, 403, headers={"origin": origin})
    assert "Origin" in detail


@pytest.mark.asyncio
async def test_a_cross_site_fetch_without_origin_is_refused(client: httpx.AsyncClient) -> None:
    await refused(client, 403, headers={"sec-fetch-site": "cross-site"})


@pytest.mark.asyncio
async def test_a_declared_large_body_is_refused(client: httpx.AsyncClient) -> None:
    await refused(client, 413, content=b"x" * (MAX_BODY_BYTES + 1))


@pytest.mark.asyncio
async def test_a_chunked_large_body_is_refused(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b"x" * (MAX_BODY_BYTES // 4)

    await refused(client, 413, content=chunks())


@pytest.mark.asyncio
async def test_no_cors_preflight_is_granted(client: httpx.AsyncClient) -> None:
    async with client:
        response = await client.options(
            RUN,
            headers={
                "origin": "http://evil.example",
                "access-control-request-method": "POST",
            },
        )
    assert response.status_code >= 400
    assert not any(h.startswith("access-control-") for h in response.headers)
    assert running_fixture_demos() == []


def test_loopback_hosts_are_localhost_and_loopback_addresses_with_any_port() -> None:
    # An empty port ("localhost:") is valid URI syntax and means the default.
    accepted = [
        "localhost",
        "LOCALHOST:8000",
        "127.0.0.1:1",
        "127.8.0.1",
        "[::1]",
        "[::1]:80",
        "[::1]:",
    ]
    rejected = [
        "localhost:80:80",
        "localhost:x",
        "[::1]x",
        "[::1]80",
        "::1",
        "localhost.",
        "127.0.0.1.nip.io",
        "[::2]",
        "0.0.0.0",
        "evil.example",
    ]
    assert [h for h in accepted if not loopback_host(h)] == []
    assert [h for h in rejected if loopback_host(h)] == []
