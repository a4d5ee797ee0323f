"""runner/service/policy.py as an ASGI call: the headers, and the policy they carry.

The browser's side (a page elsewhere cannot drive the deck) is tests/service/test_policy.py.
"""

import base64
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from runner.service.policy import SPEAKER_VIEW, BrowserPolicy, content_security_policy

pytestmark = pytest.mark.fast


def sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    """A tiny app of its own, with a header the policy must keep."""
    await send(
        {
            "type": "http.response.start",
            "status": 404 if scope["path"] == "/nope" else 200,
            "headers": [(b"content-type", b"text/plain"), (b"x-own", b"kept")],
        }
    )
    await send({"type": "http.response.body", "body": b"hi"})


def directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (d.split() for d in policy.split("; "))}


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/", "/api/health", "/nope"])
async def test_every_response_carries_the_policy_and_keeps_its_own_headers(path: str) -> None:
    transport = httpx.ASGITransport(app=BrowserPolicy(hello))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.get(path)
    assert response.headers["content-security-policy"] == content_security_policy(None)
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["x-own"] == "kept" and response.text == "hi"


@pytest.mark.asyncio
async def test_other_scopes_pass_through_untouched() -> None:
    seen: list[tuple[Scope, Any]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append((scope, send))

    async def send(message: Any) -> None:
        raise AssertionError("nothing is sent here")

    async def receive() -> Any:
        return {"type": "lifespan.startup"}

    scope = {"type": "lifespan"}
    await BrowserPolicy(app)(scope, receive, send)
    assert seen == [(scope, send)]


def test_the_deck_may_load_and_reach_its_own_origin_only() -> None:
    policy = directives(content_security_policy(None))
    assert policy["default-src"] == ["'none'"]
    for name in ("script-src", "style-src", "img-src", "connect-src", "frame-src"):
        assert policy[name] == ["'self'"], name
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["base-uri"] == policy["form-action"] == ["'none'"]


def test_the_speaker_views_inline_code_is_allowed_by_its_hashes_only(tmp_path: Path) -> None:
    page = tmp_path / SPEAKER_VIEW
    page.parent.mkdir(parents=True)
    page.write_text(
        "<html><head><style>body{margin:0}</style><script src='notes.js'></script></head>"
        "<body style='color:red'><script>go();</script></body></html>",
        encoding="utf-8",
    )
    policy = directives(content_security_policy(tmp_path))
    assert policy["script-src"] == ["'self'", sha256("go();")]
    assert policy["style-src"] == [
        "'self'",
        sha256("body{margin:0}"),
        "'unsafe-hashes'",
        sha256("color:red"),
    ]
    assert "'unsafe-inline'" not in content_security_policy(tmp_path)


def test_a_deck_without_a_speaker_view_allows_no_inline_code(tmp_path: Path) -> None:
    assert content_security_policy(tmp_path) == content_security_policy(None)
