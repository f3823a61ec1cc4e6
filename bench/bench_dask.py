"""The Dask engine against the local engine: wall time, memory per worker, shuffle size; and what 100M documents would cost.

Uses the corpus of `bench_dedup_peers.py` (MasakhaNEWS articles, spliced originals and injected
near-duplicates; built once into bench/.cache/), its first N documents in one JSONL file, and runs
`cleaner run` on it twice: the local engine with 2 worker processes, and `--engine dask` on a 2-worker
LocalCluster (single-threaded worker processes). Both outputs must be byte-identical (checked). For the
Dask run it records each stage's seconds, the shuffle size (bytes of (key, node) rows the bucket tasks
receive), the peak RSS of each worker, of the client and of the whole process tree. From those per-document
costs it writes an estimate for 100 million documents on N workers.

    python bench/bench_dask.py [--docs 100000] [--split-mb 16]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_clean import write_section
from bench_dedup_peers import ROOT, build_corpus, run_measured, tail
from bench_run_scale import first_lines

DASK_RUN = r'''
import json, sys
from pathlib import Path
from cleaner import Config
from cleaner.distributed.engine import DaskRunner
from cleaner.runner import RunOptions
options = RunOptions(workers=2, engine="dask", progress="quiet", split_bytes=int(float(sys.argv[3]) * (1 << 20)))
summary = DaskRunner(Config.load(), [sys.argv[1]], Path(sys.argv[2]), options).run()
print("METRICS " + json.dumps(summary.metrics))
'''
OUTPUTS = ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl", "report.json")


def estimate(n: int, m: dict, target: int = 100_000_000) -> str:
    """A written estimate for `target` documents on N workers, from the measured per-document costs."""
    workers = 2
    per_doc = {stage: m[f"{stage}_s"] / n for stage in ("prepare", "shuffle", "finish", "decide", "index_add", "write")}
    parallel = (per_doc["prepare"] + per_doc["shuffle"] + per_doc["finish"]) * workers  # worker-seconds per doc
    serial = per_doc["decide"] + per_doc["index_add"] + per_doc["write"]  # client seconds per doc
    shuffle_per_doc = m["shuffle_bytes"] / n
    candidates = m["candidate_documents"] / n
    rows = ["| workers N | parallel stages | client stages | total | shuffle per bucket task (4,096 buckets) |",
            "|---:|---:|---:|---:|---:|"]
    for w in (16, 64, 256):
        par_h = target * parallel / w / 3600
        ser_h = target * serial / 3600
        rows.append(f"| {w} | {par_h:,.1f} h | {ser_h:,.1f} h | {par_h + ser_h:,.1f} h | "
                    f"{target * shuffle_per_doc / 4096 / 1e6:,.0f} MB |")
    return (
        f"Per document, measured here: {parallel * 1000:.2f} ms of worker time in the parallel stages (read, clean, "
        f"language, gates, signing: {per_doc['prepare'] * workers * 1000:.2f} ms; key shuffle "
        f"{per_doc['shuffle'] * workers * 1000:.3f} ms; applying verdicts {per_doc['finish'] * workers * 1000:.3f} ms), "
        f"{serial * 1000:.3f} ms on the client (keep policy on the candidate components "
        f"{per_doc['decide'] * 1000:.3f} ms, adding to the SQLite index {per_doc['index_add'] * 1000:.3f} ms, "
        f"merging the sorted outputs into the files {per_doc['write'] * 1000:.3f} ms), {shuffle_per_doc:.0f} bytes "
        f"shuffled, and {candidates:.1%} of documents in a candidate component (what the client holds, about "
        f"600 bytes each).\n\n"
        f"For {target:,} documents of the same kind:\n\n" + "\n".join(rows) + "\n\n"
        f"Memory: a worker holds one split's rows in flight while preparing (plus the rule packs and the fastText "
        f"model, the {min(m['worker_peak_rss_mb']):,.0f}–{max(m['worker_peak_rss_mb']):,.0f} MB measured here), and "
        f"one bucket while reducing: {target * shuffle_per_doc / 1e9:,.0f} GB of (key, node) rows in all, so with "
        f"4,096 buckets about {target * shuffle_per_doc / 4096 / 1e6:,.0f} MB each — 2 GB a worker is enough. "
        f"The client holds the candidate components: {target * candidates * 600 / 1e9:,.0f} GB at this corpus's "
        f"duplicate rate ({candidates:.1%}), which is the figure to watch. The client stages are serial — the "
        f"SQLite index takes one writer, and the outputs are single sorted files — so past a few dozen workers "
        f"they dominate; writing sharded outputs from the workers (one sorted id range each) and adding to the "
        f"index from the Parquet key tables would remove them, and is not built.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--split-mb", type=float, default=16)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    source, _ = build_corpus(args.corpus, args.docs, 13, 0.25)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        path, mb = first_lines(source, args.docs, Path(tmp) / "in.jsonl")
        local, dask = Path(tmp) / "local", Path(tmp) / "dask"
        ml = run_measured([sys.executable, "-m", "cleaner", "run", str(path), "--out", str(local), "--workers", "2",
                           "--quiet"], Path(tmp) / "local.log", 14400, cwd=ROOT, env=env)
        if ml["rc"]:
            raise SystemExit(f"local run failed: {tail(Path(tmp) / 'local.log')}")
        print(f"local: {ml['seconds']:.0f} s, tree {ml['tree_rss_mb']:.0f} MB", flush=True)
        md = run_measured([sys.executable, "-c", DASK_RUN, str(path), str(dask), str(args.split_mb)],
                          Path(tmp) / "dask.log", 14400, cwd=ROOT, env=env)
        log = (Path(tmp) / "dask.log").read_text()
        if md["rc"] or "METRICS " not in log:
            raise SystemExit(f"dask run failed: {tail(Path(tmp) / 'dask.log')}")
        metrics = json.loads(log.split("METRICS ", 1)[1].splitlines()[0])
        same = all((local / f).read_bytes() == (dask / f).read_bytes() for f in OUTPUTS)
        print(f"dask: {md['seconds']:.0f} s, tree {md['tree_rss_mb']:.0f} MB, {metrics}; same answer: {same}", flush=True)
    n = args.docs
    table = ["| engine | seconds | docs/s | peak RSS per worker (MB) | peak RSS, client/main (MB) | peak RSS, tree (MB) | shuffle |",
             "|---|---:|---:|---:|---:|---:|---:|",
             (f"| local, 2 worker processes | {ml['seconds']:.0f} | {n / ml['seconds']:.0f} | – | {ml['maxrss_mb']:.0f} "
              f"(largest process) | {ml['tree_rss_mb']:.0f} | – |"),
             (f"| dask, 2-worker LocalCluster | {md['seconds']:.0f} | {n / md['seconds']:.0f} | "
              f"{', '.join(f'{x:,.0f}' for x in metrics['worker_peak_rss_mb'])} | {metrics['client_peak_rss_mb']:,.0f} | "
              f"{md['tree_rss_mb']:.0f} | {metrics['shuffle_bytes'] / 1e6:.1f} MB |")]
    stages = ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in metrics.items() if k.endswith("_s"))
    body = (f"## Dask engine against the local engine (`python bench/bench_dask.py --docs {n} --split-mb {args.split_mb:g}`)\n\n"
            f"The first {n:,} documents of the peers corpus ({mb:.0f} MB of JSONL, one file), {os.cpu_count()} cores "
            f"shared with other jobs. Same answer: {'yes, byte-identical corpus, raw, rejects, clusters and report' if same else '**NO**'}.\n\n"
            + "\n".join(table) + "\n\n"
            f"Dask stages: {stages} ({metrics['splits']} splits, {metrics['components']:,} candidate components, "
            f"{metrics['candidate_documents']:,} documents in them). The shuffle counts the (key, node) rows the "
            f"bucket tasks receive: 16 bytes per id, exact-hash and band key of every document.\n\n"
            f"**Estimate for 100 million documents.** " + estimate(n, metrics))
    print(body)
    if not args.no_write:
        write_section("dask", body)


if __name__ == "__main__":
    main()
