"""The index at cluster scale: Parquet tables beside the SQLite file, read by the workers.

The SQLite index (`DedupIndex`) stays the index of record: local runs, the service and Dask runs all
add to it. Workers do not open it; they read its mirror, a folder next to it (`corpus.sqlite` →
`corpus.keys/`), one pair of tables per export:

    mirror.json         {"format": 2, "params": DedupParams.stored(), "stamp": the index's (`DedupIndex.stamp`),
                         "upto": the last index doc exported, "last_id": its id, "count": the index docs exported,
                         "parts": [{"keys": ..., "docs": ..., "first": doc, "last": doc}, ...]}
    keys-00000.parquet  key (int64), node (int64 = INDEX_NODE | doc): per indexed document its id hash,
                        exact hash and band keys, the rows a run's documents are shuffled against
    docs-00000.parquet  node, head (packed [id, published]), length, exact, sig: what a verdict task
                        needs of an index document its component holds

Index documents are numbered in the order they were added, so `refresh` exports only the documents added
since the last export (by any engine or the service) as one more pair, and starts the mirror over when its
format or the parameters differ, or the index's stamp is not the one it was exported from
(`DedupIndex.stamp`: documents were taken out since, whose numbers the next ones take again, or the index
file was replaced by another). A mirror of format 1 knew no stamp, and held the documents of before a local
`--restart` that put the same ids back under the same numbers: it is exported again. The id of the last
document exported and the count up to it are checked too, for an index written by a cleaner older than
stamps. The Dask engine refreshes under the index's write lock, so the mirror it shuffles against is the
index it commits to.

The folder is the mirror's while it holds `mirror.json` (written before anything else goes in, removed
last): a folder at that path without it, or a file, is not replaced but refused (`check_mirror`).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np

from ..dedup.index import DedupIndex, IndexMismatchError
from ..io.writers import write_atomic
from ..runstate import pack, unpack
from .parts import id_key
from .shuffle import EXACT_TAG, ID_TAG, INDEX_NODE

_CHUNK_DOCS = 100_000
FORMAT = 2
"""The mirror's layout version (a mirror of another version is exported again); 2: the index's stamp."""
_PART = re.compile(r"\.?(?:keys|docs)-\d{5}\.parquet(?:\.\w+)?|\.mirror\.json\.\w+")
"""The name of a part a mirror holds, or of its temporary file or its marker's while written
(`writers.write_atomic`)."""
MARKER = "mirror.json"


def mirror_path(index_path: Path) -> Path:
    """The mirror folder of an index file."""
    return index_path.with_suffix(".keys")


def check_mirror(index_path: Path) -> None:
    """Refuse, before a run reads a document, an index whose mirror cannot be kept beside it: an index path that
    is its own mirror's (`--index corp.keys`: the run prepared every split, then stopped at `File exists`), or
    something other than a mirror where the mirror goes (`_read_meta`)."""
    if index_path.suffix.lower() == ".keys":
        raise IndexMismatchError(f"{index_path}: an index path ending in .keys is the name of the folder where the "
                                 "Dask engine keeps its copy of the index; give the index another suffix (.sqlite)")
    _read_meta(index_path)


def _read_meta(index_path: Path) -> dict | None:
    """The mirror's `mirror.json`; None when there is no mirror (nothing there, or an empty folder). Anything else
    at its path is refused, never replaced: a folder of the user's there was removed with what it held."""
    folder = mirror_path(index_path)
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise IndexMismatchError(f"{folder}: not a folder, and the Dask engine keeps its copy of the index "
                                     f"{index_path} there: move it, or give --index another name")
        return None
    try:
        meta = json.loads((folder / MARKER).read_text())
    except FileNotFoundError:  # empty, or the parts of a run of the cleaner before markers came first, killed before
        # it wrote its marker (format 0: exported again)
        names = [entry.name for entry in folder.iterdir()]
        meta = None if not names else {"format": 0} if all(_PART.fullmatch(name) for name in names) else {}
    except (OSError, ValueError):  # unreadable, or not JSON
        meta = {}
    if meta is not None and not (isinstance(meta, dict) and "format" in meta):
        raise IndexMismatchError(f"{folder}: a folder the Dask engine did not make (no {MARKER} of its own), where it "
                                 f"keeps its copy of the index {index_path}: move it, or give --index another name")
    return meta


def remove_mirror(index_path: Path) -> None:
    """Remove the mirror of an index file that is removed (refusing what `_read_meta` refuses), its marker last."""
    folder = mirror_path(index_path)
    if _read_meta(index_path) is not None or folder.is_dir():
        _clear(folder)
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()


def _clear(folder: Path) -> None:
    """Remove all but the marker from a mirror folder."""
    for entry in folder.iterdir():
        if entry.name != MARKER:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def refresh(index: DedupIndex) -> list[dict]:
    """Export the index documents the mirror lacks; return every part of the mirror (`mirror.json`'s
    `parts`, with their paths)."""
    import pyarrow as pa

    folder = mirror_path(Path(index.path))
    meta_path = folder / MARKER
    meta = _read_meta(Path(index.path))
    db = index.connection
    last = db.execute("SELECT coalesce(max(doc), 0) FROM docs").fetchone()[0]
    stamp = index.stamp()
    if (meta is None or meta["format"] != FORMAT or meta["params"] != index.params.stored() or meta["stamp"] != stamp
            or meta["upto"] > last or meta["last_id"] != _id_at(db, meta["upto"])  # another index file, or some it
            or meta["count"] != _count_upto(db, meta["upto"])):  # exported taken out since, by a cleaner before stamps
        meta = {"format": FORMAT, "params": index.params.stored(), "stamp": stamp, "upto": 0, "last_id": None,
                "count": 0, "parts": []}
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(meta_path, json.dumps(meta, indent=1).encode())  # the marker first: a folder of the mirror's
        _clear(folder)
    while meta["upto"] < last:
        lo, hi = meta["upto"], min(last, meta["upto"] + _CHUNK_DOCS)
        docs = db.execute("SELECT doc, id, length, published, exact, sig FROM docs WHERE doc > ? AND doc <= ?"
                          " ORDER BY doc", (lo, hi)).fetchall()
        bands = np.array(db.execute("SELECT key, doc FROM bands WHERE doc > ? AND doc <= ?", (lo, hi)).fetchall(),
                         dtype=np.int64).reshape(-1, 2)
        doc = INDEX_NODE | np.array([d[0] for d in docs], dtype=np.int64)
        keys = np.concatenate([np.array([id_key(d[1]) for d in docs], dtype=np.int64) ^ ID_TAG,
                               np.array([d[4] for d in docs], dtype=np.int64) ^ EXACT_TAG, bands[:, 0]])
        k = len(meta["parts"])
        part = {"keys": f"keys-{k:05d}.parquet", "docs": f"docs-{k:05d}.parquet", "first": lo + 1, "last": hi}
        _write(folder / part["keys"], pa.table({"key": keys, "node": np.concatenate([doc, doc, INDEX_NODE | bands[:, 1]])}))
        _write(folder / part["docs"], pa.table({
            "node": doc, "head": pa.array([pack([d[1], d[3]]) for d in docs], pa.binary()),
            "length": pa.array([d[2] for d in docs], pa.int64()), "exact": pa.array([d[4] for d in docs], pa.int64()),
            "sig": pa.array([d[5] for d in docs], pa.binary())}))
        meta["parts"].append(part)
        meta["upto"], meta["last_id"], meta["count"] = hi, _id_at(db, hi), meta["count"] + len(docs)
        write_atomic(meta_path, json.dumps(meta, indent=1).encode())
    return [{**part, "keys": folder / part["keys"], "docs": folder / part["docs"]} for part in meta["parts"]]


def _count_upto(db, doc: int) -> int:
    """How many index documents are numbered `doc` or less."""
    return db.execute("SELECT count(*) FROM docs WHERE doc <= ?", (doc,)).fetchone()[0]


def _id_at(db, doc: int) -> str | None:
    """The id of index document number `doc` (None for 0, or a number the index has not reached)."""
    row = db.execute("SELECT id FROM docs WHERE doc = ?", (doc,)).fetchone()
    return row[0] if row else None


def _write(path: Path, table: object) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    write_atomic(path, sink.getvalue().to_pybytes())


def mirror_keys(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(keys, nodes) of one key table."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return table["key"].to_numpy(), table["node"].to_numpy()


def index_rows(path: Path, nodes: list[int]) -> dict[int, tuple]:
    """The given index nodes of one docs table, as `DedupIndex.add_many` rows without band keys."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    table = table.filter(pc.is_in(table["node"], value_set=pa.array(nodes, type=pa.int64())))
    out = {}
    for row in table.to_pylist():
        doc_id, published = unpack(row["head"])
        sig = None if row["sig"] is None else np.frombuffer(row["sig"], dtype=np.uint32)
        out[row["node"]] = (doc_id, row["length"], published, row["exact"], sig, ())
    return out
