"""Writing records: JSON lines (plain, `.gz` or `.zst`) or Parquet, one file or shards, always atomically.

A file is written under a temporary name and renamed into place when it is complete, so a reader
never sees half a file, and a killed run leaves no output that looks finished. Compressed output is
byte-identical from run to run (gzip without a timestamp or file name, zstd at a fixed level).
"""

from __future__ import annotations

import errno
import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, TextIO

FORMATS = ("jsonl", "parquet")
JSON_COLUMNS = ("langs", "edits", "meta")
"""Parquet columns that hold a nested value as its JSON text."""
OPTIONAL_COLUMNS = ("cluster", "warnings", "url", "meta", "html")
"""Columns whose key a JSONL record leaves out when it has no value (see `Cleaned.record`)."""
COMPRESSIONS = ("none", "gz", "zst")


def parquet_record(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row of a cleaner output as its JSONL record: `JSON_COLUMNS` decoded from their JSON text
    (a text that is not JSON is left as it is: a Parquet file of other origin), empty optional columns left out."""
    out = {}
    for key, value in row.items():
        if key in OPTIONAL_COLUMNS and not value:
            continue
        if key in JSON_COLUMNS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        out[key] = value
    return out


def can_be_written(target: Path) -> None:
    """An OSError naming `target` when no file could take its place: it is a folder, or below a file."""
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file to write", str(target))
    for folder in target.parents:
        if folder.exists():
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{folder} is a file, not a folder", str(target))
            break


def stdout() -> TextIO:
    """`sys.stdout`, for a command that writes to it, an error in writing it (a full disk) naming it `-` as `clean
    --out -` does (`rules list` and `diff` said `[Errno 28] No space left on device`, naming nothing); an OSError
    naming it ("-: stdout is closed", the CLI's one line and exit 2) when the process was started with it closed
    (`>&-`: Python's `sys.stdout` is None), which every command writing there met as an AttributeError's traceback."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, "stdout is closed", "-")
    return _Stdout(sys.stdout)


class _Stdout:
    """A text stream whose `write` and `flush` errors name it `-` (`stdout`); the rest is the stream's own."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _named(exc, "-") from None

    def flush(self) -> None:
        with _naming("-"):
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def utf8_stream(stream: TextIO) -> TextIO:
    """`stream` (stdout) set to take JSON lines, or other data a file would hold (a patch, a YAML pack): UTF-8
    whatever the locale (a Latin-1 one could not write Greek), a lone surrogate written as its JSON escape; a
    stream that cannot be set so (a `StringIO`) is left as it is."""
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    return stream


def nowhere(stream: Any) -> None:
    """Put the null device on `stream`'s descriptor (stdout's, its reader gone): what it holds buffered, and what
    Python flushes at its exit, goes nowhere, without a second BrokenPipeError (as `cli._nowhere` does for stderr)."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, stream.fileno())
    finally:
        os.close(null)


def text_stream(stream: TextIO) -> TextIO:
    """`stream` (stdout) set to take text for a person, in the locale's encoding, what that cannot hold written
    as escapes (`\\u2501`), as stderr writes it: a Latin-1 locale ended `cleaner diff` at its first `━━` and
    `rules list` at its first `•` in a traceback; a stream that cannot be set so (a `StringIO`) is left as it is."""
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="backslashreplace")
    return stream


def _written_through(target: Path) -> bool:
    """Whether `target` is there and not a regular file (a FIFO, a device such as /dev/null): such a path is
    written in place, never replaced by a file renamed over it."""
    try:
        return not stat.S_ISREG(target.stat().st_mode)
    except FileNotFoundError:
        return False


def _resolved(path: str | Path) -> Path:
    """`path` with its symbolic links resolved (a link stays, its target is written); as given when what the
    link names is no path but it opens all the same: `/dev/stdout` on a pipe reads `/proc/N/fd/pipe:[7158]`."""
    target = Path(os.path.realpath(path))
    return Path(path) if not os.path.lexists(target) and os.path.exists(path) else target


STALE_TEMPORARY = 60.0
"""Seconds a temporary file no writer holds must have been left untouched to be a killed writer's (`_remove_stale`):
one a writer has just closed, about to rename it into place, is not."""


def _temporary(target: Path) -> tuple[int, str]:
    """A temporary file beside `target`, with the permissions a new file gets (mkstemp's are 0600), locked
    (`flock`) while its descriptor is open, so a later writer of `target` can tell it from a killed writer's, which it
    removes first (`_remove_stale`); an OSError names `target`, not the temporary file (`/proc/.o.jsonl.kz4bil70: No
    such file or directory`)."""
    _remove_stale(target)
    with _naming(target):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel when the descriptor closes, or the process dies
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return fd, tmp


def _remove_stale(target: Path) -> None:
    """Remove what killed writers of `target` left beside it (`.o.jsonl.9qz61ko5`, as large as the output: each killed
    `cleaner clean` left a pair for ever): the temporaries of its name that no writer holds locked (`_temporary`) and
    that have been left untouched for `STALE_TEMPORARY` seconds."""
    stale = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}")
    try:
        names = [name for name in os.listdir(target.parent) if stale.fullmatch(name)]
    except OSError:
        return
    for name in names:
        path = target.parent / name
        try:
            if time.time() - path.stat().st_mtime < STALE_TEMPORARY:
                continue
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: a writer alive holds it
            path.unlink()
        except OSError:
            pass
        finally:
            os.close(fd)


def write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` through a temporary file of its own, renamed into place (two writers of the
    same file never meet half-way); a symbolic link stays (its target is written), a device is written in
    place (`_written_through`), and an OSError (a full disk) names `target` and leaves no temporary file."""
    target = _resolved(target)
    if _written_through(target):
        with _naming(target), open(target, "wb") as fh:
            fh.write(data)
        return
    fd, tmp = _temporary(target)
    try:
        with _naming(target), os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError:
        os.unlink(tmp)
        raise
    _put(tmp, target)


def _put(tmp: str, target: str | Path) -> None:
    """Rename `tmp` to `target`; on failure, remove `tmp` and name `target` (not `tmp`) in the OSError."""
    with _naming(target):
        try:
            os.replace(tmp, target)
        except OSError:
            os.unlink(tmp)
            raise


@contextmanager
def _naming(target: str | Path) -> Iterator[None]:
    """An OSError inside names `target`, the file the user asked for, not a temporary file beside it."""
    try:
        yield
    except OSError as exc:
        raise _named(exc, target) from None


def _named(exc: OSError, target: str | Path) -> OSError:
    """`exc` naming `target` (`_naming`, where a `with` per call costs too much: a line written)."""
    return OSError(exc.errno, exc.strerror, str(target))


_ESCAPED = (*map(chr, range(0x80, 0xA0)), "\u2028", "\u2029")
"""The characters `json_line` writes as escapes: the C1 controls (U+0085 among them) and U+2028, U+2029."""
_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in _ESCAPED})


def json_line(text: str) -> str:
    """JSON text with the C1 controls (U+0080-U+009F) and U+2028, U+2029 written as their escapes (`\\u2028`):
    valid JSON either way, but `str.splitlines()`, many editors and line-oriented tools end a line at U+0085,
    U+2028 and U+2029, so a JSON line holding one raw was read as two broken ones, and a terminal acts on a C1
    control as on an escape sequence (U+009B is CSI: `cat corpus.jsonl` could clear the screen), as it would on
    the C0 ones JSON escapes. Every other character is left as it is."""
    if not text.isascii() and any(c in text for c in _ESCAPED):  # checked first: cheap (a line in 10,000 has one)
        return text.translate(_ESCAPES)
    return text


def dumps(record: Any) -> str:
    """One JSON line (`json_line`), other non-ASCII kept as is; keys keep their order so equal input gives
    equal bytes."""
    return json_line(json.dumps(record, ensure_ascii=False))


def _compressed(raw: BinaryIO, compression: str) -> BinaryIO:
    if compression == "gz":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
    if compression == "zst":
        import zstandard

        # with its checksum, so that a file damaged later is seen when it is read again (`jsonl.damaged_part`)
        return zstandard.ZstdCompressor(level=6, write_checksum=True).stream_writer(raw, closefd=False)
    return raw


class JsonlWriter:
    """A context manager writing one JSON object a line; `-` is stdout. The file appears only on success
    (written beside, then renamed into place); a FIFO or a device is written through, and a symlink's
    target is written, the link left as it is.

    The suffix picks the compression (`.gz`, `.zst`, else none). With `keep_empty=False` a file that
    got no record is not created, and one an earlier run left there is removed (it is not this run's).
    A lone surrogate (which UTF-8 cannot hold) is written as its JSON escape, so the line stays valid;
    so are U+0085, U+2028 and U+2029, so the line stays one (`json_line`).

    A `side` output (`clean --rejects -`, beside the output file) whose reader goes (`| head -1`: a broken pipe) is
    not the command's end, which is its main output's: the records given from then on go nowhere, counted in `lost`
    for the command to say so. (The BrokenPipeError ended the command with exit 0, as a filter's reader going does,
    and the output file was never written.)
    """

    def __init__(self, path: str | Path, keep_empty: bool = True, side: bool = False):
        self.path = str(path)
        self.keep_empty = keep_empty
        self.side = side
        self.count = 0
        self.lost = 0
        """Records of a `side` output not written: given after its reader went."""
        self._fh: TextIO | None = None
        self._tmp: str | None = None
        self._layers: list[Any] = []

    def __enter__(self) -> JsonlWriter:
        if self.path == "-":
            self._fh = utf8_stream(stdout())  # said before anything is read when it is closed
            return self
        target = self._target = _resolved(self.path)  # a symlink stays, its target is written
        can_be_written(target)
        if _written_through(target):
            raw = open(target, "wb")  # closed in __exit__
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = _temporary(target)
            raw = os.fdopen(fd, "wb")
        compression = {".gz": "gz", ".zst": "zst"}.get(target.suffix.lower(), "none")  # as the readers tell it
        packed = _compressed(raw, compression)
        self._layers = [raw] if packed is raw else [packed, raw]
        self._fh = io.TextIOWrapper(packed, encoding="utf-8", errors="backslashreplace", newline="\n")
        return self

    def write(self, record: dict[str, Any]) -> None:
        """Write one record."""
        self._put(dumps(record))

    def write_line(self, line: str) -> None:
        """Write one record given as its JSON text, on one line (its line breaks escaped: `json_line`)."""
        self._put(json_line(line))

    def _put(self, line: str) -> None:
        assert self._fh is not None
        if self.lost:
            self.lost += 1
            return
        try:
            self._fh.write(line + "\n")
            if self._tmp is None:  # stdout, a FIFO, a device: its reader gets each record as it is written
                self._fh.flush()
        except OSError as exc:  # a full disk, a reader gone
            if not (self.side and isinstance(exc, BrokenPipeError)):
                raise _named(exc, self.path) from None
            self._nowhere()
            self.lost = 1
            return
        self.count += 1

    def _nowhere(self) -> None:
        """Put the null device on the descriptor written (stdout's, for `-`), as `nowhere` does."""
        assert self._fh is not None
        nowhere(self._layers[-1] if self._layers else self._fh)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._fh is not None
        try:
            with _naming(self.path):  # a full disk
                self._fh.flush()
                if self.path == "-":
                    return
                self._fh.detach()
                for layer in self._layers:
                    layer.close()
        except OSError:
            if self._tmp is not None:
                os.unlink(self._tmp)
            raise
        if self._tmp is None:  # written through
            return
        if exc_type is None and (self.count or self.keep_empty):
            _put(self._tmp, self._target)
            return
        os.unlink(self._tmp)
        if exc_type is None:
            self._target.unlink(missing_ok=True)


class ParquetWriter:
    """A context manager writing records as Parquet rows with a fixed schema (`columns`: name → arrow type).

    Values of a string column that are lists or dicts are stored as their JSON text, so nested fields
    (edits, meta) keep one schema across shards; rows go out in row groups of `batch_rows`.
    """

    def __init__(self, path: str | Path, columns: dict[str, Any], batch_rows: int = 2_000):
        import pyarrow as pa

        self.path = str(path)
        self.schema = pa.schema(list(columns.items()))
        self.batch_rows = batch_rows
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._tmp: str | None = None
        self._lock = -1
        """The temporary file's locked descriptor (`_temporary`), open while pyarrow writes through its own."""
        self._writer: Any = None

    def __enter__(self) -> ParquetWriter:
        import pyarrow.parquet as pq

        target = Path(self.path)
        can_be_written(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._lock, self._tmp = _temporary(target)  # held open while pyarrow writes: the temporary is a writer's
        self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        return self

    def write(self, record: dict[str, Any]) -> None:
        """Buffer one record; a full buffer becomes a row group."""
        self._rows.append(record)
        self.count += 1
        if len(self._rows) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._rows:
            return
        columns = {}
        for f in self.schema:
            values = [row.get(f.name) for row in self._rows]
            if pa.types.is_string(f.type):
                values = [json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for v in values]
            columns[f.name] = pa.array(values, type=f.type)
        with _naming(self.path):  # a full disk
            self._writer.write_table(pa.table(columns, schema=self.schema))
        self._rows.clear()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._tmp is not None
        try:
            if exc_type is None:
                self._flush()
            with _naming(self.path):
                self._writer.close()
        except OSError:
            os.unlink(self._tmp)
            os.close(self._lock)
            raise
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)
        os.close(self._lock)


def parquet_columns(kind: str) -> dict[str, Any]:
    """The Parquet schema of an output (`corpus` or `raw`)."""
    import pyarrow as pa

    s, f = pa.string(), pa.float64()
    if kind == "raw":
        return {"id": s, "text": s, "url": s, "html": s}
    return {"id": s, "text": s, "title": s, "source": s, "published": s, "author": s, "section": s, "lang": s,
            "lang_score": f, "langs": s, "cluster": s, "edits": s, "warnings": pa.list_(s), "url": s, "meta": s}


@dataclass(frozen=True)
class OutputFile:
    """One finished output file: its name inside the output folder, its record count and SHA-256."""

    file: str
    records: int
    sha256: str


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class ShardedOutput:
    """Records of one output (`corpus`, `raw`, ...) into `folder`, in one file or in shards of `shard_docs`.

    Names: `corpus.jsonl` (`.jsonl.gz`, `.jsonl.zst`, `.parquet`), or with shards `corpus-00000.jsonl`, ...
    An output with no record is still one (empty) file, so every output a manifest names exists.
    """

    def __init__(self, folder: Path, name: str, fmt: str = "jsonl", compression: str = "none",
                 shard_docs: int | None = None):
        if fmt not in FORMATS or compression not in COMPRESSIONS:
            raise ValueError(f"unknown output format {fmt!r} or compression {compression!r}")
        self.folder, self.name, self.fmt, self.shard_docs = folder, name, fmt, shard_docs
        self.suffix = ".parquet" if fmt == "parquet" else ".jsonl" + ("" if compression == "none" else "." + compression)
        self.files: list[OutputFile] = []
        self._writer: JsonlWriter | ParquetWriter | None = None

    def __enter__(self) -> ShardedOutput:
        return self

    def path(self, shard: int = 0) -> Path:
        """The file of shard number `shard` (without `shard_docs`, the one file)."""
        return self.folder / f"{self.name}{f'-{shard:05d}' if self.shard_docs else ''}{self.suffix}"

    def _open(self) -> None:
        path = self.path(len(self.files))
        writer = ParquetWriter(path, parquet_columns(self.name)) if self.fmt == "parquet" else JsonlWriter(path)
        self._writer = writer.__enter__()

    def _close(self) -> None:
        assert self._writer is not None
        self._writer.__exit__(None, None, None)
        path = Path(self._writer.path)
        self.files.append(OutputFile(path.name, self._writer.count, sha256_of(path)))
        self._writer = None

    def write(self, record: dict[str, Any]) -> None:
        """Write one record, starting a new shard when the current one is full."""
        self._next().write(record)
        self._full()

    def write_line(self, line: str) -> None:
        """Write one record given as its JSON text: as is into JSONL, decoded into Parquet."""
        writer = self._next()
        if isinstance(writer, JsonlWriter):
            writer.write_line(line)
        else:
            writer.write(json.loads(line))
        self._full()

    def _next(self) -> JsonlWriter | ParquetWriter:
        if self._writer is None:
            self._open()
        assert self._writer is not None
        return self._writer

    def _full(self) -> None:
        assert self._writer is not None
        if self.shard_docs and self._writer.count >= self.shard_docs:
            self._close()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc_type is not None:
            if self._writer is not None:
                self._writer.__exit__(exc_type, exc, tb)
            return
        if self._writer is None and not self.files:
            self._open()
        if self._writer is not None:
            self._close()
