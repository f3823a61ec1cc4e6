"""What the `shape` kind reads in a line: its features, and the stoplist of the text's language.

The stoplists are the ones shipped inside the `justext` package (100 languages). A document's
language, when known and covered, picks its list; otherwise the list under which the text has the
highest share of stopwords does (a French page scores highest on the French list), so a text dump
of unknown language is still read with the right one.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import justext
from lingua import Language

from ..text import SENTENCE_BREAK, ends_sentence

WORD = re.compile(r"\w+")
LINK = re.compile(r"https?://\S+|www\.\S+|(?<!\S)[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|fr|be|ch|ca|ma|info|io|co)(?:/\S*)?|[|>]|(?<!\w)[#@]\w+")
"""Link-like tokens: URLs and bare domains, `|` and `>` separators, `#tags` and `@handles`
(`»` and `›` are counted apart: as closing quotes they pair with `«` and `‹`)."""
GUESS_CHARS = 50_000
"""How much of a text the stoplist guess reads."""


@dataclass(frozen=True)
class LineFeatures:
    """The shape of one line: word count, stopword share, sentence punctuation, share of capitalised
    words, link-like tokens and share of tokens holding digits."""

    words: int
    stopwords: float
    sentence: bool
    capitals: float
    links: int
    digits: float
    copyright: bool

    @property
    def link_density(self) -> float:
        """Link-like tokens per word."""
        return self.links / max(self.words, 1)

    def describe(self) -> str:
        """The features as one short line, for the review."""
        return (f"{self.words} words, stopwords {self.stopwords:.2f}, {'sentence' if self.sentence else 'no sentence'}, "
                f"capitals {self.capitals:.2f}, links {self.links}, digits {self.digits:.2f}" + (", ©" if self.copyright else ""))


def line_features(text: str, stoplist: frozenset[str]) -> LineFeatures:
    """The features of one line (already trimmed) under `stoplist`."""
    tokens = WORD.findall(text)
    n = len(tokens) or 1
    links = len(LINK.findall(text)) + max(0, text.count("»") - text.count("«")) + max(0, text.count("›") - text.count("‹"))
    return LineFeatures(
        words=len(text.split()),
        stopwords=sum(t.lower() in stoplist for t in tokens) / n,
        sentence=ends_sentence(text) or text.endswith(":") or bool(SENTENCE_BREAK.search(text)),
        capitals=sum(t[0].isupper() for t in tokens) / n,
        links=links,
        digits=sum(t[0].isdigit() for t in tokens) / n,
        copyright="©" in text or "&copy" in text,
    )


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    return {name: justext.get_stoplist(name) for name in sorted(justext.get_stoplists())}


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """Each stopword and the lists that hold it."""
    out: dict[str, list[str]] = {}
    for name, words in _stoplists().items():
        for word in words:
            out.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in out.items()}


@lru_cache(maxsize=None)
def _by_iso(lang: str) -> str | None:
    """The justext list for an ISO 639-1 code, through lingua's language names (FRENCH -> French)."""
    for name in _stoplists():
        member = getattr(Language, name.upper(), None)
        if member is not None and member.iso_code_639_1.name.lower() == lang:
            return name
    return None


def stoplist_for(text: str, lang: str | None) -> tuple[str, frozenset[str]]:
    """The name and words of the stoplist to read `text` with: `lang`'s when it has one, else the
    list with the highest share of stopwords in the text ("none" and an empty list when no word is
    a stopword of any list)."""
    name = _by_iso(lang) if lang else None
    if name is None:
        counts = Counter(WORD.findall(text[:GUESS_CHARS].lower()))
        index, scores = _index(), Counter()
        for word, count in counts.items():
            for list_name in index.get(word, ()):
                scores[list_name] += count
        if not scores:
            return "none", frozenset()
        name = min(scores, key=lambda k: (-scores[k], k))
    return name, _stoplists()[name]
