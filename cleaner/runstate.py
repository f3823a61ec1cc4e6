"""The work of an unfinished `cleaner run`, kept on disk so the run can be killed and resumed.

One SQLite file (`DIR/.cleaner/state.sqlite`): every prepared input record in input order (`seq`),
the dedup decisions once made, and where the run has got to (`stage`: prepare → [count → apply] → dedup
→ decided → indexed; the bracketed stages learn boilerplate, with `learn_boilerplate`).
Records are committed a chunk at a time, so a killed run loses at most the chunk in flight, and
resuming skips the records already stored. Final outputs are written from here, sorted by id, which
also keeps the output independent of input order and worker count, with memory that does not grow
with the input (SQLite sorts on disk).
"""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from functools import wraps
from pathlib import Path
from typing import Any

import numpy as np
import zstandard

from .boilerplate import LineCounts
from .closing import Closing
from .dedup.cluster import Cluster, Decision, Signed, copy_tiebreak, repeated
from .dedup.index import disk_full
from .dedup.signature import DedupParams, band_keys_matrix
from .io.names import real
from .pipeline import dedup_rejection, order_detail
from .workers import Prepared

STATE_VERSION = 4
"""The layout of the state file's tables; a state file of another layout is started over."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (seq INTEGER PRIMARY KEY, id TEXT, rejected INTEGER NOT NULL, detail TEXT NOT NULL,
    record BLOB NOT NULL, raw BLOB, raw_chars INTEGER NOT NULL, length INTEGER, published TEXT, exact INTEGER, sig BLOB,
    summary TEXT, place TEXT);
CREATE TABLE IF NOT EXISTS decisions (seq INTEGER PRIMARY KEY, status TEXT NOT NULL, cluster TEXT, dup_of TEXT,
    similarity REAL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (pos INTEGER PRIMARY KEY, cluster TEXT NOT NULL);
"""


_COMPRESS = zstandard.ZstdCompressor(level=1).compress
_DECOMPRESS = zstandard.ZstdDecompressor().decompress
SIGNATURE_BLOCK = 8_192
"""Signatures read, and turned into band keys, at a time by `RunState.dedup_items` (4 MB)."""


def pack(value: Any) -> bytes:
    """JSON, compressed (lone surrogates kept). zstd at level 1 packs news records as tightly as zlib
    at level 1 (about 1.9x) in a quarter of its time, and unpacks them in half."""
    return _COMPRESS(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def unpack(blob: bytes) -> Any:
    """The value `pack` stored."""
    return json.loads(_json_text(blob))


def _json_text(blob: bytes) -> str:
    """The JSON text `pack` compressed."""
    return _DECOMPRESS(blob).decode("utf-8", "surrogatepass")


def record_line(blob: bytes, cluster: str | None) -> str:
    """The corpus line of a stored cleaned record (`pack`ed `Cleaned.record()`), with `cluster` where
    `Cleaned.record` puts it (before `edits`), made without decoding the JSON: `edits` is always a key
    of the record, and `, "edits": ` cannot occur inside a JSON string (a quote there is escaped), so
    its first occurrence is that key."""
    line = _json_text(blob)
    if cluster is None:
        return line
    cut = line.index(', "edits": ')
    return f'{line[:cut]}, "cluster": {json.dumps(cluster, ensure_ascii=False)}{line[cut:]}'


def tiebreak(record: bytes, raw: bytes | None) -> bytes:
    """`copy_tiebreak` of a stored record and raw document (as `pack` stored them)."""
    return copy_tiebreak(_json_text(record), _json_text(raw) if raw else None)


def pack_prepared(p: Prepared) -> tuple[bytes, bytes | None]:
    """The `record` and `raw` columns of a prepared record (packed already in a worker, or here)."""
    return p.packed or (pack(p.record), None if p.raw is None else pack(p.raw))


def _row(p: Prepared) -> tuple:
    """The `docs` columns after `seq` of a prepared record."""
    return (p.id, int(p.rejected), p.detail, *pack_prepared(p), p.raw_chars,
            p.length, p.published, p.exact, p.signature, None if p.summary is None else json.dumps(p.summary))


_DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


def _full_disk_named(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method` of a `RunState`, with a full disk or a damaged state file raised as an OSError naming the
    state file (one line and exit 2, as for an output file), not as SQLite's traceback. A damaged file
    cannot say what the interrupted run had done, so starting over is left to the user."""

    @wraps(method)
    def named(state: RunState, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(state, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorcode in _DAMAGED:
                raise OSError(errno.EIO, f"a damaged run state ({exc}): remove {state.path.parent}/ to start over",
                              str(state.path)) from None
            raise disk_full(exc, state.path) from None

    return named


class RunState(Closing):
    """The state file of one output folder."""

    @_full_disk_named
    def __init__(self, path: Path, readonly: bool = False):
        self.path = path
        if readonly:  # a writer of the outputs, beside the run (which holds the file open, so WAL reads work)
            self._db = sqlite3.connect(f"{real(path).as_uri()}?mode=ro", uri=True, isolation_level=None)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA temp_store=FILE")
        if self._db.execute("PRAGMA user_version").fetchone()[0] != STATE_VERSION:  # new, or an older layout
            self._db.executescript("".join(f"DROP TABLE IF EXISTS {t};" for t in ("meta", "docs", "decisions", "clusters")))
            self._db.execute(f"PRAGMA user_version = {STATE_VERSION}")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def get(self, key: str) -> str | None:
        """A meta value (`fingerprint`, `stage`, ...)."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @_full_disk_named
    def set(self, **values: str) -> None:
        """Set meta values in one transaction."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    @_full_disk_named
    def reset(self) -> None:
        """Forget everything: a run starting over."""
        self._db.execute("BEGIN")
        for table in ("meta", "docs", "decisions", "clusters"):
            self._db.execute(f"DELETE FROM {table}")
        self._db.execute("COMMIT")

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def raw_chars(self) -> int:
        """The raw characters of the records stored (a resumed run's progress counts them)."""
        return self._db.execute("SELECT coalesce(sum(raw_chars), 0) FROM docs").fetchone()[0]

    @_full_disk_named
    def add(self, start: int, rows: list[Prepared]) -> None:
        """Store prepared records `start`, `start + 1`, ... in one transaction."""
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             ((start + k, *_row(p), p.place) for k, p in enumerate(rows)))
        self._db.execute("COMMIT")

    def cleaned(self, after: int = -1, limit: int = 256) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """(seq, record, raw document) of the next `limit` cleaned records after `seq` `after`."""
        return [(seq, unpack(record), unpack(raw)) for seq, record, raw in self._db.execute(
            "SELECT seq, record, raw FROM docs WHERE rejected = 0 AND seq > ? ORDER BY seq LIMIT ?", (after, limit))]

    @_full_disk_named
    def replace(self, rows: list[tuple[int, Prepared]], **values: str) -> None:
        """Store new versions of prepared records (by `seq`; where each was read stays) and set meta values, in one
        transaction."""
        self._db.execute("BEGIN")
        self._db.executemany("UPDATE docs SET id = ?, rejected = ?, detail = ?, record = ?, raw = ?, raw_chars = ?, "
                             "length = ?, published = ?, exact = ?, sig = ?, summary = ? WHERE seq = ?",
                             ((*_row(p), seq) for seq, p in rows))
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())
        self._db.execute("COMMIT")

    def line_counts(self) -> LineCounts:
        """The learned-boilerplate counters of this run, kept in the state file."""
        return LineCounts(self._db)

    def dedup_items(self, params: DedupParams) -> tuple[np.ndarray, Signed]:
        """Every cleaned record's `seq`, and the records as one signed dedup batch (columns, no text):
        the band keys computed as the signatures are read, `SIGNATURE_BLOCK` at a time, and no
        signature held; dedup reads those it compares (`Signed.load`). A record whose id occurs more
        than once has its stored record and raw document as its `tiebreak` (see `tiebreak`), and its place.

        Numbers are int64 arrays and equal dates one string (`sys.intern`): what a document costs here is its id, its
        band keys and about 30 bytes."""
        n = self._db.execute("SELECT count(*) FROM docs WHERE rejected = 0").fetchone()[0]
        seqs, lengths, exact = (np.zeros(n, dtype=np.int64) for _ in range(3))
        ids: list[str] = []
        published: list[str | None] = []
        keys = np.zeros((n, params.bands), dtype=np.int64)
        has_sig = np.zeros(n, dtype=bool)
        block = np.zeros((SIGNATURE_BLOCK, params.num_perm), dtype=np.uint32)
        for i, (seq, doc_id, length, date, hashed, sig) in enumerate(self._db.execute(
                "SELECT seq, id, length, published, exact, sig FROM docs WHERE rejected = 0 ORDER BY seq")):
            seqs[i], lengths[i], exact[i] = seq, length, hashed
            ids.append(doc_id)
            published.append(date if date is None else sys.intern(date))
            block[i % SIGNATURE_BLOCK] = 0 if sig is None else np.frombuffer(sig, dtype=np.uint32)
            has_sig[i] = sig is not None
            if i % SIGNATURE_BLOCK == SIGNATURE_BLOCK - 1 or i == n - 1:
                first = i - i % SIGNATURE_BLOCK
                keys[first : i + 1] = band_keys_matrix(block[: i + 1 - first], params.bands, params.rows)
        ties, places = {}, {}
        for i in repeated(ids):
            record, raw, place = self._db.execute("SELECT record, raw, place FROM docs WHERE seq = ?",
                                                  (int(seqs[i]),)).fetchone()
            ties[i] = tiebreak(record, raw)
            if place:
                places[i] = place

        def load(rows: np.ndarray) -> np.ndarray:
            """The signatures of the given rows of the batch (zeros for a row with none)."""
            out = np.zeros((len(rows), params.num_perm), dtype=np.uint32)
            for k, sig in self._column("sig", seqs[rows].tolist()):
                if sig is not None:
                    out[k] = np.frombuffer(sig, dtype=np.uint32)
            return out

        def texts(rows: list[int]) -> list[str | None]:
            """The clean texts of the given rows of the batch (the texts that were signed)."""
            out: list[str | None] = [None] * len(rows)
            for k, record in self._column("record", seqs[rows].tolist()):
                out[k] = unpack(record)["text"]
            return out

        empty = np.zeros((0, params.num_perm), dtype=np.uint32)
        return seqs, Signed(ids, lengths, published, exact, empty, has_sig, ties, places, keys=keys, load=load,
                            texts=texts)

    def _column(self, column: str, wanted: list[int]) -> Iterator[tuple[int, Any]]:
        """(k, `column` of the record whose `seq` is `wanted[k]`) for each of those stored, 500 at a time."""
        at = dict(zip(wanted, range(len(wanted))))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for seq, value in self._db.execute(f"SELECT seq, {column} FROM docs WHERE seq IN "
                                               f"({','.join('?' * len(chunk))})", chunk):
                yield at[seq], value

    @_full_disk_named
    def store_decisions(self, decisions: Iterable[tuple[int, Decision, str]], clusters: Iterable[Cluster]) -> None:
        """Store dedup's verdicts (`seq`, decision, rejection detail) and its clusters, and mark the stage
        `decided`, in one transaction."""
        self._db.execute("BEGIN")
        self._db.execute("DELETE FROM decisions")
        self._db.execute("DELETE FROM clusters")
        self._db.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?)", (
            (seq, d.status, d.cluster, d.dup_of, d.similarity, detail) for seq, d, detail in decisions))
        self._db.executemany("INSERT INTO clusters VALUES (?, ?)", (
            (k, json.dumps(asdict(c), ensure_ascii=False)) for k, c in enumerate(clusters)))
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('stage', 'decided')")
        self._db.execute("COMMIT")

    def dup_targets(self) -> Iterator[str]:
        """The ids the run's duplicates point to (`dup_of`), each once."""
        rows = self._db.execute("SELECT DISTINCT dup_of FROM decisions WHERE dup_of IS NOT NULL")
        return (doc_id for (doc_id,) in rows)

    def kept_rows(self) -> Iterator[tuple]:
        """(id, length, published, exact, signature) of every kept document, for adding to an index."""
        for doc_id, length, published, exact, sig in self._db.execute(
                "SELECT d.id, d.length, d.published, d.exact, d.sig FROM docs d JOIN decisions x USING (seq)"
                " WHERE x.status = 'kept' ORDER BY d.id"):
            yield doc_id, length, published, exact, None if sig is None else np.frombuffer(sig, dtype=np.uint32)

    def kept(self) -> Iterator[tuple[str, dict[str, Any], int]]:
        """(corpus line, `summary_of` its record, raw chars) of each kept document, by id (unique among the kept)."""
        for record, summary, raw_chars, cluster in self._db.execute(
                "SELECT d.record, d.summary, d.raw_chars, x.cluster FROM docs d JOIN decisions x USING (seq)"
                " WHERE x.status = 'kept' ORDER BY d.id"):
            yield record_line(record, cluster), json.loads(summary), raw_chars

    def kept_raw(self) -> Iterator[dict[str, Any]]:
        """The raw document of each kept document, by id (the order of `kept`)."""
        for (raw,) in self._db.execute("SELECT d.raw FROM docs d JOIN decisions x USING (seq)"
                                       " WHERE x.status = 'kept' ORDER BY d.id"):
            yield unpack(raw)

    def rejected(self) -> Iterator[dict[str, Any]]:
        """Each rejects record by id and `order_detail`: the per-document stages' as stored, dedup's made of its raw
        document, its decision and the language its cleaned record was tagged with (`dedup_rejection`)."""
        query = """
            SELECT * FROM (
                SELECT id, detail, record AS blob, NULL AS status, NULL AS cluster, NULL AS dup_of, NULL AS similarity,
                    0 AS dedup, NULL AS tagged FROM docs WHERE rejected = 1
                UNION ALL
                SELECT d.id, x.detail, d.raw, x.status, x.cluster, x.dup_of, x.similarity, 1, d.record FROM docs d
                    JOIN decisions x USING (seq) WHERE x.status != 'kept')
            ORDER BY id IS NULL, id, order_detail(id, status, detail, blob), blob"""
        self._db.create_function("order_detail", 4, _order_detail, deterministic=True)
        for doc_id, detail, blob, status, cluster, dup_of, similarity, dedup, tagged in self._db.execute(query):
            if dedup:
                decision = Decision(doc_id, status, cluster, dup_of, similarity)
                yield dedup_rejection(decision, unpack(blob), detail, unpack(tagged)).record()
            else:
                yield unpack(blob)

    def clusters(self) -> Iterator[dict[str, Any]]:
        """The duplicate groups dedup found, in its order."""
        for (text,) in self._db.execute("SELECT cluster FROM clusters ORDER BY pos"):
            yield json.loads(text)


def _order_detail(doc_id: str | None, status: str | None, detail: str, blob: bytes) -> str:
    """`order_detail` of a rejects row of `RunState.rejected` (`blob`, the stored record of one without an id, is
    decoded for that alone)."""
    return order_detail(status, detail, None if doc_id is not None else unpack(blob))


DASK_WORK = "dask"
"""The Dask engine's work folder in a run's state folder (`DIR/.cleaner/dask/`): its parts, and the
`fingerprint.json`, `batch` and `indexed` files that say how far its run got."""


def interrupted_run(state_folder: Path) -> dict[str, Any] | None:
    """The run interrupted with its work in `state_folder` (`DIR/.cleaner/`), by either engine: its
    `fingerprint`, the index `batch` it named once it had decided (None before), and whether it had `added`
    its documents to the index (see `runner.take_out_replaced`); None when there is none."""
    work = state_folder / DASK_WORK
    if (stamp := work / "fingerprint.json").exists():
        named = work / "batch"
        return {"fingerprint": json.loads(stamp.read_text()),
                "batch": named.read_text() if named.exists() else None, "added": (work / "indexed").exists()}
    if (path := state_folder / "state.sqlite").exists():
        with RunState(path) as state:
            if (old := state.get("fingerprint")) is not None:
                return {"fingerprint": json.loads(old), "batch": state.get("batch"),
                        "added": state.get("stage") in ("decided", "indexed")}
    return None
