"""What a process of cleaner costs before its first document: CPU seconds of fresh processes, best of N.

Each case runs N times (default 5) as a fresh `python` process; the figure is the least CPU time (user + system,
getrusage of the children) and the least wall time, the machine may be shared. Each case is measured without the store
of compiled patterns (`CLEANER_CACHE_DIR=`, every pattern compiled) and with it, filled by a run beforehand (as on a
machine where cleaner has run before). `cleaner` is compiled to bytecode first, as pip leaves an installed package
(where PYTHONDONTWRITEBYTECODE is set, as on the machines here, every process otherwise compiled it from source:
~0.18 s of CPU each, measured in session 36). The cases:

- `cleaner --help`: the interpreter and cleaner's imports, with every command's module;
- loading the packs: `packs.load_rules` with the shipped packs, what a run's main process does once (with the store,
  the rule set an earlier process checked is kept beside it: `packs._kept_files`), with `OPENBLAS_NUM_THREADS=1` as
  the `cleaner` command sets it;
- a worker's start, handed the rule set (`packs.hand_over`, as a run's workers are now), and loading the packs itself
  (as they were): imports, the pipeline, and its first chunk of 64 MasakhaNEWS records (so the patterns it needs
  and the fastText model are loaded), with `OPENBLAS_NUM_THREADS=1` as a worker has it from the `cleaner` command
  (`cli.BLAS_THREADS`);
- `cleaner run seeds/` into a fresh folder with one worker, then the same command again (found complete);
- `cleaner clean - --out -` of one record on stdin (a pre-step in another program's pipeline).

    python bench/bench_startup.py [--runs 5] [--corpus PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import compileall
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_clean import ROOT, at_least, corpus_lines, publish, require, spread

WORKER = """
import pickle, sys
from cleaner.config import Config
from cleaner.io.jsonl import Line
from cleaner.workers import prepare_many
config = Config.load()
if sys.argv[1] == "handed":
    from cleaner.packs import hand_over
    hand_over(config, pickle.load(open(sys.argv[2], "rb")))
lines = open(sys.argv[3], "rb").read().splitlines()
prepare_many([Line(raw, "bench", f"bench:{k}") for k, raw in enumerate(lines)], config)
"""


def measure(args: list[str], runs: int, env: dict[str, str], stdin: bytes | None = None, before=None,
            extra: dict[str, str] | None = None) -> tuple[float, float]:
    """(least CPU seconds, least wall seconds) of `runs` fresh processes of `args` (`before()` run ahead of each), in
    `env` and `extra`."""
    env = {**env, **(extra or {})}
    cpu, wall = [], []
    for _ in range(runs):
        if before is not None:
            before()
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(args, input=stdin, capture_output=True, check=True, cwd=ROOT, env=env)
        wall.append(time.perf_counter() - began)
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(end.ru_utime - start.ru_utime + end.ru_stime - start.ru_stime)
    return min(cpu), min(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=at_least(1), default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    require(args.corpus)

    from cleaner.cli import BLAS_THREADS  # what a worker inherits from the `cleaner` command that starts it
    from cleaner.config import Config
    from cleaner.packs import load_rules

    compileall.compile_dir(ROOT / "cleaner", quiet=1)
    python, runs = sys.executable, args.runs
    with tempfile.TemporaryDirectory(prefix="cleaner-bench-startup-") as tmp:
        folder = Path(tmp)
        (folder / "rules.pkl").write_bytes(pickle.dumps(load_rules(Config.load())))
        (folder / "chunk.jsonl").write_text("".join(spread(corpus_lines(args.corpus), 64)), encoding="utf-8")
        worker = [python, "-c", WORKER]
        out = folder / "out"
        run = [python, "-m", "cleaner", "run", "seeds", "--out", str(out), "--workers", "1", "-q"]
        one = b'{"id": "a", "text": "Le conseil municipal a vot\\u00e9 le budget de la ville."}\n'
        cases = [
            ("`cleaner --help`", [python, "-m", "cleaner", "--help"], {}),
            ("loading the shipped packs (`load_rules`; with the store, the checked rule set kept)",
             [python, "-c", "from cleaner.config import Config; from cleaner.packs import load_rules; load_rules(Config.load())"],
             {"extra": BLAS_THREADS}),
            ("a worker's start and first chunk of 64 records, handed the rule set",
             [*worker, "handed", str(folder / "rules.pkl"), str(folder / "chunk.jsonl")], {"extra": BLAS_THREADS}),
            ("the same, the worker loading the packs itself",
             [*worker, "loads", str(folder / "rules.pkl"), str(folder / "chunk.jsonl")], {"extra": BLAS_THREADS}),
            ("`cleaner run seeds/ --workers 1` into a fresh folder", run,
             {"before": lambda: shutil.rmtree(out, ignore_errors=True)}),
            ("the same again: found complete", run, {}),
            ("`cleaner clean - --out -` of one record on stdin", [python, "-m", "cleaner", "clean", "-", "--out", "-", "-q"],
             {"stdin": one}),
        ]
        without = {**os.environ, "CLEANER_CACHE_DIR": ""}
        stored = {**os.environ, "CLEANER_CACHE_DIR": str(folder / "cache")}
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(run, capture_output=True, check=True, cwd=ROOT, env=stored)  # fills the store
        figures = [(name, measure(cmd, runs, without, **kw), measure(cmd, runs, stored, **kw)) for name, cmd, kw in cases]
    lines = [
        "## What a process costs before its first document (`python bench/bench_startup.py`)",
        "",
        f"Fresh processes, the least of {runs} runs each (CPU = user + system), without the store of compiled patterns",
        "(`CLEANER_CACHE_DIR=`) and with it (filled by a run beforehand), `cleaner` compiled to bytecode as an install",
        "leaves it. Compare the rows of one table: on a shared machine, whole runs of the script differ by up to a",
        "third.",
        "",
        "| case | CPU s, no store | CPU s, store | wall s, store |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {off[0]:.2f} | {on[0]:.2f} | {on[1]:.2f} |" for name, off, on in figures),
    ]
    publish("startup", "\n".join(lines), not args.no_write)


if __name__ == "__main__":
    main()
