"""JSONL (`.jsonl`, `.ndjson`, plain, `.gz` or `.zst`): one record a line, streamed.

UTF-8, or UTF-16 or UTF-32 when the stream's first bytes say so (a byte order mark, or the NUL bytes
of its first character, as `json.detect_encoding` reads them: a Windows "Unicode" export). Blank lines
are skipped; a bad line is a rejection naming file and line; a line longer than a document of
`max_doc_chars` could be (6 bytes a character, JSON's `\\uXXXX`) is skipped unread as `too_large`, and a shorter one
over `max_doc_chars` characters that gives no document is `too_large` too, carrying none of it;
a stream that breaks (truncated `.gz`/`.zst`) ends in one rejection naming the last line read. A file's gzip member or
zstd frame whose check fails (a bit flipped) is found before its lines are read (`damaged_part`): they are rejected,
each, not kept as sound (the check is made at the member's end, after its lines were given).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import math
import re
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from ..config import Config
from ..escapes import too_many_digits
from ..models import Rejected
from ..report import counted
from . import decoding
from .decoding import decode, decode_unlabelled, looks_binary
from .names import base_stem, name_text
from .records import NESTED, Item, bad, numbers_taken, record_document, too_large, warned

JSON_BYTES_PER_CHAR = 6


@dataclass(frozen=True, slots=True)
class Line:
    """A JSONL line read but not parsed (`read_inputs(..., lazy=True)`): decoding and parsing it is left
    to whoever prepares the document, so a run's workers do it in parallel instead of its main process."""

    raw: bytes
    where: str
    place: str
    codec: str | None = None
    """The encoding of `raw` when it is not the config's `encoding`: the file's UTF-16 or UTF-32 (`utf-16-le`, ...),
    or UTF-8 in a file that opens with its byte order mark."""
    warnings: tuple[str, ...] = ()
    """What was wrong with the file that it was read despite (its first line carries it: `read_jsonl`'s `said`)."""

    def parse(self, config: Config) -> Item:
        """The document (or rejection) the line holds; see `parse_line`."""
        return parse_line(self.raw, self.where, self.place, config, self.codec, self.warnings)


class ZstdFrames(io.RawIOBase):
    """The bytes of a zstd stream of one or more frames, read from `raw`; one that ends inside a frame
    raises EOFError, as gzip does (zstandard's own stream reader ends there without a word, so a cut
    file lost its tail in silence). A damaged frame, or junk after the last, raises its ZstdError once
    what was decompressed before it is read: it was lost with the 64 KB read that met the fault."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw, self._frame, self._fed = raw, zstandard.ZstdDecompressor().decompressobj(), False
        self._out, self._at, self._made = b"", 0, 0
        self._error: zstandard.ZstdError | None = None
        self.frame_start = 0
        """Where the frame being read starts in the decompressed stream (`_zstd_damage`)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._out):
            if self._error is not None:
                raise self._error
            data = self._raw.read(1 << 16)
            if not data:
                if self._fed and not self._frame.eof:
                    raise EOFError("zstd stream ended inside a frame: truncated file" + ("" if self._made else (
                        " (nothing of it decompressed: zstd decompresses a block, of up to 128 KB, whole, and the cut "
                        "is in its first)")))
                return 0
            parts = []
            try:
                while data:
                    if self._frame.eof:  # the next frame
                        self._frame, self._fed = zstandard.ZstdDecompressor().decompressobj(), False
                        self.frame_start = self._made + sum(map(len, parts))
                    self._fed = True
                    parts.append(self._frame.decompress(data))
                    data = self._frame.unused_data if self._frame.eof else b""
            except zstandard.ZstdError as exc:
                self._error = exc
            self._out, self._at = b"".join(parts), 0
            self._made += len(self._out)
        n = min(len(buffer), len(self._out) - self._at)
        buffer[:n] = self._out[self._at : self._at + n]
        self._at += n
        return n


@contextmanager
def open_jsonl(path: Path) -> Iterator[BinaryIO]:
    """A binary stream of the file's lines, decompressed by its extension (`.gz`, `.zst`)."""
    with path.open("rb") as raw:
        yield _opened(raw, named_compression(path))


GZIP_MAGIC, ZSTD_MAGIC = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"
_SKIPPABLE = range(0x184D2A50, 0x184D2A60)
"""The magic numbers of zstd's skippable frames (a 4-byte size follows, then what they hold): a zstd stream may open
with one (`pzstd` writes one before its frames)."""


def named_compression(path: Path) -> str | None:
    """`gzip` or `zstd`, as the file's extension (`.gz`, `.zst`) says, or None."""
    name = path.name.lower()
    return "gzip" if name.endswith(".gz") else "zstd" if name.endswith(".zst") else None


def found_compression(fh: BinaryIO) -> str | None:
    """`gzip` or `zstd`, as the stream's first bytes (its magic bytes, a zstd frame's or a skippable frame's, peeked,
    left unread) say, or None."""
    start = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
    if start.startswith(GZIP_MAGIC):
        return "gzip"
    return "zstd" if start == ZSTD_MAGIC or int.from_bytes(start, "little") in _SKIPPABLE else None


def misnamed(where: str, found: str | None, named: str | None) -> tuple[str, ...]:
    """The warning for a file whose compression by its first bytes (`found`) is not the one its name says (`named`)."""
    if found == named:
        return ()
    return (f"{where}: named as {named or 'uncompressed'}, but its content is {found or 'uncompressed'}: "
            "read as its content is",)


def _opened(fh: BinaryIO, compression: str | None) -> BinaryIO:
    """`fh` decompressed as `compression` (`gzip`, `zstd`, None: as it is)."""
    if compression == "gzip":
        return gzip.GzipFile(fileobj=fh)
    if compression == "zstd":
        return io.BufferedReader(ZstdFrames(fh), buffer_size=1 << 16)
    return fh


def decompressed(fh: BinaryIO) -> BinaryIO:
    """A stream with no name to tell its compression by (stdin), decompressed when it opens with gzip's or zstd's
    magic bytes: `cat news.jsonl.gz | cleaner clean -` was one rejection, "binary content, not JSONL"."""
    return _opened(fh, found_compression(fh))


@dataclass(frozen=True, slots=True)
class Damage:
    """A file's gzip member or zstd frame whose check fails (`damaged_part`): a line holding bytes from `start`, where
    it starts in the decompressed stream, to `end`, where it ends, may hold bytes it altered."""

    start: int
    end: int | None
    """None when not known: the member's data broke (a zstd frame's, or deflate's), and the stream with it."""
    part: str
    """`gzip member` or `zstd frame`."""
    why: str


def damaged_part(fh: BinaryIO, compression: str | None) -> Damage | None:
    """The first gzip member or zstd frame of a file (a seekable stream) whose check fails, found by decompressing it
    once, what it holds not kept (gzip inflates at hundreds of MB/s, cleaning reads a few), the file sought back to
    where it was (a stream decompressing it reads on unaltered); None when every one reads (one cut short is no damage:
    what it gave was decompressed as written, nor junk after the last: the reader says both). A member's check (its CRC
    and length, a zstd frame's checksum) is read at its end: a bit flipped in it kept its lines, altered, as sound
    documents, the one word of it a rejection `unreadable after line N` once they were given."""
    at = fh.tell()
    fh.seek(0)
    try:
        return _gzip_damage(fh) if compression == "gzip" else _zstd_damage(fh) if compression == "zstd" else None
    finally:
        fh.seek(at)


def _gzip_damage(fh: BinaryIO) -> Damage | None:
    """`damaged_part` of a gzip stream, judged as `gzip.GzipFile` reads it: each member's header read by its function
    (it takes reserved flag bits and a wrong header CRC, which zlib refuses), its deflate data inflated, checked against
    its trailer; the zero bytes between two members skipped, as `gzip` skips them. The file is read once (`_Ahead`)."""
    ahead, made = _Ahead(fh), 0
    try:
        while gzip._read_gzip_header(ahead) is not None:  # noqa: SLF001 - the header as GzipFile reads it
            try:
                size, crc = _inflated(ahead)
            except zlib.error as exc:
                return Damage(made, None, "gzip member", str(exc))
            if why := _trailer_fault(ahead.read(8), size, crc):
                return Damage(made, made + size, "gzip member", why)
            made += size
            ahead.skip_zeros()
    except (EOFError, gzip.BadGzipFile):  # cut short, or junk after the members: the reader says it, when it meets it
        pass
    return None


_ZEROS = re.compile(rb"\0*")


class _Ahead:
    """A stream read a MB ahead, for `_gzip_damage` to parse gzip members from: what inflating a member was given past
    its end is put back (`back`), as `gzip` puts it back, not sought back over in the file (a MB read again for each
    member made a file of one member a line, as `gzip.open(path, "ab")` writes it, 20 times slower to check)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh, self._buf, self._at = fh, b"", 0

    def read(self, size: int) -> bytes:
        """Up to `size` bytes, fewer only at the stream's end: a file's `read`, for `gzip._read_gzip_header`."""
        if self._at + size > len(self._buf):
            self._buf, self._at = self._buf[self._at :] + self._fh.read(max(size, 1 << 20)), 0
        data = self._buf[self._at : self._at + size]
        self._at += len(data)
        return data

    def chunk(self) -> memoryview:
        """The next bytes for a decompressor, at most 16 KB (the input it leaves unused is copied); empty at the end."""
        self._fill()
        data = memoryview(self._buf)[self._at : self._at + (1 << 14)]
        self._at += len(data)
        return data

    def back(self, size: int) -> None:
        """The last `size` bytes of the last `chunk` put back, to be read again."""
        self._at -= size

    def skip_zeros(self) -> None:
        """Read past the zero bytes that may pad a gzip file after a member."""
        while self._fill():
            self._at = _ZEROS.match(self._buf, self._at).end()
            if self._at < len(self._buf):
                return

    def _fill(self) -> bool:
        """The next MB of the stream read when all before it was; False at the stream's end."""
        if self._at == len(self._buf):
            self._buf, self._at = self._fh.read(1 << 20), 0
        return self._at < len(self._buf)


def _inflated(fh: _Ahead) -> tuple[int, int]:
    """The size and CRC-32 of a gzip member's deflate data, read from `fh` (left where it ends), inflated a MB of output
    at a time (a gzip bomb is not held whole); EOFError for data cut short."""
    member, size, crc = zlib.decompressobj(-zlib.MAX_WBITS), 0, 0
    while not member.eof:
        data = member.unconsumed_tail or fh.chunk()
        out = member.decompress(data, 1 << 20)
        if not (data or out):
            raise EOFError("cut short")
        size, crc = size + len(out), zlib.crc32(out, crc)
    fh.back(len(member.unused_data))
    return size, crc


def _trailer_fault(trailer: bytes, size: int, crc: int) -> str | None:
    """What is wrong with a gzip member of `size` bytes and CRC `crc` by its `trailer` (its 8 bytes), in GzipFile's
    words; None when it is sound. EOFError for a trailer cut short."""
    if len(trailer) < 8:
        raise EOFError("cut short")
    told, told_size = struct.unpack("<II", trailer)
    if told != crc:
        return f"CRC check failed {hex(told)} != {hex(crc)}"
    return "Incorrect length of data produced" if told_size != size & 0xFFFFFFFF else None


def _zstd_damage(fh: BinaryIO) -> Damage | None:
    """`damaged_part` of a zstd stream: its frames decompressed (`ZstdFrames`) to the first that fails, when one holds
    a checksum (`_checksummed`). A frame holds one only if written with it (`zstd` writes it; zstandard's
    `ZstdCompressor` when told, `write_checksum=True`): a bit flipped in a frame without is seen only when it breaks the
    frame's structure, which the reader sees as well, so a file of such frames is not decompressed twice."""
    if not _checksummed(fh):
        return None
    fh.seek(0)
    frames = ZstdFrames(fh)
    try:
        while frames.read(1 << 20):
            pass
    except zstandard.ZstdError as exc:  # junk after the frames is no frame's damage: the reader says it
        return None if _between(exc) else Damage(frames.frame_start, None, "zstd frame", str(exc))
    except EOFError:  # cut short: what it gave was decompressed as written
        pass
    return None


def _checksummed(fh: BinaryIO) -> bool:
    """Whether a frame of a zstd stream holds a checksum (its header's Content_Checksum_flag), found by walking the
    frames' headers and their blocks' (RFC 8878), nothing decompressed; False at the first bytes that are no frame
    (junk, a cut), which the reader meets before any frame after them."""
    while len(magic := fh.read(4)) == 4:
        if int.from_bytes(magic, "little") in _SKIPPABLE:
            fh.seek(int.from_bytes(fh.read(4), "little"), 1)
            continue
        descriptor = fh.read(1)
        if magic != ZSTD_MAGIC or not descriptor:
            return False
        if descriptor[0] & 0x04:
            return True
        fh.seek(_header_rest(descriptor[0]), 1)
        if not _past_blocks(fh):
            return False
    return False


def _header_rest(descriptor: int) -> int:
    """The bytes of a zstd frame's header after its descriptor byte: window descriptor, dictionary id, content size."""
    single = descriptor >> 5 & 1
    return 1 - single + (0, 1, 2, 4)[descriptor & 3] + (single, 2, 4, 8)[descriptor >> 6]


def _past_blocks(fh: BinaryIO) -> bool:
    """`fh` read past a zstd frame's blocks, by their 3-byte headers, to its last; False for a reserved block type or a
    frame cut short."""
    while len(head := fh.read(3)) == 3:
        header = int.from_bytes(head, "little")
        kind = header >> 1 & 3
        if kind == 3:
            return False
        fh.seek(1 if kind == 1 else header >> 3, 1)  # an RLE block holds one byte
        if header & 1:
            return True
    return False


def read_jsonl_file(path: Path, config: Config, lazy: bool = False) -> Iterator[Item | Line]:
    """Every record of a JSONL file (see `read_jsonl`), decompressed as its first bytes say, as stdin is: one whose
    extension says otherwise (`.jsonl.gz` of plain text, `.jsonl` of gzip) was one rejection, `Not a gzipped file`
    or `binary content, not JSONL`; it is read, its first record warned. A compressed file read line by line is
    decompressed once before (`damaged_part`), to reject the lines of a member whose check fails."""
    where = name_text(path)
    try:
        with path.open("rb") as raw:
            found = found_compression(raw)
            said = misnamed(where, found, named_compression(path))
            yield from read_jsonl(_opened(raw, found), where, config, lazy=lazy, said=said,
                                  find_damage=lambda: damaged_part(raw, found))
    except OSError as exc:
        yield bad(None, f"{where}: {exc.strerror or exc}")


def read_jsonl(fh: BinaryIO, where: str, config: Config, first_line: int = 0, lazy: bool = False,
               marked: bool = False, said: tuple[str, ...] = (), find_damage: Callable[[], Damage | None] | None = None,
               unnamed: bool = False) -> Iterator[Item | Line]:
    """Every record of a JSONL stream; `where` names it in details (`where:line`). `first_line` is the
    number of lines before the stream's start, when it is a part of a file. With `lazy`, each line is
    a `Line` to parse later (over-long lines, broken streams and damaged lines are still rejections). A stream that
    opens with UTF-8's byte order mark (`marked`: a part of a file that does) is UTF-8 to its end, whatever the
    config's `encoding`, as the mark says. `said`: warnings on the whole stream, which its first line carries.
    `find_damage`: the damaged member of a compressed file (`damaged_part`), whose lines are rejected (`_damaged_line`),
    asked once the stream is found to be read line by line (a gzip bomb of NULs is binary at once, not inflated first).
    `unnamed`: a stream with no name to tell its format by (stdin), one rejection when it opens as another
    (`other_format`); read once, its broken member's lines were given before its check failed (`_broken`)."""
    stem = base_stem(where)
    lineno = first_line
    end, first_damaged, damage = 0, 0, None  # the bytes read; the first line rejected as `damage`'s
    looked = find_damage is None  # whether `damage` was looked for
    try:
        codec = wide_codec(fh) if first_line == 0 else None  # reads the first bytes: a broken stream may fail here
        if codec is not None:
            fh = WideLines(fh, codec)
            end = fh.dropped
        elif first_line == 0 and binary_start(fh):
            yield bad(None, f"{where}: binary content, not JSONL")  # a Parquet file read as JSONL: one rejection, not one per "line"
            return
        elif unnamed and (other := other_format(fh)):
            yield bad(None, f"{where}: {other}")  # a page piped to `-` was a "malformed JSON" rejection per line
            return
        elif marked or (first_line == 0 and hasattr(fh, "peek") and fh.peek(3)[:3] == codecs.BOM_UTF8):
            codec = "utf-8"
        damage, looked = find_damage() if find_damage is not None else None, True
        newline = "\n".encode(codec or "utf-8")
        limit = len(newline) * JSON_BYTES_PER_CHAR * config.max_doc_chars + 4096
        # a character more than the limit: `WideLines` cuts at a character's start, so `limit + 1` bytes were `limit`
        while raw := fh.readline(limit + len(newline)):
            lineno += 1
            end += len(raw)
            if len(raw) > limit and not raw.endswith(newline):
                size = len(raw) + _skip_line(fh, newline)
                end += size - len(raw)
                yield too_large(None, f"{where}:{lineno}", size, "bytes of JSON", config)
            elif _blank(raw, codec if codec != "utf-8" else None, at_start=lineno == 1):
                continue
            elif _altered(damage, end - len(raw), end):
                first_damaged = first_damaged or lineno
                yield _damaged_line(raw, f"{where}:{lineno}", config, codec, damage, said)
                said = ()
            else:
                line = Line(raw, f"{where}:{lineno}", f"{stem}:{lineno}", codec, said)
                said = ()
                yield line if lazy else line.parse(config)
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as exc:
        if not looked:  # it broke on the first bytes read (a zstd stream under 64 KB is decompressed at once)
            damage = find_damage()
        yield bad(None, _broken(where, lineno, exc, unnamed, _damage_fate(damage, lineno, first_damaged, end)))


def _altered(damage: Damage | None, start: int, end: int) -> bool:
    """Whether the bytes from `start` to `end` of the decompressed stream (a line's) hold some of `damage`'s member."""
    return damage is not None and end > damage.start and (damage.end is None or start < damage.end)


def _damaged_line(raw: bytes, where: str, config: Config, codec: str | None, damage: Damage,
                  said: tuple[str, ...]) -> Item:
    """The rejection of a line read from a damaged member (`damage`), carrying it as text: where in the member its
    bytes were altered is not known, and deflate carries an altered byte on (a flipped bit made each `"id"` key of a
    member's lines `"ui"`), so a line kept could hold another's id, or altered text, as a document."""
    text, _ = _decoded(raw, where, codec, config)
    why = f"read from a {damage.part} whose check fails ({damage.why}): it may be altered, so it is not kept"
    return bad(None, f"{where}: {warned(why, where, said)}", text.rstrip("\n"))


def _broken(where: str, lineno: int, exc: Exception, unnamed: bool, fate: str) -> str:
    """The detail of a stream that breaks after line `lineno`, saying what became of a damaged member's lines (`fate`),
    or, for one that breaks inside a member unchecked, that those read from the member were kept and may be altered:
    stdin's (read once), or a file's zstd frame without a checksum (`_zstd_damage` does not check such a file)."""
    said = f"{where}: unreadable after line {lineno}: {exc}" if lineno else f"{where}: unreadable: {exc}"
    if fate:
        return f"{said} ({fate})"
    zstd = isinstance(exc, zstandard.ZstdError)
    broke_inside = (zstd or isinstance(exc, (zlib.error, gzip.BadGzipFile))) and not _between(exc)
    if not (lineno and broke_inside and (unnamed or zstd)):
        return said
    part = "zstd frame" if zstd else "gzip member"
    why = ("its check being at its end: a stream is read once, so they were kept; give it as a file to have them "
           "rejected") if unnamed else "it holding no checksum to check them by: they were kept"
    return f"{said} (the lines read from the {part} it broke in may be altered, {why})"


def _between(exc: Exception) -> bool:
    """Whether a decompression error was met between gzip members or zstd frames (junk after the last, a header
    refused), not inside one whose lines were given."""
    return str(exc).startswith(("Not a gzipped file", "Unknown compression method")) or (
        "Unknown frame descriptor" in str(exc))


def _damage_fate(damage: Damage | None, lineno: int, first_damaged: int, end: int) -> str:
    """What became of the lines of `damage`'s member, for the rejection that ends the stream after line `lineno`:
    those read (`first_damaged` on) were rejected, and what was not read of it (`end`: the bytes read) was lost;
    "" for no damage."""
    if damage is None:
        return ""
    lost = damage.end is None or end < damage.end
    if not first_damaged:
        return (f"lines from {lineno + 1} on were lost unread; that damaged {damage.part} starts at byte "
                f"{damage.start:,} of the decompressed data") if lost else ""
    lines = f"line {lineno} was" if first_damaged == lineno else f"lines {first_damaged}-{lineno} were"
    rest = "; any more of it was lost unread" if lost else ""
    return f"{lines} read from that damaged {damage.part}, and rejected{rest}"


def _blank(raw: bytes, codec: str | None, at_start: bool) -> bool:
    """Whether a line (in `codec`, default UTF-8) holds only whitespace, after the UTF-8 byte order mark
    that may open a file (`decode` drops it: a first line of only the mark and a line break is blank)."""
    if codec is not None:
        return not raw.decode(codec, "replace").strip()
    return not (raw.removeprefix(codecs.BOM_UTF8) if at_start else raw).strip()


def binary_start(fh: BinaryIO) -> bool:
    """Whether a stream's first bytes (peeked, left unread) are binary content, not JSONL (a Parquet or a
    gzip file read as JSONL; a control character is no part of JSONL, so a few make a short one binary);
    False for a stream that cannot show them, or one that opens with a JSON object or array: records
    before a tail of NUL bytes (a file cut short by a crash) were lost in that one rejection, unread."""
    if not hasattr(fh, "peek"):
        return False
    head = fh.peek(4096)[:4096]
    return (looks_binary(head.decode("latin-1"), least=1)
            and head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")[:1] not in (b"{", b"["))


_PAGE = re.compile(rb"(?:\s|<!--.*?-->|<\?xml[^>]*+>)*+<(?:!doctype\s+html|html|head|body)[\s>/]", re.I | re.S)
"""How an HTML page opens: a doctype, `<html>`, `<head>` or `<body>`, after blanks, comments and an XML declaration."""


_RECORD_LINE = re.compile(rb'^[ \t\r]*\{[ \t]*"', re.M)
"""A line that opens as a JSON record: `{` and a key (a pretty-printed JSON-LD block's lone `{` is none)."""


def other_format(fh: BinaryIO) -> str | None:
    """What a stream with no name (stdin) holds instead of JSONL, told by its first bytes (peeked, left unread), which
    open an HTML page (`_PAGE`) or a WARC file, said with what to do, and hold no line that opens as a record
    (`_RECORD_LINE`: `<html>` and then records was one rejection, the records lost); None for any other (a JSONL
    stream whose first line is malformed is read line by line)."""
    head = fh.peek(4096)[:4096].removeprefix(codecs.BOM_UTF8) if hasattr(fh, "peek") else b""
    if _RECORD_LINE.search(head):
        return None
    if head.lstrip().startswith(b"WARC/"):
        return "looks like WARC, not JSONL: warc cannot be read from stdin; give the file (.warc, .warc.gz) as an input"
    if _PAGE.match(head):
        return "looks like HTML, not JSONL: use --input-format html to read it as one page"
    return None


def wide_codec(fh: BinaryIO) -> str | None:
    """`utf-16-le`, `utf-16-be`, `utf-32-le` or `utf-32-be` for a stream in that encoding (told by its
    first bytes, which stay unread: `decoding.wide_codec`), None for UTF-8 or a stream that cannot show them."""
    return decoding.wide_codec(fh.peek(4)[:4] if hasattr(fh, "peek") else b"")


class WideLines:
    """The lines of a UTF-16 or UTF-32 stream (what `read_jsonl` reads: `readline`), each left in
    `codec` and ending with its line feed, which is found only where a character starts; a byte order
    mark at the stream's start is dropped."""

    def __init__(self, fh: BinaryIO, codec: str) -> None:
        self._fh = fh
        self._unit = 4 if codec.startswith("utf-32") else 2
        self._newline = "\n".encode(codec)
        self._buf = bytearray()
        self._eof = False
        bom = "\ufeff".encode(codec)
        self.dropped = len(bom) if fh.peek(len(bom))[: len(bom)] == bom else 0
        """The bytes of the byte order mark dropped at the stream's start."""
        fh.read(self.dropped)

    def readline(self, size: int = -1) -> bytes:
        searched = 0
        while (end := self._line_end(searched)) < 0:
            if self._eof or 0 <= size <= len(self._buf):
                end = len(self._buf)
                break
            searched = len(self._buf) - len(self._buf) % self._unit
            data = self._fh.read1(1 << 16)  # not past a member's end: a damaged one raises, losing what read gathered
            self._eof = not data
            self._buf += data
        if 0 <= size < end:
            end = max(size - size % self._unit, self._unit)
        line = bytes(self._buf[:end])
        del self._buf[:end]
        return line

    def _line_end(self, start: int) -> int:
        """Where the first line feed at or after `start` (a character's start) ends; -1 for none."""
        at = self._buf.find(self._newline, start)
        while at >= 0 and at % self._unit:
            at = self._buf.find(self._newline, at + 1)
        return at + self._unit if at >= 0 else -1


def parse_line(raw: bytes, where: str, place: str, config: Config, codec: str | None = None,
               said: tuple[str, ...] = ()) -> Item:
    """One JSONL line (in `codec`, the file's UTF-16 or UTF-32 or a marked UTF-8, else as `decode_unlabelled` reads it
    in the config's `encoding`, where bytes FF FE opening a line are no UTF-16 mark: the file's encoding is told by
    its first bytes) as a document, warned of what `said` says first;
    `place` (`<file stem>:<line>`) goes into the id of a record that carries none (see `records.record_id`).
    Numbers JSON has not (`NaN`, `1e400`) are read, and flagged: no JSON output holds them, so they are written
    as null. The line is parsed without its line break (LF or CRLF): a line cut short was said malformed `at column
    1`, of the line after it, and a CRLF line's column counted its CR; a rejection's raw line keeps the CR. A line
    longer than `max_doc_chars` that gives no document is `too_large` (`_carried`)."""
    read, warnings = _decoded(raw, where, codec, config)
    line = read.removesuffix("\n")
    item = _parsed(read, line, where, place, config, said + warnings)
    return _carried(item, line, where, config) if len(line) > config.max_doc_chars else item


def _parsed(read: str, line: str, where: str, place: str, config: Config, warnings: tuple[str, ...]) -> Item:
    """`parse_line` of a line's text `read` (`line` without its LF), warned of `warnings`."""
    text = line.removesuffix("\r") if read.endswith("\r\n") else line
    numbers: list[str] = []
    try:
        try:
            record, said = loads(text, numbers=numbers)
        except json.JSONDecodeError as exc:
            if not exc.msg.startswith("Invalid control character"):
                raise
            numbers.clear()
            record, said = loads(text, strict=False, numbers=numbers)
            warnings += (f"{where}: {_raw_controls(text, exc.colno)}",)
    except json.JSONDecodeError as exc:
        extra = exc.pos if exc.msg == "Extra data" else None
        return _malformed(line, where, f"{exc.msg.removesuffix(' at')} at column {exc.colno}", warnings, extra)
    except ValueError as exc:  # valid JSON that Python will not hold: a number of more than 4,300 digits
        return _malformed(line, where, str(exc), warnings)
    except RecursionError:
        return _malformed(line, where, NESTED, warnings)
    if numbers:
        warnings += (f"{where}: {numbers_taken(numbers)}",)
    return record_document(record, where, place, config, warnings + tuple(f"{where}: {it}" for it in sum(said, [])))


def _carried(item: Item, line: str, where: str, config: Config) -> Item:
    """`item`, the parse of a line longer than `max_doc_chars` characters (`parse_line` asks only for such a line), or,
    when it is the rejection of a line that is no record (malformed JSON, or JSON but no object), the `too_large`
    rejection of the line, naming its size and why it gives no document, carrying none of it: a malformed line of
    90,000,000 characters was a 90 MB raw in the rejects, where a record's text of 42,000,000 was none. A record's own
    rejection (its raw the object) keeps its reason and raw: a binary text of 800 characters, 4,825 as JSON, was said
    `too_large` (a review)."""
    if not isinstance(item, Rejected) or item.raw is None or isinstance(item.raw, dict):
        return item
    large = too_large(item.id, where, len(line), "characters of JSON", config)
    return large.model_copy(update={"detail": f"{large.detail} ({item.detail.removeprefix(f'{where}: ')})"})


def _decoded(raw: bytes, where: str, codec: str | None, config: Config) -> tuple[str, tuple[str, ...]]:
    """A line's text (in `codec`, else as `parse_line` reads it) and what decoding it warned of."""
    return decode(raw, where, codec) if codec else decode_unlabelled(raw, where, config.encoding, False)


_FOUND = threading.local()
"""What the reading of one text (`loads`) took that JSON says nothing of: `twice`, the objects with a key given
twice and their pairs; `numbers`, the numbers JSON has not as written (None: such a number is refused)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's key-value pairs as a dict, the last value of a key given twice kept (as `json.loads` keeps
    it), noting such an object's pairs for `loads`."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        _FOUND.twice.append((obj, pairs))
    return obj


def _constant(name: str) -> float:
    """`NaN`, `Infinity` or `-Infinity`, which Python's `json` reads and RFC 8259 has not: taken if `loads` was
    told to take them, else refused."""
    return _taken(name, f"{name} is not a JSON number (RFC 8259 has no NaN or infinity)")


def _float(text: str) -> float:
    """A JSON number with a fraction or an exponent; one past a float's range (`1e400`: infinity) is taken or
    refused as `_constant` says."""
    value = float(text)
    if math.isinf(value):
        return _taken(text, f"{text} is past a float's range (it reads as infinity, which JSON has not)")
    return value


def _taken(text: str, refused: str) -> float:
    if _FOUND.numbers is None:
        raise ValueError(refused)
    _FOUND.numbers.append(text)
    return float(text)


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)
_LENIENT = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float, strict=False)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"', re.DOTALL)
_CONTROLS = re.compile(r"[\x00-\x1f]")
_CONTROL_NAMES = {"\t": "tab", "\r": "CR", "\n": "line feed", "\x0c": "form feed", "\x08": "backspace"}


def control_name(char: str) -> str:
    """A control character as a message names it: `tab`, `CR`, or its code point, `U+0001`."""
    return _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")


def _raw_controls(line: str, colno: int) -> str:
    """What a lenient reading of `line` took as it is: its raw control characters inside strings (JSON escapes
    them, `\\t`), the first at column `colno`."""
    count = sum(len(_CONTROLS.findall(m[0])) for m in _STRING.finditer(line))
    name = control_name(line[colno - 1])
    more = f" ({count} in all)" if count > 1 else ""
    return f"a raw {name} inside a JSON string at column {colno}{more}, where JSON writes an escape: read as it is"


def loads(text: str, strict: bool = True, numbers: list[str] | None = None) -> tuple[Any, list[list[str]]]:
    """`json.loads(text)`, and what it left out in silence, for each record it holds (the value, or each item of
    an array: a service's batch): each key an object gives more than once with other values, the last kept
    (`key 'text' given 2 times, with other values: the last kept`; `of a nested object` when not the record's
    own). A key given twice with one value loses nothing and is not said. `strict=False` takes raw control
    characters (a tab) inside strings, as `json.loads(text, strict=False)` does. A number JSON has not (`NaN`,
    `Infinity`, `-Infinity`, or past a float's range, `1e400`), which `json.loads` reads, is a ValueError naming it,
    as RFC 8259 has it; given a `numbers` list, it is read as Python's float instead, and noted there as written. So is
    a number of over 4,300 digits, which Python will not make an integer of, in the input's terms
    (`escapes.too_many_digits`)."""
    _FOUND.twice = found = []
    _FOUND.numbers = numbers
    try:
        value = (_DECODER if strict else _LENIENT).decode(text)
    except ValueError as exc:
        if not (said := too_many_digits(exc, "a JSON number")):
            raise
        raise ValueError(said) from None
    records = value if isinstance(value, list) else [value]
    said: list[list[str]] = [[] for _ in records]
    if not found:  # every line of a file: nothing more to do
        return value, said
    owners = _owners(records)
    for obj, pairs in found:
        at = owners.get(id(obj))
        if at is None:  # an array's own item that is no object: no record of it to flag
            continue
        values: dict[str, list[Any]] = {}
        for key, item in pairs:
            values.setdefault(key, []).append(item)
        nested = "" if obj is records[at] else " of a nested object"
        said[at] += [f"key {key!r}{nested} given {len(items)} times, with other values: the last kept"
                     for key, items in values.items() if any(item != items[-1] for item in items)]
    return value, [_merged(lines) for lines in said]


def _owners(records: list[Any]) -> dict[int, int]:
    """The index of the record each object of `records` is in (or is), by the object's id: one walk of every record,
    so that a body of many objects with a key given twice is not searched once per such object."""
    owners: dict[int, int] = {}
    for at, record in enumerate(records):
        stack = [record]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                owners[id(item)] = at
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return owners


def _merged(lines: list[str]) -> list[str]:
    """`lines` with a warning said for several nested objects said once, with their count (`(in 3 objects)`)."""
    return [line if n == 1 else f"{line} (in {n} objects)" for line, n in Counter(lines).items()]


def _malformed(line: str, where: str, why: str, warnings: tuple[str, ...], extra: int | None = None) -> Item:
    """A malformed line's rejection; an invalid byte the decoding replaced is named, as what likely broke it
    (a stray byte outside a string gave only `Expecting value at column 1`); `extra`: where the data after the line's
    JSON value starts (`_joined`)."""
    why = warned(why + ("" if extra is None else _joined(line, extra)), where, warnings)
    return bad(None, f"{where}: malformed JSON: {why}", line)


def _joined(line: str, extra: int) -> str:
    """What a line holding data after its JSON value, from `extra` on, says of records joined on it: parted by lone
    CRs (old Mac files), or by nothing, a second object or array starting where the first ends (`}{`: a writer that
    left out the line break); "" for other data."""
    if re.search(r"[}\]]\s*\r\s*[{\[]", line):
        breaks = counted(len(re.findall(r"\r(?!\n)", line)), "lone-CR line break")
        return (f" (the line holds {breaks}, so it may be several records joined: its records are parted by a lone "
                "CR, as old Mac files end lines: JSONL lines end in LF or CRLF)")
    if line[extra : extra + 1] in ("{", "["):
        return " (a second JSON value starts there: records joined without a line break?)"
    return ""


def _skip_line(fh: BinaryIO, newline: bytes) -> int:
    """Read through the rest of an over-long line without keeping it; the number of bytes skipped."""
    skipped = 0
    while chunk := fh.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(newline):
            break
    return skipped
