"""`cleaner diff`: what cleaning removed, document by document, each span labelled with its rule."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..api import pipeline_for
from ..edits import REPEATED_RULE, WHITESPACE_RULE
from ..engine import Cleaner
from ..io.readers import EMPTY_FOLDER, expand, holds_nothing
from ..io.writers import stdout
from ..manifest import other_packs
from ..models import Rejected
from ..packs import RuleSet
from ..review.diff import FORMATS, write
from ..review.entries import Entry, input_entries, learned_in, recleaned, run_entries, select
from ..review.run import RunError, is_run_dir, load_run
from .common import (
    at_least_one,
    config_args,
    config_from,
    input_args,
    inputs_named,
    lang_backend_arg,
    not_blank,
    say_not_learning,
)


def register(sub) -> None:
    """Add the `diff` parser."""
    p = sub.add_parser("diff", help="show what cleaning removes, each span labelled with its rule (inputs or a run folder)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="inputs as for `clean` (cleaned again here), or one `cleaner run` output folder")
    p.add_argument("--id", action="append", default=[], dest="ids", metavar="ID", help="only this document; repeatable")
    p.add_argument("--rule", metavar="RULE", help="only documents this rule touched")
    p.add_argument("--limit", type=at_least_one, metavar="N", help="at most N documents")
    p.add_argument("--format", choices=FORMATS, default="terminal", help="terminal (inline, marked), unified (diff -u) or json (JSON lines)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="ANSI colours (auto: only on a terminal)")
    p.add_argument("--full", action="store_true", help="do not shorten long removed spans (terminal format)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    lang_backend_arg(p)  # for inputs, as `clean` tags them; a run folder's languages are the run's
    config_args(p)
    input_args(p, strict=False)  # for inputs, as `clean` reads them; a run folder's documents are read as the run wrote them
    p.set_defaults(handler=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    """`cleaner diff`: write the selected documents' diffs to stdout; exit 2 on a missing input or an `--id` it does not hold."""
    inputs_named(args.inputs)
    not_blank(args.rule, "--rule", "give a rule's id (`cleaner rules list` shows them), or leave --rule out for all")
    for doc_id in args.ids:  # no document has a blank id: reading gives a record with one an id of its own
        not_blank(doc_id, "--id", "give a document's id, or leave --id out for all")
    out = stdout()  # closed: said before anything is read
    runs = [p for p in args.inputs if is_run_dir(p)]
    if runs and len(args.inputs) > 1:
        return _fail(f"{runs[0]}: a `cleaner run` output folder is read alone, not with other inputs")
    if runs:
        try:
            run = load_run(args.inputs[0])
        except RunError as exc:
            return _fail(str(exc))
        cleaner = Cleaner(config_from(args, id_field=args.id_field, text_field=args.text_field))  # no tagger, no index
        if warning := other_packs(Path(args.inputs[0]), cleaner.rules, cleaner.config):
            print(f"cleaner diff: {warning}", file=sys.stderr)
        known = {WHITESPACE_RULE, REPEATED_RULE, *(r.id for r in (*cleaner.rules.rules, *cleaner.rules.disabled)),
                 *(run.report.get("rules") or {})}  # a disabled rule: the run may have applied it
        if args.rule and args.rule not in known:  # a typo: it "matched no document", exit 0
            return _fail(f"--rule {args.rule!r}: no such rule in the loaded packs nor in the run's report "
                         "(`cleaner rules list` shows the packs')")
        learned = learned_in(run)  # dropped documents are cleaned again, as `cleaner review` shows them
        entries = (recleaned(entry, cleaner, learned) for entry in run_entries(run))
    else:
        if unnamed := next(filter(None, map(_names_nothing, args.inputs)), None):
            return _fail(unnamed)
        config = config_from(args, id_field=args.id_field, text_field=args.text_field, lang_backend=args.lang_backend)
        say_not_learning(config, "cleaner diff of an input (not a run folder)")
        if args.rule and (refused := _not_run(args.rule, pipeline_for(config).cleaner.rules)):
            return _fail(f"--rule {args.rule!r}: {refused}")
        entries = input_entries(args.inputs, config, args.input_format)
    color = args.color == "always" or (args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR"))
    seen: set[str | None] = set()
    shown = write(select(_noting(entries, seen), args.ids, args.rule, args.limit), out, args.format, color, args.full, sys.stderr)
    missing = [i for i in dict.fromkeys(args.ids) if i not in seen]
    if missing and shown != args.limit:  # at the limit, the rest was not read: not known to be missing
        where = args.inputs[0] if runs else "the input" if len(args.inputs) == 1 else "the inputs"
        return _fail(f"--id {', '.join(map(repr, missing))}: no such document in {where}")
    if not shown:
        print("cleaner diff: no document matched", file=sys.stderr)
    return 0


def _not_run(rule_id: str, rules: RuleSet) -> str | None:
    """Why rule `rule_id` removes nothing from an input cleaned with `rules`: no loaded rule has its id, or the config
    disables it (it was "no such rule in the loaded packs", which `rules list` shows `[disabled]`); else None."""
    if rule_id in {r.id for r in rules.disabled}:
        return "that rule is disabled (disabled_rules, --disable-rule), so it removes nothing here"
    if rule_id != WHITESPACE_RULE and rule_id not in {r.id for r in rules.rules}:
        return "no such rule in the loaded packs (`cleaner rules list` shows them)"
    return None


def _names_nothing(name: str) -> str | None:
    """Why input `name` names nothing to show: no such path, a glob that matches nothing, or only folders holding
    nothing; else None (stdin, files, or what is there but no file, shown as `clean` rejects it)."""
    if name == "-":
        return None
    matches = expand(name)
    if not any(isinstance(m, Rejected) or m.exists() or m.is_symlink() for m in matches):
        return f"{name}: no such file or folder"
    if all(isinstance(m, Path) and m.is_dir() and holds_nothing(m) for m in matches):
        return f"{name}: {EMPTY_FOLDER}"
    return None


def _noting(entries: Iterable[Entry], seen: set[str | None]) -> Iterator[Entry]:
    """`entries`, each one's id added to `seen` as it is read."""
    for entry in entries:
        seen.add(entry.id)
        yield entry


def _fail(message: str) -> int:
    print(f"cleaner diff: {message}", file=sys.stderr)
    return 2
