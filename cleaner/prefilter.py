"""Which `requires` strings a text holds, for all rules at once: one Aho-Corasick scan of the text
instead of one `in` test per string and rule."""

from __future__ import annotations

from functools import lru_cache

import ahocorasick


class Requires:
    """The `requires` strings of a rule set and `present(folded_text)`, the ones that occur in it;
    `present_across` updates that set after cuts without scanning the whole text again."""

    def __init__(self, words: frozenset[str]):
        self.automaton = None
        self.longest = max(map(len, words), default=0)
        if words:
            self.automaton = ahocorasick.Automaton()
            for word in words:
                self.automaton.add_word(word, word)
            self.automaton.make_automaton()

    def present(self, folded: str) -> frozenset[str]:
        """The strings that occur in `folded` (a case-folded text), overlapping ones included."""
        if self.automaton is None:
            return frozenset()
        return frozenset(word for _, word in self.automaton.iter(folded))

    def present_across(self, text: str, cuts: list[int]) -> frozenset[str]:
        """The strings that occur, case-folded, in `text` across one of the offsets `cuts` (sorted):
        the only ones a text that lost spans at those offsets can hold that it did not hold before."""
        if self.automaton is None or not cuts:
            return frozenset()
        found: set[str] = set()
        windows: list[list[int]] = []
        for cut in cuts:
            start, end = max(cut - self.longest, 0), min(cut + self.longest, len(text))
            if windows and start <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], end)
            else:
                windows.append([start, end])
        for start, end in windows:
            found.update(word for _, word in self.automaton.iter(text[start:end].casefold()))
        return frozenset(found)

@lru_cache(maxsize=32)
def requires_for(words: frozenset[str]) -> Requires:
    """A `Requires` per set of strings, built once."""
    return Requires(words)
