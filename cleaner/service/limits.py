"""The request limits: the body's size as ASGI middleware, and the documents in a batch (`within_doc_limit`).

A body over its limit is a JSON 413, said the same way whether its size was announced (`Content-Length`:
refused before a byte is read) or found while reading (a chunked body: refused as soon as the bytes read
pass the limit). FastAPI's own `max_body_size` answered the first case in plain text from a layer outside
the app's exception handlers, and the second in JSON. A client that asked to close the connection after its
request gets the answer once the rest of its body is read (`DRAIN_SECONDS` at most): uvicorn closes such a
connection as soon as the answer is out, and a socket closed with bytes unread is reset, so a client still
sending (Python's `urllib`, which sends the whole body before it reads) saw a broken pipe, never the 413."""

from __future__ import annotations

import asyncio
from contextlib import suppress
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
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        drains = _drains(scope["http_version"], headers)
        if length.isdigit() and int(length) > self.max_bytes:
            if drains:
                await _drain(receive, {"type": "http.request", "more_body": True})
            await JSONResponse({"detail": self.detail}, status_code=413)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > self.max_bytes:  # raised inside the route: the app's handler answers it as JSON
                if drains:
                    await _drain(receive, message)
                raise HTTPException(413, self.detail)
            return message

        await self.app(scope, counted, send)


DRAIN_SECONDS = 30.0
"""The longest a body over the limit is read, and thrown away, before the 413 goes to a client that closes."""


def _drains(version: str, headers: dict[bytes, bytes]) -> bool:
    """Whether a body over the limit is read before its 413: the client closes the connection after this request
    (it says `close`, or speaks HTTP/1.0 without asking to keep it alive), and does not wait for an answer
    before sending its body (`Expect: 100-continue`)."""
    tokens = {token.strip() for token in headers.get(b"connection", b"").lower().split(b",")}
    return b"expect" not in headers and (b"close" in tokens or (version == "1.0" and b"keep-alive" not in tokens))


async def _drain(receive: Receive, message: Message) -> None:
    """Read what is left of the body after `message` (the last one read), throwing it away, for `DRAIN_SECONDS`
    at most."""
    with suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while message["type"] == "http.request" and message.get("more_body", False):
                message = await receive()


def within_doc_limit(body: Any, limit: int) -> Any:
    """`body` (read JSON), or a 413 naming `limit` (the config's `max_request_docs`) when it is an array of
    more documents: 100,000 short ones fit in 4 MB, under the body limit, and held the server a minute."""
    if isinstance(body, list) and len(body) > limit:
        raise HTTPException(413, f"the request holds {len(body):,} documents, over the limit of {limit:,} "
                                 "(max_request_docs): send them in smaller batches")
    return body
