"""`cleaner clean`: clean documents, one output record per input record, rejects with reasons."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import nullcontext
from pathlib import Path

from ..api import pipeline_for
from ..config import ConfigError
from ..escapes import one_line, shown_id
from ..io.names import real
from ..io.readers import not_an_input, read_inputs
from ..io.records import ReadStats
from ..io.writers import JsonlWriter
from ..lang import lingua_loads
from ..packs import load_rules
from ..report import Stats, counted, skipped_lines
from ..workers import default_workers, prepare_stream, strict
from .common import (
    PACKED,
    a_file,
    config_args,
    config_from,
    input_args,
    inputs_named,
    lang_backend_arg,
    say_not_learning,
    say_short_texts,
    say_unnamed,
    unnamed_inputs,
    unwritten,
    worker_count,
)


def register(sub) -> None:
    """Add the `clean` parser."""
    p = sub.add_parser("clean",
                       help="clean documents: JSONL, text, HTML, Parquet or WARC files, folders, or - for stdin")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file (.txt, .html, .jsonl/.ndjson, plain, .gz or .zst, .parquet, .warc/.wet, plain or .gz), "
                   "a folder (read recursively), a quoted glob ('dumps/**/*.jsonl'), or - (JSONL on stdin)")
    p.add_argument("--out", "-o", required=True, help="output JSONL file, or - for stdout")
    p.add_argument("--rejects", metavar="FILE", help="where rejected records go, - for stdout (default: beside OUT, compressed as it is: "
                   "o.jsonl.gz -> o.rejects.jsonl.gz; when OUT is -, one line a rejection on stderr)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    lang_backend_arg(p)
    p.add_argument("--workers", "-j", type=worker_count, default=default_workers(), help="worker processes (default: all cores); output order stays the input order")
    p.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    config_args(p)
    input_args(p)
    p.set_defaults(handler=cmd_clean)


def default_rejects(out: str) -> str:
    """The rejects file beside OUT, compressed as OUT is: `o.jsonl` -> `o.rejects.jsonl`, `o.jsonl.gz` ->
    `o.rejects.jsonl.gz` (the writers pick compression by the last suffix, `.gz` or `.zst`). Only `.jsonl` goes
    from the name, and any other OUT keeps its whole name before `-rejects.jsonl` (`o` -> `o-rejects.jsonl`,
    `o.json` -> `o.json-rejects.jsonl`, `news.v1.gz` -> `news.v1-rejects.jsonl.gz`), so that no two OUTs share a
    rejects file: one whose clean wrote no rejects removed the other's (`news.v1.gz` and `news.v2.gz` did; `o`,
    `o.json`, `o.ndjson` and `o.jsonl` did, all `o.rejects.jsonl`)."""
    path = Path(out)
    packed = path.suffix if path.suffix.lower() in PACKED else ""
    bare = path.with_suffix("") if packed else path
    if bare.suffix.lower() == ".jsonl":
        return str(bare.with_suffix("")) + ".rejects.jsonl" + packed
    return str(bare) + "-rejects.jsonl" + packed


def streamed(out: str) -> bool:
    """Whether OUT is a stream with nowhere beside it for a rejects file: stdout (`-`), or a device, FIFO or socket
    (`/dev/stdout`, `/dev/null`), which put the default rejects file in /dev (`/dev/null.rejects.jsonl`), or a name
    in /dev or /proc (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1` of a stdout sent to a file are links to that
    regular file: the rejects went to `/dev/stdout.rejects.jsonl`, a QA pass found). Its rejections are then one
    line each on stderr, as for `-`."""
    if out == "-" or (os.path.exists(out) and not os.path.isfile(out)):
        return True
    folder = os.path.realpath(os.path.dirname(os.path.abspath(out)))
    return folder == "/dev" or folder.startswith("/proc/")


def cmd_clean(args: argparse.Namespace) -> int:
    """`cleaner clean`: every input record to OUT (cleaned) or to the rejects file (with a reason)."""
    inputs_named(args.inputs)
    config = config_from(args, id_field=args.id_field, text_field=args.text_field, lang_backend=args.lang_backend)
    say_not_learning(config, "cleaner clean")
    rules = load_rules(config)  # every pack loaded and validated before any input is read
    pipeline_for(config, rules)  # and the language backend made (one that cannot be is refused now)
    for flag, path in (("--out", args.out), ("--rejects", args.rejects)):
        if path is None:
            continue
        if (unwritten(path) or "").lower().startswith(".parquet"):  # `o.parquet.gz` too: a format `run` writes
            raise ConfigError(f"{path}: cleaner clean writes JSONL (.jsonl, .jsonl.gz, .jsonl.zst); for Parquet, "
                              "cleaner run --output-format parquet")
        a_file(path, flag)
    if args.out == "-" == args.rejects:
        raise ConfigError("--out - and --rejects - would both write to stdout: give the rejects a file, or leave "
                          "--rejects out for one line a rejection on stderr")
    rejects_path = args.rejects or (None if streamed(args.out) else default_rejects(args.out))
    files = [path for path in (args.out, rejects_path) if path not in (None, "-")]
    if len(files) == 2 and real(rejects_path) == real(args.out):
        raise ConfigError(f"--rejects {rejects_path} is the output file itself: give the rejects a path of their own")
    for path in files:  # OUT first: a set named one or the other by the hash seed
        not_an_input(Path(path), args.inputs)
    # with no rejects file, every rejection is a line on stderr already
    unnamed = unnamed_inputs(args.inputs) if rejects_path is not None else []
    stats, read, loads = Stats(), ReadStats(), lingua_loads()
    rejects = None if rejects_path is None else JsonlWriter(rejects_path, keep_empty=False, side=True)
    with JsonlWriter(args.out) as out, rejects or nullcontext():
        stream = prepare_stream(read_inputs(args.inputs, config, args.input_format, read, lazy=True), config,
                                workers=args.workers, gates=False, sign=False, live="-" in args.inputs,
                                rules=rules)
        for result in strict(stream) if args.strict else stream:
            if not result.rejected:
                stats.add_summary(result.summary, result.raw_chars)
                out.write(result.record)
                continue
            stats.add_rejected(result.record["reason"], result.record["stage"])
            if rejects is None:
                print(f"cleaner: rejected {shown_id(result.id)}: {one_line(result.detail)}",
                      file=sys.stderr)  # "-" read as stdin's name
            else:
                rejects.write(result.record)
    if not args.quiet:
        where = _shown(args.out)
        rej = f", rejects in {_shown(rejects_path)}" if rejects and rejects.count else ""
        print(f"cleaner clean -> {where}{rej}\n{stats.summary(skipped_lines(read.as_dict()['skipped']))}", file=sys.stderr)
        say_unnamed("clean", unnamed)
        say_short_texts(loads, stats.read, config.lingua_budget)
    return _lost(rejects, args.out)


def _lost(rejects: JsonlWriter | None, out: str) -> int:
    """The exit code once OUT is written: 0, or 2 when the reader of the rejects went (`--rejects - | head -1`), said
    in one line: the output is whole, but the rejections given after it went are in no file, lost. Those written went
    to the pipe, not all to the reader (`head -1` read one of 193: the rest sat in the pipe's buffer)."""
    if rejects is None or not rejects.lost:
        return 0
    print(f"cleaner: --rejects {rejects.path}: the reader of {_shown(rejects.path)} went (a broken pipe) after "
          f"{counted(rejects.count, 'rejection')} had been written to the pipe (it may have read fewer); the other "
          f"{rejects.lost:,} were not written "
          f"({_shown(out)} is whole)", file=sys.stderr)
    return 2


def _shown(path: str) -> str:
    """An output's path as the summary says it: `-` is stdout."""
    return "stdout" if path == "-" else path
