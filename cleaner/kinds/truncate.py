"""`truncate`: a related-content marker near the end, after which the rest is a list, not article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator

from ..text import ends_sentence, line_key, width, word_count
from ..view import Hit, View
from .base import Context, Rule, keyable, register, shown, whole_lines


@register("truncate")
class TruncateRule(Rule):
    """Removes a marker line and everything after it, but only when what follows is list-like.

    List-like: every following line is at most `max_line_chars` long, and at most `max_prose_lines`
    of them read as prose (`prose_words` words or more, ending like a sentence; teasers end with an
    ellipsis). A hard-wrapped paragraph is judged whole, as one line: it shows by a line that does not
    end a sentence followed by one starting in lower case (no teaser list does that). At least
    `min_before_chars` of text must stand before the marker (a Chinese or Japanese letter counting two). A marker line is the marker alone, or
    followed by at most `marker_extra_words` words ("More from Reuters", "More from the World Cup:"); a marker
    mentioned inside a sentence is not a marker line, so it never matches, nor is the article's own lead-in
    to its list, a line ending in a colon whose extra words name nothing (none capitalised: "More from the
    survey:", "Related costs include:", "Voir aussi les mesures phares :"). With `drop_lone_marker`, a line that is exactly
    a marker but is followed by article text goes alone (the list was already stripped upstream, as
    trafilatura does); it too needs `min_before_chars` of text before it.
    """

    kind: Literal["truncate"]
    markers: tuple[str, ...] = Field(min_length=1)
    min_before_chars: int = Field(80, ge=0, strict=True)
    max_line_chars: int = Field(250, ge=1, strict=True)
    max_prose_lines: int = Field(1, ge=0, strict=True)
    prose_words: int = Field(12, ge=1, strict=True)
    marker_extra_words: int = Field(3, ge=0, strict=True)
    drop_lone_marker: bool = Field(False, strict=True)

    phase = 2

    _keyable = field_validator("markers")(keyable)

    @cached_property
    def keys(self) -> frozenset[str]:
        """The normalised markers."""
        return frozenset(line_key(m) for m in self.markers)

    @cached_property
    def first_words(self) -> frozenset[str]:
        """The first word of each marker: a line starting with none of them is not a marker line."""
        return frozenset(k.split()[0] for k in self.keys)

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, why the marker lines `find` tried failed: the last one it tried (too little text before it, or no list
        after it), else the first line that opens with a marker and is none (a lead-in, too many words after the
        marker). "is not touched" alone sent a user looking for the lead-in rule in the table of kinds."""
        if why := super().why_untouched(text, author):
            return why
        view, tried, near = View(text, []), None, None
        for i, listed in self._markers(view):
            line = shown(view.lines[i].text.strip())
            if listed is None:
                tried = f"{line} has under min_before_chars = {self.min_before_chars} characters of text before it"
            elif not listed:
                tried = (f"what follows {line} is no list: a line over max_line_chars = {self.max_line_chars}, or more "
                         f"than max_prose_lines = {self.max_prose_lines} of prose")
        for i, key in enumerate(view.keys):
            if not key or not self._first_word(key) or self._is_marker(key, view.lines[i].text.strip()):
                continue
            line = view.lines[i].text.strip()
            after = [m for m in self.keys if key.startswith(m) and len(key) > len(m) and key[len(m)] in " :"]
            if any(_lead_in(line, len(m.split())) for m in after):
                near = near or (f"{shown(line)} ends in a colon and no word after the marker is capitalised nor a "
                                "site's name: it reads as the article announcing its own list, not as a marker")
            elif after:
                near = near or (f"{shown(line)} holds more than marker_extra_words = {self.marker_extra_words} "
                                "words after the marker")
        return tried or near

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        lone = []
        for i, listed in self._markers(view):
            if listed:
                yield from (whole_lines(view, view.lines[j].start, view.lines[j].end) for j in lone)
                yield Hit(view.lines[i].start, len(view.text))
                return
            if listed is not None and self.drop_lone_marker and view.keys[i] in self.keys:
                lone.append(i)
        yield from (whole_lines(view, view.lines[j].start, view.lines[j].end) for j in lone)

    def _markers(self, view: View) -> Iterator[tuple[int, bool | None]]:
        """Each marker line of `view` (its index), with whether a list follows it (None: it has under
        `min_before_chars` of text before it). What stands before and after the lines is read once, from the first
        marker line with text enough before it: read for each marker line, a run of them took time in the square of
        its length (64,000 characters of "関連記事" lines, 67 s)."""
        start = lists = None
        for i, key in enumerate(view.keys):
            if not key or not self._first_word(key) or not self._is_marker(key, view.lines[i].text):
                continue
            start = self._article_start(view) if start is None else start
            if i < start:
                yield i, None
                continue
            lists = lists or self._lists_after(view, i)
            yield i, lists[i]

    def _first_word(self, key: str) -> bool:
        """Whether `key` starts with a marker's first word: the word before its first space, or before a colon
        (a Chinese marker and its teaser, `相关新闻：…`, hold no space)."""
        head = key.split(maxsplit=1)[0]
        return head in self.first_words or head.split(":", 1)[0] in self.first_words

    def _is_marker(self, key: str, line: str) -> bool:
        """Whether `line` (its key `key`) is a marker, or one with at most `marker_extra_words` words after it and no
        lead-in. The markers it may open with are its key's parts before a space or a colon, looked up: trying every
        marker on every line opening with a marker's first word took 45% of the time of 100,000 short lines."""
        if key in self.keys:
            return True
        words = word_count(key)
        return any(
            (marker := key[:end]) in self.keys and words <= word_count(marker) + self.marker_extra_words
            and not _lead_in(line, len(marker.split()))
            for end, char in enumerate(key) if char in " :"
        )

    def _article_start(self, view: View) -> int:
        """The first line with at least `min_before_chars` of text before it (a wide letter counting two, `text.width`),
        else the number of lines: each line after it has that text before it, and more. The text before a line,
        stripped, runs from the first non-blank line's first letter to the end of the last one before it."""
        if self._enough(""):
            return 0
        head = None
        for i, line in enumerate(view.lines):
            if line.text.strip():
                head = line.start + len(line.text) - len(line.text.lstrip()) if head is None else head
                if self._enough(view.text[head : line.start + len(line.text.rstrip())]):
                    return i + 1
        return len(view.lines)

    def _enough(self, before: str) -> bool:
        """Whether `before` (stripped) is `min_before_chars` of text, a wide letter counting two."""
        return len(before) >= self.min_before_chars or width(before) >= self.min_before_chars

    def _lists_after(self, view: View, first: int) -> list[bool]:
        """For each line from line `first` on, whether what follows it is list-like (False before it): from the end of
        the text, block by block (lines between blank ones), what each block's end holds adding to what the blocks
        after it do."""
        texts = [line.text.strip() for line in view.lines[first:]]
        lists = [False] * len(texts)
        long, prose, end = False, 0, len(texts)  # over the blocks after the one at hand
        while end > 0:
            start = end
            while start > 0 and texts[start - 1]:
                start -= 1
            ends = self._ends(texts[start:end])
            for k in range(start, end):
                after_long, after_prose = ends[k - start + 1]
                lists[k] = not (after_long or long) and after_prose + prose <= self.max_prose_lines
            long, prose, end = long or ends[0][0], prose + ends[0][1], start - 1
            if end >= 0:  # a blank line, before the blocks read so far
                lists[end] = not long and prose <= self.max_prose_lines
        return [False] * first + lists

    def _ends(self, block: list[str]) -> list[tuple[bool, int]]:
        """For each end of `block` (non-blank lines, stripped) from its k-th line, the empty one last: whether it holds
        a line over `max_line_chars`, and how many of prose. A hard-wrapped block is judged whole, as one line: it
        shows by a line that does not end a sentence followed by one starting in lower case (a wrap also falls before
        names, so one such break is enough)."""
        ends = [(False, 0)]
        wrapped, chars, long, prose = False, -1, False, 0
        for k in range(len(block) - 1, -1, -1):
            text = block[k]
            wrapped = wrapped or (k + 1 < len(block) and block[k + 1][:1].islower() and not ends_sentence(text))
            chars += len(text) + 1
            long, prose = long or len(text) > self.max_line_chars, prose + self._prose(text)
            if not wrapped:
                ends.append((long, prose))
            else:  # one line; longer than the limit, it is so with every line above it
                ends.append((True, 0) if chars > self.max_line_chars else (False, self._prose(" ".join(block[k:]))))
        return ends[::-1]

    def _prose(self, text: str) -> int:
        """1 for a line of prose: `prose_words` words or more, ending like a sentence (not a teaser's ellipsis)."""
        return int(word_count(text) >= self.prose_words and ends_sentence(text))


SITE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}:?")
"""A site's name as a word, `axellemag.be` (its colon glued or not): a dot before letters, so no number nor "etc."."""


def _lead_in(line: str, marker_words: int) -> bool:
    """Whether `line`, a marker and more words, ends in a colon with none of the words after the marker a name
    (capitalised, or a site's, "À lire sur axellemag.be :"): the article announcing its own list, not a marker naming
    a source or section."""
    words = [w for w in line.split() if any(c.isalnum() for c in w)]  # no bullet, no spaced colon
    return line.rstrip().endswith(":") and not any(w[:1].isupper() or SITE.fullmatch(w) for w in words[marker_words:])
