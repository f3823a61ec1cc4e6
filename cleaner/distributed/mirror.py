"""The index at cluster scale: Parquet key tables beside the SQLite file, read by the workers.

The SQLite index (`DedupIndex`) stays the index of record: local runs, the service and Dask runs all
add to it, and the client checks a run's candidates against it. Workers do not open it; they read its
mirror, a folder next to it (`corpus.sqlite` → `corpus.keys/`):

    mirror.json         {"params": DedupParams.stored(), "upto": the last index doc exported, "parts": [...]}
    keys-00000.parquet  key (int64), node (int64 = INDEX_NODE | doc): per indexed document its id hash,
    keys-00001.parquet  exact hash and band keys, the rows a run's documents shuffle against

Index documents are numbered in the order they were added and never removed, so `refresh` exports only
the documents added since the last export (by any engine or the service) as one more part, and starts
the mirror over when the parameters differ or the index was replaced by a smaller one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from ..dedup.index import DedupIndex
from ..io.writers import write_atomic
from .parts import id_key
from .shuffle import EXACT_TAG, ID_TAG, INDEX_NODE

_CHUNK_DOCS = 100_000


def mirror_path(index_path: Path) -> Path:
    """The mirror folder of an index file."""
    return index_path.with_suffix(".keys")


def refresh(index: DedupIndex) -> list[Path]:
    """Export the index documents the mirror lacks; return every key table of the mirror."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = mirror_path(Path(index.path))
    meta_path = folder / "mirror.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    last = index.connection.execute("SELECT coalesce(max(doc), 0) FROM docs").fetchone()[0]
    if meta is None or meta["params"] != index.params.stored() or meta["upto"] > last:
        shutil.rmtree(folder, ignore_errors=True)
        meta = {"params": index.params.stored(), "upto": 0, "parts": []}
    folder.mkdir(parents=True, exist_ok=True)
    db = index.connection
    while meta["upto"] < last:
        lo, hi = meta["upto"], min(last, meta["upto"] + _CHUNK_DOCS)
        docs = db.execute("SELECT doc, id, exact FROM docs WHERE doc > ? AND doc <= ? ORDER BY doc", (lo, hi)).fetchall()
        bands = np.array(db.execute("SELECT key, doc FROM bands WHERE doc > ? AND doc <= ?", (lo, hi)).fetchall(),
                         dtype=np.int64).reshape(-1, 2)
        doc = np.array([d[0] for d in docs], dtype=np.int64)
        keys = np.concatenate([np.array([id_key(d[1]) for d in docs], dtype=np.int64) ^ ID_TAG,
                               np.array([d[2] for d in docs], dtype=np.int64) ^ EXACT_TAG, bands[:, 0]])
        nodes = INDEX_NODE | np.concatenate([doc, doc, bands[:, 1]])
        name = f"keys-{len(meta['parts']):05d}.parquet"
        sink = pa.BufferOutputStream()
        pq.write_table(pa.table({"key": keys, "node": nodes}), sink)
        write_atomic(folder / name, sink.getvalue().to_pybytes())
        meta["parts"].append(name)
        meta["upto"] = hi
        write_atomic(meta_path, json.dumps(meta, indent=1).encode())
    return [folder / name for name in meta["parts"]]


def mirror_keys(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(keys, nodes) of one key table."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    return table["key"].to_numpy(), table["node"].to_numpy()
