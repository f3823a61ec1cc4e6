"""Reading inputs into `Document`s; a record that cannot be read becomes a `Rejected`, never an exception.

Inputs: `-` (JSONL on stdin), `.txt` files (one document, id = file stem), JSONL files (`.jsonl`,
`.jsonl.gz`; one record a line), and folders, read recursively in sorted order.
"""

from __future__ import annotations

import gzip
import json
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..config import Config
from ..models import Document, Rejected

Item = Document | Rejected

_DOC_KEYS = ("url", "source", "html", "lang")


def read_inputs(inputs: Iterable[str | Path], config: Config) -> Iterator[Item]:
    """Every record of every input, in order: a `Document`, or a `Rejected` saying what is wrong where."""
    for name in inputs:
        if str(name) == "-":
            yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", config)
            continue
        path = Path(name)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from read_file(file, config)
        elif path.is_file():
            yield from read_file(path, config)
        else:
            yield _bad(None, "read", f"{path}: no such file or folder", None)


def read_file(path: Path, config: Config) -> Iterator[Item]:
    """The records of one file, by its extension."""
    name = path.name.lower()
    if name.endswith(".txt"):
        yield read_text_file(path)
    elif name.endswith((".jsonl", ".ndjson")):
        with path.open("rb") as fh:
            yield from read_jsonl_stream(fh, str(path), config)
    elif name.endswith((".jsonl.gz", ".ndjson.gz")):
        with gzip.open(path, "rb") as fh:
            yield from read_jsonl_stream(fh, str(path), config)
    else:
        yield _bad(path.stem, "read", f"{path}: unsupported file type (expected .txt, .jsonl or .jsonl.gz)", None)


def read_text_file(path: Path) -> Item:
    """One `.txt` file as one document."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _bad(path.stem, "read", f"{path}: {exc.strerror}", None)
    text, warnings = decode(data, str(path))
    if not text.strip():
        return _bad(path.stem, "read", f"{path}: empty document", text)
    return Document(id=path.stem, text=text, warnings=warnings)


def decode(data: bytes, where: str) -> tuple[str, tuple[str, ...]]:
    """UTF-8 text; invalid bytes are replaced with U+FFFD and flagged with where they were."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), (f"{where}: invalid UTF-8 at byte {exc.start}, replaced with U+FFFD",)


def read_jsonl_stream(fh: BinaryIO, where: str, config: Config) -> Iterator[Item]:
    """One record per line; blank lines are skipped; each bad line is a rejection naming file and line."""
    lineno = 0
    try:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            yield parse_record(raw, f"{where}:{lineno}", f"{Path(where).name.split('.')[0]}:{lineno}", config)
    except (OSError, EOFError, zlib.error) as exc:
        yield _bad(None, "read", f"{where}: unreadable after line {lineno}: {exc}", None)


def parse_record(raw: bytes, where: str, fallback_id: str, config: Config) -> Item:
    """One JSONL line as a document; `fallback_id` names records that carry no id."""
    line, warnings = decode(raw, where)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return _bad(None, "read", f"{where}: malformed JSON: {exc.msg} at column {exc.colno}", line.rstrip("\n"))
    if not isinstance(record, dict):
        return _bad(None, "read", f"{where}: a record must be a JSON object, got {type(record).__name__}", record)
    rid = record.get(config.id_field, fallback_id)
    rid = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else fallback_id
    text = record.get(config.text_field)
    if text is None:
        return _bad(rid, "read", f"{where}: no {config.text_field!r} field", record)
    if not isinstance(text, str):
        return _bad(rid, "read", f"{where}: {config.text_field!r} is {type(text).__name__}, not a string", record)
    if not text.strip():
        return _bad(rid, "read", f"{where}: empty document", record)
    text, fixed = _no_surrogates(text)
    if fixed:
        warnings += (f"{where}: lone surrogate escapes replaced with U+FFFD",)
    known = {config.id_field, config.text_field, *_DOC_KEYS}
    extra: dict[str, Any] = {k: v for k, v in record.items() if k in _DOC_KEYS and isinstance(v, str)}
    meta = {k: v for k, v in record.items() if k not in known}
    return Document(id=rid, text=text, meta=meta, warnings=warnings, **extra)


def _no_surrogates(text: str) -> tuple[str, bool]:
    """JSON may escape lone surrogates (`"\\ud800"`), which no UTF-8 output can hold: replace them."""
    try:
        text.encode("utf-8")
        return text, False
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text), True


def _bad(rid: str | None, stage: str, detail: str, raw: Any) -> Rejected:
    return Rejected(id=rid, stage=stage, reason="bad_input", detail=detail, raw=raw)
