"""`cleaner run`: clean, tag languages, gate and deduplicate into a corpus folder."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from ..io.readers import read_inputs
from ..io.writers import JsonlWriter
from ..models import Cleaned, Rejected
from ..pipeline import Pipeline
from ..report import Stats
from .common import config_args, config_from, input_args


def register(sub) -> None:
    """Add the `run` parser."""
    p = sub.add_parser("run", help="clean, tag languages, gate and deduplicate into a corpus folder")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="as for `clean`")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder: corpus.jsonl, rejects.jsonl, clusters.jsonl, raw.jsonl, report.json")
    p.add_argument("--index", metavar="PATH", help="a persistent SQLite dedup index shared across runs (default: a fresh DIR/index.sqlite)")
    p.add_argument("--min-chars", type=int, help="reject documents with less clean text (default: 1)")
    p.add_argument("--langs", help="comma-separated ISO 639-1 languages to keep, or `any` (default)")
    p.add_argument("--lang-backend", help="language identifier (default from the config)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    p.add_argument("--quiet", "-q", action="store_true", help="print no summary")
    config_args(p)
    input_args(p)
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """`cleaner run`: every input record ends in DIR/corpus.jsonl or DIR/rejects.jsonl, exactly once."""
    langs = None if args.langs in (None, "any") else tuple(x.strip().lower() for x in args.langs.split(",") if x.strip())
    config = config_from(
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
        result = pipeline.run(read_inputs(args.inputs, config, args.input_format))
        indexed = len(pipeline.dedup.index)
    stats = Stats()
    with JsonlWriter(out / "corpus.jsonl") as corpus, JsonlWriter(out / "rejects.jsonl") as rejects, JsonlWriter(out / "raw.jsonl") as raw:
        for item in result.results():
            stats.add(item)
            (rejects if isinstance(item, Rejected) else corpus).write(item.record())
            if isinstance(item, Cleaned):
                raw.write(item.document.model_dump(include={"id", "text", "url", "html"}, exclude_none=True))
    with JsonlWriter(out / "clusters.jsonl") as clusters:
        for cluster in result.clusters:
            clusters.write(asdict(cluster))
    report = {**stats.as_dict(), "clusters": len(result.clusters), "index": str(index), "index_documents": indexed}
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        print(f"cleaner run -> {out}/ (corpus.jsonl, rejects.jsonl, clusters.jsonl, raw.jsonl, report.json)\n{stats.summary()}", file=sys.stderr)
    return 0
