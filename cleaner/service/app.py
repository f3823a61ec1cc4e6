"""The FastAPI application: routes over a `Service`, request limits, access, and error answers.

`create_app(service)` builds the app over a `Service` (rules, language models and index, loaded once
before the server starts); the app warms it up (`Service.warm`) before the port opens, and closes it when the server
stops. Errors are JSON: 422 names the field, 404 the id, 415 a compressed body, 413 a body over the limit (`limits.BodyLimit`: at once when
`Content-Length` is over it, otherwise as soon as the bytes read pass it) or a batch of more documents
than `max_request_docs`, 401 the missing key (before the size: a client without the key learns nothing of
the limit); anything unexpected is a 500 with no trace in it (the trace goes to the server log). A JSON
body is read as UTF-8 only (RFC 8259), a leading byte order mark skipped: Python's `json` took UTF-16 and
UTF-32 too; and without NaN or infinities, which it read too (a 422 that echoed one back was no JSON). The docs
page (`/docs`, Swagger UI) loads its script, style and icon from the service itself (`fastapi_offline`'s
copies), not from a CDN: the service runs offline. There is no `/redoc`: ReDoc's bundle loads its logo from its
maker's CDN whatever it is told.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from functools import partial
from types import FrameType
from typing import Annotated, Any, NoReturn

import uvicorn
from fastapi import Body, FastAPI, HTTPException, Query, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from fastapi_offline import FastAPIOffline
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Message

from ..dedup.index import IndexBusyError, IndexMismatchError
from ..io.jsonl import control_name, loads
from ..kinds.base import shown
from ..models import Document, Rejected
from .auth import ApiKey
from .limits import BodyLimit, DrainUnread, within_doc_limit
from .store import IndexGoneError


class _Anything(Convertor):
    """A path parameter that takes every character, line breaks too (Starlette's `path` stops at one:
    a document stored under an id with a newline could not be fetched), and at least one: no id is empty, and
    `POST /v1/documents/` is then redirected to `/v1/documents` as `/v1/clean/` is, not a 405 of the GET route."""

    regex = r"[\s\S]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("anything", _Anything())

from .backend import Service
from .schemas import OBJECT, DocumentsIn, RuleCheck, RulePackIn, Verdict, item_document

log = logging.getLogger("cleaner.service")


def _loads(body: bytes) -> tuple[Any, list[list[str]]]:
    """A JSON body as RFC 8259 has it: UTF-8 (its byte order mark skipped), never UTF-16 or UTF-32, no NaN or
    infinity (a ValueError naming it); and for each document it holds, the keys given twice with other values,
    as a JSONL line's are said (`io.jsonl.loads`)."""
    return loads(body.removeprefix(codecs.BOM_UTF8).decode("utf-8"))


class _Utf8Request(Request):
    """A request whose JSON body is read by `_loads`; an array of over `max_request_docs` documents is a 413
    as soon as it is read, before any is validated or cleaned (`limits.within_doc_limit`)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            value, self.state.twice = _loads(await self.body())
            self._json = within_doc_limit(value, _service(self).config.max_request_docs)
        return self._json


class _Utf8Route(APIRoute):
    """A route whose handler gets a `_Utf8Request` (FastAPI's way to change how a body is read). The body is
    read through the request FastAPI made, which keeps it for the error handlers. A client that hangs up
    before its whole body is sent is answered 400 (no one reads it) and is one line in the log, not an
    internal error's trace (twice: the app's and uvicorn's); so is a request the server's `--shutdown-timeout`
    ends, still sending its body or not yet answered (503 saying so, where uvicorn logged a trace and answered a
    plain-text 500). A compressed body (`Content-Encoding: gzip`) is a 415 before it is read:
    read as JSON, it was "not UTF-8 (byte 1)"."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            coding = request.headers.get("content-encoding", "").strip().lower()
            if {c.strip() for c in coding.split(",")} - {"", "identity"}:  # blank or `identity` (listed): not encoded
                raise HTTPException(415, f"a body with Content-Encoding {coding!r} is not read: send it uncompressed",
                                    headers={"Accept-Encoding": "identity"})
            try:
                body = await request.body()
            except ClientDisconnect:
                log.warning("%s %s: the client hung up before sending the whole body", request.method, request.url.path)
                return Response(status_code=400)
            except asyncio.CancelledError:  # the server stops (--shutdown-timeout) while the body still comes: nothing done yet
                log.warning("%s %s: closed at shutdown before its whole body came", request.method, request.url.path)
                return JSONResponse({"detail": _STOPPED + "before the whole body came: nothing was done"}, status_code=503)

            async def replay() -> Message:
                return {"type": "http.request", "body": body, "more_body": False}

            try:
                return await handler(_Utf8Request(request.scope, replay))
            except asyncio.CancelledError:  # the server stops (--shutdown-timeout) before the answer is ready
                request.app.state.given_up = True  # its work goes on, on its thread: the stop does not wait for it
                log.warning("%s %s: closed at shutdown before its answer was ready", request.method, request.url.path)
                return JSONResponse({"detail": _STOPPED + "before the answer was ready: documents posted to /v1/documents "
                                               "may be stored all the same (GET /v1/documents/{id} tells)"}, status_code=503)

        return route


_STOPPED = "the server stopped "


def _service(request: Request) -> Service:
    return request.app.state.service


def _without_kind(loc: list[Any]) -> list[Any]:
    """A 422's `loc` without the tags pydantic puts in it, which name no part of the body: an item's that is an object
    (`schemas.OBJECT`), and before it a document alone's, `"one"`, whose fields are the body's: `["body", "id"]` (it
    was `["body", "one", "id"]`); in a batch, `"batch"` and the item's index stay: `["body", "batch", 3, "id"]`."""
    if loc[:3] == ["body", "one", OBJECT]:
        return ["body", *loc[3:]]
    return loc[:3] + loc[4:] if loc[:2] == ["body", "batch"] and loc[3:4] == [OBJECT] else loc


def _json_invalid(loc: list[Any], why: str) -> Response:
    """The 422 of a body that is no JSON the service reads, saying why."""
    body = json.dumps({"detail": [{"type": "json_invalid", "loc": loc, "msg": f"JSON decode error: {why}"}]})
    return Response(body, status_code=422, media_type="application/json")


def _malformed(error: dict[str, Any], text: str) -> str:
    """Why FastAPI's 422 of malformed JSON (`text`, the body read) was given, with the place: its message held the
    place in `loc` alone, cut before it ("Invalid control character at"), and an empty `input`; a control character
    is named (`a raw tab`), as the JSONL reader names one."""
    failed = json.JSONDecodeError(error["ctx"]["error"], text, error["loc"][1])
    place = f"at line {failed.lineno}, column {failed.colno} (character {failed.pos} of the body, from 0)"
    if failed.msg == "Invalid control character at":
        return f"a raw {control_name(text[failed.pos])} inside a string {place}, where JSON writes an escape"
    return f"{failed.msg.removesuffix(' at')} {place}"


def _documents(request: Request, body: Any) -> list[Document | Rejected]:
    """The documents of a body, one or a batch, as the service takes them."""
    docs = body if isinstance(body, list) else [body]
    config = _service(request).config
    items = enumerate(zip(docs, request.state.twice, strict=True))
    return [item_document(d, config, said, i) for i, (d, said) in items]


def _as_sent(body: Any, out: list[Verdict]) -> Verdict | list[Verdict]:
    """The verdicts of a body's documents: a list for a batch, one for a document alone."""
    return out if isinstance(body, list) else out[0]


FORCED_CLOSE = 5.0
"""Seconds a second Ctrl-C, or a graceful stop that gave requests up at --shutdown-timeout, lets the index's batch in
flight take to be stored whole before the process ends without it: one waiting for another process's lock on the
index kept the server up for the lock's 60 s."""


def _end_now(stopped_by: int | None) -> NoReturn:
    """End the process at once, as the signal that stopped the server asks: killed by SIGTERM (as uvicorn ends then:
    status 143 in a shell, a clean stop for systemd), exit 0 otherwise (Ctrl-C)."""
    logging.shutdown()
    sys.stderr.flush()
    if stopped_by == signal.SIGTERM:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)
    os._exit(0)


class _Server(uvicorn.Server):
    """uvicorn's server, which tells the app the first signal that stopped it (`app.state.stopped_by`)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        state = self.config.app.state
        state.stopped_by = state.stopped_by or sig
        super().handle_exit(sig, frame)


def serve(app: FastAPI, **options: Any) -> bool:
    """Serve `app` (from `create_app`) on uvicorn, given `uvicorn.Config`'s `options`, until SIGTERM or Ctrl-C, as
    `uvicorn.run` does; False when it did not start."""
    server = _Server(uvicorn.Config(app, **options))
    with suppress(KeyboardInterrupt):  # Ctrl-C, raised again once the graceful stop is over
        server.run()
    return server.started


ReviewLimit = Annotated[int, Query(ge=1, le=100_000)]
"""`/review`'s `limit`: the last kept documents it shows."""

MAX_BODY_BYTES = 16 * 1024 * 1024
"""The default request-body limit (`--max-body-mb 16`)."""


def create_app(service: Service, *, max_body_bytes: int = MAX_BODY_BYTES, api_key: str | None = None) -> FastAPI:
    """The HTTP API over `service` (built beforehand, so a bad rule pack or index stops the start
    with a message, not a trace); the app warms it up at its start and closes it when it shuts down. With `api_key`, every POST
    needs `Authorization: Bearer <api_key>`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(service.warm)  # before uvicorn opens the port: /readyz answers a warm service
        forced = False
        try:
            yield
        except asyncio.CancelledError:  # a second Ctrl-C (uvicorn's force quit) cancels the lifespan: its trace was logged
            forced = True
            log.warning("forced to stop: requests in flight were not waited for")
        finally:  # off the event loop: the close waits for a request the index's thread is busy with (on the index's
            closing = asyncio.to_thread(service.close)  # lock, up to its timeout), whose 503 must go out meanwhile
            given_up = forced or app.state.given_up  # forced, or past --shutdown-timeout with requests still at work
            try:  # then a batch being stored may end within FORCED_CLOSE; one waiting on the lock is given up
                await (asyncio.wait_for(closing, FORCED_CLOSE) if given_up else closing)
            except TimeoutError:
                log.warning("the index's batch in flight was given up (SQLite rolls it back): not stored")
            if given_up:  # the requests given up are still at work on their threads, which the event loop's end
                _end_now(app.state.stopped_by)  # and the interpreter's waited for (20 s for a 5 MB text, 60 s on the lock)

    app = FastAPIOffline(  # FastAPI with its docs page's assets served from the package, not a CDN
        title="cleaner", lifespan=lifespan, redoc_url=None,
        description="Clean scraped news text with rule packs (every removal attributed), tag its language, "
                    "and deduplicate it against a persistent index. With an API key, every POST needs "
                    "`Authorization: Bearer <key>`.")
    app.router.route_class = _Utf8Route
    app.state.service = service
    app.state.damaged = False  # an index request found the file damaged (`index_damaged`): not ready from then on
    app.state.given_up = False  # a request given up at --shutdown-timeout, its work still going on (`_Utf8Route`)
    app.state.stopped_by = None  # the signal that stopped the server (`_Server`)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if api_key:
        app.add_middleware(ApiKey, key=api_key)  # added after BodyLimit: runs first, before the body's size or bytes
    app.add_middleware(DrainUnread)  # added last: outside the others, it sees their early answers (401, 413) too
    # with a key, each POST declares the bearer scheme in the OpenAPI document, which gives Swagger UI its Authorize
    # button (its "Try it out" got a 401); the key is checked by `ApiKey` all the same: this reads nothing
    bearer = [Security(HTTPBearer(auto_error=False, description="the server's --api-key"))] if api_key else []

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """FastAPI's 422, encoded as ASCII JSON: the input it echoes may hold a lone surrogate (`"\\ud800"`
        is valid JSON), which FastAPI's UTF-8 rendering fails on, turning a bad body into a 500. A body sent
        as another content type (`curl -d` sends a form), or with none, is said to be that, not "a valid
        dictionary": FastAPI reads a body as JSON only when its type is `application/json` or
        `application/*+json`; a query parameter's error (`/review?limit=0`) is said as it is. An empty body is said to
        be empty, whatever its type, as is one of white space alone (it was "Field required")."""
        kind = request.headers.get("content-type")
        media = (kind or "").partition(";")[0].strip().lower()
        body = any("body" in e["loc"][:1] for e in exc.errors())
        as_json = media == "application/json" or (media.startswith("application/") and media.endswith("+json"))
        if body and not (await request.body()).strip():
            errors = [{"type": "missing", "loc": ["body"], "msg": "empty body: send the request's JSON in it"}]
        elif body and not as_json:
            sent = f"this one was {kind!r}" if kind else "none was given"
            msg = f"the body must be JSON, sent with Content-Type: application/json ({sent})"
            errors = [{"type": "content_type", "loc": ["header", "content-type"], "msg": msg}]
        elif [e["type"] for e in exc.errors()] == ["json_invalid"]:  # FastAPI's, for a `json.JSONDecodeError`
            (error,) = exc.errors()
            return _json_invalid(list(error["loc"]), _malformed(error, exc.body))
        else:
            errors = [{**e, "loc": _without_kind(e["loc"])} for e in jsonable_encoder(exc.errors())]
        return Response(json.dumps({"detail": errors}), status_code=422, media_type="application/json")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """FastAPI's 400 for a body its JSON reading gave up on (not UTF-8, nested too deep, a number of over
        4,300 digits, a NaN or an infinity), as the 422 of malformed JSON, saying why; other HTTP errors as they are."""
        if exc.status_code != 400 or exc.detail != "There was an error parsing the body":
            return await http_exception_handler(request, exc)
        try:
            _loads(await request.body())
            why = "not JSON"
        except UnicodeDecodeError as err:
            why = f"not UTF-8 (byte {err.start})"
        except RecursionError:
            why = "nested too deeply"
        except ValueError as err:  # a number Python will not hold, or JSON that is not
            why = str(err)
        return _json_invalid(["body"], why)

    @app.exception_handler(IndexBusyError)
    async def index_busy(request: Request, exc: IndexBusyError) -> JSONResponse:
        """Another process (a `cleaner run` deduplicating against this index) held its lock too long: 503, try
        again (the message without the index's path: no server path is shown to a client)."""
        return JSONResponse({"detail": f"the index is {exc.why}"}, status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(IndexGoneError)
    async def index_gone(request: Request, exc: IndexGoneError) -> JSONResponse:
        """The index file was removed or replaced under the server: 503 until it is restarted (nothing stored, no
        server path shown), where a document was answered `kept` into the removed file and a read was a 500."""
        log.error("%s", exc)
        return JSONResponse({"detail": "the index file was removed or replaced while the server ran: restart the server"},
                            status_code=503)

    @app.exception_handler(IndexMismatchError)
    async def index_damaged(request: Request, exc: IndexMismatchError) -> JSONResponse:
        """The index file opened well at the start and is found damaged inside (`dedup.index.damaged`): 503, and not
        ready from then on, where each request was a 500 and /readyz said ready (nothing stored, no server path
        shown)."""
        log.error("%s", exc)
        app.state.damaged = True
        return JSONResponse({"detail": "the index file is damaged: restart the server on a sound index"},
                            status_code=503)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("error in %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error; the server log has the details"}, status_code=500)

    @app.post("/v1/clean", response_model=Verdict | list[Verdict], response_model_exclude_none=True, dependencies=bearer,
              summary="Clean one document or a batch (no state kept)")
    def clean(request: Request, body: Annotated[DocumentsIn, Body()]) -> Any:
        """Clean text, fields, edits and language of each document, as `cleaner clean` gives them."""
        return _as_sent(body, _service(request).clean(_documents(request, body)))

    @app.post("/v1/documents", response_model=Verdict | list[Verdict], response_model_exclude_none=True, dependencies=bearer,
              summary="Clean, gate and deduplicate one document or a batch; keep the survivors")
    async def documents(request: Request, body: Annotated[DocumentsIn, Body()]) -> Any:
        """`kept` (stored, with its cluster), `duplicate` (with `dup_of` and `similarity`) or `rejected` (with a reason)."""
        # on the event loop, which waits for the index on no thread: posts queued for a busy index held the pool of
        # 40 threads the reads shared, and hung them
        return _as_sent(body, await _service(request).submit_async(partial(_documents, request, body)))

    # the reads: on asyncio's threads, as /readyz, not the pool of 40 that requests being cleaned may all hold
    @app.get("/v1/documents/{doc_id:anything}", summary="A stored document: corpus record and raw text")
    async def document(request: Request, doc_id: str) -> dict[str, Any]:
        found = await asyncio.to_thread(_service(request).store.document, doc_id)
        if found is None:
            raise HTTPException(404, f"no stored document with id {shown(doc_id)}")
        return found

    @app.get("/v1/clusters/{cluster_id:anything}", summary="A kept document and the duplicates linked to it")
    async def cluster(request: Request, cluster_id: str) -> dict[str, Any]:
        found = await asyncio.to_thread(_service(request).store.cluster, cluster_id)
        if found is None:
            raise HTTPException(404, f"no cluster with id {shown(cluster_id)}")
        return found

    @app.get("/v1/stats", summary="Index and store sizes, and counts since start (this process)")
    async def stats(request: Request) -> dict[str, Any]:
        return await asyncio.to_thread(_service(request).stats)

    @app.get("/v1/rules", summary="The loaded rules, in run order")
    async def rules(request: Request) -> dict[str, Any]:  # the loaded rules and a listing of the packs' folder: quick
        return _service(request).rules()

    @app.post("/v1/rules/check", response_model=RuleCheck, dependencies=bearer,
              summary="Validate a rule pack and run its examples")
    def check_rules(request: Request, body: RulePackIn) -> RuleCheck:
        """The pack is checked, never loaded into the running service."""
        return _service(request).check_rules(body)

    @app.get("/review", response_class=HTMLResponse, summary="The review page over what the service holds")
    def review(request: Request, limit: ReviewLimit = 10_000) -> HTMLResponse:
        """The last `limit` kept documents, their duplicates and clusters, as the `cleaner review` page."""
        return HTMLResponse(_service(request).review(limit))

    @app.head("/review", response_class=HTMLResponse, include_in_schema=False)
    async def review_head(request: Request, limit: ReviewLimit = 10_000) -> Response:  # `limit` checked as GET's
        """GET's status and type without building the page, seconds for thousands of documents, for a body thrown
        away; no Content-Length, which only the page gives. The index is read as GET reads it: one removed or damaged
        under the server is GET's 503."""
        await asyncio.to_thread(_service(request).store.counts)
        response = HTMLResponse()
        del response.headers["content-length"]
        return response

    @app.get("/healthz", summary="The process is up")
    async def healthz() -> dict[str, str]:  # on the event loop: a plain `def` queued behind 40 requests being cleaned
        return {"status": "ok"}

    @app.get("/readyz", summary="Rules loaded and the index file readable")
    async def readyz(request: Request) -> JSONResponse:
        if app.state.damaged:
            return JSONResponse({"status": "not ready"}, status_code=503)
        try:  # on a thread of asyncio's, not the pool of 40 that requests being cleaned may all hold
            counts = await asyncio.to_thread(_service(request).store.counts)
        except IndexGoneError as exc:
            log.error("readiness check failed: %s", exc)
            return JSONResponse({"status": "not ready"}, status_code=503)
        except Exception:  # not ready is an answer, not an error
            log.exception("readiness check failed")
            return JSONResponse({"status": "not ready"}, status_code=503)
        return JSONResponse({"status": "ready", **counts})

    # HEAD on every GET route, the docs page's too (HTTP has a GET resource answer it; health checkers and `curl -I`
    # send it): it was a 405. Routes of their own, left out of the OpenAPI document, where HEAD was an operation of
    # the same id as GET's (ids must be unique)
    headed = {r.path for r in app.routes if isinstance(r, APIRoute) and "HEAD" in r.methods}  # /review's own
    for route in [r for r in app.routes if isinstance(r, APIRoute) and "GET" in r.methods and r.path not in headed]:
        app.add_api_route(route.path, route.endpoint, methods=["HEAD"], include_in_schema=False,
                          response_class=route.response_class, dependencies=route.dependencies)
    return app
