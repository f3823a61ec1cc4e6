"""The documents a review shows: raw text plus what cleaning made of it, from a run or from inputs."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from ..api import pipeline_for
from ..boilerplate import day_source, document_hashes, headline_key, opening_hash, unit_hash
from ..config import Config
from ..engine import Cleaner, rule_context
from ..given import DROPPED, PAGE_FIELDS, given_fields, page_metadata
from ..io.decoding import not_html
from ..io.readers import read_inputs
from ..kinds import Context
from ..kinds.repeated import REPEATED_RULE, RepeatedRule
from ..models import FIELDS, Cleaned, Document, Rejected
from ..pipeline import kept_by_lead
from ..text import blank
from .run import Run


@dataclass(frozen=True)
class Entry:
    """One document: its raw text and its cleaned record (`cleaner clean`'s record, edits in raw offsets),
    or, for a dropped document, its rejects record (without `raw`) and, when known, a record too."""

    id: str | None
    raw: str
    record: dict[str, Any] | None = None
    rejected: dict[str, Any] | None = None
    source: dict[str, Any] | None = None
    """For a dropped document, its raw input record (a `Document`'s fields) when it could be read."""
    kept_by: str | None = None
    """For a duplicate of a document an earlier batch kept (a shared index; not this run's document of that id, if it
    has one), who kept it (`earlier_keepers`): "an earlier run", "an earlier service request" or "an earlier batch";
    None when this run did."""
    page: bool = False
    """Whether the cleaned document was a page (its raw record held `html`): its `meta.extracted` is then its page's
    metadata (`given.page_metadata`)."""
    unread: bool = False
    """For a document rejected before cleaning, whether its rejection holds none of it (a `too_large` one when read, a
    file that gave no record): its length is unknown, not 0."""

    @property
    def edits(self) -> list[dict[str, Any]]:
        """The edits, sorted by start (none for a document that was never cleaned)."""
        return sorted((self.record or {}).get("edits", []), key=lambda e: (e["start"], e["end"]))

    def rule_chars(self) -> Counter[str]:
        """Characters of raw text each rule took (removed or extracted)."""
        chars: Counter[str] = Counter()
        for edit in self.edits:
            chars[edit["rule"]] += edit["end"] - edit["start"]
        return chars

    @property
    def warnings(self) -> list[str]:
        """What reading repaired and cleaning stopped, in `clean`'s words: a dropped document's rejection's own (its
        reading's), then its record's (a kept one's, or a dropped one's cleaned again), each once."""
        given = [*(self.rejected or {}).get("warnings", ()), *(self.record or {}).get("warnings", ())]
        return list(dict.fromkeys(given))

    @property
    def tagged(self) -> dict[str, Any]:
        """The record that holds the document's language: its rejection's when a gate or dedup dropped it (the run's
        tagging; it is cleaned again here, untagged), else its output record ({} for none)."""
        return self.rejected if (self.rejected or {}).get("lang") else self.record or {}

    @property
    def html(self) -> bool:
        """Whether `raw` is a page's HTML (`raw_text`): a page dropped before any text was extracted from it."""
        source = self.source or {}
        return not isinstance(source.get("text"), str) and isinstance(source.get("html"), str)

    @cached_property
    def no_page(self) -> str | None:
        """For a page dropped before its text was extracted (`html`), what its "HTML" is when it is none to show:
        "empty HTML" (blank) or "binary content, not HTML" (`io.decoding.not_html`: a PDF served as a page); else
        None. Told once: the payload and `diff` ask up to three times, and a PDF's text is megabytes."""
        if not self.html:
            return None
        if blank(self.raw):
            return "empty HTML"
        return "binary content, not HTML" if not_html(self.raw) else None


def raw_text(raw: Any) -> str:
    """The text of a rejects line's `raw` record: its `text`; for a page dropped before its text was extracted
    (`stub_page`, `empty_extraction`), its `html`, the markup cleaner judged (a meta refresh, a script's redirect
    or an app's empty shell are in the markup alone); or the raw line itself for unreadable input."""
    if isinstance(raw, dict):
        return next((raw[key] for key in ("text", "html") if isinstance(raw.get(key), str)), "")
    return raw if isinstance(raw, str) else ""


_KEEPER = re.compile(r", kept by (an earlier (?:run|service request|batch))\b")
"""Who kept the document a duplicate's detail names (`pipeline._KEPT_BY`): a run (`, kept by an earlier run (out)`),
a service request, or another batch (`, kept by an earlier batch (a Pipeline call or …)`); matched right after the
copied id (`pipeline.kept_by_lead`), as an id may hold the same words."""


def earlier_keepers(run: Run) -> dict[str, str]:
    """The ids of the documents earlier batches kept that this run's duplicates copy (`kept_in_index` clusters) or
    give again (`already_indexed`), each with who kept it as their details say (`_KEEPER`): "an earlier run", "an
    earlier service request" or "an earlier batch", also when no detail says (a cleaner older than
    `pipeline._kept_by`), which is true of any."""
    ids = {c["kept"] for c in run.clusters if c.get("kept_in_index")}
    ids.update(r.get("dup_of") for r in run.rejects if r.get("reason") == "already_indexed")
    out = dict.fromkeys(sorted(ids - {None}), "an earlier batch")  # in order: the page's bytes do not follow the hash seed
    for reject in run.rejects:
        if reject.get("dup_of") not in out:
            continue
        lead, detail = kept_by_lead(reject.get("reason"), reject["dup_of"]), str(reject.get("detail") or "")
        if lead is not None and detail.startswith(lead) and (said := _KEEPER.match(detail, len(lead))):
            out[reject["dup_of"]] = said[1]
    return out


def run_entries(run: Run, earlier: dict[str, str] | None = None) -> Iterator[Entry]:
    """The kept documents of a run, then its rejections, as entries; `earlier`: its `earlier_keepers`, if read."""
    earlier = earlier_keepers(run) if earlier is None else earlier
    for record in run.corpus:
        yield Entry(record["id"], run.raw.get(record["id"], ""), record, page=record["id"] in run.pages)
    for reject in run.rejects:
        raw = reject.get("raw")
        rejected = {k: v for k, v in reject.items() if k != "raw"}
        yield Entry(reject.get("id"), raw_text(raw), None, rejected, raw if isinstance(raw, dict) else None,
                    earlier.get(reject.get("dup_of")), unread=raw is None)


def input_entries(inputs: Iterable[str], config: Config, input_format: str = "auto") -> Iterator[Entry]:
    """Clean `inputs` exactly as `cleaner clean` does (same `Config`, same `Pipeline`, `input_format` as
    its `--input-format`) into entries."""
    pipeline = pipeline_for(config)
    for item in read_inputs(inputs, config, input_format):
        result = pipeline.prepare(item, gates=False)
        if isinstance(result, Rejected):
            record = result.record()
            raw = record.pop("raw", None)
            yield Entry(result.id, raw_text(raw), None, record, raw if isinstance(raw, dict) else None, unread=raw is None)
        else:
            yield Entry(result.id, result.document.text, result.record(), page=bool(result.document.html))


def field_origins(entry: Entry) -> list[tuple[str, Any, str, bool]]:
    """(name, value, from, lifted) of each field the cleaned record of `entry` holds, its `url` last: from the id of
    the rule that lifted it (`lifted` true), else "page" or "record", the page's HTML or the input record (`_given`).
    A record's own field the same as the one found is not in its `meta`, and a page's `url` becomes the document's
    only when it has none, so a value the page gives too is said to be the page's."""
    record = entry.record or {}
    lifted, given = _lifted(record), _given(entry)
    url, page = _url(record), _page(entry)
    rows = []
    for name in FIELDS:
        if value := record.get(name):
            by = lifted.get(name, given[name][1] if given.get(name, (None,))[0] == value else "record")
            rows.append((name, value, by, name in lifted))
    return rows + [("url", url, "page" if page.get("url") == url else "record", False)] if url else rows


def dropped_before_extraction(entry: Entry) -> list[tuple[str, str, int]]:
    """(step, text, count) of each element with text that the HTML path dropped from the page of the cleaned record of
    `entry` before extraction (`given.DROPPED` of its page metadata), in the page's order, the same step and text once
    with how many went (1 when its entry gives no count): none for a text. No edit of the text shows them: trafilatura
    never read them."""
    dropped = _page(entry).get(DROPPED)
    items = dropped if isinstance(dropped, list) else []
    return [(item["step"], item["text"], count if isinstance(count := item.get("count", 1), int) else 1)
            for item in items
            if isinstance(item, dict) and isinstance(item.get("step"), str) and isinstance(item.get("text"), str)]


FIELDS_SHOWN = frozenset({*PAGE_FIELDS.values(), "url", DROPPED})
"""The keys of a page's metadata that `extracted_metadata` leaves out: those the fields give (`field_origins`: title,
date, sitename, author, section, url, as the record holds them, tidied or lifted) and `dropped`
(`dropped_before_extraction` lists it)."""


def extracted_metadata(entry: Entry) -> dict[str, Any]:
    """The rest of the page metadata of the cleaned record of `entry` as trafilatura read it (`_page`): what no field
    shows (`FIELDS_SHOWN`), its description, tags and the lines the rules read (`right_aligned`, `headings`); {} for
    a text."""
    return {key: value for key, value in _page(entry).items() if key not in FIELDS_SHOWN}


def rules_author(entry: Entry) -> str | None:
    """The author the rules read in the document of the cleaned record of `entry` (`kinds.Context.author`, which a
    flag's keep example of a `signature` rule must give): the one it came with, or the one a rule lifted where it
    names another (`engine.rule_context`). A record's own author the same as the lifted one is not in its `meta`: a
    lifted author that no record's own contradicts is taken as the one it came with."""
    record = entry.record or {}
    author = record.get("author")
    if "author" not in _lifted(record):
        return author  # the given one, filled in (`given.with_given_fields`)
    own = _given(entry).get("author", (None, ""))
    came = own[0] if own[1] == "record" else author
    return rule_context(Context(author=came), {"author": author}).author


def _lifted(record: dict[str, Any]) -> dict[str, str]:
    """Each field a rule lifted in a cleaned `record` -> that rule's id."""
    return {e.get("field"): e["rule"] for e in record.get("edits", []) if e["kind"] == "extract"}


def _given(entry: Entry) -> dict[str, tuple[Any, str]]:
    """`given.given_fields` of the document as the cleaned record of `entry` keeps it, its `meta.extracted` the page's
    metadata when the entry is a page's (`_page`: a record holds no `html`)."""
    record = entry.record or {}
    meta = _meta(record)
    source = meta.get("source") if isinstance(meta.get("source"), str) else None
    return given_fields(Document.model_construct(url=_url(record), source=source, meta=meta), page=_page(entry))


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    return record.get("meta") if isinstance(record.get("meta"), dict) else {}


def _page(entry: Entry) -> dict[str, Any]:
    """The page metadata of the cleaned record of `entry` (`given.page_metadata`): {} unless the entry is a page's."""
    return page_metadata(_meta(entry.record or {}), entry.page)


def _url(record: dict[str, Any]) -> str | None:
    return record.get("url") if isinstance(record.get("url"), str) else None


def learned_in(run: Run) -> frozenset[int]:
    """What a `--learn-boilerplate` run learned, as far as its kept documents show it: the unit keys
    (`boilerplate.units`) of the lines its `repeated` edits removed, under each edit's source, and under
    the source's day for the headlines (a copy of a kept document then loses the same lines)."""
    learned: set[int] = set()
    for record in run.corpus:
        raw = run.raw.get(record["id"], "")
        for edit in record.get("edits", []):
            if edit["rule"] == REPEATED_RULE and edit.get("source"):
                span = raw[edit["start"] : edit["end"]]
                learned |= document_hashes(edit["source"], span)
                if not raw[: edit["start"]].strip():  # the line the text opens with (`boilerplate.OPENING`)
                    learned |= opening_hash(edit["source"], span)
                if day := day_source(edit["source"], record.get("published")):
                    learned |= {unit_hash(day, key) for line in span.split("\n") if (key := headline_key(line))}
    return frozenset(learned)


AFTER_CLEANING = ("gate", "dedup")
"""The stages that drop a document after it was cleaned."""


def recleaned(entry: Entry, cleaner: Cleaner, learned: frozenset[int] = frozenset()) -> Entry:
    """A dropped entry with the record its raw record cleans to now (for duplicates: what dedup compared), its
    given fields filled as the run filled them (`given.with_given_fields`: a page's title, author, date and site
    name were none, and a headline of the day was not looked for without its date), with the boilerplate its run
    `learned` (`learned_in`) removed as the run removed it (`Cleaner.clean_learned`). Only documents dropped after
    cleaning (by a gate or by dedup) are cleaned again: bad input never was."""
    dropped_after_cleaning = (entry.rejected or {}).get("stage") in AFTER_CLEANING
    if entry.record is not None or not entry.raw or entry.source is None or not dropped_after_cleaning:
        return entry
    try:
        doc = Document.model_validate({**entry.source, "id": entry.id or "-", "text": entry.raw})
    except ValidationError:  # a raw record that never made a Document (bad input): nothing to clean
        return entry
    out = cleaner.clean(doc)
    if not isinstance(out, Cleaned):
        return entry
    if learned and doc.host is not None:
        out = cleaner.clean_learned(out, RepeatedRule(learned, published=out.published))
    return replace(entry, record=out.record(), page=bool(doc.html))


def select(entries: Iterable[Entry], ids: Iterable[str] = (), rule: str | None = None, limit: int | None = None) -> Iterator[Entry]:
    """The entries with one of `ids` (all when empty) that `rule` touched (any when None), at most `limit`."""
    wanted = set(ids)
    count = 0
    for entry in entries:
        if limit is not None and count >= limit:
            return
        if wanted and entry.id not in wanted:
            continue
        if rule and not any(e["rule"] == rule for e in entry.edits):
            continue
        count += 1
        yield entry
