"""Memory of the dedup index per document, beside datasketch's in-memory MinHashLSH.

For each N (default 100,000 and 1,000,000) and each index, a fresh subprocess inserts N synthetic
documents (random 32-bit MinHash values: memory does not depend on the values) and reports the
growth of its resident set size (VmRSS, and the peak VmHWM) over the baseline taken after imports
and after the empty index is built, divided by N. Then it runs 10,000 queries and reports RSS again.

- `cleaner.dedup.DedupIndex`: the SQLite file (in a temporary folder) holds ids, lengths, exact
  hashes, signatures and band keys; the process holds SQLite's page cache (bounded, 16 MB) and
  nothing per document. Inserted in batches of 10,000 through `add_many`, as `dedup_batch` does.
- `datasketch.MinHashLSH`, same num_perm and threshold (hence its own bands x rows), keys `doc<i>`,
  inserted with `insertion_session`.

Target (issue 3): at most 200 bytes per document at 1 million documents.

    python bench/bench_dedup_memory.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CHUNK = 10_000


def rss() -> tuple[int, int]:
    vals = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":")
            vals[key] = int(value.split()[0]) * 1024
    return vals["VmRSS"], vals["VmHWM"]


def child(kind: str, n: int, num_perm: int, threshold: float) -> dict:
    import numpy as np

    from cleaner.dedup import DedupIndex, DedupParams
    from cleaner.dedup.signature import band_keys_matrix

    params = DedupParams(num_perm=num_perm, threshold=threshold)
    rng = np.random.default_rng(1)
    tmp = tempfile.TemporaryDirectory()
    if kind == "cleaner":
        index = DedupIndex(Path(tmp.name) / "index.sqlite", params)
    else:
        from datasketch import MinHash, MinHashLSH

        index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    base_rss, _ = rss()
    # the peak counter cannot be reset from inside; report peak growth over the baseline
    t = time.perf_counter()
    for start in range(0, n, CHUNK):
        sigs = rng.integers(0, 2**32, size=(min(CHUNK, n - start), num_perm), dtype=np.uint32)
        if kind == "cleaner":
            keys = band_keys_matrix(sigs, params.bands, params.rows)
            index.add_many((f"doc{start + i}", 3000, None, int(rng.integers(-2**63, 2**63 - 1)), sigs[i], keys[i].tolist())
                           for i in range(len(sigs)))
        else:
            # MinHashLSH keeps only the bytes of each band, not the sketch: one sketch object is
            # reused (its values replaced) so that building 1M objects does not dominate the time
            m = MinHash(seed=1, hashvalues=sigs[0], scheme="affine32")
            with index.insertion_session() as session:
                for i in range(len(sigs)):
                    m.hashvalues = sigs[i]
                    session.insert(f"doc{start + i}", m, check_duplication=False)
    insert_s = time.perf_counter() - t
    after_rss, peak = rss()
    t = time.perf_counter()
    q = rng.integers(0, 2**32, size=(10_000, num_perm), dtype=np.uint32)
    if kind == "cleaner":
        keys = band_keys_matrix(q, params.bands, params.rows)
        for i in range(len(q)):
            index.candidates(keys[i].tolist())
    else:
        m = MinHash(seed=1, hashvalues=q[0], scheme="affine32")
        for i in range(len(q)):
            m.hashvalues = q[i]
            index.query(m)
    query_s = time.perf_counter() - t
    query_rss, peak = rss()
    out = {"kind": kind, "n": n, "bands": params.bands, "rows": params.rows,
           "per_doc": (after_rss - base_rss) / n, "peak_per_doc": (peak - base_rss) / n,
           "after_query_per_doc": (query_rss - base_rss) / n, "insert_docs_s": n / insert_s,
           "query_ms": 1000 * query_s / len(q)}
    if kind == "cleaner":
        index.close()
        out["file_bytes_per_doc"] = sum(p.stat().st_size for p in Path(tmp.name).iterdir()) / n
    else:
        out["bands"], out["rows"] = index.b, index.r
    return out


def main() -> None:
    from bench_clean import at_least, dedup_params, write_section

    from cleaner.dedup import DedupParams

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=at_least(1), nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--num-perm", type=int, default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    defaults = DedupParams()
    num_perm = defaults.num_perm if args.num_perm is None else args.num_perm  # `or` made --threshold 0 the default
    threshold = defaults.threshold if args.threshold is None else args.threshold
    dedup_params(ap, num_perm=num_perm, threshold=threshold)
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]), num_perm, threshold)))
        return
    rows = []
    for n in args.sizes:
        for kind in ("cleaner", "datasketch"):
            cmd = [sys.executable, __file__, "--child", kind, str(n), "--num-perm", str(num_perm), "--threshold", str(threshold)]
            res = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            rows.append(res)
            print(res, flush=True)
    lines = [
        "## Dedup index memory (`python bench/bench_dedup_memory.py`)",
        "",
        f"Growth of the process's resident memory per indexed document (synthetic signatures, num_perm={num_perm}, "
        f"threshold={threshold}); each run in a fresh process. Target: at most 200 bytes per document at 1 million.",
        "",
        "| index | documents | bands x rows | RSS growth / doc | peak growth / doc | after 10k queries / doc | "
        "inserts/s | query ms | file bytes / doc |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        name = "cleaner `DedupIndex` (SQLite)" if r["kind"] == "cleaner" else "datasketch `MinHashLSH` (memory)"
        file_b = f"{r['file_bytes_per_doc']:,.0f}" if "file_bytes_per_doc" in r else "-"
        lines.append(f"| {name} | {r['n']:,} | {r['bands']} x {r['rows']} | {r['per_doc']:,.0f} B | {r['peak_per_doc']:,.0f} B | "
                     f"{r['after_query_per_doc']:,.0f} B | {r['insert_docs_s']:,.0f} | {r['query_ms']:.3f} | {file_b} |")
    if not args.no_write:
        write_section("bench_dedup_memory", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
