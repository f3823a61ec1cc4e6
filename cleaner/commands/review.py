"""`cleaner review`: one self-contained HTML page to review what a run removed, rule by rule."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..config import ConfigError
from ..io.names import real
from ..io.outputs import STATE
from ..io.readers import not_an_input
from ..io.writers import can_be_written, stdout, utf8_stream
from ..manifest import other_packs
from ..packs import load_rules
from ..report import counted
from ..review import RunError, load_run, render_review
from ..runner import OUTPUT_FILE, RUN_FILES
from .common import config_args, config_from, not_blank, not_packed


def register(sub) -> None:
    """Add the `review` parser."""
    p = sub.add_parser("review", help="write an HTML page to review a `cleaner run` output folder")
    p.add_argument("run", metavar="DIR", help="a `cleaner run` output folder")
    p.add_argument("--out", "-o", default="review.html", metavar="FILE", help="the HTML file to write, - for stdout (default: review.html)")
    config_args(p)
    p.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    """`cleaner review DIR --out FILE`: exit 2 with one line when DIR is not a run output."""
    if not args.run:  # a name of spaces is a folder's; '' is none
        not_blank(args.run, "DIR", "give a `cleaner run` output folder (. for this one)")
    try:
        run = load_run(args.run)
    except RunError as exc:
        print(f"cleaner review: {exc}", file=sys.stderr)
        return 2
    config = config_from(args)
    rules = load_rules(config)
    out = None if args.out == "-" else Path(args.out)
    try:
        not_blank(args.out, "--out", "give the HTML file to write, or leave --out out for review.html")
        if out is not None:
            _not_read(out, Path(args.run), [*rules.files, *([args.config] if args.config else [])])
            not_packed(args.out, "cleaner review", "the page is plain HTML; give it a .html name")
            can_be_written(out)  # before the page is built: a folder, or a path below a file ("File exists" from mkdir)
        else:
            stdout()  # closed: said before the page is built
    except ConfigError as exc:
        print(f"cleaner review: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cleaner review: cannot write {out or 'stdout'}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if warning := other_packs(Path(args.run), rules, config):
        print(f"cleaner review: {warning}", file=sys.stderr)
    html = render_review(run, rules, config)
    if out is None:  # a closed pipe (`| head`) ends the command as it ends `clean --out -`
        page = utf8_stream(stdout())
        page.write(html)
        page.flush()
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)  # as `clean --out` does
            out.write_text(html, encoding="utf-8")
        except OSError as exc:
            print(f"cleaner review: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    print(f"cleaner review -> {out or 'stdout'} ({len(run.corpus):,} kept, {len(run.rejects):,} rejected, "
          f"{counted(len(run.clusters), 'cluster')})", file=sys.stderr)
    return 0


def _not_read(out: Path, run: Path, inputs: list[str]) -> None:
    """A ConfigError naming `out` when writing the page there would replace what `review` reads: a file
    of the run folder by a name a run writes (`runner.OUTPUT_FILE`, `runner.RUN_FILES`: its outputs in
    any form, report, manifest, index) or its state folder (`STATE`) or a path inside it, or one of the
    `inputs` (rule packs, config file)."""
    target, state = Path(os.path.realpath(out)), real(run) / STATE
    if target == state or state in target.parents:  # a file there broke the next run; one inside, an unfinished run
        raise ConfigError(f"{out}: is in the place of the run's state folder {STATE}/, which a run of this folder "
                          f"makes; give the page a path of its own, such as {run / 'review.html'}")
    if target.parent == real(run) and (OUTPUT_FILE.fullmatch(target.name) or target.name in RUN_FILES):
        raise ConfigError(f"{out}: is the run's own {target.name}, which the page would replace; give the page "
                          f"a path of its own, such as {run / 'review.html'}")
    not_an_input(out, inputs)
