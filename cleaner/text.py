"""Text helpers shared by the rule kinds: the normalised key of a line, and sentence-shape tests."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate (a JSON escape, a file name that is not UTF-8) as U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


_QUOTES = {ord(c): "'" for c in "’‘‚‛′`´ʼʻ"} | {ord(c): '"' for c in "“”„‟«»″"}
_DASHES = {ord(c): "-" for c in "‐‑‒–—―−"}
_SPACES = {ord(c): " " for c in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u3000\t"}
_DROP = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
_TABLE = _QUOTES | _DASHES | _SPACES | _DROP
_MARKS = regex.compile(r"\p{M}+")
_EDGE = " -•·*|>:;.!…_=~#"
_INSIDE_GUILLEMETS = re.compile(r"(?<=«)\s+|\s+(?=»)")
"""The spaces French typography sets inside guillemets (`« Suivez-nous »`, often no-break ones), which a line written
without them (`«Suivez-nous»`, or in “ ” quotes) does not hold: the same quotation."""

KEY_MAX_CHARS = 250
"""Lines longer than this get no key: no phrase rule is that long, and it keeps huge lines cheap."""


def line_key(line: str) -> str | None:
    """Normalise a line for phrase matching: case, accents, quotes, dashes, NBSP, the spaces inside guillemets and
    edge punctuation.

    `"  Cliquez ici pour lire l’Article depuis sa source. "` and `"cliquez ici pour lire l'article
    depuis sa source"` get the same key. Returns None for lines longer than `KEY_MAX_CHARS`.
    """
    return None if len(line) > KEY_MAX_CHARS else _line_key(line)


@lru_cache(maxsize=1 << 12)
def _line_key(line: str) -> str:
    """`line_key` of a short line, cached: the rules ask for the same lines again after each removal,
    and a long line (a paragraph) is not worth holding as a cache key."""
    if "«" in line or "»" in line:
        line = _INSIDE_GUILLEMETS.sub("", line)
    return " ".join(unaccented(line.translate(_TABLE)).casefold().split()).strip(_EDGE)


def unaccented(text: str) -> str:
    """`text` without its accents: the combining marks of its NFKD form ("Décliner" → "Decliner")."""
    return text if text.isascii() else _MARKS.sub("", unicodedata.normalize("NFKD", text))


FULL_STOPS = ("。", "．", "｡", "។", "៕", "။")
"""Full stops of Chinese and Japanese (。, and ． ｡ in Japanese written with ，．), Khmer (។ ៕) and Myanmar (။);
Thai ends a sentence with a space."""
STOPS = (*".!?！？؟۔।॥։።፧", "፡፡", *FULL_STOPS)
"""The marks that end a sentence (for `str.endswith`): Latin and CJK stops, Arabic's ؟, Urdu's ۔, Devanagari's । ॥,
Armenian's ։, and Ethiopic's ። and question mark ፧ (Amharic, Tigrinya), with two word spaces ፡፡, a common typing of
። (56 of MasakhaNEWS's 973 Amharic and Tigrinya articles, 22 of them without a ።), where one ፡ ends a word."""
SENTENCE_END = (*STOPS, *"»\"”)」』“")
"""What ends a sentence's line: a stop, or a quote that closes one (Japanese 」』, German “ of „…“): an article in
Hindi or Arabic had no sentence to `html._no_sentence` and was rejected as no article."""
SENTENCE_BREAK = regex.compile(r"\p{Ll}{2}[.!?][^\S\n]+\p{Lu}|(?:[。！？｡]|．(?![0-9０-９]))[」』）”’]*(?=[^\s。！？．｡」』）”’])")
"""The end of one sentence and the start of the next, inside a line (in Chinese and Japanese, a full stop,
not a decimal point, with the quotes or brackets it closes, and more text right after it)."""
CLOSERS = "」』）”’\"')"
"""What may close a sentence after its full stop: quotes and brackets."""

SPACELESS = regex.compile(r"(?:(?!\p{N})[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\u30fc\uff70\uff9e\uff9f])\p{M}*")
"""A letter of a script written without spaces between words, with the combining marks that follow it (a
Thai vowel or tone mark belongs to its consonant), and the kana length and sound marks (ー, ｰ, ﾞ, ﾟ), which
Unicode gives to no script; digits are left out, as they stand in runs."""

SOUTHEAST = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f]")
"""A character of Thai, Lao, Myanmar or Khmer: scripts that put spaces between phrases and sentences, not words."""

SPACELESS_BLOCKS = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u2e80-\u2fdf\u3005-\u30ff"
                              "\u31f0-\u31ff\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua9e0-\ua9ff"
                              "\uaa60-\uaa7f\uf900-\ufaff\uff66-\uff9f\U00016fe0-\U00016fff\U0001aff0-\U0001b2ff"
                              "\U0001f200\U00020000-\U0003ffff]")
"""The Unicode blocks `SPACELESS`'s letters are in, in raw text and after NFKC: `re` tells a text holds none in
~10 µs, where `regex`'s script classes take ~10 times as long (a test checks that every letter `SPACELESS`
matches, in any character or its NFKC form, is in them)."""


def ends_sentence(line: str) -> bool:
    """True when a line ends like prose: a full stop, a question or exclamation mark, a closing quote.

    An ellipsis (`...` or `…`) is a teaser's end, not a sentence's.
    """
    line = line.rstrip()
    if not line or line.endswith(("...", "…")):
        return False
    return line.endswith(SENTENCE_END)


def word_count(line: str) -> int:
    """Whitespace-separated words. In a script written without spaces between words, letters are counted
    instead, about as many as a word holds there: two for a word of Chinese or Japanese, three for one of
    Thai, Lao, Khmer or Myanmar (a letter with its marks), each sum rounded up."""
    if line.isascii() or not SPACELESS_BLOCKS.search(line):
        return len(line.split())
    words = cjk = southeast = 0
    for word in line.split():
        letters = SPACELESS.findall(word)
        near = sum(1 for letter in letters if SOUTHEAST.match(letter))
        southeast += near
        cjk += len(letters) - near
        words += not letters or any(c.isalnum() for c in SPACELESS.sub("", word))  # "GDP增长" holds a word too
    return words + -(-cjk // 2) + -(-southeast // 3)


_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u3247\u3250-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
                   "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]")
"""The letters, syllables, marks and forms of Chinese, Japanese and Korean that Unicode's East Asian Width calls
wide or full-width (W, F); not its wide symbols and emoji, which say no more than a Latin letter does."""


def width(line: str) -> int:
    """Characters, a Chinese or Japanese letter, a Korean syllable or a full-width form counting two, as a
    terminal shows them: such a letter says about as much as two Latin ones do."""
    return len(line) if line.isascii() else len(line) + len(_WIDE.findall(line))


INVISIBLE = regex.compile(r"\p{Cf}+")
"""Runs of format characters: zero-width spaces and joiners, soft hyphens, direction marks, word joiners."""

_BLANK = regex.compile(r"[\s\x1c-\x1f\p{Cf}]*")
"""White space (what `str.isspace` holds) and format characters, which show nothing."""


def blank(text: str) -> bool:
    """Whether `text` shows nothing: white space and invisible format characters (`INVISIBLE`) alone. A text of a
    no-break space and a zero-width one passed `strip()`, read as a document; `clean` wrote it kept, emptied, and
    `run` rejected it `too_short`, as `visible_length` counts no invisible character. It stops at the first
    character that shows."""
    return _BLANK.fullmatch(text) is not None


WORDS = re.compile(r"[^\W_]+")
"""A text's words, as copies of a text are compared (a pull quote and the paragraph saying it again): case,
punctuation, quotes and ellipses set aside."""

SPACE_RUN = re.compile(r"[^\S\n]{2,}")
"""A run of spaces (tabs, no-break spaces, …) inside a line, which `visible_length` counts as one."""

OTHER_SPACES = tuple("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                      "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""The characters `str.isspace` holds white space but the space and the line break (tabs, no-break spaces, …): when
a text holds none of them, its runs of spaces are runs of the space alone, which `_SPACES_ONLY` finds many times
faster than `SPACE_RUN` does."""
_OTHER_ASCII_SPACES = tuple(c for c in OTHER_SPACES if c.isascii())
_SPACES_ONLY = re.compile("  +")


@lru_cache(maxsize=256)
def _cached_visible_length(text: str) -> int:
    return _visible_length(text)


def visible_length(text: str) -> int:
    """The length of `text` composed (NFC), without its invisible format characters, and with each run of spaces
    inside a line counted as one: what `min_chars` and the keep policy's "longest" count, so that neither a run of
    zero-width spaces, nor accents written as separate marks (`e` + U+0301 for `é`), nor spaces doubled or tripled
    passes the one or wins the other. Remembered for the last 256 texts under 64 kB: a run's gate and its dedup
    stage both ask it of each document."""
    return _cached_visible_length(text) if len(text) < 65_536 else _visible_length(text)


def _visible_length(text: str) -> int:
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = INVISIBLE.sub("", text)
    if any(space in text for space in (_OTHER_ASCII_SPACES if text.isascii() else OTHER_SPACES)):
        return len(text) - sum(len(run) - 1 for run in SPACE_RUN.findall(text))
    return len(text) - sum(len(run) - 1 for run in _SPACES_ONLY.findall(text)) if "  " in text else len(text)
