"""API-key access as ASGI middleware: with a key set, every write (POST) needs `Authorization: Bearer <key>`.

Checked before the body is read or parsed, so a client without the key learns nothing about the
request it sent. The comparison is constant-time (`hmac.compare_digest`). Reads stay open, and so does a request
no route takes (`DELETE /v1/stats`, an unknown path), answered 405 or 404 as with the key: it was a 401.
"""

from __future__ import annotations

import hmac

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .limits import routed

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ApiKey:
    """`app.add_middleware(ApiKey, key=KEY)`: 401 for a write request without the right bearer key."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        if not key.strip():
            raise ValueError("the API key is empty; give a non-empty key or none at all")
        self.app = app
        self._key = key.strip().encode()  # a header cannot carry the whitespace around it (a key file's line end)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in WRITE_METHODS and routed(scope):
            scheme, _, token = dict(scope["headers"]).get(b"authorization", b"").partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(token.strip(), self._key):
                response = JSONResponse({"detail": "missing or wrong API key: send `Authorization: Bearer <key>`"},
                                        status_code=401, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
