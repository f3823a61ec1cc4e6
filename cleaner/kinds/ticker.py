"""`ticker`: one long line made of many short headline-like segments, found by its structure alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from itertools import islice
from typing import Literal

import regex
from pydantic import Field, field_validator, model_validator

from ..text import CLOSERS, FULL_STOPS, SENTENCE_BREAK, SOUTHEAST, width, word_count
from ..view import Hit, View
from .base import Context, Rule, not_under, refuse_empty_match, register, shown_pattern, whole_lines
from .patterns import call, check_pattern, compile_fast

Pattern = re.Pattern | regex.Pattern


_WS = r"[\t\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
r"""`[^\S\n]` spelled out, the same characters for `re` (a test checks it): `re` scans for a set of characters
several times faster than it tests each one against a class of categories."""


@register("ticker")
class TickerRule(Rule):
    """Removes a line that splits, on one of `separators`, into at least `min_segments` headlines.

    A separator right after a comma or a semicolon does not separate: a headline never ends with one,
    so the two sides are one segment (`Metro FM 801, Channel Africa 802,  Good Hope FM 803, …` is one
    enumeration with loose spacing, and a headline whose ", " became ",  " in a scrape stays whole).
    A segment reads as a headline when it has `min_words` to `max_words` words (`text.word_count`, which counts
    the letters of Chinese, Japanese or Thai as words), does not start with a
    lower-case letter (capitals, digits and caseless scripts such as Arabic pass), does not end with a
    full stop (nor with 。．｡ ។ ။, a quote closed after it or not, nor with a quoted ！ or ？), a comma or a
    semicolon and holds no sentence break; at least `min_headline_share` of the
    segments must, and none may be longer than `max_words` (a list glued after a paragraph is not a
    ticker). An ordinary paragraph has long sentence-shaped segments (or none), so it never qualifies.
    A line that starts with one of `list_marks` is an item of a list (`■ Best Actor Name – Film Name –
    Film …`), never a ticker, nor is a line whose first segment holds a label's colon and that a full stop
    closes (`Civilian representatives: Royal Navy reserves • … • Cadets at the rear: mounted police.`): the
    article's own list, which it introduces and ends as a sentence. In a line mostly of Thai, Lao, Khmer or
    Myanmar, a separator that may be spaces alone does not separate: those scripts put spaces between phrases and
    sentences.
    """

    kind: Literal["ticker"]
    separators: tuple[str, ...] = Field((_WS + "{2,}", f"{_WS}(?<!{_WS}{_WS}){_WS}*+[|•·]{_WS}+",
                                         f"{_WS}(?<!{_WS}{_WS}){_WS}*+[-–—]{_WS}+"), min_length=1)
    """Each tried only where a run of spaces starts (the look-behind, after its first space) and holding the
    whole run (`*+`): tried at every space of a long run, a run without the mark took time in the square of
    its length. Each starts with a space, so `re` skips to the next space at once: a look-behind first made it
    try every character (all of them together, `any_separator`, took 0.26 s over the 792 long lines of 5,000
    MasakhaNEWS texts that pass `prefilter`; 0.18 s now)."""
    prefilter: str | None = _WS + r"(?:" + _WS + r"|[|•·\-–—]" + _WS + ")"
    """A cheap pattern that every separator match contains: a line with fewer than `min_segments - 1`
    matches is skipped unsplit; null splits every line. A rule that gives its own `separators` and no
    `prefilter` has its separators for one: the default's, the shipped separators' marks, skipped every line
    its separators split (` ≫ `), and the rule never fired, without a word."""
    min_line_chars: int = Field(150, ge=1, strict=True)
    """The shortest line that may be a ticker, in characters, an East Asian wide one counting two (`text.width`)."""
    min_segments: int = Field(4, ge=2, strict=True)
    min_words: int = Field(3, ge=1, strict=True)
    max_words: int = Field(30, ge=1, strict=True)
    _bounded = field_validator("max_words")(not_under("min_words"))
    min_headline_share: float = Field(0.9, gt=0, le=1, strict=True)
    list_marks: str = ""
    """Bullet characters: a line whose first character is one of them is never a ticker. Leave out the
    marks a ticker may start with (its own separators, such as • and |)."""
    announced_words: int = Field(0, ge=0, strict=True)
    """A line under a line of at least this many words that ends with a colon (a sentence announcing it:
    quoted captions, a list) is never a ticker; 0 (the default) reads each line alone. A label ending
    with a colon ("À lire aussi :") is shorter, and a ticker under it still goes."""

    @field_validator("separators")
    @classmethod
    def _compiles(cls, separators: tuple[str, ...]) -> tuple[str, ...]:
        for sep in separators:
            compiled = check_pattern(sep)
            if compiled.groups:  # `split` keeps what a group captured as a segment; `_joined` counts by group
                raise ValueError(f"the separator {shown_pattern(sep)} has a capturing group: make it non-capturing, "
                                 "`(?:...)`")
            # `[]` joined to "", whose match has no group: a TypeError at the first document
            refuse_empty_match(sep, compiled, "the separator", "it would split a line everywhere")
        check_pattern(_joined(separators))  # what `any_separator` compiles: all of them, whose sizes add up
        return separators

    @field_validator("prefilter")
    @classmethod
    def _prefilter_compiles(cls, prefilter: str | None) -> str | None:
        if prefilter is not None:
            check_pattern(prefilter)
        return prefilter

    @model_validator(mode="after")
    def _own_separators_filter(self) -> TickerRule:
        if "separators" in self.model_fields_set and "prefilter" not in self.model_fields_set:
            object.__setattr__(self, "prefilter", _joined(self.separators))  # frozen: set once, as it is built
        return self

    @cached_property
    def compiled_prefilter(self) -> Pattern | None:
        """The prefilter pattern, if any."""
        return compile_fast(self.prefilter, shipped=self.shipped) if self.prefilter is not None else None

    @cached_property
    def compiled(self) -> tuple[Pattern, ...]:
        """The separator patterns."""
        return tuple(compile_fast(sep, shipped=self.shipped) for sep in self.separators)

    @cached_property
    def any_separator(self) -> Pattern:
        """All separators in one pattern, one group each: one scan tells which are frequent enough."""
        return compile_fast(_joined(self.separators), shipped=self.shipped)

    @property
    def line_local(self) -> bool:
        """Each line is split alone (the whole-text count of `prefilter` only skips texts where no line can qualify);
        not with `announced_words`, which reads the line above: removing that line may make a ticker of this one."""
        return not self.announced_words

    def _enough_separators(self, text: str, timeout: float) -> bool:
        pre = self.compiled_prefilter
        if pre is None:
            return True
        need = self.min_segments - 1  # stop at that many matches: a long text may hold thousands
        return need <= 0 or next(islice(call(pre.finditer, text, timeout), need - 1, None), None) is not None

    def is_ticker(self, line: str, timeout: float = 1.0) -> bool:
        """True when `line` is a ticker by this rule's parameters."""
        return self.segments(line, timeout) is not None

    def segments(self, line: str, timeout: float = 1.0) -> list[str] | None:
        """The segments of `line` when it is a ticker by this rule's parameters, else None."""
        if not self._long_enough(line) or not self._enough_separators(line, timeout):
            return None
        return self._split(line, timeout)

    def _long_enough(self, line: str) -> bool:
        """True when `line` has `min_line_chars`, by its length or its width."""
        return len(line) >= self.min_line_chars or width(line) >= self.min_line_chars

    def _split(self, line: str, timeout: float) -> list[str] | None:
        """`segments` past its cheap tests (the line's length and `prefilter`)."""
        if (first := line.lstrip()[:1]) and first in self.list_marks:
            return None  # an item of a bulleted list
        counts: list[int] = []  # of each separator in one scan of all of them, made only for a line whose split passes
        phrases = not line.isascii() and 2 * len(SOUTHEAST.findall(line)) > len(line) - line.count(" ")
        for n, sep in enumerate(self.compiled):
            if phrases and self.blank_separators[n]:
                continue  # Thai, Lao, Khmer, Myanmar: spaces part phrases and sentences there, not headlines
            segments = _clauses_joined([s.strip() for s in call(sep.split, line, timeout) if s.strip()])
            if len(segments) < self.min_segments or any(word_count(s) > self.max_words for s in segments):
                continue  # a paragraph never sits inside a ticker
            if not counts:
                counts = self._counts(line, timeout)
            if counts[n] < self.min_segments - 1:
                continue
            headlines = sum(self._headline(s) for s in segments)
            if headlines >= self.min_headline_share * len(segments) and not _enumeration(segments):
                return segments
        return None

    def _counts(self, line: str, timeout: float) -> list[int]:
        """How many times each separator matches `line` in one scan of them all (`any_separator`: where two
        could match, the first in order takes the spaces). That scan tries every character (`re` skips ahead
        only for a pattern that starts with a character or a class, not with a group), several times the cost of a
        separator's own split, so `segments` makes it only for a line that one of those splits passes."""
        counts = [0] * len(self.compiled)
        for m in call(self.any_separator.finditer, line, timeout):
            counts[m.lastindex - 1] += 1
        return counts

    @cached_property
    def blank_separators(self) -> tuple[bool, ...]:
        """Whether each separator may be spaces alone (a run of them), not a mark such as `|`."""
        return tuple(pattern.fullmatch("  ") is not None for pattern in self.compiled)

    def _headline(self, segment: str) -> bool:
        if not self.min_words <= word_count(segment) <= self.max_words:
            return False
        first = next((c for c in segment if c.isalnum()), "")
        if first.islower():  # caseless scripts (Arabic, ...) pass
            return False
        if segment.endswith((",", ";")):
            return False  # a clause of an enumeration or a sentence
        end = segment.rstrip(CLOSERS)  # a headline may end with ！ or ？, as one may end with ! or ?; not quoted
        if end.endswith(FULL_STOPS) or (end != segment and end.endswith(("！", "？"))):
            return False  # a sentence of Chinese, Japanese, Khmer or Myanmar, or a quoted exclamation or question
        return not (segment.endswith(".") and not segment.endswith("...")) and not SENTENCE_BREAK.search(segment)

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also a line that is a ticker by its separators, but under `min_line_chars` or that `prefilter` skips."""
        if why := super().why_untouched(text, author):
            return why
        try:
            for line in text.split("\n"):
                if not self._long_enough(line) and (found := self._split(line, 1.0)):
                    return (f"a line splits into {len(found)} headlines on its separators, but has {len(line)} "
                            f"characters, under min_line_chars = {self.min_line_chars}")
                if (self._long_enough(line) and not self._enough_separators(line, 1.0)
                        and (found := self._split(line, 1.0))):
                    times = len(call(self.compiled_prefilter.findall, line, 1.0))
                    return (f"a line splits into {len(found)} headlines on its separators, but its `prefilter` "
                            f"{shown_pattern(self.prefilter)} matches it {times} times, under min_segments - 1 "
                            f"({self.min_segments - 1}): the prefilter must match within every separator match")
        except TimeoutError:
            pass
        return None

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        if not self._enough_separators(view.text, ctx.timeout):
            return  # not enough separators in the whole text for any line to be a ticker
        above = ""
        for line in view.lines:
            if not self._announces(above) and self.is_ticker(line.text, ctx.timeout):
                yield whole_lines(view, line.start, line.end)
            above = line.text or above

    def _announces(self, line: str) -> bool:
        """True when `line` is a sentence that announces the line under it (see `announced_words`)."""
        return bool(self.announced_words) and line.endswith((":", "：")) and word_count(line) >= self.announced_words


def _joined(separators: tuple[str, ...]) -> str:
    """The separators as one pattern, one group each."""
    return "|".join(f"({sep})" for sep in separators)


def _enumeration(segments: list[str]) -> bool:
    """True when a label opens the first segment and a full stop ends the last: the article's own list, written as
    a sentence. A ticker's first headline may have a rubric ("Inflation : …"), but its last ends with no full stop;
    of 10 items and their label, the closing sentence alone fell short of `min_headline_share`."""
    end = segments[-1].rstrip(CLOSERS)
    return _LABEL.search(segments[0]) is not None and (
        end.endswith(FULL_STOPS) or (end.endswith(".") and not end.endswith("...")))


_LABEL = re.compile(r"[:：]\s")
"""A label's colon, with the first item after it."""


def _clauses_joined(segments: list[str]) -> list[str]:
    """`segments` with each one that ends with a comma or a semicolon joined to the next (by a space)."""
    out: list[str] = []
    for segment in segments:
        if out and out[-1].endswith((",", ";")):
            out[-1] += " " + segment
        else:
            out.append(segment)
    return out
