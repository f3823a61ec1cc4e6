"""`extract`: a pattern whose named groups are fields; the match leaves the text, the groups fill fields."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Literal

import regex
from pydantic import Field, ValidationInfo, field_validator

from ..dates import to_iso
from ..models import FIELDS
from ..view import Hit, View
from .base import EMPTY_HARM, Context, Rule, refuse_empty_match, register, shown
from .patterns import Flag, call, check_pattern, compile_fast, lookaround_group, starts_a_line
from .regexp import at_line_starts


@register("extract")
class ExtractRule(Rule):
    """Lifts `title`, `source`, `published`, `author`, `section` out of the text by named groups.

    The pattern runs over the whole text (`multiline` by default, so `^`/`$` are line ends and `\\A`/`\\Z`
    the text's). Each named group becomes an extract edit; the rest of the match is removed with it
    (a match whose groups are all empty is removed whole). A group inside another fills its field too (the outer
    one's edit is the first part of it outside the inner ones; the rest goes with the match). What is removed is
    the match and nothing else, so a named group in a look-around is refused at load, and a match with a group
    outside it (before a `\\K`) is left alone.
    `published` must read as a date (`cleaner.dates.to_iso`), or the match is left alone. With `single`, fields
    are lifted only from a pattern that matches once: several matches are a list of teasers, each with its own
    byline, and are removed whole, naming no field (a page's sidebar otherwise gave the article another's author).
    With `line_starts`, the pattern is tried at the start of each line that holds one of `requires` (each line when
    it has none), matched there, not searched for from every character: for a pattern whose matches start a line
    (`^`); its look-arounds still see the whole text. A search of a French page took a `^`-anchored pattern ~250 µs.
    """

    kind: Literal["extract"]
    flags: tuple[Flag, ...] = ("multiline",)
    pattern: str
    single: bool = Field(False, strict=True)
    line_starts: bool = Field(False, strict=True)

    phase = 3

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str, info: ValidationInfo) -> str:
        compiled = check_pattern(pattern, info.data.get("flags", ()))
        groups = set(compiled.groupindex)
        if not groups:
            raise ValueError(f"an extract pattern needs a named group: (?P<field>...) with field one of {FIELDS}")
        refuse_empty_match(pattern, compiled, "the pattern", EMPTY_HARM)
        unknown = groups - set(FIELDS)
        if unknown:
            raise ValueError(f"group name {sorted(unknown)[0]!r} is not a field; use one of {', '.join(FIELDS)}")
        if name := lookaround_group(pattern):
            raise ValueError(f"the group {name!r} is inside a look-around, whose text is no part of the match: only "
                             "the match is removed, so the field would hold text left in the document (or the match "
                             f"go without it); take the group out of the look-around, `(?P<{name}>...)` in the match")
        return pattern

    @field_validator("line_starts")
    @classmethod
    def _starts_lines(cls, line_starts: bool, info: ValidationInfo) -> bool:
        if line_starts and (pattern := info.data.get("pattern")) and not starts_a_line(pattern):
            raise ValueError("with `line_starts` the pattern is tried at line starts only, and a branch of it does not "
                             "open with `^` (or `\\A`): its matches elsewhere would be lost; begin each branch with "
                             "`^`, or leave `line_starts` out")
        return line_starts

    @cached_property
    def compiled(self) -> re.Pattern | regex.Pattern:
        """The compiled pattern."""
        return compile_fast(self.pattern, self.flags, shipped=self.shipped)

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """A match with a group outside it (before a `\\K`), or whose `published` group caught no date cleaner reads:
        the match is then left alone."""
        if why := super().why_untouched(text, author):
            return why
        try:
            for m in self._matches(View(text, []), 1.0):
                for name in self.compiled.groupindex:
                    if _outside(m, name):
                        return (f"its `{name}` group caught {shown(m.group(name))} outside the match, which alone is "
                                "removed (a `\\K` after the group?)")
                    if name == "published" and m.group(name) and to_iso(" ".join(m.group(name).split())) is None:
                        return f"its `published` group caught {shown(m.group(name))}, which is no date cleaner reads"
        except TimeoutError:
            pass
        return None

    def _matches(self, view: View, timeout: float) -> Iterator[re.Match | regex.Match]:
        """The pattern's matches in `view`: searched for, or tried at line starts (`line_starts`)."""
        if not self.line_starts:
            return call(self.compiled.finditer, view.text, timeout)
        starts = (line.start for line in view.lines_to_try(self.requires))
        return at_line_starts(self.compiled, view.text, timeout, starts)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        matches = self._matches(view, ctx.timeout)
        if self.single and len(matches := list(matches)) > 1:
            yield from (Hit(m.start(), _line_end(view.text, m)) for m in matches)
            return
        for m in matches:
            fields = []
            for name in self.compiled.groupindex:
                start, end = m.span(name)
                if start < 0 or start == end:
                    continue
                if _outside(m, name):
                    break
                value = " ".join(m.group(name).split())
                if name == "published":
                    value = to_iso(value)
                    if value is None:
                        break
                fields.append(Hit(start, end, name, value))
            else:
                yield from _with_gaps(m.start(), _line_end(view.text, m), fields)


def _line_end(text: str, m: re.Match | regex.Match) -> int:
    """Where the removal of match `m` ends: with its newline when it is whole lines, so no blank line is left."""
    end = m.end()
    return end + 1 if (m.start() == 0 or text[m.start() - 1] == "\n") and text[end : end + 1] == "\n" else end


def _outside(m: re.Match | regex.Match, name: str) -> bool:
    """True when group `name` caught text outside match `m` (`\\K` starts a match after its groups)."""
    start, end = m.span(name)
    return start < end and (start < m.start() or end > m.end())


def _with_gaps(start: int, end: int, fields: list[Hit]) -> Iterator[Hit]:
    """The field hits of one match, each the first part of its group outside the groups inside it (innermost first:
    a group of the very span of another has none, and fills no field), and plain removals for the rest of the
    match, from `start` to `end`."""
    cuts = sorted({start, end, *(h.start for h in fields), *(h.end for h in fields)})
    pieces: dict[tuple[int, int], Hit] = {}
    for hit in sorted(fields, key=lambda h: h.end - h.start):
        free = next((p for p in zip(cuts, cuts[1:]) if hit.start <= p[0] and p[1] <= hit.end and p not in pieces), None)
        if free:
            pieces[free] = hit._replace(start=free[0], end=free[1])
    pos = start
    for a, b in sorted(pieces):
        if a > pos:
            yield Hit(pos, a)
        yield pieces[a, b]
        pos = b
    if end > pos:
        yield Hit(pos, end)
