"""What every answer gets, as plain ASGI (cheap enough for every request): the 431 for oversized headers, security
headers, CORS, a plain 500 when a view fails past its own error handling, and one JSON access-log line.

CORS is our own rather than Starlette's ``CORSMiddleware``: that one answers only requests carrying ``Origin`` and
a preflight only with a 200 whose headers echo the request, where this endpoint has always sent
``Access-Control-Allow-Origin: *`` on every answer and ``204`` to every ``OPTIONS`` (SPARQL clients and the tests
rely on both).
"""

from __future__ import annotations

import json
import logging
import time

from .http import refuse_large_headers

log = logging.getLogger("airm.server")
access_log = logging.getLogger("airm.server.access")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
]
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"X-Airm-Error, Retry-After"),
]
PREFLIGHT_HEADERS = CORS_HEADERS + [
    (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Content-Type"),
    (b"access-control-max-age", b"600"),
]
CRASH_BODY = b"error: internal error in the web server (see its log)\n"


class Guard:
    """Access log (one JSON line per request), security headers, CORS, around the Starlette app."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        info = {"status": 0, "bytes": 0}
        try:
            refusal = refuse_large_headers(scope)
            if refusal is not None:
                status, headers, body = refusal
                await _answer(send, info, status, headers + SECURITY_HEADERS, body)
            elif scope["method"] == "OPTIONS":
                await _answer(send, info, 204, PREFLIGHT_HEADERS, b"")
            else:
                await self._serve(scope, receive, send, info)
        finally:
            _log(scope, info, start)

    async def _serve(self, scope, receive, send, info: dict) -> None:
        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                info["status"] = message["status"]
                info["started"] = True
                headers = list(message.get("headers", [])) + SECURITY_HEADERS + CORS_HEADERS
                if not any(k.lower() == b"vary" for k, _ in headers):
                    headers.append((b"vary", b"Accept"))  # most answers depend on Accept: tell caches
                message = dict(message, headers=headers)
            elif message["type"] == "http.response.body":
                info["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if not info.get("started"):
                await _answer(send, info, 500, [(b"content-type", b"text/plain; charset=utf-8"),
                                                (b"content-length", str(len(CRASH_BODY)).encode())]
                              + SECURITY_HEADERS, CRASH_BODY)


async def _answer(send, info: dict, status: int, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    info.update(status=status, bytes=len(body))


def _log(scope, info, start) -> None:
    if not access_log.isEnabledFor(logging.INFO):
        return
    qs = scope.get("query_string", b"").decode("latin-1")
    access_log.info(json.dumps({
        "ts": round(time.time(), 3),
        "method": scope["method"],
        "path": scope["path"],
        "query": qs[:200] if qs else None,
        "status": info["status"],
        "ms": round((time.perf_counter() - start) * 1000, 2),
        "bytes": info["bytes"],
        "client": (scope.get("client") or ["?"])[0],
    }, separators=(",", ":")))
