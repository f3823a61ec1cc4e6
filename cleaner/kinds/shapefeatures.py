"""What the `shape` kind reads in a line: its features, and the stoplist of the text's language.

The stoplists are the ones shipped inside the `justext` package (100 languages). A document's
language, when known and covered, picks its list; otherwise the list under which the text has the
highest share of stopwords does (a French page scores highest on the French list), so a text dump
of unknown language is still read with the right one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import regex

from ..text import SENTENCE_BREAK, ends_sentence

WORD = re.compile(r"\w+")
LINK = re.compile(r"https?://\S+|www\.\S+|(?<!\S)[|>»›](?=\s+\S)|(?<!\w)(?:#(?!\d+\b)|@)\w+")
"""Link-like tokens: URLs, `#tags` and `@handles`, and `|`, `>`, `»`, `›` standing alone between
words as breadcrumb and menu separators (`»` and `›` count beyond the `«` and `‹` they may close). A
number after `#` is a number ("#1 Les pronoms"), not a tag: tags need a letter."""
URL = re.compile(r"(?<!\S)(?:https?://|www\.)\S+")
"""A URL standing as a word: written out in the text, where a menu shows its links' anchors only."""
FOOTNOTE = re.compile(r"\[\d{1,3}\]|\(\d{1,3}\)(?=[^\S\n]*+\S+(?:[^\S\n]++\S+){3})")
"""A footnote's mark, at the start of a line: `[1]`, `[12] …`, `(1) …` with four words or more after it (a reference,
not a counter: "(0) commentaire", "(1) Accueil" over share links were kept as footnotes: a review)."""
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
    the end) and a copyright sign; its words besides its URLs, when URLs standing as words are its
    only link-like tokens (`described`: what its links are), else 0; how many URLs and `@handles` it
    has, when they are its only link-like tokens (`addresses`), else 0; and whether a footnote's mark
    starts it (`footnote`)."""

    words: int
    stopwords: float
    sentence: bool
    capitals: float
    links: float
    digits: float
    copyright: bool
    described: int = 0
    addresses: int = 0
    footnote: bool = False

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
    return len(link_tokens(head)) / max(len(head.split()), 1)


def link_tokens(head: str) -> list[str]:
    """The link-like tokens in a line's head but the `»` and `›` that close a `«` or `‹` in it."""
    found = LINK.findall(head)
    opened = head.count("«") + head.count("‹")
    if not opened:
        return found
    tokens = []
    for token in found:
        if token in ("»", "›") and opened:
            opened -= 1
        else:
            tokens.append(token)
    return tokens


def described_words(text: str) -> int:
    """The words besides the URLs standing as words in a line's head (those holding a letter or digit),
    when those URLs are its only link-like tokens; else 0 ("– Un fil de conseils : comment réagir …
    https://…" says what it links to, "RT @name: … https://…" and "Plan du site | RSS | http://…" are
    widgets and menus)."""
    head = text[:HEAD_CHARS]
    if "://" not in head and "www." not in head:
        return 0
    urls = URL.findall(head)
    if not urls or len(LINK.findall(head)) != len(urls):
        return 0
    return sum(1 for word in URL.sub(" ", head).split() if WORD.search(word))


def written_addresses(text: str) -> int:
    """The URLs (written out anywhere: `[1]https://…` too) and `@handles` in a line's head, when they are
    its only link-like tokens; else 0: "Jama : @TheJamaJack ; https://…" says where to find someone, a
    menu's `|` or a tweet's `#tag` is no address."""
    head = text[:HEAD_CHARS]
    if "://" not in head and "www." not in head and "@" not in head:
        return 0
    tokens = link_tokens(head)
    return len(tokens) if all(token[0] not in "|>»›#" for token in tokens) else 0


def capital_share(text: str) -> float:
    """The share of the words in a line's head that start with a capital letter."""
    head = text[:HEAD_CHARS]
    return len(CAPITAL.findall(head)) / (len(WORD.findall(head)) or 1)


@lru_cache(maxsize=1 << 13)
def line_features(text: str, stoplist_name: str) -> LineFeatures:
    """The features of one line (already trimmed) under the named stoplist (cached: the engine shows a
    rule the same lines again after each removal)."""
    stoplist = stoplist_words(stoplist_name)
    head = text[:HEAD_CHARS]
    tokens = WORD.findall(head.lower())
    n = len(tokens) or 1
    return LineFeatures(
        words=len(text.split()),
        stopwords=sum(map(stoplist.__contains__, tokens)) / n,
        sentence=has_sentence(text),
        capitals=capital_share(text),
        links=link_share(text),
        digits=len(DIGIT.findall(head)) / n if ANY_DIGIT.search(head) else 0.0,
        copyright="©" in text or "&copy" in text,
        described=described_words(text),
        addresses=written_addresses(text),
        footnote=FOOTNOTE.match(text) is not None,
    )


_hash = hash
"""The word hash of the packed index (a process's own `hash`: the index is built in each process)."""


class _Stopwords:
    """Every stopword of justext's 100 lists and the names of the lists that hold it, packed: the
    words sorted by `hash()` in one array, their text in one string to confirm a match (so no answer
    rests on a hash), and per word an entry in the table of distinct name tuples. A process holds ~10 MB
    more once it is built, where the 100 sets and a dict of their 154,000 words held ~40 MB in every
    process that reads a shape. A lookup costs ~0.4 us a token (ten times a dict's), so only the guesses
    across all lists use it (`best_stoplist`, `stoplist_for`); a line's own list is a set (`stoplist_words`).

    The build marks a word's lists with the bits of an int and makes the name tuples last, once the
    154,000 words it went through are freed: tuples made among them (as it first did) kept ~11 MB of
    the allocator's pages around them alive, scattered survivors in pages of freed words."""

    def __init__(self, lists: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Pack `lists`, pairs of a list's name and its words, given in name order."""
        names: list[str] = []
        held: dict[str, int] = {}  # a word: the bits of the lists that hold it
        for name, listed in lists:
            bit = 1 << len(names)
            names.append(name)
            for word in listed:
                held[word] = held.get(word, 0) | bit
        words = sorted(held, key=_hash)
        self._hashes = np.fromiter(map(_hash, words), dtype=np.int64, count=len(words))
        self._starts = np.cumsum([0] + [len(w) + 1 for w in words], dtype=np.int64)
        self._text = "\n".join(words)
        table: dict[int, int] = {}
        self._group = np.fromiter((table.setdefault(held[w], len(table)) for w in words), dtype=np.int32,
                                  count=len(words))
        masks = list(table)
        del held, words, table
        self._names = tuple(tuple(name for k, name in enumerate(names) if mask >> k & 1) for mask in masks)

    def lookup(self, tokens: list[str]) -> list[tuple[str, ...]]:
        """For each token, the names of the lists that hold it, in name order (empty when none does)."""
        out: list[tuple[str, ...]] = [()] * len(tokens)
        if not tokens:
            return out
        keys = np.fromiter(map(_hash, tokens), dtype=np.int64, count=len(tokens))
        at = np.minimum(np.searchsorted(self._hashes, keys), len(self._hashes) - 1)
        found = np.flatnonzero(self._hashes[at] == keys)
        at = at[found]
        for k, i, start, end in zip(found.tolist(), at.tolist(), self._starts[at].tolist(), self._starts[at + 1].tolist()):
            if self._text[start : end - 1] == tokens[k]:
                out[k] = self._names[self._group[i]]
            else:  # another word with the same hash: look at the others that have it
                out[k] = self._collided(tokens[k], i)
        return out

    def _collided(self, token: str, i: int) -> tuple[str, ...]:
        key = self._hashes[i]
        while i < len(self._hashes) and self._hashes[i] == key:
            if self._text[self._starts[i] : self._starts[i + 1] - 1] == token:
                return self._names[self._group[i]]
            i += 1
        return ()


@lru_cache(maxsize=1)
def _index() -> _Stopwords:
    """justext's stoplists as one packed index (built once per process, on the first shape read)."""
    import justext  # with lxml, ~14 MB: only a process that reads a shape pays it

    return _Stopwords((name, justext.get_stoplist(name)) for name in sorted(justext.get_stoplists()))


@cache
def stoplist_words(name: str) -> frozenset[str]:
    """The words of the stoplist called `name` (`none`: no words), read once a text is read with it: a
    process holds the few lists its texts need as sets, and all of them only in the packed index."""
    if name == "none":
        return frozenset()
    import justext

    return justext.get_stoplist(name)


@cache
def _by_iso(lang: str) -> str | None:
    """The justext list for an ISO 639-1 code, through lingua's language names (FRENCH -> French)."""
    import justext
    from lingua import Language  # here, not at import: the shape kind loads with every rule set, lingua or none

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
    scores: Counter[str] = Counter()
    for names in _index().lookup(tokens):
        scores.update(names)
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
    frequent = counts.most_common(GUESS_WORDS)
    scores: Counter[str] = Counter()
    for (_, count), names in zip(frequent, _index().lookup([word for word, _ in frequent])):
        for list_name in names:
            scores[list_name] += count
    best = min(scores, key=lambda k: (-scores[k], k)) if scores else "none"
    return best if scores[best] >= MIN_GUESS_SHARE * counts.total() else "none"
