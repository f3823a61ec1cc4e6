"""The persistent dedup index: one SQLite file (WAL mode) of the documents kept so far.

Per kept document it stores the id, clean-text length, `published`, the exact hash (8 bytes,
indexed), the MinHash signature (4 x num_perm bytes, read back only for LSH candidates, to verify
them by estimated Jaccard) and one 8-byte key per LSH band in a `WITHOUT ROWID` table keyed by
(key, doc). It stores no text.

Why signatures are stored: a near-copy arriving in a later batch must be *verified* against the
earlier document before it is called a duplicate, and the earlier text is gone. Estimated Jaccard
from the two signatures is the test; inside a batch a near-threshold estimate is also checked against
the exact Jaccard of the two texts (`cluster.sure_above`), which an index document cannot give, so such
a pair may be called a duplicate across runs and not within one.

Memory: nothing is held per document in the process. Lookups go through SQLite's B-trees; what the
process holds is SQLite's page cache, bounded by `cache_mb` (default 16 MB, whatever the number of
documents: that bound is 16 bytes per document at 1 million; bench/bench_dedup_memory.py measures the process's
whole growth, 52 bytes per document at 1 million, and the file, ~1,090 bytes per document). Memory-mapped I/O stays
off, so file pages are not counted in the process's RSS.

Parameters: the `meta` table holds the schema version and `DedupParams.stored()`. Opening an
index with other parameters raises `IndexMismatchError` naming every key that differs.

Concurrency: WAL lets readers run beside a writer; `write_lock()` (BEGIN IMMEDIATE) makes one batch's
lookups and additions atomic against other processes using the same file. Opening an existing index
only reads it. A writer that waits longer than `timeout` for another's lock gets `IndexBusyError`.

Fork: SQLite's locks do not survive a fork. A process forked while its parent held an index's write lock
(a stream half taken) cannot use that file: the inherited connection is inside the parent's transaction,
and a new one waits for ever on lock state the child inherited. `ForkedIndexError` says so at once (the
child's documents were added to the parent's transaction, never committed, and lost). Forked with no lock
held, the child uses the index as any other process does.

Batches: a run adds its documents under a name of its own (`add_batch`: the name is stored in the same
transaction, and each document says which batch added it), so that when it is resumed it can tell
whether its documents went in (`has_batch`), and a run that starts over on the same inputs can take the
earlier run's documents out again (`withdraw_batch`); a finished run checks that its index still holds
them (`holder`: the file may have been removed, or replaced by another). Each batch records the real path of the run
folder that added it, of which its name is a hash, so that a run started again in its folder moved tells its batch
from another run's of the same ids. An index made before documents
were numbered by batch gains the `docs.batch` column when a batch is first added; its earlier documents have none.

Stamp: `meta.stamp`, a random token made anew whenever documents are taken out (`withdraw_batch`, `remove_many`),
and another in every index file, tells a copy of the index (the Dask engine's mirror) whether the documents it
copied are still those the index holds under their numbers: document numbers are given again once taken out (a
local `--restart` put the same ids back under the same numbers, new signatures), and a new file at the same path
numbers from 1. An index made without one gets one when first asked (`stamp`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sqlite3
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..closing import Closing
from ..io.names import real
from .signature import DedupParams, band_keys, band_keys_matrix

SCHEMA_VERSION = "1"
_OWN_TABLES = frozenset({"meta", "docs", "bands", "batches", "cited"})
"""The index's tables (the service's store adds its own, named `service_...`)."""
_IN_CHUNK = 500  # bound on the number of `?` in one IN (...) list
SERVED = "\0service"
"""Who kept a document a service request kept, as `DedupIndex.keepers` says it (the service's store, in the same file,
holds it: `service_documents`); no run folder's path nor name can be it (a NUL: a folder named ":service" was)."""
_DELETE_DOCS = 2_000  # documents whose band rows are deleted at a time, in key order (`_delete_bands`)
_BAND_ROWS = 500_000  # band rows sorted and inserted at a time by `add_many` (8 MB of arrays; 20,000 documents)


class IndexMismatchError(ValueError):
    """The index file cannot be used: built with other parameters (or another schema) than the ones
    given, or not a cleaner index at all (another file, another SQLite database, a folder)."""


def refuse_other_databases(db: sqlite3.Connection, path: str | Path) -> None:
    """Refuse a SQLite file that holds tables and is not an index (tables of neither the index nor the
    service's store, or a `meta` table without the index's schema version), before anything is written
    to it (WAL mode is a change too)."""
    tables = sorted(name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                    if not name.startswith("sqlite_"))
    if not tables:
        return
    other = [name for name in tables if name not in _OWN_TABLES and not name.startswith("service_")]
    try:
        schema = "meta" in tables and db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.Error:  # a `meta` table of another shape
        schema = None
    if other or not schema:
        listed = ", ".join((other or tables)[:5]) + (", ..." if len(other or tables) > 5 else "")
        raise IndexMismatchError(f"{path}: a SQLite database of something else (tables {listed}), not a "
                                 "dedup index: give a new path, or the path of an index")


@contextmanager
def _read_only(path: Path, refused: Callable[[sqlite3.Error], str]) -> Iterator[sqlite3.Connection]:
    """`path` opened for reading only, with another program's database refused (`refuse_other_databases`); a
    file SQLite cannot read, or a query on it that fails, is refused with the message `refused(error)`. Opened
    `query_only`, not `mode=ro`: a read-only connection to a WAL file leaves its `-wal` and `-shm` files behind
    when it is the last to close (a run found already complete left them beside its index)."""
    try:
        if _not_sqlite(path):
            raise sqlite3.DatabaseError("file is not a database")
        with closing(sqlite3.connect(f"{real(path).as_uri()}?mode=rw", uri=True)) as db:
            db.execute("PRAGMA query_only = ON")
            refuse_other_databases(db, path)
            yield db
    except sqlite3.Error as exc:
        raise IndexMismatchError(refused(exc)) from None


def refuse_other_file(path: Path) -> None:
    """`refuse_other_databases` for a file that is about to be replaced: it is read only (and a file
    that is not SQLite at all is refused too)."""
    with _read_only(path, lambda exc: f"{path}: not a dedup index ({exc}): move it, or give another --out"):
        pass


def batch_count(path: Path) -> int:
    """How many runs' batches (`DedupIndex.add_batch`) the index file at `path` holds, read without changing it;
    `IndexMismatchError` for a file that is not an index."""
    with _read_only(path, lambda exc: f"{path}: not a dedup index ({exc})") as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'batches'").fetchone():
            return 0
        return db.execute("SELECT count(*) FROM batches").fetchone()[0]


def check_index(path: str | Path, params: DedupParams) -> None:
    """Refuse, without changing it, an existing file that `DedupIndex(path, params)` would refuse (not
    SQLite, another program's database, an index built with other parameters), so that a run can say so
    before it reads a document; a path with nothing there is fine (the index is made there)."""
    path = Path(path)
    _refuse_path(path)
    if not path.exists():
        return
    with _read_only(path, lambda exc: unusable(exc, path)) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
            _check_params(dict(db.execute("SELECT key, value FROM meta")), params, path)


def holder(path: Path, batch: str, kept: Callable[[], list[str]]) -> tuple[str, str | None] | None:
    """The batch by which the index file at `path` holds a run's documents, as its name and the real path of the run
    folder that added it (`DedupIndex.add_batch`; None when not recorded: added before cleaner recorded it): the batch
    called `batch`, or the batch that added every id of those the run kept (`kept`, read only then) and no other
    document: the run's under another name when its folder moved, or another run's of the same ids
    (`runner.replaced_batch` tells them). ("", None) when no batch added its first id (a cleaner older than batches
    did, or the Python API): it holds them, but cannot tell them. None when it holds none. Read without changing it
    (an empty file holds none); `IndexMismatchError` for a file that is not an index."""
    with _read_only(path, lambda exc: f"{path}: not a dedup index ({exc})") as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        folder = "folder" if "batches" in tables and "folder" in _table_columns(db, "batches") else "NULL"
        if "batches" in tables and (row := db.execute(f"SELECT name, {folder} FROM batches WHERE name = ?",
                                                      (batch,)).fetchone()):
            return row
        ids = kept()
        if "docs" not in tables or not ids:
            return None
        numbered = "batch" in _table_columns(db, "docs")
        row = db.execute(f"SELECT {'batch' if numbered else 'NULL'} FROM docs WHERE id = ?", (ids[0],)).fetchone()
        if row is None or row[0] is None:
            return None if row is None else ("", None)  # a scan of the documents below, on this path alone
        if {doc_id for (doc_id,) in db.execute("SELECT id FROM docs WHERE batch = ?", row)} != set(ids):
            return None
        return db.execute(f"SELECT name, {folder} FROM batches WHERE rowid = ?", row).fetchone() or ("", None)


def _table_columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def dangling_of(path: Path, batch: str) -> list[str]:
    """The ids that the duplicates of the batch called `batch` point to (`DedupIndex.cite`) and the index file at
    `path` no longer holds (`DedupIndex.dangling_citations`), sorted; read without changing it."""
    with _read_only(path, lambda exc: f"{path}: not a dedup index ({exc})") as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cited'").fetchone():
            return []
        return [doc_id for (doc_id,) in db.execute(
            "SELECT c.id FROM cited c JOIN batches b ON b.rowid = c.batch WHERE b.name = ? "
            "AND NOT EXISTS (SELECT 1 FROM docs d WHERE d.id = c.id) ORDER BY c.id", (batch,))]


def disk_full(exc: sqlite3.Error, path: str | Path) -> Exception:
    """SQLite's `database or disk is full`, or its `disk I/O error`, as the OSError it is, naming the file `path` (the
    CLI's one line and exit 2, not a traceback); any other error as it is. SQLite says "full" for ENOSPC alone: a file
    size limit (`ulimit -f`) or a disk quota reached is an I/O error to it (`SQLITE_IOERR_WRITE`), and was a
    traceback."""
    if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    if (exc.sqlite_errorcode or 0) & 0xFF == sqlite3.SQLITE_IOERR:
        return OSError(errno.EIO, f"disk I/O error ({exc.sqlite_errorname}: a file size limit or disk quota reached, "
                                  "or the device failing)", str(path))
    return exc


def damaged(exc: BaseException, path: str | Path) -> BaseException:
    """An SQLite error met in an index that opened well but is damaged inside (a page overwritten: `database disk
    image is malformed`; a table dropped) as the `IndexMismatchError` that names the file (the CLI's one line and exit
    2, where a run ended in a traceback and the service answered 500s); any other error as it is."""
    if isinstance(exc, sqlite3.DatabaseError) and (
            getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
            or str(exc).startswith(("no such table", "no such column"))):
        return IndexMismatchError(f"{path}: not usable as a dedup index ({exc}): the file is damaged; run the corpus "
                                  "again into a new index path, or restore the file from a copy")
    return exc


def unusable(exc: sqlite3.Error, path: str | Path) -> str:
    """Why the file at `path` cannot be opened as an index: `damaged`'s words, which say what to do, for one cut
    short or overwritten (it was SQLite's alone when met on opening, and the advice only when met later)."""
    found = damaged(exc, path)
    return str(found) if found is not exc else f"{path}: not usable as a dedup index ({exc})"


SQLITE_HEADER = b"SQLite format 3\x00"


def _not_sqlite(path: Path) -> bool:
    """Whether `path` is a file that holds something and does not start as an SQLite database does. SQLite
    itself opens a file shorter than its header as an empty database, and wrote an index over it (a one-byte
    file given to --index was replaced, exit 0); an empty file is a fresh index."""
    if not path.is_file():  # none, or no file (refused as such where it matters): opening a FIFO would wait
        return False
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    return bool(head) and head != SQLITE_HEADER


def _refuse_path(path: Path) -> None:
    """Refuse a path no index can be kept at, before SQLite opens it: a folder (SQLite's own word for it is
    "unable to open database file"), a FIFO or a device (a FIFO held the opening for ever, and `/dev/null` was
    taken for an empty database), a folder in the path that is a file, or a file or folder this process may
    not write (every run adds to its index, and SQLite writes the `-wal` and `-shm` files beside it)."""
    folder = path.parent
    while not folder.exists():  # the folders that do not exist yet are made in the nearest one that does
        folder = folder.parent
    if path.is_dir():
        why = "a folder: give the path of an index file"
    elif path.exists() and not path.is_file():
        why = "a FIFO, socket or device, not a file: give the path of an index file"
    elif not folder.is_dir():
        why = f"{folder} is a file, not a folder"
    elif _not_sqlite(path):
        why = "file is not a database"
    elif path.exists() and not os.access(path, os.W_OK):
        why = "read only, and kept documents are added to it"
    elif not os.access(folder, os.W_OK | os.X_OK):
        why = f"no write permission in {folder}, where SQLite writes the index and its -wal and -shm files"
    else:
        return
    raise IndexMismatchError(f"{path}: not usable as a dedup index ({why})")


def refuse_written_folder(path: str | os.PathLike[str]) -> None:
    """Refuse a path written as a folder's (`new/`, `new/.`, `new/..`), before `Path` reads it as the file `new` (an
    index file of that name was made, where a folder that exists is refused, `_refuse_path`)."""
    if os.path.basename(os.fspath(path)) in ("", ".", ".."):
        raise IndexMismatchError(f"{os.fspath(path)}: not usable as a dedup index (a folder: give the path of an index "
                                 "file)")


def _create(path: Path) -> None:
    """Create the index file when it is not there, empty (a fresh index), with the permissions the umask gives
    a new file: SQLite creates it 0644 whatever the umask (0664 for every other output under umask 002, so a
    group sharing the index could not write it), and its `-wal` and `-shm` files take the file's own."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        pass


_BUILT_IN = ("schema", "scheme", "shingle_hash", "normalisation")
"""Stored keys no setting chooses: they name how this version of cleaner stores, hashes and normalises."""


def _check_params(stored: dict[str, str], params: DedupParams, path: str | Path) -> None:
    wanted = {"schema": SCHEMA_VERSION, **params.stored()}
    differ = [k for k, v in wanted.items() if stored.get(k) != v]
    if any(k in _BUILT_IN for k in differ):
        diff = "; ".join(f"{k}: index has {stored.get(k)!r}, this version uses {wanted[k]!r}" for k in differ if k in _BUILT_IN)
        raise IndexMismatchError(f"dedup index {path} was built by another version of cleaner ({diff}); run the "
                                 "corpus again into a new index path, or use the version that built it")
    if differ:
        diff = "; ".join(f"{k}: index has {stored.get(k)!r}, asked for {wanted[k]!r}" for k in differ)
        raise IndexMismatchError(f"dedup index {path} was built with other parameters ({diff}); "
                                 "use the parameters it was built with, or a new index path")


class IndexBusyError(RuntimeError):
    """Another process held the index's write lock for longer than this one would wait; `why` is the
    message without the index's path (what a service tells its clients)."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path, self.why = path, why

    def __reduce__(self) -> tuple:
        return type(self), (self.path, self.why)  # crosses process boundaries whole


class ForkedIndexError(RuntimeError):
    """This process was forked while its parent held the index's write lock: the file cannot be used here."""


_OPEN: weakref.WeakSet[DedupIndex] = weakref.WeakSet()
_HELD_AT_FORK: set[str] = set()
"""In a forked process: the index files whose write lock the parent held at the fork."""


def _after_fork_in_child() -> None:
    for index in list(_OPEN):
        if index._in_tx:
            index._held_at_fork = True
            if index._file != ":memory:":
                _HELD_AT_FORK.add(index._file)


os.register_at_fork(after_in_child=_after_fork_in_child)


def busy(path: str, timeout: float) -> IndexBusyError:
    """The error of a writer that waited `timeout` seconds for another connection's write lock on the index at
    `path`."""
    return IndexBusyError(path, f"busy: another process has held the index's write lock for over {timeout:g} s "
                                "(a run deduplicating or adding its documents, or a service storing some; or, in this "
                                "process, another Pipeline over this file with a stream half taken); try again when it is done")


@dataclass(frozen=True)
class IndexedDoc:
    """A document kept in an earlier batch, as the index knows it."""

    id: str
    length: int
    published: str | None
    exact: int
    signature: np.ndarray | None


class DedupIndex(Closing):
    """`DedupIndex(path, params)` opens (or creates) the index file at `path`; ":memory:" works too."""

    def __init__(self, path: str | Path, params: DedupParams | None = None, *, cache_mb: int = 16,
                 timeout: float = 60.0) -> None:
        self.params = params or DedupParams()
        self.path = os.fspath(path)  # None or a number is a TypeError: as text, it named a file `None` or `5`
        self.timeout = timeout
        self._file = self.path if self.path == ":memory:" else os.path.realpath(self.path)
        self._held_at_fork = False
        self.check_fork()
        if self.path != ":memory:":
            refuse_written_folder(self.path)
            _refuse_path(Path(self.path))
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            _create(Path(self.path))
        self._db = None
        try:
            # any thread may use the index, one at a time (`Deduplicator.run` holds a lock; the service has one index thread)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            refuse_other_databases(self._db, self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
            self._db.execute("PRAGMA mmap_size=0")
            self._db.execute("PRAGMA temp_store=FILE")
            self._in_tx = False
            self._init_schema()
            _OPEN.add(self)
        except BaseException as exc:  # a file it cannot use, or one of other parameters: not left open
            if self._db is not None:
                self._db.close()
            if is_locked(exc):
                raise busy(self.path, timeout) from None
            if isinstance(exc, sqlite3.Error):
                raise IndexMismatchError(unusable(exc, self.path)) from None
            raise

    # -- set-up ---------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        db = self._db
        if "meta" in {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
            _check_params(dict(db.execute("SELECT key, value FROM meta")), self.params, self.path)  # an index: read, no lock
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            stored = dict(db.execute("SELECT key, value FROM meta"))
            wanted = {"schema": SCHEMA_VERSION, **self.params.stored()}
            if not stored:
                db.execute("CREATE TABLE docs (doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, length INTEGER NOT NULL,"
                           " published TEXT, exact INTEGER NOT NULL, sig BLOB)")
                db.execute("CREATE INDEX docs_exact ON docs (exact)")
                db.execute("CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc))"
                           " WITHOUT ROWID")
                db.executemany("INSERT INTO meta VALUES (?, ?)", wanted.items())
            else:
                _check_params(stored, self.params, self.path)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._db.close()
            raise

    @staticmethod
    def stored_params(path: str | Path) -> dict[str, str]:
        """The parameters an existing index file was built with (to rebuild `DedupParams`)."""
        with sqlite3.connect(str(path)) as db:
            return dict(db.execute("SELECT key, value FROM meta"))

    # -- transactions ---------------------------------------------------------------------------
    def check_fork(self) -> None:
        """`ForkedIndexError` when this process was forked while its parent held this index's write lock
        (that of this object, or of another over the same file)."""
        if self._held_at_fork or (self._file != ":memory:" and self._file in _HELD_AT_FORK):
            raise ForkedIndexError(
                f"{self.path}: this process was forked while its parent held the index's write lock (a stream half "
                "taken, or a batch being decided), and SQLite's locks do not survive a fork: the index cannot be used "
                "in this process. Fork before taking a stream or once it is closed, or start the process with "
                "multiprocessing's 'spawn'")

    @contextmanager
    def write_lock(self, wait: float | None = None) -> Iterator[DedupIndex]:
        """Hold the file's write lock: lookups and additions inside are one atomic batch. Another connection's lock
        is waited for `wait` seconds (default: the index's `timeout`), then `IndexBusyError`."""
        self.check_fork()
        if self._in_tx:
            yield self
            return
        self._begin(wait)
        self._in_tx = True
        pid = os.getpid()
        try:
            try:
                yield self
            except BaseException:
                if os.getpid() == pid and self._db.in_transaction:  # a forked process leaves its parent's alone, and
                    self._db.execute("ROLLBACK")  # SQLite rolled back on its own when the disk was full
                raise
            else:
                if os.getpid() == pid:
                    self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise damaged(disk_full(exc, self.path), self.path) from None
        finally:
            self._in_tx = False

    def _begin(self, wait: float | None) -> None:
        """Take the write lock, waiting for another connection's up to the connection's busy timeout (the index's
        `timeout`), or `wait` seconds when given (the busy timeout for this once)."""
        if wait is None:
            self._take()
            return
        before = self._db.execute("PRAGMA busy_timeout").fetchone()[0]
        self._db.execute(f"PRAGMA busy_timeout = {max(0, round(wait * 1000))}")
        try:
            self._take()
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {before}")

    def _take(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_locked(exc):
                raise busy(self.path, self.timeout) from None
            raise

    @property
    def connection(self) -> sqlite3.Connection:
        """The open connection, for callers that keep tables of their own in the same file and write
        them inside `write_lock()`, in one transaction with the index (the service's document store)."""
        return self._db

    # -- reads ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM docs").fetchone()[0]

    def is_empty(self) -> bool:
        """No document yet (one row read, where `len` counts them all)."""
        return self._db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None

    def has_batch(self, name: str) -> bool:
        """Whether a batch called `name` was added (`add_batch`)."""
        return self._batch_number(name) is not None

    def _batch_number(self, name: str) -> int | None:
        """The number of the batch called `name` (None: no such batch)."""
        try:
            row = self._db.execute("SELECT rowid FROM batches WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:  # an index no batch was ever added to
            return None
        return None if row is None else row[0]

    def _columns(self, table: str) -> set[str]:
        return _table_columns(self._db, table)

    def contains(self, doc_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM docs WHERE id = ?", (doc_id,)).fetchone() is not None

    def keepers(self, ids: Iterable[str]) -> dict[str, str | None]:
        """Who kept each of these documents, as the index file records it: the real path of the run folder whose batch
        added it (`add_batch`), "" for a run's batch that recorded none (a cleaner older than folders added it),
        `SERVED` for one a service request kept, None for one neither added (a `Pipeline` call, a cleaner older than
        batches) or not held."""
        out: dict[str, str | None] = dict.fromkeys(sorted(set(ids)))
        if out and "batch" in self._columns("docs"):  # a run's batch added documents
            folder = "coalesce(b.folder, '')" if "folder" in self._columns("batches") else "''"
            out.update(self._each_of(f"SELECT d.id, {folder} FROM docs d JOIN batches b ON b.rowid = d.batch "
                                     "WHERE d.id IN ({})", list(out)))
        unnamed = [doc_id for doc_id, folder in out.items() if folder is None]
        if unnamed and self._columns("service_documents"):  # a service stored documents (`service.store`)
            out.update((doc_id, SERVED) for (doc_id,) in self._each_of("SELECT id FROM service_documents "
                                                                        "WHERE id IN ({})", unnamed))
        return out

    def _each_of(self, sql: str, ids: list[str]) -> Iterator[tuple]:
        """The rows of `sql` for these ids, its `IN ({})` filled with `_IN_CHUNK` of them at a time."""
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i : i + _IN_CHUNK]
            yield from self._db.execute(sql.format(",".join("?" * len(chunk))), chunk)

    def find_exact(self, exact: int) -> IndexedDoc | None:
        """The kept document whose normal form hashes to `exact` (smallest id if several)."""
        row = self._db.execute("SELECT id, length, published, exact, sig FROM docs WHERE exact = ? ORDER BY id LIMIT 1",
                               (exact,)).fetchone()
        return None if row is None else self._doc(row)

    def candidates(self, keys: Sequence[int]) -> list[IndexedDoc]:
        """Kept documents sharing at least one band key (unverified LSH candidates), by id."""
        out = [self._doc(row) for row in self._rows("id, length, published, exact, sig", self._sharing(keys))]
        return sorted(out, key=lambda d: d.id)

    def candidate_signatures(self, keys: Sequence[int]) -> tuple[list[str], np.ndarray]:
        """The ids, sorted, and the signatures (stacked in that order, num_perm columns) of the kept documents
        sharing at least one band key: what `candidates` gives, with no object per document."""
        rows = sorted(self._rows("id, sig", self._sharing(keys)))
        sigs = np.frombuffer(b"".join(sig for _, sig in rows), dtype=np.uint32).reshape(len(rows), self.params.num_perm)
        return [doc_id for doc_id, _ in rows], sigs

    def _sharing(self, keys: Sequence[int]) -> list[int]:
        """The numbers of the kept documents sharing at least one of these band keys, sorted."""
        docs: set[int] = set()
        for i in range(0, len(keys), _IN_CHUNK):
            chunk = list(keys[i : i + _IN_CHUNK])
            marks = ",".join("?" * len(chunk))
            docs.update(r[0] for r in self._db.execute(f"SELECT doc FROM bands WHERE key IN ({marks})", chunk))
        return sorted(docs)

    def _rows(self, columns: str, docs: list[int]) -> list[tuple]:
        """These columns of the documents numbered `docs`."""
        out: list[tuple] = []
        for i in range(0, len(docs), _IN_CHUNK):
            chunk = docs[i : i + _IN_CHUNK]
            out += self._db.execute(f"SELECT {columns} FROM docs WHERE doc IN ({','.join('?' * len(chunk))})", chunk)
        return out

    def query(self, signature: np.ndarray) -> list[str]:
        """Ids of kept documents that share an LSH band with `signature` (candidates, not verified)."""
        p = self.params
        return [d.id for d in self.candidates(band_keys(signature, p.bands, p.rows))]

    def _doc(self, row: tuple) -> IndexedDoc:
        sig = None if row[4] is None else np.frombuffer(row[4], dtype=np.uint32)
        return IndexedDoc(id=row[0], length=row[1], published=row[2], exact=row[3], signature=sig)

    # -- writes ---------------------------------------------------------------------------------
    def add_batch(self, name: str, rows: Iterable[tuple], cites: Iterable[str] = (), folder: Path | None = None) -> int:
        """`add_many` of a run's kept documents under the batch name `name`, stored with them in one
        transaction (`has_batch`, `withdraw_batch`), and the ids its duplicates point to (`cites`, their `dup_of`):
        those of documents other batches added are noted, for `dangling_citations`. The real path of the run's
        `folder` is stored with the name, which is a hash of it (`manifest.batch_name`): a run started again in its
        folder moved tells its batch from another run's of the same ids by it (`holder`)."""
        with self.write_lock():
            self._batch_columns()
            self._db.execute("INSERT OR IGNORE INTO batches (name, numbered, folder) VALUES (?, 1, ?)",
                             (name, folder and str(real(folder))))
            number = self._batch_number(name)
            self.cite(cites, number)
            return self.add_many(rows, number)

    def _batch_columns(self) -> None:
        """The batches table, and the columns an index made before documents were numbered by batch, or batches
        named their folder, lacks (under the write lock)."""
        self._db.execute("CREATE TABLE IF NOT EXISTS batches (name TEXT PRIMARY KEY, numbered INTEGER, folder TEXT)")
        for table, column, kind in (("docs", "batch", "INTEGER"), ("batches", "numbered", "INTEGER"),
                                    ("batches", "folder", "TEXT")):
            if column not in self._columns(table):
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def cite(self, ids: Iterable[str], batch: int = 0) -> None:
        """Note the ids that the duplicates of the batch numbered `batch` point to (their `dup_of`; 0: no batch's, a
        service request's or a Pipeline call's), those of documents another batch added, for `dangling_citations`."""
        ids = sorted(set(ids))
        with self.write_lock():
            if not ids or "batch" not in self._columns("docs"):  # no batch ever added a document
                return
            self._db.execute("CREATE TABLE IF NOT EXISTS cited (id TEXT NOT NULL, batch INTEGER NOT NULL, "
                             "told INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, batch)) WITHOUT ROWID")
            other = f"batch IS NOT {int(batch)}" if batch else "batch IS NOT NULL"  # a run's cites a Pipeline's too
            self._db.executemany(f"INSERT OR IGNORE INTO cited (id, batch) SELECT id, ? FROM docs WHERE id = ? "
                                 f"AND {other}", ((batch, doc_id) for doc_id in ids))

    def dangling_citations(self) -> list[str]:
        """The ids that a batch's duplicates point to (`add_batch`'s `cites`) and the index no longer holds, sorted;
        told once (marked `told`, and told again once back and gone again), and kept for `dangling_of`: a run that took
        out the batch that added them (started over with other rules or gates) did not keep them again, so their
        copies in the citing batch's rejects are in no corpus."""
        with self.write_lock():
            if not self._has_table("cited"):
                return []
            if "told" not in self._columns("cited"):  # noted by a cleaner that forgot them once told
                self._db.execute("ALTER TABLE cited ADD COLUMN told INTEGER NOT NULL DEFAULT 0")
            held = "EXISTS (SELECT 1 FROM docs d WHERE d.id = cited.id)"
            self._db.execute(f"UPDATE cited SET told = 0 WHERE told AND {held}")
            gone = [doc_id for (doc_id,) in self._db.execute(
                f"SELECT DISTINCT id FROM cited WHERE NOT told AND NOT {held} ORDER BY id")]
            self._db.execute(f"UPDATE cited SET told = 1 WHERE NOT told AND NOT {held}")
        return gone

    def _has_table(self, name: str) -> bool:
        found = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
        return found is not None

    def rename_batch(self, name: str, new: str, folder: Path) -> None:
        """Give the batch called `name`, when there is one, the name `new` and the run folder `folder` (a run
        `--continue`d with other rules or config after it added its documents is known by the fingerprint it finished
        with, one resumed in its folder moved by the new path)."""
        if name != new and self.has_batch(name):
            with self.write_lock():
                self._batch_columns()  # a batch an older cleaner added, resumed by this one ("no such column")
                self._db.execute("UPDATE OR IGNORE batches SET name = ?, folder = ? WHERE name = ?",
                                 (new, str(real(folder)), name))

    def withdraw_batch(self, name: str) -> int | None:
        """Take out the documents the batch called `name` added (`add_batch`), and its name: how many were
        taken out; None when the index holds the name but cannot tell its documents (added before
        documents were numbered by batch), 0 when it does not hold the name."""
        with self.write_lock():
            number = self._batch_number(name)
            if number is None:
                return 0
            if "numbered" not in self._columns("batches") or not self._db.execute(
                    "SELECT numbered FROM batches WHERE rowid = ?", (number,)).fetchone()[0]:
                return None
            rows = self._db.execute("SELECT doc, sig FROM docs WHERE batch = ? AND sig IS NOT NULL", (number,))
            while block := rows.fetchmany(_DELETE_DOCS):
                self._delete_bands([(doc, np.frombuffer(sig, dtype=np.uint32)) for doc, sig in block])
            n = self._db.execute("DELETE FROM docs WHERE batch = ?", (number,)).rowcount
            self._db.execute("DELETE FROM batches WHERE rowid = ?", (number,))
            if self._has_table("cited"):
                self._db.execute("DELETE FROM cited WHERE batch = ?", (number,))  # its duplicates go with it
            if n:
                self._new_stamp()
        return n

    def add_many(self, rows: Iterable[tuple], batch: int | None = None) -> int:
        """Record kept documents: (id, length, published, exact, signature, band keys) tuples (added by
        the batch numbered `batch`, see `add_batch`).

        Document numbers are assigned here (under the write lock); documents go in with one
        `executemany` per 2,000, band rows gathered into arrays and inserted sorted by key up to
        `_BAND_ROWS` at a time (sorted runs of that size fill the key B-tree as fast as one run of 4
        million, 2.5 s for 75,000 documents either way, at half the peak memory; much smaller ones,
        scattered over it, are up to twice as slow)."""
        p = self.params
        n = 0
        with self.write_lock():
            next_doc = (self._db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0) + 1
            docs: list[tuple] = []
            keys: list[np.ndarray] = []  # band keys given with their documents, and blocks keyed here
            owners: list[np.ndarray] = []  # the document number of each of those keys
            given: list[np.ndarray] = []  # band keys given with their documents, not yet in `keys`
            given_owners: list[int] = []
            unkeyed: list[np.ndarray] = []  # signatures given without: keyed a block at a time
            unkeyed_owners: list[int] = []

            def flush_docs() -> None:
                if batch is None:
                    self._db.executemany("INSERT INTO docs (doc, id, length, published, exact, sig) VALUES (?, ?, ?, ?, ?, ?)", docs)
                else:
                    self._db.executemany("INSERT INTO docs (doc, id, length, published, exact, sig, batch) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?)", (row + (batch,) for row in docs))
                docs.clear()

            def gather() -> None:
                """Move the pending band keys into `keys` (the unkeyed signatures keyed in one pass)."""
                if given:
                    keys.append(np.concatenate(given))
                    owners.append(np.repeat(np.array(given_owners, dtype=np.int64), [len(k) for k in given]))
                if unkeyed:
                    keys.append(band_keys_matrix(np.stack(unkeyed), p.bands, p.rows).ravel())
                    owners.append(np.repeat(np.array(unkeyed_owners, dtype=np.int64), p.bands))
                for pending_list in (given, given_owners, unkeyed, unkeyed_owners):
                    pending_list.clear()

            def flush_bands() -> None:
                gather()
                if not keys:
                    return
                key, owner = np.concatenate(keys), np.concatenate(owners)
                keys.clear()
                owners.clear()
                order = np.lexsort((owner, key))
                key, owner = key[order], owner[order]
                for s in range(0, len(key), 50_000):
                    self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                                         zip(key[s : s + 50_000].tolist(), owner[s : s + 50_000].tolist()))

            pending = 0
            for doc_id, length, published, exact, signature, doc_keys in rows:
                blob = None
                if signature is not None:
                    sig = np.ascontiguousarray(signature, dtype=np.uint32)
                    if sig.shape != (p.num_perm,):
                        raise ValueError(f"signature of {doc_id!r} has {sig.size} values, the index uses {p.num_perm}")
                    blob = sig.tobytes()
                    if len(doc_keys):
                        given.append(np.asarray(doc_keys, dtype=np.int64))
                        given_owners.append(next_doc)
                    else:
                        unkeyed.append(sig)
                        unkeyed_owners.append(next_doc)
                    pending += len(doc_keys) or p.bands
                docs.append((next_doc, doc_id, int(length), published, int(exact), blob))
                next_doc += 1
                n += 1
                if len(docs) >= 2_000:
                    flush_docs()
                    gather()  # 2,000 signatures to 50,000 keys: the signatures are not all held at once
                if pending >= _BAND_ROWS:
                    flush_bands()
                    pending = 0
            flush_docs()
            flush_bands()
        return n

    def remove_many(self, docs: Iterable[tuple[str, np.ndarray | None]]) -> int:
        """Take documents out again: (id, signature) pairs of documents `add_many` put in (their band rows
        are found by the keys the signature gives, not by a scan); returns how many were there."""
        n = 0
        owned: list[tuple[int, np.ndarray]] = []
        with self.write_lock():
            for doc_id, signature in docs:
                row = self._db.execute("SELECT doc FROM docs WHERE id = ?", (doc_id,)).fetchone()
                if row is None:
                    continue
                self._db.execute("DELETE FROM docs WHERE doc = ?", row)
                n += 1
                if signature is not None:
                    owned.append((row[0], np.ascontiguousarray(signature, dtype=np.uint32)))
                if len(owned) == _DELETE_DOCS:
                    self._delete_bands(owned)
                    owned.clear()
            self._delete_bands(owned)
            if n:
                self._new_stamp()
        return n

    def stamp(self) -> str:
        """The index's stamp (see the module docstring), made now for an index that has none."""
        row = self._db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row is None:
            with self.write_lock():
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('stamp', ?)", (uuid.uuid4().hex,))
            return self.stamp()
        return row[0]

    def _new_stamp(self) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)", (uuid.uuid4().hex,))

    def _delete_bands(self, owned: list[tuple[int, np.ndarray]]) -> None:
        """Delete the band rows of (document number, signature) pairs, in key order: deleted a document at
        a time, scattered over the key B-tree, 100,000 documents' rows took 30 s; in key order, 9 s."""
        if not owned:
            return
        p = self.params
        keys = band_keys_matrix(np.stack([sig for _, sig in owned]), p.bands, p.rows).ravel()
        owners = np.repeat(np.array([doc for doc, _ in owned], dtype=np.int64), p.bands)
        order = np.argsort(keys, kind="stable")
        self._db.executemany("DELETE FROM bands WHERE key = ? AND doc = ?", zip(keys[order].tolist(), owners[order].tolist()))

    def close(self) -> None:
        if self._held_at_fork:  # closing rolls back, and the rollback can undo the parent's frames in the shared WAL index
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(self._db))  # never closed in this process, even at exit
        else:
            self._db.close()


def is_locked(exc: BaseException) -> bool:
    """An SQLite error that says another connection holds the lock."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))
