"""`cleaner run` at scale: memory against input size, worker scaling, formats, WARC, resuming.

Uses the corpus of `bench_dedup_peers.py` (MasakhaNEWS articles, spliced originals and injected
near-duplicates; built once into bench/.cache/) and runs `python -m cleaner` on its first N documents
in a child process, measuring wall time, CPU seconds of the whole process tree (rusage: load on the
machine changes wall time, much less the CPU spent), the peak RSS of the largest process and of the
tree (main process plus workers). Scenarios (`--scenarios`, all by default):

* `scale`: `run` on JSONL at every size of `--sizes` with `--workers` workers: does memory stay flat?
* `workers`: `run` on the largest size with 1 worker, against the `scale` row (target: 2 workers at least
  1.8x one);
* `clean`: `cleaner clean` (cleaning and language only) on the largest size: end-to-end `run` should be
  within 2x of it;
* `parquet`: the largest size read from Parquet and written as Parquet (`--output-format parquet`);
* `warc`: the 743 French pages of ../shared/dev/fr-pages.jsonl.gz as HTML responses in a `.warc.gz`
  (extraction with trafilatura, then the rules), and the largest size as WET conversion records;
* `resume`: the largest size killed (SIGKILL) halfway through its `scale` wall time, then the same
  command again: the cost of resuming is the two parts against one uninterrupted run, and the outputs
  must be byte-identical to it.

Memory that grows with N is the dedup stage's columns (about 0.9 kB per cleaned document when a
quarter are copies, held by the main process) and the index; everything else should not.

    python bench/bench_run_scale.py [--sizes 10000,100000] [--workers 2] [--scenarios scale,workers,...]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_clean import require, write_section
from bench_dedup_peers import ROOT, build_corpus, run_measured, tail

SCENARIOS = ("scale", "workers", "clean", "parquet", "warc", "resume")
OUTPUTS = ("corpus.jsonl", "rejects.jsonl", "clusters.jsonl", "raw.jsonl")


def first_lines(path: Path, n: int, out: Path) -> tuple[Path, float]:
    """The first `n` lines of `path` into `out`; the MB of the texts."""
    text_bytes = 0
    with path.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for k, line in enumerate(src):
            if k >= n:
                break
            dst.write(line)
            text_bytes += len(json.loads(line)["text"].encode("utf-8"))
    return out, text_bytes / 1e6


def to_parquet(jsonl: Path, out: Path) -> Path:
    """The JSONL corpus as a Parquet file (id, text, lang)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [json.loads(line) for line in jsonl.open(encoding="utf-8")]
    table = pa.table({k: [r[k] for r in rows] for k in ("id", "text", "lang")})
    pq.write_table(table, out, row_group_size=5_000)
    return out


def to_warc(records: list[tuple[str, str, str]], out: Path, kind: str) -> Path:
    """`records` (url, body, record id) as a gzipped WARC of HTML `response`s or WET `conversion`s."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, rid in records:
            data = body.encode("utf-8")
            if kind == "response":
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
                rec = writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=headers,
                                                warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{rid}>"})
            else:
                rec = writer.create_warc_record(url, "conversion", payload=io.BytesIO(data),
                                                warc_content_type="text/plain",
                                                warc_headers_dict={"WARC-Record-ID": f"<urn:uuid:{rid}>"})
            writer.write_record(rec)
    return out


def fr_pages_warc(pages: Path, out: Path) -> tuple[Path, int, float]:
    """The French pages as HTML responses; (path, pages, MB of HTML)."""
    records = []
    with gzip.open(pages, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            r = json.loads(line)
            records.append((f"https://fr-pages.example/{r['id']}", r["html"], f"00000000-0000-0000-0000-{i:012d}"))
    return to_warc(records, out, "response"), len(records), sum(len(b.encode()) for _, b, _ in records) / 1e6


def corpus_wet(jsonl: Path, out: Path) -> Path:
    """The JSONL corpus as WET conversion records."""
    records = [(f"https://news.example/{r['id']}", r["text"], f"00000000-0000-0000-0001-{i:012d}")
               for i, r in enumerate(json.loads(line) for line in jsonl.open(encoding="utf-8"))]
    return to_warc(records, out, "conversion")


def measure(cmd: list[str], log: Path) -> dict:
    """`run_measured` on a cleaner command; exits with the log's tail if it fails."""
    m = run_measured([sys.executable, "-m", "cleaner", *cmd], log, 7200, cwd=ROOT)
    if m["rc"]:
        raise SystemExit(f"{' '.join(cmd[:2])} failed: {tail(log)}")
    return m


def killed_then_resumed(cmd: list[str], after: float, log: Path) -> tuple[float, float]:
    """Run `cmd`, SIGKILL its process group after `after` seconds, run it again; (killed s, resumed s)."""
    full = [sys.executable, "-m", "cleaner", *cmd]
    t0 = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        try:
            proc.wait(after)
            raise SystemExit("the run ended before it could be killed; raise the size")
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    killed = time.perf_counter() - t0
    return killed, measure(cmd, log.with_suffix(".resumed.log"))["seconds"]


def row(name: str, docs: int, mb: float, m: dict, note: str = "") -> str:
    return (f"| {name} | {docs:,} | {mb:.0f} | {m['seconds']:.0f} | {docs / m['seconds']:,.0f} | {mb / m['seconds']:.2f} | "
            f"{m['cpu_seconds'] / docs * 1000:.2f} | {m['maxrss_mb']:,.0f} | {m['tree_rss_mb']:,.0f} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "dev" / "fr-pages.jsonl.gz")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    chosen = [s for s in args.scenarios.split(",") if s]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenario(s) {sorted(unknown)}; choose among {', '.join(SCENARIOS)}")
    require(args.corpus, *([args.pages] if "warc" in chosen else []))
    source, _ = build_corpus(args.corpus, max(sizes), 13, 0.25)
    w = ["--workers", str(args.workers), "--quiet"]
    rows, notes = [], []
    big = max(sizes)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        tmp = Path(tmp)
        inputs = {n: first_lines(source, n, tmp / f"in-{n}.jsonl") for n in sizes}
        path, mb = inputs[big]
        scale: dict[int, dict] = {}

        def report(line: str) -> None:
            rows.append(line)
            print(line, flush=True)

        if "scale" in chosen or "workers" in chosen or "resume" in chosen:
            for n in sizes if "scale" in chosen else [big]:
                p, n_mb = inputs[n]
                scale[n] = measure(["run", str(p), "--out", str(tmp / f"out-{n}"), *w], tmp / f"run-{n}.log")
                index_mb = os.path.getsize(tmp / f"out-{n}" / "index.sqlite") / 1e6
                report(row(f"run, JSONL, {args.workers} workers", n, n_mb, scale[n], f"index {index_mb:.0f} MB"))
        if "workers" in chosen:
            one = measure(["run", str(path), "--out", str(tmp / "out-1w"), "--workers", "1", "--quiet"], tmp / "run-1w.log")
            report(row("run, JSONL, 1 worker", big, mb, one))
            speedup = one["seconds"] / scale[big]["seconds"]
            notes.append(f"- Scaling: {args.workers} workers run {speedup:.2f}x as fast as one (target 1.8x with 2); "
                         f"CPU per document {one['cpu_seconds'] / big * 1000:.2f} ms with one worker, "
                         f"{scale[big]['cpu_seconds'] / big * 1000:.2f} ms with {args.workers}.")
        if "clean" in chosen:
            m = measure(["clean", str(path), "--out", str(tmp / "clean.jsonl"), *w], tmp / "clean.log")
            report(row(f"clean only (no dedup, no write of a run), {args.workers} workers", big, mb, m))
            if big in scale:
                notes.append(f"- End to end against cleaning only: `run` takes {scale[big]['seconds'] / m['seconds']:.2f}x "
                             "the wall time of `clean` on the same input (target: within 2x).")
        if "parquet" in chosen:
            pq_in = to_parquet(path, tmp / f"in-{big}.parquet")
            m = measure(["run", str(pq_in), "--out", str(tmp / "out-pq"), "--output-format", "parquet", *w], tmp / "pq.log")
            report(row(f"run, Parquet in and out, {args.workers} workers", big, mb, m))
        if "warc" in chosen:
            warc, pages, html_mb = fr_pages_warc(args.pages, tmp / "fr-pages.warc.gz")
            m = measure(["run", str(warc), "--out", str(tmp / "out-warc"), *w], tmp / "warc.log")
            report(row(f"run, WARC of HTML pages (fr-pages), {args.workers} workers", pages, html_mb, m,
                       "MB of HTML; trafilatura extraction included"))
            wet = corpus_wet(path, tmp / f"in-{big}.wet.gz")
            m = measure(["run", str(wet), "--out", str(tmp / "out-wet"), *w], tmp / "wet.log")
            report(row(f"run, WET conversion records, {args.workers} workers", big, mb, m))
        if "resume" in chosen:
            out = tmp / "out-resume"
            uninterrupted = scale[big]
            killed, resumed = killed_then_resumed(["run", str(path), "--out", str(out), *w],
                                                       uninterrupted["seconds"] / 2, tmp / "resume.log")
            same = all((out / f).read_bytes() == (tmp / f"out-{big}" / f).read_bytes() for f in OUTPUTS)
            cost = killed + resumed - uninterrupted["seconds"]
            notes.append(f"- Resuming: killed after {killed:.0f} s, the rerun took {resumed:.0f} s; together "
                         f"{killed + resumed:.0f} s against {uninterrupted['seconds']:.0f} s uninterrupted "
                         f"(cost {cost:+.0f} s, {100 * cost / uninterrupted['seconds']:+.0f}%); outputs byte-identical to the "
                         f"uninterrupted run: "
                         f"{'yes' if same else 'NO'}.")
    table = ["| run | documents | input MB | seconds | docs/s | MB/s | CPU ms/doc | peak RSS, largest process (MB) | "
             "peak RSS, tree (MB) | note |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"] + rows
    body = (f"## `cleaner run` at scale (`python bench/bench_run_scale.py --sizes {args.sizes} --workers {args.workers}"
            f"{'' if chosen == list(SCENARIOS) else ' --scenarios ' + ','.join(chosen)}`)\n\n"
            f"The first N documents of the peers corpus (`bench_dedup_peers.py`); {os.cpu_count()} cores; "
            f"MB are of the UTF-8 texts (of the HTML for the WARC of pages). CPU ms/doc is the whole process tree's "
            f"user+system time per document.\n\n" + "\n".join(table) + "\n\n" + "\n".join(notes) + "\n\n"
            "Peak RSS of the tree counts the main process and every worker (each holds the rule packs, the "
            "stoplists and fastText, ~105 MB) and, with a lingua backend, the pool's lingua server (with the "
            "default `cld2+fasttext>lingua~5`, at most 8 languages' models, ~350 MB; it starts once a short text leaves "
            "fastText unsure). What grows with N is the dedup stage's columns (band keys and the keep policy's, "
            "and the signatures of the candidates only: about 0.9 kB per cleaned document when a quarter are "
            "copies, in the main process) and the index.")
    print(body)
    if not args.no_write:
        write_section("run-scale", body)


if __name__ == "__main__":
    main()
