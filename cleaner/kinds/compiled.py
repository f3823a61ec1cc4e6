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
replay is compiled as if it had never been stored."""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import regex
import regex._main as _regex_main

_FORMAT = 1
MAX_BYTES = 16_000_000
"""What a store may hold, in bytes of stored patterns and code: the shipped packs' come to ~1.5 MB. Past it, a process
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
    """Compiled patterns and pattern sizes, read from `path` when first asked and written back by `save`. Thread-safe."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._sizes: dict[str, int] = {}
        self._recipes: dict[tuple[str, str, int], bytes] = {}  # each marshalled apart: read only when replayed
        self._used: set = set()
        self._held = 0
        self._loaded = self._dirty = False
        self._lock = threading.RLock()

    def size(self, pattern: str) -> int | None:
        """The stored size of `pattern` (as `scan_pattern` found it), or None."""
        with self._lock:
            self._load()
            size = self._sizes.get(pattern)
            if size is not None:
                self._used.add(pattern)
            return size

    def put_size(self, pattern: str, size: int) -> None:
        """Store the size `scan_pattern` found for `pattern`, which it accepted."""
        with self._lock:
            grown = 0 if pattern in self._sizes else len(pattern)
            if self._held + grown <= MAX_BYTES:
                self._sizes[pattern] = size
                self._held += grown
                self._used.add(pattern)
                self._dirty = True

    def compile(self, engine: str, pattern: str, flags: int, compile: Callable[[], Any],
                refusals: tuple[type[BaseException], ...] = ()) -> Any:
        """`pattern` compiled by `engine` (`re` or `regex`) with `flags`: replayed from the store, or made by `compile()`
        (which raises as it would without a store) and stored. An exception of `refusals` is stored too, as the
        engine's refusal of the pattern, and raised again (as `Refused`) without compiling in a later process."""
        if engine not in _ENGINES:
            return compile()
        key = (engine, pattern, flags)
        with self._lock:
            self._load()
            module, name, c_module = _ENGINES[engine]
            if self._recipes.get(key) == b"":
                self._used.add(key)
                raise Refused(f"{engine} cannot read this pattern")
            if (recipe := self._recipes.get(key)) is not None:
                with suppress(Exception):  # not what this C module takes: compiled anew below
                    compiled = c_module.compile(*marshal.loads(recipe))
                    self._used.add(key)
                    return compiled
            recorder = _Recorder(c_module)
            with _SWAP:
                setattr(module, name, recorder)
                try:
                    compiled = compile()
                except refusals:
                    self._keep(key, b"")
                    raise
                finally:
                    setattr(module, name, c_module)
            if recorder.args is not None and recorder.args[0] == pattern:
                self._keep(key, marshal.dumps(_plain(recorder.args)))
            return compiled

    def _keep(self, key: tuple[str, str, int], recipe: bytes) -> None:
        """Store `recipe` under `key`, replacing one the C module refused (counted once in the bytes held)."""
        old = self._recipes.get(key)
        grown = len(recipe) - (len(old) if old is not None else -len(key[1]))
        if self._held + grown <= MAX_BYTES:
            self._recipes[key] = recipe
            self._held += grown
            self._used.add(key)
            self._dirty = True

    def save(self) -> None:
        """Write what was added since the store was read, merged with what other processes wrote meanwhile (only
        what this process used, when together they come to over `MAX_BYTES`)."""
        with self._lock:
            if not self._dirty or self.path is None:
                return
            sizes, recipes = _read(self.path)
            sizes.update(self._sizes)
            recipes.update(self._recipes)
            if _held(sizes, recipes) > MAX_BYTES:
                sizes = {k: v for k, v in self._sizes.items() if k in self._used}
                recipes = {k: v for k, v in self._recipes.items() if k in self._used}
            with suppress(OSError, ValueError):
                _write(self.path, sizes, recipes)
                self._sizes, self._recipes, self._held, self._dirty = sizes, recipes, _held(sizes, recipes), False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            if self.path is not None:
                sizes, recipes = _read(self.path)
                self._sizes, self._recipes = sizes | self._sizes, recipes | self._recipes
                self._held = _held(self._sizes, self._recipes)


def _held(sizes: dict[str, int], recipes: dict[tuple[str, str, int], bytes]) -> int:
    return sum(map(len, sizes)) + sum(len(key[1]) + len(recipe) for key, recipe in recipes.items())


def _read(path: Path) -> tuple[dict[str, int], dict[tuple[str, str, int], bytes]]:
    """The sizes and recipes of the store file at `path`; none when it is missing, unreadable or not intact."""
    try:
        data = path.read_bytes()
        checksum, body = data[:16], data[16:]
        if hashlib.blake2b(body, digest_size=16).digest() != checksum:
            return {}, {}
        form, sizes, recipes = marshal.loads(body)
        if form == _FORMAT and all(type(k) is str and type(v) is int for k, v in sizes.items()) and all(
                type(k) is tuple and len(k) == 3 and type(k[1]) is str and type(v) is bytes for k, v in recipes.items()):
            return sizes, recipes
    except (OSError, ValueError, EOFError, TypeError, AttributeError):  # AttributeError: not dicts
        pass
    return {}, {}


def _write(path: Path, sizes: dict, recipes: dict) -> None:
    """Replace the store file at `path` whole (`write_atomic`: a reader sees the old file or the new one)."""
    from ..io.writers import write_atomic  # at saving only: the writers are not needed to read the store

    body = marshal.dumps((_FORMAT, sizes, recipes))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, hashlib.blake2b(body, digest_size=16).digest() + body)


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
