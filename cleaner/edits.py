"""Edits as a plan: replaying them on the raw text, and the whitespace normalisation they end with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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
