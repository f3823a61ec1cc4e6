"""`cleaner run`: clean, tag languages, gate and deduplicate into a corpus folder; parallel and resumable."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ..config import ConfigError
from ..dedup.index import check_index
from ..io.writers import COMPRESSIONS, FORMATS
from ..lang import lingua_loads
from ..pipeline import dedup_params
from ..report import counted, per_second, run_lines
from ..runner import Runner, RunOptions
from ..workers import default_workers
from .common import (
    JSON_SUFFIXES,
    at_least_one,
    config_args,
    config_from,
    index_file,
    input_args,
    inputs_named,
    lang_backend_arg,
    not_blank,
    positive,
    say_short_texts,
    say_unnamed,
    unnamed_inputs,
    unwritten,
    worker_count,
)


def register(sub) -> None:
    """Add the `run` parser."""
    p = sub.add_parser("run", help="clean, tag languages, gate and deduplicate into a corpus folder")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="as for `clean`")
    p.add_argument("--out", "-o", required=True, metavar="DIR",
                   help="output folder: corpus, raw, rejects, clusters, report.json, manifest.json")
    p.add_argument("--index", metavar="PATH", help="a persistent SQLite dedup index shared across runs (default: a fresh DIR/index.sqlite)")
    p.add_argument("--min-chars", type=int,
                   help="reject documents with less clean text (default from the config: min_chars, 1)")
    p.add_argument("--langs", help="comma-separated ISO 639-1 languages to keep, or `any` "
                   "(default from the config: langs, any)")
    p.add_argument("--min-lang-score", type=float, metavar="S",
                   help="reject documents whose lang_score is under S as lang_uncertain "
                        "(default from the config: min_lang_score, 0: keep all)")
    lang_backend_arg(p)
    p.add_argument("--learn-boilerplate", action=argparse.BooleanOptionalAction, default=None,
                   help="learn each source's repeated lines from the corpus and remove them as rule `repeated` "
                        "(default from the config: learn_boilerplate)")
    p.add_argument("--min-docs", type=int, help="--learn-boilerplate: documents of one source a line must be in "
                   "(default: repeated_min_docs, 5)")
    p.add_argument("--min-share", type=float, help="--learn-boilerplate: share of a source's documents a line must be "
                   "in (default: repeated_min_share, 0.3)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    p.add_argument("--workers", "-j", type=worker_count, help="worker processes (default: all cores); with --engine dask, "
                   "the LocalCluster's (refused with --scheduler: the cluster's workers are its own)")
    p.add_argument("--output-format", choices=FORMATS, default="jsonl", help="corpus and raw as JSONL (default) or Parquet")
    p.add_argument("--compression", choices=COMPRESSIONS, default="none",
                   help="compress JSONL outputs (gz or zst; default: none)")
    p.add_argument("--shard-docs", type=at_least_one, metavar="N", help="start a new output file every N records")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--continue", dest="resume", action="store_const", const="force-continue", default="auto",
                       help="resume an interrupted run even though its rules or config changed (not its inputs: refused)")
    again.add_argument("--restart", dest="resume", action="store_const", const="restart",
                       help="start over even if DIR holds an interrupted or finished run of the same inputs")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: this machine's process pool (default); dask: a Dask cluster (see --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="--engine dask: a running scheduler (tcp://host:8786); default: a LocalCluster of --workers processes")
    p.add_argument("--split-mb", type=positive, metavar="MB",
                   help="--engine dask: read plain JSONL files in splits of about MB megabytes (default 64)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary")
    config_args(p)
    input_args(p)
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: every input record ends in DIR's corpus or rejects, exactly once."""
    inputs_named(args.inputs)
    codes = tuple(x.strip() for x in (args.langs or "").split(","))  # as written: `Config` reads them
    if args.langs is not None and not any(codes):  # an unset shell variable, most likely: not `any` without a word
        raise ConfigError("--langs is empty: give the languages to keep (fr,en), or any for all")
    if args.langs is not None and not all(codes):  # first, as written: `any,` is an empty code, not `any` among codes
        raise ConfigError(f"--langs {args.langs!r}: an empty code: give codes (fr,en) or any")
    anys = [c for c in codes if c.lower() == "any"]
    if anys and len(codes) > 1:  # said as a code the backend never answers, it read as a typo
        raise ConfigError(f"--langs {args.langs}: any (keep every language) stands alone; give codes (fr,en) or any")
    langs = None if args.langs is None else () if anys else codes  # any: no filter, over the config's
    config = config_from(
        args, id_field=args.id_field, text_field=args.text_field, min_chars=args.min_chars, langs=langs,
        min_lang_score=args.min_lang_score, lang_backend=args.lang_backend, learn_boilerplate=args.learn_boilerplate,
        repeated_min_docs=args.min_docs, repeated_min_share=args.min_share,
    )
    for flag, value in (("--min-docs", args.min_docs), ("--min-share", args.min_share)):
        if value is not None and not config.learn_boilerplate:  # it would do nothing, without a word
            print(f"cleaner: {flag} needs --learn-boilerplate (or learn_boilerplate = true in the config)",
                  file=sys.stderr)
            return 2
    not_blank(args.scheduler, "--scheduler", "give the address of a running scheduler (tcp://host:8786), or leave "
              "--scheduler out for a LocalCluster")
    for flag, value in (("--scheduler", args.scheduler), ("--split-mb", args.split_mb)):
        if value is not None and args.engine != "dask":  # the local engine would do nothing with it
            print(f"cleaner: {flag} needs --engine dask (the local engine does not use it)", file=sys.stderr)
            return 2
    if args.scheduler is not None and args.workers is not None:  # it would do nothing, without a word
        print("cleaner: --workers is the size of the LocalCluster that --engine dask starts without --scheduler; the "
              "cluster at --scheduler runs the workers started for it (dask worker --nworkers N)", file=sys.stderr)
        return 2
    if args.out == "-":
        print("cleaner: --out is the folder the run writes its files to, not stdout; for a stream, cleaner clean - --out -",
              file=sys.stderr)
        return 2
    not_blank(args.out, "--out", "give the folder the run writes its files to (. for this one)")
    if suffix := unwritten(args.out, packed=()):  # `--out corpus.tar.gz` made a folder of that name
        raise ConfigError(f"--out {args.out}: is the folder the run writes its files to, which would look like a "
                          f"{suffix} file; give it a plain name (--compression gz or zst compresses its files)")
    if Path(args.out).suffix.lower() in JSON_SUFFIXES and not Path(args.out).exists():  # `clean`'s habit: a folder
        raise ConfigError(f"--out {args.out}: is the folder the run writes its files to (corpus.jsonl and the "
                          "others), which would look like a JSON file; give it a plain name, or cleaner clean --out "
                          "for one file")
    not_blank(args.index, "--index", "give the index file, or leave --index out for a fresh DIR/index.sqlite")
    options = RunOptions(index=index_file(args.index) if args.index else None, input_format=args.input_format,
                         output_format=args.output_format,
                         compression=args.compression, shard_docs=args.shard_docs,
                         workers=args.workers or default_workers(),
                         resume=args.resume, progress="quiet" if args.quiet else None, strict=args.strict,
                         engine=args.engine, scheduler=args.scheduler,
                         split_bytes=RunOptions.split_bytes if args.split_mb is None
                         else max(1, int(args.split_mb * (1 << 20))))
    if options.index is not None:  # refused now, not once every document is prepared
        check_index(options.index, dedup_params(config))
    out = Path(args.out)
    # one order whatever the command line's, as the output has: the same inputs in another order, or spelt another
    # way (`./data/x.jsonl`, its absolute path), are the same run (`manifest.same_path`)
    inputs = sorted(args.inputs, key=lambda name: ("" if name == "-" else os.path.abspath(name), name))
    unnamed = unnamed_inputs(inputs)  # rejected as bad_input and the run goes on; said on stderr at its end
    start, loads = time.monotonic(), lingua_loads()
    if args.engine == "dask":
        from ..distributed.engine import DaskRunner
        from ..distributed.splits import UsageError

        try:
            summary = DaskRunner(config, inputs, out, options).run()
        except UsageError as exc:
            print(f"cleaner: {exc}", file=sys.stderr)
            return 2
    else:
        summary = Runner(config, inputs, out, options).run()
    if not args.quiet and not summary.up_to_date:
        seconds = time.monotonic() - start
        new = summary.stats.read - summary.resumed_from  # the records this process read: no rate of none
        rate = f"{per_second(new / max(seconds, 1e-9))} docs/s, " if new else ""
        resumed, done = "", counted(summary.resumed_from, "record")
        if summary.resumed_from:
            resumed = f", resumed after {done}" if new else f", resumed with all {done} done"
        print(f"cleaner run -> {out}/ (see manifest.json): {seconds:.1f} s, {rate}"
              f"{counted(options.workers, 'worker') if not options.scheduler else 'cluster workers'} ({options.engine})"
              f"{resumed}\n"
              + summary.stats.summary(run_lines(summary.report)), file=sys.stderr)
    if not args.quiet:
        say_unnamed("run", unnamed)
        say_short_texts(loads, summary.stats.read, config.lingua_budget)
    return 0
