"""`regex`: a whole line matched by a pattern (`scope: line`), or every match of it (`scope: span`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any, Literal

import regex
from pydantic import Field, ValidationInfo, field_validator

from ..view import Hit, View
from .base import EMPTY_HARM, Context, Rule, refuse_empty_match, register, whole_lines
from .patterns import Flag, call, check_pattern, compile_fast, compiles, mandatory_char


@register("regex")
class RegexRule(Rule):
    """Removes lines the pattern matches entirely (default), or each matched span with `scope: span`.

    With `scope: line` the pattern is tried on each line of at most `max_line_chars` characters
    (surrounding spaces allowed) that holds one of `requires`; with `scope: span` it runs over the
    whole text, or with `tail_lines: N` only from the start of its last N lines (look-behinds still see
    the text before them); with `line_starts: true` a span pattern is tried at the start of each line alone (of those
    lines), not searched for from every character: a search over a tail line of 2,500 characters cost more than any
    other rule on MasakhaNEWS (`generic.trailing-label`, 58 µs a document, a performance review).
    """

    kind: Literal["regex"]
    flags: tuple[Flag, ...] = ()
    scope: Literal["line", "span"] = "line"
    tail_lines: int | None = Field(None, ge=1, strict=True)
    line_starts: bool = Field(False, strict=True)
    max_line_chars: int = Field(500, ge=1, strict=True)
    pattern: str

    _compiles = field_validator("pattern")(compiles)

    @field_validator("pattern")
    @classmethod
    def _one_line(cls, pattern: str, info: ValidationInfo) -> str:
        shipped = bool(info.context and info.context.get("shipped"))  # a test holds them to it: ~1 ms a pattern
        if not shipped and info.data.get("scope", "line") == "line" and needs_line_break(pattern):
            raise ValueError("with `scope: line` the pattern is tried on one line at a time, and every match of it "
                             "holds a line break: it could never match (to match across lines, give `scope: span`)")
        if info.data.get("scope") == "span":  # a line rule's empty match is an empty line, which is no line to remove
            refuse_empty_match(pattern, check_pattern(pattern, info.data.get("flags", ())), "the pattern", EMPTY_HARM)
        return pattern

    @field_validator("tail_lines")
    @classmethod
    def _spans_only(cls, tail_lines: int | None, info: ValidationInfo) -> int | None:
        if tail_lines is not None and info.data.get("scope") != "span":
            raise ValueError("`tail_lines` needs `scope: span` (a `scope: line` rule matches each line alone)")
        return tail_lines

    @field_validator("line_starts")
    @classmethod
    def _spans_at_starts(cls, line_starts: bool, info: ValidationInfo) -> bool:
        if line_starts and info.data.get("scope") != "span":
            raise ValueError("`line_starts` needs `scope: span` (a `scope: line` rule matches each whole line)")
        return line_starts

    @cached_property
    def compiled(self) -> re.Pattern | regex.Pattern:
        """The compiled pattern (whole-line form for `scope: line`)."""
        return compile_fast(self.pattern, self.flags, shipped=self.shipped, line=self.scope == "line")

    @property
    def line_local(self) -> bool:
        """With `scope: line`, each line is matched alone."""
        return self.scope == "line"

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, with `scope: line`, a line the pattern matches that is longer than `max_line_chars`."""
        if (why := super().why_untouched(text, author)) or self.scope != "line":
            return why
        try:
            long = next((line for line in map(str.strip, text.split("\n")) if len(line) > self.max_line_chars
                         and call(self.compiled.fullmatch, line, 1.0)), None)
        except TimeoutError:
            return None
        return long and f"it matches a line of {len(long):,} characters, over max_line_chars {self.max_line_chars}"

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        if self.scope == "span":
            start = _tail_start(view.text, self.tail_lines) if self.tail_lines else 0
            found = (at_line_starts(self.compiled, view.text, ctx.timeout, starts_of_lines(view.text, start))
                     if self.line_starts else call(self.compiled.finditer, view.text, ctx.timeout, start))
            for m in found:
                if m.end() > m.start():
                    yield Hit(m.start(), m.end())
            return
        for line in view.lines_to_try(self.requires):
            if line.text and len(line.text) <= self.max_line_chars and call(self.compiled.fullmatch, line.text, ctx.timeout):
                yield whole_lines(view, line.start, line.end)


def needs_line_break(pattern: str) -> bool:
    """Whether every match of `pattern` holds a line break (`\\n`, or a newline written in it, outside a class of
    other characters or an optional part: `patterns.mandatory_char`)."""
    return mandatory_char(pattern, "\n") is not None


def at_line_starts(compiled: re.Pattern | regex.Pattern, text: str, timeout: float,
                   starts: Iterable[int]) -> Iterator[Any]:
    """The matches of `compiled` at each of `starts` (line starts of `text`, ascending), each tried there alone, past
    the end of the match before (as a search, they do not overlap: a start inside a match or on its last line is
    passed over)."""
    resume = 0
    for pos in starts:
        if pos >= resume and (m := call(compiled.match, text, timeout, pos)) and m.end() > pos:
            yield m
            resume = m.end() if text.startswith("\n", m.end() - 1) else text.find("\n", m.end()) + 1 or len(text) + 1


def starts_of_lines(text: str, start: int = 0) -> Iterator[int]:
    """The offsets where the lines of `text` start, from offset `start` (a line's start)."""
    pos = start
    while pos <= len(text):
        yield pos
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return


def _tail_start(text: str, lines: int) -> int:
    """The offset where the last `lines` lines of `text` start (0 when it has no more lines)."""
    end = len(text)
    for _ in range(lines):
        end = text.rfind("\n", 0, end)
        if end < 0:
            return 0
    return end + 1
