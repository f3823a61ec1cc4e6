"""`cleaner run` as a resumable, parallel, streaming job over an output folder.

Stages, each restartable:

1. **prepare**: read the inputs in order; clean, tag, gate and sign each record on a process pool;
   store the results in the run state a chunk at a time (`runstate.RunState`). A resumed run skips
   the records already stored.
   With `learn_boilerplate`, **count** then **apply**: lines are counted per source over one
   document per group of copies (grouped by a dedup pass that adds nothing to the index), and the
   lines found to be boilerplate (`cleaner.boilerplate`) are removed from every cleaned document
   with rule `repeated`, before dedup sees the texts.
2. **dedup**: one `dedup_batch` over the stored signatures (no texts in memory) against the index;
   the verdicts are stored in the run state *before* the index commits its additions, so a run
   killed in between re-adds the missing kept documents instead of deciding again.
3. **write**: corpus, raw, rejects and clusters, sorted by id, each file atomically; then
   `report.json` and `manifest.json` (written last: a folder with a manifest is a finished run).
   The outputs need only the verdicts: with more than one worker (and `WRITE_POOL_AT` records) they
   are written on a pool, one process per output, while the index takes in the kept documents.

Memory holds the chunks in flight and, in the dedup stage, about 0.9 kB per cleaned document when a
quarter are copies (band keys, ids and keep-policy columns for all, signatures for the candidates
only; 1.2 kB before its numbers became arrays), freed before the write stage.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, replace
from functools import cached_property, partial
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .boilerplate import LineCounts, counted_text, document_counts, learned_units, line_hashes, rest_hash
from .config import Config, ConfigError
from .dedup.cluster import BatchResult, Deduplicator, dedup_batch
from .dedup.index import DedupIndex, IndexMismatchError, batch_count, dangling_of, holder, refuse_other_file
from .dedup.signature import DedupParams, Signer
from .engine import Cleaner
from .gates import gate
from .io.names import loops, real
from .io.outputs import STATE, OutputError, output_file_pattern, read_output, run_manifest
from .io.readers import glob_matching, input_folder_holding, named_paths, not_an_input, read_inputs
from .io.records import ReadStats
from .io.writers import OutputFile, ShardedOutput, can_be_written, sha256_of
from .kinds.repeated import RepeatedRule
from .kinds.shape import shape_ids
from .lang import Tagger, make_tagger
from .libc import release_memory
from .manifest import (
    MANIFEST,
    InputChangedError,
    anchored,
    batch_name,
    changes,
    check_unchanged,
    continued_over,
    count_records,
    fingerprint,
    finished_batch,
    not_to_continue,
    pack_hashes,
    read_manifest,
    refuse_to_continue,
    same_path,
    write_manifest,
)
from .models import Cleaned, Document, Rejected
from .packs import RuleSet, load_rules
from .pipeline import dedup_detail, dedup_params, tagged
from .progress import RunProgress
from .report import Stats, counted
from .runstate import DASK_WORK, RunState, interrupted_run
from .workers import BAD_INPUT, StrictStop, as_prepared, prepare_stream, spawn_pool, strict

WARM_LINGUA_AT = 10_000
"""Input records left to prepare from which a pool's lingua server loads lingua at once: by then a
short text that needs it is near certain (3 in the first 10,000 news documents of the bench corpus)."""
OUTPUT_NAMES = ("corpus", "raw", "rejects", "clusters")
RAW_FIELDS = ("id", "text", "url", "html")
"""The fields of a kept document's raw input that raw.jsonl keeps."""
WRITE_POOL_AT = 20_000
"""Records from which a run with more than one worker writes its outputs on a pool (see `Runner._finish`):
its processes take about a second to start, which the index's additions cover from about this many."""
SAVE_DOCS, SAVE_CHARS, SAVE_SECONDS = 256, 16_000_000, 10.0
"""Prepared records are saved to the run state (and counted by the progress) when this many have come, or this many
characters of raw text, or this many seconds after the last save, whichever is first: saved by count alone, 256
records of 2 MB were held in the main process (its memory grew to 680 MB), a run SIGKILLed after a minute of work on
them resumed from the first record, and a log showed no progress line for 100 s (a QA pass)."""


@dataclass(frozen=True)
class RunOptions:
    """How a run writes and works: none of these but the output options change what it writes."""

    index: Path | None = None
    """A persistent index shared across runs (None: a fresh `DIR/index.sqlite` for this run alone)."""
    input_format: str = "auto"
    output_format: str = "jsonl"
    compression: str = "none"
    shard_docs: int | None = None
    workers: int = 1
    resume: str = "auto"
    """`auto`: resume when nothing changed, start over otherwise; `force-continue`: resume even with
    changed rules or config; `restart`: always start over."""
    progress: str | None = None
    """`bar`, `log` or `quiet` (None: a bar on a terminal, log lines otherwise)."""
    strict: bool = False
    """Stop at the first bad input (`StrictStop`) instead of rejecting it and going on."""
    engine: str = "local"
    """`local` (this machine's process pool) or `dask` (`cleaner.distributed`)."""
    scheduler: str | None = None
    """Dask engine: the address of a running scheduler (None: a LocalCluster of `workers` processes)."""
    split_bytes: int = 64 << 20
    """Dask engine: plain JSONL files are read in line-aligned splits of about this many bytes."""

    def output_options(self) -> dict[str, Any]:
        """The options that shape the output bytes (part of the fingerprint)."""
        return {"index": str(self.index) if self.index else None, "input_format": self.input_format,
                "output_format": self.output_format,
                "compression": self.compression, "shard_docs": self.shard_docs}


@dataclass
class RunSummary:
    """What a finished run reports back to the command."""

    stats: Stats
    report: dict[str, Any]
    resumed_from: int
    up_to_date: bool = False
    metrics: dict[str, Any] | None = None
    """Dask engine: seconds per stage, shuffle bytes, peak memory per worker."""


def differ(changed: list[str]) -> str:
    """"config differs", "inputs differ", "inputs, config differ"."""
    plural = len(changed) > 1 or changed[0].endswith("s")
    return f"{', '.join(changed)} {'differ' if plural else 'differs'}"


def from_stdin(fp: dict[str, Any]) -> bool:
    """Whether a run of fingerprint `fp` reads stdin: it cannot be resumed, nor told to be of the inputs of another."""
    return any(f.get("path") == "-" for f in fp["inputs"])


def already_done(out: Path, fp: dict[str, Any], options: RunOptions, progress: RunProgress,
                 load: Callable[[], object]) -> RunSummary | None:
    """The summary of the finished run in `out` when it was made from the same fingerprint (and no
    restart is asked for, nor stdin read), its outputs are as written and its index holds its documents
    (`index_lost`); None when there is work to do. Starting over on it is refused (`refuse_removal`) before it is said
    to replace it, and before a state is made, which a rerun would take for an interrupted run's (not "already
    complete"), when it would remove an index another process uses or other runs were given; so is a bad pack (`load`
    loads the packs), which said the outputs would be replaced and then stopped the run."""
    try:
        finished = run_manifest(out)
    except OutputError as exc:  # its outputs were replaced without a word, as if the folder held no run
        load()
        progress.log(f"{out}/ holds a run whose manifest cannot be read ({exc}): running again, its outputs will be "
                     "replaced")
        return None
    if finished is None:
        return None
    changed = changes({k: finished.get(k) for k in fp}, fp)
    if options.resume == "force-continue" and "inputs" in changed:  # it replaced the finished corpus without a word
        raise ConfigError(f"--continue: {out}/ holds a finished run of other inputs, whose outputs this run would "
                          "replace, not go on with; run again without --continue to replace them")
    report = None if changed or options.resume == "restart" or from_stdin(fp) else finished_report(out, finished)
    lost = None if report is None else index_lost(out, fp, finished, options)
    cited = [] if report is None or lost else cited_lost(out, fp, finished, options)
    if report is None or lost or cited:
        why = (f"whose {differ(changed)}" if changed else "(--restart)" if options.resume == "restart"
               else "(this run reads stdin, which cannot be compared with its inputs)" if from_stdin(fp)
               else f"whose kept documents are not in its index ({lost})" if lost
               else f"whose duplicates point to documents no longer in its index ({_shown(cited)})" if cited
               else "whose report.json or an output its manifest lists is gone or changed")
        if own := replaced_own_index(out, options, [finished]):  # refused before it is said to be replaced
            refuse_removal(own)
        load()
        progress.log(f"{out}/ holds a finished run {why}: running again, its outputs will be replaced")
        return None
    if options.strict:
        refuse_bad_input(out, report)
    progress.log(f"{out}/ is already complete for these inputs, rules and config; nothing to do (--restart to run again)")
    return RunSummary(Stats(), report, 0, up_to_date=True)


def refuse_bad_input(out: Path, report: dict[str, Any]) -> None:
    """`StrictStop` when the finished run in `out` (made without `--strict`) met what `--strict` stops at: it
    is complete, but the inputs are not sound, and saying "nothing to do" with exit 0 told a check otherwise."""
    met = [f"{reason} {n:,}" for reason, n in sorted(report.get("rejected", {}).items()) if reason in BAD_INPUT]
    met += [f"{report['warnings']:,} flagged on reading"] if report.get("warnings") else []
    if met:
        raise StrictStop(f"--strict: {out}/ holds a finished run of these inputs, made without --strict, that met bad "
                         f"input ({', '.join(met)}; see its report.json): --restart --strict stops at the first")


def finished_report(out: Path, finished: dict[str, Any]) -> dict[str, Any] | None:
    """The report of the finished run in `out` whose manifest is `finished`, when it and every output the
    manifest lists are there as written (their SHA-256); None when one is gone (removed to be made again) or
    changed (cut short, edited), or the report is damaged."""
    if not all((path := out / o["file"]).is_file() and sha256_of(path) == o["sha256"] for o in finished.get("outputs", [])):
        return None
    try:
        return json.loads((out / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def index_lost(out: Path, fp: dict[str, Any], finished: dict[str, Any], options: RunOptions) -> str | None:
    """Why the index of the finished run in `out` (its manifest `finished`, a run of fingerprint `fp`'s
    shape) no longer holds the documents that run kept: the file is gone, is not an index, or another is in
    its place (`holds_run`). None when it holds them, or when the run kept none."""
    if not (finished.get("counts") or {}).get("kept"):
        return None
    path = options.index or out / "index.sqlite"
    if not path.exists():
        return f"{path} is gone"
    try:
        if holds_run(path, out, fp, finished):
            return None
    except IndexMismatchError:
        return f"{path} is not a dedup index"
    return f"{path} does not hold that run's batch: another index is in its place"


def cited_lost(out: Path, fp: dict[str, Any], finished: dict[str, Any], options: RunOptions) -> list[str]:
    """The ids that the duplicates of the finished run in `out` point to (their `dup_of`) and its index no longer holds
    (`dangling_of`): another run took out the batch that kept them and did not keep them again, so those copies are in
    no corpus, and the run is made again to keep them (it was "already complete", and `say_dangling`'s advice to run it
    again did nothing). Of its own batch only: another run's of the same ids (`replaced_batch`) has its own."""
    path = options.index or out / "index.sqlite"
    try:
        return dangling_of(path, replaced_batch(path, out, fp, finished)[0] or "")
    except IndexMismatchError:
        return []


def holds_run(path: Path, out: Path, fp: dict[str, Any], finished: dict[str, Any]) -> bool:
    """Whether the index file at `path` holds the documents the finished run in `out` (its manifest `finished`, a run of
    fingerprint `fp`'s shape) kept, wherever the file is now (`replaced_batch`; not in another run's batch of the same
    ids: a run whose batch another run took out was "already complete" by the other's). Told by what the file holds,
    not by the path the run gave: an index moved or copied since, or the run's own `DIR/index.sqlite` given as
    `--index`, is the one it added to (by its path, a run started again into it took its documents for others', and
    gave a corpus of nothing but `already_indexed`).
    False when there is no file; `IndexMismatchError` for one that is not an index."""
    return path.exists() and replaced_batch(path, out, fp, finished)[0] is not None


def replaced_batch(path: Path, out: Path, fp: dict[str, Any],
                   finished: dict[str, Any]) -> tuple[str | None, str | None]:
    """The name of the batch by which the index file at `path` holds the documents the finished run in `out` (its
    manifest `finished`, a run of fingerprint `fp`'s shape) kept (`holder`), and None: the run's batch name
    (`finished_batch`), or that of the batch that added every id the run kept and no other document, which a run into
    a folder since moved has under the name of the folder's old path (its batch name alone when its corpus cannot be
    read). ("", None) when the file holds them but cannot tell them: no batch added them, or a batch that did not
    record its folder (an older cleaner did); (None, None) when it holds none. (None, folder) when that batch is
    another run's, whose `folder` holds it still (`other_run`): a run of other texts under the same ids, or the
    folder this one was copied from, is not this run's to take out (a restart took it, and the other run's rerun was
    "already complete" by this one's batch). The manifest does not name the batch: the name is of the folder's path,
    and the manifest is the same bytes whatever the folder (and engine, and worker count) made it.
    `IndexMismatchError` for a file that is not an index."""
    own = finished_batch(out, finished, fp)
    held = holder(path, own, partial(kept_ids, out))
    if held is None:
        return None, None
    if theirs := other_run(held, path, out, fp):
        return None, theirs
    return held[0] if held[0] == own or held[1] else "", None


def kept_ids(out: Path) -> list[str]:
    """The ids of the documents the finished run in `out` kept (its corpus), read in full: asked only when its index
    does not hold its batch under its name (a restart, a folder moved); none when the corpus cannot be read."""
    try:
        return [record["id"] for record in read_output(out, "corpus")]
    except OutputError:
        return []


def other_run(held: tuple[str, str | None], path: Path, out: Path, fp: dict[str, Any]) -> str | None:
    """The folder of the other finished run whose batch `held` (its name and folder, `holder`) the index file at
    `path` holds, when that folder is not `out`, still holds the run that named the batch (its manifest names it, for
    a run of `fp`'s shape) and `path` is that run's index; None when the batch may be the run in `out`'s: its folder
    is gone or holds another run since (moved), or the other run's index is another file (a folder copied with its
    index: the copy holds the batch as the original's file does)."""
    name, folder = held
    if not folder or real(folder) == real(out):
        return None
    theirs = read_manifest(Path(folder))
    if theirs is None or finished_batch(Path(folder), theirs, fp) != name:
        return None
    index = (anchored(theirs).get("options") or {}).get("index") or str(Path(folder) / "index.sqlite")
    return folder if same_path(index, str(path)) else None


def take_out_replaced(out: Path, index_path: Path, params: DedupParams, fp: dict[str, Any], options: RunOptions,
                      progress: RunProgress, interrupted: dict[str, Any] | None) -> None:
    """What a run of `fp` that starts over in `out` does first about a shared index: take out the documents of the
    runs it replaces, the finished one's batch (`replaced_batch`, wherever the folder and the index are now), and the
    `interrupted` one's (its `fingerprint`, the `batch` it named once it had decided, which may or may not have gone
    in, and whether it had `added` them) when the index holds it, whatever its inputs: it wrote no corpus. In a
    transaction of its own, before this run names its batch, which may be the name the replaced run gave its own
    (`--restart`). Each is said once done: it warns when the index cannot tell the finished run's documents (added by
    no batch, or by one that did not number its documents or record its folder: an older cleaner), when they are
    another run's batch (which stays), and when they stay (other inputs) that those given again are already_indexed.
    A run's own index, which starting over removes, is refused first while another process has it open
    (`refuse_removal`)."""
    if options.index is None:
        refuse_removal(index_path)
    # The finished run's batch: asked at every start-over (its manifest stays until this run writes its outputs, so a
    # start-over killed before its state said so asks again, and finds the batch still in or already out), and taken
    # out only when that run read the same inputs the same way (with other inputs, `out` may be a folder that takes
    # one day's batch after another, each deduplicated against the ones before; stdin cannot be told to be the same:
    # one day's batch piped after another's took the first out, and its copies were kept again). The index is told by
    # what it holds (`replaced_batch`), not by the path that run gave.
    finished = read_manifest(out)
    found, theirs = (replaced_batch(options.index, out, fp, finished)
                     if options.index is not None and finished and options.index.exists() else (None, None))
    if theirs:
        progress.log(f"warning: {index_path} holds the ids that run kept in the batch of another run, the one in "
                     f"{theirs}/: it stays, and those given again are already_indexed")
    same = found is not None and not (not_to_continue(finished, fp) or from_stdin(fp))
    if found is not None and not same:
        progress.log(f"warning: that run added its kept documents to {index_path}; those given again are "
                     "already_indexed now, in rejects.jsonl, not in the new corpus.jsonl")
    batches = [found] if same and found else []
    left = None
    if (interrupted is not None and options.index is not None and (named := interrupted["batch"])
            and options.index.exists() and holder(options.index, named, list) is not None):
        # whatever its inputs: it wrote no corpus, so documents it left in the index would be in none (a run of other
        # inputs into its folder left them, and every later batch rejected their copies as already_indexed)
        left = named
        batches += [left] if left not in batches else []  # beside the finished run's
    taken: dict[str, int | None] = {}
    if batches:
        with DedupIndex(index_path, params) as index:
            taken = {name: index.withdraw_batch(name) for name in batches}
    if same and found and taken[found] is not None:
        progress.log(f"the documents that run kept are taken out of {index_path} first (its inputs are these): "
                     "they are deduplicated again, not already_indexed")
    if left and interrupted and interrupted["added"]:
        these = "it wrote no corpus" if not_to_continue(interrupted["fingerprint"], fp) else "its inputs are these"
        progress.log(f"the documents the interrupted run added to {index_path} are taken out first ({these})")
    if (same and not found) or None in taken.values():
        progress.log(f"warning: {index_path} cannot tell which documents the run this one replaces added (an older "
                     "cleaner added them): those given again are already_indexed")


def say_dangling(index: DedupIndex, progress: RunProgress) -> None:
    """Warn of the documents that duplicates rejected elsewhere (by other runs, service requests or Pipeline calls)
    point to and the index no longer holds (`dangling_citations`): this run took out the run that kept them (starting
    over on its inputs with other rules or gates) and did not keep them again, so those copies are in no corpus."""
    if gone := index.dangling_citations():
        one = len(gone) == 1
        progress.log(f"warning: {counted(len(gone), 'document')} that other runs' (or service requests' or Pipeline "
                     f"calls') duplicates point to (their dup_of: {_shown(gone)}) {'was' if one else 'were'} not kept "
                     f"again by this run and {'is' if one else 'are'} no longer in {index.path}: those copies are in "
                     f"no corpus; give {'it' if one else 'them'} again (run the runs that rejected them again) to keep "
                     f"{'it' if one else 'them'}")


def _shown(ids: Sequence[str]) -> str:
    """The first five of `ids`, quoted: `'n0', 'n2', ...`."""
    return ", ".join(map(repr, ids[:5])) + (", ..." if len(ids) > 5 else "")


def first_missing(path: Path) -> Path | None:
    """The outermost folder of `path` that is not there (`path` or a parent), which a run into it makes; None when
    `path` is there."""
    if path.exists():
        return None
    while not path.parent.exists():
        path = path.parent
    return path


def drop_unsaved(out: Path, made: Path | None) -> None:
    """After a run in `out` stopped (an error, `--strict`, Ctrl-C) before it saved a prepared record (`unsaved`): the
    folders the run made (`made`, `first_missing`), or its run state. It held nothing to go on with: the folder was left
    half made, and a rerun said it held a run "stopped before it had saved a prepared record"."""
    if unsaved(out / STATE) and (gone := made or out / STATE).exists():
        shutil.rmtree(gone)


def unsaved(folder: Path) -> bool:
    """Whether the run state in `folder` (`DIR/.cleaner/`) holds nothing to go on with: no state, or one still
    preparing that holds no record, and no work of a run under `--engine dask`. A state SQLite cannot read is kept
    (the run's own error names it)."""
    if (folder / DASK_WORK).exists():
        return False
    if not (path := folder / "state.sqlite").exists():
        return True
    try:
        with RunState(path, readonly=True) as state:
            return not len(state) and state.get("stage") in (None, "prepare")
    except (OSError, sqlite3.Error):
        return False


@contextmanager
def claimed(out: Path, inputs: Iterable[str], options: RunOptions = RunOptions()) -> Iterator[None]:
    """`out` made (a folder), and held by this process alone while the block runs: a second run into it
    stops at once with an OSError naming it (instead of both writing one state). Outputs (and a shared
    index) and inputs must not mix (`apart`), and a folder where the run writes a file is named now, not
    once every document is prepared."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is a file: --out names the folder a run writes into", str(out))
    if loops(out):  # making it said "File exists"
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(out))
    apart(out, inputs, options.index)
    for target in [_output(out, options, name).path() for name in OUTPUT_NAMES] + [out / "report.json", out / MANIFEST]:
        can_be_written(target)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the kernel if the process dies
        except BlockingIOError:
            raise OSError(errno.EBUSY, "another cleaner run is writing into this folder: wait for it to end, "
                                       "or give another --out", str(out)) from None
        yield
    finally:
        os.close(fd)


def apart(out: Path, inputs: Iterable[str], index: Path | None = None) -> None:
    """An OSError naming `out` when the run would read what it writes (an input glob reads `out`, or an input
    folder holds it: its state and outputs would be read as input; an input glob matches a file the run writes
    there, which the same command run again would read) or write over an input (an input file has the name of an
    output, in `out`: `clear_outputs` would remove it, the run's output replace it); naming `index`, a
    shared index, when it or its SQLite companions are among the inputs (read as input, and changed by
    the run, so that every run again would find its inputs changed)."""
    inputs = list(inputs)
    if (pattern := glob_matching(out, inputs)) is not None:
        raise OSError(errno.EINVAL, f"the input glob {pattern} reads this folder, so the same command run again "
                                    "would read the run's state and outputs as input; give an --out outside the glob",
                      str(out))
    if (held := input_folder_holding(out, inputs)) is not None:
        raise OSError(errno.EINVAL, f"is inside the input folder {held}: the run would read its own state and "
                                    "outputs as input; give an --out outside the inputs", str(out))
    folder = real(out)
    for path in named_paths(inputs):
        here = real(path)
        if path.is_file() and here.parent == folder and OUTPUT_FILE.fullmatch(here.name):
            raise OSError(errno.EINVAL, f"holds the input {path}, which the run's output of that name would replace; "
                                        "give another --out", str(out))
    for name in RUN_FILES:
        if (pattern := glob_matching(out / name, inputs)) is not None:
            raise OSError(errno.EINVAL, f"the input glob {pattern} matches the run's {name} there, which the same "
                                        "command run again would read as input; give an --out outside the glob", str(out))
    if index is not None:
        _index_apart(index, inputs)


def _index_apart(index: Path, inputs: list[str]) -> None:
    """The part of `apart` about a shared index: it, and the `-wal` and `-shm` files SQLite writes beside
    it, must not be inputs (read as input, and changed by every run, so that a rerun found its inputs
    changed and replaced the finished corpus with `already_indexed` rejections)."""
    for end in ("", "-wal", "-shm"):
        not_an_input(Path(f"{index}{end}"), inputs)


class Runner:
    """One `cleaner run` into `out` (see the module docstring)."""

    def __init__(self, config: Config, inputs: list[str], out: Path, options: RunOptions):
        self.config, self.inputs, self.out, self.options = config, inputs, out, options
        self.index_path = options.index or out / "index.sqlite"
        self.progress = RunProgress("cleaner run", mode=options.progress)
        self.read_stats = ReadStats()

    @cached_property
    def rules(self) -> RuleSet:
        """The rule packs, loaded and validated once: fingerprinted, and handed to the workers."""
        return load_rules(self.config)

    def run(self) -> RunSummary:
        """Run, resume or confirm the run; return its summary. The packs are loaded first when `out` is to be made: a
        run refused at them leaves no folder (a finished run is confirmed without loading them). A run stopped before a
        record was saved, by an error, `--strict` or Ctrl-C, leaves no state (`drop_unsaved`)."""
        made = first_missing(self.out)
        if made is not None:
            self.rules  # noqa: B018 - loaded and cached, or the error
        with claimed(self.out, self.inputs, self.options):
            try:
                return self._run()
            except BaseException:
                drop_unsaved(self.out, made)
                raise

    def _run(self) -> RunSummary:
        fp = fingerprint(self.config, self.inputs, self.options.output_options())
        resumable = not from_stdin(fp)
        state_path = self.out / STATE / "state.sqlite"
        fresh = not state_path.exists() and not (self.out / STATE / DASK_WORK).exists()
        if fresh and (done := already_done(self.out, fp, self.options, self.progress, lambda: self.rules)):
            return done
        fp["rules"] = pack_hashes(self.rules)  # loaded and checked before anything is done, named as they were read
        with RunState(state_path) as state, self.progress:
            done = self._resume_point(state, fp, resumable)
            total = count_records(fp["inputs"]) if resumable else None
            self.progress.start_at(done, total, state.raw_chars())
            self._prepare(state, done, warm=total is not None and total - done >= WARM_LINGUA_AT)
            self._learn(state)
            stats, report = self._finish(state, fp)
        shutil.rmtree(self.out / STATE)
        return RunSummary(stats, report, done)

    def _resume_point(self, state: RunState, fp: dict[str, Any], resumable: bool) -> int:
        """How many input records are already prepared (0 when starting over, having first taken out of
        the shared index the documents of the run this one replaces, see `take_out_replaced`). A run
        interrupted under `--engine dask` is one to replace: this engine cannot go on with its work."""
        old = state.get("fingerprint")
        if (self.out / STATE / DASK_WORK).exists():
            self.progress.log(f"{self.out}/ holds a run interrupted under --engine dask, which this engine cannot go on "
                              "with; starting over (the same command with --engine dask goes on with it)")
        elif old is not None and resumable and self.options.resume != "restart":
            was = json.loads(old)
            changed = changes(was, fp)
            if changed and self.options.resume == "force-continue":
                refuse_to_continue(was, fp)
            if not changed or self.options.resume == "force-continue":
                if changed:
                    self.progress.log(f"continuing an interrupted run although its {', '.join(changed)} changed")
                    earlier = json.loads(state.get("continued") or "[]")  # the work is now of this fingerprint too
                    state.set(continued=json.dumps([*earlier, continued_over(was, fp)]),
                              fingerprint=json.dumps(fp, sort_keys=True))
                done, stage = len(state), state.get("stage")
                if done or stage != "prepare":
                    self.progress.log(f"resuming: {counted(done, 'input record')} already done (stage {stage})")
                else:  # killed as it started (a stop it saw left no state, `drop_unsaved`): nothing to go on with
                    self.progress.log(f"{self.out}/ holds a run stopped before it had saved a prepared record (every "
                                      f"{SAVE_DOCS} records, {SAVE_CHARS // 1_000_000} M characters or "
                                      f"{SAVE_SECONDS:.0f} s): starting from the first")
                return done
            keep = "" if not_to_continue(was, fp) else " (--continue to keep its work)"
            self.progress.log(f"{self.out}/ holds an interrupted run whose {differ(changed)}; starting over{keep}")
        elif old is not None and self.options.resume != "restart":
            self.progress.log(f"{self.out}/ holds an interrupted run, which this run cannot go on with (it reads stdin); "
                              "starting over")
        interrupted = interrupted_run(self.out / STATE)
        own = own_index_to_remove(self.out, self.options, interrupted)
        take_out_replaced(self.out, self.index_path, dedup_params(self.config), fp, self.options, self.progress,
                          interrupted)
        shutil.rmtree(self.out / STATE / DASK_WORK, ignore_errors=True)
        state.reset()
        if own is not None:
            remove_replaced_index(self.out, own, self.options, self.progress)
        clear_outputs(self.out)  # left, a run that stopped now left a finished run's, its index gone
        state.set(fingerprint=json.dumps(fp, sort_keys=True), stage="prepare")
        return 0

    def _prepare(self, state: RunState, done: int, warm: bool = False) -> None:
        """Stage `prepare`: read, clean, tag, gate and sign every input record from the `done`-th on, into the state;
        then check that the inputs are still what the state's fingerprint says (a file changed while it was read is an
        error, and the state is emptied: a rerun starts over, where it went on, or found the run complete, with records
        missing)."""
        if state.get("stage") != "prepare":
            self.read_stats = ReadStats.from_dict(json.loads(state.get("read") or "{}"))
            return
        items = islice(read_inputs(self.inputs, self.config, self.options.input_format, self.read_stats,
                                        lazy=True), done, None)
        batch, start, chars, saved = [], done, 0, time.monotonic()
        gates = not self.config.learn_boilerplate  # then the text left once the boilerplate is gone is gated (`_apply_chunk`)
        stream = prepare_stream(items, self.config, workers=self.options.workers, gates=gates, packed=True, warm=warm,
                                rules=self.rules)
        for prepared in strict(stream) if self.options.strict else stream:
            batch.append(prepared)
            chars += prepared.raw_chars
            if len(batch) >= SAVE_DOCS or chars >= SAVE_CHARS or time.monotonic() - saved >= SAVE_SECONDS:
                state.add(start, batch)
                self.progress.update(len(batch), chars)
                start, batch, chars, saved = start + len(batch), [], 0, time.monotonic()
        if batch:
            state.add(start, batch)
            self.progress.update(len(batch), chars)
        try:
            check_unchanged(json.loads(state.get("fingerprint") or "{}"))
        except InputChangedError:
            state.reset()
            raise
        state.set(stage="count" if self.config.learn_boilerplate else "dedup",
                  read=json.dumps(self.read_stats.as_dict(), sort_keys=True))

    def _learn(self, state: RunState) -> None:
        """With `learn_boilerplate`: count lines per source over one document per group of copies
        (`count`), then remove what is boilerplate from every cleaned document (`apply`, resumable a
        chunk at a time: a document left too short is rejected by the gates, the others signed again)."""
        if state.get("stage") == "count":
            self._count(state)
        if state.get("stage") != "apply":
            return
        rule = RepeatedRule(learned_units(state.line_counts().frequent(self.config.repeated_min_docs,
                                                                        self.config.repeated_min_share)))
        signer, tagger = Signer(dedup_params(self.config)), make_tagger(self.config.lang_backend,
                                                                        lingua_budget=self.config.lingua_budget)
        cleaner = Cleaner(self.config, self.rules)
        while self._apply_chunk(state, cleaner, rule, signer, tagger):
            pass
        state.set(stage="dedup")

    def _count(self, state: RunState) -> None:
        """Stage `count`: lines per source, through the edits of `shape` and those that take whole lines (see
        `boilerplate`); then `apply`."""
        with Deduplicator(self.index_path, dedup_params(self.config)) as dedup:
            counted = count_lines(state, dedup, state.line_counts(), shape_ids(self.rules.rules),
                                  self.config.repeated_min_docs, self.config.repeated_min_share)
        state.set(stage="apply", applied="-1", sourceless=str(counted.sourceless))

    def _apply_chunk(self, state: RunState, cleaner: Cleaner, rule: RepeatedRule, signer: Signer,
                     tagger: Tagger) -> bool:
        """Remove the learned boilerplate from the next chunk of cleaned documents after `applied`
        (`Cleaner.clean_learned`: the rules run again on a document it took lines from), tag the
        language of what is left again, and gate every document of the chunk (stage `prepare` does not, with
        `learn_boilerplate`): its language was the boilerplate's (an English cookie banner over short French
        texts made them English, and `--langs fr` dropped them). What changed is stored, signed again, with
        the new `applied`, in one transaction; False when no document is left. A page the learned lines changed is
        checked again for an article (`html.no_article`), as the pipeline checks one after the rule packs."""
        chunk = state.cleaned(int(state.get("applied") or -1))
        if not chunk:
            return False
        docs: list[Cleaned] = []
        changed: dict[int, None] = {}  # positions in `docs`, in order (tagged in one batch)
        for seq, record, raw in chunk:
            doc = Document(**raw)
            cleaned = Cleaned(**record, document=doc)
            if doc.host is not None:  # else no source: nothing learned for it
                out = cleaner.clean_learned(cleaned, replace(rule, published=cleaned.published))
                if out is not cleaned:
                    changed[len(docs)] = None
                    cleaned = out
            docs.append(cleaned)
        for k, found in zip(changed, tagger.tag_many([docs[k].text for k in changed])):
            docs[k] = tagged(docs[k], found)
        rows = []
        for k, ((seq, _, _), doc) in enumerate(zip(chunk, docs)):
            dropped = (k in changed and doc.document.html and _no_article(doc.document, doc)) or gate(doc, self.config)
            if dropped is not None or k in changed:
                rows.append((seq, as_prepared(dropped or doc, signer)))
        state.replace(rows, applied=str(chunk[-1][0]))
        return True

    def _finish(self, state: RunState, fp: dict[str, Any]) -> tuple[Stats, dict[str, Any]]:
        """Stages dedup and write. Dedup decides and its verdicts are stored (stage `decided`) before the
        index takes in the kept documents, all under the index's write lock. The outputs need only the
        verdicts, so with more than one worker and at least `WRITE_POOL_AT` records they are written on
        a pool of their own, one process per output, while the index takes in the kept documents (read
        back from the state: dedup's working memory is gone by then, and the pool's processes are not
        beside it)."""
        final = batch_name(self.out, fp)  # the name the finished run's batch goes by (`index_lost`)
        batch = state.get("batch") or final  # the name it was decided under (`--continue` changes fp)
        with ExitStack() as stack, Deduplicator(self.index_path, dedup_params(self.config)) as dedup:
            stage = state.get("stage")  # `decided`: killed after deciding, and maybe before the index took the batch in
            with dedup.index.write_lock():
                if stage == "decided" and not dedup.index.has_batch(batch):
                    if dedup.index.has_batch(final):  # renamed below, and killed before the state said so
                        batch = final
                    else:  # it did not: decide again, against the index as it is now (another run may have added to it)
                        stage = "dedup"
                if stage == "dedup":
                    batch = final
                    state.set(batch=batch)
                    release_memory()  # what stage prepare freed (its chunks in flight): dedup's columns go there
                    seqs, items = state.dedup_items(dedup.params)
                    result = dedup_batch(items, dedup.index, signer=dedup.signer, add=False)
                    self._store(state, seqs, result, dedup.index)
                    del seqs, items, result
                    release_memory()  # dedup's working set (~85 MB at 100k documents) is free: give it back
                pool = None
                if self.options.workers > 1 and len(state) >= WRITE_POOL_AT:
                    pool = stack.enter_context(spawn_pool(min(self.options.workers, len(OUTPUT_NAMES))))
                clear_outputs(self.out)
                written: list[Callable[[], Part]] = []
                for name in OUTPUT_NAMES:
                    args = (state.path, self.out, self.options, name)
                    written.append(pool.submit(write_part, *args).result if pool else partial(write_part, *args))
                if stage == "dedup":
                    dedup.index.add_batch(batch, ((*row, ()) for row in state.kept_rows()), state.dup_targets(),
                                          self.out)
                # decided, then `--continue`d with other rules or config (or resumed in its folder moved)
                dedup.index.rename_batch(batch, final, self.out)
            state.set(stage="indexed", batch=final)
            say_dangling(dedup.index, self.progress)
            index_size = len(dedup.index)
            parts = {name: result() for name, result in zip(OUTPUT_NAMES, written)}
        sourceless = state.get("sourceless")  # counted with learn_boilerplate (none by a state of an older cleaner)
        return write_outputs(self.out, self.options, fp, parts, self.read_stats, index_size,
                             json.loads(state.get("continued") or "[]"),
                             None if sourceless is None else int(sourceless))

    @staticmethod
    def _store(state: RunState, seqs: np.ndarray, result: BatchResult, index: DedupIndex) -> None:
        """Store dedup's verdicts in the run state (stage `decided`), their details naming who kept the documents of
        earlier batches its duplicates copy or give again, as `index` records it (`dedup_detail`)."""
        keepers = index.keepers(result.earlier())
        state.store_decisions(
            ((int(seqs[pos]), d, "" if d.kept else dedup_detail(d, keepers))
             for pos, d in zip(result.positions, result.decisions)), result.clusters)


Part = tuple[list[OutputFile], Stats]
"""What writing one output gives: its files, and what it counted."""


def write_part(state_path: Path, out: Path, options: RunOptions, name: str) -> Part:
    """Write output `name` (one of `OUTPUT_NAMES`) of the run whose decided state is at `state_path`."""
    with RunState(state_path, readonly=True) as state:
        if name == "corpus":
            return write_corpus(out, options, state.kept())
        if name == "raw":
            return write_raw(out, options, state.kept_raw())
        if name == "rejects":
            return write_rejects(out, options, state.rejected())
        return write_clusters(out, options, state.clusters())


OUTPUT_FILE = output_file_pattern(*OUTPUT_NAMES)
"""The name of a file a run writes (`ShardedOutput`): `corpus.jsonl`, `raw-00003.parquet`, `rejects.jsonl.zst`, ..."""
RUN_FILES = tuple(f"{name}{shard}{ext}" for name in OUTPUT_NAMES for shard in ("", "-00000")
                   for ext in (".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")) + ("report.json", "manifest.json", "index.sqlite")
"""Every name of a file a run may write into its folder (shards by their first), for `apart`."""
_TEMPORARY = re.compile(r"\.(.+)\.[a-z0-9_]{8}")
"""A temporary file of `io.writers` (`.corpus.jsonl.x8k2m1qz`), left by a run killed while writing."""


def refuse_removal(index: Path) -> None:
    """An OSError naming `index`, a run's own index, which starting over removes: while another process has it open
    (a `cleaner serve --index` on it, whose documents the service keeps in it; told by SQLite's lock, which a
    connection to a WAL file holds while it is open, and which ends with its process, killed too), or when other
    runs were given it as their `--index` (it holds their batches beside its run's one: removed, their documents
    left the dedup of every batch after)."""
    if not index.is_file():
        return
    try:
        if (others := batch_count(index) - 1) > 0:
            raise OSError(errno.EBUSY, f"holds the documents of {others} other run{'s' * (others > 1)} given it as "
                                       "--index: starting over here would remove it, and later batches would no longer "
                                       "be deduplicated against them; give this run another --out, or move the file "
                                       "away first", str(index))
    except IndexMismatchError:  # not an index: left to `remove_own_index` to refuse
        return
    try:
        with closing(sqlite3.connect(f"{real(index).as_uri()}?mode=rw", uri=True, timeout=0)) as db:
            db.execute("PRAGMA locking_mode = EXCLUSIVE")  # no shared memory: the file's lock, which no other may hold
            db.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:  # a file that is no SQLite database is left to `remove_own_index` to refuse
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
            raise OSError(errno.EBUSY, "is open in another process (a `cleaner serve --index` on it?), which keeps "
                                       "using it: starting over would remove it; stop that process first",
                          str(index)) from None


def replaced_own_index(out: Path, options: RunOptions, replaced: Iterable[dict[str, Any] | None]) -> Path | None:
    """`DIR/index.sqlite` when a run that starts over in `out` removes it: its own index (no `--index`), or with
    `--index` another file, the own index of a run it replaces (of the fingerprints `replaced`: the finished one, the
    interrupted one) made without `--index`: it was left there, stale, beside a report naming the other. None when
    no run here made it as its own, or it is the `--index` file. A run without `--index` that would remove the file
    a replaced run was given as its `--index` is refused (an OSError naming it): an index once given is never removed
    (it was, without a word)."""
    own = out / "index.sqlite"
    if options.index is None:
        if any(fp and same_path((anchored(fp).get("options") or {}).get("index"), str(own)) for fp in replaced):
            raise OSError(errno.EBUSY, "was given as --index to the run this one replaces: starting over here without "
                                       "--index would remove it; give this run --index with that path to go on "
                                       "deduplicating against it, or another --out", str(own))
        return own
    if not own.exists() or same_path(str(options.index), str(own)):
        return None
    return own if any(fp and (fp.get("options") or {}).get("index", "") is None for fp in replaced) else None


def own_index_to_remove(out: Path, options: RunOptions, interrupted: dict[str, Any] | None) -> Path | None:
    """`replaced_own_index` of a run that starts over in `out` (replacing its finished run and `interrupted`), refused
    while another process has it open when this run has `--index` (`take_out_replaced` refuses a run's own)."""
    replacing = [read_manifest(out), interrupted and interrupted["fingerprint"]]
    if (own := replaced_own_index(out, options, replacing)) and options.index is not None:
        refuse_removal(own)
    return own


def remove_replaced_index(out: Path, own: Path, options: RunOptions, progress: RunProgress) -> None:
    """Remove `own` (`own_index_to_remove`), saying so when this run's index is another file."""
    if options.index is not None:
        progress.log(f"{own} is removed: the index of the run this one replaces, made without --index "
                     f"(this run's is {options.index})")
    remove_own_index(out)


def remove_own_index(out: Path) -> None:
    """Remove the default index an earlier attempt left in `out` (it belongs to that run alone), after
    checking it is one: another program's database of that name is refused, not replaced."""
    if (own := out / "index.sqlite").exists():
        refuse_other_file(own)
    for stale in out.glob("index.sqlite*"):
        stale.unlink()


def clear_outputs(out: Path) -> None:
    """Remove the output files of an earlier attempt from `out`, its manifest and report first (a folder
    with a manifest holds a finished run: a run killed while writing left the replaced run's, naming
    outputs gone), and the temporary files of one killed while writing them (`.corpus.jsonl.x8k2m1qz`):
    those names only, nothing else the folder holds."""
    for name in (MANIFEST, "report.json"):
        (out / name).unlink(missing_ok=True)
    for old in out.iterdir():
        temporary = _TEMPORARY.fullmatch(old.name)
        if old.is_file() and OUTPUT_FILE.fullmatch(temporary.group(1) if temporary else old.name):
            old.unlink()


def _output(out: Path, options: RunOptions, name: str) -> ShardedOutput:
    if name in ("corpus", "raw"):
        return ShardedOutput(out, name, fmt=options.output_format, compression=options.compression,
                             shard_docs=options.shard_docs)
    return ShardedOutput(out, name, compression=options.compression, shard_docs=options.shard_docs)


def write_corpus(out: Path, options: RunOptions, kept: Iterable[tuple[str, dict[str, Any], int]]) -> Part:
    """corpus from `kept`: (corpus line, `summary_of` its record, raw chars), by id (see `runstate.record_line`)."""
    stats = Stats()
    with _output(out, options, "corpus") as corpus:
        for line, summary, raw_chars in kept:
            stats.add_summary(summary, raw_chars)
            corpus.write_line(line)
    return corpus.files, stats


def write_raw(out: Path, options: RunOptions, documents: Iterable[dict[str, Any]]) -> Part:
    """raw from the kept raw documents, in the order of the corpus."""
    with _output(out, options, "raw") as raw:
        for document in documents:
            raw.write({k: document[k] for k in RAW_FIELDS if document.get(k) is not None})
    return raw.files, Stats()


def _no_article(page: Document, out: Cleaned) -> Rejected | None:
    """`html.no_article`, the HTML path loaded once a page is at hand: a run of texts never loads it (~50 ms)."""
    from .html import no_article

    return no_article(page, out)


def write_rejects(out: Path, options: RunOptions, rejected: Iterable[dict[str, Any]]) -> Part:
    """rejects from rejection records (in the order of `RunState.rejected`)."""
    stats = Stats()
    with _output(out, options, "rejects") as rejects:
        for record in rejected:
            stats.add_rejected(record["reason"], record["stage"])
            rejects.write(record)
    return rejects.files, stats


def write_clusters(out: Path, options: RunOptions, clusters: Iterable[dict[str, Any]]) -> Part:
    """clusters, in dedup's order."""
    with _output(out, options, "clusters") as cluster_out:
        for cluster in clusters:
            cluster_out.write(cluster)
    return cluster_out.files, Stats()


def write_outputs(out: Path, options: RunOptions, fp: dict[str, Any], parts: dict[str, Part], read_stats: ReadStats,
                  index_size: int, continued: list[dict[str, Any]] | None = None,
                  sourceless: int | None = None) -> tuple[Stats, dict[str, Any]]:
    """The end of the write stage of every engine, once each of `OUTPUT_NAMES` is written (`parts`, by
    name): report.json, then manifest.json (last: a folder with a manifest is a finished run), with what a
    `--continue` changed (`continued_over`); with learned boilerplate, how many documents had no source to learn it
    under (`sourceless`: the report's `boilerplate`)."""
    stats = Stats()
    for name in OUTPUT_NAMES:
        stats.merge(parts[name][1])
    index = str(options.index) if options.index else "index.sqlite"
    report = {**stats.as_dict(), "clusters": sum(f.records for f in parts["clusters"][0]), "index": index,
              "index_documents": index_size, "inputs": read_stats.as_dict()}
    if sourceless is not None:
        report["boilerplate"] = {"without_source": sourceless}
    tmp = out / ".report.json.tmp"
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", errors="backslashreplace")
    tmp.replace(out / "report.json")
    write_manifest(out, fp, [f for name in OUTPUT_NAMES for f in parts[name][0]],
                   {"read": stats.read, "kept": stats.kept, "rejected": stats.read - stats.kept}, continued)
    return stats, report


class Counted(NamedTuple):
    """What `count_lines` counted: the `seq` of each document counted, and how many cleaned documents have no source
    (no URL host, no `source` field), in which nothing is counted."""

    seqs: set[int]
    sourceless: int


def count_lines(state: RunState, dedup: Deduplicator, counts: LineCounts, skip: frozenset[str], min_docs: int,
                min_share: float, units: Callable = document_counts) -> Counted:
    """Fill `counts` (emptied first) with `units(source, published, text, raw text, clean text)` (see
    `boilerplate.document_counts`; text: `counted_text`, without the edits of the rules in `skip` and those that take
    whole lines) of the
    cleaned documents of `state`,
    one per source and group of copies (grouped by dedup against `dedup`'s index, adding nothing to
    it, and split by `boilerplate.rest_hash` over the units in `min_docs` and `min_share` of every document of
    their source: pages that share only a template are no copies; the copy dedup keeps counts, else the one with
    the smallest id, copies of one id ordered as dedup orders them, by their stored record: not by input position: a
    suggested rule's count is then that of the documents kept where it fires); return the `seq` of the documents
    counted, and how many have no source.

    Copies on other sources do not matter: each source has counts of its own."""
    counts.reset()
    sourceless = 0
    for seq, record, raw in all_cleaned(state):
        if (source := Document(**raw).host) is not None:
            counts.add(source, line_hashes(source, counted_text(record, raw["text"], skip), record["text"]))
        else:
            sourceless += 1
    shared = frozenset(counts.frequent(min_docs, min_share))
    counts.reset()
    seqs, items = state.dedup_items(dedup.params)
    groups = dedup_batch(items, dedup.index, signer=dedup.signer, add=False)
    group_of = {int(seqs[pos]): (d.cluster or d.dup_of or d.id, not d.kept, d.id, int(items.exact[pos]),
                                 items.tiebreak.get(pos, b""))
                for pos, d in zip(groups.positions, groups.decisions)}
    del seqs, items, groups
    chosen: dict[tuple[str, str, int], tuple[str, int, bytes, int]] = {}
    for seq, record, raw in all_cleaned(state):
        source = Document(**raw).host
        if source is not None:
            group, *rank = group_of[seq]
            key = source, group, rest_hash(source, counted_text(record, raw["text"], skip), shared)
            chosen[key] = min(chosen.get(key, (*rank, seq)), (*rank, seq))
    counted = {ranked[-1] for ranked in chosen.values()}
    del group_of, chosen
    for seq, record, raw in all_cleaned(state):
        if seq in counted:
            text = counted_text(record, raw["text"], skip)
            for source, keys in units(Document(**raw).host, record["published"], text, raw["text"], record["text"]):
                counts.add(source, keys)
    counts.spill()
    return Counted(counted, sourceless)


def all_cleaned(state: RunState) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(seq, record, raw document) of every cleaned record of `state`, a chunk at a time (see `RunState.cleaned`)."""
    after = -1
    while chunk := state.cleaned(after):
        yield from chunk
        after = chunk[-1][0]
