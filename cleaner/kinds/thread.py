"""`thread`: a reader-comment thread and everything after it, found by the lines that head its comments."""

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


@register("thread")
class ThreadRule(Rule):
    """Removes a comment thread from its first comment to the end of the text.

    Comments are prose, so no shape tells them from the article; what does is the lines around
    them that `pattern` matches (whole lines of at most `max_line_chars`): an author and a date
    with a time, "<name> dit :", a reply button. The thread starts at the first such line that is
    followed by at least `min_lines - 1` more, the next one within `max_gap_chars`, with at least
    `min_before_chars` of text before it; a lone match (a date line under a title, "Elle dit :" in
    an interview) never starts one. What follows a thread on a page (the reply form, the sidebar,
    the footer) is not article either, so the cut runs to the end.
    """

    kind: Literal["thread"]
    pattern: str
    flags: tuple[Flag, ...] = ()
    min_lines: int = Field(3, ge=2, strict=True)
    max_gap_chars: int = Field(2000, ge=1, strict=True)
    min_before_chars: int = Field(200, ge=0, strict=True)
    max_line_chars: int = Field(160, ge=1, le=2**32 - 2, strict=True)  # a count in `compiled`: `regex` and `re` take none larger

    phase = 2

    _compiles = field_validator("pattern")(compiles)

    @cached_property
    def compiled(self) -> re.Pattern | regex.Pattern:
        """The pattern as whole lines of at most `max_line_chars`, found in one scan of the text."""
        line = rf"^(?=[^\n]{{1,{self.max_line_chars}}}$)[^\S\n]*+(?:{self.pattern})[^\S\n]*+$"
        return compile_fast(line, (*self.flags, "multiline"), shipped=self.shipped)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        for start in self._starts(view.text, ctx.timeout):
            if len(view.text[:start].strip()) >= self.min_before_chars:
                yield whole_lines(view, start, len(view.text))
                return

    def _starts(self, text: str, timeout: float) -> Iterator[int]:
        """Where a thread may start in `text`: each matched line followed by `min_lines - 1` more, the next one within
        `max_gap_chars`."""
        starts = [m.start() for m in call(self.compiled.finditer, text, timeout)]
        for k in range(len(starts) - self.min_lines + 1):
            if starts[k + 1] - starts[k] <= self.max_gap_chars:
                yield starts[k]

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, comments that would start a thread but with under `min_before_chars` of text before them."""
        if why := super().why_untouched(text, author):
            return why
        try:
            start = next(self._starts(text, 1.0), None)
        except TimeoutError:
            return None
        if start is None:
            return None
        return (f"its comments start under {len(text[:start].strip())} characters of text, fewer than "
                f"min_before_chars = {self.min_before_chars}")
