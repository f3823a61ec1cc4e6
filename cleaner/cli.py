"""The `cleaner` command; each subcommand lives in its own module under `cleaner.commands`.

Exit codes: 0 done (rejected records are data, in the rejects file); 1 a rule example failed
(`rules check`); 2 bad usage, config or rule pack, reported before any document is read; 3 `--strict`
stopped at bad input.
"""

from __future__ import annotations

import argparse
import sys

from .commands import clean, diff, review, rules, run, serve
from .config import ConfigError
from .dedup.index import IndexBusyError, IndexMismatchError
from .packs import RulePackError
from .workers import StrictStop

COMMANDS = (clean, run, rules, diff, review, serve)
"""The subcommand modules, in the order `cleaner --help` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `cleaner` command."""
    parser = argparse.ArgumentParser(prog="cleaner", description="Clean scraped text with rule packs; every removal attributed.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cleaner` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (RulePackError, ConfigError, IndexMismatchError, IndexBusyError) as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 2
    except StrictStop as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # a pager or `head` closed the pipe: not an error
        return 0
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's code for it; a run keeps its state
        again = " (run the same command again to go on from where it stopped)" if args.command == "run" else ""
        print(f"cleaner: interrupted{again}", file=sys.stderr)
        return 130
    except OSError as exc:  # an output folder that is a file, a path not writable, a full disk
        print(f"cleaner: {exc.filename}: {exc.strerror}" if exc.filename else f"cleaner: {exc}", file=sys.stderr)
        return 2
