"""Which `requires` strings a text holds, for all rules at once: one Aho-Corasick scan of the text
instead of one `in` test per string and rule."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter

import ahocorasick
import regex

from .text import OTHER_SPACES

_SPACES = re.compile("[" + re.escape("".join(OTHER_SPACES)) + "]")
"""What `\\s` and `str.isspace` take but the space and the line break (`text.OTHER_SPACES`: a no-break space, a tab,
…): written out, `re` tests a text for them in half the time `[^\\S\\n ]` takes."""

_RUN = regex.compile("[ " + _SPACES.pattern[1:] + "+")
_RUN_BEFORE = regex.compile("(?r)[ " + _SPACES.pattern[1:] + "+")
"""A run of spaces (any that `folded` makes one space) from an offset on, and up to one (`regex`'s reverse search)."""


def folded(text: str) -> str:
    """`text` as `requires` strings are written and looked for: case-folded, each run of spaces but the line break
    one space. A pattern's `[^\\S\\n]+` takes "Lire\\u00a0aussi", "Lire\\taussi" and "Lire  aussi" (a no-break space,
    as French typesetting writes it, a tab, two spaces), where "lire aussi" as written was not found: the rule
    was not tried. The text keeps its lines. (Halving runs of spaces in C until none is left is twice as fast as
    one `re.sub` of the runs, which tries a match at every space.)"""
    text = text.casefold()
    if _SPACES.search(text):
        text = _SPACES.sub(" ", text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


class Requires:
    """The `requires` strings of a rule set, `folded` as rules keep them, and `present(folded(text))`, the ones
    that occur in a text; `present_across` updates that set after cuts without scanning the whole text again."""

    def __init__(self, words: frozenset[str]):
        self.automaton = None
        self.longest = max(map(len, words), default=0)
        if words:
            self.automaton = ahocorasick.Automaton()
            for word in words:
                self.automaton.add_word(word, word)
            self.automaton.make_automaton()

    def present(self, text: str) -> frozenset[str]:
        """The strings that occur in `text` (as `folded` gives it), overlapping ones included."""
        if self.automaton is None:
            return frozenset()
        return frozenset(map(itemgetter(1), self.automaton.iter(text)))

    def present_across(self, text: str, cuts: list[int]) -> frozenset[str]:
        """The strings that occur in `folded(text)` across one of the offsets `cuts` (sorted): the only
        ones a text that lost spans at those offsets can hold that it did not hold before."""
        if self.automaton is None or not cuts:
            return frozenset()
        found: set[str] = set()
        windows: list[list[int]] = []
        for cut in cuts:
            start, end = self._reach(text, cut, -1), self._reach(text, cut, 1)
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        for start, end in windows:
            found.update(word for _, word in self.automaton.iter(folded(text[start:end])))
        return frozenset(found)

    def _reach(self, text: str, cut: int, step: int) -> int:
        """Where a window from `cut` towards the start (`step` -1) or the end (1) of `text` must reach to hold
        `longest` characters once `folded` (a run of spaces is one character then). A run of spaces the window
        ends in is taken whole at once: reached `longest` characters at a time, a run of 80,000 spaces next to a
        cut took 2 s, in the square of its length (a review)."""
        edge = 0 if step < 0 else len(text)
        reach = cut + step * self.longest
        while (reach - edge) * step < 0:
            short = self.longest - len(folded(text[min(cut, reach):max(cut, reach)]))
            if short <= 0:
                return reach
            run = _RUN.match(text, reach) if step > 0 else _RUN_BEFORE.match(text, 0, reach)
            reach = (run.end() if step > 0 else run.start()) if run else reach
            reach += step * short
        return edge


@lru_cache(maxsize=32)
def requires_for(words: frozenset[str]) -> Requires:
    """A `Requires` per set of strings, built once."""
    return Requires(words)
