"""Counting what a run did: documents in and out, rejections by reason, removals by rule, fields found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from .edits import WHITESPACE_RULE
from .escapes import one_line
from .models import FIELDS, Cleaned, Rejected, no_source


def summary_of(record: dict[str, Any]) -> dict[str, Any]:
    """What `Stats` counts of one kept document, from its output record: a few bytes that a run stores
    beside the record, so that counting needs no decoding of the record itself."""
    rules: dict[str, int] = {}
    for e in record.get("edits", ()):
        rules[e["rule"]] = rules.get(e["rule"], 0) + e["end"] - e["start"]
    return {"lang": record.get("lang"), "chars": len(record["text"]), "warned": bool(record.get("warnings")),
            "rules": rules, "fields": [name for name in FIELDS if record.get(name)]}


@dataclass
class Stats:
    """Counters that add up: `read == kept + rejected`, and per-rule figures sum to `removed_chars`. `kept` counts
    the documents cleaned and not dropped after (report.json's `kept`; it was `cleaned`, and held this count)."""

    read: int = 0
    kept: int = 0
    raw_chars: int = 0
    clean_chars: int = 0
    rejected: Counter = field(default_factory=Counter)
    stages: Counter = field(default_factory=Counter)
    langs: Counter = field(default_factory=Counter)
    rule_docs: Counter = field(default_factory=Counter)
    rule_chars: Counter = field(default_factory=Counter)
    fields: Counter = field(default_factory=Counter)
    warnings: int = 0

    def add(self, item: Cleaned | Rejected) -> None:
        """Count one result."""
        if isinstance(item, Rejected):
            self.add_rejected(item.reason, item.stage)
        else:
            self.add_cleaned(item.record(), len(item.document.text))

    def add_rejected(self, reason: str, stage: str) -> None:
        """Count one rejection."""
        self.read += 1
        self.rejected[reason] += 1
        self.stages[stage] += 1

    def add_cleaned(self, record: dict[str, Any], raw_chars: int) -> None:
        """Count one kept document from its output record (see `Cleaned.record`) and its raw length."""
        self.add_summary(summary_of(record), raw_chars)

    def add_summary(self, summary: dict[str, Any], raw_chars: int) -> None:
        """Count one kept document from its `summary_of` and its raw length."""
        self.read += 1
        self.kept += 1
        self.langs[summary["lang"] or "unknown"] += 1
        self.raw_chars += raw_chars
        self.clean_chars += summary["chars"]
        self.warnings += summary["warned"]
        for rule, chars in summary["rules"].items():
            self.rule_docs[rule] += 1
            self.rule_chars[rule] += chars
        self.fields.update(summary["fields"])

    def merge(self, other: Stats) -> None:
        """Add `other`'s counts to these (the counts of outputs written apart)."""
        for f in fields(self):
            mine = getattr(self, f.name)
            if isinstance(mine, Counter):
                mine.update(getattr(other, f.name))
            else:
                setattr(self, f.name, mine + getattr(other, f.name))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "read": self.read,
            "kept": self.kept,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_by_stage": dict(sorted(self.stages.items())),
            "langs": dict(sorted(self.langs.items())),
            "raw_chars": self.raw_chars,
            "clean_chars": self.clean_chars,
            "rules": {r: {"docs": self.rule_docs[r], "chars": self.rule_chars[r]} for r in sorted(self.rule_chars)},
            "fields": {name: self.fields[name] for name in FIELDS},
            "warnings": self.warnings,
        }

    def summary(self, more: Iterable[str] = ()) -> str:
        """A short plain-text summary of what was removed, for the terminal; `more` lines go before the rule table."""
        removed = self.raw_chars - self.clean_chars
        share = f" ({share_of(removed, self.raw_chars, 1)})" if self.raw_chars else ""
        rejected = sum(self.rejected.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.rejected.items()))
        lines = [
            f"{counted(self.read, 'document')} read, {self.kept:,} kept, {rejected:,} rejected"
            + (f" ({reasons})" if reasons else ""),
            f"removed {removed:,} of {self.raw_chars:,} characters{share}",
            "fields: " + ", ".join(f"{name} {self.fields[name]}" for name in FIELDS),
            "languages: " + (", ".join(f"{k} {v}" for k, v in self.langs.most_common()) or "none"),
        ]
        if self.warnings:
            lines.append(f"{counted(self.warnings, 'document')} {'carries' if self.warnings == 1 else 'carry'} warnings "
                         "(see their `warnings`)")
        lines += more
        rules = sorted(self.rule_chars, key=lambda r: (r == WHITESPACE_RULE, -self.rule_chars[r], r))
        if rules:
            width = max(len(r) for r in rules)
            lines.append(f"  {'rule':<{width}}  {'docs':>6}  {'chars':>10}")
            lines += [f"  {r:<{width}}  {self.rule_docs[r]:>6}  {self.rule_chars[r]:>10,}" for r in rules]
        return "\n".join(lines)


def run_lines(report: dict[str, Any]) -> list[str]:
    """What a run's `report.json` holds besides `Stats`, for its summary (`Stats.summary`): the duplicate groups
    and the documents the index holds now, the input records that are not documents (a WARC's requests and
    images), which no other count shows, and the documents learned boilerplate had no source for."""
    lines = [f"dedup: {counted(report['clusters'], 'duplicate group')}, {one_line(report['index'])} holds "
             + counted(report["index_documents"], "document"), *skipped_lines(report["inputs"]["skipped"])]
    if none := report.get("boilerplate", {}).get("without_source"):
        lines.append(f"learned boilerplate: {no_source(none, counted(report['read'], 'document'))}: lines are "
                     "learned per source, so none was learned from them, nor removed")
    return lines


def skipped_lines(skipped: dict[str, int]) -> list[str]:
    """The line counting the input records that are not documents (`ReadStats.skipped`: a WARC's requests and
    images), for a summary (`Stats.summary`); none when there are none."""
    if not skipped:
        return []
    # a kind holds a WARC header's content type: one line whatever it holds
    return ["skipped, not documents: " + ", ".join(f"{one_line(kind)} {n:,}" for kind, n in skipped.items())]


def counted(n: int, noun: str) -> str:
    """`n` `noun`s, in the singular for one: `1 document`, `2,000 documents`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def share_of(part: int, whole: int, decimals: int = 0) -> str:
    """`part` of `whole` as a percentage with `decimals` decimals, but `<1%` and `>99%` (`<0.1%` and `>99.9%` with one
    decimal) where rounding would say none or all: `1 of 2,530 chars removed (0%)` read as nothing removed (`cleaner
    diff`), and so did a run's `removed 11 of 110,923 characters (0.0%)`. A run's summary says one decimal: whole
    percents said fr-pages' 1.4% as `1%` and MasakhaNEWS's 0.5% as `<1%`."""
    said = f"{part / whole:.{decimals}%}"
    if part and said == f"{0:.{decimals}%}":
        return f"<{10 ** -decimals:.{decimals}f}%"
    if part < whole and said == f"{1:.{decimals}%}":
        return f">{100 - 10 ** -decimals:.{decimals}f}%"
    return said


def per_second(rate: float) -> str:
    """A rate as a summary or a log line says it: whole from 10 (`1,509`), two figures under it (`0.41`, `3.2`, `2.0`,
    which said `2`): a run of 2 MB documents said `0 docs/s` (a QA pass). One that is not finite is said as Python
    says it (`inf`, `nan`: NaN was `under 0.01`)."""
    if rate >= 10 or not rate > 0:  # NaN too
        return f"{rate:,.0f}"
    return f"{rate:#.2g}".removesuffix(".") if rate >= 0.01 else "under 0.01"  # 9.96 is `10.`: from 10, whole
