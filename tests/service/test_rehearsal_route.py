"""POST /api/rehearsals through the real app: a rehearsal is checked, then saved as a
file of its own under the slides' rehearsals/; anything else is refused, saying why."""

import json
from pathlib import Path

import httpx
import pytest

from runner.service.app import create_app
from tests.harness.runner import settings

pytestmark = pytest.mark.fast

REHEARSAL = {
    "version": 1,
    "slides": 2,
    "events": [{"t": 0, "kind": "slide", "index": 0}, {"t": 4, "kind": "slide", "index": 1}],
    "end": 9,
}


def client(slides_dir: Path) -> httpx.AsyncClient:
    app = create_app(settings=settings(), slides_dir=slides_dir, fork_server=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")


@pytest.mark.asyncio
async def test_a_rehearsal_is_saved_as_a_file_of_its_own(tmp_path: Path) -> None:
    async with client(tmp_path) as http:
        response = await http.post("/api/rehearsals", json=REHEARSAL)
    assert response.status_code == 201, response.text
    (saved,) = (tmp_path / "rehearsals").glob("rehearsal-*.json")
    assert response.json() == {"file": str(saved)}
    stored = json.loads(saved.read_text())
    assert stored["events"] == REHEARSAL["events"] and stored["saved"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"{", 400, "a rehearsal is sent as JSON"),
        (json.dumps({**REHEARSAL, "end": 1}).encode(), 400, "not a rehearsal: 'end' comes"),
        (b"x" * (600 * 1024), 413, "limited to"),
    ],
)
async def test_anything_else_is_refused_and_nothing_written(
    tmp_path: Path, body: bytes, status: int, detail: str
) -> None:
    async with client(tmp_path) as http:
        response = await http.post(
            "/api/rehearsals", content=body, headers={"Content-Type": "application/json"}
        )
    assert response.status_code == status
    assert detail in response.text
    assert not (tmp_path / "rehearsals").exists()
