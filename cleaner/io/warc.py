"""WARC and WET files (`.warc`, `.warc.gz`, `.wet`, `.wet.gz`), read with warcio.

- a `response` record with status 200 and an HTML body becomes a document with `html` set (extracted
  later, see `cleaner.html`), decoded by the charset of its Content-Type or of its `<meta>`;
- a `conversion` record (WET) becomes a document of its text;
- every other record (warcinfo, request, metadata, revisit, resource, a response that is not an HTML
  page or not a 200) is skipped and counted in `ReadStats.skipped`, by type; a response whose block does not
  start with an HTTP status line (a page stored without its HTTP headers) is a `bad_input` rejection.

The id is the WARC-Record-ID (else `<file stem>:<record>:<hash>`, as for a JSONL line without one) and the URL
the WARC-Target-URI. A truncated record, or a file that ends inside a record, is a `bad_input` rejection naming
the file and the record number (warcio itself stops silently there, so both are checked here); so are damaged gzip
members of a file of a member a record, naming the records they held, and the records after them are read from the
next member that reads; in plain data (a `.warc`, or one gzip stream's), junk or a damaged header block is one
rejection, the records after it read from the next WARC header. A document whose record is not followed by a blank line (a wrong
Content-Length, which warcio only mentions on stderr) is kept, flagged; in a `.warc`, cut where its block holds the end
of the record and the next one's header, which is read from there (`_Watched`).
"""

from __future__ import annotations

import ast
import gzip
import os
import re
import zlib
from collections import deque
from collections.abc import Callable, Generator, Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders

from ..config import Config
from ..kinds.base import shown
from ..models import Document
from ..report import counted
from .decoding import decode, looks_binary
from .files import html_document
from .jsonl import GZIP_MAGIC
from .names import base_stem, name_text
from .records import MAX_BYTES_PER_CHAR, Item, ReadStats, bad, record_id, text_document, too_large

HTML_TYPES = ("text/html", "application/xhtml+xml")
ARC_LOOKED_AHEAD = 4
"""How many gzip magic numbers past a record read as ARC are looked at for a member opening a WARC record (its
member damaged, read raw): a file of ARC members is refused without reading it all (10,000 took 1 s)."""
UNREAD_ENCODINGS = ("br", "zstd", "compress", "x-compress")
"""Content-Encodings that compress a body but are not decoded here: such a page was `binary content, not HTML`."""


def read_warc(path: Path, config: Config, stats: ReadStats) -> Iterator[Item]:
    """Every document of a WARC or WET file, in file order; skipped records are counted in `stats`. A
    `.warc.gz` compressed as one gzip stream (`gzip x.warc`), not a member per record, is read as one
    stream: warcio refuses it, since such a file cannot be seeked into, but reading needs no seeking."""
    handled = [0]  # records read to their end, when the file has to be read again as one stream
    try:
        fh = path.open("rb")
    except OSError as exc:  # unreadable (no permission): a rejection, where it ended the run (exit 2)
        yield bad(None, f"{name_text(path)}: {exc.strerror or exc}")
        return
    try:
        with fh:
            yield from _resumed(fh, os.fstat(fh.fileno()).st_size, path, config, stats, handled)
    except ArchiveLoadFailed:  # `_read` lets through only warcio's refusal of one gzip stream
        with gzip.open(path) as fh:
            yield from _resumed(_Pieces(fh), None, path, config, stats, handled)
    except OSError as exc:  # a seek or a read of the file itself, past warcio (it ended the run: `cleaner: [Errno 22]`)
        yield bad(None, f"{name_text(path)}: unreadable after record {handled[0]}: {exc.strerror or exc}")


def _resumed(stream: BinaryIO | _Pieces, size: int | None, path: Path, config: Config, stats: ReadStats,
             handled: list[int]) -> Iterator[Item]:
    """The documents `_read` gives of `stream` (the file, or its one gzip stream when `size` is None), read on from
    where it stops past damage: the next gzip member that reads, or the next WARC header (`_read`)."""
    at: int | None = 0
    first = 1  # the records before `handled[0]` are read again, not given, when one gzip stream is read anew
    while at is not None:
        stream.seek(at)
        at = yield from _read(stream, size, path, config, stats, handled, first)
        first = handled[0] + 1


class _DamagedMember(zlib.error):
    """A gzip member of a WARC that stops decompressing after its first block (`_MemberReader`)."""


class _MemberReader(DecompressingBufferedReader):
    """warcio's reader of a WARC's gzip members, but a member that stops decompressing after its first block (a
    damaged page past its first 16 KB) raises `_DamagedMember`: warcio's wrote the error on stderr (`Error -3 while
    decompressing data: incorrect data check`, naming no file, once a block), gave nothing more and fed the rest of
    the file into the dead decompressor, so that every record after it was lost in silence."""

    def _decompress(self, data: bytes) -> bytes:
        """`data` decompressed; warcio's own reading on a first block (one that does not decompress is not gzip)."""
        if self.decompressor is None or not data or not self.num_block_read:
            return super()._decompress(data)
        try:
            return self.decompressor.decompress(data)
        except zlib.error as exc:
            raise _DamagedMember(*exc.args) from None


class _Loader(ArcWarcRecordLoader):
    """warcio's record parser, but a WARC-Target-URI holding spaces, which it percent-encodes, logging so on stderr
    (`Replacing spaces in invalid WARC-Target-URI: …`, naming no file), is percent-encoded here and kept as given in
    `spaced` (None for a record whose URI holds none), for its document to say so (`_document`)."""

    spaced: str | None = None

    def _ensure_target_uri_format(self, rec_headers: StatusAndHeaders) -> str | None:
        """The record's WARC-Target-URI, as warcio gives it."""
        uri = rec_headers.get_header("WARC-Target-URI")
        self.spaced = uri if uri and " " in uri else None
        if self.spaced:
            rec_headers.replace_header("WARC-Target-URI", uri.replace(" ", "%20"))
        return super()._ensure_target_uri_format(rec_headers)


class _Records(ArchiveIterator):
    """warcio's reading of a WARC, with all it writes on stderr (naming no file) made data: a wrong Content-Length
    (`INC_RECORD`, counted in `err_count`: `_ended`), a member that stops decompressing (`_MemberReader` raises),
    a WARC-Target-URI it percent-encodes (`_Loader`); its digest checks, which log too, are left off."""

    INC_RECORD = ""

    def __init__(self, fh: BinaryIO | _Pieces) -> None:
        super().__init__(fh)
        self.reader = _MemberReader(self.fh, block_size=self.reader.block_size)
        self.loader = _Loader(verify_http=False, arc2warc=False)  # ArchiveIterator's own


class _Pieces:
    """A gzip stream whose `read(n)` gives what one step of decompression has (`read1`), not `n` bytes:
    `GzipFile.read(n)` gathers them first, and on a file cut short it raised before handing over what it
    had gathered, so the whole records of the last block warcio asked for (16 KB) were lost. It seeks back over the
    last `KEPT_BACK` bytes it gave from memory: `GzipFile.seek` back decompresses from the start, and reading on past
    damage, once for each, made a file of damaged records quadratic."""

    def __init__(self, fh: gzip.GzipFile) -> None:
        self._fh = fh
        self._kept: deque[bytes] = deque()  # the last bytes read from `fh`, at least `KEPT_BACK` of them
        self._kept_size = 0
        self._again = b""  # what a seek back gives again before reading `fh` on

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that is left when negative); b"" at the end."""
        if self._again:
            data = self._again if size < 0 else self._again[:size]
            self._again = self._again[len(data):]
            return data
        data = self._fh.read1(size) if size >= 0 else self._fh.read()
        self._kept.append(data)
        self._kept_size += len(data)
        while self._kept_size - len(self._kept[0]) >= KEPT_BACK:
            self._kept_size -= len(self._kept.popleft())
        return data

    def tell(self) -> int:
        """Where reading is in the decompressed data: warcio's offsets are theirs, as reading goes on from one."""
        return self._fh.tell() - len(self._again)

    def seek(self, at: int) -> None:
        """Reading moved to byte `at` of the decompressed data: from memory when it is among the bytes kept."""
        back = self._fh.tell() - at
        if 0 < back <= self._kept_size:
            self._again = b"".join(self._kept)[-back:]
        else:
            self._again = b""
            self._fh.seek(at)


KEPT_BACK = 1 << 22
"""How many of the last bytes of one gzip stream read are kept to seek back over (`_Pieces`): more than warcio reads
past the start of a header block it cannot read, but for a junk line longer than that."""

_BOUNDARY = re.compile(rb"\r\n\r\nWARC/1\.[01]\r\n")
"""The end of a WARC record and the header line of the next."""

_HEADER_BLOCK = re.compile(rb"WARC/1\.[01]\r?\n(?:[^\r\n:]+:[^\r\n]*\r?\n)+\r?\n")
"""A WARC header block: its header line, then its fields (`Name: value`), then a blank line."""

_CONTENT_LENGTH = re.compile(rb"^Content-Length:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)

_BLANK_OR_END = re.compile(rb"\r?\n\r?\n|[\r\n]*\Z")
"""What follows a record's block in the next 4 bytes: a blank line, or the data's end (blank lines at most)."""


_VERSION = b"WARC/1."
"""What every `_BOUNDARY` holds: a block without it is read without a search."""


class _Watched:
    """A record's block as `_document` reads it (warcio's `LimitReader`) from a `.warc`, cut where it holds the end of
    a record and the next one's header (`_BOUNDARY`, where a record starts: `_a_record_at`) when its Content-Length is
    wrong (no blank line at the end it gives, or the data end before it: `_ends_a_record`): a Content-Length too long
    read the next records as its page, or lost them, and every record after them, when it ran past the file's end.
    `fh` is the file warcio reads, looked at ahead and put back where it was. `cut`: where the next record starts in
    the data, once cut there."""

    def __init__(self, stream: Any, fh: BinaryIO, size: int, at: int, end: int) -> None:
        self._stream, self._fh, self._size = stream, fh, size
        self._at, self._end = at, end  # `at`: where the next byte read is in the data; `end`: where the block ends
        self._tail, self._right = b"", None  # `_right`: whether the Content-Length is, once looked at
        self.cut: int | None = None

    @property
    def limit(self) -> int:
        """The bytes of the block not read (none once cut)."""
        return 0 if self.cut is not None else self._stream.limit

    def read(self, size: int | None = None) -> bytes:
        """Up to `size` bytes of the block (all when None), none past a cut."""
        if self.cut is not None:
            return b""
        data = self._stream.read(size)
        keep = len(_BOUNDARY.pattern)
        looked = _VERSION in data or _VERSION in self._tail + data[:keep]  # a search of every byte: 13 % of reading
        given = self._cut(data) if looked else data
        self._tail = (self._tail + data)[-keep:] if len(data) < keep else data[-keep:]
        self._at += len(given)
        return given

    def _cut(self, data: bytes) -> bytes:
        """`data`, read after `_tail`, up to where the block is cut (`cut`), if it is."""
        seen, start = self._tail + data, self._at - len(self._tail)
        for found in _BOUNDARY.finditer(seen):
            if found.end() <= len(self._tail):  # looked at with the bytes before
                continue
            if self._right is None:  # looked at once: a block holding a WARC file holds many, its Content-Length right
                self._right = _ends_a_record(self._fh, self._size, self._end)
            if self._right:
                break
            if _a_record_at(self._fh, self._size, start + found.start() + 4):
                self.cut = start + found.start() + 4
                return data[: max(found.start() - len(self._tail), 0)]
        return data


def _watched(record: ArcWarcRecord, records: ArchiveIterator, size: int | None) -> _Watched | None:
    """`record`'s block made a `_Watched` one when read from a `.warc` (of `size` bytes) and of a Content-Length, None
    otherwise: a file of a gzip member a record finds damage by its members, and one gzip stream is not looked at
    ahead (each look decompressed it from the start)."""
    if size is None or records.reader.decompressor is not None or not isinstance(record.raw_stream, LimitReader):
        return None
    at = records.fh.tell() - records.reader.rem_length()  # what warcio's reader has given: the block's start, past
    # its HTTP headers
    record.raw_stream = _Watched(record.raw_stream, records.fh, size, at, at + record.raw_stream.limit)
    return record.raw_stream


def _peeked(fh: BinaryIO, at: int, size: int) -> bytes:
    """`size` bytes of `fh` from byte `at` (fewer at its end), `fh` put back where it was."""
    was = fh.tell()
    try:
        fh.seek(at)
        return fh.read(size)
    finally:
        fh.seek(was)


def _ends_a_record(fh: BinaryIO, size: int, end: int) -> bool:
    """Whether the `size` bytes of `fh` at byte `end`, where a record's block ends by its Content-Length, go on with a
    blank line or end there (blank lines at most), as a record's must: not when the Content-Length is wrong. What
    follows the blank line is the next record's (its damage is its own)."""
    return end <= size and _BLANK_OR_END.match(_peeked(fh, end, 4)) is not None


def _a_record_at(fh: BinaryIO, size: int, at: int) -> bool:
    """Whether a WARC record starts at byte `at` of the `size` bytes of `fh`: a header block whose Content-Length gives
    a block ending as a record's does (`_ends_a_record`), not a page quoting a header."""
    end = _block_end(_peeked(fh, at, 1 << 14), 0)
    return end is not None and _ends_a_record(fh, size, at + end)


def _block_end(data: bytes, at: int) -> int | None:
    """Where in `data` the block of the record whose header block (`_HEADER_BLOCK`) starts at `at` ends by its
    Content-Length; None when none starts there (or its header block is not all in `data`)."""
    head = _HEADER_BLOCK.match(data, at)
    length = _CONTENT_LENGTH.search(head[0]) if head else None
    return None if length is None else head.end() + int(length[1])


def _record_in(data: bytes, at: int, ended: bool) -> bool | None:
    """Whether a WARC record starts at `at` in `data`, read past damage (`ended`: to the data's end): a header block
    whose block ends as a record's does (`_BLANK_OR_END`), or ends past `data` (not looked at further); None when that
    is not known before more is read (its header block not all in `data`)."""
    if (end := _block_end(data, at)) is None:
        short = not ended and len(data) - at < 1 << 14 and re.search(rb"\n\r?\n", data[at:]) is None
        return None if short else False
    return (end + 4 > len(data) and not ended) or _BLANK_OR_END.match(data[end : end + 4]) is not None


_HEADER = re.compile(rb"WARC/1\.[01]\r?\n")
"""A WARC header line (`WARC/1.0`, `WARC/1.1`), at a line's start or not (junk may end on its line)."""


def _next_header(stream: BinaryIO | _Pieces, size: int | None, after: int) -> int | None:
    """Where the first WARC record past byte `after` of `stream` (a file of `size` bytes, or one gzip stream's data
    when None) starts (`_record_in`: not a page quoting a header), read on 1 MB at a time: where reading goes on past
    damage in plain data. None when there is none, when `stream` is a file of gzip members (`_next_member` finds
    theirs), or when one gzip stream breaks before one."""
    try:
        if size is not None:
            stream.seek(0)
            if stream.read(2) == GZIP_MAGIC:
                return None
        stream.seek(after + 1)  # past the line that did not read, its own header line, or junk's first byte
        at, data, ended = after + 1, b"", False  # `data`: what is read from byte `at` on, not yet searched through
        while not ended:
            block = stream.read(1 << 20)
            data, ended = data + block, not block
            for found in _HEADER.finditer(data):
                if (starts := _record_in(data, found.start(), ended)) is None:  # read on, then look again
                    break
                if starts:
                    return at + found.start()
            else:
                found = None
            keep = found.start() if found is not None else max(len(data) - len(_HEADER.pattern), 0)
            at, data = at + keep, data[keep:]
    except (OSError, EOFError, zlib.error):
        pass
    return None


def _read(fh: BinaryIO, size: int | None, path: Path, config: Config, stats: ReadStats, handled: list[int],
          first: int = 1) -> Generator[Item, None, int | None]:
    """The documents of the stream `fh` of `size` bytes (None: not known), its first record numbered `first`, past
    the `handled[0]` records already read to their end (counted there as it goes on); a broken stream ends in one
    rejection naming the last record read to its end (not the one it broke in). In a file of a gzip member a record,
    a damaged member, and those after it up to the next member that reads (`_next_member`), are one rejection naming
    their records (`_members`: the records after them keep their numbers) and first byte, and the offset of that
    member is returned to go on from: the records after it were lost, in a rejection quoting the next member's
    compressed bytes as a "first line"."""
    number, name = first - 1, name_text(path)
    stem = base_stem(name)
    skip = handled[0]
    begun: int | None = None  # where the record numbered `number` starts
    try:
        records = _Records(fh)
        for number, record in enumerate(records, start=first):
            begun = records.offset
            if number <= skip:
                continue
            if record.format != "warc":  # warcio reads a line of five words as an ARC header
                # in a file of gzip members, one of the next few opening a WARC record: the raw bytes of a damaged
                # member (warcio reads one that does not decompress as it is), its record's damage, read on past
                if size is not None and _next_member(path, begun, ARC_LOOKED_AHEAD) is not None:
                    raise ArchiveLoadFailed(f"it reads as {record.format.upper()}, not WARC")
                yield bad(None, f"{name}: not a WARC file (record {number} reads as {record.format.upper()}, not read)")
                return
            where = f"{name}: record {number}"
            watched = _watched(record, records, size)
            item = _document(record, records.loader.spaced, where, f"{stem}:{number}", config, stats)
            handled[0] = number
            if watched is not None and watched.cut is not None:  # read on from the record its block ran into
                yield from _flagged(item, where, record.length, f"its block holds the end of the record and the next "
                                    f"one's header, at byte {watched.cut:,}: it was cut there, and the next record "
                                    "read from there")
                return watched.cut
            yield from _ended(item, records, where, record.length, partial(_of_members, path, size, number))
        number = max(number, skip)
        if size is None:  # one gzip stream: warcio takes a cut for its end, the stream does not
            fh.read()
        elif records.offset < size and not (number == 0 and _compressed_nothing(path)):
            yield bad(None, _ends_inside(name, number + 1, records.offset, size))
        return None
    except ArchiveLoadFailed as exc:
        if size is not None and first == 1 and ("non-chunked gzip" in str(exc) or (
                records.reader.decompressor is not None and not _of_members(path, size, number))):
            raise  # read again, as one stream (damage after its first record, before warcio refused it, too)
        said = _refusal(exc)
        parsed = f"unreadable at byte {_damage_start(records.offset, begun):,}" + (
            f", after record {handled[0]}: {said}" if handled[0] else f": {said}")
        if handled[0] == 0 and said.startswith("Unknown archive format"):  # no record at all: "after record 0" misled
            detail = f"{name}: not a WARC file ({said.replace('Unknown archive format, f', 'its f', 1)})"
        else:
            detail = f"{name}: unreadable after record {handled[0]}: {said}"
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        said, parsed = str(exc), None  # the data's own error: reading on would meet it again
        detail = f"{name}: unreadable after record {handled[0]}: {said}"
    except (AttributeError, TypeError, KeyError, IndexError):  # warcio's parser on a header block cut short, or
        # without the WARC-Target-URI it needs: it said `warcio: AttributeError: 'NoneType' object has no attribute …`
        done = handled[0]
        said = "its header block cannot be read (a response or request without a WARC-Target-URI?)"
        parsed = f"record {done + 1} is damaged: {said}"
        if size is not None and _header_cut(path, _damage_start(records.offset, begun)):
            detail = _ends_inside(name, done + 1, _damage_start(records.offset, begun), size)
        else:
            detail = f"{name}: unreadable after record {done}: record {done + 1} is damaged: {said}"
    start = _damage_start(records.offset, begun)
    if size is not None and (resume := _next_member(path, start)) is not None:
        damaged = number if begun == start else number + 1  # it broke in its record, or in the next one's
        count, known = _members(path, start, resume)
        handled[0] = damaged + count - 1
        yield bad(None, f"{name}: {_damaged(damaged, count, known, start)} ({said}); read on from the next member, "
                        f"at byte {resume:,}")
        return resume
    if parsed is not None and (resume := _next_header(fh, size, start)) is not None:
        yield bad(None, f"{name}: {parsed}; read on from the next WARC header, at byte {resume:,} "
                        f"({counted(resume - start, 'byte')} skipped)")
        handled[0] += parsed.startswith("record")  # a record whose header block is damaged is one of them
        return resume
    yield bad(None, detail)
    return None


def _damage_start(offset: int, begun: int | None) -> int:
    """Where the record that broke at warcio's `offset` starts, the last record read starting at `begun`: `offset`,
    but `begun` when `offset` is not past it (a member that ran on into the next ones, decompressing more than the
    file holds, gave an `offset` before it, negative even)."""
    return offset if begun is None or offset > begun else begun


def _ends_inside(name: str, number: int, offset: int, size: int) -> str:
    """The detail of a file that ends inside record `number`, which starts at byte `offset` of its `size`."""
    return f"{name}: ends inside record {number} (at byte {offset:,} of {size:,}): truncated file"


def _next_member(path: Path, after: int, looked_at: int | None = None) -> int | None:
    """The byte offset of the first gzip member past byte `after` of `path` that opens a WARC record (`_opens_a_record`:
    the gzip magic number alone is found by chance in compressed bytes), among the first `looked_at` magic numbers
    (all when None), where reading goes on past a damaged member; None when there is none, when `path` is not gzip (a
    plain WARC's damage is read as it was), or when `after` is negative (no offset in the file: `_damage_start`)."""
    with path.open("rb") as fh:
        if after < 0 or fh.read(2) != GZIP_MAGIC:
            return None
        found = islice(_magic_numbers(fh, after + 1), looked_at)
        return next((at for at, member in found if _opens_a_record(member)), None)


def _magic_numbers(fh: BinaryIO, at: int) -> Iterator[tuple[int, bytes]]:
    """Each gzip magic number (`GZIP_MEMBER`) of `fh` from byte `at` on, its offset and the 64 KB it starts: the
    file read once, 1 MB at a time with the next 64 KB (a magic number across two blocks is found whole)."""
    step = 1 << 20
    while True:
        fh.seek(at)
        block = fh.read(step + (1 << 16))
        found = block.find(GZIP_MEMBER, 0, step + len(GZIP_MEMBER) - 1)
        while found >= 0:
            yield at + found, block[found : found + (1 << 16)]
            found = block.find(GZIP_MEMBER, found + 1, step + len(GZIP_MEMBER) - 1)
        if len(block) <= step:
            return
        at += step


def _members(path: Path, start: int, stop: int) -> tuple[int, bool]:
    """How many gzip members of `path` lie from byte `start` to byte `stop` (the next member that reads), each found
    where the one before ends (`_member_end`), and whether that is all of them: one that does not read is one member
    when no gzip magic number lies past its start before `stop`, else it and what follows it up to `stop` count as one
    record, the least they may hold."""
    count = 0
    with path.open("rb") as fh:
        while start < stop and (end := _member_end(fh, start, stop)) is not None:
            count, start = count + 1, end
        if count and start == stop:
            return count, True
        return count + 1, next((at for at, _ in _magic_numbers(fh, start + 1)), None) == stop


def _member_end(fh: BinaryIO, at: int, stop: int) -> int | None:
    """Where the gzip member at byte `at` of `fh` ends: past its header (`_skip_gzip_header`), its deflate data
    inflated to their end, and its trailer, its CRC (not checked: a member whose CRC is damaged ends there all the
    same) and its length, found in the next 64 bytes (bytes put in or taken out before it; a next member's trailer
    lies further, as it holds a header block), else 8 bytes on (the trailer itself damaged). What they inflate to
    must end as a WARC record does, with a blank line (damaged deflate data may seem to end early); None when it does
    not end so by byte `stop` (a header or deflate data damaged)."""
    fh.seek(at)
    if not _skip_gzip_header(fh):
        return None
    inflate, data, read, length, tail = zlib.decompressobj(-zlib.MAX_WBITS), b"", fh.tell(), 0, b""
    while not inflate.eof:
        if not data:
            if not (data := fh.read(max(0, min(1 << 16, stop - read)))):
                return None
            read += len(data)
        try:
            out = inflate.decompress(data, 1 << 20)  # 1 MB at a time, not kept
        except zlib.error:
            return None
        length, tail, data = length + len(out), (tail + out[-4:])[-4:], inflate.unconsumed_tail
    end = read - len(inflate.unused_data)
    fh.seek(end)
    found = fh.read(max(0, min(64, stop - end))).find((length % (1 << 32)).to_bytes(4, "little"))
    end += found + 4 if found >= 0 else 8
    return end if end <= stop and tail == b"\r\n\r\n" else None


def _skip_gzip_header(fh: BinaryIO) -> bool:
    """Whether `fh` is at a gzip member's header (RFC 1952: 10 bytes, then the optional fields its flags say it
    holds), read past it when it is."""
    head = fh.read(10)
    if len(head) < 10 or not head.startswith(GZIP_MEMBER):
        return False
    if head[3] & 0x04:  # FEXTRA: its length, then as many bytes
        fh.seek(int.from_bytes(fh.read(2), "little"), os.SEEK_CUR)
    for flag in (0x08, 0x10):  # FNAME, FCOMMENT: ended by a zero byte
        while head[3] & flag and fh.read(1) not in (b"\0", b""):
            pass
    if head[3] & 0x02:  # FHCRC
        fh.seek(2, os.SEEK_CUR)
    return True


def _damaged(first: int, count: int, known: bool, start: int) -> str:
    """What `count` damaged gzip members from byte `start` are (`_members`; `known`: all of them, else the least
    they are, and what follows them), their records numbered from `first`."""
    if count == 1 and known:
        return f"record {first} is damaged: its gzip member, at byte {start:,}, does not read"
    records = f"record {first}" if count == 1 else f"records {first}-{first + count - 1}"
    follows = "" if known else " and what follows up to the next member"
    members = "its gzip member, at byte" if count == 1 else "their gzip members, from byte"
    return f"{records}{follows} are damaged: {members} {start:,}, {'does' if count == 1 else 'do'} not read"


GZIP_MEMBER = GZIP_MAGIC + b"\x08"
"""The first bytes of a gzip member: its magic number (`jsonl.GZIP_MAGIC`) and deflate's method."""


def _inflated(member: bytes, limit: int = 0) -> bytes | None:
    """What the gzip member that the bytes `member` start decompresses to (its first `limit` bytes; all when 0), or
    None when they start none that can be read."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(member, limit)
    except zlib.error:
        return None


def _opens_a_record(member: bytes) -> bool:
    """Whether the bytes `member` start a gzip member that opens a WARC record (`WARC/1.0`, `WARC/1.1`)."""
    return _inflated(member, 5) == b"WARC/"


def _header_cut(path: Path, offset: int) -> bool:
    """Whether the header block at byte `offset` of `path` (a gzip member there decompressed) ends with the file,
    before the blank line that ends a header block: a file cut there, not a record that is damaged."""
    with path.open("rb") as fh:
        fh.seek(offset)
        block = fh.read(1 << 16)
    if block.startswith(GZIP_MAGIC) and (block := _inflated(block)) is None:
        return False
    return re.search(rb"\r?\n\r?\n", block) is None


def _refusal(exc: ArchiveLoadFailed) -> str:
    """warcio's word on a stream it cannot read, on one line, the line it quotes (`Invalid WARC record, first
    line: …`) shown cut (`shown`): junk after the last record, 2 MB of it or a tail of NUL bytes, made a detail
    as long. A line its ARC parser tried is quoted as the list of its words (`['{"id":"a","text":"first', 'file"}']`,
    a JSONL file read as WARC): it is quoted as the line they make."""
    said, quoted, line = str(exc).partition("first line: ")
    return " ".join(said.split()) + (f" {quoted}{shown(_words_joined(line))}" if quoted else "")


def _words_joined(line: str) -> str:
    """`line`, or the line it quotes as the list of its words (Python's repr of one: `['{"id":"a"', 'b"}']`)."""
    try:
        words = ast.literal_eval(line) if line.startswith("[") and line.endswith("]") else None
    except (ValueError, SyntaxError, MemoryError, RecursionError):  # a line of its own that opens and ends so
        return line
    return " ".join(words) if isinstance(words, list) and all(isinstance(w, str) for w in words) else line


def _compressed_nothing(path: Path) -> bool:
    """Whether a file that gave no record is gzip of nothing (it holds no records; see `read_file`),
    not a first record cut short."""
    try:
        with gzip.open(path) as fh:
            return fh.read(1) == b""
    except (OSError, EOFError, zlib.error):
        return False


def _document(record: ArcWarcRecord, spaced: str | None, where: str, place: str, config: Config,
              stats: ReadStats) -> Item | None:
    """One record as a document, a rejection, or None when it is skipped (and counted); a document whose
    WARC-Target-URI was `spaced`, holding spaces, says it was percent-encoded (`_Loader`). One without a
    WARC-Record-ID is named as a JSONL line without an id is (`records.record_id`): by its `place` (`crawl:3`, the
    file's stem and the record's number) and its block as read (nothing, when it is not); it was named `where`,
    the path as typed, so that one record had two ids, `crawl.warc: record 3` and `/data/crawl.warc: record 3`."""
    given = record.rec_headers.get_header("WARC-Record-ID")
    url = record.rec_headers.get_header("WARC-Target-URI")
    where = f"{where} ({url or given})" if url or given else where
    if record.length is None or not record.rec_headers.get_header("Content-Length", "").strip().isdigit():
        # a header block cut short ends in one
        return bad(record_id(given, place, b""), f"{where}: truncated record (no Content-Length)")
    kind = _kind(record)
    too_long = record.length > MAX_BYTES_PER_CHAR * config.max_doc_chars
    if kind == "untyped" and too_long:  # no type, and too large to be sniffed whole: skipped as it was, not read
        kind = None
    raw = b"" if kind is None or too_long else record.raw_stream.read()
    rid = record_id(given, place, raw)
    while record.raw_stream.read(1 << 20):  # what is not kept is read through, to see that it is all there
        pass
    if record.raw_stream.limit:
        return bad(rid, f"{where}: truncated record: {record.length - record.raw_stream.limit:,} of {record.length:,} bytes")
    if kind is None:
        if (line := _not_a_status_line(record)) is not None:
            return bad(rid, f"{where}: not an HTTP response: its block starts {line[:40]!r}, not a status line")
        return _skipped(record, stats)
    if too_long:
        return too_large(rid, where, record.length, "bytes", config)
    body, problems = _body(raw, record.http_headers if kind != "text" else None)
    if kind == "untyped":
        if isinstance(problems, str) or not _STARTS_AS_HTML.match(body):
            return _skipped(record, stats)
        problems = (*problems, "no Content-Type, but its body starts as an HTML page: read as one")
    if isinstance(problems, str):
        return bad(rid, f"{where}: {problems}")
    if cut := record.rec_headers.get_header("WARC-Truncated"):
        problems += (f"the crawler cut this record short (WARC-Truncated: {cut})",)
    if spaced:
        problems += (f"its WARC-Target-URI holds spaces, read percent-encoded as its url: {spaced!r}",)
    flagged = tuple(f"{where}: {problem}" for problem in problems)
    if kind != "text":
        charset = _charset(record.http_headers.get_header("Content-Type", ""))
        return html_document(body, rid, where, config, charset, flagged, url=url)
    text, warnings = decode(body, where)
    return text_document(rid, text, where, config, flagged + warnings, url=url)


def _ended(item: Item | None, records: ArchiveIterator, where: str, length: int,
           of_members: Callable[[], bool]) -> Iterator[Item]:
    """`item` (nothing for None), once `records` has read past the blank lines that end its record. When
    none follows, its Content-Length was wrong: warcio skips the next line and goes on, and the page came
    out cut short (or with the start of the next record) with no word but warcio's on stderr; it is
    flagged. A stream that breaks there raises once the item is given (it was read whole), but a gzip member that
    does not read to its end (its CRC) is its record's damage: the item is not given, as it is not when the member
    ends in the block its page does (`_document` raises), nor when its member runs on past its record, no blank line
    after it, in a file `of_members` (damaged data that decompressed on into the next members: the page was kept,
    flagged for its Content-Length, and warcio's offset of the next record fell before it)."""
    errors = records.err_count
    try:
        records.read_to_end()
    except _DamagedMember:
        raise
    except (OSError, EOFError, zlib.error, ValueError):
        if item is not None:
            yield item
        raise
    if records.err_count > errors and _runs_on(records) and of_members():
        records.offset = records.member_info[0]  # its record's start: warcio's offset past it is no place in the file
        raise _DamagedMember("it runs on past its record")
    if records.err_count > errors:
        yield from _flagged(item, where, length, "the document may be cut short or run into what follows, and the "
                                                 "line after it was skipped")
    elif item is not None:
        yield item


def _flagged(item: Item | None, where: str, length: int, what: str) -> Iterator[Item]:
    """`item` (nothing for None), a document flagged for its record's wrong Content-Length of `length` bytes, saying
    `what` came of it."""
    if isinstance(item, Document):
        problem = (f"{where} ({item.url or item.id}): no blank line after its Content-Length of {length:,} bytes, so "
                   f"that is wrong: {what}")
        item = item.model_copy(update={"warnings": (*item.warnings, problem)})
    if item is not None:
        yield item


def _runs_on(records: ArchiveIterator) -> bool:
    """Whether the gzip member `records` read its record from has not ended with it (a file of one gzip stream, or
    a damaged member)."""
    return records.reader.decompressor is not None and not records.reader.decompressor.eof


def _of_members(path: Path, size: int | None, number: int) -> bool:
    """Whether `path`, read (its `size` known) up to its record `number`, is a file of a gzip member a record, not of
    one gzip stream: a member ended before that record (warcio refuses a second record in one member), or a member
    after the first opens a WARC record."""
    return size is not None and (number > 1 or _next_member(path, 0) is not None)


def _body(raw: bytes, headers: StatusAndHeaders | None) -> tuple[bytes, tuple[str, ...] | str]:
    """An HTTP body as its headers say to read it (de-chunked, then gunzipped or inflated), with what was
    wrong that it was kept despite (a chunked or compressed body that ends early: the page cut short; a body said
    compressed that does not decode but reads as text, no gzip magic number and hardly a control character: stored
    decoded, as a WARC written from `requests` holds it, it is read as it is, where it was `bad_input`), or what
    makes it unreadable (a string: a broken gzip, an encoding of `UNREAD_ENCODINGS`). warcio's own reading gives up
    without a word: a cut body came out as a whole page, a broken one as binary."""
    if headers is None:
        return raw, ()
    problems: tuple[str, ...] = ()
    if "chunked" in headers.get_header("Transfer-Encoding", "").lower():
        data, whole = _dechunked(raw)
        raw = raw if data is None else data
        if not whole:
            problems += ("chunked body ends before its last chunk: the page is cut short",)
    encoding = headers.get_header("Content-Encoding", "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        for wbits in ((16 + zlib.MAX_WBITS,) if "gzip" in encoding else (zlib.MAX_WBITS, -zlib.MAX_WBITS)):
            inflate = zlib.decompressobj(wbits)
            try:
                out = inflate.decompress(raw)
            except zlib.error:
                continue
            if not inflate.eof:
                problems += (f"{encoding} body ends early: the page is cut short",)
            return out, problems
        if raw.startswith(GZIP_MAGIC) or looks_binary(raw[:4096].decode("latin-1"), least=1):  # compressed, broken
            return raw, f"its {encoding} Content-Encoding does not decode"
        return raw, (*problems, f"its {encoding} Content-Encoding does not decode, but its body reads as text, not "
                                "compressed (a crawler that stored it decoded): read as it is")
    if encoding in UNREAD_ENCODINGS:
        return raw, f"its {encoding} Content-Encoding is not read (gzip and deflate are)"
    return raw, problems


def _dechunked(raw: bytes) -> tuple[bytes | None, bool]:
    """A chunked transfer encoding's data, and whether it ended with its last (empty) chunk; None when
    `raw` does not start as chunks (a crawler that stored the body de-chunked and kept the header)."""
    out: list[bytes] = []
    at = 0
    while True:
        end = raw.find(b"\r\n", at)
        try:
            size = int(raw[at:end].split(b";")[0].strip(), 16) if end >= 0 else None
        except ValueError:
            size = None
        if size is None:
            return (None, True) if not out else (b"".join(out), False)
        if size == 0:
            return b"".join(out), True
        out.append(raw[end + 2 : end + 2 + size])
        if len(out[-1]) < size:
            return b"".join(out), False
        at = end + 2 + size + 2


def _charset(content_type: str) -> str | None:
    """The `charset` parameter of a Content-Type (`text/html; Charset="ISO-8859-1"; x=y`), or None."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip(" \"'") or None
    return None


def _kind(record: ArcWarcRecord) -> str | None:
    """`html` for a 200 HTML response, `untyped` for a 200 response without a Content-Type (a page when its body
    starts as one, `_STARTS_AS_HTML`; it was skipped as `warc response no type`), `text` for a WET conversion, None
    for anything else."""
    if record.rec_type == "conversion":
        return "text"
    if record.rec_type == "response" and record.http_headers and record.http_headers.get_statuscode() == "200":
        mime = record.http_headers.get_header("Content-Type", "").split(";")[0].strip().lower()
        return "html" if mime in HTML_TYPES else None if mime else "untyped"
    return None


_STARTS_AS_HTML = re.compile(rb"(?:\xef\xbb\xbf)?[\t\n\x0c\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|"
                             rb"font|table|a|style|title|b|body|br|p|!--)[ >]", re.IGNORECASE)
"""The first bytes of a body the WHATWG MIME Sniffing Standard takes for HTML (`<!DOCTYPE html `, `<html>`, `<p>`,
...: a tag of its list after white space, then a space or `>`), a UTF-8 byte order mark before them allowed."""


def _skipped(record: ArcWarcRecord, stats: ReadStats) -> None:
    """None, for a skipped record, counted in `stats` by its type (and a response by its status or MIME type)."""
    stats.skip(f"warc {record.rec_type}" + _what(record))


def _not_a_status_line(record: ArcWarcRecord) -> str | None:
    """The first line of a response whose block does not start with an HTTP status line (a page stored
    without its HTTP headers: warcio took its first words for one, and it was skipped as a `warc response
    gouvernement`), or None."""
    headers = record.http_headers
    if record.rec_type != "response" or not headers or re.fullmatch(r"\d{3}", headers.get_statuscode()):
        return None
    return f"{headers.protocol} {headers.statusline}".strip()


def _what(record: ArcWarcRecord) -> str:
    """For a skipped response: its status, and its MIME type when it is a 200."""
    if record.rec_type != "response" or not record.http_headers:
        return ""
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f" {status}"
    return " " + (record.http_headers.get_header("Content-Type", "").split(";")[0].strip().lower() or "no type")
