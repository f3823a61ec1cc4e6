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
from .base import Context, Rule, register, shown
from .patterns import Flag, call, check_pattern, compile_fast


@register("extract")
class ExtractRule(Rule):
    """Lifts `title`, `source`, `published`, `author`, `section` out of the text by named groups.

    The pattern runs over the whole text (`multiline` by default, so `^`/`$` are line ends and `\\A`/`\\Z`
    the text's). Each named group becomes an extract edit; the rest of the match is removed with it
    (a match whose groups are all empty is removed whole). `published` must read as a date
    (`cleaner.dates.to_iso`), or the match is left alone. With `single`, fields are lifted only from a
    pattern that matches once: several matches are a list of teasers, each with its own byline, and
    are removed whole, naming no field (a page's sidebar otherwise gave the article another's author).
    """

    kind: Literal["extract"]
    flags: tuple[Flag, ...] = ("multiline",)
    pattern: str
    single: bool = Field(False, strict=True)

    phase = 3

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str, info: ValidationInfo) -> str:
        compiled = check_pattern(pattern, info.data.get("flags", ()))
        groups = set(compiled.groupindex)
        if not groups:
            raise ValueError(f"an extract pattern needs a named group: (?P<field>...) with field one of {FIELDS}")
        unknown = groups - set(FIELDS)
        if unknown:
            raise ValueError(f"group name {sorted(unknown)[0]!r} is not a field; use one of {', '.join(FIELDS)}")
        return pattern

    @cached_property
    def compiled(self) -> re.Pattern | regex.Pattern:
        """The compiled pattern."""
        return compile_fast(self.pattern, self.flags, shipped=self.shipped)

    def why_untouched(self, text: str) -> str | None:
        """A match whose `published` group caught no date cleaner reads (the match is then left alone)."""
        if "published" in self.compiled.groupindex:
            try:
                for m in call(self.compiled.finditer, text, 1.0):
                    if m.group("published") and to_iso(" ".join(m.group("published").split())) is None:
                        caught = shown(m.group("published"))
                        return f"its `published` group caught {caught}, which is no date cleaner reads"
            except TimeoutError:
                pass
        return None

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        matches = call(self.compiled.finditer, view.text, ctx.timeout)
        if self.single and len(matches := list(matches)) > 1:
            yield from (Hit(m.start(), _line_end(view.text, m)) for m in matches)
            return
        for m in matches:
            fields = []
            for name in self.compiled.groupindex:
                start, end = m.span(name)
                if start < 0 or start == end:
                    continue
                value = " ".join(m.group(name).split())
                if name == "published":
                    value = to_iso(value)
                    if value is None:
                        break
                fields.append(Hit(start, end, name, value))
            else:
                yield from _with_gaps(m.start(), _line_end(view.text, m), sorted(fields))


def _line_end(text: str, m: re.Match | regex.Match) -> int:
    """Where the removal of match `m` ends: with its newline when it is whole lines, so no blank line is left."""
    end = m.end()
    return end + 1 if (m.start() == 0 or text[m.start() - 1] == "\n") and text[end : end + 1] == "\n" else end


def _with_gaps(start: int, end: int, fields: list[Hit]) -> Iterator[Hit]:
    """The field hits of one match, and plain removals for the rest of the match around them."""
    pos = start
    for hit in fields:
        if hit.start < pos:  # a group inside another: keep the outer one
            continue
        if hit.start > pos:
            yield Hit(pos, hit.start)
        yield hit
        pos = hit.end
    if end > pos:
        yield Hit(pos, end)
