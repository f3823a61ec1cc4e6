"""`cleaner run --engine dask`: the run of `runner.Runner`, with its work spread over a Dask cluster.

1. **Splits** (`splits`): one task per input file cuts plain JSONL files into line-aligned ranges.
2. **Prepare**: a Dask bag with one partition per split reads it and runs the per-document stages
   (`workers.prepare_many`) into the split's part (`parts`), with the rule set the client loaded and
   fingerprinted, a task of the graph (a worker then needs no rule pack file, and one lost is recomputable).
3. **Dedup**: every part and every key table of the index mirror (`mirror`) is cut into buckets by key,
   one task each writing one file in bucket order to the work folder; then one task per bucket reads its
   rows from every file and finds the candidate edges (`shuffle`). These are plain futures: a graph of
   maps x buckets made the client's graph handling grow with the square of the splits. The client joins
   the edges into connected components and sends chunks of whole components to verdict tasks (`verdicts`), which run the local
   engine's `dedup_batch` — verification, keep policy, clusters — on them. Every document outside the
   components is alone: kept. The client holds edges, verdicts and clusters (what grows with the
   duplicate candidates), never a signature. The verdicts are stored, then the kept documents go into
   the SQLite index (write-locked from the mirror's refresh to this commit) and the mirror follows.
4. **Finish**: one task per part applies the verdicts and sorts its outputs; the client merges the
   sorted pieces into the files the local engine writes (`runner.write_outputs`), byte for byte.

The work folder (`DIR/.cleaner/dask/`) must be on storage the client and every worker see. A killed run,
started again with the same arguments, keeps every finished part and, once dedup has decided, its
verdicts (adding to the index only what is missing).
"""

from __future__ import annotations

import errno
import heapq
import json
import logging
import os
import pickle
import re
import resource
import shutil
import time
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from ..children import ctrl_c_held
from ..config import Config
from ..dedup.cluster import Decision, Deduplicator, given_again
from ..dedup.index import refuse_other_file
from ..dedup.signature import DedupParams
from ..io.records import ReadStats
from ..io.writers import write_atomic
from ..manifest import (
    InputChangedError,
    batch_name,
    changes,
    check_unchanged,
    continued_over,
    count_records,
    fingerprint,
    not_to_continue,
    pack_hashes,
    refuse_to_continue,
)
from ..packs import RuleSet, load_rules
from ..pipeline import dedup_params
from ..progress import RunProgress
from ..report import counted
from ..runner import (
    STATE,
    Part,
    RunOptions,
    RunSummary,
    already_done,
    claimed,
    clear_outputs,
    differ,
    own_index_to_remove,
    remove_replaced_index,
    say_dangling,
    take_out_replaced,
    write_clusters,
    write_corpus,
    write_outputs,
    write_raw,
    write_rejects,
)
from ..runstate import DASK_WORK, interrupted_run
from . import parts
from .mirror import check_mirror, index_rows, mirror_keys, refresh, remove_mirror
from .shuffle import INDEX_NODE, bucket_edges, components, write_buckets
from .splits import ClusterLost, UsageError, file_splits, split_file
from .verdicts import decide

DEDUP_CHUNK = 50_000
"""At most this many documents per verdict task (whole components: a larger one goes alone)."""
MAX_BUCKETS = 256
"""Shuffle buckets: one per part and mirror table, up to this many (maps × buckets tasks in the graph)."""
CONTINUED = "continued.json"
"""In the work folder: what the `--continue`s of an interrupted run changed (`continued_over`), for the manifest."""


def _not_all_exit(record: logging.LogRecord) -> bool:
    """False for asyncio's "Task exception was never retrieved" about a `distributed.client.AllExit`: a
    `client.gather` stopped by Ctrl-C or SIGTERM leaves one such task per future it waited on, and each
    printed a traceback (61 for a run's finish stage) under the run's own line."""
    from distributed.client import AllExit

    return not (record.exc_info and isinstance(record.exc_info[1], AllExit))


def _not_sync_cancel(record: logging.LogRecord) -> bool:
    """False for tornado's "Exception in callback" about the NameError of `distributed.utils.sync`'s `cancel`: a
    Ctrl-C that reaches `sync` before its coroutine has started makes it cancel a future not yet made (distributed
    2026.8), and tornado printed that traceback above the run's own line (seen once in a loaded suite)."""
    exc = record.exc_info[1] if record.exc_info else None
    if not isinstance(exc, NameError) or exc.__traceback__ is None:
        return True
    last = exc.__traceback__
    while last.tb_next is not None:
        last = last.tb_next
    code = last.tb_frame.f_code
    return not (code.co_name == "cancel" and code.co_filename.endswith(os.path.join("distributed", "utils.py")))


def _not_reconnect(record: logging.LogRecord) -> bool:
    """False for what the client logs of its reconnection to a scheduler lost mid-run, which the run says in its own
    line (`_lost_said`): "Failed to reconnect to scheduler after 30.00 seconds", and the traceback of each of its
    coroutines cancelled as it closes (35 lines for a `kill -9` of an external scheduler, a QA pass)."""
    import asyncio

    cancelled = record.exc_info is not None and isinstance(record.exc_info[1], asyncio.CancelledError)
    return not (cancelled or record.funcName == "_reconnect")


_HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat."


def _not_closing_noise(worker: Any, record: logging.LogRecord) -> bool:
    """False for what a worker logs of its own closing, once it is closing: "Failed to communicate with scheduler during
    heartbeat." (a worker that closes its connections with a heartbeat in flight fails it, and the run's own worker
    printed that 30-line traceback under a run that had ended well, one run in 6-16 here, with `-q` too), and "Async
    instruction for <Task …> ended with CancelledError" for each task it was running (two above the line of a run
    stopped by Ctrl-C, a QA pass)."""
    from distributed.core import Status

    closing = worker.status in (Status.closing, Status.closing_gracefully, Status.closed)
    said = record.getMessage()
    cancelled = said.startswith("Async instruction for ") and said.endswith(" ended with CancelledError")
    return not (closing and (record.msg == _HEARTBEAT_FAILED or cancelled))


def _not_killing_at_close(record: logging.LogRecord) -> bool:
    """False for a nanny's "Worker process still alive after 4.0 seconds, killing": a worker still running a task
    when the run's LocalCluster closes (a Ctrl-C) is the run's to end, and that line came twice above the run's own."""
    return not record.getMessage().startswith("Worker process still alive after ")


class _QuietClosingWorker(WorkerPlugin):
    """On each worker of a run's own LocalCluster, and each one its nanny restarts (a `client.run` at the start reached
    only the workers alive then): the worker's log filtered by `_not_closing_noise`."""

    name = "cleaner-quiet-closing-worker"

    def setup(self, worker: Any) -> None:
        said = partial(_not_closing_noise, worker)
        for name in ("distributed.worker", "distributed.worker.state_machine"):  # a logger's filter is its own alone
            logging.getLogger(name).addFilter(said)


def _quiet_workers(client: Any) -> None:
    """`_QuietClosingWorker` registered with the client's cluster, for what it is worth: a worker lost as it is sent
    is left out, as by `_broadcast` (the scheduler holds the plugin already, for that worker restarted)."""
    from distributed.comm import CommClosedError

    with suppress(CommClosedError):
        client.register_plugin(_QuietClosingWorker())


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler at `scheduler`, or of a LocalCluster of `workers` single-threaded processes."""
    from distributed import Client, LocalCluster

    logging.getLogger("asyncio").addFilter(_not_all_exit)  # for good: the tasks are collected after the client closes
    logging.getLogger("tornado.application").addFilter(_not_sync_cancel)
    logging.getLogger("distributed.client").addFilter(_not_reconnect)  # for good: logged as the client closes
    logging.getLogger("distributed.nanny").addFilter(_not_killing_at_close)  # a LocalCluster's nannies run here

    with ExitStack() as stack:
        if scheduler:  # checked by `_check_scheduler` first
            try:
                client = stack.enter_context(Client(scheduler))
            except (OSError, ValueError) as exc:  # gone since it answered
                raise UsageError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
        else:
            with ctrl_c_held():  # the cluster's loop thread and worker processes start with it blocked: the run's to handle
                # no dashboard; the scheduler's HTTP server (health, metrics) on a free port: it took 8787, the
                # dashboard's, or warned "Port 8787 is already in use" when another run or a user's dashboard had it
                cluster = stack.enter_context(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                           dashboard_address=None,
                                                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}))
            # a Ctrl-C held meanwhile comes out above: the cluster is closed
            client = stack.enter_context(Client(cluster))
            _quiet_workers(client)
        with _lost_said():
            yield client


def _broadcast(client: Any, function: Any) -> dict[str, Any]:
    """`function` run on each worker, by address, for what it is worth: a worker lost meanwhile is left out (its
    broadcast's "Stream is closed" stopped the run, exit 2)."""
    return client.run(function, on_error="ignore")


@contextmanager
def _lost_said() -> Iterator[None]:
    """A connection to a worker or the scheduler lost mid-run (an OSError, which the CLI said as a path's, exit 2),
    futures Dask cancelled for it, or the client closed for it (a traceback), as a `ClusterLost`."""
    from distributed.client import ClosedClientError, FutureCancelledError
    from distributed.comm import CommClosedError

    try:
        yield
    except (CommClosedError, FutureCancelledError, ClosedClientError) as exc:  # closed: no scheduler to reconnect to
        first = str(exc).partition("\n")[0]  # a cancelled future's second line is Dask's advice to re-run the work
        raise ClusterLost(f"the Dask run lost a worker or its scheduler: {first}") from None


def _check_scheduler(address: str) -> None:
    """A UsageError unless a Dask scheduler answers at `address` within distributed.comm.timeouts.connect
    (30 s by default). The client waited forever on a server that waits for a request (a web server), and
    gave a traceback for a Dask worker or a server of another protocol, and said a refused connection as "no
    answer" after the timeout."""
    import asyncio

    import dask
    from dask.utils import parse_timedelta
    from distributed.comm import connect

    host, port = _scheduler_place(address)
    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")

    async def identity() -> Any:
        _, probe = await asyncio.open_connection(host, port)  # refused at once, where connect tries to its timeout
        probe.close()
        comm = await connect(address, timeout=timeout)  # its handshake has no time limit
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()

    try:
        answer = asyncio.run(asyncio.wait_for(identity(), timeout))
    except TimeoutError:  # no answer: a web server waits for a request (caught before the OSError it is)
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # refused, a host unknown, or not an address
        why = f"nothing listens at port {port} of {host} (connection refused)" if _refused(exc) else exc
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: {why}") from None
    except Exception:  # noqa: BLE001 - the bytes of another protocol read as a Dask message: any error
        raise UsageError(f"{address} does not answer in Dask's protocol: it is not a Dask scheduler") from None
    if not isinstance(answer, dict) or answer.get("type") != "Scheduler":
        what = answer.get("type") if isinstance(answer, dict) else None
        raise UsageError(f"{address} is a Dask {what or 'server'}, not a scheduler: give the address the scheduler "
                         "prints (Scheduler at: tcp://...)")


def _refused(exc: Exception) -> bool:
    """Whether `exc` is a refused connection: to a host of several addresses, each refused, asyncio's plain
    OSError("Multiple exceptions: [Errno 111] Connect call failed ('::1', 1, 0, 0), [Errno 111] …")."""
    if not isinstance(exc, OSError):
        return False
    if exc.errno == errno.ECONNREFUSED:
        return True
    said = re.findall(r"\[Errno (\d+)\]", str(exc)) if str(exc).startswith("Multiple exceptions: ") else []
    return bool(said) and all(int(n) == errno.ECONNREFUSED for n in said)


SCHEMES = ("tcp", "tls", "ws", "wss")
"""The schemes of a scheduler's address that another process reaches (`inproc` is a process's own)."""


def _scheduler_place(address: str) -> tuple[str, int]:
    """The host and port of a scheduler's address; a UsageError for another scheme, no port, one that is not a number
    or one out of range (it waited 30 s for `tcp://host:99999`, `inproc://x` said "not enough values to unpack", and
    `foo:bar` "invalid literal for int() with base 10: 'bar'")."""
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, place = parse_address(address, strict=False)
    if scheme not in SCHEMES:
        others = ", ".join(f"{s}://" for s in SCHEMES[1:])
        raise UsageError(f"{address}: a Dask scheduler's address is {SCHEMES[0]}://host:port (or {others}), not "
                         f"{scheme}://")
    try:
        host, port = parse_host_port(place)
    except ValueError as exc:  # the port is what follows the last colon, of `host:port` and `[ipv6]:port` alike
        why = f"port {place.rpartition(':')[2]!r} is not a number" if str(exc).startswith("invalid literal") else exc
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: {why}") from None
    if not 0 < port < 1 << 16:
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: port {port} is out of range (1-65535)")
    return host, port


class DaskRunner:
    """One `cleaner run --engine dask` into `out` (see the module docstring)."""

    def __init__(self, config: Config, inputs: list[str], out: Path, options: RunOptions):
        self.config, self.inputs, self.out, self.options = config, inputs, out, options
        self.index_path = options.index or out / "index.sqlite"
        self.work = out / STATE / DASK_WORK
        self.progress = RunProgress("cleaner run", mode=options.progress)
        self.params = dedup_params(config)
        self.metrics: dict[str, Any] = {}

    @cached_property
    def rules(self) -> RuleSet:
        """The rule packs, loaded and validated once: fingerprinted, and sent to the workers."""
        return load_rules(self.config)

    def run(self) -> RunSummary:
        """Run, resume or confirm the run; return its summary (with `metrics`)."""
        if self.options.strict:
            raise UsageError("--strict stops at the first bad input in input order: use the local engine")
        if self.config.learn_boilerplate:
            raise UsageError("--learn-boilerplate (learn_boilerplate in a config) counts lines over the whole corpus in "
                             "one process: use the local engine (the Dask engine does not distribute it yet)")
        if self.options.scheduler:  # the cluster's workers open these paths from their own folders (not the packs: `rules`)
            relative = [str(p) for p in (*self.inputs, self.out, self.options.index)
                        if p is not None and str(p) != "-" and not Path(p).is_absolute()]
            if relative:
                raise UsageError(f"with --scheduler, give absolute paths: the cluster's workers do not run in this folder "
                                 f"({', '.join(relative)})")
        files = file_splits(self.inputs, self.options.input_format)
        if self.options.scheduler:  # the address's form now; whether a scheduler answers once there is work to do
            _scheduler_place(self.options.scheduler)
        new = not self.out.exists()  # no finished run to confirm: checked before `--out` is made
        if new:  # a run refused leaves no folder
            self._check()
        with claimed(self.out, self.inputs, self.options):
            return self._run(files, checked=new)

    def _check(self) -> None:
        """Refuse, before any work, what would stop the run later: the packs (loaded), what is not the index's mirror
        where it goes, or no place for one (`check_mirror`), and the run's scheduler, if it is given one
        (`_check_scheduler`, last: it may wait for its connect timeout)."""
        self.rules  # noqa: B018 - loaded and cached, or the error
        check_mirror(self.index_path)
        if self.options.scheduler:
            _check_scheduler(self.options.scheduler)

    def _run(self, files: list, checked: bool) -> RunSummary:
        fp = fingerprint(self.config, self.inputs, self.options.output_options())
        fresh = not (self.out / STATE).exists()  # no interrupted run to go on with
        if fresh and (done := already_done(self.out, fp, self.options, self.progress, lambda: self.rules)):
            return done  # said without a scheduler: it needed one, and a web server at its address cost 30 s
        if not checked:
            self._check()
        fp["rules"] = pack_hashes(self.rules)  # named as they were read
        if fresh and (own := own_index_to_remove(self.out, self.options, None)) and own.exists():
            refuse_other_file(own)  # another program's database there: refused before a cluster starts (~7 s) for nothing
        self.batch = batch_name(self.out, fp)
        with self.progress:
            with dask_client(self.options.scheduler, self.options.workers) as client:
                prepared = self._start(fp)
                resumed = sum(s["records"] for s in prepared.values())
                splits = self._timed("split", lambda: self._splits(client, files))
                # the rate counts only this run's work; the characters, as the documents, start at the resumed splits'
                self.progress.start_at(resumed, count_records(fp["inputs"]), sum(s["chars"] for s in prepared.values()))
                read_stats = self._timed("prepare", lambda: self._prepare(client, splits, prepared))
                try:
                    check_unchanged(fp)
                except InputChangedError:  # its splits may hold records of two versions: a rerun starts over
                    shutil.rmtree(self.out / STATE, ignore_errors=True)
                    raise
                part_paths = [parts.part_path(self.work, k) for k in range(len(splits))]
                decisions, clusters, keepers, index_size = self._timed("dedup", lambda: self._dedup(client, part_paths))
                verdicts = [decisions.get(k, {}) for k in range(len(part_paths))]
                cited = [{d.dup_of: keepers[d.dup_of] for d in split.values() if d.dup_of in keepers} for split in verdicts]
                pieces = self._timed("finish", lambda: client.gather(client.map(
                    parts.finish_split, range(len(part_paths)), part_paths, verdicts, cited, work=self.work)))
                if self.options.scheduler is None:
                    self.metrics["worker_peak_rss_mb"] = sorted(
                        round(kb / 1024, 1) for kb in _broadcast(client, _peak_rss_kb).values())
            stats, report = self._timed("write", lambda: write_outputs(
                self.out, self.options, fp, self._write(pieces, clusters), read_stats, index_size, self._continued()))
        shutil.rmtree(self.out / STATE)
        self.metrics["client_peak_rss_mb"] = round(_peak_rss_kb() / 1024, 1)
        return RunSummary(stats, report, resumed, metrics=self.metrics)

    def _splits(self, client: Any, files: list) -> list:
        """The input files cut into splits, or the interrupted run's splits when resuming: its parts are
        numbered by split, so cut again by another `--split-mb` some records were read twice, others never."""
        plan = self.work / "splits.pkl"
        if plan.exists():
            return pickle.loads(plan.read_bytes())
        splits = [s for cut in client.gather(client.map(split_file, files, input_format=self.options.input_format,
                                                        split_bytes=self.options.split_bytes)) for s in cut]
        write_atomic(plan, pickle.dumps(splits))
        return splits

    def _write(self, pieces: list, clusters: list) -> dict[str, Part]:
        """corpus, raw, rejects and clusters from the sorted pieces, as the local engine writes them."""
        out, o = self.out, self.options
        clear_outputs(out)
        return {"corpus": write_corpus(out, o, ((line, summary, chars) for line, summary, _, chars in _kept(pieces))),
                "raw": write_raw(out, o, (raw for _, _, raw, _ in _kept(pieces))),
                "rejects": write_rejects(out, o, _rejected(p[1] for p in pieces)),
                "clusters": write_clusters(out, o, clusters)}

    def _continued(self) -> list[dict[str, Any]]:
        """What each `--continue` of this run changed (`continued_over`), as the work folder holds it."""
        path = self.work / CONTINUED
        return json.loads(path.read_text()) if path.exists() else []

    def _timed(self, stage: str, work: Any) -> Any:
        start = time.monotonic()
        result = work()
        self.metrics[f"{stage}_s"] = round(time.monotonic() - start, 3)
        return result

    def _start(self, fp: dict[str, Any]) -> dict[int, dict[str, Any]]:
        """Keep the work of an interrupted run of the same fingerprint; otherwise start over, having first
        taken out of the shared index the documents of the run this one replaces (`runner.take_out_replaced`),
        which may be one interrupted under the local engine: this one cannot go on with its work. The summary of each
        split already prepared (`parts.prepared`), by split number (none when starting over): the sum of their records
        is the local engine's `_resume_point`."""
        stamp = self.work / "fingerprint.json"
        interrupted = interrupted_run(self.out / STATE)
        if not stamp.exists() and interrupted is not None:
            self.progress.log(f"{self.out}/ holds a run interrupted under --engine local, which this engine cannot go "
                              "on with; starting over (the same command with --engine local goes on with it)")
        elif stamp.exists() and self.options.resume != "restart" and not parts.readable(self.work):
            self.progress.log(f"{self.out}/ holds a run interrupted under an older cleaner, whose work this one cannot "
                              "read; starting over")
        elif stamp.exists() and self.options.resume != "restart":
            was = json.loads(stamp.read_text())
            changed = changes(was, fp)
            if changed and self.options.resume == "force-continue":
                refuse_to_continue(was, fp)
            if not changed or self.options.resume == "force-continue":
                if changed:  # said as the local engine says it, and kept for the manifest (`continued_over`)
                    self.progress.log(f"continuing an interrupted run although its {', '.join(changed)} changed")
                    continued = [*self._continued(), continued_over(was, fp)]
                    write_atomic(self.work / CONTINUED, json.dumps(continued).encode())
                    stamp.write_text(json.dumps(fp, sort_keys=True))  # the work is now of this fingerprint too
                done = parts.prepared(self.work)
                self.progress.log(f"resuming: {counted(len(done), 'split')} already prepared"
                                  + (", dedup already decided" if (self.work / "decided.pkl").exists() else ""))
                return done
            keep = "" if not_to_continue(was, fp) else " (--continue to keep its work)"
            self.progress.log(f"{self.out}/ holds an interrupted run whose {differ(changed)}; starting over{keep}")
        own = own_index_to_remove(self.out, self.options, interrupted)
        take_out_replaced(self.out, self.index_path, self.params, fp, self.options, self.progress, interrupted)
        shutil.rmtree(self.out / STATE, ignore_errors=True)
        if own is not None:  # this run's own, or with --index another file, the replaced run's own (left stale)
            remove_replaced_index(self.out, own, self.options, self.progress)
        if self.options.index is None:
            remove_mirror(self.index_path)
        clear_outputs(self.out)  # left, a run that stopped now left a finished run's, its index gone (`Runner`'s too)
        self.work.mkdir(parents=True)
        parts.mark_layout(self.work)
        stamp.write_text(json.dumps(fp, sort_keys=True))
        return {}

    def _prepare(self, client: Any, splits: list, prepared: dict[int, dict[str, Any]]) -> ReadStats:
        """Every split prepared into its part (those in `prepared`, by an interrupted run, kept and not counted in the
        progress: `start_at` counted them); the read counts of them all."""
        import dask
        import dask.bag as db
        from distributed import as_completed

        if not splits:
            return ReadStats()
        bag = db.from_sequence(list(enumerate(splits)), npartitions=len(splits))
        # a task of the graph: one copy a worker, where each task's arguments held one, and made again from the graph
        # when every worker holding it is lost (scattered, it could not be: the run ended, "lost dependencies")
        rules = dask.delayed(self.rules, traverse=False)
        done = bag.starmap(parts.prepare_split, config=self.config, input_format=self.options.input_format,
                           work=self.work, rules=rules).to_delayed()
        stats, summaries = ReadStats(), []
        futures = client.compute(done)
        new = {future.key for k, future in enumerate(futures) if k not in prepared}
        for future in as_completed(futures):
            for s in future.result():
                summaries.append(s)
                if future.key in new:
                    self.progress.update(s["records"], s["chars"])
                read = ReadStats.from_dict(s["read"])
                stats.files.update(read.files)
                stats.skipped.update(read.skipped)
        self.metrics["documents"] = sum(s["records"] for s in summaries)
        self.metrics["splits"] = len(splits)
        self.progress.log(f"prepared {counted(self.metrics['documents'], 'record')} in {counted(len(splits), 'split')}")
        return stats

    def _dedup(self, client: Any, part_paths: list[Path]) -> tuple[dict[int, dict[int, Decision]], list, dict, int]:
        """The verdicts by split and position (only documents that are not simply kept), the clusters, who kept the
        documents of earlier batches the duplicates copy or give again (`DedupIndex.keepers`), and the index size once
        the kept documents are in."""
        decided = self.work / "decided.pkl"
        with Deduplicator(self.index_path, self.params) as dedup:
            with dedup.index.write_lock():  # as in the local engine: from the first lookup to the commit of the kept
                named = self.work / "batch"  # the name it was decided under (`--continue` changes the fingerprint)
                batch = named.read_text() if named.exists() else self.batch
                added = (self.work / "indexed").exists() or any(map(dedup.index.has_batch, (batch, self.batch)))
                if decided.exists() and added:
                    decisions, clusters = pickle.loads(decided.read_bytes())
                else:  # verdicts the index never took in are decided again, against the index as it is now
                    batch = self.batch
                    named.write_text(batch)
                    decisions, clusters = self._timed("decide", lambda: self._decide(client, dedup, part_paths))
                    write_atomic(decided, pickle.dumps((decisions, clusters)))
                again = given_again(d for verdicts in decisions.values() for d in verdicts.values())
                keepers = dedup.index.keepers([*(c["kept"] for c in clusters if c["kept_in_index"]), *again])
                if not added:
                    cites = (d.dup_of for verdicts in decisions.values() for d in verdicts.values() if d.dup_of)
                    rows = (row for k, path in enumerate(part_paths)
                            for row in parts.kept_rows(path, decisions.get(k, {})))
                    self._timed("index_add", lambda: dedup.index.add_batch(batch, rows, cites, self.out))
                # decided, then `--continue`d: the finishing run's name (resumed in its folder moved: the new path)
                dedup.index.rename_batch(batch, self.batch, self.out)
            say_dangling(dedup.index, self.progress)
            (self.work / "indexed").touch()
            named.write_text(self.batch)  # renamed, if it was not yet (`runstate.interrupted_run` reads it)
            refresh(dedup.index)
            return decisions, clusters, keepers, len(dedup.index)

    def _decide(self, client: Any, dedup: Deduplicator, part_paths: list[Path]) -> tuple[dict, list]:
        from distributed import as_completed

        p = self.params
        mirror = refresh(dedup.index)
        buckets = max(1, min(MAX_BUCKETS, len(part_paths) + len(mirror)))
        shuffled = self.work / "shuffle"

        def shuffle() -> list:
            files = [shuffled / f"part-{k}.npy" for k in range(len(part_paths))]
            files += [shuffled / f"mirror-{k}.npy" for k in range(len(mirror))]
            bounds = client.gather(client.map(_part_buckets, range(len(part_paths)), part_paths, files, params=p,
                                              buckets=buckets, pure=False)
                                   + client.map(_mirror_buckets, [m["keys"] for m in mirror], files[len(part_paths):],
                                                buckets=buckets, pure=False))
            return client.gather(client.map(bucket_edges, [[(f, at[b], at[b + 1]) for f, at in zip(files, bounds)]
                                                           for b in range(buckets)], pure=False))

        reduced = self._timed("shuffle", shuffle)
        shutil.rmtree(shuffled, ignore_errors=True)  # none written when there is nothing to shuffle
        self.metrics["shuffle_bytes"] = sum(received for _, received in reduced)
        groups = sorted(components(edges for edges, _ in reduced).values())
        size = sum(node < INDEX_NODE for members in groups for node in members)
        self.metrics["components"], self.metrics["candidate_documents"] = len(groups), size
        workers = max(1, len(client.scheduler_info()["workers"]))
        target = max(1, min(DEDUP_CHUNK, size // (4 * workers)))  # whole components, about four chunks a worker
        chunks: list[list[int]] = [[]]
        for members in groups:
            if len(chunks[-1]) >= target:
                chunks.append([])
            chunks[-1] += members
        lasts = [m["last"] for m in mirror]

        def home(node: int) -> tuple[bool, int]:
            """(is an index document, the run part or mirror part that holds it)."""
            if node < INDEX_NODE:
                return False, node >> parts.NODE_BITS
            return True, bisect_left(lasts, node & ~INDEX_NODE)

        wanted: dict[tuple[bool, int], list[int]] = {}
        for node in (n for chunk in chunks for n in chunk):
            wanted.setdefault(home(node), []).append(node if node >= INDEX_NODE else node & parts.POSITION)
        loaded = {place: client.submit(index_rows, mirror[place[1]]["docs"], nodes) if place[0]
                  else client.submit(parts.load_items, place[1], part_paths[place[1]], nodes)
                  for place, nodes in wanted.items()}
        verdicts = []
        for chunk in filter(None, chunks):
            places = sorted({home(node) for node in chunk})
            verdicts.append(client.submit(decide, chunk, p, [loaded[x] for x in places if not x[0]],
                                          [loaded[x] for x in places if x[0]], part_paths))
        decisions: dict[int, dict[int, Decision]] = {}
        clusters = []
        for future in as_completed(verdicts):
            chunk_decisions, chunk_clusters = future.result()
            for node, decision in chunk_decisions:
                decisions.setdefault(node >> parts.NODE_BITS, {})[node & parts.POSITION] = decision
            clusters += chunk_clusters
        return decisions, sorted(clusters, key=lambda c: c["id"])


def _part_buckets(k: int, path: Path, out: Path, params: DedupParams, buckets: int) -> list[int]:
    return write_buckets(*parts.part_keys(k, path, params.num_perm, params.bands, params.rows), buckets, out)


def _mirror_buckets(path: Path, out: Path, buckets: int) -> list[int]:
    return write_buckets(*mirror_keys(path), buckets, out)


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _merged(files: Iterator[str]) -> Iterator[list]:
    """The lines of sorted JSON-lines files, merged by their first element."""
    with ExitStack() as stack:
        streams = [map(json.loads, stack.enter_context(open(name, encoding="ascii"))) for name in files]
        yield from heapq.merge(*streams, key=lambda row: row[0])


def _kept(pieces: list) -> Iterator[tuple]:
    for _, line, summary, raw, raw_chars in _merged(p[0] for p in pieces):
        yield line, summary, raw, raw_chars


def _rejected(files: Iterator[str]) -> Iterator[dict]:
    for _, record in _merged(files):
        yield record
