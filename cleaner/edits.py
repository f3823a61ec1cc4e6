"""Edits as a plan: replaying them on the raw text, and the whitespace normalisation they end with."""

from __future__ import annotations

import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

import regex

from .models import Edit

WHITESPACE_RULE = "whitespace"
"""Rule id of the edits that trim lines and fold blank lines; not a rule of any pack."""
REPEATED_RULE = "repeated"
"""Rule id of the lines `cleaner run` learned as a source's boilerplate (`cleaner.boilerplate`)."""
BUILT_IN_RULES = {
    WHITESPACE_RULE: ("whitespace", "lines trimmed, blank lines folded"),
    REPEATED_RULE: ("repeated", ("boilerplate learned from the corpus: a line (or a run of short lines) seen in many "
                                 "documents of the same source, counted once per group of duplicates")),
}
"""(kind, description) of the rule ids that no pack defines, for the review page."""


def replay(raw: str, edits: Iterable[Edit | Mapping[str, Any]]) -> str:
    """Apply `edits` to `raw`: what is left once every edited span is cut out. An edit is an `Edit` or its
    mapping, as an output line holds it (`replay(raw, record["edits"])`).

    Raises ValueError if an edit falls outside the text or two edits overlap (or, for a mapping, is not an
    `Edit`), so a replay that succeeds and equals the clean text proves the edits explain every difference.
    """
    out, pos = [], 0
    taken = [edit if isinstance(edit, Edit) else Edit.model_validate(edit) for edit in edits]
    for edit in sorted(taken, key=lambda e: (e.start, e.end)):
        if edit.end > len(raw):
            raise ValueError(f"edit {edit.start}-{edit.end} ({edit.rule}) ends past the text ({len(raw)})")
        if edit.start < pos:
            raise ValueError(f"edit {edit.start}-{edit.end} ({edit.rule}) overlaps the edit before it")
        out.append(raw[pos : edit.start])
        pos = edit.end
    out.append(raw[pos:])
    return "".join(out)


def whitespace_spans(text: str) -> list[tuple[int, int]]:
    """Spans to delete so that lines are trimmed, blank runs become one blank line, ends are bare.

    Only deletions, only of whitespace: every whitespace run holding a line break keeps its first
    newline (and its second, when there was a blank line), runs at either end of the text go, and
    whitespace inside a line is left alone.
    """
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    if tail == 0:
        return [(0, len(text))] if text else []
    spans: list[tuple[int, int]] = [(0, lead)] if lead else []
    nl = text.find("\n", lead, tail)
    while nl >= 0:
        start = nl
        while text[start - 1].isspace():  # never past `lead`: text[lead] is not a space
            start -= 1
        end = nl + 1
        while text[end].isspace():  # never past `tail`: text[tail - 1] is not a space
            end += 1
        second = text.find("\n", nl + 1, end)
        spans.append((start, nl))
        if second < 0:
            spans.append((nl + 1, end))
        else:
            spans.append((nl + 1, second))
            spans.append((second + 1, end))
        nl = text.find("\n", end, tail)
    if tail < len(text):
        spans.append((tail, len(text)))
    return [(a, b) for a, b in spans if b > a]


_UNSTABLE = r"\p{NFC_QC=N}\p{NFC_QC=M}\P{ccc=0}"
_COMPOSING = regex.compile(rf"[^{_UNSTABLE}]?[{_UNSTABLE}]+")
"""A run of characters NFC may change (combining marks, characters that compose with the one before, or
that NFC replaces), with the character before it: outside such runs NFC changes nothing."""


class Composed:
    """`raw` in NFC, as the rules read it, and the way back: a pattern or a `requires` string written with
    "é" found nothing in a text that writes "e" and a combining accent (NFD, as macOS does), where a `line`
    phrase, compared without accents, matched. `raw_edits` takes edits on `text` to edits on `raw`."""

    def __init__(self, raw: str):
        self.raw, self.text = raw, raw
        # each change NFC made: its start and end in `text`, its start and end in `raw` (arrays: a 7 MB text in
        # NFD has two million of them)
        self._starts, self._stops, self._raw_starts, self._raw_stops = (array("q") for _ in range(4))
        if raw.isascii() or unicodedata.is_normalized("NFC", raw):
            return
        text, shift = unicodedata.normalize("NFC", raw), 0
        starts, stops, raw_starts, raw_stops = spans = (array("q"), array("q"), array("q"), array("q"))
        for m in _COMPOSING.finditer(raw):
            old = m.group()
            if (new := unicodedata.normalize("NFC", old)) != old:
                start = m.start() - shift
                if text[start : start + len(new)] != new:
                    return  # NFC changed what `_COMPOSING` did not find (a Unicode version `regex` does not know): as it is
                starts.append(start)
                stops.append(start + len(new))
                raw_starts.append(m.start())
                raw_stops.append(m.end())
                shift += len(old) - len(new)
        if len(text) == len(raw) - shift:
            self.text = text
            self._starts, self._stops, self._raw_starts, self._raw_stops = spans

    def _raw(self, pos: int, end: bool) -> int:
        """The offset in `raw` of offset `pos` of `text`; inside a change, its start, or with `end` its end."""
        i = bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        if pos == self._starts[i]:
            return self._raw_starts[i]
        if pos < self._stops[i]:
            return self._raw_stops[i] if end else self._raw_starts[i]
        return pos + self._raw_stops[i] - self._stops[i]

    def raw_edits(self, edits: list[Edit]) -> list[Edit]:
        """`edits` (on `text`, not overlapping) on `raw`, sorted; a span that cuts into a composed character
        takes it whole."""
        if not self._starts:
            return sorted(edits, key=lambda e: e.start)
        out, last = [], 0
        for edit in sorted(edits, key=lambda e: e.start):
            start, end = max(self._raw(edit.start, False), last), self._raw(edit.end, True)
            if end > start:
                out.append(edit.model_copy(update={"start": start, "end": end}))
                last = end
        return out
