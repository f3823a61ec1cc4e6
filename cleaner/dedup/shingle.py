"""Text normalisation for exact hashing and word n-gram shingles for MinHash.

Both work on the *clean* text. `normalise` folds what a copy-editor or a scraper changes without
changing the article: Unicode compatibility forms (NFKC: full-width letters, ligatures, NBSP),
case (`casefold`), invisible format characters (soft hyphens, zero-width joiners and direction
marks go; a zero-width space, a word break, becomes a space), punctuation (every Unicode `P*`
character becomes a space) and whitespace (runs become one space, ends trimmed). Two texts with the same normal form are exact duplicates.

Shingles are word n-grams over the `words` of the normal form, so punctuation and whitespace edits
change no shingle. A word is what spaces separate, except in a script written without spaces between
words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar): there each letter, with the marks that follow it,
is a word, so shingles are character n-grams and a near-copy (a character changed, a clause added) keeps
most of them. A text with fewer than `n` words has one shingle, all its words; an empty text (or one
made only of punctuation) has none.
"""

from __future__ import annotations

import re
import unicodedata

import regex

from ..text import INVISIBLE, SPACELESS, SPACELESS_BLOCKS

NORMALISATION = "nfkc-casefold-format-punct-ws-v2"
"""Names the normal form; stored in the index, so changing `normalise` must change this name."""

SHINGLE_HASH = "poly64-words-spaceless-chars-mix64-v2"
"""Names the shingle hashing (`signature.Signer`) and what a word is (`words`; v1: what spaces separate, in every
script); stored in the index and in a run's fingerprint, so changing either must change this name."""

DEFAULT_SHINGLE_SIZE = 3
"""Words per shingle; chosen by `bench/bench_dedup_params.py` (see bench/RESULTS.md)."""

_PUNCT = regex.compile(r"\p{P}+")
_ASCII_FOLD = bytes(32 if _PUNCT.match(c) or c.isspace() else ord(c.lower()) for c in map(chr, range(128))) + bytes(128)
"""`normalise` of each ASCII character alone, as a `bytes.translate` table: punctuation and whitespace to a space,
capitals to small letters (NFKC changes no ASCII character, and casefolding one is lowering it); the rest of
its 256 entries is never read."""
_SPACES = re.compile(rb"  +")


def normalise(text: str) -> str:
    """The normal form of `text`: NFKC, casefolded, invisible format characters dropped (a zero-width
    space, a word break, turned to a space), punctuation turned to spaces, whitespace folded.
    An ASCII text (or one NFKC and casefolding make ASCII) is folded as bytes by one table (`_ASCII_FOLD`): the
    punctuation pattern and `str.split` took ~85 µs an English news article, the table ~18."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).casefold()
        if not text.isascii():
            text = INVISIBLE.sub("", text.replace("\u200b", " "))
            return " ".join(_PUNCT.sub(" ", text).split())
    folded = text.encode("ascii").translate(_ASCII_FOLD)
    if b"  " in folded:
        folded = _SPACES.sub(b" ", folded)
    return folded.strip(b" ").decode("ascii")


def words(normal: str) -> str:
    """The words of a normal-form text, joined by single spaces: `normal` itself, unless it holds letters of a
    script written without spaces between words, each of which is then set apart as a word."""
    if normal.isascii() or not SPACELESS_BLOCKS.search(normal):
        return normal
    return " ".join(SPACELESS.sub(r" \g<0> ", normal).split())


def tokens(text: str) -> list[str]:
    """The words of the normal form of `text`."""
    return words(normalise(text)).split()


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
