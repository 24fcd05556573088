"""Files a browser asks for by a fixed name: ``/favicon.ico`` is answered with the site's SVG icon (every browser
that asks for it reads SVG; pages name the same file with ``<link rel="icon">``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..web import HERE

FAVICON = HERE / "static" / "favicon.svg"


async def favicon(request: Request) -> Response:
    return Response(FAVICON.read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
