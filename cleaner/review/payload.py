"""The data the review page embeds: a light index for the list, and the heavy bodies and diffs opened on demand.

`index` holds, per document, what the list shows and filters on (no text); `bodies` holds, per
document in the same order, the raw text and its edits (none of a page whose HTML is none, `Entry.no_page`: a PDF's
megabytes), and a page's metadata; `diffs` holds, per duplicate cluster in the
index's order, the line diff of each member against the kept document. The page parses the bodies
only when a document, a rule's spans or a text search needs them, and the diffs when one is opened,
so first paint does not wait for them (1,200 near-duplicate pairs made an index of 7.7 MB in a page
of 14.5 MB, 2.0 MB without their diffs).
Dropped documents with a raw record are cleaned again with the given rules, so a duplicate's
removals and the diff against the copy it duplicates can be shown.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..edits import BUILT_IN_RULES
from ..engine import Cleaner
from ..models import FIELDS, Document
from ..packs import RuleSet
from .entries import (Entry, dropped_before_extraction, earlier_keepers, extracted_metadata, field_origins, learned_in,
                      recleaned, rules_author, run_entries)
from .matcher import LineMatcher
from .run import Run
from .snippet import rule_pack_prefix

KINDS = {"remove": 0, "extract": 1}
"""Edit kinds as the page's body rows store them."""


def payload(run: Run, rules: RuleSet, cleaner: Cleaner) -> tuple[dict[str, Any], list[list[Any]], list[list[Any]]]:
    """(index, bodies, diffs) for `run`; `rules` gives descriptions and snippets, `cleaner` re-cleans dropped
    documents."""
    learned = learned_in(run)
    earlier = earlier_keepers(run)
    entries = [recleaned(e, cleaner, learned) for e in run_entries(run, earlier)]
    fired: Counter[str] = Counter()
    docs_per_rule: Counter[str] = Counter()
    kept_chars: Counter[str] = Counter()  # the kept documents' alone, as report.json counts them
    kept_docs: Counter[str] = Counter()
    for entry in entries:
        chars = entry.rule_chars()
        fired.update(chars)
        docs_per_rule.update(chars.keys())
        if not entry.rejected:
            kept_chars.update(chars)
            kept_docs.update(chars.keys())
    known = {rule.id: rule for rule in (*rules.rules, *rules.disabled)}  # a disabled one the run may have applied
    order = [r for r, _ in fired.most_common()] + [r.id for r in rules.rules if r.id not in fired]
    rule_rows = [_rule_row(rule_id, n, known.get(rule_id), (fired[rule_id], docs_per_rule[rule_id]),
                           (kept_chars[rule_id], kept_docs[rule_id])) for n, rule_id in enumerate(order)]
    position = {rule_id: n for n, rule_id in enumerate(order)}
    clusters, diffs = _clusters(run, entries)
    index = {
        "name": run.name,
        "report": {k: run.report[k] for k in ("read", "kept", "rejected", "raw_chars", "clean_chars")
                   if k in run.report},
        "fields": list(FIELDS),
        "rules": rule_rows,
        "docs": [_doc_row(entry, position) for entry in entries],
        "clusters": clusters,
        "rejects": [{**e.rejected, "doc": n} for n, e in enumerate(entries) if e.rejected],  # `doc`: its list row
        "earlier": earlier,
    }
    bodies = [_body(e, position) for e in entries]
    return index, bodies, diffs


def _body(entry: Entry, position: dict[str, int]) -> list[Any]:
    """A document's body row: its raw text (none of a page whose HTML is none), its edits, and its page's metadata
    (`entries.extracted_metadata`) when it has any, which the page shows opened and the list never needs."""
    row = ["" if entry.no_page else entry.raw, [_edit_row(edit, position) for edit in entry.edits]]
    return row + [extracted] if (extracted := extracted_metadata(entry)) else row


def _edit_row(edit: dict[str, Any], position: dict[str, int]) -> list[Any]:
    """An edit as the page stores it: start, end, rule, kind, field, value, and `why` when there is one."""
    row = [edit["start"], edit["end"], position[edit["rule"]], KINDS[edit["kind"]], edit.get("field"), edit.get("value")]
    return row + [edit["why"]] if edit.get("why") else row


def _rule_row(rule_id: str, n: int, rule, every: tuple[int, int], kept: tuple[int, int]) -> dict[str, Any]:
    """A rule's row: its colour and description, and the (characters, documents) it removed in every document of
    the page (`every`) and in the kept ones alone (`kept`, what report.json counts)."""
    return {
        "id": rule_id,
        "kind": rule.kind if rule else BUILT_IN_RULES.get(rule_id, ("", ""))[0],
        "description": " ".join(rule.description.split()) if rule else BUILT_IN_RULES.get(rule_id, ("", "not in the loaded rule packs"))[1],
        "color": f"hsl({(n * 137.508) % 360:.0f} 80% 78%)",
        "chars": every[0],
        "docs": every[1],
        "kept_chars": kept[0],
        "kept_docs": kept[1],
        "pack": rule_pack_prefix(rule) if rule else None,
    }


def _doc_row(entry: Entry, position: dict[str, int]) -> dict[str, Any]:
    """A list row: id, status (kept or reject reason) and stage, language, source, title, chars, rules, duplicate
    status, what a page's HTML is when it is none (`Entry.no_page`), the warnings of its reading and cleaning
    (`Entry.warnings`), what the HTML path removed from its page before extraction ([step, text, count] each,
    `entries.dropped_before_extraction`), and the author the rules read (`entries.rules_author`), which a flag's keep
    example of a `signature` rule gives."""
    record = entry.record or {}
    host = Document(id="-", url=record.get("url") or (entry.source or {}).get("url"), source=record.get("source")).host
    rejected = entry.rejected or {}
    tagged = entry.tagged
    removed = len(entry.raw) - len(record.get("text", entry.raw))
    return {
        "id": entry.id or "",
        "status": rejected.get("reason", "kept"),
        "stage": rejected.get("stage"),
        "lang": tagged.get("lang") or "",
        "score": tagged.get("lang_score"),
        "source": host or "",
        "title": record.get("title") or "",
        "fields": _fields(entry, position),
        "removed": removed,
        "length": None if entry.unread else len(entry.raw),  # none for a rejection that kept none of it
        "rules": sorted(position[r] for r in entry.rule_chars()),
        "cluster": record.get("cluster"),
        "dup_of": rejected.get("dup_of"),
        "similarity": rejected.get("similarity"),
        "detail": rejected.get("detail", ""),
        "recleaned": bool(entry.rejected and entry.record),
        "html": entry.html,
        "no_page": entry.no_page,
        "warnings": entry.warnings,
        "before_extraction": [list(item) for item in dropped_before_extraction(entry)],
        "author": rules_author(entry),
    }


def _fields(entry: Entry, position: dict[str, int]) -> list[list[Any]]:
    """[name, value, from] of each field the cleaned record of `entry` holds (`entries.field_origins`), "from" being
    the position of the rule that lifted it, or "page" or "record"."""
    return [[name, value, position[by] if lifted else by] for name, value, by, lifted in field_origins(entry)]


def _went_on(entry: Entry) -> bool:
    """Sort key that puts the copies of an id that dedup set aside (`repeated_id`) before the one that went
    on to dedup, so that a map by id, where the last wins, names that one (the kept copy, say)."""
    return (entry.rejected or {}).get("reason") != "repeated_id"


def _clusters(run: Run, entries: list[Entry]) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """Each duplicate group (kept id, every other member's status and similarity to the kept one), and its members'
    diffs against the kept one (`line_diff`), apart: the page parses them only when one is opened.
    The document an earlier run kept (`kept_in_index`) is not in this run, whatever this run's document of its id
    is (one dropped as `already_indexed`, another text): it is the kept one alone, and its copies are diffed
    against nothing. A member is the copy of its id dropped as this group's (the service links an id posted again
    as another's copy to both: the last copy was diffed in each), or else the one of its id that went on."""
    by_id = {e.id: e for e in sorted(entries, key=_went_on) if e.id is not None}
    linked = {(e.id, e.rejected.get("dup_of")): e for e in entries if e.rejected}
    out, diffs = [], []
    for cluster in run.clusters:
        kept, earlier = cluster["kept"], cluster.get("kept_in_index", False)
        sims = {}
        for a, b, s in cluster.get("similarities", []):
            if kept in (a, b):
                sims[b if a == kept else a] = s
        members, lines = [], []
        for member in cluster["members"]:
            if member == kept:
                continue
            entry = linked.get((member, kept)) or by_id.get(member)
            members.append({
                "id": member,
                "status": (entry.rejected or {}).get("reason", "kept") if entry else "not in this run",
                "similarity": sims.get(member),
            })
            lines.append(line_diff(None if earlier else _clean(by_id.get(kept)), _clean(entry)))
        out.append({"kept": kept, "kept_in_index": earlier, "members": members})
        diffs.append(lines)
    return out, diffs


def _clean(entry: Entry | None) -> str | None:
    return entry.record.get("text") if entry and entry.record else None


def line_diff(a: str | None, b: str | None, context: int = 2) -> list[list[str]] | None:
    """Lines of `a` against `b` as [op, line] (op ` `, `-`, `+`, or `…` for skipped equal lines); None if a text is unknown."""
    if a is None or b is None:
        return None
    a_lines, b_lines = a.split("\n"), b.split("\n")
    out: list[list[str]] = []
    for tag, i1, i2, j1, j2 in LineMatcher(a_lines, b_lines).get_opcodes():
        if tag == "equal":
            same = a_lines[i1:i2]
            if len(same) > 2 * context + 1:
                same = same[:context] + [None] + same[-context:]  # type: ignore[list-item]
            out.extend(["…", f"{i2 - i1 - 2 * context} equal lines"] if line is None else [" ", line] for line in same)
        else:
            out.extend(["-", line] for line in a_lines[i1:i2])
            out.extend(["+", line] for line in b_lines[j1:j2])
    return out
