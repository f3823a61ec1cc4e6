"""Edits as a plan: replaying them on the raw text, and the whitespace normalisation they end with."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Edit

WHITESPACE_RULE = "whitespace"
"""Rule id of the edits that trim lines and fold blank lines; not a rule of any pack."""


def replay(raw: str, edits: Iterable[Edit]) -> str:
    """Apply `edits` to `raw`: what is left once every edited span is cut out.

    Raises ValueError if an edit falls outside the text or two edits overlap, so a replay that
    succeeds and equals the clean text proves the edits explain every difference.
    """
    out, pos = [], 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
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

    Only deletions: the text that remains is the input with these spans cut out.
    """
    kept: list[tuple[int, int]] = []
    pos = 0
    last_content_end = None  # offset just past the previous non-blank line's content
    blank_since: int | None = None  # the newline that ends the first blank line since then
    for line in text.split("\n"):
        end = pos + len(line)
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            if last_content_end is not None:
                kept.append((last_content_end, last_content_end + 1))  # the newline after it
                if blank_since is not None:
                    kept.append((blank_since, blank_since + 1))  # one blank line
            kept.append((start, start + len(stripped)))
            last_content_end = end  # the newline right after this line
            blank_since = None
        elif last_content_end is not None and blank_since is None:
            blank_since = end  # newline that ends this first blank line
        pos = end + 1
    spans, pos = [], 0
    for start, end in kept:
        if start > pos:
            spans.append((pos, start))
        pos = end
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans
