"""The presenter's side of `talk serve --audience`, on the runner's own loopback port.

``GET /api/audience`` tells the deck (assets/audience/presenter.js) whether the room
can follow, at which URLs, and how many do; ``PUT /api/audience/position`` is where
the deck reports its slide and step; ``GET /api/audience/qr.svg`` is the QR code of
the first URL, for the title slide. Without ``--audience`` the first says so and
the others answer 404: the deck asks always, and "off" is not an error.
"""

import io
from dataclasses import dataclass, field
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field

from runner.service.audience import FollowHub


@dataclass
class Audience:
    """The audience listener as the runner sees it: its hub and the URLs it was given."""

    hub: FollowHub
    urls: list[str]
    _qr: bytes | None = field(default=None, init=False)

    def qr_svg(self) -> bytes:
        """The first URL as a QR code, in SVG, drawn here (no network)."""
        if self._qr is None:
            buffer = io.BytesIO()
            segno.make(self.urls[0], error="m").save(
                buffer,
                kind="svg",
                scale=8,
                border=2,
                dark="#000",
                light="#fff",
                title=f"QR code: {self.urls[0]}",
            )
            self._qr = buffer.getvalue()
        return self._qr


class AudienceState(BaseModel):
    on: bool
    urls: list[str] = []
    viewers: int = 0


class Position(BaseModel):
    h: int = Field(ge=0, le=10_000)
    v: int = Field(ge=0, le=10_000)
    f: int = Field(ge=-1, le=10_000)


def get_audience(request: Request) -> Audience | None:
    audience: Audience | None = request.app.state.audience
    return audience


def require_audience(audience: Annotated[Audience | None, Depends(get_audience)]) -> Audience:
    if audience is None:
        raise HTTPException(404, "the audience listener is off (`talk serve --audience`)")
    return audience


router = APIRouter(prefix="/api/audience")


@router.get("")
async def audience_state(
    audience: Annotated[Audience | None, Depends(get_audience)],
) -> AudienceState:
    """Whether the room can follow, where, and how many do."""
    if audience is None:
        return AudienceState(on=False)
    return AudienceState(on=True, urls=audience.urls, viewers=audience.hub.viewers)


@router.put("/position", status_code=204)
async def report_position(
    position: Position, audience: Annotated[Audience, Depends(require_audience)]
) -> Response:
    """The presenter's deck is here now: slide (h, v), step f."""
    audience.hub.position(position.h, position.v, position.f)
    return Response(status_code=204)


@router.get("/qr.svg")
async def qr_code(audience: Annotated[Audience, Depends(require_audience)]) -> Response:
    """The first audience URL as a QR code, for the title slide."""
    return Response(audience.qr_svg(), media_type="image/svg+xml")
