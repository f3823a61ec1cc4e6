"""Loading rule packs: YAML files of rules, validated before any document is read.

A pack is a mapping with a `rules:` list, an optional `description:` and an optional `order:`
(default 100). Packs run by `order`, ties in load order: the shipped packs sorted by file name,
then the user's folders or files in the order given. Any problem stops the load with one
`RulePackError` naming the file, the line, the rule id and the field.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from .config import Config, ConfigError, warn, with_value
from .escapes import too_many_digits
from .io.names import loops, real
from .kinds import KINDS, Rule
from .kinds.base import shown
from .kinds.coverage import uncovered
from .kinds.patterns import pack_budget, save_compiled
from .kinds.shape import ShapeRule


class RulePackError(ValueError):
    """A rule pack that cannot be used; the message names the file, the rule and the field."""

    def __init__(self, file: str, message: str, rule: str | None = None, field: str | None = None, line: int | None = None,
                 column: int | None = None):
        self.file, self.rule, self.field, self.line = file, rule, field, line
        where = f"{file}:{line}:{column}" if line and column else f"{file}:{line}" if line else file
        parts = [where]
        if rule:
            parts.append(f"rule {shown(rule)}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + ": " + message)


class UnknownRulesError(ConfigError):
    """Ids of `disabled_rules` (`ids`) that no loaded rule has; `said(origin)` names where each came from."""

    def __init__(self, ids: tuple[str, ...], origin: Callable[[str], str] = lambda _: "disabled_rules") -> None:
        self.ids = ids
        super().__init__(self.said(origin), "disabled_rules")

    def said(self, origin: Callable[[str], str]) -> str:
        """The message, the ids grouped by `origin(id)` (`--disable-rule`, `disabled_rules in c.toml`)."""
        by: dict[str, list[str]] = {}
        for rule_id in self.ids:
            by.setdefault(origin(rule_id), []).append(rule_id)
        return "; ".join(f"{where}: no loaded rule has the id {', '.join(map(repr, ids))}"
                         for where, ids in by.items()) + " (`cleaner rules list` names them)"


@dataclass(frozen=True, eq=False)
class RuleSet:
    """The loaded rules in the order they run (by phase, then load order), and what they came from. Compared and
    hashed as the object it is (a pipeline is built once per rule set, `api.pipeline_for`)."""

    rules: tuple[Rule, ...]
    files: tuple[str, ...]
    digests: tuple[str, ...]
    """The SHA-256 of each file's bytes as they were read: what a run's manifest names (a pack edited since is not
    what was applied)."""
    places: dict[str, str]
    """Each rule's id -> the file and line that define it (`rules/fr.yaml:395`), in load order: file by file, as
    each file lists its rules."""
    disabled: tuple[Rule, ...] = ()
    """The rules loaded and validated but not run (`Config.disabled_rules`), in load order; not in `rules`."""

    def in_load_order(self) -> list[Rule]:
        """The rules file by file, as each file lists them (`rules` is in run order: by phase first)."""
        by_id = {rule.id: rule for rule in self.rules}
        return [by_id[rule_id] for rule_id in self.places if rule_id in by_id]  # not a disabled one

    def by_id(self, rule_id: str) -> Rule:
        """The rule with that id."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def shipped_packs() -> list[Path]:
    """The packs shipped with cleaner (the repo's `rules/`, installed as `cleaner.rulepacks`), by their real path: in
    a checkout, `rules/fr.yaml`, the file a user edits (its messages named `cleaner/rulepacks/fr.yaml`, the link)."""
    return sorted(path for path in Path(_shipped_folder()).iterdir() if _shipped_name(path.name))


def _shipped_name(name: str) -> bool:
    """Whether a file of the shipped packs' folder is a pack (as `*.yaml` globs them: hidden ones too)."""
    return name.endswith(".yaml")


def _pack_name(name: str) -> bool:
    """Whether a file of a `rules_dirs` folder is a pack: `.yaml`/`.yml` (any case), not hidden (`pack_files`)."""
    return name.lower().endswith((".yaml", ".yml")) and name[0] != "."


def pack_files(paths: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Expand folders into their `.yaml`/`.yml` files (any case), sorted, but for hidden ones (`.#a.yaml`, an
    editor's lock or backup, as a shell's `*.yaml` leaves them out); keep files as given. A folder without one is an
    error: its packs would be missing without a word; so is anything by a pack's name that is not a regular file (a
    broken link, a FIFO), in a folder or given."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if _pack_name(p.name))
            if not found:
                raise RulePackError(str(path), "no rule pack in this folder (a pack is a .yaml or .yml file)")
            for p in found:
                if not p.is_file():
                    raise RulePackError(str(p), _not_a_file(p))
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise RulePackError(str(path), _not_a_file(path))
    return out


def _not_a_file(path: Path) -> str:
    """What `path`, which is no regular file, is instead, as a reason it is no rule pack."""
    if path.is_symlink() and not path.exists():
        what = "a symbolic link loop" if loops(path) else "a broken symbolic link"
        return f"{what} (to {os.readlink(path)}), not a rule pack file"
    if not path.exists():
        return "no such rule pack file or folder"
    mode = path.stat().st_mode
    what = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    return f"{what}, not a rule pack file" + (" (pack folders are not read recursively)" if what == "a folder" else "")


def load_rules(config: Config) -> RuleSet:
    """Load the shipped packs (unless `default_rules` is off) and the config's `rules_dirs`; in a worker, the rule set
    its parent handed over for `config` (`hand_over`)."""
    if (handed := _HANDED.get(config)) is not None:
        return handed
    try:
        return _kept_files(config)
    except UnknownRulesError as exc:  # named here, where what gave each id is known: the config file's by its name
        raise UnknownRulesError(exc.ids, config.disabled_by) from None


def _kept_files(config: Config) -> RuleSet:
    """The packs of `config` loaded and checked (`load_files`), kept beside the store of compiled patterns
    (`kinds.compiled`) for the next process when they are the shipped packs alone: a process that finds it unpickles
    the checked rule set (~7 ms) instead of reading and validating the packs again (~0.2 s of CPU with the store: a
    fifth of a `cleaner clean` of one record). It is found under a key of what checking depends on (`_kept_path`); a
    file that cannot be read, whose checksum does not hold or that does not unpickle is passed over and written
    anew. A user's packs are checked at every load, as they are edited."""
    files, shipped = _config_packs(config)
    path = _kept_path(config) if files and len(files) == shipped else None
    if path is not None:
        with suppress(Exception):  # missing, damaged (its checksum), or of a class since changed: loaded anew
            data = _own_bytes(path)
            if data[:16] == hashlib.blake2b(data[16:], digest_size=16).digest():
                if isinstance(kept := pickle.loads(data[16:]), RuleSet):
                    return kept
    rules = load_files(files, shipped, config.disabled_rules)
    if path is not None:
        from .io.writers import write_atomic

        with suppress(OSError):
            data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, hashlib.blake2b(data, digest_size=16).digest() + data)
            _prune_kept(path.parent)
    return rules


def _kept_path(config: Config) -> Path | None:
    """Where `_kept_files` keeps the rule set of `config`: beside the store of compiled patterns (none without one),
    named by the packs' paths, sizes and change times (`file_stamps`), the disabled ids, the store's own name (Python,
    `regex` and `patterns.py`), PyYAML's and pydantic's versions, and the stamps of cleaner's own modules as this
    process imported them (`_CODE`)."""
    import pydantic

    from .kinds import patterns

    if patterns.STORE.path is None or _CODE is None:
        return None
    try:
        stamps = file_stamps(config)
    except OSError:
        return None
    key = repr((patterns.STORE.path.name, yaml.__version__, pydantic.VERSION, config.disabled_rules, stamps,
                _CODE)).encode()
    return patterns.STORE.path.with_name(f"rules-{hashlib.blake2b(key, digest_size=8).hexdigest()}.pickle")


KEPT_RULE_SETS = 8
"""Kept rule sets a cache folder holds at most (~0.6 MB each), the most recently written: each edit of a pack or
cleaner's code, each other list of disabled ids, makes a new one."""


def _prune_kept(folder: Path) -> None:
    """Remove all but the `KEPT_RULE_SETS` most recently written kept rule sets of `folder` (one gone meanwhile, or
    that cannot be removed, is passed over)."""
    dated = []
    for path in folder.glob("rules-*.pickle"):
        with suppress(OSError):
            dated.append((path.stat().st_mtime_ns, path.name, path))
    for *_, path in sorted(dated, reverse=True)[KEPT_RULE_SETS:]:
        with suppress(OSError):
            path.unlink()


def _own_bytes(path: Path) -> bytes:
    """The bytes of `path`, a file of this user's that no one else may write (unpickling runs what a pickle says: a
    cache folder shared with others, a CI cache or a volume, must not hand this process a rule set of theirs)."""
    with open(path, "rb") as fh:
        found = os.fstat(fh.fileno())
        if (hasattr(os, "getuid") and found.st_uid != os.getuid()) or found.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise PermissionError(f"{path}: not this user's own")
        return fh.read()


def _code_stamps() -> tuple[tuple[str, int, int, int], ...] | None:
    """The stamps of cleaner's own modules, which check the packs, as this process imported them (None if one cannot
    be read): a process that imported cleaner before it was upgraded or edited must not keep what its old code checked
    under the new code's key."""
    folder = Path(__file__).resolve().parent
    try:
        return tuple(sorted(_stamp(os.path.join(where, name), os.stat(os.path.join(where, name)))
                            for where, _, names in os.walk(folder) for name in names if name.endswith(".py")))
    except OSError:
        return None


def _config_packs(config: Config) -> tuple[list[Path], int]:
    """The pack files `load_rules(config)` reads, and how many of them (the first) are shipped."""
    shipped = shipped_packs() if config.default_rules else []
    return shipped + pack_files(config.rules_dirs), len(shipped)


def file_digests(config: Config) -> list[list[str]]:
    """Each pack file `load_rules(config)` reads, by name, with the SHA-256 of its bytes as they are now, without
    loading it: enough to tell that a finished run was made with these packs (~0.4 s of CPU less than loading)."""
    return [[path.name, hashlib.sha256(_read_bytes(path)).hexdigest()] for path in _config_packs(config)[0]]


def file_stamps(config: Config) -> tuple[tuple[str, int, int, int], ...] | None:
    """Each pack file `load_rules(config)` may read, by absolute path, with its size and change times as they are now:
    a key that changes when a pack is edited, added or removed, or a relative folder names another from another
    working folder (cheaper than `file_digests`: no pack is read; read with `os.scandir`, not `pack_files`' paths,
    ~0.07 ms for the shipped packs against 0.18, at each `clean()` call). A folder or file that cannot be read is
    `pack_files`' error. None when the rules are the ones handed over (`hand_over`), whatever the files hold now."""
    if config in _HANDED:
        return None
    stamps: list[tuple[str, int, int, int]] = []
    try:
        folders = [(_shipped_folder(), _shipped_name)] if config.default_rules else []
        for where, is_pack in folders + [(os.path.abspath(path), _pack_name) for path in config.rules_dirs]:
            if not os.path.isdir(where):
                stamps.append(_stamp(where, os.stat(where)))
                continue
            with os.scandir(where) as entries:
                stamps += [_stamp(entry.path, entry.stat()) for entry in entries if is_pack(entry.name)]
    except OSError:
        _config_packs(config)  # says which, as loading would
        raise
    return tuple(sorted(stamps))


def _stamp(path: str, found: os.stat_result) -> tuple[str, int, int, int]:
    """`path` with its size and change times (`found`): what tells a file edited since."""
    return path, found.st_size, found.st_mtime_ns, found.st_ctime_ns


@lru_cache(maxsize=1)
def _shipped_folder() -> str:
    """The real path of the folder of the shipped packs (`shipped_packs`)."""
    return str(Path(str(resources.files("cleaner.rulepacks"))).resolve())


_HANDED: dict[Config, RuleSet] = {}


def hand_over(config: Config, rules: RuleSet) -> None:
    """Make `load_rules(config)` in this process (a worker) give `rules`, which its parent loaded and validated: the
    workers then apply the very packs the run checked and fingerprinted (not a pack edited since), and none spends
    its start loading and validating them again (~0.4 s of CPU; the patterns a worker needs compile when first used)."""
    _HANDED[config] = rules


def load_files(files: list[Path], shipped: int = 0, disabled: tuple[str, ...] = ()) -> RuleSet:
    """Load and validate the given pack files, each once, into one rule set; ids must be unique across them, those
    of the `disabled` rules (`Config.disabled_rules`) too, which are set apart. The first `shipped` files are packs
    shipped with cleaner (`Rule.shipped`)."""
    rules: list[tuple[int, Rule]] = []
    seen: dict[str, str] = {}  # id -> the file and line that defined it
    given: dict[Path, Path] = {}
    digests: list[str] = []
    try:
        for k, path in enumerate(files):
            if (key := real(path)) in given:  # its first id was "already defined" in itself
                first = "" if str(given[key]) == str(path) else f" (first as {given[key]})"  # not the same path twice
                raise RulePackError(str(path), f"this pack is loaded twice{first}: give each pack once (a folder or a "
                                    "file in it, not both; the shipped packs load unless --no-default-rules)")
            given[key] = path
            text, digest = _read(path)
            digests.append(digest)
            order, located = _load_pack(text, str(path), k < shipped)
            _unique_ids(located, str(path), seen, disabled)
            rules.extend((order, rule) for rule, _ in located)
    finally:
        save_compiled()  # the patterns checked, for the next process
    if unknown := [rule_id for rule_id in disabled if rule_id not in seen]:
        raise UnknownRulesError(tuple(unknown))
    off = [rule for _, rule in rules if rule.id in disabled]
    # stable: load order on ties
    ordered = [rule for _, rule in sorted(rules, key=lambda r: (type(r[1]).phase, r[0])) if rule.id not in disabled]
    if said := unscoped_shapes(ordered, seen):  # of the rules that run: a disabled `shape` replaces none
        warn(said)
    return RuleSet(tuple(ordered), tuple(str(p) for p in files), tuple(digests), seen, tuple(off))


def unscoped_shapes(rules: Iterable[Rule], places: dict[str, str]) -> str | None:
    """What to warn of when a user's `shape` rule without `sources` is loaded with another, at its place (`places`,
    id -> file and line): it replaces none (only one with `sources` replaces the unscoped ones, on its hosts), and all
    of them ran, one after the other, without a word; the shipped one, when it is among them, leaves with
    `--no-default-rules`."""
    unscoped = [r for r in rules if isinstance(r, ShapeRule) and not r.sources]
    if len(unscoped) < 2 or not (mine := [r.id for r in unscoped if not r.shipped]):
        return None
    others = [r.id for r in unscoped if r.id not in mine]
    if not others:  # the user's own, all of them (two of a pack, or the shipped packs given as a path)
        return (f"{places[mine[0]]}: the shape rules {', '.join(mine)} have no `sources`, so none replaces another: "
                "each runs, one after the other; give them `sources:` to scope each to its hosts, or keep one")
    said = ("the shape rule {} has no `sources`, so it replaces" if len(mine) == 1 else
            "the shape rules {} have no `sources`, so they replace").format(", ".join(mine))
    them = "it" if len(mine) == 1 else "them"
    return (f"{places[mine[0]]}: {said} no shape rule: {', '.join(others)} runs as well; give {them} `sources:` to "
            f"replace the unscoped ones on those hosts, or load without the shipped packs (--no-default-rules) for "
            f"{them} to run alone")


def check_notes(rules: Iterable[Rule], loaded: Iterable[Rule], places: dict[str, str]) -> list[str]:
    """What `rules check` notes of a pack's `rules` (at their `places`) checked with the `loaded` ones (the shipped
    packs, the service's rules): a rule with the id of a loaded one and not that rule, which it is checked in place of,
    and `unscoped_shapes` of them together. The CLI printed them and the service left them out."""
    rules, loaded = list(rules), list(loaded)
    by_id, mine = {r.id: r for r in loaded}, {r.id for r in rules}
    notes = [_same_id(rule.id, by_id[rule.id].shipped)
             for rule in rules if rule.id in by_id and rule not in loaded]  # not a loaded rule as it is
    if said := unscoped_shapes([*rules, *(r for r in loaded if r.id not in mine)], places):  # where they run together
        notes.append(said)
    return notes + [note for rule in rules if (note := _requires_gap(rule, places))]


def _requires_gap(rule: Rule, places: dict[str, str]) -> str | None:
    """`check_notes`' note of a rule whose pattern may match a text that holds none of its `requires` strings
    (`kinds.coverage.uncovered`): on such a text it is not tried, so that branch of it never fires alone."""
    if not rule.requires or not isinstance(getattr(rule, "pattern", None), str):
        return None
    text = uncovered(rule.compiled.pattern, rule.requires)
    return text and (f"{places.get(rule.id, rule.id)}: {rule.id}: its pattern may match a text that holds none of its "
                     f"`requires` strings, such as {shown(text)} (… for any text, as `requires` strings are looked "
                     "for: case-folded, a run of spaces one space): the rule is not tried on a text without them; add "
                     "a string such a text holds to `requires`")


def _same_id(rule_id: str, shipped: bool) -> str:
    """`check_notes`' note of a checked rule of `rule_id`, the id of a loaded rule (a `shipped` one, or one of the
    config's own packs: it was said to be a shipped rule's)."""
    what, pack = ("a shipped rule", "the shipped pack") if shipped else ("a loaded rule", "its pack")
    return (f"{rule_id} has the id of {what}: checked in its place (the review's ⚑ snippet); `clean` refuses two rules "
            f"of one id: edit {pack}, or give the rule an id of its own")


def _read(path: Path) -> tuple[str, str]:
    """The pack's text, its line ends made `\n` (as `read_text` makes them), and the SHA-256 of its bytes."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:  # at its line and column: "byte 57" was for a reader to count to
        before = exc.object[: exc.start].decode("utf-8")
        line, column = _line_column(before, len(before))
        raise RulePackError(str(path), f"not UTF-8 text (byte {exc.start}, 0x{exc.object[exc.start]:02x}): save the pack "
                            "as UTF-8", line=line, column=column) from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), hashlib.sha256(data).hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RulePackError(str(path), exc.strerror or str(exc)) from None


def _unique_ids(located: list[tuple[Rule, int | None]], name: str, seen: dict[str, str],
                disabled: tuple[str, ...] = ()) -> None:
    """A RulePackError at the line of the first rule of pack `name` whose id `seen` (id -> the file and line
    that defined it) holds already (`_duplicate`); the others' ids are added to it."""
    for rule, line in located:
        if rule.id in seen:
            alias = (f" ({line.alias} here is an alias of the rule at line {line.of})"
                     if isinstance(line, _AliasLine) else "")
            raise RulePackError(name, _duplicate(seen[rule.id], rule.id in disabled) + alias, rule.id, "id", line)
        seen[rule.id] = f"{name}:{line}" if line else name


def _duplicate(place: str, disabled: bool) -> str:
    """Why a rule's id is refused: a rule at `place` has it, one that is `disabled` (`disabled_rules`) too, which was
    not said: the run seemed to refuse an id that no rule it ran had."""
    said = " (disabled: a disabled rule keeps its id; give yours another)" if disabled else ""
    return f"duplicate id, already defined in {place}{said}"


def refuse_disabled_ids(rules: Iterable[Rule], places: dict[str, str], loaded: RuleSet) -> None:
    """A RulePackError, as `load_files` raises it, at the first of `rules` (at their `places`) that has the id of a rule
    `loaded` disables and is not that rule: `rules check` passed such a pack, checked with the rules that run, and a
    run with the same config refused it."""
    off = {rule.id: rule for rule in loaded.disabled}
    for rule in rules:
        if rule.id in off and rule != off[rule.id]:
            raise RulePackError(places[rule.id], _duplicate(loaded.places[rule.id], True), rule.id, "id")


def load_pack_text(text: str, name: str) -> list[Rule]:
    """Parse and validate one pack's YAML text, its ids unique as `load_files` has them; `name` is used in error
    messages."""
    return load_text(text, name).in_load_order()


def load_text(text: str, name: str) -> RuleSet:
    """One pack's YAML text loaded as `load_files` loads a file named `name` (the name its messages and `places`
    use), without the file."""
    located, places = _load_pack(text, name)[1], {}
    _unique_ids(located, name, places)
    ordered = sorted((rule for rule, _ in located), key=lambda r: type(r).phase)
    return RuleSet(tuple(ordered), (name,), (hashlib.sha256(text.encode("utf-8")).hexdigest(),), places)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML has it (several times faster: every worker loads the packs), with merge keys
    read as YAML's spec has them whatever PyYAML's version: a mapping's own keys win over merged ones, and of a list
    of merged mappings (`<<: [*a, *b]`) the first's keys win. PyYAML 6.0.4 let the last win: the same pack gave
    its rule another id than under 6.0.3 (a fresh install's test suite failed; a QA pass found it)."""

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """`node`'s merge keys replaced by the keys they merge, put before its own so that later keys win as the
        mapping is built: a later merged mapping before an earlier one."""
        merges, own = [], []
        for key, value in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                merges.append(value)
                continue
            if key.tag == "tag:yaml.org,2002:value":
                key.tag = "tag:yaml.org,2002:str"
            own.append((key, value))
        node.value = own  # its merge keys gone before a merged mapping is flattened: one may be this one (`<<: *self`)
        merged = []
        for value in merges:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in reversed(sources):
                if not isinstance(source, yaml.MappingNode):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"expected a mapping or list of mappings for merging, but found {source.id}", source.start_mark)
                self.flatten_mapping(source)
                merged.extend(source.value)
        node.value = merged + own


def _load_pack(text: str, name: str, shipped: bool = False) -> tuple[int, list[tuple[Rule, int | None]]]:
    text = unicodedata.normalize("NFC", text)  # as the rules read a text: a pattern saved decomposed never matched
    try:
        node, data = _parsed(text, name, shipped)
    except RulePackError:  # a key given twice: a ValueError, but no YAML error
        raise
    except yaml.reader.ReaderError as exc:  # a character YAML refuses; its message is two lines, with an offset
        line, column = _line_column(text, exc.position)
        raise RulePackError(name, f"YAML error: unacceptable character #x{exc.character:04x}: {exc.reason}",
                            line=line, column=column) from None
    except UnicodeEncodeError as exc:  # a lone surrogate (a service's `"\ud800"`), which libyaml, read in UTF-8, met
        line, column = _line_column(text, exc.start)  # as "'utf-8' codec can't encode character '\ud800' in position 8"
        raise RulePackError(name, f"YAML error: unacceptable character #x{ord(text[exc.start]):04x}: a lone surrogate, "
                                  "which is no Unicode text", line=line, column=column) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark and problem.startswith("found unknown escape character"):  # libyaml's names none
            problem = _unknown_escape(text, mark.index)
        if mark and text[mark.index : mark.index + 1] == "\t" and "tab" not in problem:
            problem += " (a tab: YAML indents with spaces only)"
        if mark and (start := getattr(exc, "context_mark", None)) and start.index != mark.index and exc.context:
            if text[mark.index :].strip():  # found where it is; what YAML was reading, which began before, said too
                problem += f" ({exc.context} at {start.line + 1}:{start.column + 1})"
            else:  # found at the end of the text (a quote never closed): named where what YAML was reading began
                problem, mark = f"{exc.context}: {problem} (at {mark.line + 1}:{mark.column + 1})", start
        raise RulePackError(name, f"YAML error: {problem}", line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None) from None
    except (ValueError, RecursionError) as exc:  # YAML that Python will not hold: an integer of over 4,300 digits, deep nesting
        said = isinstance(exc, ValueError) and too_many_digits(exc, "a YAML integer")
        raise RulePackError(name, f"YAML error: {said or exc or 'nested too deeply'}") from None
    extra = [key for key in data if key not in ("rules", "description", "order")] if isinstance(data, dict) else []
    if extra:  # before the missing `rules:`, which a misspelt `rule:` leaves
        line = next((k.start_mark.line + 1 for k, _ in node.value if getattr(k, "value", None) == str(extra[0])), None)
        raise RulePackError(name, f"unknown top-level key {shown(extra[0])} (allowed: rules, description, order)", line=line)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulePackError(name, "a rule pack is a mapping with a `rules:` list", field="rules",
                            line=_key_line(node, "rules"))
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise RulePackError(name, f"order must be a whole number, got {shown(order)}", field="order",
                            line=_key_line(node, "order"))
    lines = _item_lines(node, text)
    located = [(item, lines[i] if i < len(lines) else None) for i, item in enumerate(data["rules"])]
    with pack_budget():
        return order, [(_build(item, name, line, i, shipped), line) for i, (item, line) in enumerate(located)]


def _parsed(text: str, name: str, shipped: bool = False) -> tuple[Any, Any]:
    """The YAML text's node tree (lines and duplicate keys are read from it) and the data built from that tree, parsed
    once (`yaml.compose` and then `yaml.load` parsed it twice). Its keys are checked before the data is built: building
    a mapping with a merge key (`<<: *r1`) puts the merged keys into its node, where a key the mapping overrides (as
    YAML has it) was then refused as given twice. A pack not `shipped` is first read for its depth (`_not_too_deep`)."""
    if not shipped:
        _not_too_deep(text, name)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        _refuse_duplicate_keys(node, name)
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


MAX_PACK_DEPTH = 500
"""A user's pack nested deeper (lists or mappings inside each other) is refused before its tree is built: libyaml
builds it by recursion in C, which crashed the process, the service with it, at some 20,000 levels (a segmentation
fault; fewer in a thread of a smaller stack). A rule pack is some five deep; the shipped packs, read by every command,
are not read for it. Under libyaml's own limit, where it has one (PyYAML 6.0.4's refuses 1,000 levels, "exceeded
maximum nesting depth"), so the refusal says the same whatever PyYAML is installed."""


def _not_too_deep(text: str, name: str) -> None:
    """A RulePackError at the first list or mapping of `text` nested over `MAX_PACK_DEPTH` deep, read from its YAML
    events (libyaml reads them without recursion, in half the time building the tree takes)."""
    loader, depth = _Loader(text), 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent) and (depth := depth + 1) > MAX_PACK_DEPTH:
                raise _too_deep(name, event.start_mark)
            depth -= isinstance(event, yaml.CollectionEndEvent)
    except yaml.MarkedYAMLError as exc:  # PyYAML 6.0.4's libyaml stops at 1,000 levels itself, reading `[[[…` ahead
        if "maximum nesting depth" not in str(exc.problem) or exc.problem_mark is None:
            raise
        raise _too_deep(name, exc.problem_mark) from None
    finally:
        loader.dispose()


def _too_deep(name: str, mark: Any) -> RulePackError:
    """The refusal of a pack nested over `MAX_PACK_DEPTH` deep, at `mark`: where it went past, or where libyaml
    stopped reading ahead (its own limit)."""
    return RulePackError(name, f"YAML error: nested over {MAX_PACK_DEPTH:,} levels deep (a pack is some five)",
                         line=mark.line + 1, column=mark.column + 1)


def _line_column(text: str, position: int) -> tuple[int, int]:
    """The line and column (from 1) of the character at `position` of `text`."""
    start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - start + 1


def _refuse_duplicate_keys(node: Any, name: str) -> None:
    """A RulePackError for a key given twice in one mapping (YAML keeps the last without a word)."""
    todo, seen_nodes = [node] if node is not None else [], set()
    while todo:  # not recursive: a deeply nested pack is not a reason to fail here
        node = todo.pop()
        if id(node) in seen_nodes:  # an alias: checked once (a recursive one was walked forever, nested ones a billion times)
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    if (key.tag, key.value) in seen:
                        raise RulePackError(name, f"key {shown(key.value)} given twice in one mapping (the first would "
                                            "be dropped without a word)", line=key.start_mark.line + 1,
                                            column=key.start_mark.column + 1)
                    seen.add((key.tag, key.value))
            todo.extend(v for pair in node.value for v in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)


class _AliasLine(int):
    """The line of a rule written as an alias (`- *r1`), with the alias and the line of the rule it repeats: its node is
    the anchored rule's, which has that rule's line (a duplicate id by an alias named the first rule's line twice)."""

    alias: str
    of: int


def _key_line(node: Any, key: str) -> int | None:
    """The line of the pack's top-level `key:`, if it has one: its value, read from the data built, has no line of its
    own (`order: "5"` was named by the file alone, where a rule's field is named at its rule's line)."""
    if isinstance(node, yaml.MappingNode):
        return next((k.start_mark.line + 1 for k, _ in node.value if getattr(k, "value", None) == key), None)
    return None


def _item_lines(node: Any, text: str) -> list[int]:
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
            lines, end = [], value.start_mark.index
            for item in value.value:
                if item.start_mark.index < end:  # it stands before the end of the item before it: an alias
                    return _alias_lines(text, [item.start_mark.line + 1 for item in value.value])
                lines.append(item.start_mark.line + 1)
                end = item.end_mark.index
            return lines
    return []


def _alias_lines(text: str, lines: list[int]) -> list[int]:
    """`lines`, the node lines of the `rules:` items, with each alias item's line read from the YAML events (the nodes
    keep no trace of an alias): read again, only for a pack with such an item."""
    out, depth, at_key, after_rules, in_rules = [], 0, True, False, False
    loader = _Loader(text)
    try:
        while (event := loader.get_event()) is not None and not isinstance(event, yaml.StreamEndEvent):
            if isinstance(event, yaml.NodeEvent):
                if depth == 2 and in_rules:
                    line = event.start_mark.line + 1
                    if isinstance(event, yaml.AliasEvent) and len(out) < len(lines):
                        line = _AliasLine(line)
                        line.alias, line.of = f"*{event.anchor}", lines[len(out)]
                    out.append(line)
                elif depth == 1:  # a top-level key or its value
                    if at_key:
                        after_rules = isinstance(event, yaml.ScalarEvent) and event.value == "rules"
                    else:
                        in_rules = after_rules and isinstance(event, yaml.SequenceStartEvent)
                    at_key = not at_key
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()
    return out if len(out) == len(lines) else lines


def _build(item: Any, name: str, line: int | None, index: int, shipped: bool) -> Rule:
    if not isinstance(item, dict):
        raise RulePackError(name, f"rule #{index + 1} is not a mapping", line=line)
    rule_id = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        msg = "missing" if kind is None else f"unknown kind {shown(kind)}"
        raise RulePackError(name, f"{msg}; known kinds: {', '.join(sorted(KINDS))}", rule_id, "kind", line)
    _no_control(item, name, rule_id, line)
    try:
        return KINDS[kind].model_validate(item, context={"shipped": shipped})
    except ValidationError as exc:
        found = exc.errors()
        errors = _of_the_branch_given([e for e in found if not _follows(e, found)])
        # of a union (an example: a string or a mapping), the error that is not "not a string"
        err = next((e for e in errors if e["type"] != "string_type"), errors[0])
        if err["type"] == "missing":  # misspelt (`patern`)? "'pattern': Field required" did not show the name written
            err = next((e for e in errors if e["type"] == "extra_forbidden"), err)
        loc, nth = tuple(p for i, p in enumerate(err["loc"]) if not _is_branch(err["loc"], i)), None
        if loc and isinstance(loc[-1], int):  # `phrases.0`: the field, and its item 1, as the pack counts
            loc, nth = loc[:-1], loc[-1] + 1
        field = _field_name(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "tuple_type":  # "Input should be a valid tuple": a Python word for what a pack writes as a list
            msg = f"should be a list ([a, b], or an `- item` a line), got {shown(err['input'])}"
        elif err["type"] in ("model_type", "dict_type"):  # "a valid dictionary or instance of Examples": Python's words
            msg = f"should be a mapping ({{a: b}}, or a `key: value` a line), got {shown(err['input'])}"
        elif err["type"] == "too_short" and isinstance(err["input"], list | tuple):  # "Tuple should have … after validation"
            msg = f"should list at least {err['ctx']['min_length']} item(s), got {err['ctx']['actual_length']}"
        elif err["type"] == "string_too_short":  # "String should have at least 3 characters", not the value given
            msg = f"should be at least {err['ctx']['min_length']} characters long, got {shown(err['input'])}"
        elif err["type"] == "string_pattern_mismatch" and err["loc"] == ("id",):  # the pattern alone, in regex
            msg = (f"should be lower-case letters, digits, '.', '_' and '-', starting with a letter or a digit "
                   f"('fr.read-also'), got {shown(err['input'])}")
        elif said := with_value(err, shown):
            msg = said
        if err["type"] == "string_type" and (read := _YAML_TYPES.get(type(err["input"]))):
            msg += f" (YAML read it as {read}: quote it)"
        if err["type"] == "extra_forbidden":  # in an example's mapping too (`cleaned:`): the keys it takes
            where = f"a {kind!r} rule" if len(loc) == 1 else repr(_field_name(loc[:-1]))
            msg += f" ({where} takes: {', '.join(_model_at(KINDS[kind], loc).model_fields)})"
        if err["loc"][-1:] == ("str",) and _is_branch(err["loc"], len(err["loc"]) - 1):  # a remove example, neither
            msg = msg.replace("should be a valid string",
                              "should be a string or a mapping of text, clean, fields and author", 1)
        if nth is not None:
            msg = f"item {nth} {msg}"
        raise RulePackError(name, msg, rule_id, field, line) from None


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""A C0 control character but a tab and a line break: no text the rules read holds one (a reader makes a vertical tab
or a form feed a line break, `io.decoding.repair`)."""

_YAML_ESCAPES = {"\x00": ("\\0", "a null"), "\x07": ("\\a", "a bell"), "\x08": ("\\b", "a backspace"),
                 "\x0b": ("\\v", "a vertical tab"), "\x0c": ("\\f", "a form feed"), "\x1b": ("\\e", "an escape")}
"""The controls YAML's double quotes make of an escape of their own: the escape and what the control is. Only `\\b`
means another thing single-quoted (a word boundary); `\\a` `\\f` `\\v` `\\0` would match the same control, `\\e` is
no regex."""

_SINGLE_QUOTES = "write the pattern in single quotes"


def _no_control(item: dict, name: str, rule_id: str, line: int | None) -> None:
    """A RulePackError for a string of the rule's parameters (its description and examples aside) holding a `_CONTROL`
    character: `pattern: "\\bZorglub\\b"` in double quotes held two backspaces; the rule loaded and never matched."""
    for field, value in item.items():
        if field in ("description", "examples"):
            continue
        items = value if isinstance(value, list) else [value]
        for nth, text in enumerate(items, start=1):
            if isinstance(text, str) and (found := _CONTROL.search(text)):
                char, code = found.group(), f"U+{ord(found.group()):04X}"
                named = f" ({_YAML_ESCAPES[char][1]})" if char in _YAML_ESCAPES else ""
                advice = (f"{_SINGLE_QUOTES if field == 'pattern' else 'write it in single quotes'} "
                          f"('{_as_escapes(text)}')" if char == "\b" else "take it out")
                msg = (f"holds {code}, a control character no text the rules read holds: an escape that YAML read as "
                       f"{code}{named}: {advice}")
                raise RulePackError(name, f"item {nth} {msg}" if isinstance(value, list) else msg, rule_id, field, line)


def _as_escapes(text: str) -> str:
    """`text` single-quoted as YAML reads it, each control of `_YAML_ESCAPES` as the escape that made it."""
    return "".join(_YAML_ESCAPES.get(c, (c,))[0] for c in text).replace("'", "''")


def _unknown_escape(text: str, index: int) -> str:
    """libyaml's "found unknown escape character" at `index` (its backslash; the character after it for PyYAML's
    own reader), said with the escape and what to do."""
    escape = "\\" + text[index + (text[index] == "\\") :][:1]
    return (f"found unknown escape character `{escape}`: YAML's double quotes read a backslash as an escape and know "
            f"no `{escape}`: {_SINGLE_QUOTES} ('{escape}' is read as written)")


def _field_name(loc: tuple) -> str | None:
    """A field's location as a message names it: `examples.remove item 1 fields`, an item by its place as `phrases:
    item 1` (`examples.remove.0.fields` was 0-based)."""
    return "".join(f" item {p + 1}" if isinstance(p, int) else f" {p}" if i and isinstance(loc[i - 1], int)
                   else f".{p}" if i else str(p) for i, p in enumerate(loc)) or None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The model whose mapping holds the last key of `loc` (without union branches): a rule's kind for `pattern`, a
    remove example's for `examples.remove.0.cleaned`."""
    for p in loc[:-1]:
        if isinstance(p, str) and p in model.model_fields:
            model = next(_models(model.model_fields[p].annotation), model)
    return model


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models in a field's type (`RemoveExample` in `tuple[str | RemoveExample, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models(arg)


_YAML_TYPES = {date: "a date", datetime: "a date and time", bool: "a boolean", int: "a number", float: "a number"}
"""What YAML reads an unquoted `2021-03-04`, `yes`, `1.0` as, where a string was meant: said with the advice to quote it
(`fields: {published: 2021-03-04}` was "should be a valid string, got 2021-03-04", which reads as one)."""


def _is_branch(loc: tuple, i: int) -> bool:
    """True if `loc[i]` names a union's branch, not a field: pydantic's location of an error in an item of
    `tuple[str | RemoveExample, ...]` holds the type tried (`examples.remove.0.RemoveExample.fields`)."""
    p = loc[i]
    return (i > 0 and isinstance(loc[i - 1], int) and isinstance(p, str)
            and (p[:1].isupper() or p in ("str", "int", "float", "bool") or "[" in p))


def _of_the_branch_given(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of the errors of a union's branches (a remove example: a string or a mapping), those of the branch the value
    given takes: a mapping's own error (`published: null` in its fields) was hidden by "should be a valid string", and
    a list was "should be a valid dictionary or instance of RemoveExample"."""
    given = {e["loc"][:-1]: isinstance(e["input"], dict) for e in errors
             if e["loc"] and e["loc"][-1] == "str" and _is_branch(e["loc"], len(e["loc"]) - 1)}
    if not given:
        return errors
    kept = [e for e in errors if not any(_is_branch(e["loc"], i) and e["loc"][:i] in given
                                         and (e["loc"][i] == "str") == given[e["loc"][:i]]
                                         for i in range(len(e["loc"])))]
    return kept or errors


def _follows(err: dict[str, Any], errors: list[dict[str, Any]]) -> bool:
    """True for a list's "too short" that only follows from its items' errors: pydantic drops an invalid item and
    then counts the rest (`phrases: [[x]]` was "should list at least 1 item(s), got 0", of a list holding one)."""
    loc = err["loc"]
    return err["type"] == "too_short" and any(len(e["loc"]) > len(loc) and e["loc"][: len(loc)] == loc for e in errors)


_CODE = _code_stamps()
"""`_code_stamps()` when this module was imported (`_kept_path`)."""
