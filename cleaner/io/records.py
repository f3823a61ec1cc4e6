"""One input record (a JSONL line, a Parquet row) as a `Document`, or a `Rejected` saying why not.

What every reader shares: the `Item` it yields, the rejections it makes (`bad_input`, `too_large`)
and the turning of a mapping of fields into a document.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import repeat
from numbers import Integral
from typing import Any

from ..config import Config
from ..models import ALWAYS_WRITTEN, FIELDS, MADE, Document, Rejected, given_field, holds_surrogates
from ..report import counted
from ..text import blank
from .decoding import decode_html, decode_text, looks_binary, repair

Item = Document | Rejected

DOC_KEYS = ("url", "source", "html", "lang")
"""Record fields that become `Document` fields of the same name (when they are strings)."""
PAGE_FIELDS = ("url", "source", "lang")
"""`DOC_KEYS` but `html`: a record's fields beside a text that is not blank, which is cleaned, its page never read."""
BYTES = (bytes, bytearray, memoryview)
"""The types of the bytes of a text (or a page), decoded as a `.txt` file's (or a page file's) are."""
TEXT_KEYS = frozenset(("text", "id", *DOC_KEYS, *FIELDS))
"""A record's text-like fields, in bytes decoded as a text's are (`_text_fields`); other bytes are data (an image)."""


def _text_fields(config: Config) -> frozenset[str]:
    """The fields of a record that hold text (`TEXT_KEYS`, and the config's `text_field` and `id_field`)."""
    return TEXT_KEYS | {config.text_field, config.id_field}


@dataclass
class ReadStats:
    """What reading found besides documents: files read, by format, and records skipped, by kind
    (`warc request`, `warc response image/jpeg`, `warc response 404`, ...). Filled as the reader runs."""

    files: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    def skip(self, kind: str) -> None:
        """Count one record that is not a document."""
        self.skipped[kind] += 1

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for the run report."""
        return {"files": dict(sorted(self.files.items())), "skipped": dict(sorted(self.skipped.items()))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadStats:
        """The counts `as_dict` gave (a resumed run reads them back from its state)."""
        return cls(Counter(data.get("files", {})), Counter(data.get("skipped", {})))


MAX_BYTES_PER_CHAR = 4
"""UTF-8 spends at most 4 bytes a character: a file or WARC record of more than this many times
`max_doc_chars` bytes is refused unread, and a record's `html` of more than this many times
`max_doc_chars` characters unparsed."""


MAX_DEPTH = 200
"""The deepest a record may be nested, itself the first level: JSON readers allow more (the standard
library's ~1,000 levels), but copying a record passes Python's stack at ~500, and the service's JSON
encoder (pydantic's) refuses to send back one over ~250, after storing it."""
NESTED = "nested too deeply"
"""Why a record nested deeper than `MAX_DEPTH`, or than Python's recursion limit allows, is rejected."""


def deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` holds mappings or lists nested over `limit` levels, itself the first (walked
    without recursion, depth first, so a structure that holds itself is found out in `limit` steps)."""
    todo = [(value, 1)] if isinstance(value, Mapping | list | tuple) else []
    while todo:
        item, depth = todo.pop()
        if depth > limit:
            return True
        for v in item.values() if isinstance(item, Mapping) else item:
            if type(v) not in _LEAVES and isinstance(v, Mapping | list | tuple):  # most values spared the slow ABC check
                todo.append((v, depth + 1))
    return False


_LEAVES = frozenset((str, int, float, bool, type(None)))


def bad(rid: str | None, detail: str, raw: Any = None) -> Rejected:
    """A `bad_input` rejection at the `read` stage, carrying `raw` as JSON can hold it (`jsonable`); a
    `raw` nested too deeply to copy makes it the rejection `too_deep` gives."""
    try:
        return Rejected(id=rid, stage="read", reason="bad_input", detail=detail, raw=jsonable(raw))
    except RecursionError:
        return too_deep(rid, f"{detail}; {NESTED}", raw)


def too_deep(rid: str | None, detail: str, raw: Any) -> Rejected:
    """The `bad_input` rejection of a value nested too deeply to copy (hundreds of levels: the readers
    refuse deeper JSON as malformed), carrying its JSON text, or nothing when even that cannot be written
    (`detail` then says which)."""
    try:
        text, why = json.dumps(raw, ensure_ascii=False, default=str), "the rejection carries it as JSON text"
    except (RecursionError, ValueError):
        text, why = None, "it cannot be written as JSON, so the rejection carries none of it"
    return Rejected(id=rid, stage="read", reason="bad_input", detail=f"{detail}; {why}", raw=text)


def too_large(rid: str | None, where: str, size: int, unit: str, config: Config) -> Rejected:
    """A `too_large` rejection: `size` characters (or bytes, when it was not read) over `max_doc_chars`."""
    detail = f"{where}: document is {size:,} {unit}, over max_doc_chars={config.max_doc_chars:,}"
    return Rejected(id=rid, stage="read", reason="too_large", detail=detail)


def text_document(
    rid: str, text: str, where: str, config: Config, warnings: tuple[str, ...] = (), raw: Any = None, **fields: Any
) -> Item:
    """A document of plain text, checked (binary, empty, too large: its text, or an `html` field over
    `MAX_BYTES_PER_CHAR` x `max_doc_chars`) and repaired (see `decoding.repair`); `raw` is what a
    `bad_input` rejection carries. A rejection names `warnings`, what reading met (see `warned`), and an empty
    document what repairing removed too: `q.jsonl:1: empty document (3 NUL characters removed)`, where it said
    nothing of the NULs that were its text."""
    return _text_document(rid, text, where, config, warnings, raw, **fields)


def refused(rid: str, text: str, html: Any, where: str, config: Config, raw: Any) -> Rejected | None:
    """Why a text (and a page's `html`) is no document before it is repaired: over `max_doc_chars`, an `html` over
    `MAX_BYTES_PER_CHAR` x `max_doc_chars` that is to be extracted (the text is blank: a text of 90 characters was
    refused for a page beside it that is never parsed), binary; None when it may be one (`empty` is checked after
    repairs)."""
    if len(text) > config.max_doc_chars:
        return too_large(rid, where, len(text), "characters", config)
    if isinstance(html, str) and not text.strip() and len(html) > MAX_BYTES_PER_CHAR * config.max_doc_chars:
        detail = (f"{where}: HTML of {len(html):,} characters, over {MAX_BYTES_PER_CHAR} x "
                  f"max_doc_chars={config.max_doc_chars:,}: not parsed")
        return Rejected(id=rid, stage="read", reason="too_large", detail=detail)
    if looks_binary(text):
        return bad(rid, f"{where}: binary content, not text", raw)
    return None


def empty(rid: str, text: str, html: Any, where: str, raw: Any) -> Rejected | None:
    """The rejection of a document with neither a text that shows something (`text.blank`) nor an `html` that is not
    blank; None for one with either. An `html` of byte order marks alone is blank, as a page file holding one is (the
    mark is dropped as it is read): a JSONL `"html": "\\ufeff"` was an `empty_extraction` at extract, the file
    `bad_input` at reading (QA). A text of invisible characters is said to be one: "empty" alone, of 50 zero-width
    spaces, read as a mistake."""
    if not blank(text) or (html or "").replace("\ufeff", "").strip():
        return None
    shown = sum(not c.isspace() for c in text)  # the invisible ones, white space apart
    unseen = f" ({counted(shown, 'invisible character')} alone)" if shown else ""
    return bad(rid, f"{where}: empty document{unseen}", raw)


def _text_document(rid: str, text: str, where: str, config: Config, warnings: tuple[str, ...], raw: Any,
                   **fields: Any) -> Item:
    html = fields.get("html")
    if (refusal := refused(rid, text, html, where, config, raw)) is not None:
        return _warned(refusal, where, warnings)
    text, fixed = repair(text, where)
    if isinstance(html, str):  # the page is repaired, and flagged, as a text is, but for mojibake and U+FEFF: ftfy
        # undoes the one and `repair` drops the other in the text and metadata trafilatura extracts
        # (`html.extract_html`), a tenth of the page, in a worker; a page's leading U+FEFF is no repair to flag
        fields["html"], fixed_html = repair(html, f"{where}: html", mojibake=False, escapes=False, marks=False,
                                            references=False)
        fixed += fixed_html
    if (refusal := empty(rid, text, fields.get("html"), where, raw)) is not None:
        return _warned(refusal, where, warnings + fixed)
    doc = Document(id=rid, text=text, warnings=warnings + fixed, **fields).read_at(where)
    if replaced := _surrogates_replaced({"id": rid, **fields}):  # the model made them UTF-8 (`models.Unicode`,
        # `_valid_meta`): say so, as for the text
        doc = doc.model_copy(update={"warnings": doc.warnings + tuple(
            f"{where}: {key}: lone surrogate escapes replaced with U+FFFD" for key in replaced)})
    return doc


_SURROGATE_FIELDS = ("id", "url", "source", "lang", "meta")
"""The fields of a record `_surrogates_replaced` reads, `meta` last."""


def _surrogates_replaced(fields: dict[str, Any]) -> list[str]:
    """The names of a document's `fields` (its id, `url`, `source`, `lang`, `meta`) that hold a lone surrogate, which
    the model replaces: a field `meta` holds that becomes one of the document's (`title`, `author`, `published`,
    `section`) by its own name, where it was said `meta`, which the output has none of. Each field is asked alone only
    once one question of them all says one holds a lone surrogate: six serialisations a record took ~35 µs, 1.5 % of a
    worker's time on news articles."""
    if not holds_surrogates([fields.get(key) for key in _SURROGATE_FIELDS]):
        return []
    named = [key for key in _SURROGATE_FIELDS[:-1] if holds_surrogates(fields.get(key))]
    meta = fields.get("meta") or {}
    held = [key if key in FIELDS else "meta" for key, value in meta.items() if holds_surrogates({key: value})]
    return named + list(dict.fromkeys(held))


def record_document(record: Any, where: str, place: str, config: Config, warnings: tuple[str, ...] = ()) -> Item:
    """A mapping of fields as a document: `config.id_field` (else an id made from `place`, see
    `record_id`), `config.text_field` (or `html` alone, to be extracted later), `url`, `source`, `lang`;
    every other field goes to `meta` (see `split_fields`; `html` too beside a text that is not blank, which is
    cleaned instead), an id field that is not used as the id too (`3.5`, `[1, 2]`; not a null or blank one). A field
    in bytes (a Parquet binary column) is decoded as a text file is, `html` by its `<meta charset>`, as a page file
    is; invalid bytes are flagged. A record nested
    over `MAX_DEPTH` levels is a `bad_input` rejection carrying its JSON text (or nothing, when even that
    cannot be written)."""
    if not deeper_than(record, MAX_DEPTH):
        try:
            return _record_document(record, where, place, config, warnings)
        except RecursionError:  # a deep value inside an object of another type, which `deeper_than` does not open
            pass
    rid = given_id(record.get(config.id_field)) if isinstance(record, dict) else None
    return too_deep(rid, warned(f"{where}: {NESTED} (over {MAX_DEPTH} levels)", where, warnings), record)


def warned(detail: str, where: str, warnings: tuple[str, ...]) -> str:
    """A rejection's `detail` followed by what reading the record at `where` warned of, in brackets: a rejection
    carries no warnings, and one may be why it was made (an invalid byte in the key `"text"` left the record without
    a text: it said only `no 'text' field`)."""
    return f"{detail} ({'; '.join(w.removeprefix(f'{where}: ') for w in warnings)})" if warnings else detail


def _warned(item: Item, where: str, warnings: tuple[str, ...]) -> Item:
    """`item`, a rejection's detail `warned` of `warnings` (whatever its reason: a `too_large` one named none)."""
    if isinstance(item, Rejected) and warnings:
        return item.model_copy(update={"detail": warned(item.detail, where, warnings)})
    return item


_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array", dict: "an object"}


def json_type(value: Any) -> str:
    """JSON's name of what `value`, parsed from JSON, is (Python's `NoneType` and `str` name no JSON a user wrote)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _record_document(record: Any, where: str, place: str, config: Config, warnings: tuple[str, ...]) -> Item:
    if not isinstance(record, dict):
        return _warned(bad(None, f"{where}: a record must be a JSON object, got {json_type(record)}", record), where,
                       warnings)
    raw = record
    if any(map(isinstance, record.values(), repeat(BYTES))):  # no generator: a cost on every record read
        record, warnings = _decoded(record, _text_fields(config), config.encoding, where, warnings)
    text, html = record.get(config.text_field), record.get("html")
    value = record.get(config.id_field)
    rid = record_id(value, place, named_by(text, html))
    text = _text_field(text, html, rid, where, config, raw, given=config.text_field in record)
    if isinstance(text, Rejected):
        return _warned(text, where, warnings)  # with what decoding its bytes met
    taken = {config.text_field} | ({config.id_field} if rid == str(value) or _says_nothing(value) else set())
    # beside a text that is not blank, cleaned, the page is never read: kept as any other field is, not dropped in
    # silence (a QA pass), and checked against a `meta.html` as any other is
    fields, meta, clashes = split_fields(record, taken, PAGE_FIELDS if text.strip() else DOC_KEYS)
    if clashes:
        warnings = (*warnings, clashing(where, clashes))
    return text_document(rid, text, where, config, warnings, raw, meta=meta, **fields)


def _decoded(record: dict[str, Any], texts: frozenset[str], encoding: str, where: str,
             warnings: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`record` with its text-like fields `texts` in bytes (`BYTES`: a `bytearray` text was `'text' is bytearray, not a
    string`) decoded as a text's are (in `encoding`, the config's; `html` by its `<meta charset>` first), and
    `warnings` with any invalid bytes flagged, the field named (`document 0: url: invalid UTF-8 …`): a `url` in bytes
    was decoded in silence, kept in `meta`. Another field in bytes (an image, an embedding) goes to `meta` as it is,
    unflagged: a PNG warned of invalid UTF-8, and a Parquet binary column on every row (a review)."""
    record = dict(record)
    for key, value in record.items():
        if isinstance(value, BYTES) and key in texts:
            named = f"{where}: {key}"
            record[key], flagged = (decode_html(bytes(value), named, fallback=encoding) if key == "html"
                                    else decode_text(bytes(value), named, encoding))
            warnings += flagged
    return record, warnings


def _says_nothing(value: Any) -> bool:
    """An id field that is null or blank: dropped, not kept in `meta`."""
    return value is None or (isinstance(value, str) and not value.strip())


def clashing(where: str, keys: list[str]) -> str:
    """The warning of `keys` given both as fields of a record and in its `meta`, with other values."""
    return (f"{where}: meta: {', '.join(map(repr, keys))} given both as a field of the record and in its 'meta', with "
            "other values: the field's value kept")


def split_fields(record: Mapping[Any, Any], taken: set[str], keys: tuple[str, ...] = DOC_KEYS,
                 ) -> tuple[dict[str, str], dict[str, Any], list[str]]:
    """A record's document fields (`keys` holding a string: `DOC_KEYS`, or `PAGE_FIELDS` for a record whose text is
    cleaned, its `html` to `meta`), its `meta`, and the keys the two parts of
    `meta` disagree on. `meta` holds every other field not in `taken`, a document field of another type
    included (`"url": 5` is kept there, not dropped; a null one says nothing and goes, as a null `title`,
    `published`, `author` or `section` does, which gives no field: kept, it stood in the output's `meta` beside the
    field a rule found), but for what cleaning
    made of an output of cleaner's read again (`models.MADE`: `edits`, `warnings`, ...), which it makes anew,
    where old edits pointed into another text and, read once more, warned as a clash. A `meta` field
    that is a mapping is merged in, under the other fields (so a corpus record read again keeps one
    `meta`, not `meta.meta`): a key it shares with a field of the record, with another value, is one
    of the disagreements, unless the field is what cleaning made of the `meta` value (`_made_from`): then
    the `meta` value stays. A null `meta` goes; one of another type stays `meta`."""
    fields = {k: v for k, v in record.items() if k in keys and isinstance(v, str)}
    if all(k in record for k in ALWAYS_WRITTEN):
        taken = taken | set(MADE)
    meta = {k: v for k, v in record.items()
            if k not in taken and k not in fields and not (v is None and k in (*DOC_KEYS, *FIELDS, "meta"))}
    given, clashes = meta.get("meta"), []
    if isinstance(given, Mapping):
        del meta["meta"]
        made = {k: given[k] for k in given.keys() & meta.keys() if _made_from(k, meta[k], given[k])}
        clashes = sorted(str(k) for k in given.keys() & meta.keys() if k not in made and given[k] != meta[k])
        meta = {**given, **meta, **made}
    return fields, jsonable(meta), clashes  # keys as text too: a Python mapping may have keys JSON has not


def _made_from(key: Any, field: Any, kept: Any) -> bool:
    """Whether a record's `field` is what `cleaner clean` makes of the value its `meta` keeps under the same
    key, as in a `clean` output read again: null (the value gave no field: `"published": "yesterday"`) or
    the field `models.given_field` makes of the value (`2024-01-02` of `2024-01-02T10:00:00Z`, `Mon titre` of
    `"  Mon titre\\n"`). The `meta` value is the record's own, which the field would otherwise replace."""
    return field is None or (key in FIELDS and field == given_field(key, kept))


def record_id(value: Any, place: str, content: Any) -> str:
    """A record's id: its id field `value` when an integer or a string that is not blank; else (missing,
    null, `""`, a bool, a list...) `<place>:<hash>`: where the record was (`news:12`, file stem and line;
    `3`, a position) and `content_hash(content)` of its text (or its `html`). The hash keeps a record of
    a later batch, found at the same place with another text, from being taken for one the index holds."""
    return given_id(value) or f"{place}:{content_hash(content)}"


def named_by(text: Any, html: Any) -> Any:
    """What the id made for a record without one hashes: its text, or its `html` when it has no text but a page."""
    return text if isinstance(text, str) and text.strip() or html is None else html


def given_id(value: Any) -> str | None:
    """An id field's value as the id: an integer (a NumPy one too, from a pandas record given to the API: `7` for
    `np.int64(7)`, which was given a made id and kept in `meta`), or a string that is not blank; else None."""
    if (isinstance(value, Integral) and not isinstance(value, bool)) or (isinstance(value, str) and value.strip()):
        return str(value)
    return None


def content_hash(content: Any) -> str:
    """16 hex digits of a BLAKE2b hash of `content` (a text, lone surrogates included, or bytes; anything
    else hashes as empty): with 8, two texts of 100,000 posted one at a time to the service (each the first of its
    body, `0:<hash>`) shared an id with a two-in-three chance, and the second was answered `already_indexed`."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(content if isinstance(content, bytes) else b"", digest_size=8).hexdigest()


def _text_field(text: Any, html: Any, rid: str | None, where: str, config: Config, raw: Any, *, given: bool) -> str | Rejected:
    """A record's text as a string (empty when it has only `html`), or the `bad_input` rejection saying
    why it has none (every entry point comes through `record_document`); `given`: the record has the
    text field, if only as a null, which counts as absent (beside an `html`, the page is read)."""
    none = f"{config.text_field!r} is null" if given else f"no {config.text_field!r} field"
    if text is None and html is not None and not isinstance(html, str):
        return bad(rid, f"{where}: {none}, and 'html' is {type(html).__name__}, not a string", raw)
    if text is None and html is None:
        return bad(rid, f"{where}: {none}", raw)
    if text is not None and not isinstance(text, str):
        return bad(rid, f"{where}: {config.text_field!r} is {type(text).__name__}, not a string", raw)
    return text or ""


def numbers_taken(numbers: list[str]) -> str:
    """The warning for the numbers JSON has not that a record held (`jsonl.loads`, `unheld_numbers`), the first three
    named."""
    shown = list(dict.fromkeys(numbers))
    named = ", ".join(shown[:3]) + (", ..." if len(shown) > 3 else "")
    return f"{len(numbers)} number{'s' if len(numbers) > 1 else ''} JSON has not ({named}): written as null"


def unheld_numbers(value: Any, where: str) -> tuple[str, ...]:
    """The warning a JSONL line's numbers JSON has not get (`numbers_taken`), for the NaNs and infinities a Python
    value holds (a dict, or a `Document`'s `meta`, given to the API), which `jsonable` writes as null; () for none.
    Named as JSON writers write them (`NaN`, `Infinity`); a value nested over `MAX_DEPTH` levels, which is refused
    whole, is not walked on."""
    numbers: list[str] = []
    todo = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if depth > MAX_DEPTH:
            return ()
        if isinstance(item, float) and not math.isfinite(item):
            numbers.append("NaN" if math.isnan(item) else "Infinity" if item > 0 else "-Infinity")
        elif isinstance(item, Mapping | list | tuple | set | frozenset):  # what `jsonable` walks
            todo.extend((v, depth + 1) for v in reversed(list(item.values() if isinstance(item, Mapping) else item)))
    return (f"{where}: {numbers_taken(numbers)}",) if numbers else ()


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO 8601, durations as seconds, decimals as strings, bytes
    as UTF-8 text, NaN and infinities (which Python's JSON reads and Parquet holds, but JSON has not) as
    None, NumPy scalars and arrays (pandas' records) as Python's, anything else (a UUID, which a Parquet
    `uuid` column gives) as its text: a value JSON has no form for ended the run in a traceback. A text that is
    Python's default, with a memory address (`<object object at 0x7f…>`), is its type's name (`<object>`): the
    address changed from run to run; so is a dict's key. A set is a list in a fixed order (its text's order changed
    with the hash seed)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _text(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=lambda v: (type(v).__name__, repr(v)))
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, BYTES):
        return bytes(value).decode("utf-8", errors="replace")
    if value is None or isinstance(value, str | int | float):
        return value
    if type(value).__module__ == "numpy":
        return jsonable(value.tolist())
    return _text(value)


def _text(value: Any) -> str:
    """`str(value)`, or its type's name where that would name its memory address (`_ADDRESSED`)."""
    text = str(value)
    return f"<{type(value).__name__}>" if _ADDRESSED.fullmatch(text) else text


_ADDRESSED = re.compile(r"<.* at 0x[0-9a-fA-F]+>", re.DOTALL)
"""Python's default text of an object, which names its memory address (`<object object at 0x7f1b…>`)."""
