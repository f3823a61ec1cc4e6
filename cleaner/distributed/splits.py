"""Input splits: the units the Dask engine reads in parallel, one partition each.

A split is a whole input file, or for a plain (uncompressed) JSONL file larger than `split_bytes`, a
byte range of it that starts and ends on line starts, with the number of lines before it so that
details (`file:line`) and the ids made for records without one (`stem:line:hash`) are the ones a
sequential read gives. Compressed files, JSONL in UTF-16 or UTF-32, Parquet and WARC are one split each,
and so is a JSONL file of blank lines alone or of binary content: read whole, it is the one rejection
`read_file` makes of it (`holds no records`, `binary content, not JSONL`). An input that names no
file is a split holding its rejection. Reading every split in order gives exactly `read_inputs`'s records.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..config import Config
from ..io.jsonl import binary_start, read_jsonl, wide_codec
from ..io.names import Listed, listed, name_text
from ..io.readers import format_of, named_sources, read_file
from ..io.records import Item, ReadStats, bad
from ..models import Rejected

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Split:
    """A file (`start` 0, `end` None), a line-aligned byte range of a plain JSONL file, or a rejection."""

    path: str | None
    start: int = 0
    end: int | None = None
    first_line: int = 0
    rejected: Rejected | None = None
    marked: bool = False
    """The file opens with UTF-8's byte order mark: each range of it is UTF-8, whatever the config's `encoding`."""
    depth: int | None = None
    """For a file a folder or a glob listed, how many leading parts of its path name that folder (`names.Listed`)."""
    ident: str | None = None
    """For a file read as one document that a folder or a glob listed, or whose id another file's would be: its
    document's id, as `read_inputs` gives it (`names.distinct_ids`)."""


class UsageError(ValueError):
    """A Dask run that cannot start as asked (stdin as an input, no scheduler at the address)."""


class ClusterLost(Exception):
    """A Dask run that lost a worker or its scheduler where Dask cannot go on without it (the CLI's line, exit 4)."""


def file_splits(inputs: list[str], input_format: str = "auto") -> list[Split]:
    """One split per input file, in reading order (stdin cannot be split: give a file), each file named as
    `read_inputs` names it (`input_format` tells which files are named by their paths)."""
    out = []
    for source in named_sources(inputs, input_format):
        if source == "-":
            raise UsageError("--engine dask reads files; stdin ('-') cannot be spread over a cluster")
        if isinstance(source, Listed):
            out.append(Split(str(source), depth=source.depth, ident=source.ident))
        elif isinstance(source, Path):
            out.append(Split(str(source)))
        else:
            out.append(Split(None, rejected=source))
    return out


def split_file(split: Split, input_format: str, split_bytes: int) -> list[Split]:
    """`split` cut into line-aligned ranges of about `split_bytes` when it is a plain JSONL file; else as is."""
    if split.path is None:
        return [split]
    path = Path(split.path)
    fmt = format_of(path) if input_format == "auto" else input_format
    plain = not path.name.lower().endswith((".gz", ".zst"))
    if fmt != "jsonl" or not plain or not path.is_file() or path.stat().st_size <= split_bytes:
        return [split]
    size = path.stat().st_size
    starts = [0]
    with path.open("rb") as fh:
        # UTF-16 or UTF-32 (a LF byte may be half a character), binary or blank: read whole, as `read_file` does
        if wide_codec(fh) or binary_start(fh) or _blank(fh):
            return [split]
        target = split_bytes
        while target < size:
            fh.seek(target - 1)
            _to_line_end(fh)
            if fh.tell() >= size:
                break
            starts.append(fh.tell())
            target = fh.tell() + split_bytes
        out, lines = [], 0
        fh.seek(0)
        marked = fh.peek(3)[:3] == codecs.BOM_UTF8
        for start, end in zip(starts, starts[1:] + [size]):
            out.append(Split(split.path, start, end, lines, marked=marked))
            left = end - start
            while left:
                chunk = fh.read(min(_CHUNK, left))
                lines += chunk.count(b"\n")
                left -= len(chunk)
    return out


def _blank(fh: BinaryIO) -> bool:
    """Whether a UTF-8 file holds nothing but whitespace (after the byte order mark that may open it):
    read up to its first other byte."""
    fh.seek(0)
    chunk = fh.read(_CHUNK).removeprefix(codecs.BOM_UTF8)
    while chunk:
        if chunk.strip():
            return False
        chunk = fh.read(_CHUNK)
    return True


def _to_line_end(fh: BinaryIO) -> None:
    while (chunk := fh.readline(_CHUNK)) and not chunk.endswith(b"\n"):
        pass


class _Range:
    """A binary file read up to byte `end` (what `read_jsonl` needs: `readline`)."""

    def __init__(self, fh: BinaryIO, end: int):
        self.fh, self.end = fh, end

    def readline(self, size: int = -1) -> bytes:
        left = self.end - self.fh.tell()
        if left <= 0:
            return b""
        return self.fh.readline(left if size < 0 else min(size, left))


def read_split(split: Split, config: Config, input_format: str, stats: ReadStats) -> Iterator[Item]:
    """The records of one split, as `read_inputs` gives them; `stats` counts a split file once."""
    if split.rejected is not None:
        yield split.rejected
    elif split.end is None:
        yield from read_file(Path(split.path) if split.depth is None else listed(split.path, split.depth, split.ident),
                             config, input_format, stats)
    else:
        if split.start == 0:
            stats.files["jsonl"] += 1
        try:
            with open(split.path, "rb") as fh:
                fh.seek(split.start)
                yield from read_jsonl(_Range(fh, split.end), name_text(split.path), config, split.first_line,
                                      marked=split.marked)
        except OSError as exc:  # read_jsonl catches errors while reading: this is the file gone since planning
            yield bad(None, f"{name_text(split.path)}: {exc.strerror or exc}")
