"""The request limits: the body's size as ASGI middleware, and the documents in a batch (`within_doc_limit`).

A body over its limit is a JSON 413, said the same way whether its size was announced (`Content-Length`:
refused before a byte is read) or found while reading (a chunked body: refused as soon as the bytes read
pass the limit). FastAPI's own `max_body_size` answered the first case in plain text from a layer outside
the app's exception handlers, and the second in JSON."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """`app.add_middleware(BodyLimit, max_bytes=N)`: 413 for a request body of over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the request body is over the limit of {max_bytes:,} bytes (--max-body-mb)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await JSONResponse({"detail": self.detail}, status_code=413)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.max_bytes:  # raised inside the route: the app's handler answers it as JSON
                raise HTTPException(413, self.detail)
            return message

        await self.app(scope, counted, send)


def within_doc_limit(body: Any, limit: int) -> Any:
    """`body` (read JSON), or a 413 naming `limit` (the config's `max_request_docs`) when it is an array of
    more documents: 100,000 short ones fit in 4 MB, under the body limit, and held the server a minute."""
    if isinstance(body, list) and len(body) > limit:
        raise HTTPException(413, f"the request holds {len(body):,} documents, over the limit of {limit:,} "
                                 "(max_request_docs): send them in smaller batches")
    return body
