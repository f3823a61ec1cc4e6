"""`cleaner rules list` and `cleaner rules check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..checks import check_keep_against, check_rule
from ..config import Config
from ..packs import load_files, load_rules, pack_files
from .common import config_args, config_from


def register(sub) -> None:
    """Add the `rules` parser with its `list` and `check` subcommands."""
    rules = sub.add_parser("rules", help="list or check rule packs").add_subparsers(dest="rules_command", required=True)
    p = rules.add_parser("list", help="list the loaded rules")
    config_args(p)
    p.set_defaults(handler=cmd_rules_list)
    p = rules.add_parser("check", help="validate rule packs and run their examples")
    p.add_argument("packs", nargs="+", metavar="DIR", help="a folder of packs or a .yaml file")
    p.add_argument("--alone", action="store_true", help="do not also run keep examples through the shipped packs")
    p.set_defaults(handler=cmd_rules_check)


def cmd_rules_list(args: argparse.Namespace) -> int:
    """`cleaner rules list`: id, kind, scope and description of each loaded rule, in run order."""
    ruleset = load_rules(config_from(args))
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
