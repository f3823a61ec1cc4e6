"""The Dask engine's per-split work, run on the workers: each function reads or writes one split's part.

A part (`prep-NNNNN.parquet` in the run's work folder, on storage every worker and the client see) holds
the split's prepared records in input order: position, rejection flag, `head` (id, detail, published),
the output record and raw document (`runstate.pack`ed, the bytes the local engine stores and sorts by),
raw characters, clean length, exact hash, signature, a 64-bit hash of the id and where the record was read
(`Document.where`, which a `repeated_id` names). A part is written
under a temporary name and renamed, so a restarted run keeps every finished part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..config import Config
from ..dedup.cluster import Decision, Item
from ..dedup.signature import band_keys_matrix
from ..io.records import ReadStats
from ..io.writers import ParquetWriter, write_atomic
from ..packs import RuleSet
from ..pipeline import dedup_rejection, order_detail
from ..runstate import pack, pack_prepared, record_line, tiebreak, unpack
from ..workers import CHUNK, batches, prepare_many
from .shuffle import EXACT_TAG, ID_TAG
from .splits import Split, read_split

NODE_BITS = 32
"""A document's node number is `split << NODE_BITS | position`."""
POSITION = (1 << NODE_BITS) - 1
"""The position bits of a node number."""

LAYOUT = 3
"""The layout of a run's parts and saved verdicts (2: they hold each record's place; 3: a verdict says whether its
similarity is exact, `Decision.exact_similarity`); a run interrupted with work of another layout starts over, as this
engine cannot read it."""


def mark_layout(work: Path) -> None:
    """Note in a new work folder the layout its parts and verdicts will have."""
    (work / "layout").write_text(str(LAYOUT))


def readable(work: Path) -> bool:
    """Whether the work in `work` has this engine's layout (a folder without the note is of layout 1)."""
    noted = work / "layout"
    return (noted.read_text().strip() if noted.exists() else "1") == str(LAYOUT)


_COLUMNS = {"pos": pa.int64(), "rejected": pa.bool_(), "head": pa.binary(), "record": pa.binary(),
            "raw": pa.binary(), "raw_chars": pa.int64(), "length": pa.int64(), "exact": pa.int64(),
            "sig": pa.binary(), "id_key": pa.int64(), "summary": pa.string(), "place": pa.string()}


def part_path(work: Path, k: int) -> Path:
    """Where split `k`'s part is written."""
    return work / f"prep-{k:05d}.parquet"


def prepared(work: Path) -> dict[int, dict[str, Any]]:
    """The summary `prepare_split` wrote of each split already prepared (its records, raw characters and read counts),
    by split number."""
    return {int(path.stem.removeprefix("prep-")): json.loads(path.read_text()) for path in work.glob("prep-*.json")}


def id_key(doc_id: str) -> int:
    """A signed 64-bit hash of an id (documents with the same id share it)."""
    digest = hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=8, person=b"cleaner-id").digest()
    return int.from_bytes(digest, "little", signed=True)


def prepare_split(k: int, split: Split, config: Config, input_format: str, work: Path, rules: RuleSet) -> dict[str, Any]:
    """Read split `k` and run the per-document stages on its records into its part, with `rules` (the client's); return
    its record count, raw characters and read counts (a part already written is kept: the run is resuming)."""
    path, summary = part_path(work, k), work / f"prep-{k:05d}.json"
    if summary.exists():
        return json.loads(summary.read_text())
    stats = ReadStats()
    count = chars = 0
    with ParquetWriter(path, _COLUMNS) as out:
        batched = batches(read_split(split, config, input_format, stats), CHUNK)
        for pos, p in enumerate(p for batch in batched for p in prepare_many(batch, config, rules=rules)):
            count += 1
            chars += p.raw_chars
            record, raw = pack_prepared(p)
            out.write({"pos": pos, "rejected": p.rejected, "head": pack([p.id, p.detail, p.published]),
                       "record": record, "raw": raw,
                       "raw_chars": p.raw_chars, "length": p.length,
                       "exact": p.exact, "sig": p.signature, "id_key": None if p.rejected else id_key(p.id),
                       "summary": None if p.summary is None else json.dumps(p.summary), "place": p.place})
    result = {"records": count, "chars": chars, "read": stats.as_dict()}
    write_atomic(summary, json.dumps(result).encode())
    return result


def _cleaned(path: Path, columns: list[str]) -> pa.Table:
    table = pq.read_table(path, columns=["rejected", *columns])
    return table.filter(pc.invert(table["rejected"]))


def _signatures(column: pa.ChunkedArray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows that have a signature, their signatures as an (n, num_perm) uint32 array)."""
    values = column.to_pylist()
    rows = np.array([i for i, v in enumerate(values) if v is not None], dtype=np.int64)
    sigs = np.frombuffer(b"".join(values[i] for i in rows), dtype=np.uint32).reshape(len(rows), num_perm)
    return rows, sigs


def part_keys(k: int, path: Path, num_perm: int, bands: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """(keys, nodes) of split `k`'s cleaned documents: their id key, exact key and LSH band keys."""
    table = _cleaned(path, ["pos", "exact", "sig", "id_key"])
    nodes = (np.int64(k) << NODE_BITS) | table["pos"].to_numpy().astype(np.int64)
    with_sig, sigs = _signatures(table["sig"], num_perm)
    band = band_keys_matrix(sigs, bands, rows) if len(sigs) else np.empty((0, bands), dtype=np.int64)
    keys = np.concatenate([table["id_key"].to_numpy() ^ ID_TAG, table["exact"].to_numpy() ^ EXACT_TAG, band.ravel()])
    owners = np.concatenate([nodes, nodes, np.repeat(nodes[with_sig], bands)])
    return keys.astype(np.int64), owners


def load_items(k: int, path: Path, positions: list[int]) -> list[tuple[int, Item]]:
    """(node, dedup `Item` with its signature, no text) of the given positions of split `k`."""
    table = _cleaned(path, ["pos", "head", "length", "exact", "sig"])
    wanted = pc.is_in(table["pos"], value_set=pa.array(positions, type=pa.int64()))
    out = []
    for row in table.filter(wanted).to_pylist():
        doc_id, _, published = unpack(row["head"])
        sig = None if row["sig"] is None else np.frombuffer(row["sig"], dtype=np.uint32)
        out.append(((k << NODE_BITS) | row["pos"],
                    Item(id=doc_id, length=row["length"], published=published, signed=(row["exact"], sig))))
    return out


def load_copies(path: Path, positions: list[int]) -> dict[int, tuple[bytes, str]]:
    """(`runstate.tiebreak`, place) of the records at `positions` of a part (copies of one id), as the local
    engine reads them, by position; one read of the part."""
    table = pq.read_table(path, columns=["pos", "record", "raw", "place"], filters=[("pos", "in", positions)])
    return {row["pos"]: (tiebreak(row["record"], row["raw"]), row["place"] or "") for row in table.to_pylist()}


def load_texts(path: Path, positions: list[int]) -> dict[int, str]:
    """The clean texts (the texts that were signed) of the records at `positions` of a part, by position; one read."""
    table = pq.read_table(path, columns=["pos", "record"], filters=[("pos", "in", positions)])
    return {row["pos"]: unpack(row["record"])["text"] for row in table.to_pylist()}


def kept_rows(path: Path, decisions: dict[int, Decision]) -> Iterator[tuple]:
    """(id, length, published, exact, signature, ()) of the split's kept documents, for the index."""
    table = _cleaned(path, ["pos", "head", "length", "exact", "sig"])
    for row in table.to_pylist():
        decision = decisions.get(row["pos"])
        if decision is None or decision.kept:
            doc_id, _, published = unpack(row["head"])
            sig = None if row["sig"] is None else np.frombuffer(row["sig"], dtype=np.uint32)
            yield doc_id, row["length"], published, row["exact"], sig, ()


def finish_split(k: int, path: Path, decisions: dict[int, Decision], keepers: dict[str, str | None],
                 work: Path) -> tuple[str, str]:
    """Apply dedup's verdicts to split `k`: its kept lines (`[id, corpus line, summary, raw, raw chars]`, by id) and
    reject lines (`[sort key, record]`, in the local engine's order), as two JSON-lines files; `keepers` are who kept
    the documents of earlier batches its duplicates copy or give again (`dedup_detail`): the split's own, mapped with
    it (the whole mapping as a keyword was one of distributed's data nodes past 100 KB, and its scheduler failed an
    assertion on it with 600 copies of an earlier run's documents: a review)."""
    kept, rejected = [], []
    for row in pq.read_table(path, columns=["pos", "rejected", "head", "record", "raw", "raw_chars", "summary"]).to_pylist():
        doc_id, detail, _ = unpack(row["head"])
        if row["rejected"]:
            record = unpack(row["record"])
            order = order_detail(None, detail, record if doc_id is None else None)
            rejected.append(((doc_id is None, doc_id or "", order, row["record"].hex()), record))
            continue
        decision = decisions.get(row["pos"]) or Decision(doc_id, "kept", cluster=doc_id)
        if decision.kept:
            kept.append((doc_id, record_line(row["record"], decision.cluster), json.loads(row["summary"]),
                         unpack(row["raw"]), row["raw_chars"]))
        else:
            record = dedup_rejection(decision, unpack(row["raw"]), tagged=unpack(row["record"]),
                                     keepers=keepers).record()
            rejected.append(((False, doc_id, order_detail(decision.status, record["detail"]), row["raw"].hex()), record))
    kept.sort(key=lambda x: x[0])
    rejected.sort(key=lambda x: x[0])
    names = work / f"kept-{k:05d}.jsonl", work / f"rejects-{k:05d}.jsonl"
    for name, rows in zip(names, (kept, rejected)):
        write_atomic(name, "".join(json.dumps(r) + "\n" for r in rows).encode("ascii"))
    return str(names[0]), str(names[1])
