"""Which `requires` strings a text holds, for all rules at once: one Aho-Corasick scan of the text
instead of one `in` test per string and rule."""

from __future__ import annotations

from functools import lru_cache

import ahocorasick


class Requires:
    """The `requires` strings of a rule set and `present(folded_text)`, the ones that occur in it."""

    def __init__(self, words: frozenset[str]):
        self.automaton = None
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


@lru_cache(maxsize=32)
def requires_for(words: frozenset[str]) -> Requires:
    """A `Requires` per set of strings, built once."""
    return Requires(words)
