"""Deduplicating one batch of clean documents against the persistent index.

Steps (every one independent of input order):

1. Sign every item: exact hash of the normal form, MinHash signature, band keys.
2. Rank the items by the keep policy: **longest clean text, then earliest `published` (None last;
   ISO 8601 strings compare in date order), then smallest id** (then exact hash; items that tie on
   all of these are copies of one id with the same normal form, and their `tiebreak` bytes order
   them: a run's stored record and raw document, an item's text by default, so which copy is kept
   does not depend on input order either). Documents already in the index outrank every item: they
   were kept, and emitted, by an earlier batch.
3. Ids: an item whose id is in the index is `already_indexed` (`dup_of` = its own id; it is never
   emitted twice, whatever its text); an id seen earlier in this batch's ranking is `repeated_id` (with
   where it and the copy ranked first were read, `Item.place`, when known).
4. Exact duplicates: items with the same normal form collapse onto the best-ranked one (the
   representative). A representative whose hash is in the index is an `exact_duplicate` of that
   document.
5. Near duplicates, greedy in rank order: a representative's candidates are index documents and
   better-ranked *kept* representatives sharing an LSH band key, taken by the estimated Jaccard of the
   two signatures, most similar first (ties: index first, then rank). A candidate estimated below
   `threshold` is dropped; one estimated at least `sure_above` is similar; one in between, a near-threshold
   pair, is verified by the exact Jaccard of the two texts' shingle sets when both texts are at hand
   (`Signed.texts`: the batch's own documents; an index document has no text, and its estimate decides).
   The item is a `duplicate` of the first candidate that is similar (`similarity`: the exact Jaccard when
   verified exactly, else the estimate); with none it is `kept`. Without the exact check, a document
   compared with hundreds of kept ones that share a long footer with it (true Jaccard 0.4-0.46) found one
   whose estimate was lucky: a quarter of 1,000 such documents were called duplicates.
   Greedy assignment rather than connected components: a document is only ever called a duplicate of
   a kept document it is itself similar to. In a chain A~B~C where A and C are not similar, B is
   dropped as a copy of A and C is kept, instead of C being dropped for resembling a dropped B.
6. Other members of an exact group follow their representative (`exact_duplicate` of it when it
   was kept, otherwise the same verdict and `dup_of`).
7. Kept items are added to the index, in rank order (in the same write transaction as the lookups; with
   `add=False`, by `Deduplicator.add` once the caller has taken them).

Every kept document's `cluster` is its own id; a duplicate's `cluster` is the id of the kept document
it copies. `clusters` lists each group with at least one duplicate in this batch: the kept id (which
may be a document of an earlier batch), its members, and the pairwise similarities among members (all
pairs up to `max_pair_members` members, beyond that each member against the kept one): a member against
the kept one, its verdict's `similarity`; two members, their estimate.
"""

from __future__ import annotations

import json
import math
import os
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..closing import Closing
from .index import DedupIndex
from .signature import DedupParams, Signer, band_keys_matrix, estimate_jaccard, exact_jaccards

Status = Literal["kept", "exact_duplicate", "duplicate", "already_indexed", "repeated_id"]


@dataclass(frozen=True)
class Item:
    """One clean document to deduplicate. `length` defaults to `len(text)`.

    `signed` is its `Signer.sign` result when computed elsewhere (in a worker process, say); the
    text is then not needed. `tiebreak` orders copies of one id that tie on the whole keep policy
    (its text's UTF-8 bytes when empty). `place` is where it was read (`news.jsonl:12`), which a
    `repeated_id` verdict names (`Decision.places`); "" when unknown."""

    id: str
    text: str = ""
    length: int | None = None
    published: str | None = None
    signed: tuple[int, np.ndarray | None] | None = None
    tiebreak: bytes = b""
    place: str = ""


def copy_tiebreak(record: str, raw: str | None) -> bytes:
    """What orders copies of one id that tie on the whole keep policy (`Item.tiebreak`): the JSON texts of
    the output record and of the raw document, with the record's warnings moved last (they name the file
    and line of the copy, so they decide only between copies that differ in nothing else)."""
    texts = [record, raw or "{}"]
    if '"warnings": ' in record:  # a repaired copy (or a `warnings` key in meta: parsed for nothing)
        stored, document = (json.loads(text) for text in texts)
        document.pop("warnings", None)  # the same as the record's, or fewer
        warnings = stored.pop("warnings", None)
        texts = [json.dumps(value, ensure_ascii=False) for value in (stored, document, warnings)]
    return "\n".join(texts).encode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    status: Status
    cluster: str | None = None
    dup_of: str | None = None
    similarity: float | None = None
    places: tuple[str, str] | None = None
    """For a `repeated_id`: where this copy and the copy that went on to dedup were read, when both are known
    and tell them apart."""
    exact_similarity: bool = False
    """For a `duplicate`: `similarity` is the exact Jaccard of the two texts' shingle sets (a near-threshold pair,
    verified), not the estimate from their signatures."""

    @property
    def kept(self) -> bool:
        return self.status == "kept"


@dataclass(frozen=True)
class Cluster:
    id: str
    kept: str
    kept_in_index: bool
    members: tuple[str, ...]
    similarities: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class BatchResult:
    decisions: tuple[Decision, ...]
    """One per input item, sorted by id (repeated ids by rank)."""
    clusters: tuple[Cluster, ...] = ()
    """Groups with at least one duplicate in this batch, sorted by id."""
    counts: dict[str, int] = field(default_factory=dict)
    positions: tuple[int, ...] = ()
    """For each decision, the position of its item in the input."""

    def by_id(self) -> dict[str, Decision]:
        """The decision per id (for a repeated id, the one that was not `repeated_id`)."""
        out: dict[str, Decision] = {}
        for d in self.decisions:
            if d.status != "repeated_id" or d.id not in out:
                out[d.id] = d
        return out

    def earlier(self) -> list[str]:
        """The ids of the documents of earlier batches (in the index) that this batch's duplicates copy or give again
        (`given_again`)."""
        return [c.kept for c in self.clusters if c.kept_in_index] + given_again(self.decisions)

    def to_json(self) -> str:
        """A canonical JSON text of the whole result (what the order test compares)."""
        return json.dumps({"decisions": [asdict(d) for d in self.decisions],
                           "clusters": [asdict(c) for c in self.clusters], "counts": self.counts},
                          ensure_ascii=False, sort_keys=True)


def given_again(decisions: Iterable[Decision]) -> list[str]:
    """The ids of the `already_indexed` documents among `decisions`: each that of a document an earlier batch kept."""
    return [d.id for d in decisions if d.status == "already_indexed"]


@dataclass(frozen=True)
class Signed:
    """A batch signed elsewhere, column by column (what a run's state holds): no object per document.

    Row `i` of `signatures` (uint32, one column per permutation) is document `i`'s signature when
    `has_sig[i]`, and unused when it has no shingles."""

    ids: list[str]
    lengths: Sequence[int]
    published: list[str | None]
    exact: Sequence[int]
    """Lengths and exact hashes: lists, or int64 arrays (8 bytes a document, where a list holds a Python int)."""
    signatures: np.ndarray
    has_sig: np.ndarray
    tiebreak: dict[int, bytes] = field(default_factory=dict)
    """The last key of the keep policy, for the rows whose id occurs more than once (see `Item`)."""
    places: dict[int, str] = field(default_factory=dict)
    """Where the rows whose id occurs more than once were read (`Item.place`), those known."""
    keys: np.ndarray | None = None
    """The band keys (n x bands) when they come with the columns; else dedup computes them."""
    load: Callable[[np.ndarray], np.ndarray] | None = None
    """When given, `signatures` holds no rows and `load(rows)` reads the signatures of the given rows
    (sorted numbers): dedup then reads only those it compares, and `keys` must be given."""
    texts: Callable[[list[int]], list[str | None]] | None = None
    """When given, `texts(rows)` reads the clean texts of the given rows (None for one not at hand): the texts
    that were signed. Dedup reads those of the rows in near-threshold pairs (`sure_above`), many at a time
    (`_ShingleSets`)."""

    def __len__(self) -> int:
        return len(self.ids)

    def signature(self, i: int) -> np.ndarray | None:
        """Document `i`'s signature, or None when it has no shingles (a batch that loads its signatures
        reads them in `dedup_batch`, not here)."""
        return self.signatures[i] if self.has_sig[i] else None


class _Held:
    """The signatures dedup compares: all of a batch's; or, of a batch that loads them (`Signed.load`),
    those of the rows it is given, and of the rows `read` is given later (kept until `forget`)."""

    def __init__(self, batch: Signed, rows: np.ndarray) -> None:
        self.batch = batch
        self.matrix = batch.signatures
        self.pos: np.ndarray | None = None  # per row of the batch, its row in `matrix` (-1: not there)
        self.extra: dict[int, np.ndarray] = {}
        if batch.load is not None:
            rows = np.unique(rows)
            self.matrix = batch.load(rows)
            self.pos = np.full(len(batch), -1, dtype=np.int64)
            self.pos[rows] = np.arange(len(rows))

    def read(self, rows: list[int]) -> None:
        """Read these rows too (those not held yet)."""
        if self.pos is not None:
            todo = sorted(i for i in rows if self.pos[i] < 0 and i not in self.extra)
            if todo:
                self.extra.update(zip(todo, self.batch.load(np.array(todo, dtype=np.int64))))

    def forget(self, i: int) -> None:
        """Let go of row `i` when `read` read it."""
        self.extra.pop(i, None)

    def at(self, rows: np.ndarray) -> np.ndarray:
        """Where `rows` (held by the constructor) are in `matrix`."""
        return rows if self.pos is None else self.pos[rows]

    def signature(self, i: int) -> np.ndarray | None:
        """Row `i`'s signature (held), or None when it has no shingles."""
        if not self.batch.has_sig[i]:
            return None
        at = i if self.pos is None else int(self.pos[i])
        return self.extra[i] if at < 0 else self.matrix[at]


def _as_item(obj: Any) -> Item:
    if isinstance(obj, Item):
        return obj
    if isinstance(obj, Mapping):
        return Item(id=obj["id"], text=obj["text"], length=obj.get("length"), published=obj.get("published"))
    return Item(*obj)


def sign_items(items: Iterable[Any], signer: Signer) -> Signed:
    """`items` as columns, signed by `signer` where they were not signed already, with their texts (those given)."""
    batch = [_as_item(x) for x in items]
    signed = [it.signed or signer.sign(it.text) for it in batch]
    has_sig = np.array([s is not None for _, s in signed], dtype=bool)
    sigs = np.zeros((len(batch), signer.params.num_perm), dtype=np.uint32)
    for i, (_, s) in enumerate(signed):
        if s is not None:
            sigs[i] = s
    ids = [it.id for it in batch]
    twins = repeated(ids)
    return Signed(ids, [len(it.text) if it.length is None else int(it.length) for it in batch],
                  [it.published for it in batch], [e for e, _ in signed], sigs, has_sig,
                  {i: batch[i].tiebreak or batch[i].text.encode("utf-8", "surrogatepass") for i in twins},
                  {i: batch[i].place for i in twins if batch[i].place},
                  texts=lambda rows: [batch[i].text or None for i in rows])


def rank_order(batch: Signed) -> np.ndarray:
    """The rows of `batch` in keep-policy order: longest clean text first, then earliest `published`
    (none last), then smallest id (then, for copies of one id, the exact hash and `tiebreak`).

    Stable sorts from the last key to the first, on keys the batch holds: no key tuple per row."""
    ids, published, tiebreak = batch.ids, batch.published, batch.tiebreak
    order = list(range(len(batch)))
    if tiebreak:
        order.sort(key=lambda i: tiebreak.get(i, b""))
    order.sort(key=_as_list(batch.exact).__getitem__)
    order.sort(key=ids.__getitem__)
    order.sort(key=lambda i: published[i] or "")
    order.sort(key=lambda i: published[i] is None)
    order.sort(key=_as_list(batch.lengths).__getitem__, reverse=True)  # stable too: equal lengths keep their order
    return np.array(order, dtype=np.int64)


def _as_list(column: Sequence[int]) -> list[int]:
    return column.tolist() if isinstance(column, np.ndarray) else column  # type: ignore[return-value]


def repeated(ids: list[str]) -> list[int]:
    """The positions of the ids that occur more than once in `ids`."""
    counts = Counter(ids)
    return [i for i, doc_id in enumerate(ids) if counts[doc_id] > 1]


SURE_SDS = 4
"""How many standard deviations of the estimate above the threshold an estimated Jaccard must be for a pair to
count as similar without its exact Jaccard (`sure_above`)."""


def sure_above(params: DedupParams) -> float:
    """The estimated Jaccard from which a pair counts as similar unchecked: `SURE_SDS` standard deviations of the
    estimate at the threshold t, sqrt(t(1 - t) / num_perm), above it (0.677 at the defaults). A document compared
    with hundreds of kept ones just below the threshold needs a margin that a comparison crosses by chance too seldom
    to matter even then: at a true Jaccard of 0.45 the estimate reaches 0.677 once in 7 million comparisons (0.633,
    three deviations, once in 40,000), at 0.49 once in 90,000."""
    t = params.threshold
    return t + SURE_SDS * math.sqrt(t * (1 - t) / params.num_perm)


SMALL_BUCKET = 16
"""LSH buckets of up to this many batch documents are paired out in full (vectorised); larger ones, a
story that came hundreds of times, are looked up among their kept documents instead (`_Kept`)."""


def _buckets(keys: np.ndarray, rows: np.ndarray, small: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """The rows (numbers of rows of `keys`, n x bands) sharing a band key: pairs (i < j) sharing a
    small bucket, and, for each row in a bucket of more than `small`, its (band, key) of those.

    One band at a time (a key hashes its band's number in), so the working arrays are a column long."""
    n = len(rows)
    codes = [np.empty(0, np.int64)]
    big: dict[int, list[tuple[int, int]]] = {}
    for band in range(keys.shape[1] if n > 1 else 0):
        order = np.argsort(keys[rows, band], kind="stable")
        sorted_keys = keys[rows[order], band]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, n])
        for size in np.unique(sizes[(sizes > 1) & (sizes <= small)]).tolist():  # one size at a time: no loop over buckets
            members = order[starts[sizes == size][:, None] + np.arange(size)]  # one row per bucket
            ii, jj = np.triu_indices(size, 1)
            a, b = members[:, ii].ravel(), members[:, jj].ravel()
            codes.append(np.minimum(a, b) * n + np.maximum(a, b))
        for start, size in zip(starts[sizes > small].tolist(), sizes[sizes > small].tolist()):
            key = int(sorted_keys[start])
            for row in rows[order[start : start + size]].tolist():
                big.setdefault(row, []).append((band, key))
        if len(codes) > 64:  # keep the pairs found so far as one array
            codes = [np.unique(np.concatenate(codes))]
    code = np.unique(np.concatenate(codes))
    return rows[code // n], rows[code % n], big


class _Kept:
    """The kept rows of a batch (of `n` rows) in large LSH buckets, by (band, key): what step 5c looks them up in.
    Each bucket's rows are an array (grown by doubling), so a lookup costs no Python step per row."""

    def __init__(self, n: int) -> None:
        self.table: dict[tuple[int, int], np.ndarray] = {}
        self.sizes: dict[tuple[int, int], int] = {}
        self.seen = np.zeros(n, dtype=bool)  # all False between lookups

    def candidates(self, buckets: list[tuple[int, int]]) -> np.ndarray:
        """The kept rows in any of these buckets, each once (a row is in many of them: no sort to find which)."""
        found = [np.empty(0, dtype=np.int64)]
        for bucket in buckets:
            if bucket in self.table:
                rows = self.table[bucket][: self.sizes[bucket]]
                found.append(rows := rows[~self.seen[rows]])
                self.seen[rows] = True
        out = np.concatenate(found)
        self.seen[out] = False
        return out

    def add(self, row: int, buckets: list[tuple[int, int]]) -> None:
        for bucket in buckets:
            rows, n = self.table.get(bucket, np.empty(0, dtype=np.int64)), self.sizes.get(bucket, 0)
            if n == len(rows):
                rows = self.table[bucket] = np.concatenate((rows, np.empty(max(8, n), dtype=np.int64)))
            rows[n] = row
            self.sizes[bucket] = n + 1


class _ShingleSets:
    """The shingle sets of the rows in near-threshold pairs, read through `Signed.texts` as they are needed and
    kept, the `_SET_VALUES` values' worth last used: a kept document is compared with many. A read also takes the
    texts of the checks to come (`plan`), up to `_SET_VALUES` // 2 characters: a read a check, 12 ms from a Dask part
    (Parquet), was 17 of the 21 s a chunk of 4,100 documents took to decide (1,470 reads, now 5; a large bucket's
    member may need no check, so 2,069 sets were made, not 1,647)."""

    def __init__(self, texts: Callable[[list[int]], list[str | None]] | None, signer: Signer, lengths: Sequence[int],
                 rank: np.ndarray, plan: dict[int, list[int]]) -> None:
        self.texts, self.signer, self.lengths, self.rank, self.plan = texts, signer, lengths, rank, plan
        self.checks = list(plan)
        self.ranks = rank[np.array(self.checks, dtype=np.int64)]  # ascending: `plan` is in rank order
        self.sets: dict[int, np.ndarray | None] = {}
        self.values = 0

    def exact(self, i: int, others: list[int]) -> list[float | None]:
        """The exact Jaccard of row `i` with each of `others` (None where a text is not at hand)."""
        if self.texts is None:
            return [None] * len(others)
        self._read(i, [i, *others])
        mine, known = self.sets[i], [o for o in others if self.sets[o] is not None]
        if mine is None or not known:
            return [None] * len(others)
        sims = dict(zip(known, exact_jaccards(mine, [self.sets[o] for o in known]).tolist()))
        return [sims.get(o) for o in others]

    def _read(self, i: int, rows: list[int]) -> None:
        """Hold the sets of `rows`, row `i`'s check: those not held are read, in one read with those of the checks to
        come (`_coming`), and past the bound the least recently used, not among `rows`, let go (the best-ranked kept
        documents are compared most: let go first, they were read again and again). One item's sets are all held at
        once, whatever the bound; a text read ahead is held only within it (by its characters, which the `lengths`
        that `_coming` counts may understate: sets read ahead went past the bound and were let go before their checks,
        read and made again, 11 times as many sets, a review)."""
        for row in rows:
            if row in self.sets:
                self.sets[row] = self.sets.pop(row)  # used now: last to go
        if todo := [row for row in dict.fromkeys(rows) if row not in self.sets]:
            needed = len(todo)
            todo += self._coming(i, todo)
            for k, (row, text) in enumerate(zip(todo, self.texts(todo))):
                if k >= needed and text is not None and self.values + len(text) > _SET_VALUES:
                    continue  # read ahead past the bound (`lengths` may say less than the text): left for its check
                found = self.sets[row] = None if text is None else self.signer.shingle_set(text)
                self.values += 0 if found is None else len(found)
        if self.values > _SET_VALUES:
            wanted = set(rows)
            for row in [row for row in self.sets if row not in wanted]:
                dropped = self.sets.pop(row)
                self.values -= 0 if dropped is None else len(dropped)
                if self.values <= _SET_VALUES:
                    break

    def _coming(self, i: int, todo: list[int]) -> list[int]:
        """The rows not held, nor in `todo`, that the checks of `plan` after row `i`'s will read, in their order, while
        their texts and `todo`'s come to `_SET_VALUES` // 2 characters (a text has fewer shingles than characters)."""
        out, seen, budget = [], set(todo), _SET_VALUES // 2 - sum(int(self.lengths[row]) for row in todo)
        for check in self.checks[int(np.searchsorted(self.ranks, self.rank[i], side="right")):]:
            for row in self.plan[check]:
                if row in self.sets or row in seen:
                    continue
                budget -= int(self.lengths[row])
                if budget < 0:
                    return out
                seen.add(row)
                out.append(row)
        return out


_SET_VALUES = 1 << 23
"""Shingle hashes `_ShingleSets` keeps (32 MB): a few thousand news articles' sets."""


def _plan(near: list[int], neighbours: dict[int, list[tuple[float, int, Any]]], big: dict,
          sure: float) -> dict[int, list[int]]:
    """`_ShingleSets.plan`: each of `near` (in rank order) that may be checked exactly, a member of a large bucket (its
    candidates there are found as the greedy pass goes) or of a near-threshold pair of batch rows, with the rows its
    check may read: itself, then the other rows of its pairs."""
    plan = {}
    for i in near:
        unsure = [other for sim, tie, other in neighbours.get(i, ()) if sim < sure and tie >= 0]
        if unsure or i in big:
            plan[i] = [i, *unsure]
    return plan


def _first_similar(i: int, found: list[tuple[float, int, Any]], threshold: float, sure: float,
                   sets: _ShingleSets) -> tuple[float, int, Any, bool] | None:
    """The first of `found` ((estimate, tie, candidate), in order, none estimated below `threshold`) similar to
    row `i`, as (similarity, tie, candidate, whether the similarity is exact) (see step 5): the texts of the
    near-threshold ones are read at the first of them."""
    exact: dict[int, float | None] | None = None
    for sim, tie, other in found:
        if sim < sure and tie >= 0:  # a near-threshold pair of batch rows
            if exact is None:
                unsure = list(dict.fromkeys(f[2] for f in found if f[0] < sure and f[1] >= 0))
                exact = dict(zip(unsure, sets.exact(i, unsure)))
            if (value := exact[other]) is not None:
                if value >= threshold:
                    return value, tie, other, True
                continue
        return sim, tie, other, False
    return None


def _estimates(sigs: np.ndarray, sig: np.ndarray) -> np.ndarray:
    """The estimated Jaccard of `sig` with each row of `sigs` (`estimate_jaccard`, one pass over them all)."""
    return np.count_nonzero(sigs == sig, axis=1) / len(sig)


def _verify_pairs(sigs: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 1_024) -> np.ndarray:
    """The estimated Jaccard of each pair (rows `a[k]`, `b[k]` of `sigs`), `chunk` pairs at a time: each
    chunk gathers two copies of its rows (1 MB at 128 values; 8,192 pairs made 9 MB, dedup's peak on a batch
    of 20,000 documents)."""
    out = np.empty(len(a), dtype=np.float64)
    for s in range(0, len(a), chunk):
        out[s : s + chunk] = (sigs[a[s : s + chunk]] == sigs[b[s : s + chunk]]).mean(axis=1)
    return out


def dedup_batch(items: Iterable[Any], index: DedupIndex, *, signer: Signer | None = None, add: bool = True,
                cite: bool = True, max_pair_members: int = 50) -> BatchResult:
    """Deduplicate `items` (Item, (id, text[, length[, published]]) tuples or mappings, or a batch
    already signed as columns, `Signed`) against `index`, then add the kept ones to it (unless
    `add=False`) and note what its duplicates point to (`DedupIndex.cite`, unless `cite=False`: a caller that
    may not deliver them all cites those it did). See the module docstring."""
    params = index.params
    signer = signer or Signer(params)
    if signer.params != params:
        raise ValueError("the signer's parameters differ from the index's")
    threshold = params.threshold
    batch = items if isinstance(items, Signed) else sign_items(items, signer)
    if batch.signatures.shape[1:] != (params.num_perm,):
        raise ValueError(f"signatures have {batch.signatures.shape[1:]} values, the index uses {params.num_perm}")
    n = len(batch)
    ids, lengths, published, exact, has_sig = batch.ids, batch.lengths, batch.published, batch.exact, batch.has_sig
    if batch.keys is not None:
        keys = batch.keys
    elif batch.load is None:
        keys = band_keys_matrix(batch.signatures, params.bands, params.rows)
    else:
        raise ValueError("a batch that loads its signatures must come with its band keys")

    order = rank_order(batch)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)

    decisions: list[Decision | None] = [None] * n
    with index.write_lock():
        looked_up = not index.is_empty()  # an empty index (a first run) has nothing to look up
        # 3. ids
        active: list[int] = []
        seen: dict[str, int] = {}  # id -> the row of its copy ranked first
        for i in order.tolist():
            doc_id = ids[i]
            if doc_id in seen:
                decisions[i] = Decision(doc_id, "repeated_id", dup_of=doc_id, places=_places(batch, i, seen[doc_id]))
            elif looked_up and index.contains(doc_id):
                seen[doc_id] = i
                decisions[i] = Decision(doc_id, "already_indexed", dup_of=doc_id)
            else:
                seen[doc_id] = i
                active.append(i)
        del seen
        # 4. exact groups and exact hits in the index
        rep_of: dict[int, int] = {}
        reps: list[int] = []
        followers: list[int] = []
        follows: list[int] = []  # each follower's representative
        for i in active:
            if (hashed := int(exact[i])) in rep_of:
                followers.append(i)
                follows.append(rep_of[hashed])
            else:
                rep_of[hashed] = i
                reps.append(i)
        del rep_of
        near: list[int] = []
        hits: list[int] = []
        for i in reps:
            hit = index.find_exact(int(exact[i])) if looked_up else None
            if hit is not None:
                hits.append(i)
                decisions[i] = Decision(ids[i], "exact_duplicate", cluster=hit.id, dup_of=hit.id, similarity=1.0)
            elif has_sig[i]:
                near.append(i)
            else:  # no shingles (empty text): only exact matching applies
                decisions[i] = Decision(ids[i], "kept", cluster=ids[i])
        # the signatures compared below: the small buckets' pairs', the large buckets' members', the exact
        # groups' and the exact hits' (their clusters list similarities), every one when adding; the index
        # candidates' are read as they come
        a, b, big = _buckets(keys, np.array(near, dtype=np.int64), SMALL_BUCKET)
        exact_rows = np.array(hits + followers + follows, dtype=np.int64)
        held = _Held(batch, np.arange(n) if add else np.concatenate((a, b, np.array(list(big), np.int64), exact_rows)))
        # 5a. neighbours in the index (estimated at least `threshold`), all of an item's candidates at once
        neighbours: dict[int, list[tuple[float, int, Any]]] = {}  # (sim, tie, id or row), for items that have any
        for i in near if looked_up else ():
            doc_ids, sigs = index.candidate_signatures(keys[i].tolist())
            if not doc_ids:
                continue
            held.read([i])
            sims = _estimates(sigs, held.signature(i))
            for k in np.flatnonzero(sims >= threshold).tolist():
                neighbours.setdefault(i, []).append((float(sims[k]), -1, doc_ids[k]))
            if i not in neighbours:
                held.forget(i)
        # 5b. neighbours within the batch, better-ranked side only: the pairs of small buckets at
        # once; in a large bucket (a story copied hundreds of times), the kept members, looked up as the
        # greedy pass reaches each item, so k copies cost k lookups, not k^2 pairs
        if len(a):
            sims = _verify_pairs(held.matrix, held.at(a), held.at(b))
            a, b, sims = a[sims >= threshold], b[sims >= threshold], sims[sims >= threshold]
            a_ahead = rank[a] < rank[b]
            hi, lo = np.where(a_ahead, a, b), np.where(a_ahead, b, a)
            for x, y, r, sim in zip(hi.tolist(), lo.tolist(), rank[hi].tolist(), sims.tolist()):
                neighbours.setdefault(y, []).append((sim, r, x))
        del a, b
        # 5c. greedy in rank order (`near` is), each item's candidates most similar first
        kept, sure = _Kept(n), sure_above(params)
        sets = _ShingleSets(batch.texts, signer, lengths, rank, _plan(near, neighbours, big, sure))
        for i in near:
            found = [f for f in neighbours.get(i, ()) if f[1] < 0 or decisions[f[2]].kept]
            if i in big and len(others := kept.candidates(big[i])):
                sims = _estimates(held.matrix[held.at(others)], held.signature(i))
                close = sims >= threshold
                found += zip(sims[close].tolist(), rank[others[close]].tolist(), others[close].tolist())
            best = _first_similar(i, sorted(found, key=lambda f: (-f[0], f[1])), threshold, sure, sets)
            if best is None:
                decisions[i] = Decision(ids[i], "kept", cluster=ids[i])
                if i in big:
                    kept.add(i, big[i])
            else:
                sim, tie, other, measured = best
                target = other if tie < 0 else ids[other]
                decisions[i] = Decision(ids[i], "duplicate", cluster=target, dup_of=target, similarity=round(sim, 4),
                                        exact_similarity=measured)
        del neighbours, kept, big, sets
        # 6. exact followers
        for i, head in zip(followers, follows):
            rep = decisions[head]
            if rep.kept:
                decisions[i] = Decision(ids[i], "exact_duplicate", cluster=rep.id, dup_of=rep.id, similarity=1.0)
            else:
                decisions[i] = replace(rep, id=ids[i])
        # 7. add kept
        if add:
            index.add_many((ids[i], int(lengths[i]), published[i], int(exact[i]), held.signature(i),
                            keys[i] if has_sig[i] else ())
                           for i in order.tolist() if decisions[i].kept)
            if cite:
                index.cite(d.dup_of for d in decisions if d.dup_of)

    clusters = _clusters(batch.ids, held, decisions, rank, max_pair_members)
    ranked = sorted(order.tolist(), key=ids.__getitem__)  # by id, then rank (the sort is stable)
    counts: dict[str, int] = {}
    for d in decisions:
        counts[d.status] = counts.get(d.status, 0) + 1
    return BatchResult(tuple(decisions[i] for i in ranked), clusters, dict(sorted(counts.items())), tuple(ranked))


def _places(batch: Signed, copy: int, first: int) -> tuple[str, str] | None:
    """Where copy `copy` of an id and its copy ranked first (`first`) were read, when both are known and differ."""
    here, there = batch.places.get(copy), batch.places.get(first)
    return (here, there) if here and there and here != there else None


def _clusters(batch_ids: list[str], held: _Held, decisions: list[Decision], rank: np.ndarray,
              max_pair_members: int) -> tuple[Cluster, ...]:
    pos = {batch_ids[i]: i for i in range(len(batch_ids)) if decisions[i].kept}
    groups: dict[str, list[int]] = {}
    for i, d in enumerate(decisions):
        if d.status in ("duplicate", "exact_duplicate"):
            groups.setdefault(d.dup_of, []).append(i)
    out = []
    for kept_id in sorted(groups):
        members = sorted(groups[kept_id], key=rank.__getitem__)
        in_index = kept_id not in pos
        ids = [kept_id] + [batch_ids[i] for i in members]
        if len(ids) <= max_pair_members:
            pairs = list(combinations(range(len(ids)), 2))
        else:
            pairs = [(0, k) for k in range(1, len(ids))]
        sigs = [None] + [held.signature(i) for i in members]  # the kept one's is never compared
        sims = tuple((ids[x], ids[y], decisions[members[y - 1]].similarity if x == 0
                      else round(estimate_jaccard(sigs[x], sigs[y]), 4)) for x, y in pairs)
        out.append(Cluster(id=kept_id, kept=kept_id, kept_in_index=in_index, members=tuple(ids), similarities=sims))
    return tuple(out)


class _BatchLock:
    """One batch at a time, re-entered by the thread that holds it. Unlike an `RLock`, released by whichever
    thread ends the hold: a stream holds it while its batch is taken, and may be taken, or closed, on
    another thread than the one that decided the batch (an `RLock` hung, or failed with "cannot release
    un-acquired lock")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        _LOCKS.add(self)

    def acquire(self) -> None:
        me = threading.get_ident()
        if self._owner != me:
            self._lock.acquire()
            self._owner = me
        self._depth += 1

    def mine(self) -> bool:
        """Whether this thread holds the lock (and would re-enter it, not wait)."""
        return self._owner == threading.get_ident()

    def release(self) -> None:
        self._depth -= 1
        if not self._depth:
            self._owner = None
            self._lock.release()

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


_LOCKS: weakref.WeakSet[_BatchLock] = weakref.WeakSet()


def _release_locks_in_child() -> None:
    """A forked process has none of its parent's threads, so none holds a batch lock there (one a parent thread
    held left the child waiting for ever; an index whose write lock was held is refused: `ForkedIndexError`)."""
    for lock in list(_LOCKS):
        lock.__init__()


os.register_at_fork(after_in_child=_release_locks_in_child)


class Deduplicator(Closing):
    """An index file plus its signer: `Deduplicator(path, params).run(items)` per batch, from any thread
    (batches run one at a time)."""

    def __init__(self, path: str | Path, params: DedupParams | None = None, **index_options: Any) -> None:
        self.index = DedupIndex(path, params, **index_options)
        self.params = self.index.params
        self.signer = Signer(self.params)
        self._lock = _BatchLock()  # re-entered by `run` and `add` inside `holding`
        self._closed = False

    @contextmanager
    def _batch(self) -> Iterator[None]:
        """The index to this thread alone, and open (checked once the lock is held: `close` takes it too). A hold
        taken before a fork ends in the parent: a forked process that ends it (closing a stream it inherited)
        leaves its own, freed, lock alone."""
        pid = os.getpid()
        self._lock.acquire()
        try:
            self.check_open()
            yield
        finally:
            if os.getpid() == pid:
                self._lock.release()

    def run(self, items: Iterable[Any], *, add: bool = True, cite: bool = True) -> BatchResult:
        self.check_open()
        batch = items if isinstance(items, Signed) else sign_items(items, self.signer)  # signing needs no lock
        with self._batch():
            return dedup_batch(batch, self.index, signer=self.signer, add=add, cite=cite)

    def keepers(self, ids: Iterable[str]) -> dict[str, str | None]:
        """`DedupIndex.keepers`, from any thread (batches run one at a time)."""
        self.check_open()
        with self._batch():
            return self.index.keepers(ids)

    def add(self, items: Iterable[Any], cites: Iterable[str] = ()) -> int:
        """Put documents in the index as kept ones without deciding anything (their verdict came from
        `run(..., add=False)`), in the order `run` adds them, and cite `cites` (the `dup_of` of that batch's
        duplicates, `DedupIndex.cite`) in the same transaction; returns how many. An id the index holds
        already is a ValueError naming it, and nothing is added."""
        self.check_open()
        batch = sign_items(items, self.signer)
        order = rank_order(batch).tolist()
        with self._batch(), self.index.write_lock():
            ids = list(batch.ids)
            there = list(dict.fromkeys(doc_id for doc_id in ids if self.index.contains(doc_id)))
            twice = sorted({ids[i] for i in repeated(ids)})
            if there or twice:
                named, what = (there, "in the index already") if there else (twice, "given more than once")
                raise ValueError(f"{len(named)} of these ids {'are' if len(named) > 1 else 'is'} {what} "
                                 f"({', '.join(map(repr, named[:3]))}{', ...' if len(named) > 3 else ''}): nothing added")
            self.index.cite(cites)
            return self.index.add_many((batch.ids[i], batch.lengths[i], batch.published[i], batch.exact[i],
                                        batch.signature(i), ()) for i in order)

    @contextmanager
    def holding(self) -> Iterator[Callable[[Iterable[Any], Iterable[str]], None]]:
        """Hold the index for a batch decided and taken in steps (`Pipeline.stream`): other threads wait, other
        processes wait for the file's write lock (up to the index's timeout), and what is added and taken out
        inside is one transaction, so a process killed meanwhile has added none of it. Yields `settle(untaken,
        cited)`, which the holder calls from whichever thread it is resumed or closed on: the kept documents not
        delivered are taken out again (`forget`), and the ids the delivered duplicates point to are cited."""
        self.check_open()
        pid = os.getpid()

        def settle(untaken: Iterable[Any], cited: Iterable[str]) -> None:
            if os.getpid() != pid:  # a forked process's batch is its parent's
                return
            if untaken := list(untaken):
                self._forget(untaken)
            self.index.cite(cited)

        with self._batch(), self.index.write_lock():
            yield settle

    def held_here(self) -> bool:
        """Whether this thread holds the index (`holding`): a batch it decides now is decided inside that hold."""
        return self._lock.mine()

    def forget(self, items: Iterable[Any]) -> int:
        """Take kept documents out of the index again (added by `run`, never delivered); returns how many."""
        self.check_open()
        with self._batch():
            return self._forget(items)

    def _forget(self, items: Iterable[Any]) -> int:
        batch = sign_items(items, self.signer)
        return self.index.remove_many((batch.ids[i], batch.signature(i)) for i in range(len(batch)))

    def close(self) -> None:
        """Close the index, once a batch another thread is deciding or taking is done (closing the file under
        it crashed the process)."""
        with self._lock:
            self._closed = True
            self.index.close()

    def check_open(self) -> None:
        """A RuntimeError when `close()` was called (`ForkedIndexError` when the index cannot be used in this
        forked process)."""
        if self._closed:
            raise RuntimeError("the dedup index was closed (by close() or the end of its `with`): open a new one "
                               "(a new Pipeline) to go on")
        self.index.check_fork()
