"""What several subcommands share: the config flags and the `Config` they build."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError
from ..dedup.index import refuse_written_folder
from ..escapes import one_line
from ..io.readers import FORMATS, input_sources
from ..io.writers import COMPRESSIONS
from ..lang import lingua_codes, lingua_loads
from ..models import Rejected


def config_file_arg(p: argparse.ArgumentParser) -> None:
    """Add `--config`, alone for a command given its packs otherwise (`rules check`)."""
    p.add_argument("--config", metavar="FILE", help="a TOML file of config values (see cleaner/defaults.toml)")


def config_args(p: argparse.ArgumentParser) -> None:
    """Add `--config`, `--rules`, `--[no-]default-rules` (both ways: `default_rules = false` in a config file could
    not be turned back on for one command) and `--disable-rule`."""
    config_file_arg(p)
    p.add_argument("--rules", metavar="DIR", action="append", default=[], help="add the rule packs in DIR (or a .yaml file); repeatable")
    p.add_argument("--default-rules", action=argparse.BooleanOptionalAction, default=None,
                   help="load the rule packs shipped with cleaner, or not (default from the config: default_rules, on)")
    p.add_argument("--disable-rule", metavar="ID", action="append", default=[],
                   help="do not run the loaded rule ID (added to the config's disabled_rules); repeatable")


def lang_backend_arg(p: argparse.ArgumentParser) -> None:
    """Add `--lang-backend` and `--lingua-budget`, for a command that tags languages (`clean`, `run`, `diff` of
    inputs)."""
    p.add_argument("--lang-backend", metavar="NAME", help="language identifier (default from the config)")
    p.add_argument("--lingua-budget", metavar="N", type=int,
                   help="most languages whose lingua models a process holds at once for short texts, ~40 MB each "
                        "(default from the config: lingua_budget, 8); more is faster on a corpus of short texts")


def input_args(p: argparse.ArgumentParser, strict: bool = True) -> None:
    """Add `--input-format`, `--encoding` and, for a command that can stop at bad input, `--strict`."""
    p.add_argument(
        "--input-format", choices=FORMATS, default="auto",
        help="read every input as this format (default auto: by extension; .txt .html .jsonl[.gz|.zst] .parquet .warc[.gz] .wet[.gz])",
    )
    p.add_argument("--encoding", metavar="NAME",
                   help="the encoding of inputs that do not say theirs (.txt, JSONL, HTML without a charset), such as "
                        "cp1252 or latin-1; a byte order mark, a page's charset and valid UTF-8 win (default: utf-8)")
    if strict:
        p.add_argument(
            "--strict", action="store_true",
            help="stop (exit 3) at the first bad input: unreadable, too large, empty, or repaired on reading; "
                 "by default it is rejected or flagged and the run goes on",
        )


def _checked(kind: Callable[[str], Any], ok: Callable[[Any], bool], says: str) -> Callable[[str], Any]:
    """An argparse type: `kind(value)` when `ok` holds for it, else an error saying it must be `says`."""
    def parse(value: str) -> Any:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {kind.__name__} value: {value!r}") from None
        if not ok(number):  # NaN fails every comparison, so every check
            raise argparse.ArgumentTypeError(f"must be {says}, got {value}")
        return number
    return parse


positive = _checked(float, lambda x: 0 < x <= 1e6, "above 0 and at most 1000000")
"""An argparse type: a finite number above 0, at most 10^6 (sizes in MB)."""
port = _checked(int, lambda x: 0 <= x <= 65535, "0 to 65535")
"""An argparse type: a TCP port."""
at_least_one = _checked(int, lambda x: x >= 1, "at least 1")
"""An argparse type: a whole number of at least 1 (record counts)."""
worker_count = _checked(int, lambda x: 1 <= x <= 1024, "1 to 1024")
"""An argparse type: a number of worker processes, 1 to 1024 (more than a machine's cores; 2^31 made the pool raise)."""


def config_from(args: argparse.Namespace, **extra) -> Config:
    """The `Config` of the config flags (`--config` alone for a command of `config_file_arg`) plus `extra` overrides,
    each a flag's value (None means: not given; `--rules` packs come after the config file's, see `Config.load`). A
    value refused is named by its flag."""
    not_blank(args.config, "--config", "give a TOML file of config values, or leave --config out")
    for key in ("id_field", "text_field"):
        not_blank(extra.get(key), flag_of(key), "give the name of a JSONL field, or leave the flag out")
    extra["disabled_rules"] = tuple(getattr(args, "disable_rule", [])) or None
    if (budget := getattr(args, "lingua_budget", None)) is not None:
        extra["lingua_budget"] = budget
    if (encoding := getattr(args, "encoding", None)) is not None:
        not_blank(encoding, "--encoding", "give an encoding (cp1252, latin-1), or leave --encoding out for utf-8")
        extra["encoding"] = encoding
    try:
        return Config.load(
            args.config,
            rules_dirs=tuple(pack_paths(getattr(args, "rules", []), "--rules")) or None,
            default_rules=getattr(args, "default_rules", None),
            **extra,
        )
    except ConfigError as exc:
        if exc.key is not None and extra.get(exc.key) is not None:  # the flag's value, not the file's, was refused
            raise ConfigError(f"{flag_of(exc.key)}: {exc.why}") from None
        if exc.named and any(extra.get(key) is not None for key in exc.clashing):  # a flag's value among them
            raise ConfigError(exc.named(lambda key: flag_of(key) if extra.get(key) is not None else None)) from None
        raise


def disabled_by(args: argparse.Namespace, rule_id: str) -> str:
    """What gave the disabled id `rule_id`: its `--disable-rule` flag, else the `--config` file's `disabled_rules`."""
    if rule_id in getattr(args, "disable_rule", ()) or not getattr(args, "config", None):
        return "--disable-rule"
    return f"disabled_rules in {args.config}"


_FLAGS = {"repeated_min_docs": "--min-docs", "repeated_min_share": "--min-share", "disabled_rules": "--disable-rule"}


def flag_of(key: str) -> str:
    """The flag that sets config `key` (`--min-chars` for `min_chars`)."""
    return _FLAGS.get(key, "--" + key.replace("_", "-"))


def say_not_learning(config: Config, who: str) -> None:
    """Say on stderr that `learn_boilerplate`, on in a config shared with `cleaner run`, is not applied here: `who`
    (`the service`, `cleaner clean`) cleans each document with the rule packs alone. Said, not left to look applied."""
    if config.learn_boilerplate:
        print("cleaner: warning: learn_boilerplate is for `cleaner run`, which learns each source's boilerplate from "
              f"the whole corpus; {who} cleans each document with the rule packs alone", file=sys.stderr)


def pack_paths(values: list[str], flag: str) -> list[Path]:
    """`values` as paths of rule packs; a ConfigError for an empty one (an unset shell variable, most
    likely), which `Path` would read as the current folder, loading whatever packs are there."""
    for value in values:
        not_blank(value, flag, "give a folder of rule packs or a .yaml file (. for this folder)")
    return [Path(v) for v in values]


def inputs_named(inputs: Iterable[str]) -> None:
    """A ConfigError for an INPUT given blank (an unset shell variable, most likely), which `Path` reads as the current
    folder: `clean ""` cleaned every file under it, exit 0."""
    for name in inputs:
        if not name:  # a name of spaces is a file's (it was refused as empty); '' is none
            not_blank(name, "an INPUT", "give a file, a folder, a glob or - for stdin (. for this folder)")


def not_blank(value: str | None, flag: str, give: str) -> None:
    """A ConfigError saying `flag` is empty when it was given blank (an unset shell variable, most likely):
    read as not given, or as the current folder, it would change what the command does without a word."""
    if value is not None and not value.strip():
        raise ConfigError(f"{flag} is empty: {give}")


def index_file(value: str) -> Path:
    """The index file `--index` names, refused at once when written as a folder (`dedup.index.refuse_written_folder`:
    the `Path` made of it has lost the slash that says so)."""
    refuse_written_folder(value)
    return Path(value)


PACKED = tuple(f".{name}" for name in COMPRESSIONS if name != "none")
"""The suffixes of the compressions cleaner writes (JSONL outputs), and reads: `.gz`, `.zst`."""

JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
"""The suffixes of a JSON lines file, which a run's folder is not given."""

UNWRITTEN = frozenset({
    ".bz2", ".bz", ".xz", ".lzma", ".lz", ".lz4", ".lzo", ".zstd", ".gzip", ".z", ".br", ".snappy", ".sz", ".zz",
    ".zip", ".7z", ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".rar", ".cpio",
    ".parquet", ".pq", ".arrow", ".feather", ".orc", ".avro",
})
"""Compressions, archives and columnar formats cleaner does not write (lower case): an output named so would be plain
text under that name (`o.tgz`, `o.zstd` and `o.Z` were written so; QA passes found them)."""


def unwritten(out: str, packed: tuple[str, ...] = PACKED) -> str | None:
    """The suffix of `out` that names what a command writing the compressions `packed` does not write: its last
    (`o.bz2`, `o.zstd`, a `.gz` for a command that writes plain text), or its last two when the last is one of
    `PACKED` (`o.tar.gz`, `o.parquet.gz`: gzip JSONL, not a tarball nor Parquet). None for a plain name, dots and all
    (`news.v1`, `2024.01.jsonl`)."""
    path = Path(out)
    last = path.suffix.lower()
    if last in PACKED and (inner := Path(path.stem).suffix).lower() in UNWRITTEN:
        return inner + path.suffix
    return path.suffix if last in UNWRITTEN or (last in PACKED and last not in packed) else None


def not_packed(out: str, who: str, hint: str, packed: tuple[str, ...] = ()) -> None:
    """A ConfigError when `out` is named for what `who`, which writes the compressions `packed`, does not write
    (`unwritten`); `hint` says what it writes."""
    if suffix := unwritten(out, packed):
        last = Path(out).suffix.lower()
        kind = {".gz": "gzip text", ".zst": "zstd text"}[last] if last in packed else "plain text"
        raise ConfigError(f"{out}: {who} does not write {suffix} files; it would be {kind} under that name ({hint})")


def a_file(out: str, flag: str, who: str = "cleaner", hint: str = "cleaner clean compresses as .gz or .zst",
           packed: tuple[str, ...] = PACKED) -> None:
    """A ConfigError when `out` cannot name a file to write: empty, a folder (one that is there, or a
    path ending with a slash, which would otherwise make a file of that name), or named for a compression,
    archive or format `who` does not write (`not_packed`: `o.jsonl.bz2` was written plain, and cleaner refused to
    read it back)."""
    not_blank(out, flag, "give a file to write, or - for stdout")
    if out != "-" and (out.endswith(("/", os.sep)) or Path(out).is_dir()):
        raise ConfigError(f"{out}: is a folder, not a file to write")
    not_packed(out, who, hint, packed)


def unnamed_inputs(inputs: Iterable[str]) -> list[str]:
    """Why each input that names no file to read (mistyped, a glob that matches nothing, an empty folder, one named
    twice) is rejected: a `bad_input` rejection like any other, which the command also says on stderr
    (`say_unnamed`), where "1 document read, 0 kept" hid it."""
    return [source.detail for source in input_sources(inputs) if isinstance(source, Rejected)]


def say_unnamed(command: str, details: Iterable[str]) -> None:
    """One line on stderr for each of `unnamed_inputs` (a file name's line break or escape character shown as such)."""
    for detail in details:
        print(f"cleaner {command}: {one_line(detail)} (input rejected as bad_input)", file=sys.stderr)


SHORT_TEXT_LOADS = 24
"""Most loads of a language's models by lingua's shortlists (`lang.lingua_loads`) that a command makes without
`say_short_texts`' hint, whatever its document count (each load ~0.1-0.4 s of CPU, with the machine)."""
SHORT_TEXT_SHARE = 0.01
"""Most such loads per document read without the hint: all 20,168 MasakhaNEWS articles (16 languages) made 34 with
the default backend on one worker or two (0.0017 a document), 400 snippets of 1-4 words of them (25 a language) 470."""


def say_short_texts(loads_before: int, documents: int, budget: int) -> None:
    """One line on stderr when lingua's shortlists loaded language models more than `SHORT_TEXT_LOADS` times, and
    more than `SHORT_TEXT_SHARE` a document of `documents`, since `lingua_loads()` was `loads_before`: short texts
    fastText was unsure of, in many languages, whose models were unloaded and loaded again, which a budget (`budget`,
    the config's `lingua_budget`) that holds every language lingua knows, or a faster backend, avoids (README "A
    corpus of short texts"). Under such a budget no model is loaded twice: nothing is said."""
    loads = lingua_loads() - loads_before
    if loads <= max(SHORT_TEXT_LOADS, SHORT_TEXT_SHARE * documents) or budget >= (every := len(lingua_codes())):
        return
    print(f"cleaner: lingua loaded language models {loads:,} times for short texts fastText was unsure of; for a "
          f"corpus of short texts, --lingua-budget {every} gives the same answers several times faster in ~1 GB, "
          "and --lang-backend 'cld2+fasttext>lingua-low~5' is an order of magnitude faster (README \"A corpus of "
          "short texts\")", file=sys.stderr)
