"""The service's document store: what it kept (corpus record + raw text) and what it called a copy.

Where: two tables in the dedup index file itself (`service_documents`, `service_duplicates`; the
index ignores tables it does not own). Why there: the dedup index stores only signatures and band
keys, and a kept document must be stored in the *same transaction* that adds it to the index, or a
killed server could leave an indexed document whose text is lost. `add` runs on the index's own
connection inside `DedupIndex.write_lock()`; reads open short-lived connections of their own (WAL:
readers never wait for the writer).

Documents kept by `cleaner run` on the same index are in the index but not in the store: the
service answers their copies as duplicates, but has no text to show for them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

from ..dedup.index import busy, is_locked
from ..pipeline import RunResult
from ..review.run import Run

_SCHEMA = (
    ("CREATE TABLE IF NOT EXISTS service_documents (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
     " record TEXT NOT NULL, raw TEXT NOT NULL, added REAL NOT NULL)"),
    ("CREATE TABLE IF NOT EXISTS service_duplicates (id TEXT NOT NULL, cluster TEXT NOT NULL,"
     " reason TEXT NOT NULL, similarity REAL, added REAL NOT NULL, raw TEXT, PRIMARY KEY (id, cluster))"),
    "CREATE INDEX IF NOT EXISTS service_duplicates_cluster ON service_duplicates (cluster)",
)
"""A duplicate link per id and cluster: an id posted again as a copy of another document is linked to both, each
link with the text posted then (keyed by id alone, the second link replaced the first, and its text)."""


def _create_tables(db: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        db.execute(statement)


def _linked_by_id_alone(db: sqlite3.Connection) -> bool:
    columns = db.execute("PRAGMA table_info(service_duplicates)")
    return any(name == "cluster" and not pk for _, name, _, _, _, pk in columns)


def _link_by_cluster(db: sqlite3.Connection) -> None:
    """Give a store made when a duplicate had one link, keyed by its id alone, the key (id, cluster), its links
    kept, in one transaction (another server on the file may do it first)."""
    if not _linked_by_id_alone(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if _linked_by_id_alone(db):
            columns = ", ".join(row[1] for row in db.execute("PRAGMA table_info(service_duplicates)"))
            db.execute("DROP INDEX IF EXISTS service_duplicates_cluster")
            db.execute("ALTER TABLE service_duplicates RENAME TO service_duplicates_by_id")
            _create_tables(db)
            db.execute(f"INSERT INTO service_duplicates ({columns}) SELECT {columns} FROM service_duplicates_by_id")
            db.execute("DROP TABLE service_duplicates_by_id")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class IndexGoneError(RuntimeError):
    """The index file was removed or replaced while the service ran (`cleaner run --restart` on the folder
    it is in removes that folder's `index.sqlite`): the index's connection would go on writing to a file no
    one can open again, and a reader would open another file, or create an empty one."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: the index file was removed or replaced while the server ran; restart it")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class DocumentStore:
    """Kept documents and duplicate links in the index file at `path`; `writer` is the index's connection."""

    def __init__(self, path: str, writer: sqlite3.Connection, timeout: float = 60.0) -> None:
        self.path = path
        self._writer = writer
        self._file = _identity(path)
        try:
            _link_by_cluster(writer)
            _create_tables(writer)
        except sqlite3.OperationalError as exc:  # another process's write lock held past `timeout`: a traceback, exit 1
            if not is_locked(exc):
                raise
            raise busy(path, timeout) from None

    def check_file(self) -> None:
        """Raise `IndexGoneError` if the file at `path` is no longer the one the store was opened on."""
        if _identity(self.path) != self._file:
            raise IndexGoneError(self.path)

    def add(self, result: RunResult) -> None:
        """Store a batch's kept documents and duplicate links. Call it inside the index's write lock,
        on the thread that owns the index, so it commits (or not) together with the index rows."""
        now = time.time()
        self._writer.executemany(
            "INSERT INTO service_documents (id, record, raw, added) VALUES (?, ?, ?, ?)",
            [(doc.id, _dumps(doc.record()),
              _dumps(doc.document.model_dump(include={"id", "text", "url", "html"}, exclude_none=True)), now)
             for doc in result.kept])
        self._writer.executemany(  # an id kept now names that document, not a copy the service once linked
            "DELETE FROM service_duplicates WHERE id = ?", [(doc.id,) for doc in result.kept])
        self._writer.executemany(
            "INSERT OR REPLACE INTO service_duplicates VALUES (?, ?, ?, ?, ?, ?)",
            [(r.id, r.dup_of, r.reason, r.similarity, now, _dumps(r.raw))
             for r in result.rejected if r.reason in ("duplicate", "exact_duplicate")])

    def _read(self) -> sqlite3.Connection:
        self.check_file()
        return sqlite3.connect(self.path, timeout=30)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """`{"record": …, "raw": …}` of a stored document, or None."""
        with closing(self._read()) as db:
            row = db.execute("SELECT record, raw FROM service_documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else {"record": json.loads(row[0]), "raw": json.loads(row[1])}

    def cluster(self, cluster_id: str) -> dict[str, Any] | None:
        """The kept document `cluster_id` and the duplicates the service linked to it, or None if the
        index holds no such document (one a `cleaner run` kept is there, not stored by the service)."""
        with closing(self._read()) as db:
            stored = db.execute("SELECT 1 FROM service_documents WHERE id = ?", (cluster_id,)).fetchone() is not None
            indexed = stored or db.execute("SELECT 1 FROM docs WHERE id = ?", (cluster_id,)).fetchone() is not None
            members = [{"id": i, "reason": r, "similarity": s} for i, r, s in db.execute(
                "SELECT id, reason, similarity FROM service_duplicates WHERE cluster = ? ORDER BY id", (cluster_id,))]
        if not indexed and not members:
            return None
        return {"id": cluster_id, "kept": cluster_id, "kept_stored": stored, "duplicates": members}

    def review_run(self, limit: int) -> Run:
        """The last `limit` kept documents, the duplicates linked to them and their clusters, as a review `Run`."""
        run = Run(name="cleaner serve")
        with closing(self._read()) as db:
            rows = db.execute("SELECT record, raw FROM (SELECT seq, record, raw FROM service_documents"
                              " ORDER BY seq DESC LIMIT ?) ORDER BY seq", (limit,)).fetchall()
            raws = [json.loads(raw) for _, raw in rows]
            run.corpus = [json.loads(record) for record, _ in rows]
            run.raw = {record["id"]: raw.get("text", "") for record, raw in zip(run.corpus, raws)}
            run.pages = frozenset(r["id"] for r, raw in zip(run.corpus, raws) if isinstance(raw.get("html"), str))
            kept = list(run.raw)
            groups: dict[str, list[tuple[str, float]]] = {}
            for start in range(0, len(kept), 500):
                chunk = kept[start : start + 500]
                for doc_id, cluster, reason, similarity, raw in db.execute(
                        "SELECT id, cluster, reason, similarity, raw FROM service_duplicates"
                        f" WHERE cluster IN ({','.join('?' * len(chunk))}) ORDER BY cluster, id", chunk):
                    run.rejects.append({"id": doc_id, "stage": "dedup", "reason": reason, "detail": f"copy of {cluster}",
                                        "dup_of": cluster, "similarity": similarity, "raw": json.loads(raw or "null")})
                    groups.setdefault(cluster, []).append((doc_id, similarity or 1.0))
        run.clusters = [{"id": k, "kept": k, "kept_in_index": False, "members": [k, *(d for d, _ in members)],
                         "similarities": [[k, d, sim] for d, sim in members]} for k, members in sorted(groups.items())]
        return run

    def counts(self) -> dict[str, int]:
        """How many documents are stored and how many duplicate links are held."""
        with closing(self._read()) as db:
            docs = db.execute("SELECT count(*) FROM service_documents").fetchone()[0]
            dups = db.execute("SELECT count(*) FROM service_duplicates").fetchone()[0]
        return {"stored_documents": docs, "duplicate_links": dups}

    def index_size(self) -> int:
        """How many documents the index holds, read on a connection of its own: a reader does not wait
        for a writer (WAL), where the index thread may be waiting for another process's lock."""
        with closing(self._read()) as db:
            return db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def corpus(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Every stored document, in the order it was kept, as `(record, raw)`: `record` is the dict
        `cleaner run` writes to corpus.jsonl, `raw` the one it writes to raw.jsonl (id, raw text, url, html)."""
        with closing(self._read()) as db:
            for record, raw in db.execute("SELECT record, raw FROM service_documents ORDER BY seq"):
                yield json.loads(record), json.loads(raw)
