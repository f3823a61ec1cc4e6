"""`cleaner rules list`, `cleaner rules check` and `cleaner rules suggest`."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import TextIO

from ..checks import pack_failures
from ..config import Config, ConfigError
from ..escapes import one_line
from ..io.names import real
from ..io.readers import not_an_input
from ..io.writers import nowhere, stdout, text_stream, utf8_stream, write_atomic
from ..models import no_source
from ..kinds import Rule
from ..packs import check_notes, load_files, load_rules, pack_files, refuse_disabled_ids
from ..report import counted
from ..workers import default_workers
from .common import (a_file, config_args, config_file_arg, config_from, input_args, inputs_named, pack_paths,
                     worker_count)


def register(sub) -> None:
    """Add the `rules` parser with its `list`, `check` and `suggest` subcommands."""
    rules = sub.add_parser("rules", help="list, check or suggest rule packs").add_subparsers(dest="rules_command", required=True,
                                                                                         metavar="COMMAND")
    p = rules.add_parser("list", help="list the loaded rules")
    config_args(p)
    p.set_defaults(handler=cmd_rules_list)
    p = rules.add_parser("check", help="validate rule packs and run their examples")
    p.add_argument("packs", nargs="+", metavar="DIR", help="a folder of packs or a .yaml file")
    p.add_argument("--alone", action="store_true", help="do not also run keep examples through the shipped packs")
    config_file_arg(p)
    p.set_defaults(handler=cmd_rules_check)
    p = rules.add_parser("suggest", help="propose rules from what recurs in a corpus, for review")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="as for `clean`")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="the suggested pack (.yaml), or - for stdout")
    p.add_argument("--min-docs", type=int, help="documents of one source a line must be in (default: repeated_min_docs)")
    p.add_argument("--min-share", type=float, help="share of a source's documents a line must be in (default: repeated_min_share)")
    p.add_argument("--id-field", help="the JSONL field holding the id (default: id)")
    p.add_argument("--text-field", help="the JSONL field holding the text (default: text)")
    p.add_argument("--workers", "-j", type=worker_count, default=default_workers(),
                   help="worker processes for cleaning (default: all cores); the suggestions are the same with any")
    config_args(p)
    input_args(p, strict=False)  # it reads every input before it suggests: nothing to stop
    p.set_defaults(handler=cmd_rules_suggest)


def cmd_rules_list(args: argparse.Namespace) -> int:
    """`cleaner rules list`: id, kind, scope and description of each loaded rule, in run order, then of each disabled
    one (`disabled_rules`), its description led by `[disabled]`."""
    out = text_stream(stdout())  # closed: `print` to it wrote nothing, exit 0
    ruleset = load_rules(config_from(args))
    for rule in ruleset.rules:
        print(_listed(rule), file=out)
    for rule in ruleset.disabled:
        print(_listed(rule, "[disabled] "), file=out)
    disabled = f" ({len(ruleset.disabled)} disabled)" if ruleset.disabled else ""
    print(f"{counted(len(ruleset.rules), 'rule')} from {counted(len(ruleset.files), 'pack')}{disabled}",
          file=sys.stderr)
    return 0


def _listed(rule: Rule, lead: str = "") -> str:
    """`rule`'s line of `rules list`: id, kind, scope (languages, @hosts) and description, led by `lead`."""
    scope = ",".join(rule.langs) or "any"
    if rule.sources:
        scope += " @" + ",".join(rule.sources)
    return one_line(f"{rule.id:<34} {rule.kind:<9} {scope:<10} {lead}{' '.join(rule.description.split())}")


def cmd_rules_check(args: argparse.Namespace) -> int:
    """`cleaner rules check`: validate packs and run their examples, with the config's `regex_timeout`, through the
    config's rules unless `--alone` (as the service checks a pack); exit 1 if any example fails."""
    out = text_stream(stdout())  # closed: its failures were printed to nowhere
    config = config_from(args)
    with warnings.catch_warnings():  # what it warns of is said below, of the packs with the shipped ones
        warnings.simplefilter("ignore")
        checked = load_files(pack_files(pack_paths(args.packs, "rules check: a pack path")))
    loaded = load_rules(config)  # --alone too: the config's disabled ids are checked (an unknown one is refused)
    refuse_disabled_ids(checked.in_load_order(), checked.places, loaded)
    shipped = () if args.alone else loaded.rules
    for note in check_notes(checked.rules, shipped, checked.places):
        print(f"note: {note}", file=sys.stderr)
    everything = list(checked.rules) + [r for r in shipped if r.id not in {c.id for c in checked.rules}]
    failures = []
    shown = True  # until stdout's reader goes (`| head`): the check goes on, its verdict is the exit code still
    for failure in pack_failures(checked.in_load_order(), checked.places, everything, config.regex_timeout):
        failures.append(failure)
        shown = shown and _printed(failure, out)
    examples = sum(len(r.examples.remove) + len(r.examples.keep) for r in checked.rules)
    if shown:
        _printed(f"{counted(len(checked.rules), 'rule')}, {counted(examples, 'example')}, "
                 f"{counted(len(failures), 'failure')}", out)
    return 1 if failures else 0


def _printed(line: str, out: TextIO) -> bool:
    """Whether `line` went to `out`: False once its reader is gone (a broken pipe), the rest of the output then put on
    the null device (`writers.nowhere`). `rules check | head -1` ended at the closed pipe with exit 0, as a filter's
    reader going does, though an example failed: a check's exit code is its verdict."""
    try:
        print(line, file=out, flush=True)
        return True
    except BrokenPipeError:
        nowhere(out)
        return False


def not_a_loaded_pack(out: Path, config: Config) -> None:
    """A ConfigError when `suggest` would write its pack over a pack the run loads. Suggestions are learned past the
    loaded packs' rules, so `--rules R/ --out R/site.yaml` replaced the rules kept there with what was left to learn,
    near nothing."""
    if real(out) in {real(f) for f in load_rules(config).files}:
        raise ConfigError(f"--out {out}: is a rule pack this command loads, whose rules the suggestions are learned "
                          "past: write them to another file and merge what you keep")


def cmd_rules_suggest(args: argparse.Namespace) -> int:
    """`cleaner rules suggest`: a pack of rules learned from the inputs, every one passing `rules check`."""
    inputs_named(args.inputs)
    config = config_from(args, id_field=args.id_field, text_field=args.text_field,
                         repeated_min_docs=args.min_docs, repeated_min_share=args.min_share)
    a_file(args.out, "--out", "cleaner rules suggest", "a rule pack is plain YAML; give it a .yaml name", packed=())
    if args.out == "-":
        stdout()  # closed: said before anything is read
    else:
        if not Path(args.out).parent.is_dir():
            print(f"cleaner: --out {args.out}: no folder {Path(args.out).parent}", file=sys.stderr)
            return 2
        not_an_input(Path(args.out), args.inputs)  # it wrote its YAML over the input it had read
        not_a_loaded_pack(Path(args.out), config)
    from ..suggest import suggest  # here, not with the module: its date pattern takes every other command ~50 ms to compile

    found = suggest(args.inputs, config, input_format=args.input_format, workers=args.workers)
    if args.out == "-":
        utf8_stream(stdout()).write(found.yaml)  # UTF-8, as the file --out names would hold it
    else:
        write_atomic(Path(args.out), found.yaml.encode("utf-8"))
    for reason in found.dropped:
        print(f"left out {reason}", file=sys.stderr)
    if found.unread:
        print(f"{counted(len(found.unread), 'input record')} not used (first: {found.unread[0]})", file=sys.stderr)
    if found.sourceless:
        said = no_source(found.sourceless, counted(found.documents, "record"))
        print(f"{said}: lines are counted per source, so none was counted in them", file=sys.stderr)
    print(f"{counted(found.rules, 'rule')} suggested from {counted(found.documents, 'record')} "
          f"({len(found.dropped)} left out) -> {args.out}", file=sys.stderr)
    return 0
