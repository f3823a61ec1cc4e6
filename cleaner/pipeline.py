"""The corpus pipeline: clean → language → gates → dedup, from one `Config`.

`Pipeline.prepare` runs the per-document stages; `Pipeline.run` takes a whole batch through them and
then through dedup against the index, and returns every input exactly once: kept documents and
rejections, each sorted by id, so the output does not depend on input order.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from inspect import GEN_SUSPENDED, getgeneratorstate
from typing import Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel

from .closing import Closing
from .config import Config, ConfigError, config_of, warn
from .dedup.cluster import Cluster, Decision, Deduplicator, Item, copy_tiebreak, repeated
from .dedup.index import SERVED
from .dedup.signature import DedupParams, Signer
from .engine import Cleaner
from .gates import gate
from .io.decoding import decode_text
from .io.records import (BYTES, bad, clashing, empty, jsonable, named_by, record_document, record_id, refused,
                         text_document, unheld_numbers)
from .lang import LangResult, Tagger, make_tagger
from .models import Cleaned, Document, Rejected
from .packs import RuleSet
from .text import visible_length, without_surrogates

DocLike = Document | Mapping[str, Any] | str | bytes | bytearray | memoryview
"""What the API and the pipeline accept as a document."""
ONE_DOCUMENT = (BaseModel, str, *BYTES, Mapping)
"""The types of a single document, though iterable (over its characters, bytes, keys or fields): a `Document`, and
any other pydantic model, such as a `Rejected` or `Cleaned` given back, which is one item, not one per field."""


def as_document(doc: DocLike, index: int = 0, config: Config | None = None) -> Document | Rejected:
    """A document from a `Document` (one the caller built checked as a record is, its `meta` made JSON as a record's
    is, then taken as given, unrepaired but for lone surrogates in its text, which UTF-8 cannot hold: replaced with
    U+FFFD and flagged), a mapping, a plain string, or the bytes of one (decoded as a `.txt` file is,
    `io.decoding.decode_text`: UTF-8 or by its byte order mark, invalid bytes replaced and flagged).

    A mapping is taken in as the readers take a record (`io.records.record_document`: `id`/`text` by the
    config's field names, `url`, `source`, `html`, `lang` when strings, other fields and a `meta`
    mapping into `meta`; a NaN or an infinity in it written as null and flagged, as a JSONL line's,
    `unheld_numbers`). A mapping without an id, or a string, is given `<index>:<hash of its text>`
    (`io.records.record_id`). A missing, empty, binary or oversized text, or one that is not a string,
    is a `bad_input` or `too_large` rejection at stage `read` that names the document by its position
    (`document 3`), and NUL characters, lone surrogates and mojibake are repaired, each repair a warning."""
    where = f"document {index}"
    config = config or Config.load()
    if isinstance(doc, Document):  # one a reader made (`where` it was read) was checked then
        if doc.where is not None:
            return _utf8_text(doc, where)
        doc = _as_record(doc, str(index), where)
        return _refused(doc, where, config) or _utf8_text(doc, where)
    if isinstance(doc, BYTES):  # the bytes of a text: read as a .txt file is
        text, warnings = decode_text(bytes(doc), where, config.encoding)
        return text_document(record_id(None, str(index), text), text, where, config, warnings, raw=text)
    if isinstance(doc, str):
        return text_document(record_id(None, str(index), doc), doc, where, config, raw=doc)
    if not isinstance(doc, Mapping):  # None, a number, a list: not a document (a list of pairs is not taken for one)
        return bad(None, f"{where}: not a document ({type(doc).__name__}; give a mapping, a string or a Document)", doc)
    return record_document(dict(doc), where, str(index), config, unheld_numbers(doc, where))


def _refused(doc: Document, where: str, config: Config) -> Rejected | None:
    """Why a `Document` the caller built is no document, as for a record read (`io.records.refused`, `empty`): an
    empty, binary or oversized text was cleaned, or refused at stage `clean` without naming its position."""
    raw = doc.model_dump(exclude_defaults=True)
    return refused(doc.id, doc.text, doc.html, where, config, raw) or empty(doc.id, doc.text, doc.html, where, raw)


def _as_record(doc: Document, place: str, where: str) -> Document:
    """A `Document` the caller built, named and its `meta` made as a record's (`io.records.record_document`): a blank
    id as `<place>:<hash>` (`record_id`), where every blank one was one id (a second text was a `repeated_id`, one of a
    later batch `already_indexed`), and `meta` as JSON holds it (`jsonable`: a date as ISO 8601, a set as a sorted
    list, a NaN as null, flagged as a JSONL line's is: `unheld_numbers`), where a date made `run` raise, losing the batch,
    when two documents shared an id, and `clean` gave records no JSON writer takes; an `html` beside a text that is
    not blank, never read, in `meta` (`io.records.PAGE_FIELDS`: it was dropped without a trace), over a `meta.html`
    of another value with a warning."""
    update = {"id": record_id(doc.id, place, named_by(doc.text, doc.html)), "meta": jsonable(doc.meta)}
    warnings = unheld_numbers(doc.meta, where)
    if doc.html is not None and doc.text.strip():
        if update["meta"].get("html", doc.html) != doc.html:
            warnings += (clashing(where, ["html"]),)
        update |= {"html": None, "meta": {**update["meta"], "html": doc.html}}
    if warnings:
        update["warnings"] = (*doc.warnings, *warnings)
    return doc if update == {"id": doc.id, "meta": doc.meta} else doc.model_copy(update=update)


def _utf8_text(doc: Document, where: str) -> Document:
    """`doc` with each lone surrogate of its text as U+FFFD, flagged (dedup's signing and the output
    encode the text as UTF-8: one raised out of `run`, losing the batch, and ended a `stream`)."""
    if (text := without_surrogates(doc.text)) == doc.text:
        return doc
    return doc.model_copy(update={"text": text, "warnings": (*doc.warnings, f"{where}: lone surrogate escapes replaced with U+FFFD")})


def batch_of(docs: Iterable[Any]) -> Iterable[Any]:
    """`docs`, an iterable of documents; a single document is a `TypeError` (iterated, its characters,
    keys or fields were each taken for a document, and kept in the index)."""
    if isinstance(docs, ONE_DOCUMENT):
        raise TypeError(f"give an iterable of documents, not one {type(docs).__name__}: [doc] is a batch of one")
    return docs


def _prepared(items: Iterable[Any], method: str) -> list[Cleaned | Rejected]:
    """`items`, the results of `prepare` (each a `Cleaned` or a `Rejected`), as a list; one alone (`batch_of`), or a
    document not prepared, is a `TypeError` saying what to give, where dedup failed on an attribute it lacked."""
    items = list(batch_of(items))
    for n, item in enumerate(items):
        if not isinstance(item, (Cleaned, Rejected)):
            raise TypeError(f"{method} takes what prepare_many gives (a Cleaned or a Rejected each), not a "
                            f"{type(item).__name__} (item {n}): prepare_many(docs) first, or run(docs) for both")
    return items


def index_path(index: str | os.PathLike[str] | None) -> str | os.PathLike[str]:
    """The index file `Pipeline(index=...)` names: None is an index in memory, as leaving `index` out is; a value that
    is no path (`5`) is a `TypeError`, and a blank path a `ConfigError`, as `--index ''` is (taken as text, they made
    index files named `None` and `5` in the working folder, and `""` was the folder `.`)."""
    if index is None:
        return ":memory:"
    if not isinstance(index, (str, os.PathLike)):
        raise TypeError(f"index must be the path of an index file (a str or a Path) or None, "
                        f"not {type(index).__name__}")
    if not os.fspath(index).strip():
        raise ConfigError("index is empty: give the index file, or leave index out (or None) for one in memory")
    return index


def tagged(doc: Cleaned, found: LangResult) -> Cleaned:
    """`doc` with `lang`, `lang_score` and `langs` set from what the tagger `found` in its clean text."""
    return doc.model_copy(update={"lang": found.lang, "lang_score": found.score, "langs": found.langs})


def dedup_params(config: Config) -> DedupParams:
    """The MinHash parameters of `config`."""
    return DedupParams(num_perm=config.num_perm, threshold=config.dedup_threshold, shingle_size=config.shingle_size)


_DEDUP_DETAIL = {
    "duplicate": "near-duplicate of {dup_of}{kept_by} (estimated Jaccard {similarity:.3f})",
    "exact_duplicate": "same normalised clean text as {dup_of}{kept_by}",
    "already_indexed": "this id is already in the index{kept_by}",
    "repeated_id": "this id appears more than once in the input; only the copy ranked first by the keep policy"
                   " goes on to dedup (its own verdict says whether it was kept)",
}
_MEASURED = "near-duplicate of {dup_of} (Jaccard {similarity:.3f} of their shingles, verified exactly)"
"""The detail of a `duplicate` whose similarity is exact (`Decision.exact_similarity`)."""
_KEPT_BY = {"": ", kept by an earlier run", SERVED: ", kept by an earlier service request",
            None: ", kept by an earlier batch (a Pipeline call or a run of an older cleaner)"}
"""What the detail of a duplicate, or of an id given again (`already_indexed`), says of the document it copies or whose
id it has, kept by an earlier batch (`DedupIndex.keepers`), when the index records no run folder; one it records:
`, kept by an earlier run (FOLDER)`."""
_REPEATED_AT = ("this id appears more than once in the input (this copy at {}); only the copy ranked first by the keep"
                " policy, at {}, goes on to dedup (its own verdict says whether it was kept)")
"""The detail of a `repeated_id` whose copies' places are known (`Decision.places`)."""


@dataclass
class RunResult:
    """What one batch gave: kept documents and rejections (sorted by id), and the duplicate groups."""

    kept: list[Cleaned] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    clusters: tuple[Cluster, ...] = ()
    in_order: list[Cleaned | Rejected] = field(default_factory=list)
    """Every input's outcome, in input order (copies of one id told apart by position, not by id)."""

    def results(self) -> Iterator[Cleaned | Rejected]:
        """Kept and rejected together, by id."""
        items: list[Cleaned | Rejected] = [*self.kept, *self.rejected]
        return iter(sorted(items, key=_order))


def _order(item: Cleaned | Rejected) -> tuple:
    """Where a batch's result goes among its results (`RunResult.results`): by id, as the rejects file is ordered."""
    if isinstance(item, Cleaned):
        return False, item.id, False, ""
    idless = item.record() if item.id is None else None
    return item.id is None, item.id or "", True, order_detail(item.reason, item.detail, idless)


class Pipeline(Closing):
    """A pipeline built from `config`: a `Cleaner`, a language `Tagger` and a `Deduplicator` over an index file.

    `index` is the SQLite file that dedup reads and adds to (":memory:", the default, or None, for none that lasts;
    `index_path`); `rules`, rule packs loaded already (`cleaner.packs.load_rules(config)`, which is what they are by
    default).
    """

    def __init__(self, config: Config | None = None, index: str | os.PathLike[str] | None = ":memory:", *,
                 rules: RuleSet | None = None):
        self.config = config_of(config)
        index = index_path(index)  # before the packs are loaded: refused at once
        self.cleaner = Cleaner(self.config, rules)
        self.tagger: Tagger = make_tagger(self.config.lang_backend, lingua_budget=self.config.lingua_budget)
        self.dedup = Deduplicator(index, dedup_params(self.config))
        self._batches: WeakKeyDictionary[Generator, _Held] = WeakKeyDictionary()
        """The batches of streams being taken (`_taken`), for `close` to end."""
        self._learning_said = False

    def close(self) -> None:
        """Close the index file (the batch of a `stream` not run to its end is closed first: it indexes what was
        taken, and the stream read on raises the `RuntimeError` of a closed pipeline; one running on another
        thread right now is waited for, if it is deciding or taking a batch, and its next batch is that error)."""
        for batch in list(self._batches):
            try:
                batch.close()
            except ValueError:  # "generator already executing", on another thread
                pass
        self.dedup.close()

    def tag(self, doc: Cleaned) -> Cleaned:
        """The document with `lang`, `lang_score` and `langs` set from its clean text."""
        return tagged(doc, self.tagger.tag(doc.text))

    def prepare(self, doc: Document | Rejected | DocLike, gates: bool = True) -> Cleaned | Rejected:
        """Extract (a page with `html` and no text), clean, tag and (with `gates`) gate one document (a
        mapping or a string is taken in by `as_document`); a rejection passes through."""
        return self.prepare_many([doc], gates)[0]

    def prepare_many(self, docs: Iterable[Document | Rejected | DocLike], gates: bool = True,
                     start: int = 0) -> list[Cleaned | Rejected]:
        """`prepare` of each document, the languages of the batch detected at once (cheaper than one by one);
        a document given without an id is named by its position, counted from `start`, as `run` names it."""
        self.dedup.check_open()  # a closed pipeline is closed for every use, as the README says
        cleaned = [self._cleaned(doc, n) for n, doc in enumerate(batch_of(docs), start)]
        found = iter(self.tagger.tag_many([out.text for out in cleaned if isinstance(out, Cleaned)]))
        out: list[Cleaned | Rejected] = []
        for doc in cleaned:
            if isinstance(doc, Cleaned):
                doc = tagged(doc, next(found))
                doc = (gate(doc, self.config) or doc) if gates else doc
            out.append(doc)
        return out

    def _cleaned(self, doc: Document | Rejected | DocLike, position: int) -> Cleaned | Rejected:
        """One document extracted (when it is a page) and cleaned, its given fields kept; not yet tagged."""
        if isinstance(doc, Rejected):
            return doc
        doc = as_document(doc, position, self.config)
        if isinstance(doc, Rejected):
            return doc
        if not (doc.html and not doc.text.strip()):
            return self.cleaner.clean(doc)
        from .html import extract_html, no_article  # a page's: texts never load the HTML path (~50 ms of import)

        page, doc = doc, extract_html(doc, self.config)
        if isinstance(doc, Rejected):
            return doc
        out = self.cleaner.clean(doc)
        if isinstance(out, Rejected):
            return out
        return no_article(page, out) or out

    def run(self, docs: Iterable[Document | Rejected | DocLike], start: int = 0) -> RunResult:
        """One batch through every stage, deduplicated against (and added to) the index.

        Documents given without an id are named by their position, counted from `start`, and a hash
        of their text (`as_document`)."""
        self.not_learning()
        return self.deduplicate(self.prepare_many(docs, start=start))

    def not_learning(self) -> None:
        """Warn, once per pipeline, that `learn_boilerplate` is not applied here (`clean`, which shares one pipeline per
        config, or `run`, `stream`, `deduplicate`): it takes the whole corpus (`cleaner run`), and a batch's or stream's
        results would depend on what else it held."""
        if self.config.learn_boilerplate and not self._learning_said:
            self._learning_said = True
            warn("learn_boilerplate is for `cleaner run`, which learns each source's boilerplate from the whole "
                 "corpus; clean(), Pipeline.run, stream and deduplicate clean each document with the rule packs alone")

    def deduplicate(self, prepared: Iterable[Cleaned | Rejected], add: bool = True) -> RunResult:
        """The dedup stage of `run` alone, over the results of `prepare` (so a caller can prepare
        documents outside the index's write lock and hold it only for this step). With `add=False` the
        index is only read, and `index_kept` adds the kept documents later."""
        self.not_learning()
        prepared = _prepared(prepared, "deduplicate")
        self._not_held()
        return self._decided(prepared, add)[0]

    def _not_held(self) -> None:
        """Refuse a batch on a thread where a stream of this pipeline holds the index with results not taken yet (its
        consumer stopped on an error, as in a notebook cell, or decides inside its loop). The lock is this thread's:
        the batch would not wait, but decide inside the stream's transaction, against texts the stream has not
        delivered (they came back as what it duplicated, and left the index when the stream was closed: lost)."""
        if not self.dedup.held_here():
            return
        for batch, held in list(self._batches.items()):
            if held.left and getgeneratorstate(batch) == GEN_SUSPENDED:
                raise RuntimeError(f"a stream of this pipeline holds the index on this thread, its batch of documents "
                                   f"{held.first} to {held.last} half taken ({held.left} results left): close it "
                                   "(stream.close(), or close the pipeline) or take it to its end first (waiting for "
                                   "it here would wait for ever)")

    def keepers(self, ids: Iterable[str]) -> dict[str, str | None]:
        """Who kept these documents of earlier batches, as a duplicate's detail names them (`DedupIndex.keepers`: a
        run by its folder's path)."""
        return self.dedup.keepers(ids)

    def _decided(self, prepared: Iterable[Cleaned | Rejected], add: bool,
                 cite: bool = True) -> tuple[RunResult, dict[str, Item]]:
        """`deduplicate`, and what dedup read of each kept document (signed), by id (`cite`: see `dedup_batch`)."""
        result = RunResult()
        survivors: list[Cleaned] = []
        where: list[int] = []  # each survivor's input position
        for n, out in enumerate(prepared):
            result.in_order.append(out)
            if isinstance(out, Rejected):
                result.rejected.append(out)
            else:
                survivors.append(out)
                where.append(n)
        twins = set(repeated([d.id for d in survivors]))  # copies of an id that tie are ordered as a run orders them
        items = [_item(d, self.dedup.signer, n in twins) for n, d in enumerate(survivors)]
        batch = self.dedup.run(items, add=add, cite=cite)
        keepers = self.keepers(batch.earlier())
        kept_items: dict[str, Item] = {}
        for pos, decision in zip(batch.positions, batch.decisions):
            doc = survivors[pos]
            if decision.kept:
                outcome = doc.model_copy(update={"cluster": decision.cluster})
                result.kept.append(outcome)
                kept_items[doc.id] = items[pos]
            else:
                outcome = dedup_rejection(decision, doc.document.model_dump(exclude_defaults=True),
                                          tagged={"lang": doc.lang, "lang_score": doc.lang_score}, keepers=keepers)
                result.rejected.append(outcome)
            result.in_order[where[pos]] = outcome
        result.kept.sort(key=_order)
        result.rejected.sort(key=_order)
        result.clusters = batch.clusters
        return result, kept_items

    def index_kept(self, delivered: Iterable[Cleaned | Rejected]) -> int:
        """Add documents that `deduplicate(..., add=False)` kept to the index, as `add=True` would have; returns how
        many. Its duplicates given with them (`in_order`, or the rejections delivered) cite what they point to, as
        `add=True` does; other rejections are passed over."""
        delivered = _prepared(delivered, "index_kept")
        self._not_held()
        kept: list[Cleaned] = []
        cites: list[str] = []
        for out in delivered:
            if isinstance(out, Cleaned):
                kept.append(out)
            elif out.dup_of:
                cites.append(out.dup_of)
        return self.dedup.add((_item(d, self.dedup.signer) for d in kept), cites)

    def stream(self, docs: Iterable[Document | Rejected | DocLike], batch_size: int = 1_000) -> Stream:
        """Every stage over a stream, `batch_size` documents at a time, results out in input order as each
        batch is done (as `in_order`: copies of one id are told apart by position).

        Within a batch the keep policy decides; across batches the earlier batch wins (its documents
        are in the index by then), as in a service. Memory holds one batch. A batch holds the index's lock
        from its decision until it has been taken (`_taken`): a consumer that stops in the middle of a
        batch (`break`, an error, `close()`, the end of its `with`) leaves the rest of it out of the index, to be given
        again."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise TypeError(f"batch_size must be a whole number, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.not_learning()
        return Stream(self, iter(batch_of(docs)), batch_size)

    def _taken(self, prepared: list[Cleaned | Rejected], held: _Held) -> Generator[Cleaned | Rejected]:
        """One batch of `stream`: decided and added under the index's lock, which is held while its results
        are taken, so that no other batch decides meanwhile; the kept documents not taken when the consumer
        stops (or the pipeline is closed) are taken out of the index again, and only the duplicates taken cite
        what they point to (`DedupIndex.cite`). `held.left` counts the results not taken yet (`_not_held`).

        The last result is handed out once the batch is settled (committed, the lock released): no hold outlives its
        batch, so holds never nest on a thread (nested, they shared one transaction, and whichever ended first
        committed the other's: a `run` after the stream's last result was undone with it, and closing one stream
        committed another's half-taken batch)."""
        with self.dedup.holding() as settle:
            result, items = self._decided(prepared, add=True, cite=False)
            untaken = dict(items)
            cited: list[str] = []
            held.left = len(result.in_order)
            try:
                for out in result.in_order:
                    held.left -= 1  # counted as taken once handed out: the consumer has it when this yield is suspended
                    if isinstance(out, Cleaned):
                        untaken.pop(out.id, None)
                    elif out.dup_of:
                        cited.append(out.dup_of)
                    if not held.left:
                        break
                    yield out
            except GeneratorExit:
                return  # the consumer stopped: the batch ends here, with what it took (rolled back, it would lose that)
            finally:  # on the thread that closes the stream, maybe not the one that decided it
                held.left = 0  # the batch has ended: none of it is left to take, and the stream's next batch is due
                settle(untaken.values(), cited)
        yield out


_TURN_POLL = 0.05
"""How often a thread waiting for its turn at a stream looks whether it holds the index itself (`Stream.__next__`):
then the thread inside may be waiting for it, and waiting on would wait for ever (a review): it is refused instead."""


class Stream(Closing, Iterator[Cleaned | Rejected]):
    """What `Pipeline.stream` gives, an iterator that `close()` (or the end of its `with`) stops: its input read a
    batch at a time, each batch taken through `Pipeline._taken`. A batch read from the input is kept here until it
    is decided: an error before that (the index busy, or closed; a next batch refused by `Pipeline._not_held` before
    it is read) leaves the stream as it was, to be read on (the stream was one generator, which a raise ended for
    good: the batch read and the rest of the input were never answered, and read again it gave nothing and no
    error). One thread reads it at a time: another waits its turn."""

    def __init__(self, pipeline: Pipeline, it: Iterator[Document | Rejected | DocLike], batch_size: int):
        self._pipeline = pipeline
        self._it = it
        self._size = batch_size
        self._held = _Held(0, -1)
        """The batch being taken (none yet): when none of it is left, the next is read from the input."""
        self._read: list[Document | Rejected | DocLike] = []
        """The next batch as read from the input, until it is decided."""
        self._error: Exception | None = None
        """What the input raised, once the documents it gave before are answered."""
        self._results: Generator[Cleaned | Rejected] | None = None
        """The results of the batch being taken: the generator holds no reference to this stream, so that dropping the
        stream closes it at once, and the rest of the batch it was taking leaves the index."""
        self._ended = False
        self._turn = threading.RLock()

    def __next__(self) -> Cleaned | Rejected:
        while not self._turn.acquire(timeout=_TURN_POLL):
            if self._pipeline.dedup.held_here():  # the reader inside may wait for this thread's half-taken batch
                self._pipeline._not_held()
        try:
            if self._ended and self._results:  # closed on another thread while this one was inside
                self._results.close()
            if self._results and (out := next(self._results, None)) is not None:
                return out
            return self._next_batch()
        finally:
            self._turn.release()
            if self._ended:  # a `close` that came while this thread was inside: done here if nobody else is
                self._end_results()

    def _end_results(self) -> None:
        """Close the batch being taken, when no thread is inside the stream (one that is ends it when it leaves)."""
        if self._results and self._turn.acquire(blocking=False):
            try:
                self._results.close()
            finally:
                self._turn.release()

    def _next_batch(self) -> Cleaned | Rejected:
        """The first result of the next batch, read from the input and decided; the input's error once the documents
        read before it are answered (and then the stream has ended, as its input has)."""
        if self._ended:
            raise StopIteration
        self._pipeline.dedup.check_open()
        self._pipeline._not_held()
        self._fill()
        if not self._read:
            self._ended = True
            error, self._error = self._error, None
            if error is not None:
                raise error
            raise StopIteration
        first = self._held.last + 1
        prepared = self._pipeline.prepare_many(self._read, start=first)
        if self._ended:  # closed on another thread while this one read the input or cleaned: not decided
            raise StopIteration
        taken = self._pipeline._taken(prepared, self._held)
        self._pipeline._batches[taken] = self._held
        out = next(taken)  # decided: the batch is the consumer's now, taken or given again after a stop
        self._held.first, self._held.last = first, first + len(self._read) - 1
        self._results, self._read = taken, []
        if self._ended:  # closed on another thread while this one decided: that one result, the batch then ended
            taken.close()
        return out

    def _fill(self) -> None:
        """Read the input up to a batch, one document at a time: an error from it stops the reading, kept for after
        the documents read before it are answered (read by `islice`, they were lost)."""
        while self._error is None and len(self._read) < self._size:
            try:
                self._read.append(next(self._it))
            except StopIteration:
                return
            except Exception as exc:  # noqa: BLE001 - the input's, raised in its turn (`_next_batch`)
                # without this frame, which holds the stream: kept, it made a cycle, and a stream dropped held the
                # index until the garbage collector came (a review)
                self._error = exc.with_traceback(exc.__traceback__.tb_next if exc.__traceback__ else None)

    def close(self) -> None:
        """Stop the stream: what was taken of its batch stays in the index, the rest leaves it (`Pipeline._taken`). A
        thread inside it (reading the input, cleaning, deciding) ends it at its next step: it decided its next batch and
        handed out its results after `close` returned (a review); a batch decided meanwhile gives that one result and
        ends at once, freeing the index (it held it until the stream was read again)."""
        self._ended = True
        self._end_results()


@dataclass
class _Held:
    """A stream's batch as it is taken (one for the stream, each batch in turn): the input positions of its documents,
    and how many results are left."""

    first: int
    last: int
    left: int = 0


def _item(doc: Cleaned, signer: Signer, twin: bool = False) -> Item:
    """What dedup reads of a document, signed by `signer`; `twin` when another document of the batch has
    its id (`_tiebreak`)."""
    return Item(id=doc.id, text=doc.text, length=visible_length(doc.text), published=doc.published,
                signed=signer.sign(doc.text), tiebreak=_tiebreak(doc) if twin else b"", place=doc.document.where or "")


def _tiebreak(doc: Cleaned) -> bytes:
    """`copy_tiebreak` of a document: its output record (no cluster yet) and raw document, as a run stores them."""
    return copy_tiebreak(json.dumps(doc.record(), ensure_ascii=False),
                         json.dumps(doc.document.model_dump(exclude_defaults=True), ensure_ascii=False))


def dedup_detail(decision: Decision, keepers: Mapping[str, str | None] | None = None) -> str:
    """The `detail` of the rejection of a document that dedup did not keep; `keepers`, who kept the documents of
    earlier batches that the batch's duplicates copy or give again (`DedupIndex.keepers` of `BatchResult.earlier`),
    which the detail of a copy of one, or of its id given again, names: that document is in no output of this batch."""
    if decision.places is not None:
        return _REPEATED_AT.format(*decision.places)
    template = _MEASURED if decision.exact_similarity else _DEDUP_DETAIL[decision.status]
    return template.format(dup_of=decision.dup_of, similarity=decision.similarity or 1.0,
                           kept_by=_kept_by(decision.dup_of, keepers or {}))


def kept_by_lead(reason: str | None, dup_of: str) -> str | None:
    """What the detail of a rejection for `reason` copying `dup_of` writes before who kept its original (`_kept_by`),
    or None for a reason that names no keeper."""
    template = _DEDUP_DETAIL.get(reason) if reason in ("duplicate", "exact_duplicate", "already_indexed") else None
    return template.split("{kept_by}")[0].format(dup_of=dup_of) if template else None


def _kept_by(dup_of: str | None, keepers: Mapping[str, str | None]) -> str:
    """Who kept `dup_of`, as a duplicate's detail says it (`_KEPT_BY`): "" when this batch did (not in `keepers`)."""
    if dup_of not in keepers:
        return ""
    folder = keepers[dup_of]
    return _KEPT_BY[folder] if folder in _KEPT_BY else f", kept by an earlier run ({folder})"


def order_detail(status: str | None, detail: str, idless: dict[str, Any] | None = None) -> str:
    """What a rejection is ordered by after its id in the rejects file, without the places that follow the input's
    order (the file's order must not): its detail, but for a `repeated_id` its detail without the places it names,
    and for `idless`, the record of a rejection without an id (a malformed line), whose detail starts with its file
    and line, its reason, its raw record and then its detail, as JSON text."""
    if idless is not None:
        return json.dumps([idless["reason"], idless.get("raw"), detail])
    return _DEDUP_DETAIL["repeated_id"] if status == "repeated_id" else detail


def dedup_rejection(decision: Decision, raw: Any, detail: str | None = None,
                    tagged: dict[str, Any] | None = None, keepers: Mapping[str, str | None] | None = None) -> Rejected:
    """The rejection of a document that dedup did not keep; `raw` is its input record, `detail` what a run stored
    (`dedup_detail` of the decision and `keepers` by default), `tagged` its cleaned record, whose `lang` and
    `lang_score` it carries (what the language stage found)."""
    tagged = tagged or {}
    return Rejected(id=decision.id, stage="dedup", reason=decision.status,
                    detail=detail or dedup_detail(decision, keepers),
                    dup_of=decision.dup_of, similarity=decision.similarity, lang=tagged.get("lang"),
                    lang_score=tagged.get("lang_score"), raw=raw)
