"""`Service`: the pipeline, the index and the document store behind the HTTP API, with no HTTP in it.

Built once at start-up (rule packs validated, language models loaded). Cleaning, tagging and gating
run on the caller's thread, in parallel with other requests; only dedup and storing go through one
*index thread*, which owns the index's SQLite connection. That thread runs each batch's
check-and-add, and the store's inserts, as one `BEGIN IMMEDIATE` transaction, so:

- in one process, batches are deduplicated one after the other (the single thread is the lock);
- across processes sharing the index file (several servers, or `cleaner run` beside the service),
  SQLite's write lock serialises them the same way; a killed process leaves whole batches or nothing.

A batch waits for the index (its turn on that thread, then another process's lock) the index's timeout at most
from when it is queued, then gets `IndexBusyError`, nothing of it stored; `submit_async` waits on no thread.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from threading import Lock
from typing import Any

from anyio import to_thread

from ..checks import pack_failures
from ..closing import Closing
from ..config import Config, ConfigError
from ..dedup.index import SERVED, IndexBusyError, busy
from ..io.records import bad
from ..models import Cleaned, Document, Rejected
from ..packs import RulePackError, check_notes, load_text, refuse_disabled_ids, shipped_packs
from ..pipeline import Pipeline, RunResult
from ..report import Stats
from ..review.page import render_review
from .schemas import RuleCheck, RulePackIn, Verdict
from .store import DocumentStore

MAX_ID_BYTES = 2_048
"""The longest id, in UTF-8 bytes, of a document the service stores: `GET /v1/documents/{id}` must carry it,
percent-encoded (3 characters a byte at most), in a request line uvicorn takes (h11 keeps 16 KB of a request's head
that comes in parts) and a proxy passes (nginx: 8 KB). One of 200,000 characters was stored, its GET never answered."""


DOT_SEGMENTS = frozenset((".", ".."))
"""The path segments clients resolve before they send a URL (RFC 3986's dot segments: httpx, curl and browsers do)."""
SEGMENT_BREAK = re.compile(r"[/\\]")
"""What ends a URL path's segment for a browser: a slash, and a backslash (WHATWG's URL parser reads it as one)."""


WARM_UP = (
    {"id": "warm-up-page", "html": "<html lang='fr'><head><title>Le budget voté</title>"
                                   "<meta property='article:published_time' content='2024-03-05'></head><body><article>"
                                   "<h1>Le budget voté</h1><p class='byline'>Par Jeanne Martin</p><p>Le conseil "
                                   "municipal a voté hier soir le budget de l'année prochaine, après un long débat sur "
                                   "les écoles et les transports.</p></article></body></html>"},
    {"id": "warm-up-text", "text": "Publié le 5 mars 2024\nLe conseil municipal a voté hier soir le budget."},
)
"""The page and the text `Service.warm` cleans and tags: the HTML path's libraries (trafilatura, lxml, htmldate) are
imported, and the language backends' models read, at the first document that needs them."""


def fetchable(item: Document | Rejected) -> Document | Rejected:
    """`item`, or a `bad_input` rejection of a document whose id `GET /v1/documents/{id}` could not carry
    (`unfetchable`)."""
    why = unfetchable(item.id) if isinstance(item, Document) else None
    return item if why is None else bad(item.id, f"{item.where}: {why}")


def unfetchable(rid: str) -> str | None:
    """Why `GET /v1/documents/{id}` could not carry the id `rid`, or None: over `MAX_ID_BYTES`, or `.` or `..`
    between slashes or backslashes, a dot maybe written `%2e` (`..`, `a/../b`, `a\\%2e%2e\\b`: `_dot_segment`), which a
    client resolves before it sends the URL: `..` was stored, and its GET got a 404 that named no id; `a/../b` fetched
    `b`."""
    if (size := len(rid.encode("utf-8"))) > MAX_ID_BYTES:
        return (f"the id is {size:,} bytes in UTF-8, over the {MAX_ID_BYTES:,} a stored document's may hold "
                "(GET /v1/documents/{id} could not carry it)")
    if any(map(_dot_segment, SEGMENT_BREAK.split(rid))):
        return ("the id holds '.' or '..' (or '%2e' for a dot) between slashes or backslashes, which clients resolve "
                "in a URL (GET /v1/documents/{id} would fetch another document, or none)")
    return None


def _dot_segment(segment: str) -> bool:
    """Whether a path segment is one a client resolves: `.` or `..`, a dot maybe written `%2e` or `%2E` (`%2e.`,
    `.%2E`, `%2e%2e`), as browsers read them too (WHATWG URL)."""
    return segment.lower().replace("%2e", ".") in DOT_SEGMENTS


def verdict(item: Cleaned | Rejected, kept: str = "kept", clusters: Mapping[str, str] | None = None) -> Verdict:
    """The API's answer for one pipeline result (`kept` names a surviving document's status; `clusters`, the batch's
    `clusters_of_ids`, a `repeated_id` copy's cluster)."""
    if isinstance(item, Cleaned):
        return Verdict(id=item.id, status=kept, cluster=item.cluster, record=item.record())
    said = {"lang": item.lang, "lang_score": item.lang_score, "warnings": list(item.warnings) or None}  # as rejects
    if item.stage == "dedup":
        cluster = (clusters or {}).get(item.id) if item.reason == "repeated_id" else item.dup_of
        return Verdict(id=item.id, status="duplicate", reason=item.reason, detail=item.detail, cluster=cluster,
                       dup_of=item.dup_of, similarity=item.similarity, **said)
    return Verdict(id=item.id, status="rejected", reason=item.reason, stage=item.stage, detail=item.detail, **said)


def clusters_of_ids(items: list[Cleaned | Rejected]) -> dict[str, str]:
    """The cluster of each id's copy that went on to dedup: its own id when kept, the kept document's it copies
    otherwise. A `repeated_id` copy is answered in it: it named a cluster of its own id, never kept when the first
    copy was a duplicate (its GET a 404)."""
    return {item.id: item.cluster if isinstance(item, Cleaned) else item.dup_of for item in items
            if isinstance(item, Cleaned) or (item.stage == "dedup" and item.reason != "repeated_id")}


class _Served(Pipeline):
    """The service's `Pipeline`: a duplicate's detail names the run that kept its original by the folder's name,
    `kept by an earlier run (outA)`: the folder's path is the server's, no client's business."""

    def keepers(self, ids: Iterable[str]) -> dict[str, str | None]:
        return {doc_id: folder if folder == SERVED else folder and Path(folder).name
                for doc_id, folder in super().keepers(ids).items()}


class Service(Closing):
    """`Service(config, index)`: a `Pipeline` over the index file at `index`, and the document store in it."""

    def __init__(self, config: Config, index: str | Path) -> None:
        if str(index) == ":memory:":
            raise ConfigError("the service needs an index file, not ':memory:' (its readers open the file)")
        self.config = config
        self.index_path = str(index)
        self.started = time.time()
        self._index_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cleaner-index")
        try:
            self.pipeline: Pipeline = self._on_index_thread(_Served, config, index)
            index = self.pipeline.dedup.index
            self.store: DocumentStore = self._on_index_thread(DocumentStore, self.index_path, index.connection,
                                                              index.timeout)
        except BaseException:
            self._index_thread.shutdown()
            raise
        self._stats = Stats()  # POST /v1/documents
        self._cleaned = Stats()  # POST /v1/clean
        self._stats_lock = Lock()

    def warm(self) -> None:
        """Clean and tag `WARM_UP` as `clean` does, uncounted: the first request to a server paid for the imports and
        models (a page took 1.3 s where the next took 0.4 s, over 5 s on a busy machine)."""
        self.pipeline.prepare_many(WARM_UP, gates=False)

    def _on_index_thread(self, fn, *args: Any) -> Any:
        return self._index_thread.submit(fn, *args).result()

    def close(self) -> None:
        """Close the index and stop its thread."""
        self._on_index_thread(self.pipeline.close)
        self._index_thread.shutdown()

    def clean(self, docs: list[Document | Rejected]) -> list[Verdict]:
        """Clean and tag each document (no gates, no dedup, nothing stored), like `cleaner clean`."""
        prepared = self.pipeline.prepare_many(docs, gates=False)
        with self._stats_lock:
            for item in prepared:
                self._cleaned.add(item)
        return [verdict(item, kept="cleaned") for item in prepared]

    def submit(self, docs: list[Document | Rejected]) -> list[Verdict]:
        """Clean, tag, gate and deduplicate a batch against the index; keep and store the survivors.
        A document whose id could not be fetched back is rejected (`fetchable`). Returns one verdict per input
        document, in input order. The index is waited for as `_queue` says: `IndexBusyError` past its timeout."""
        return self._answer(self._queue(self._prepare(docs)).result())

    async def submit_async(self, documents: Callable[[], list[Document | Rejected]]) -> list[Verdict]:
        """`submit` for an event loop, of the batch `documents()` makes: making, cleaning and answering on a worker
        thread (anyio's, a server's request threads), the wait for the index on none, so batches queued for a busy
        index hold no thread that reads and other requests need. (The documents made on the loop held it 10 s for a
        body of 3,000, every other request waiting: a review.)"""
        prepared = await to_thread.run_sync(lambda: self._prepare(documents()))
        return await to_thread.run_sync(self._answer, await asyncio.wrap_future(self._queue(prepared)))

    def _prepare(self, docs: list[Document | Rejected]) -> list[Cleaned | Rejected]:
        """A batch cleaned, tagged and gated, for `_queue`."""
        return self.pipeline.prepare_many([fetchable(d) for d in docs])

    def _queue(self, prepared: list[Cleaned | Rejected]) -> Future[RunResult]:
        """Queue a prepared batch for the index thread's check-and-add. It waits for the index the index's timeout
        from now, its turn in the queue included (each batch waited its own in turn, so the Kth of a queue behind a
        lock another process held waited K timeouts): past it, `IndexBusyError`, and nothing stored."""
        return self._index_thread.submit(self._commit, prepared, time.monotonic() + self.pipeline.dedup.index.timeout)

    def _answer(self, result: RunResult) -> list[Verdict]:
        """The verdicts of a committed batch, in input order, counted in the stats."""
        with self._stats_lock:
            for item in result.in_order:
                self._stats.add(item)
        clusters = clusters_of_ids(result.in_order)
        return [verdict(item, clusters=clusters) for item in result.in_order]

    def _commit(self, prepared: list[Cleaned | Rejected], deadline: float) -> RunResult:
        index = self.pipeline.dedup.index
        left = deadline - time.monotonic()
        try:
            if left <= 0:  # its time ran out in the queue: refused now, not stored later
                raise busy(index.path, index.timeout)
            with index.write_lock(left):  # dedup_batch's own lock nests inside: one transaction with the store
                self.store.check_file()  # not "kept" into a file removed since it was opened
                result = self.pipeline.deduplicate(prepared)
                self.store.add(result)
        except IndexBusyError:  # the wait was for this service's own batches as much as for another process's lock
            raise IndexBusyError(index.path, f"busy: the batch waited over {index.timeout:g} s for the index, behind "
                                 "the batches this service took before it or another process's write lock (a run "
                                 "deduplicating or adding its documents, or another service storing some); try again "
                                 "when it is done") from None
        return result

    def stats(self) -> dict[str, Any]:
        """Index and store sizes, and what this process did since it started."""
        with self._stats_lock:
            since_start, cleaned = self._stats.as_dict(), self._cleaned.as_dict()
        return {
            "index": Path(self.index_path).name,
            "index_documents": self.store.index_size(),
            **self.store.counts(),
            "uptime_s": round(time.time() - self.started, 1),
            "since_start": since_start,
            "cleaned_since_start": cleaned,
        }

    def rules(self) -> dict[str, Any]:
        """The loaded rules, in run order, the ids of those the config disables (`disabled_rules`), and the pack files
        they came from (by name: a client is not told the server's folders)."""
        ruleset = self.pipeline.cleaner.rules
        shipped = set(shipped_packs())
        return {
            "files": [f"shipped/{Path(f).name}" if Path(f) in shipped else Path(f).name for f in ruleset.files],
            "rules": [{"id": r.id, "kind": r.kind, "description": " ".join(r.description.split()),
                       "langs": list(r.langs), "sources": list(r.sources)} for r in ruleset.rules],
            "disabled": [r.id for r in ruleset.disabled],
        }

    def check_rules(self, pack: RulePackIn) -> RuleCheck:
        """Validate a pack and run its examples (keep examples also through the loaded rules unless
        `alone`); a rule of the id of one the config disables is refused, `alone` too, as `rules check` refuses it.
        The pack is never added to the running rules."""
        try:
            checked = load_text(pack.pack, pack.name)
            refuse_disabled_ids(checked.in_load_order(), checked.places, self.pipeline.cleaner.rules)
        except RulePackError as exc:
            return RuleCheck(ok=False, error=str(exc))
        rules = checked.in_load_order()
        loaded = [] if pack.alone else self.pipeline.cleaner.rules.rules
        others = [r for r in loaded if r.id not in checked.places]
        failures = list(pack_failures(rules, checked.places, [*rules, *others], self.config.regex_timeout))
        examples = sum(len(r.examples.remove) + len(r.examples.keep) for r in rules)
        return RuleCheck(ok=not failures, rules=len(rules), examples=examples, failures=failures,
                         notes=check_notes(rules, loaded, checked.places))

    def review(self, limit: int) -> str:
        """The review page (see `cleaner review`) over the last `limit` documents the service kept."""
        return render_review(self.store.review_run(limit), self.pipeline.cleaner.rules, self.config)

    def corpus(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """The stored documents as `(corpus record, raw record)` pairs; see `DocumentStore.corpus`."""
        return self.store.corpus()
