"""The `cleaner` command: `clean`, `rules list`, `rules check`.

Exit codes: 0 done (rejected records are data, in the rejects file); 1 a rule example failed
(`rules check`); 2 bad usage, config or rule pack, reported before any document is read.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from contextlib import nullcontext
from pathlib import Path

from .checks import check_keep_against, check_rule
from .config import Config, ConfigError
from .dedup.index import IndexMismatchError
from .io.readers import read_inputs
from .io.writers import JsonlWriter
from .models import Rejected
from .pipeline import Pipeline
from .packs import RulePackError, load_files, load_rules, pack_files
from .report import Stats


def _config_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE", help="a TOML file of config values (see cleaner/defaults.toml)")
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="add the rule packs in DIR (or a .yaml file); repeatable")
    p.add_argument("--no-default-rules", action="store_true", help="do not load the rule packs shipped with cleaner")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `cleaner` command."""
    parser = argparse.ArgumentParser(prog="cleaner", description="Clean scraped text with rule packs; every removal attributed.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clean", help="clean documents: folders of .txt, JSONL files, or - for stdin")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a .txt file, a .jsonl(.gz) file, a folder, or - (JSONL on stdin)")
    p.add_argument("--out", "-o", required=True, help="output JSONL file, or - for stdout")
    p.add_argument("--rejects", metavar="FILE", help="where rejected records go (default: OUT with .rejects.jsonl; stderr when OUT is -)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    p.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    _config_args(p)

    p = sub.add_parser("run", help="clean, tag languages, gate and deduplicate into a corpus folder")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="as for `clean`")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder: corpus.jsonl, rejects.jsonl, clusters.jsonl, report.json")
    p.add_argument("--index", metavar="PATH", help="a persistent SQLite dedup index shared across runs (default: a fresh DIR/index.sqlite)")
    p.add_argument("--min-chars", type=int, help="reject documents with less clean text (default: 1)")
    p.add_argument("--langs", help="comma-separated ISO 639-1 languages to keep, or `any` (default)")
    p.add_argument("--lang-backend", help="language identifier (default from the config)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    p.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    _config_args(p)

    rules = sub.add_parser("rules", help="list or check rule packs").add_subparsers(dest="rules_command", required=True)
    p = rules.add_parser("list", help="list the loaded rules")
    _config_args(p)
    p = rules.add_parser("check", help="validate rule packs and run their examples")
    p.add_argument("packs", nargs="+", metavar="DIR", help="a folder of packs or a .yaml file")
    p.add_argument("--alone", action="store_true", help="do not also run keep examples through the shipped packs")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cleaner` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "clean":
            return cmd_clean(args)
        if args.command == "run":
            return cmd_run(args)
        if args.rules_command == "list":
            return cmd_rules_list(args)
        return cmd_rules_check(args)
    except (RulePackError, ConfigError, IndexMismatchError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # a pager or `head` closed the pipe: not an error
        return 0


def _config(args: argparse.Namespace, **extra) -> Config:
    return Config.load(
        args.config,
        rules_dirs=tuple(Path(p) for p in args.rules) or None,
        default_rules=False if args.no_default_rules else None,
        **extra,
    )


def cmd_clean(args: argparse.Namespace) -> int:
    """`cleaner clean`: every input record to OUT (cleaned) or to the rejects file (with a reason)."""
    config = _config(args, id_field=args.id_field, text_field=args.text_field)
    pipeline = Pipeline(config)  # loads and validates every pack before any input is read
    rejects_path = args.rejects or ("-" if args.out == "-" else str(Path(args.out).with_suffix("")) + ".rejects.jsonl")
    stats = Stats()
    rejects = None if rejects_path == "-" else JsonlWriter(rejects_path, keep_empty=False)
    with JsonlWriter(args.out) as out, rejects or nullcontext():
        for item in read_inputs(args.inputs, config):
            result = pipeline.prepare(item, gates=False)
            stats.add(result)
            if isinstance(result, Rejected) and rejects is None:
                print(f"cleaner: rejected {result.id or '-'}: {result.detail}", file=sys.stderr)
            elif isinstance(result, Rejected):
                rejects.write(result.record())
            else:
                out.write(result.record())
    if not args.quiet:
        where = "stdout" if args.out == "-" else args.out
        rej = f", rejects in {rejects_path}" if rejects and rejects.count else ""
        print(f"cleaner clean -> {where}{rej}\n{stats.summary()}", file=sys.stderr)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: every input record ends in DIR/corpus.jsonl or DIR/rejects.jsonl, exactly once."""
    langs = None if args.langs in (None, "any") else tuple(x.strip().lower() for x in args.langs.split(",") if x.strip())
    config = _config(
        args, id_field=args.id_field, text_field=args.text_field, min_chars=args.min_chars, langs=langs,
        lang_backend=args.lang_backend,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    index = Path(args.index) if args.index else out / "index.sqlite"
    if not args.index:  # the default index belongs to this run alone
        for stale in out.glob("index.sqlite*"):
            stale.unlink()
    with Pipeline(config, index) as pipeline:
        result = pipeline.run(read_inputs(args.inputs, config))
        indexed = len(pipeline.dedup.index)
    stats = Stats()
    with JsonlWriter(out / "corpus.jsonl") as corpus, JsonlWriter(out / "rejects.jsonl") as rejects:
        for item in result.results():
            stats.add(item)
            (rejects if isinstance(item, Rejected) else corpus).write(item.record())
    with JsonlWriter(out / "clusters.jsonl") as clusters:
        for cluster in result.clusters:
            clusters.write(asdict(cluster))
    report = {**stats.as_dict(), "clusters": len(result.clusters), "index": str(index), "index_documents": indexed}
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        print(f"cleaner run -> {out}/ (corpus.jsonl, rejects.jsonl, clusters.jsonl, report.json)\n{stats.summary()}", file=sys.stderr)
    return 0


def cmd_rules_list(args: argparse.Namespace) -> int:
    """`cleaner rules list`: id, kind, scope and description of each loaded rule, in run order."""
    ruleset = load_rules(_config(args))
    for rule in ruleset.rules:
        scope = ",".join(rule.langs) or "any"
        if rule.sources:
            scope += " @" + ",".join(rule.sources)
        print(f"{rule.id:<34} {rule.kind:<9} {scope:<10} {' '.join(rule.description.split())}")
    print(f"{len(ruleset.rules)} rules from {len(ruleset.files)} packs", file=sys.stderr)
    return 0


def cmd_rules_check(args: argparse.Namespace) -> int:
    """`cleaner rules check`: validate packs and run their examples; exit 1 if any example fails."""
    checked = load_files(pack_files([Path(p) for p in args.packs]))
    failures = [f for rule in checked.rules for f in check_rule(rule)]
    shipped = () if args.alone else load_rules(Config.load()).rules
    shipped_ids = {r.id for r in shipped}
    everything = list(checked.rules) + [r for r in shipped if r.id not in {c.id for c in checked.rules}]
    failures += check_keep_against(checked.rules, everything if shipped_ids else checked.rules)
    for failure in failures:
        print(f"FAIL {failure}")
    examples = sum(len(r.examples.remove) + len(r.examples.keep) for r in checked.rules)
    print(f"{len(checked.rules)} rules, {examples} examples, {len(failures)} failures")
    return 1 if failures else 0
