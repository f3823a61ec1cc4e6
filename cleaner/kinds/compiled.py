"""Compiled patterns kept on disk between processes, as Python keeps compiled modules in `.pyc` files.

Loading the shipped packs checks and compiles ~250 patterns, and `re`'s and `regex`'s compilers are written in
Python: ~1 s of CPU in every `cleaner` process and every worker, before its first document. Both compilers end in
one call to their C module (`_sre.compile`, `_regex.compile`) with the pattern turned into a list of integers: that
call's arguments are what a pattern is stored as, and replaying them gives a pattern equal to a compiled one
(`re` compares patterns by their code). The size `patterns.scan_pattern` finds is stored too, so a pattern seen
before is neither scanned nor parsed again. A refused pattern is never stored: it is checked, and refused, each time.

The store is one file under `CLEANER_CACHE_DIR` (default `$XDG_CACHE_HOME/cleaner`, else `~/.cache/cleaner`; an
empty value turns it off), named by a digest of what its contents depend on: the Python and `regex` versions,
`_sre`'s code version and the source of `patterns` (how a size is found). It is only ever an aid: a file that
cannot be read, written or trusted (its checksum) is passed over without a word, and a pattern that does not
replay is compiled as if it had never been stored.

A process holds the file's index, not its records: each key ((engine, pattern, flags), or a pattern's size) is found
by a digest, in a sorted table of 28 bytes a record, and its record (the key itself beside the recipe, compared on
reading: two keys of one digest are told apart) is read when first asked for, and checked against its own CRC-32
(a damaged one is compiled anew). The records are read with `os.pread` on a descriptor kept open, not `mmap`: a
file another process puts in its place (whole, by a rename) leaves this one whole to read on, and a file cut short
by hand gives a short read, not a SIGBUS. What a process makes stays in memory until it saves; saving reads the
others' records from the files it merges. Loading the shipped packs from a store of 14 MB (other patterns filling
it) left a process at 63 MB of RSS, as from a store of theirs alone; reading it whole, at 77 MB (`load_rules`,
`lang_backend='fasttext'`, least of 5 runs)."""

from __future__ import annotations

import bisect
import hashlib
import marshal
import os
import re
import struct
import sys
import threading
import weakref
import zlib
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import regex
import regex._main as _regex_main

_FORMAT = 2
_HEAD = struct.Struct("<III")
"""A store file's head: the CRC-32 of the rest of the head and of the index, `_FORMAT`, the number of records."""
_ENTRY = struct.Struct("<16sIII")
"""An entry of a store file's index: the digest of a record's key, where the record is, its length, its CRC-32 (which
tells damage; the key in the record tells two keys of one digest apart)."""
_REFUSED = ()
"""What is stored in place of a recipe for the engine's refusal of a pattern."""
MAX_BYTES = 16_000_000
"""What a store may hold, in bytes of stored patterns and code: the shipped packs' come to ~2 MB. Past it, a process
stores nothing more, and saving keeps only what this process used (a service checking users' packs compiles many)."""

try:
    _ENGINES: dict[str, tuple[Any, str, Any]] = {"re": (re._compiler, "_sre", re._compiler._sre),
                                                 "regex": (_regex_main, "_regex", _regex_main._regex)}
    """Each engine's compiler module, the name under which it holds its C module, and that module."""
except AttributeError:  # a Python or a `regex` whose compilers are laid out otherwise: every pattern is compiled
    _ENGINES = {}

_SWAP = threading.Lock()
"""Held while a compiler module holds a `_Recorder` in place of its C module (by any store)."""


def _plain(value: Any) -> Any:
    """`value` with int subclasses (flags, `re`'s named op codes) made ints, which `marshal` can write."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


class Refused(Exception):
    """An engine's refusal of a pattern, as stored by an earlier process."""


class _Recorder:
    """Stands in for an engine's C module while one pattern compiles: passes every use through, and keeps the
    arguments of the thread's `compile` call (another thread compiling meanwhile is served as usual)."""

    def __init__(self, module: Any) -> None:
        self._module, self._owner, self.args = module, threading.get_ident(), None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def compile(self, *args: Any) -> Any:
        compiled = self._module.compile(*args)
        if threading.get_ident() == self._owner:
            self.args = args
        return compiled


class CompiledStore:
    """Compiled patterns and pattern sizes, found in the file at `path` (its index read when first asked, a record
    when it is asked for) and written back by `save`. Thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._file = _File(None)
        self._pending = _Made()
        self._used: set[bytes] = set()
        self._held = 0
        self._loaded = False
        self._lock = threading.RLock()

    def size(self, pattern: str) -> int | None:
        """The stored size of `pattern` (as `scan_pattern` found it), or None."""
        size = self._get(("size", pattern))
        return size if type(size) is int else None

    def put_size(self, pattern: str, size: int) -> None:
        """Store the size `scan_pattern` found for `pattern`, which it accepted (`size` found none)."""
        self._keep(("size", pattern), size)

    def compile(self, engine: str, pattern: str, flags: int, compile: Callable[[], Any],
                refusals: tuple[type[BaseException], ...] = ()) -> Any:
        """`pattern` compiled by `engine` (`re` or `regex`) with `flags`: replayed from the store, or made by `compile()`
        (which raises as it would without a store) and stored. An exception of `refusals` is stored too, as the
        engine's refusal of the pattern, and raised again (as `Refused`) without compiling in a later process."""
        if engine not in _ENGINES:
            return compile()
        key = (engine, pattern, flags)
        with self._lock:
            module, name, c_module = _ENGINES[engine]
            recipe = self._get(key)
            if recipe == _REFUSED:
                raise Refused(f"{engine} cannot read this pattern")
            if type(recipe) is tuple:
                with suppress(Exception):  # not what this C module takes: compiled anew below
                    return c_module.compile(*recipe)
            recorder = _Recorder(c_module)
            with _SWAP:
                setattr(module, name, recorder)
                try:
                    compiled = compile()
                except refusals:
                    self._keep(key, _REFUSED)
                    raise
                finally:
                    setattr(module, name, c_module)
            if recorder.args is not None and recorder.args[0] == pattern:
                self._keep(key, _plain(recorder.args))
            return compiled

    def _get(self, key: tuple) -> Any:
        """What is stored under `key`, counted as used; None when nothing is, or its record is not intact."""
        digest = _digest(key)
        with self._lock:
            self._load()
            record = self._pending.get(digest) or self._file.record(digest)
            with suppress(ValueError, EOFError, TypeError):
                stored, value = marshal.loads(record)
                if stored == key:  # not another key of the same digest
                    self._used.add(digest)
                    return value
        return None

    def _keep(self, key: tuple, value: Any) -> None:
        """Store `value` under `key` until `save`, in place of what was there (a recipe the C module refused, a damaged
        record: counted once in the bytes held)."""
        digest, record = _digest(key), marshal.dumps((key, value))
        with self._lock:
            self._load()
            old = self._pending.length(digest) if digest in self._pending else self._file.length(digest)
            if self._held + len(record) - old <= MAX_BYTES:
                self._pending[digest] = record
                self._held += len(record) - old
                self._used.add(digest)

    def save(self) -> None:
        """Write what was added since the store was read, merged with what other processes wrote meanwhile (only what
        this process used, when together they come to over `MAX_BYTES`), and read the file written from then on."""
        with self._lock:
            if not self._pending or self.path is None:
                return
            with suppress(OSError, ValueError):
                theirs = _File(self.path)
                kept = ({digest: theirs for digest in theirs.digests()} | {d: self._file for d in self._file.digests()}
                        | dict.fromkeys(self._pending, self._pending))
                if sum(source.length(digest) for digest, source in kept.items()) > MAX_BYTES:
                    kept = {digest: source for digest, source in kept.items() if digest in self._used}
                _write(self.path, kept)
                theirs.close()
                self._file.close()
                self._file = _File(self.path)
                self._pending = _Made((d, r) for d, r in self._pending.items() if d not in self._file)
                self._held = self._file.held + sum(map(len, self._pending.values()))

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            self._file = _File(self.path)
            self._held = self._file.held


def _digest(key: tuple) -> bytes:
    """What `key` ((engine, pattern, flags), or ("size", pattern)) is found by in a store file."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


class _Made(dict):
    """Records made by this process and not yet saved, by digest: a source of records to `_write`, as a `_File` is."""

    def length(self, digest: bytes) -> int:
        return len(self[digest])

    def take(self, digest: bytes) -> tuple[bytes, int]:
        return self[digest], zlib.crc32(self[digest])


class _File:
    """A store file: its index, read whole when opened, and its records, each read when asked for (`os.pread` on a
    descriptor kept open: when another process puts a new file in its place, this one stays whole to read on)."""

    def __init__(self, path: Path | None) -> None:
        self._index, self.held = b"", 0
        self.close: Callable[[], Any] = lambda: None
        if path is None:
            return
        with suppress(OSError):
            self._fd = os.open(path, os.O_RDONLY)
            self.close = weakref.finalize(self, os.close, self._fd)
            self.close.atexit = False  # open for `patterns`' save at exit, which `atexit` would run after closing it
            with suppress(OSError, struct.error):
                head = os.pread(self._fd, _HEAD.size, 0)
                checksum, form, count = _HEAD.unpack(head)
                held = os.fstat(self._fd).st_size - _HEAD.size - count * _ENTRY.size
                if form == _FORMAT and held >= 0:
                    index = os.pread(self._fd, count * _ENTRY.size, _HEAD.size)
                    if zlib.crc32(head[4:] + index) == checksum:
                        self._index, self.held = index, held
                        return
            self.close()  # not a store of this format, or not whole: passed over

    def _entry(self, digest: bytes) -> tuple[bytes, int, int, int] | None:
        """(digest, offset, length, checksum) of the record stored under `digest` (the index is sorted by digest)."""
        count, size = len(self._index) // _ENTRY.size, _ENTRY.size
        at = bisect.bisect_left(range(count), digest, key=lambda n: self._index[n * size:n * size + 16])
        if at < count and self._index[at * size:at * size + 16] == digest:
            return _ENTRY.unpack_from(self._index, at * size)
        return None

    def __contains__(self, digest: bytes) -> bool:
        return self._entry(digest) is not None

    def digests(self) -> list[bytes]:
        return [self._index[n:n + 16] for n in range(0, len(self._index), _ENTRY.size)]

    def length(self, digest: bytes) -> int:
        entry = self._entry(digest)
        return entry[2] if entry else 0

    def take(self, digest: bytes) -> tuple[bytes, int]:
        """The record under `digest` as stored, and its checksum (a copy of a damaged one stays known as damaged)."""
        _, offset, length, checksum = self._entry(digest)
        return os.pread(self._fd, length, offset).ljust(length, b"\0"), checksum

    def record(self, digest: bytes) -> bytes:
        """The record under `digest`; empty when there is none, or it is not intact."""
        if entry := self._entry(digest):
            with suppress(OSError):
                record = os.pread(self._fd, entry[2], entry[1])
                if zlib.crc32(record) == entry[3]:
                    return record
        return b""


def _write(path: Path, records: dict[bytes, _File | _Made]) -> None:
    """Put a store file of `records` (digest → where its record is) in place of the one at `path` (`write_atomic`: a
    reader sees the old file or the new one): its head (the CRC-32 of the rest of the head and of the index,
    `_FORMAT`, the number of records), the index (an `_ENTRY` a record, sorted by digest), then the records."""
    from ..io.writers import write_atomic  # at saving only: the writers are not needed to read the store

    start = _HEAD.size + len(records) * _ENTRY.size
    data, index = bytearray(start), bytearray()
    for digest in sorted(records):
        record, checksum = records[digest].take(digest)
        index += _ENTRY.pack(digest, len(data), len(record), checksum)
        data += record
    data[4:start] = _HEAD.pack(0, _FORMAT, len(records))[4:] + index
    data[:4] = zlib.crc32(data[4:start]).to_bytes(4, "little")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


def cache_dir() -> Path | None:
    """Where the store lives: `CLEANER_CACHE_DIR` (empty: nowhere), else `$XDG_CACHE_HOME/cleaner`, else `~/.cache/cleaner`."""
    given = os.environ.get("CLEANER_CACHE_DIR")
    if given is not None:
        return Path(given) if given else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


def store_path(folder: Path | None, depends_on: bytes | None) -> Path | None:
    """The store file in `folder` for this Python, `regex`, `_sre` and `depends_on` (the source that finds sizes;
    None, unknown: no store)."""
    if folder is None or depends_on is None:
        return None
    import _sre

    digest = hashlib.blake2b(repr((sys.version, regex.__version__, _sre.MAGIC, _FORMAT)).encode() + depends_on,
                             digest_size=8).hexdigest()
    return folder / f"patterns-{digest}.bin"
