"""Files that are one document each: `.txt` (its text) and `.html`/`.htm` (its HTML, extracted later).

The id is the file stem, or for a file a folder or a glob lists its path below it (`names.file_id`), told
apart from another file's (`names.distinct_ids`). A document over `max_doc_chars` is rejected as `too_large`;
one of more than `4 × max_doc_chars` bytes (UTF-8 spends at most 4 bytes a character) is rejected without
being read.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import zstandard

from ..config import Config
from .decoding import decode_html, decode_text, not_html
from .jsonl import decompressed, found_compression, misnamed
from .names import file_id, name_text
from .records import MAX_BYTES_PER_CHAR, Item, bad, text_document, too_large

Reader = Callable[[BinaryIO, str, str, Config], Item]
"""`reader(stream, id, where, config)`: one document of a whole stream."""


def read_text(fh: BinaryIO, rid: str, where: str, config: Config) -> Item:
    """One plain-text document from a stream."""
    data = _read_capped(fh, rid, where, config)
    if not isinstance(data, bytes):
        return data
    text, warnings = decode_text(data, where, config.encoding)
    return text_document(rid, text, where, config, warnings)


def read_html(fh: BinaryIO, rid: str, where: str, config: Config) -> Item:
    """One HTML page from a stream: a document with `html` set and no text yet (see `cleaner.html`). A page compressed
    with gzip or zstd (wget saves a page as the server sent it, `Content-Encoding: gzip`) is read decompressed, as a
    JSONL file is, by its first bytes, with a warning: it was `binary content, not HTML`, its compression unsaid."""
    found = found_compression(fh)
    try:
        data = _read_capped(decompressed(fh) if found else fh, rid, where, config)
    except (EOFError, zlib.error, zstandard.ZstdError) as exc:
        return bad(rid, f"{where}: unreadable {found} content: {exc}")
    if not isinstance(data, bytes):
        return data
    return html_document(data, rid, where, config, warnings=misnamed(where, found, None))


def html_document(data: bytes, rid: str, where: str, config: Config, charset: str | None = None,
                  warnings: tuple[str, ...] = (), **fields: Any) -> Item:
    """A document of an HTML page's bytes, decoded by its charset, with `warnings` (what was wrong with
    how the bytes came) and the decoding's; binary or empty pages are rejected."""
    html, decoded = decode_html(data, where, charset, config.encoding)
    warnings += decoded
    if problem := not_html(html):
        return bad(rid, f"{where}: {problem}")
    if not html.strip():
        return bad(rid, f"{where}: empty document")
    return text_document(rid, "", where, config, warnings, html=html, **fields)


def read_path(path: Path, config: Config, reader: Reader) -> Item:
    """`reader` over one file; a file too large by its size alone is not opened, an unreadable one is rejected."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES_PER_CHAR * config.max_doc_chars:
            return too_large(file_id(path), name_text(path), size, "bytes", config)
        with path.open("rb") as fh:
            return reader(fh, file_id(path), name_text(path), config)
    except OSError as exc:
        return bad(file_id(path), f"{name_text(path)}: {exc.strerror or exc}")


def _read_capped(fh: BinaryIO, rid: str, where: str, config: Config) -> bytes | Item:
    limit = MAX_BYTES_PER_CHAR * config.max_doc_chars
    data = _read_up_to(fh, limit + 1)
    return too_large(rid, where, len(data), "bytes or more", config) if len(data) > limit else data


def _read_up_to(fh: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes of `fh`, up to 64 KB at a time: one `read(n)` reserves all `n` bytes first (4 GB a file for
    `max_doc_chars = 10^9`: a MemoryError where memory is short). Each is one `read1`, which gives what one read of the
    stream gives: `read` reads on to its size, so on a terminal the Ctrl-D after a line ended that read, and the next
    one waited for a second Ctrl-D, where JSONL's reading of lines ends at the first."""
    parts: list[bytes] = []
    while n > 0 and (part := fh.read1(min(n, 1 << 16))):
        parts.append(part)
        n -= len(part)
    return b"".join(parts)
