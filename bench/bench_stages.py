"""Where a run's CPU goes, stage by stage: ms of CPU per document on N MasakhaNEWS documents.

Takes N documents (default 20,000) spread evenly over ../shared/corpus/masakhanews.jsonl.gz (every k-th:
the file is sorted by language, so a small N still holds all 16) and times, in this one process, each
per-document stage as a run's worker does it (`workers.prepare_many`, chunks of 64, the config's
defaults): parse (a JSONL line into a document), clean (the rule engine), language (the chunk's
languages at once; with the default backend this includes loading lingua's models for the texts
fastText is unsure of), gates (the tag and the gates), signing (MinHash), record (the stored row less
its signing) and packing (the row as a worker sends it). A second pass times each rule's `find` alone
(the ten costliest; their sum is the rules' share of cleaning). Last, `cleaner run --workers 2` on the
same documents gives the main process's own CPU (reading, dedup, writing; its workers and lingua server
apart: with one worker a run does the work in its main process), less that of the same run on the first
256 of them (its start: imports, the pool, the report; with 1,024 documents at least: on fewer, the
difference is the noise of two runs). CPU time (`time.process_time`, getrusage), not wall time: the machine may be shared.

    python bench/bench_stages.py [--docs 20000] [--corpus PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from bench_clean import ROOT, command, corpus_lines, publish, spread, stride

from cleaner.api import pipeline_for
from cleaner.config import Config
from cleaner.gates import gate
from cleaner.io.jsonl import Line
from cleaner.io.readers import read_inputs
from cleaner.io.records import ReadStats
from cleaner.kinds.base import KINDS
from cleaner.models import Cleaned
from cleaner.pipeline import tagged
from cleaner.runstate import pack_prepared
from cleaner.workers import as_prepared, batches

CHUNK = 64
"""Documents a worker takes at a time (`run`'s chunks)."""

MAIN_PROCESS = """
import json, resource, sys
from cleaner.cli import console_main as main  # the command, as its console script starts it
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
own = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": own.ru_utime + own.ru_stime}))
"""
"""`cleaner run` in a process of its own, which then prints its own CPU seconds (its children's apart)."""


def sample(corpus: Path, n: int, out: Path) -> tuple[int, int]:
    """Write every k-th line of `corpus` to `out`, n lines at most (`bench_clean.spread`); (lines written, k)."""
    lines = corpus_lines(corpus)
    chosen = spread(lines, n)
    out.write_text("".join(chosen), encoding="utf-8")
    return len(chosen), stride(len(lines), n)


def read(path: Path, config: Config) -> list:
    """The input records of `path`, as a run's reader gives them to its workers."""
    return list(read_inputs([str(path)], config, "auto", ReadStats(), lazy=True))


def stage_times(items: list, config: Config) -> dict[str, float]:
    """CPU seconds of each worker stage over `items`."""
    pipe = pipeline_for(config)
    signer = pipe.dedup.signer
    times: dict[str, float] = defaultdict(float)
    clock = time.process_time
    for chunk in batches(items, CHUNK):
        t0 = clock()
        docs = [item.parse(config) if isinstance(item, Line) else item for item in chunk]
        t1 = clock()
        cleaned = [pipe._cleaned(doc, k) for k, doc in enumerate(docs)]
        t2 = clock()
        found = iter(pipe.tagger.tag_many([out.text for out in cleaned if isinstance(out, Cleaned)]))
        t3 = clock()
        done = [(gate(d := tagged(out, next(found)), config) or d) if isinstance(out, Cleaned) else out for out in cleaned]
        t4 = clock()
        signing = 0.0
        for out in done:
            if isinstance(out, Cleaned):
                s = clock()
                signer.sign(out.text)
                signing += clock() - s
        t5 = clock()
        prepared = [as_prepared(out, signer) for out in done]  # signs again: `signing` is taken out of it below
        t6 = clock()
        [replace(p, record=None, raw=None, packed=pack_prepared(p)) for p in prepared]
        t7 = clock()
        for name, seconds in (("parse", t1 - t0), ("clean", t2 - t1), ("language", t3 - t2), ("gates", t4 - t3),
                              ("signing", signing), ("record", t6 - t5 - signing), ("packing", t7 - t6)):
            times[name] += seconds
    return times


def rule_times(items: list, config: Config) -> dict[str, float]:
    """CPU seconds of each rule's `find` over `items`, cleaned as above (a pass of its own: timing each call
    slows cleaning down)."""
    pipe = pipeline_for(config)
    docs = [item.parse(config) if isinstance(item, Line) else item for item in items]
    times: dict[str, float] = defaultdict(float)
    originals = {kind: kind.find for kind in KINDS.values()}
    clock = time.process_time
    pairs = [-(clock() - clock()) for _ in range(10_000)]  # what one timing adds to what it times (a call takes µs)
    overhead = sum(pairs) / len(pairs)

    def timed(find):
        def wrapper(rule, view, ctx):
            start = clock()
            hits = list(find(rule, view, ctx))
            times[rule.id] += clock() - start - overhead
            return iter(hits)
        return wrapper

    for kind, find in originals.items():
        kind.find = timed(find)
    try:
        for k, doc in enumerate(docs):
            pipe._cleaned(doc, k)
    finally:
        for kind, find in originals.items():
            kind.find = find
    return times


FIXED_DOCS = 256
"""Documents of the run whose main process's CPU is taken as the fixed cost (more than a chunk: a smaller input
is done in the main process, without the pool)."""

MAIN_DOCS = 4 * FIXED_DOCS
"""Documents the main process's figure needs: its CPU less the start's, over a few more documents than the start
has, was the noise of two runs (300 documents gave -0.036 ms a document)."""


def main_process(path: Path, out: Path) -> float:
    """CPU seconds of `cleaner run --workers 2`'s main process on `path`, writing into folder `out`."""
    cmd = [sys.executable, "-c", MAIN_PROCESS, "run", str(path), "--out", str(out), "--workers", "2", "--quiet"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench_stages: `cleaner run` failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["cpu"]


def main_figure(n: int, cpu: float) -> str:
    """The main process's CPU ms per document beyond the start, or why there is none."""
    if n < MAIN_DOCS:
        return f"needs {MAIN_DOCS:,} documents at least"
    if cpu <= 0:
        return "not measurable: no more CPU than its start"
    return f"{1e3 * cpu / (n - FIXED_DOCS):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000, help="documents, spread over the corpus (default 20,000)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if args.docs < 1:
        parser.error(f"--docs must be at least 1, got {args.docs}")

    config = Config.load()
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as tmp:
        path = Path(tmp) / "docs.jsonl"
        n, step = sample(args.corpus, args.docs, path)
        items = read(path, config)
        stage_times(items[: 2 * CHUNK], config)  # imports done, patterns compiled, as a worker's first chunks do
        stages = stage_times(items, config)
        rules = rule_times(items, config)
        head = Path(tmp) / "head.jsonl"
        head.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[:FIXED_DOCS]), encoding="utf-8")
        start_cpu = main_cpu = 0.0
        if n >= MAIN_DOCS:
            start_cpu = main_process(head, Path(tmp) / "run-head")  # its start and end: imports, the pool, the report
            main_cpu = main_process(path, Path(tmp) / "run") - start_cpu

    ms = {name: 1e3 * seconds / n for name, seconds in stages.items()}
    worker = sum(ms.values())
    lines = [
        f"## Where a run's CPU goes, stage by stage (`{command(parser, args, 'docs', 'corpus')}`)",
        "",
        f"{n:,} MasakhaNEWS documents (" + ("the first" if step == 1 else f"one in {step:,}") + " of the file, which is "
        f"sorted by language), one process, `{config.lang_backend}`; CPU ms per document (the rules' figures in µs). The "
        "worker's stages are timed after a warm-up on the first 128 documents (imports, compiled patterns); "
        "the language stage includes the lingua model loads a one-worker run makes; the rules are timed in a "
        "pass of their own, less what a timing itself takes; the main process is `cleaner run --workers 2`'s (its workers and lingua server apart) "
        f"on the same documents, less its CPU on the first {FIXED_DOCS} ("
        + (f"{start_cpu:.2f} s" if n >= MAIN_DOCS else "not run here") + ": imports, starting the pool, "
        "the report).",
        "",
        "| stage | CPU ms per document |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {value:.3f} |" for name, value in ms.items()]
    lines += [f"| **a worker's stages** | **{worker:.3f}** |", "| main process (`cleaner run --workers 2`: reading, dedup, writing) | "
              + main_figure(n, main_cpu) + " |", ""]
    total_rules = sum(rules.values())
    lines += [f"Rules: {1e6 * total_rules / n:.0f} µs per document in all (their share of clean); the ten costliest:", "",
              "| rule | µs per document |", "|---|---:|"]
    lines += [f"| `{rule}` | {1e6 * seconds / n:.1f} |" for rule, seconds in sorted(rules.items(), key=lambda x: -x[1])[:10]]
    publish("bench_stages", "\n".join(lines), write=not args.no_write)


if __name__ == "__main__":
    main()
