"""The per-document stages (clean, language, gates, signing) over a stream, in this process or a pool.

`prepare_stream` keeps the input order whatever the worker count, and holds at most `IN_FLIGHT`
chunks, and `IN_FLIGHT_BYTES` of input, per worker in flight (some 16 MB of news articles with 2
workers), so memory grows neither with the input nor with the size of its records. Each worker builds
its `Pipeline` once (language models; the rule set is the parent's, handed over) and dies with the parent
process (Linux), so a killed run leaves no orphans. With a language backend that involves lingua, the pool shares one
lingua server (`linguaserver`) instead of loading lingua's models in every worker.
"""

from __future__ import annotations

import os
import pickle
import queue
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from multiprocessing import reduction
from multiprocessing.connection import wait as connection_wait
from typing import Any

from . import linguaserver
from .api import pipeline_for
from .children import SPAWN, ctrl_c_held, init_child
from .config import Config
from .dedup.signature import Signer
from .io.jsonl import Line
from .kinds.patterns import forget_compiled
from .models import Cleaned, Document, Rejected
from .packs import RuleSet, hand_over, load_rules
from .report import summary_of
from .text import visible_length

CHUNK = 64
"""Records in a chunk: what a worker is sent at once, and what the per-document stages take as one batch
(their language detection reads a batch at once)."""
CHUNK_BYTES = 4 << 20
"""A chunk sent to a worker is cut at this many bytes of input, whatever its record count."""
IN_FLIGHT_BYTES = 32 << 20
"""Input bytes in flight per worker, whatever the record count: 2,000 records of 1 MB would otherwise be
held at once (news articles, ~4 KB, stay within `IN_FLIGHT` chunks long before this)."""
IN_FLIGHT = 16
"""Chunks in flight per worker. Results are taken in input order, so when one worker stalls (on a huge
document, or lingua loading models) the others go on only while the window has room: 16 chunks of 64
news articles are ~2 s of a worker's work. The main process holds them all (~10 MB at 32 chunks: the
window was halved when lingua's model loads got short)."""

BAD_INPUT = ("bad_input", "too_large")
"""Rejection reasons that mean the input itself was broken (not a gate or a duplicate)."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One input record after the per-document stages, in the compact form a run stores.

    `record` is the output record (`Cleaned.record()`, not yet with its `cluster`) or the rejection's
    record; `raw` the input `Document` of a cleaned record (for raw.jsonl and for a later dedup
    rejection); `length` the clean text's length; `exact` and `signature` its dedup signature when
    signing was asked for; `problem` what `--strict` stops at: a `bad_input` rejection's detail, or the
    first repair flagged on a kept record (invalid UTF-8, NUL bytes, mojibake), None for a sound record;
    `place` where a cleaned record was read (`Document.where`), which a `repeated_id` names.
    """

    id: str | None
    rejected: bool
    detail: str
    record: dict[str, Any] | None
    raw: dict[str, Any] | None = None
    raw_chars: int = 0
    length: int | None = None
    published: str | None = None
    exact: int | None = None
    signature: bytes | None = None
    problem: str | None = None
    summary: dict[str, Any] | None = None
    """What the run report counts of a cleaned record (`report.summary_of`)."""
    packed: tuple[bytes, bytes | None] | None = None
    """`record` and `raw` as `RunState` stores them (`runstate.pack`), when the stream was asked to pack
    (`record` and `raw` themselves are then left out): encoding and compressing in the workers keeps
    that work, and the sending of both, off the run's main process."""
    place: str | None = None


class StrictStop(Exception):
    """`--strict` met bad input; the message names the record and what was wrong with it."""


def strict(stream: Iterable[Prepared]) -> Iterator[Prepared]:
    """`stream`, stopped with `StrictStop` at the first record that has a `problem`."""
    for prepared in stream:
        if prepared.problem is not None:
            named = f" (id {prepared.id})" if prepared.id else ""
            raise StrictStop(f"--strict: stopped at bad input{named}: {prepared.problem}")
        yield prepared


def prepare_many(items: list[Document | Rejected | Line], config: Config, gates: bool = True,
                 sign: bool = True, rules: RuleSet | None = None) -> list[Prepared]:
    """Run the per-document stages on input records (a `Line` is parsed first), the batch's languages
    detected at once (`Pipeline.prepare_many`), with `rules` (`load_rules(config)` by default)."""
    pipeline = pipeline_for(config, rules)
    docs = [item.parse(config) if isinstance(item, Line) else item for item in items]
    signer = pipeline.dedup.signer if sign else None
    return [as_prepared(out, signer) for out in pipeline.prepare_many(docs, gates=gates)]


def as_prepared(out: Cleaned | Rejected, signer: Signer | None) -> Prepared:
    """The stored form of a document after the per-document stages (signed when `signer` is given)."""
    if isinstance(out, Rejected):
        return Prepared(out.id, True, out.detail, out.record(), raw_chars=_raw_length(out.raw),
                        problem=out.detail if out.reason in BAD_INPUT else None)
    record = out.record()
    record.pop("cluster", None)
    exact, signature = signer.sign(out.text) if signer else (None, None)
    read = out.document.warnings  # what reading repaired: what --strict stops at, not a rule's trouble
    return Prepared(out.id, False, "", record, out.document.model_dump(exclude_defaults=True), len(out.document.text),
                    visible_length(out.text), out.published, exact, None if signature is None else signature.tobytes(),
                    read[0] if read else None, summary_of(record), place=out.document.where)


def _raw_length(raw: Any) -> int:
    """The characters of a rejected record's raw text, which a run's progress counts as it counts a kept one's: its
    `text` (its `html` without one), or the line itself when it could not be read as a record."""
    if isinstance(raw, dict):
        raw = raw.get("text") or raw.get("html")
    return len(raw) if isinstance(raw, str) else 0


def _prepare_chunk(chunk: list[Document | Rejected | Line], config: Config, gates: bool, sign: bool,
                   packed: bool = False, rules: RuleSet | None = None) -> list[Prepared]:
    out = prepare_many(chunk, config, gates, sign, rules)
    if not packed:
        return out
    from .runstate import pack_prepared  # runstate stores Prepared rows: imported here, not at the top

    return [replace(p, record=None, raw=None, packed=pack_prepared(p)) for p in out]


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`items` in lists of `size`, the last one shorter when they run out (`itertools.batched`, 3.12)."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class _Pool(ProcessPoolExecutor):
    """A process pool whose `with` block, left early (Ctrl-C, SIGTERM, an error, `--strict`, a consumer that
    stopped reading), drops the work not yet handed to a worker, where it ran every chunk queued (up to
    `IN_FLIGHT` per worker) to the end first: a Ctrl-C took seconds more to end the command. It kills the
    workers too (`_end_workers`). A watchdog thread breaks the pool when a worker is killed (`_watch`)."""

    _watchdog: tuple[threading.Thread, int, int] | None = None
    """The watchdog thread, and the pipe it is woken through (read end, write end), once a worker is spawned."""

    def _spawn_process(self) -> None:
        """`ProcessPoolExecutor._spawn_process`, the watchdog told of the new worker (started with the first)."""
        super()._spawn_process()
        if self._watchdog is None:
            wake, waker = os.pipe()
            thread = threading.Thread(target=self._watch, args=(wake, dict(self._processes)), daemon=True,
                                      name="cleaner-pool-watchdog")
            self._watchdog = (thread, wake, waker)
            thread.start()
        else:
            os.write(self._watchdog[2], b"+")

    def _watch(self, wake: int, processes: dict[int, Any]) -> None:
        """Until the pool shuts: when a worker dies (killed by a signal or the out-of-memory killer; a worker ends on
        its own only when the pool shuts), break the pool at once.

        A worker killed while it sent a result left half a message in the result pipe, which the pool's own thread
        waited for the rest of for good (the other workers and this process hold the pipe's writing end): the
        results never came, and `cleaner run` hung with its folder locked. Marked broken, its workers killed and its
        end of the pipe closed (`_end_workers`), the pool's thread reads the end of the pipe and fails every pending
        result with `BrokenProcessPool`, as for a worker killed between two results."""
        while True:
            if wake not in connection_wait([wake, *(process.sentinel for process in processes.values())]):
                break
            if os.read(wake, 1) == b".":
                return
            with self._shutdown_lock:
                processes = dict(self._processes or {})
        with self._shutdown_lock:
            if not self._shutdown_thread:
                self._broken = "a worker process died"
                self._end_workers()

    def _stop_watchdog(self) -> None:
        if self._watchdog is not None:
            thread, wake, waker = self._watchdog
            os.write(waker, b".")
            thread.join()
            os.close(wake)
            os.close(waker)
            self._watchdog = None

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        """`ProcessPoolExecutor.submit`, which may start a worker and the pool's thread: a Ctrl-C meanwhile left
        the pool half made (a worker not yet counted, a thread not yet started that its shutdown could not
        join), so it comes once the submit is done."""
        with ctrl_c_held():
            return super().submit(fn, *args, **kwargs)

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        with ctrl_c_held():  # a second Ctrl-C comes once the pool is shut: cut short, its threads hung the exit
            self._stop_watchdog()
            if kind is not None:
                self._end_workers()
            self.shutdown(wait=True, cancel_futures=kind is not None)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """`ProcessPoolExecutor.shutdown`, the watchdog stopped first: the workers it ends are no deaths to break on."""
        self._stop_watchdog()
        super().shutdown(wait, cancel_futures=cancel_futures)

    def _end_workers(self) -> None:
        """Kill the workers, whose work is dropped, and close this process's end of the pipe they send results on.

        A worker killed while it sent a result larger than the pipe (a SIGTERM to the process group, the out-of-memory
        killer) left half a message, which the pool's thread waited for the rest of: for good, since this process
        holds that pipe's writing end too. `shutdown` joined the thread, and the command hung with its folder locked.
        Once every writing end is closed the read meets the pipe's end: the pool finds its workers dead and shuts."""
        for process in list(self._processes.values()):
            process.kill()
        self._result_queue._writer.close()  # what spawns a worker needs it: none is spawned once the block is left


class _InMemory:
    """An object handed to the processes a pool spawns through an anonymous in-memory file (memfd) they inherit, not
    through the pipe that starts each one. A worker's start with the rule set in it (312 kB) outgrew that pipe: the
    command's write waited for the worker to read it, which the worker did between its imports, for a second, and a
    command killed meanwhile (`kill -9`) left it half a message, a traceback on the terminal (`UnpicklingError: pickle
    data was truncated`) before any of cleaner's code ran in it. The pipe now holds a few kB, written at once."""

    def __init__(self, obj: Any) -> None:
        self._fd = os.memfd_create("cleaner-handed", os.MFD_CLOEXEC)
        with open(self._fd, "wb", closefd=False) as file:
            pickle.dump(obj, file)

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _read_in_memory, (reduction.DupFd(self._fd),)  # the descriptor goes to the process being spawned

    def close(self) -> None:
        os.close(self._fd)


def _handed(obj: Any, stack: ExitStack) -> Any:
    """`obj` as a pool's workers are to be given it: an `_InMemory`, closed when `stack` is (once the pool is shut: a
    worker may be spawned until then), where the system has memfd (Linux); elsewhere `obj` itself, in the message."""
    if not hasattr(os, "memfd_create"):
        return obj
    handed = _InMemory(obj)
    stack.callback(handed.close)
    return handed


def _read_in_memory(handed: Any) -> Any:
    """What an `_InMemory` holds, in a spawned process, from the descriptor it inherited (its offset shared with the
    other workers': read from the start, not from the offset)."""
    fd = handed.detach()
    try:
        return pickle.loads(os.pread(fd, os.fstat(fd).st_size, 0))
    finally:
        os.close(fd)


def spawn_pool(workers: int, initializer: Any = init_child, *initargs: Any) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes that die with this one: each runs `initializer(this
    process's pid, *initargs)` first (`init_child`, or a function that calls it). Its `with` block, left
    early, cancels the work not yet handed to a worker and kills the workers."""
    return _Pool(workers, mp_context=SPAWN, initializer=initializer, initargs=(os.getpid(), *initargs))


def _init_worker(parent: int, config: Config, lingua: tuple[str | tuple, bytes] | None, rules: RuleSet) -> None:
    init_child(parent)
    if lingua is not None:
        linguaserver.connect(*lingua)
    hand_over(config, rules)
    pipeline_for(config)


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prepare_stream(items: Iterable[Document | Rejected | Line], config: Config, *, workers: int = 1, gates: bool = True,
                   sign: bool = True, packed: bool = False, chunk: int = CHUNK, warm: bool = False,
                   live: bool = False, rules: RuleSet | None = None) -> Iterator[Prepared]:
    """`prepare_many` over `items`, a chunk at a time, in input order, on `workers` processes (1: in this process), with
    `Prepared.packed` filled when `packed` is asked for. The records are cleaned with `rules` (`load_rules(config)` by
    default), the rule set this process loaded, validated and may have fingerprinted: a pool's workers are handed it
    (`packs.hand_over`) rather than load the packs again, which may have been edited since. With `warm`, a pool's lingua server loads
    lingua's models at once instead of when the first text needs them (for a large input, where one
    surely will: the load then overlaps the work instead of stalling the workers).

    An input of at most `chunk` records is done in this process whatever `workers` says: starting
    workers (each loads the rule packs and language models) would cost more than it saves.

    `live` is for an input that comes as it is made (stdin from another program): each record's result
    is yielded as soon as it and those before it are done, instead of once `chunk` records (or a pool's
    window of them) have come; the input is then read on a thread of its own (`_Feed`)."""
    if workers <= 1:
        for batch in batches(items, 1 if live else chunk):  # a live input: each record as it comes
            yield from _prepare_chunk(batch, config, gates, sign, packed, rules)
        return
    feed = _Feed(items, live)
    head = feed.take(chunk + 1, CHUNK_BYTES, patience=0.5)  # a live input that stalls goes to the pool after 0.5 s
    if feed.ended:
        yield from _prepare_chunk(head, config, gates, sign, packed, rules)
        return
    pending: deque[tuple[Future, int]] = deque()  # each chunk's result to come, and the bytes of its input
    held = 0
    with ExitStack() as stack:
        lingua = None
        if linguaserver.wanted(config.lang_backend):  # one lingua for the pool, not one per worker
            server = linguaserver.start(SPAWN, partial(init_child, os.getpid()),
                                        warm=config.lang_backend if warm else None)
            stack.callback(server.shutdown)
            stack.callback(linguaserver.count_loads, server)  # first: callbacks run last in, first out
            lingua = (server.address, bytes(SPAWN.current_process().authkey))
        handed = _handed(rules or load_rules(config), stack)
        pool = stack.enter_context(spawn_pool(workers, _init_worker, config, lingua, handed))
        forget_compiled()  # the workers clean: this process's memory is then dedup's

        def room() -> bool:
            return len(pending) < IN_FLIGHT * workers and held < IN_FLIGHT_BYTES * workers

        def first() -> list[Prepared]:
            nonlocal held
            future, size = pending.popleft()
            held -= size
            return future.result()

        while True:
            while room() and (batch := head or feed.take(chunk, CHUNK_BYTES, block=not pending)):
                head = []
                size = sum(map(_bytes, batch))
                held += size
                pending.append((pool.submit(_prepare_chunk, batch, config, gates, sign, packed), size))
            if not pending:
                return
            if live and not feed.ended and room():
                while pending and pending[0][0].done():  # what is done, without waiting for more input
                    yield from first()
                if pending:
                    feed.wait_or(pending[0][0])
                continue
            yield from first()


def _bytes(item: Document | Rejected | Line) -> int:
    """About what an input record weighs in memory: a line's bytes, a document's text and HTML."""
    if isinstance(item, Line):
        return len(item.raw)
    if isinstance(item, Document):
        return len(item.text) + len(item.html or "")
    return 0


class _Feed:
    """The input of `prepare_stream`: read in the caller's thread, or, when `live`, on a thread of its own
    so that taking a chunk takes what has come without waiting for the rest of it."""

    def __init__(self, items: Iterable[Any], live: bool) -> None:
        self.ended = False
        self._items = iter(items)
        self._queue: queue.Queue | None = None
        if live:
            self._queue = queue.Queue(maxsize=256)
            threading.Thread(target=self._read, daemon=True, name="cleaner-feed").start()

    def _read(self) -> None:
        try:
            for item in self._items:
                self._queue.put((item, None))
            self._queue.put((_END, None))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            self._queue.put((_END, exc))

    def _next(self, block: bool, timeout: float | None) -> Any:
        """The next item, or `_END`; live, `queue.Empty` when none has come in time."""
        if self._queue is None:
            return next(self._items, _END)
        item, exc = self._queue.get(block=block, timeout=timeout)
        if exc is not None:
            raise exc
        return item

    def take(self, n: int, max_bytes: int, block: bool = True, patience: float = 0.0) -> list[Any]:
        """Up to `n` items, stopping once they hold `max_bytes` (`_bytes`): when not live, the next ones;
        when live, what has come, waiting for the first one only when `block`, and for each next one up
        to `patience` seconds. `ended` tells when the input has run out."""
        out: list[Any] = []
        size = 0
        while len(out) < n and size < max_bytes and not self.ended:
            try:
                item = self._next(block, None) if not out else self._next(patience > 0, patience or None)
            except queue.Empty:
                break
            if item is _END:
                self.ended = True
            else:
                out.append(item)
                size += _bytes(item)
        return out

    def wait_or(self, future: Future) -> None:
        """Wait until `future` is done or more input has come (a short poll: a queue cannot be waited on
        together with a future)."""
        while not future.done() and self._queue.empty():
            wait([future], timeout=0.02)


_END = object()
