"""Text helpers shared by the rule kinds: the normalised key of a line, and sentence-shape tests."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

_QUOTES = {ord(c): "'" for c in "’‘‚‛′`´ʼʻ"} | {ord(c): '"' for c in "“”„‟«»″"}
_DASHES = {ord(c): "-" for c in "‐‑‒–—―−"}
_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000\t"}
_DROP = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
_TABLE = _QUOTES | _DASHES | _SPACES | _DROP
_MARKS = regex.compile(r"\p{M}+")
_EDGE = " -•·*|>:;.!…_=~#"

KEY_MAX_CHARS = 250
"""Lines longer than this get no key: no phrase rule is that long, and it keeps huge lines cheap."""


def line_key(line: str) -> str | None:
    """Normalise a line for phrase matching: case, accents, quotes, dashes, NBSP and edge punctuation.

    `"  Cliquez ici pour lire l’Article depuis sa source. "` and `"cliquez ici pour lire l'article
    depuis sa source"` get the same key. Returns None for lines longer than `KEY_MAX_CHARS`.
    """
    return None if len(line) > KEY_MAX_CHARS else _line_key(line)


@lru_cache(maxsize=1 << 12)
def _line_key(line: str) -> str:
    """`line_key` of a short line, cached: the rules ask for the same lines again after each removal,
    and a long line (a paragraph) is not worth holding as a cache key."""
    text = line.translate(_TABLE)
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return " ".join(text.casefold().split()).strip(_EDGE)


SENTENCE_END = ".!?»\"”)"
SENTENCE_BREAK = regex.compile(r"\p{Ll}{2}[.!?][^\S\n]+\p{Lu}")
"""The end of one sentence and the start of the next, inside a line."""


def ends_sentence(line: str) -> bool:
    """True when a line ends like prose: a full stop, a question or exclamation mark, a closing quote.

    An ellipsis (`...` or `…`) is a teaser's end, not a sentence's.
    """
    line = line.rstrip()
    if not line or line.endswith(("...", "…")):
        return False
    return line[-1] in SENTENCE_END


def word_count(line: str) -> int:
    """Whitespace-separated words."""
    return len(line.split())


INVISIBLE = regex.compile(r"\p{Cf}+")
"""Runs of format characters: zero-width spaces and joiners, soft hyphens, direction marks, word joiners."""


def visible_length(text: str) -> int:
    """The length of `text` without its invisible format characters: what `min_chars` and the keep
    policy's "longest" count, so a run of zero-width spaces neither passes the one nor wins the other."""
    return len(text) if text.isascii() else len(text) - sum(map(len, INVISIBLE.findall(text)))
