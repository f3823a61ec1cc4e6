"""`regex`: a whole line matched by a pattern (`scope: line`), or every match of it (`scope: span`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Literal

import regex
from pydantic import Field, field_validator

from ..view import Hit, View
from .base import Context, Rule, register, whole_lines
from .patterns import Flag, call, compile_fast, compiles


@register("regex")
class RegexRule(Rule):
    """Removes lines the pattern matches entirely (default), or each matched span with `scope: span`.

    With `scope: line` the pattern is tried on each line of at most `max_line_chars` characters
    (surrounding spaces allowed) that holds one of `requires`; with `scope: span` it runs over the
    whole text.
    """

    kind: Literal["regex"]
    flags: tuple[Flag, ...] = ()
    scope: Literal["line", "span"] = "line"
    max_line_chars: int = Field(500, ge=1)
    pattern: str

    _compiles = field_validator("pattern")(compiles)

    @cached_property
    def compiled(self) -> re.Pattern | regex.Pattern:
        """The compiled pattern (whole-line form for `scope: line`)."""
        return compile_fast(self.pattern, self.flags, shipped=self.shipped, line=self.scope == "line")

    @property
    def line_local(self) -> bool:
        """With `scope: line`, each line is matched alone."""
        return self.scope == "line"

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        if self.scope == "span":
            for m in call(self.compiled.finditer, view.text, ctx.timeout):
                if m.end() > m.start():
                    yield Hit(m.start(), m.end())
            return
        indexes = view.lines_holding(self.requires) if self.requires else None
        for line in view.lines if indexes is None else (view.lines[i] for i in indexes):
            if line.text and len(line.text) <= self.max_line_chars and call(self.compiled.fullmatch, line.text, ctx.timeout):
                yield whole_lines(view, line.start, line.end)
