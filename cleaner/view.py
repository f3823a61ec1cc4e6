"""The text a rule sees: the raw text minus what earlier rules removed, mapped back to raw offsets."""

from __future__ import annotations

from bisect import bisect_right
from functools import cached_property
from itertools import accumulate
from typing import Any, NamedTuple

from .prefilter import folded
from .text import line_key


class Line(NamedTuple):
    """One line of a view: `start`/`end` are view offsets of its text (the newline excluded)."""

    start: int
    end: int
    text: str


class Hit(NamedTuple):
    """A span a rule wants gone, in view offsets; with `field`, its text moves into that field; `why`
    says what decided it, for rules that decide by features."""

    start: int
    end: int
    field: str | None = None
    value: str | None = None
    source: str | None = None
    """The source whose learned boilerplate this is (`repeated` hits only)."""
    why: str | None = None


class View:
    """The visible text after the removals so far, with the kept raw segments behind it."""

    present: frozenset[str] | None = None
    """When set (by the engine): at least the `requires` strings `folded` holds, so `lines_holding` skips the others."""

    def __init__(self, raw: str, removed: list[tuple[int, int]], memo: dict[Any, Any] | None = None):
        self.memo = {} if memo is None else memo
        """What rules worked out from this text's lines, by line, for the views after this one: the engine hands it
        from view to view of a document (`_State.apply`), whose lines stay as they were when others go."""
        kept: list[tuple[int, int]] = []
        pos = 0
        for start, end in removed:
            if start > pos:
                kept.append((pos, start))
            pos = max(pos, end)
        if pos < len(raw):
            kept.append((pos, len(raw)))
        self._raw_starts = [a for a, _ in kept]
        self._vis_starts: list[int] = []
        total = 0
        for a, b in kept:
            self._vis_starts.append(total)
            total += b - a
        self.text = "".join(raw[a:b] for a, b in kept) if len(kept) != 1 else raw[kept[0][0] : kept[0][1]]

    def raw_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """The raw spans behind view span [start, end): several when it crosses earlier removals."""
        spans = []
        i = max(bisect_right(self._vis_starts, start) - 1, 0)
        while start < end and i < len(self._vis_starts):
            seg_vis = self._vis_starts[i]
            seg_end = self._vis_starts[i + 1] if i + 1 < len(self._vis_starts) else len(self.text)
            stop = min(end, seg_end)
            if stop > start:
                raw0 = self._raw_starts[i] + (start - seg_vis)
                spans.append((raw0, raw0 + stop - start))
                start = stop
            i += 1
        return spans

    @cached_property
    def lines(self) -> list[Line]:
        """The view's lines, split on `\\n` only."""
        out, pos = [], 0
        for piece in self.text.split("\n"):
            out.append(Line(pos, pos + len(piece), piece))
            pos += len(piece) + 1
        return out

    @cached_property
    def folded(self) -> str:
        """The text as `requires` strings are looked for in it (`prefilter.folded`)."""
        return folded(self.text)

    @cached_property
    def folded_line_starts(self) -> list[int]:
        """The offset in `folded` where each line starts: its lines are the text's, their lengths may differ."""
        return [0, *accumulate(len(piece) + 1 for piece in self.folded.split("\n")[:-1])]

    def lines_holding(self, words: tuple[str, ...]) -> list[int]:
        """Indexes of the lines that hold one of `words` (`requires` strings) in `folded`."""
        text, starts = self.folded, self.folded_line_starts
        found: set[int] = set()
        present = self.present
        for word in words:
            if present is not None and word not in present:
                continue  # not in the text: `present` holds at least every `requires` string it holds
            pos = text.find(word)
            while pos >= 0:
                i = bisect_right(starts, pos) - 1
                found.add(i)
                pos = text.find(word, starts[i + 1]) if i + 1 < len(starts) else -1  # the next line
        return sorted(found)

    def lines_to_try(self, words: tuple[str, ...]) -> list[Line]:
        """The lines a rule with `requires` strings `words` is tried on: those holding one (`lines_holding`), or
        every line when it has none."""
        return [self.lines[i] for i in self.lines_holding(words)] if words else self.lines

    @cached_property
    def keys(self) -> list[str | None]:
        """`line_key` of every line, computed once per view and shared by all phrase rules."""
        return [line_key(line.text) for line in self.lines]

    @cached_property
    def key_set(self) -> frozenset[str | None]:
        """The set of line keys, for a cheap 'can this rule fire at all' test."""
        return frozenset(self.keys)
