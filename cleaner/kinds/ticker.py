"""`ticker`: one long line made of many short headline-like segments, found by its structure alone."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

import regex
from pydantic import Field, field_validator

from ..view import Hit, View
from .base import Context, Rule, register, whole_lines
from .patterns import compile_pattern

_SENTENCE_BREAK = regex.compile(r"\p{Ll}{2}[.!?][^\S\n]+\p{Lu}")


@register("ticker")
class TickerRule(Rule):
    """Removes a line that splits, on one of `separators`, into at least `min_segments` headlines.

    A segment reads as a headline when it has `min_words` to `max_words` words, starts with a capital
    or a digit, does not end with a full stop and holds no sentence break. An ordinary paragraph has
    long sentence-shaped segments (or none), so it never qualifies.
    """

    kind: Literal["ticker"]
    separators: tuple[str, ...] = (r"[^\S\n]{2,}", r"[^\S\n]+[|•·][^\S\n]+", r"[^\S\n]+[-–—][^\S\n]+")
    min_line_chars: int = Field(150, ge=1)
    min_segments: int = Field(4, ge=2)
    min_words: int = Field(2, ge=1)
    max_words: int = Field(30, ge=1)
    min_headline_share: float = Field(0.8, gt=0, le=1)

    @field_validator("separators")
    @classmethod
    def _compiles(cls, separators: tuple[str, ...]) -> tuple[str, ...]:
        for sep in separators:
            compile_pattern(sep)
        return separators

    @cached_property
    def compiled(self) -> tuple[regex.Pattern, ...]:
        """The separator patterns."""
        return tuple(compile_pattern(sep) for sep in self.separators)

    def is_ticker(self, line: str, timeout: float = 1.0) -> bool:
        """True when `line` is a ticker by this rule's parameters."""
        if len(line) < self.min_line_chars:
            return False
        for sep in self.compiled:
            segments = [s.strip() for s in sep.split(line, timeout=timeout) if s.strip()]
            if len(segments) < self.min_segments:
                continue
            headlines = sum(self._headline(s) for s in segments)
            if headlines >= self.min_headline_share * len(segments):
                return True
        return False

    def _headline(self, segment: str) -> bool:
        words = segment.split()
        if not self.min_words <= len(words) <= self.max_words:
            return False
        first = next((c for c in segment if c.isalnum()), "")
        if not (first.isupper() or first.isdigit()):
            return False
        return not (segment.endswith(".") and not segment.endswith("...")) and not _SENTENCE_BREAK.search(segment)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        for line in view.lines:
            if self.is_ticker(line.text, ctx.timeout):
                yield whole_lines(view, line.start, line.end)
