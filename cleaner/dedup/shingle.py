"""Text normalisation for exact hashing and word n-gram shingles for MinHash.

Both work on the *clean* text. `normalise` folds what a copy-editor or a scraper changes without
changing the article: Unicode compatibility forms (NFKC: full-width letters, ligatures, NBSP),
case (`casefold`), invisible format characters (soft hyphens, zero-width joiners and direction
marks go; a zero-width space, a word break, becomes a space), punctuation (every Unicode `P*`
character becomes a space) and whitespace (runs become one space, ends trimmed). Two texts with the same normal form are exact duplicates.

Shingles are word n-grams over the tokens of the normal form, so punctuation and whitespace edits
change no shingle. A text with fewer than `n` tokens has one shingle, all its tokens; an empty text
(or one made only of punctuation) has none.
"""

from __future__ import annotations

import unicodedata

import regex

from ..text import INVISIBLE

NORMALISATION = "nfkc-casefold-format-punct-ws-v2"
"""Names the normal form; stored in the index, so changing `normalise` must change this name."""

DEFAULT_SHINGLE_SIZE = 3
"""Words per shingle; chosen by `bench/bench_dedup_params.py` (see bench/RESULTS.md)."""

_PUNCT = regex.compile(r"\p{P}+")


def normalise(text: str) -> str:
    """The normal form of `text`: NFKC, casefolded, invisible format characters dropped (a zero-width
    space, a word break, turned to a space), punctuation turned to spaces, whitespace folded."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = INVISIBLE.sub("", text.replace("\u200b", " "))
    return " ".join(_PUNCT.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """The words of the normal form of `text`."""
    return normalise(text).split()


def shingles(text: str, n: int = DEFAULT_SHINGLE_SIZE) -> set[str]:
    """The set of word `n`-grams of `text` (each joined by one space)."""
    if n < 1:
        raise ValueError(f"shingle size must be at least 1, got {n}")
    words = tokens(text)
    if len(words) <= n:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
