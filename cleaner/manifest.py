"""What a run was made from and what it wrote: `DIR/manifest.json`.

The *fingerprint* names everything the output depends on: cleaner's version, the config (the keys a
run reads, `run_config`), the rule packs (file name and SHA-256 of each), the inputs (path, size,
SHA-256 of each file) and the output options. A rerun with the same fingerprint resumes (or finds the
run already complete); with another one it says what changed. Paths are compared as files, not as
text (`same_path`, an earlier run's relative ones read from the folder it was started in, `cwd`): the same
input, index or rules folder spelt another way, or named from another folder, is the same run. The
worker count is not in it: it does not change the output. The manifest holds no timestamp, so an
interrupted and resumed run writes the same bytes as one that never stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from .config import Config, ConfigError
from .dedup.shingle import NORMALISATION, SHINGLE_HASH
from .io.names import name_text, real
from .io.outputs import OutputError, run_manifest
from .io.readers import input_sources
from .io.writers import OutputFile, sha256_of
from .packs import RuleSet, file_digests, shipped_packs

MANIFEST = "manifest.json"


def input_files(inputs: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Each input file (folders walked, globs expanded, as the readers do) with its size and SHA-256;
    stdin is `{"path": "-"}` and cannot be resumed."""
    return [{"path": "-"} if f == "-" else _input_file(f) for f in input_sources(inputs) if f == "-" or isinstance(f, Path)]


def _input_file(path: Path) -> dict[str, Any]:
    """`path` with its size and SHA-256; one that cannot be read, with why (`unreadable`): the reader rejects
    it as bad input and the run goes on with the others, where the hash stopped the run before it read any."""
    try:
        return {"path": str(path), "bytes": path.stat().st_size, "sha256": sha256_of(path)}
    except OSError as exc:
        return {"path": str(path), "unreadable": exc.strerror or str(exc)}


class InputChangedError(OSError):
    """An input file that is not what the run's fingerprint says once the run has read it: it changed (or went)
    while the run read it, so the records read may be some of one version and some of another, or too few."""


def check_unchanged(fp: dict[str, Any]) -> None:
    """`InputChangedError` naming the first input file whose size or SHA-256 is not what `input_files` gave when the
    run of fingerprint `fp` started (its relative paths read from its `cwd`: a run resumed from another folder).
    Each file is hashed again: about a second for 1 GB."""
    for given in anchored(fp).get("inputs", []):
        if given["path"] == "-":
            continue
        now = _input_file(Path(given["path"]))
        if any(now.get(key) != given.get(key) for key in ("bytes", "sha256", "unreadable")):
            was = "unreadable" if "unreadable" in given else f"{given['bytes']:,} bytes"
            is_now = (f"unreadable ({now['unreadable']})" if "unreadable" in now
                      else "the same size, another content" if now["bytes"] == given.get("bytes")
                      else f"{now['bytes']:,} bytes")
            raise InputChangedError(0, f"changed while the run read it ({was} when it started, {is_now} now): the "
                                       "records read from it may be too few or of two versions, so the run stops "
                                       "before deduplicating, and starts over when run again", given["path"])


def count_records(files: list[dict[str, Any]]) -> int | None:
    """How many records the inputs hold, when that is cheap to know (text, HTML and plain JSONL files:
    their lines); None otherwise. Only for the progress bar's total and ETA."""
    total = 0
    for f in files:
        name = f["path"].lower()
        if "unreadable" in f or name.endswith((".txt", ".html", ".htm")):  # an unreadable file is one rejection
            total += 1
        elif name.endswith((".jsonl", ".ndjson")):
            with open(f["path"], "rb") as fh:
                total += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        else:
            return None
    return total


def fingerprint(config: Config, inputs: Iterable[str | Path], options: dict[str, Any]) -> dict[str, Any]:
    """Everything the output of a run depends on (see the module docstring), the packs as their files are now
    (`file_digests`: a run found complete never loads them; one that goes on names them as it read them,
    `pack_hashes`)."""
    from . import __version__

    return {"version": __version__, "config": run_config(config), "rules": file_digests(config),
            "inputs": input_files(inputs), "options": options, "signing": SIGNED_WITH, "cwd": name_text(os.getcwd())}


SIGNED_WITH = {"normalisation": NORMALISATION, "shingle_hash": SHINGLE_HASH}
"""How this version of cleaner normalises and shingles a text to sign it: a run interrupted under another has
signatures of other shingles, not to be compared with these (a fingerprint without it is of one made before)."""


SERVICE_ONLY = ("max_request_docs",)
"""Config keys only `cleaner serve` reads: a shared config file changed in one made a finished run run again."""
UNSEEN = ("lingua_budget",)
"""Config keys that change what a run costs, never what it writes: a run interrupted goes on with another."""
SWITCHED = {"learn_boilerplate": ("repeated_min_docs", "repeated_min_share"), "shape": ("shape_off_sources",)}
"""Config keys a run reads only with the switch they are listed under on."""


def run_config(config: Config) -> dict[str, Any]:
    """The config values a run's output can depend on, as the fingerprint holds them: all but `SERVICE_ONLY` and
    `UNSEEN`, and the `SWITCHED` keys of a switch that is off."""
    unread = {*SERVICE_ONLY, *UNSEEN,
              *(key for switch, keys in SWITCHED.items() if not getattr(config, switch) for key in keys)}
    return {key: value for key, value in config.model_dump(mode="json").items() if key not in unread}


def pack_hashes(rules: RuleSet) -> list[list[str]]:
    """Each rule pack file's name and SHA-256 as `rules` were read from it, as a manifest's `rules` lists them."""
    return [[Path(f).name, digest] for f, digest in zip(rules.files, rules.digests, strict=True)]


def other_packs(folder: Path, rules: RuleSet, config: Config) -> str | None:
    """When the finished run in `folder` was made with other rules than `rules` (loaded by `config`): other packs
    (`_other_packs`) or other disabled rules (`_other_disabled`: review and diff ran a rule the run disabled, without
    a word), a one-line warning for a command that cleans its dropped documents again (`review`, `diff`), with the
    flags that load the run's rules; else None."""
    manifest = read_manifest(folder) or {}
    if manifest.get("rules") is None:
        return None
    (packs, give), (switched, also, leave) = _other_packs(manifest, rules, config), _other_disabled(manifest, config)
    if not packs and not switched:
        return None
    what = "rule packs" if packs else "rules"
    do = " and ".join(([f"give {' and '.join(give + also)}"] if give + also else []) + leave)
    return (f"warning: {folder} was made with other {what} ({', '.join(packs + switched)}); its dropped documents are "
            f"cleaned again with the {what.split()[-1]} loaded now: {do} to see what it removed")


def _other_packs(manifest: dict[str, Any], rules: RuleSet, config: Config) -> tuple[list[str], list[str]]:
    """How the packs of the run of `manifest` differ from `rules` (each pack, and how), and the flags that load the
    run's. The shipped packs switched on or off since the run are one difference, with the flag that undoes it (each
    of the twenty-odd packs was listed, and only `--rules` or `--config` advised, for a run made with
    `--no-default-rules`)."""
    made_with = manifest["rules"]
    if made_with == pack_hashes(rules):
        return [], []
    made, now = dict(made_with), dict(pack_hashes(rules))
    differ, give = [], []
    if (shipped_then := (manifest.get("config") or {}).get("default_rules", True)) != config.default_rules:
        shipped = {path.name for path in shipped_packs()}
        made, now = ({name: digest for name, digest in packs.items() if name not in shipped} for packs in (made, now))
        differ.append(f"the shipped packs {'not loaded' if shipped_then else 'not in the run'}")
        give.append("--default-rules" if shipped_then else "--no-default-rules")

    def how(name: str) -> str:
        return "changed" if name in made and name in now else "not loaded" if name in made else "not in the run"

    packs = [f"{name} {how(name)}" for name in sorted(made.keys() | now.keys()) if made.get(name) != now.get(name)]
    if packs:
        differ += packs
        give.append("the run's --rules or --config")
    return differ, give


def _other_disabled(manifest: dict[str, Any], config: Config) -> tuple[list[str], list[str], list[str]]:
    """How the rules the run of `manifest` disabled (`disabled_rules`, none in a manifest made before it) differ from
    `config`'s: each rule, and how; the flags that disable the rules it disabled; the advice to run those it ran."""
    then, now = set((manifest.get("config") or {}).get("disabled_rules") or ()), set(config.disabled_rules)
    off, on = sorted(then - now), sorted(now - then)
    return ([f"{rule_id} disabled in the run" for rule_id in off] + [f"{rule_id} disabled now" for rule_id in on],
            [f"--disable-rule {rule_id}" for rule_id in off], [f"do not disable {', '.join(on)}"] if on else [])


def batch_name(out: Path, fp: dict[str, Any]) -> str:
    """The name a run into `out` with fingerprint `fp` gives the documents it adds to the index
    (`DedupIndex.add_batch`): the same when the run is resumed, another for any other run."""
    return hashlib.sha256(f"{real(out)}\n{json.dumps(fp, sort_keys=True)}".encode()).hexdigest()


def finished_batch(out: Path, finished: dict[str, Any], fp: dict[str, Any]) -> str:
    """The batch name (`batch_name`) the finished run in `out`, of manifest `finished`, gave its documents: that of its
    fingerprint, the keys of `fp` it holds. A key cleaner gained since (`cwd`) was not in it: read as null, it named
    another batch, and a run replacing one made before took none of its documents out of the shared index."""
    return batch_name(out, {key: finished[key] for key in fp if key in finished})


def same_path(old: Any, new: Any) -> bool:
    """Whether a path of an earlier run's fingerprint and one of this run's name the same file: the same text, or
    the same real path now (`data/x.jsonl`, its absolute path, or through a symlinked folder: each was another run).
    An earlier run's relative path is read from this folder; from another, the same text still matches."""
    return old == new or (isinstance(old, str) and isinstance(new, str) and "-" not in (old, new)
                          and os.path.realpath(old) == os.path.realpath(new))


def anchored(fp: dict[str, Any]) -> dict[str, Any]:
    """An earlier run's fingerprint `fp` with the relative paths of its inputs, index and `rules_dirs` read from the
    folder it was started in (`cwd`), so that `same_path` compares them with this run's from any folder: the same
    command run from another folder (a cron job) took the same files for others, and with a shared `--index` replaced
    its finished corpus with one of nothing but `already_indexed`. A fingerprint made before `cwd` is as it is."""
    if not isinstance(cwd := fp.get("cwd"), str):
        return fp

    def at(path: Any) -> Any:
        return os.path.join(cwd, path) if isinstance(path, str) and path != "-" and not os.path.isabs(path) else path

    out = dict(fp)
    if isinstance(inputs := fp.get("inputs"), list):
        out["inputs"] = [{**f, "path": at(f.get("path"))} if isinstance(f, dict) else f for f in inputs]
    if isinstance(options := fp.get("options"), dict):
        out["options"] = {**options, "index": at(options.get("index"))}
    if isinstance(config := fp.get("config"), dict) and isinstance(config.get("rules_dirs"), list):
        out["config"] = {**config, "rules_dirs": [at(d) for d in config["rules_dirs"]]}
    return out


def _same_paths(old: Any, new: Any) -> bool:
    """`same_path` of each of two lists of paths (a config's `rules_dirs`)."""
    return old == new or (isinstance(old, list) and isinstance(new, list) and len(old) == len(new)
                          and all(map(same_path, old, new)))


def same_inputs(old: Any, new: Any) -> bool:
    """Whether two fingerprints' `inputs` list the same files in the same order (an interrupted run stored its
    records in its order): each of the same size and SHA-256 (or unreadable alike) at a `same_path`."""
    if not isinstance(old, list) or not isinstance(new, list) or len(old) != len(new):
        return old == new
    return all(a == b or (isinstance(a, dict) and isinstance(b, dict) and {**a, "path": ""} == {**b, "path": ""}
                          and same_path(a.get("path"), b.get("path"))) for a, b in zip(old, new))


@cache
def _defaults() -> dict[str, Any]:
    """The config's defaults as a fingerprint holds values: what a key a fingerprint lacks was, when it was made."""
    return Config.model_construct().model_dump(mode="json")


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The parts of two fingerprints that differ (`rules`, `inputs`, `config`, ...); of `old`'s config, the keys
    `new`'s leaves out (`run_config`) do not count: a run made while they were in it is not one of another config;
    nor do the keys `new`'s adds at their default (a setting cleaner gained since, whose default is what it did).
    The paths of the inputs, the index and `rules_dirs` are compared by `same_path`."""
    old = anchored(old)

    def same(key: str) -> bool:
        was, now = old.get(key), new[key]
        if key == "inputs":
            return same_inputs(was, now)
        if key in ("config", "options") and isinstance(was, dict) and isinstance(now, dict):
            if key == "config":
                was = {k: v for k, v in was.items() if k in now}
                now = {k: v for k, v in now.items() if k in was or v != _defaults().get(k, v)}
            path, alike = ("rules_dirs", _same_paths) if key == "config" else ("index", same_path)
            return {**was, path: None} == {**now, path: None} and alike(was.get(path), now.get(path))
        return was == now

    return [key for key in new if key != "cwd" and not same(key)]


def continued_over(was: dict[str, Any], fp: dict[str, Any]) -> dict[str, Any]:
    """What of an interrupted run's fingerprint `was` differs in `fp`, the run `--continue`d over it: each part that
    changed as `was` had it (of the config, the keys that differ). The manifest lists one per continuation, in order, as
    `continued_from`: the corpus was made partly under those, and the manifest named only the config it finished with
    (a `--min-chars 1500` corpus of shorter texts, said "complete")."""
    over: dict[str, Any] = {}
    for key in changes(was, fp):
        if key == "config":
            old, now = was.get("config") or {}, fp["config"]
            over["config"] = {k: v for k, v in old.items() if k in now and now[k] != v}
        else:
            over[key] = was.get(key)
    return over


SIGNING = ("num_perm", "shingle_size")
"""The config keys a stored signature depends on: its length, and what its hashes are of."""


def not_to_continue(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """Why `--continue` cannot keep the work of an interrupted run of fingerprint `old` for a run of `new`
    (None when it can: rules or config may change): its inputs changed, or it read them with another
    `--input-format` (the same files then give other records: a file of lines as one text) or `--encoding` (other
    texts). The records it
    prepared are not the ones to write; some would be lost and others written twice. Nor when it signed
    them with other `SIGNING` parameters, or by another normal form or shingle hash (`SIGNED_WITH`): signatures
    of another length ended the run in a traceback, and of other shingles were compared (and indexed) as if they
    were of these."""
    if not same_inputs(anchored(old).get("inputs"), new.get("inputs")):
        return "the inputs of the interrupted run changed since it was stopped"
    was, now = (fp.get("options", {}).get("input_format", "auto") for fp in (old, new))
    if was != now:
        return f"the interrupted run read its inputs with --input-format {was}, not {now}"
    was, now = (fp.get("config", {}).get("encoding", _defaults()["encoding"]) for fp in (old, new))
    if was != now:
        return f"the interrupted run read its inputs with --encoding {was}, not {now}"
    signed = [f"{key} = {old['config'].get(key)}, not {new['config'].get(key)}" for key in SIGNING
              if "config" in old and old["config"].get(key) != new.get("config", {}).get(key)]
    before, after = old.get("signing"), new.get("signing", {})
    if before is None and after:
        signed.append(f"the shingles of a version of cleaner before {after['shingle_hash']}")
    elif before is not None:
        signed += [f"{key} {before.get(key)}, not {value}" for key, value in after.items() if before.get(key) != value]
    return f"the interrupted run signed its documents with {'; '.join(signed)}" if signed else None


def refuse_to_continue(old: dict[str, Any], new: dict[str, Any]) -> None:
    """A ConfigError saying why, when `--continue` cannot keep an interrupted run's work (`not_to_continue`)."""
    if why := not_to_continue(old, new):
        raise ConfigError(f"--continue: {why}, so its work cannot be kept; run again without --continue to start over")


def write_manifest(folder: Path, fp: dict[str, Any], outputs: list[OutputFile], counts: dict[str, Any],
                   continued: list[dict[str, Any]] | None = None) -> None:
    """Write `DIR/manifest.json` atomically; with `continued_from` when the run was `--continue`d over other rules or
    config (`continued_over`, one per continuation)."""
    body = {**fp, "outputs": [asdict(o) for o in outputs], "counts": counts,
            **({"continued_from": continued} if continued else {})}
    tmp = folder / f".{MANIFEST}.tmp"
    # a lone surrogate (a file name that is not UTF-8) as its JSON escape, as the JSONL writer does
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", errors="backslashreplace")
    tmp.replace(folder / MANIFEST)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a finished run in `folder`, or None (none, or not one as cleaner writes it: `run_manifest`)."""
    try:
        return run_manifest(folder)
    except OutputError:
        return None
