"""`extract`: a pattern whose named groups are fields; the match leaves the text, the groups fill fields."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

import regex
from pydantic import ValidationInfo, field_validator

from ..dates import to_iso
from ..models import FIELDS
from ..view import Hit, View
from .base import Context, Rule, register
from .patterns import Flag, compile_pattern


@register("extract")
class ExtractRule(Rule):
    """Lifts `title`, `source`, `published`, `author`, `section` out of the text by named groups.

    The pattern runs over the whole text (`multiline` by default, so `^`/`$` are line ends and `\\A`/`\\Z`
    the text's). Each named group becomes an extract edit; the rest of the match is removed with it
    (a match whose groups are all empty is removed whole). `published` must read as a date
    (`cleaner.dates.to_iso`), or the match is left alone.
    """

    kind: Literal["extract"]
    flags: tuple[Flag, ...] = ("multiline",)
    pattern: str

    phase = 3

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str, info: ValidationInfo) -> str:
        compiled = compile_pattern(pattern, info.data.get("flags", ()))
        groups = set(compiled.groupindex)
        if not groups:
            raise ValueError(f"an extract pattern needs a named group: (?P<field>...) with field one of {FIELDS}")
        unknown = groups - set(FIELDS)
        if unknown:
            raise ValueError(f"group name {sorted(unknown)[0]!r} is not a field; use one of {', '.join(FIELDS)}")
        return pattern

    @cached_property
    def compiled(self) -> regex.Pattern:
        """The compiled pattern."""
        return compile_pattern(self.pattern, self.flags)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        for m in self.compiled.finditer(view.text, timeout=ctx.timeout):
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
                end = m.end()
                if (m.start() == 0 or view.text[m.start() - 1] == "\n") and view.text[end : end + 1] == "\n":
                    end += 1  # whole lines: take the newline too, so no blank line is left
                yield from _with_gaps(m.start(), end, sorted(fields))


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
