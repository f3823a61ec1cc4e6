"""What several subcommands share: the config flags and the `Config` they build."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import Config
from ..io.readers import FORMATS


def config_args(p: argparse.ArgumentParser) -> None:
    """Add `--config`, `--rules` and `--no-default-rules`."""
    p.add_argument("--config", metavar="FILE", help="a TOML file of config values (see cleaner/defaults.toml)")
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="add the rule packs in DIR (or a .yaml file); repeatable")
    p.add_argument("--no-default-rules", action="store_true", help="do not load the rule packs shipped with cleaner")


def input_args(p: argparse.ArgumentParser) -> None:
    """Add `--input-format` and `--strict`."""
    p.add_argument(
        "--input-format", choices=FORMATS, default="auto",
        help="read every input as this format (default auto: by extension; .txt .html .jsonl[.gz|.zst] .parquet .warc[.gz] .wet[.gz])",
    )
    p.add_argument(
        "--strict", action="store_true",
        help="stop (exit 3) at the first bad input: unreadable, too large, empty, or repaired on reading; "
             "by default it is rejected or flagged and the run goes on",
    )


def positive(value: str) -> float:
    """An argparse type: a finite number above 0, at most 10^6 (sizes in MB)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {value!r}") from None
    if not 0 < number <= 1e6:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"must be above 0 and at most 1000000, got {value}")
    return number


def port(value: str) -> int:
    """An argparse type: a TCP port, 0 to 65535."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port: {value!r}") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0 to 65535, got {number}")
    return number


def at_least_one(value: str) -> int:
    """An argparse type: a whole number of at least 1 (worker and record counts)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def config_from(args: argparse.Namespace, **extra) -> Config:
    """The `Config` of the config flags plus `extra` overrides (None means: not given). `--rules` packs
    are added after the config file's `rules_dirs`, not put in their place."""
    rules = tuple(Path(p) for p in args.rules)
    if rules and args.config:
        rules = Config.load(args.config).rules_dirs + rules
    return Config.load(
        args.config,
        rules_dirs=rules or None,
        default_rules=False if args.no_default_rules else None,
        **extra,
    )
