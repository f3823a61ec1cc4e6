"""From bytes to the text a document starts from, with every repair flagged as a warning.

The raw text of a document (the one its edits point into) is the text *after* these repairs: a
repair is not a rule's removal but a fix of how the bytes were read, so it is recorded as a warning
naming where and what (for mojibake, ftfy's plan, which `ftfy.apply_plan` replays on the input).
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ..models import without_surrogates

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_MOJIBAKE_HINT = re.compile(
    "[\xc2-\xf4][\x80-\xbf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
"""A UTF-8 lead byte followed by a continuation byte, both as cp1252 shows them: the mark of mojibake.
ftfy (about 1.5 MB/s) runs only on texts that have one, and is imported only then (~7 MB a process)."""
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
              (codecs.BOM_UTF16_BE, "utf-16"))
"""Byte order marks of UTF-32 and UTF-16 (UTF-32 LE first: it starts with UTF-16 LE's), and the codec
that reads them (and drops them)."""
_LONE_CR = re.compile(r"\r(?!\n)")
_ESCAPED_BREAKS = re.compile(r"\\n(?:[ \xa0]*+\\n)*+")
"""A run of line breaks written as the two characters `\\n` (a scraper that escaped them twice)."""
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"
_SENTENCE_END = ".!?\u2026\u0589\u06d4\u1362"  # . ! ? … and the Armenian, Arabic and Ethiopic full stops
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
BINARY_SHARE = 0.05
"""Share of control characters (NUL and the like, not line breaks) in a text's first 4,096 characters
above which it is binary; text in a wrong encoding has U+FFFD instead, and is kept, flagged."""


def decode(data: bytes, where: str, charset: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Text of `data` in `charset` (default UTF-8, a leading byte order mark dropped; a UTF-16 or UTF-32
    byte order mark wins over any charset, as browsers read it); invalid bytes become U+FFFD and are
    flagged."""
    codec = next((name for bom, name in _WIDE_BOMS if data.startswith(bom)), None) or _codec(charset) or "utf-8"
    skip = len(codecs.BOM_UTF8) if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode(codec), ()
    except UnicodeDecodeError as exc:
        text = data[skip:].decode(codec, errors="replace")
        name = "UTF-8" if codec == "utf-8" else codec
        return text, (f"{where}: invalid {name} at byte {skip + exc.start}, replaced with U+FFFD",)


def decode_html(data: bytes, where: str, charset: str | None = None) -> tuple[str, tuple[str, ...]]:
    """An HTML page's text: in the given charset (when Python knows it), else the one its `<meta charset>`
    names, else UTF-8.
    A `<meta>` that names UTF-16 or UTF-32 means UTF-8, as the HTML standard reads it (a page whose
    `<meta>` can be read as ASCII is not in either)."""
    if not _codec(charset):  # none given, or one Python does not know
        found = _CHARSET.search(data[:4096])
        charset = found.group(1).decode("ascii") if found else None
        if charset and charset.lower().replace("-", "").startswith(("utf16", "utf32")):
            charset = "utf-8"
    return decode(data, where, charset)


@lru_cache(maxsize=256)
def _codec(charset: str | None) -> str | None:
    """The name of the text encoding `charset` names; None for none, an unknown name, or a codec that is no
    way to read a page (`base64`, `rot13`, `zlib` are bytes to bytes; `idna`, `punycode`, `undefined`
    cannot replace an invalid byte): a page naming one is read as UTF-8. A `<meta charset="base64">`
    ended a whole run in a LookupError."""
    try:
        info = codecs.lookup(charset) if charset else None
        if info is None or not info._is_text_encoding:  # str.decode's own test
            return None
        b"\xff<a>caf\xc3\xa9".decode(info.name, errors="replace")
        return info.name
    except (LookupError, UnicodeError):
        return None


def repair(text: str, where: str, mojibake: bool = True, escapes: bool = True) -> tuple[str, tuple[str, ...]]:
    """`text` without NUL bytes and lone surrogates, with line breaks made of a lone CR (old Mac files) as
    LF, and (unless `mojibake` is false) mojibake undone by ftfy and (unless `escapes` is false) line
    breaks written `\\n` made line breaks (see `escaped_breaks`); each repair flagged."""
    warnings: list[str] = []
    if "\r" in text and _LONE_CR.search(text):
        warnings.append(f"{where}: {len(_LONE_CR.findall(text))} line breaks made of a lone CR read as LF")
        text = _LONE_CR.sub("\n", text)
    if escapes and "\\n" in text:
        text, count = escaped_breaks(text)
        if count:
            warnings.append(f"{where}: {count} line breaks written as \\n made line breaks")
    if "\x00" in text:
        warnings.append(f"{where}: {text.count(chr(0))} NUL characters removed")
        text = text.replace("\x00", "")
    if (valid := without_surrogates(text)) != text:
        text = valid
        warnings.append(f"{where}: lone surrogate escapes replaced with U+FFFD")
    fixed = None
    if mojibake and _MOJIBAKE_HINT.search(text):
        import ftfy

        fixed = ftfy.fix_encoding_and_explain(text)
    if fixed and fixed.explanation:
        plan = ", ".join(f"{step} {arg}" for step, arg in fixed.explanation)
        warnings.append(f"{where}: mojibake repaired by ftfy ({plan})")
        text = fixed.text
    return text, tuple(warnings)


def escaped_breaks(text: str) -> tuple[str, int]:
    """`text` with each run of `\\n` escapes that stands where a line break would (`"… 2021.\\nKerry
    Torrens est …"`, `"munhu\\nmumwe"`) made that many line breaks, and the number of runs made so. A
    run that reads as code or a path is left: after `\\`, `(`, `[`, `{`, `=`, `%` or a drive's colon
    (`C:\\new`), in a word holding another backslash (`C:\\Users\\nina`), between spaces (`the sequence
    \\n ends a line`), inside quotes (`"\\n"`, `print("done\\n")`: a quote before it that follows no
    letter or sentence end, or one after it that no letter follows), or before `)`, `]`, `}`, `;` or `,`."""
    out: list[str] = []
    pos = count = 0
    for m in _ESCAPED_BREAKS.finditer(text):
        start, end = m.span()
        if _code_like(text, start, end):
            continue
        out.append(text[pos:start])
        out.append("\n" * m.group().count("\\n"))
        pos = end
        count += 1
    return ("".join(out) + text[pos:], count) if count else (text, 0)


def _code_like(text: str, start: int, end: int) -> bool:
    """Whether the `\\n` run at `text[start:end]` reads as part of code or a path (see `escaped_breaks`)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if (before and before in "\\([{=%") or (after and after in ")]};,"):
        return True
    if before.isspace() and (not after or after.isspace()):
        return True  # named in prose: "the sequence \n ends a line" (no run in MasakhaNEWS stands so)
    if before == ":" and start >= 2 and text[start - 2].isalpha() and (start < 3 or not text[start - 3].isalnum()):
        return True  # a drive: C:\new
    word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    word_end = min((i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0), default=len(text))
    if "\\" in text[word_start:start].replace("\\n", "") or "\\" in text[end:word_end].replace("\\n", ""):
        return True  # a path: C:\Users\nina
    if before and before in _QUOTES:  # a closing quote follows a word or a sentence's end
        opened = len(text[:start].rstrip(_QUOTES))
        ahead = text[opened - 1] if opened else " "
        if not (ahead.isalnum() or ahead in _SENTENCE_END):
            return True
    if after and after in _QUOTES:  # an opening quote comes before a word
        closed = len(text) - len(text[end:].lstrip(_QUOTES))
        if not (closed < len(text) and text[closed].isalpha()):
            return True
    return False


def looks_binary(text: str) -> bool:
    """True when the text's start has many control characters: not text at all (an image, UTF-16, ...)."""
    head = text[:4096]
    return bool(head) and len(_CONTROL.findall(head)) > BINARY_SHARE * len(head)
