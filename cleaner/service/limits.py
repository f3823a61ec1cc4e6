"""The request limits: the body's size as ASGI middleware, and the documents in a batch (`within_doc_limit`);
and `DrainUnread`, which reads what is left of a body before an answer sent without it.

A body over its limit is a JSON 413, said the same way whether its size was announced (`Content-Length`:
refused before a byte is read) or found while reading (a chunked body: refused as soon as the bytes read
pass the limit). FastAPI's own `max_body_size` answered the first case in plain text from a layer outside
the app's exception handlers, and the second in JSON. A client that asked to close the connection after its
request gets an answer sent before its whole body was read (that 413, and every early refusal: 401, 404, 405,
415, a redirect) once the rest of its body is read (`DRAIN_SECONDS` at most): uvicorn closes such a connection
as soon as the answer is out, and a socket closed with bytes unread is reset, so a client still sending
(Python's `urllib`, which sends the whole body before it reads) saw a broken pipe, never the answer."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """`app.add_middleware(BodyLimit, max_bytes=N)`: 413 for a request body of over `max_bytes` to a route (an unknown
    path, a wrong method or a trailing slash is answered 404, 405 or redirected, whatever the body's size: it is not
    read)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the request body is over the limit of {max_bytes:,} bytes (--max-body-mb)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        # the body is read (`DrainUnread`) if the client closes; one no route takes is left to its 404, 405 or redirect
        if length.isdigit() and int(length) > self.max_bytes and routed(scope):
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


class DrainUnread:
    """`app.add_middleware(DrainUnread)`, added last (it must see every answer the others send): an answer that starts
    while the request's body is not all read goes out once the rest is read, and thrown away, when the client closes
    the connection after this request (`_drains`). Without it, such a client still sending a body of a few MB was
    reset: a 401 for a missing key, a 404, 405, 415, 413 or redirect never reached Python's `urllib`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _drains(scope["http_version"], dict(scope["headers"])):
            await self.app(scope, receive, send)
            return
        last: Message = {"type": "http.request", "more_body": True}  # the body's last message read: none yet

        async def tracked() -> Message:
            nonlocal last
            last = await receive()
            return last

        async def answer(message: Message) -> None:  # at once after the server's stop cancelled the request
            if message["type"] == "http.response.start" and not asyncio.current_task().cancelling():
                await _drain(tracked, last)
            await send(message)

        await self.app(scope, tracked, answer)


DRAIN_SECONDS = 30.0
"""The longest the rest of a body is read, and thrown away, before an answer goes to a client that closes: one that
sends without end is answered (and reset) then."""


def _drains(version: str, headers: dict[bytes, bytes]) -> bool:
    """Whether a body left unread is read before the answer: there is one (`Content-Length` over 0, or
    `Transfer-Encoding`; a GET has none), the client closes the connection after this request (it says `close`, or
    speaks HTTP/1.0 without asking to keep it alive), and does not wait for an answer before sending its body
    (`Expect: 100-continue`)."""
    tokens = {token.strip() for token in headers.get(b"connection", b"").lower().split(b",")}
    body = headers.get(b"content-length", b"0").strip() not in (b"0", b"") or b"transfer-encoding" in headers
    closes = b"close" in tokens or (version == "1.0" and b"keep-alive" not in tokens)
    return body and closes and b"expect" not in headers


async def _drain(receive: Receive, message: Message) -> None:
    """Read what is left of the body after `message` (the last one read), throwing it away, for `DRAIN_SECONDS`
    at most, or until the server's stop cancels the request (`--shutdown-timeout`): the answer goes then, where
    the cancel went out of the app as a trace and a plain-text 500."""
    with suppress(TimeoutError, asyncio.CancelledError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while message["type"] == "http.request" and message.get("more_body", False):
                message = await receive()


def routed(scope: Scope) -> bool:
    """Whether a route of the app takes the request, its path and method."""
    return any(route.matches(scope)[0] is Match.FULL for route in scope["app"].routes)


def within_doc_limit(body: Any, limit: int) -> Any:
    """`body` (read JSON), or a 413 naming `limit` (the config's `max_request_docs`) when it is an array of
    more documents: 100,000 short ones fit in 4 MB, under the body limit, and held the server a minute."""
    if isinstance(body, list) and len(body) > limit:
        raise HTTPException(413, f"the request holds {len(body):,} documents, over the limit of {limit:,} "
                                 "(max_request_docs): send them in smaller batches")
    return body
