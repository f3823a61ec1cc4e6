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
from functools import cache, lru_cache

import regex
from lingua import Language

from ..text import SENTENCE_BREAK, ends_sentence

WORD = re.compile(r"\w+")
LINK = re.compile(r"https?://\S+|www\.\S+|(?<!\S)[|>»›](?=\s+\S)|(?<!\w)[#@]\w+")
"""Link-like tokens: URLs, `#tags` and `@handles`, and `|`, `>`, `»`, `›` standing alone between
words as breadcrumb and menu separators (`»` and `›` count beyond the `«` and `‹` they may close)."""
LINK_HINTS = ("://", "www", "|", ">", "#", "@", "»", "›")
"""A line holding none of these has no link-like token (a cheap test before the pattern)."""
CAPITAL = regex.compile(r"\b\p{Lu}")
DIGIT = re.compile(r"\b\d")
ANY_DIGIT = re.compile(r"\d")
HEAD_CHARS = 400
"""The shares are read over a line's first characters: enough to tell prose from a list, and a long
paragraph costs no more than a short one."""
GUESS_CHARS = 2_000
"""How much of a text's prose the stoplist guess reads."""
GUESS_WORDS = 40
"""The guess weighs the text's most frequent words only: in prose, they are its stopwords."""
MIN_GUESS_SHARE = 0.15
"""A guessed list must cover this share of the sample's words (prose in a listed language: 0.3-0.5)."""


@dataclass(frozen=True)
class LineFeatures:
    """The shape of one line: its words, and over its first `HEAD_CHARS` characters the share of
    stopwords, of capitalised words, of link-like tokens per word and of tokens starting with a
    digit; whether it has sentence punctuation (a sentence end, an inner sentence break, a colon at
    the end) and a copyright sign."""

    words: int
    stopwords: float
    sentence: bool
    capitals: float
    links: float
    digits: float
    copyright: bool

    def describe(self) -> str:
        """The features as one short line, for the review."""
        return (f"{self.words} words, stopwords {self.stopwords:.2f}, {'sentence' if self.sentence else 'no sentence'}, "
                f"capitals {self.capitals:.2f}, links {self.links:.2f}, digits {self.digits:.2f}" + (", ©" if self.copyright else ""))


def has_sentence(text: str) -> bool:
    """Sentence punctuation: a sentence end, a colon at the end, or a sentence break in the head."""
    return ends_sentence(text) or text.endswith(":") or bool(SENTENCE_BREAK.search(text, 0, HEAD_CHARS))


def link_share(text: str) -> float:
    """Link-like tokens per word in a line's head (0 at once when it holds none of `LINK_HINTS`; a
    table row, `| … |`, has cells, not links)."""
    head = text[:HEAD_CHARS]
    if not any(h in head for h in LINK_HINTS) or (text.startswith("|") and text.endswith("|")):
        return 0.0
    found = LINK.findall(head)
    quotes = found.count("»") + found.count("›")
    links = len(found) - quotes + max(0, quotes - head.count("«") - head.count("‹"))
    return links / max(len(head.split()), 1)


def capital_share(text: str) -> float:
    """The share of the words in a line's head that start with a capital letter."""
    head = text[:HEAD_CHARS]
    return len(CAPITAL.findall(head)) / (len(WORD.findall(head)) or 1)


@lru_cache(maxsize=1 << 13)
def line_features(text: str, stoplist_name: str) -> LineFeatures:
    """The features of one line (already trimmed) under the named stoplist (cached: the engine shows a
    rule the same lines again after each removal)."""
    held = _index().get
    head = text[:HEAD_CHARS]
    tokens = WORD.findall(head.lower())
    n = len(tokens) or 1
    return LineFeatures(
        words=len(text.split()),
        stopwords=sum(stoplist_name in held(token, ()) for token in tokens) / n,
        sentence=has_sentence(text),
        capitals=capital_share(text),
        links=link_share(text),
        digits=len(DIGIT.findall(head)) / n if ANY_DIGIT.search(head) else 0.0,
        copyright="©" in text or "&copy" in text,
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """Each stopword of every justext list and the names of the lists that hold it, in name order.

    The lists live only here (no set per list): a word is one string, and words held by the same
    lists share one tuple of names, which takes a third of the memory of the 100 lists as sets."""
    import justext  # its import and its lists cost ~40 MB: only a process that reads a shape pays it

    held: dict[str, list[str]] = {}
    for name in sorted(justext.get_stoplists()):
        for word in justext.get_stoplist(name):
            held.setdefault(word, []).append(name)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    return {word: shared.setdefault(tuple(names), tuple(names)) for word, names in held.items()}


@cache
def _by_iso(lang: str) -> str | None:
    """The justext list for an ISO 639-1 code, through lingua's language names (FRENCH -> French)."""
    import justext

    for name in sorted(justext.get_stoplists()):
        member = getattr(Language, name.upper(), None)
        if member is not None and member.iso_code_639_1.name.lower() == lang:
            return name
    return None


@lru_cache(maxsize=1 << 12)
def best_stoplist(text: str) -> tuple[str, float]:
    """The stoplist under which a line's head has the highest share of stopwords, and that share: a
    line of prose in another language than the text's."""
    tokens = WORD.findall(text[:HEAD_CHARS].lower())
    index, scores = _index(), Counter()
    for token in tokens:
        scores.update(index.get(token, ()))
    if not scores:
        return "none", 0.0
    best = min(scores, key=lambda k: (-scores[k], k))
    return best, scores[best] / len(tokens)


@lru_cache(maxsize=256)
def stoplist_for(sample: str, lang: str | None) -> str:
    """The name of the stoplist to read a text with: `lang`'s when it has one, else the list with the
    highest share of stopwords in `sample` (some of the text's prose); "none" when no list reaches
    `MIN_GUESS_SHARE` (a language without a list: stopword shares would mean nothing)."""
    name = _by_iso(lang) if lang else None
    if name is not None:
        return name
    counts = Counter(WORD.findall(sample.lower()))
    index, scores = _index(), Counter()
    for word, count in counts.most_common(GUESS_WORDS):
        for list_name in index.get(word, ()):
            scores[list_name] += count
    best = min(scores, key=lambda k: (-scores[k], k)) if scores else "none"
    return best if scores[best] >= MIN_GUESS_SHARE * counts.total() else "none"
