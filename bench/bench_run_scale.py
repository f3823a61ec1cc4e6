"""Does `cleaner run` stay flat in memory as the input grows? Peak RSS and speed at 10k and 100k documents.

Uses the corpus of `bench_dedup_peers.py` (MasakhaNEWS articles, spliced originals and injected
near-duplicates; built once into bench/.cache/) and runs `python -m cleaner run FILE --out TMP
--workers W` on its first N documents, measuring wall time, the peak RSS of the largest process and of
the whole process tree (main process plus workers), and the size of the run state on disk.
Memory that grows with N is the dedup state (about 600 bytes of signature per cleaned document, held
by the main process during the dedup stage) and the index; everything else should not.

    python bench/bench_run_scale.py [--sizes 10000,100000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_clean import write_section  # noqa: E402
from bench_dedup_peers import ROOT, build_corpus, run_measured, tail  # noqa: E402


def first_lines(path: Path, n: int, out: Path) -> tuple[Path, float]:
    """The first `n` lines of `path` into `out`; the MB of the file."""
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for k, line in enumerate(src):
            if k >= n:
                break
            dst.write(line)
    return out, out.stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    source, _ = build_corpus(args.corpus, max(sizes), 13, 0.25)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in sizes:
            path, mb = first_lines(source, n, Path(tmp) / f"in-{n}.jsonl")
            out = Path(tmp) / f"out-{n}"
            m = run_measured([sys.executable, "-m", "cleaner", "run", str(path), "--out", str(out), "--workers",
                              str(args.workers), "--quiet"], Path(tmp) / f"run-{n}.log", 7200, cwd=ROOT)
            if m["rc"]:
                raise SystemExit(f"cleaner run failed on {n} docs: {tail(Path(tmp) / f'run-{n}.log')}")
            index_mb = os.path.getsize(out / "index.sqlite") / 1e6
            rows.append((n, mb, m, index_mb))
            print(f"{n:,} docs ({mb:.0f} MB): {m['seconds']:.0f} s, {n / m['seconds']:.0f} docs/s, "
                  f"{mb / m['seconds']:.2f} MB/s, peak RSS largest process {m['maxrss_mb']:.0f} MB, "
                  f"tree {m['tree_rss_mb']:.0f} MB, index {index_mb:.1f} MB", flush=True)
    table = ["| documents | input MB | seconds | docs/s | MB/s | peak RSS, largest process (MB) | peak RSS, tree (MB) | index file (MB) |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    table += [f"| {n:,} | {mb:.0f} | {m['seconds']:.0f} | {n / m['seconds']:.0f} | {mb / m['seconds']:.2f} | "
              f"{m['maxrss_mb']:.0f} | {m['tree_rss_mb']:.0f} | {index_mb:.1f} |" for n, mb, m, index_mb in rows]
    body = (f"## `cleaner run` at scale: memory against input size\n\n"
            f"`python bench/bench_run_scale.py --sizes {args.sizes} --workers {args.workers}` "
            f"(the first N documents of the peers corpus; {os.cpu_count()} cores).\n\n" + "\n".join(table) + "\n\n"
            "Peak RSS of the tree counts the main process and every worker (each loads the rule packs and the "
            "fastText model; lingua loads in a worker only when a short text needs it). What grows with N is "
            "the dedup stage's signatures (about 600 bytes per cleaned document) and the index.")
    print(body)
    if not args.no_write:
        write_section("run-scale", body)


if __name__ == "__main__":
    main()
