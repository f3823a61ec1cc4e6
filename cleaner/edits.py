"""Edits as a plan: replaying them on the raw text, and the whitespace normalisation they end with."""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
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


def removed_by_rules(edits: Iterable[Edit], length: int) -> str:
    """Which rules removed how much of a text of `length` characters, most first, for the `too_short` detail and the
    warning on a text the rules emptied: "rule g.all removed 44 of 44 characters", "rules a.x (1,100), b.y (100) and
    2 more removed 1,234 of 1,240 characters"; '' when none removed any (the whitespace pass is no rule's)."""
    removed: Counter[str] = Counter()
    for edit in edits:
        if edit.rule != WHITESPACE_RULE:
            removed[edit.rule] += edit.end - edit.start
    if not removed:
        return ""
    named = [f"{rule} ({chars:,})" for rule, chars in removed.most_common(2)] if len(removed) > 1 else list(removed)
    named += [f"{len(removed) - 2} more"] if len(removed) > 2 else []
    rules = f"rules {', '.join(named[:-1])} and {named[-1]}" if len(named) > 1 else f"rule {named[0]}"
    return f"{rules} removed {sum(removed.values()):,} of {length:,} characters"


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
    """`raw` as the rules read it, and the way back: in NFC, without the invisible characters of `HIDDEN`.
    A pattern or a `requires` string written with "é" found nothing in a text that writes "e" and a combining
    accent (NFD, as macOS does), and `fr.share-bar` nothing in `Partager\\u200b sur Facebook`, where a `line`
    phrase, compared without accents and those characters, matched. `raw_edits` takes edits on `text` to edits
    on `raw`; the clean text keeps the invisible characters no edit takes."""

    def __init__(self, raw: str):
        self.raw = raw
        self.text, self._hidden = _unhidden(raw)  # first: a soft hyphen between a letter and its accent parts them
        self.text, self._nfc = _nfc(self.text)

    def _raw(self, pos: int, end: bool) -> int:
        """The offset in `raw` of offset `pos` of `text` (see `_Changes.before`)."""
        return self._hidden.before(self._nfc.before(pos, end), end)

    def raw_edits(self, edits: list[Edit]) -> list[Edit]:
        """`edits` (on `text`, not overlapping) on `raw`, sorted; a span that cuts into a composed character
        takes it whole, and one that starts or ends at hidden characters takes them."""
        return self._hidden.edits(self._nfc.edits(edits))


HIDDEN = "\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
"""What the rules do not see of a text (a character class): soft hyphens, zero-width spaces, word joiners,
U+FEFF, and the marks, embeddings and isolates of direction, invisible characters that a scraped line holds
where its writer saw none, and a pattern does not. ZERO WIDTH JOINER and NON-JOINER are seen: they spell
Persian, Indic scripts and emoji."""
_HIDDEN = re.compile(f"[{HIDDEN}]+")
_ONE_HIDDEN = re.compile(f"[{HIDDEN}]")
"""The test for any: `re` searches for one character of a class three times as fast as for a run of them."""


class _Changes:
    """Changes made to a text, each one's start and end in the text made and in the text before (arrays: a
    7 MB text in NFD has two million of them)."""

    def __init__(self) -> None:
        self.starts, self.stops, self.raw_starts, self.raw_stops = (array("q") for _ in range(4))

    def add(self, start: int, stop: int, raw_start: int, raw_stop: int) -> None:
        self.starts.append(start)
        self.stops.append(stop)
        self.raw_starts.append(raw_start)
        self.raw_stops.append(raw_stop)

    def before(self, pos: int, end: bool) -> int:
        """The offset in the text before of offset `pos`; inside a change, its start, or with `end` its end;
        at a change that removed characters, before them, or with `end` after them."""
        i = bisect_right(self.starts, pos) - 1
        if i < 0:
            return pos
        if pos == self.starts[i]:
            return self.raw_stops[i] if end and pos == self.stops[i] else self.raw_starts[i]
        if pos < self.stops[i]:
            return self.raw_stops[i] if end else self.raw_starts[i]
        return pos + self.raw_stops[i] - self.stops[i]

    def edits(self, edits: list[Edit]) -> list[Edit]:
        """`edits` (on the text made, not overlapping) on the text before, sorted."""
        if not self.starts:
            return sorted(edits, key=lambda e: e.start)
        out, last = [], 0
        for edit in sorted(edits, key=lambda e: e.start):
            start, end = max(self.before(edit.start, False), last), self.before(edit.end, True)
            if end > start:
                out.append(edit.model_copy(update={"start": start, "end": end}))
                last = end
        return out


_NONE = _Changes()
"""No change (shared: never added to)."""


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters `old` and `new` share at their start, and then at their end: `_COMPOSING` takes the
    character before a run along, which NFC leaves as it is before U+F900 (a singleton): a deletion of that
    character (a no-break space the whitespace pass trims) took the ideograph with it."""
    most = min(len(old), len(new))
    head = 0
    while head < most and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < most - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def _nfc(raw: str) -> tuple[str, _Changes]:
    """`raw` in NFC, and each change NFC made."""
    if raw.isascii() or unicodedata.is_normalized("NFC", raw):
        return raw, _NONE
    text, shift = unicodedata.normalize("NFC", raw), 0
    changes = _Changes()
    for m in _COMPOSING.finditer(raw):
        old = m.group()
        if (new := unicodedata.normalize("NFC", old)) != old:
            start = m.start() - shift
            if text[start : start + len(new)] != new:
                return raw, _NONE  # NFC changed what `_COMPOSING` did not find (a Unicode version `regex` does not know): as it is
            same = _common_ends(old, new)  # a change covers what NFC changed, not the character it took along
            changes.add(start + same[0], start + len(new) - same[1], m.start() + same[0], m.end() - same[1])
            shift += len(old) - len(new)
    return (text, changes) if len(text) == len(raw) - shift else (raw, _NONE)


def _unhidden(text: str) -> tuple[str, _Changes]:
    """`text` without its `HIDDEN` characters, and each run of them removed."""
    if text.isascii() or not (first := _ONE_HIDDEN.search(text)):
        return text, _NONE
    changes, shift = _Changes(), 0
    for m in _HIDDEN.finditer(text, first.start()):
        changes.add(m.start() - shift, m.start() - shift, m.start(), m.end())
        shift += m.end() - m.start()
    return _HIDDEN.sub("", text), changes
