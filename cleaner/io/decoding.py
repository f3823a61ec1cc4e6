"""From bytes to the text a document starts from, with every repair flagged as a warning.

The raw text of a document (the one its edits point into) is the text *after* these repairs: a
repair is not a rule's removal but a fix of how the bytes were read, so it is recorded as a warning
naming where and what (for mojibake, ftfy's plan, which `ftfy.apply_plan` replays on the input).
"""

from __future__ import annotations

import codecs
import html
import html.entities
import json
import re

from ..report import counted
from ..text import STOPS, without_surrogates

_MOJIBAKE_HINT = re.compile(
    "[\xc2-\xf4][\x80-\xbf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]"
)
"""A UTF-8 lead byte followed by a continuation byte, both as cp1252 shows them: the mark of mojibake.
ftfy (about 1.5 MB/s) runs only on texts that have one (or `_MOJIBAKE_SCRIPTS`'s mark), and is imported only
then (~7 MB a process)."""
_MOJIBAKE_SCRIPTS = re.compile("[{0}][{1}{2}][{0}]".format(
    "\u0412\u0413\u0420\u0421\u0392\u0393\u039e\u039f", re.escape(bytes(range(0x80, 0xC0)).decode("cp1251", "replace")),
    re.escape(bytes(range(0x80, 0xC0)).decode("cp1253", "replace"))))
"""The mark of UTF-8 Cyrillic or Greek read as windows-1251 or windows-1253 (a page in UTF-8 whose `<meta>` names
either), which ftfy reads back (`encode sloppy-windows-1251, decode utf-8`) but `_MOJIBAKE_HINT` missed: a lead byte
of the script's letters or of Latin-1's signs (`В Г Р С`, `Β Γ Ξ Ο`), a continuation byte, and a lead byte again, as
ftfy's own `badness` marks them ("Р°Р" of "а", "РџСЂ" of "Пр"); two letters of the script with a sign or a rare letter
between them (`В«С`) are hardly ever written so. Its own pattern: an alternative of `_MOJIBAKE_HINT` made both 6
times as slow; `repair` looks for neither in an ASCII text."""
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8"))
"""Byte order marks of UTF-32, UTF-16 and UTF-8 (UTF-32 LE first: it starts with UTF-16 LE's), and the codec
that reads them (dropping the mark: `decode` skips UTF-8's)."""
_MARKS = tuple(bom for bom, _ in _BOMS)
_LONE_CR = re.compile(r"\r(?!\n)")
_BOM = "\ufeff"
"""U+FEFF inside a text: a byte order mark left where files were joined (`በ\\ufeffናይሮቢ`: 466 MasakhaNEWS
texts hold 3,049, mid-word or mid-line), not a character of it; its other use, ZERO WIDTH NO-BREAK SPACE, is
deprecated since Unicode 3.2 (U+2060 WORD JOINER took it over). Invisible, it hid a line from regex rules."""
_SEPARATORS = (("\u2028", "line separator", " (U+2028)", "LF", "\n"),
               ("\u2029", "paragraph separator", " (U+2029)", "a blank line", "\n\n"),
               ("\x0b", "vertical tab", "", "LF", "\n"), ("\x0c", "form feed", "", "a blank line", "\n\n"))
"""Unicode's line and paragraph separators, a vertical tab (the line break a word processor writes inside a paragraph)
and a form feed (a page break: pdftotext writes one a page), which `repair` makes line breaks: what to say of them,
and what they become. Line rules saw none of them as a line's end (`Partager sur Facebook\u2028Le …`)."""
_ESCAPED_BREAKS = re.compile(r"\\n(?:[ \xa0]*+\\n)*+")
"""A run of line breaks written as the two characters `\\n` (a scraper that escaped them twice)."""
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
"""An HTML character reference, ended by its semicolon (`&amp;`, `&#39;`, `&#x2019;`): `&copy` and `&not` without
one stay text (`&notes`)."""
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
"""An HTML tag (`<em>`, `<br/>`, `</my-widget>`), not a "<" of a comparison (`a < b`): a text holding one, or a
comment, is markup, whose references are its own; a page's title holding one is cleaned of it."""
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb"
_SENTENCE_END = (*STOPS, "…")  # a stop or an ellipsis
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES = bytes(c for c in range(0x80) if _CONTROL.match(chr(c)))
"""`_CONTROL`'s characters as UTF-8 bytes (all ASCII: one byte each)."""
BINARY_SHARE = 0.05
"""Share of control characters (NUL and the like, not line breaks) in a text's first 4,096 characters
above which it is binary; text in a wrong encoding has U+FFFD instead, and is kept, flagged."""
BINARY_LEAST = 16
"""The fewest control characters that make a text binary: in a short text a stray NUL or two (a C string's end,
`"Bonjour le monde\u0000"`) passed the share, and the text was refused as binary, where a longer one holding
them is kept, the NULs removed and counted (`repair`); a binary file's first 4,096 bytes hold hundreds."""


def decode(data: bytes, where: str, codec: str | None = None, wide_marks: bool = True) -> tuple[str, tuple[str, ...]]:
    """Text of `data` in the Python codec `codec` (default UTF-8); a leading byte order mark (UTF-8, UTF-16 or
    UTF-32) wins over any codec, as browsers read it, and is dropped; invalid bytes become U+FFFD and are
    flagged. Without `wide_marks`, UTF-16's and UTF-32's marks are bytes as any other (a line inside a file)."""
    codec = next((name for bom, name in _BOMS if data.startswith(bom) and (wide_marks or name == "utf-8")),
                 None) or codec or "utf-8"
    skip = len(codecs.BOM_UTF8) if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0
    errors = "cleaner-c1" if codec == "cp1252" else "strict"
    try:
        return data[skip:].decode(codec, errors), ()
    except UnicodeDecodeError as exc:
        text = data[skip:].decode(codec, errors="replace")
        name = "UTF-8" if codec == "utf-8" else codec
        return text, (f"{where}: invalid {name} at byte {skip + exc.start}, replaced with U+FFFD",)


def decode_unlabelled(data: bytes, where: str, encoding: str = "utf-8",
                      wide_marks: bool = True) -> tuple[str, tuple[str, ...]]:
    """Text of bytes that do not say their encoding: as `decode` reads them in `encoding` (the config's), unless
    they are UTF-8 without a byte order mark: then as UTF-8, which a text in another encoding almost never is (a
    folder of cp1252 files and UTF-8 ones, read with `encoding = "cp1252"`: the UTF-8 ones came out as mojibake,
    and in GBK or Shift_JIS as other characters). UTF-8 with a few invalid bytes (a file cut inside a character,
    a stray byte: at most one for `MOSTLY_UTF8` characters of valid sequences) is UTF-8, the bytes flagged; a text
    in another encoding has hardly any valid sequence. Bytes that are all ASCII are read in `encoding`: ISO-2022's
    are 7-bit. `wide_marks` as `decode` takes it."""
    if encoding != "utf-8" and not data.isascii() and not data.startswith(_MARKS if wide_marks else codecs.BOM_UTF8):
        text = data.decode("utf-8", "replace")
        bad = text.count("\ufffd") - data.count("\ufffd".encode())
        if not bad:
            return text, ()
        valid = len(text) - len(text.encode("ascii", "ignore")) - bad
        if bad * MOSTLY_UTF8 <= valid:
            return decode(data, where, "utf-8", wide_marks)
    return decode(data, where, encoding, wide_marks)


MOSTLY_UTF8 = 10
"""Characters of valid multi-byte UTF-8 sequences per invalid byte at most, for bytes to be read as UTF-8."""


def decode_text(data: bytes, where: str, codec: str = "utf-8") -> tuple[str, tuple[str, ...]]:
    """The text of a `.txt` file's bytes: as `decode_unlabelled` reads them (by a byte order mark, as UTF-8 when they
    are, else in `codec`, the config's `encoding`), or, when that reads as binary (`looks_binary`) and the first
    bytes are those of UTF-16 or UTF-32 without a mark (see
    `wide_codec`: Notepad++'s "UCS-2 LE", a Python `encode("utf-16-le")`), in that encoding, as JSONL is read,
    if its first 4,096 characters hold no control character and no invalid sequence (binary bytes read so do:
    bytes 0-255 are U+0001, U+0203, ... and unpaired surrogates), but for a last odd byte. Bytes opening with UTF-16's
    mark that are no UTF-16 (`_no_utf16`) are read with the mark's bytes as any other."""
    text, warnings = decode_unlabelled(data, where, codec, wide_marks=not _no_utf16(data))
    if looks_binary(text) and (wide := wide_codec(data[:4])):
        wide, flagged = decode(data, where, wide)
        head = wide[:4096].rstrip("\ufffd")
        if "\ufffd" not in head and not _CONTROL.search(head):
            return wide, flagged
    return text, warnings


_ASCII_TEXT = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _no_utf16(data: bytes) -> bool:
    """Whether bytes that open with UTF-16's byte order mark (FF FE, FE FF) are no UTF-16: 9 in 10 of them after the
    mark printable ASCII, as an ASCII text's are (`b"\\xff\\xfe invalid bytes…"`, two stray bytes, was read pairwise as
    CJK, "椠癮污…"), unless they pair as one script's text does: an even count, few high bytes (`HIGH_BYTES`) and more
    low ones ("ありがとう": high bytes all 0x30). A UTF-16 text has hardly any printable pair (a Latin one's high bytes
    are 0); "12", "========" or "yes\\n" after the mark are no UTF-16 (a review)."""
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    rest = data[len(codecs.BOM_UTF16_LE) :]
    if len(rest.translate(None, _ASCII_TEXT)) * 10 > len(rest):
        return False
    low, high = (rest[::2], rest[1::2]) if data.startswith(codecs.BOM_UTF16_LE) else (rest[1::2], rest[::2])
    return len(rest) % 2 == 1 or not len(set(high)) <= HIGH_BYTES < len(set(low))


HIGH_BYTES = 2
"""The most high bytes a UTF-16 text of printable pairs is taken to have (one script's block or two, as kana's 0x30),
its low bytes more: an ASCII text read pairwise has about as many of either as it has letters."""


def wide_codec(head: bytes) -> str | None:
    """`utf-16-le`, `utf-16-be`, `utf-32-le` or `utf-32-be` for a text whose first 4 bytes `head` are in that
    encoding (told by where its zero bytes are, as `json.detect_encoding` tells them, or by its byte order mark:
    the first character must be ASCII when there is none), None for UTF-8, and for NUL bytes, which it calls UTF-32-BE:
    a file of NULs (a block a crash left) was read as UTF-32 text, one malformed JSONL line of NULs, not binary."""
    codec = json.detect_encoding(head)
    if codec.startswith("utf-8") or not any(head):
        return None
    if codec in ("utf-16", "utf-32"):  # a byte order mark: little-endian's starts with FF FE
        codec += "-le" if head.startswith(codecs.BOM_UTF16_LE) else "-be"
    return codec


def decode_html(data: bytes, where: str, charset: str | None = None, fallback: str = "utf-8") -> tuple[str, tuple[str, ...]]:
    """An HTML page's text: in the encoding the label `charset` names (HTTP's), else the one a `<meta charset>` in
    its `<head>` names (`meta_codec`), else as a `.txt` file is read (`decode_text`, with `fallback`, the config's
    `encoding`: UTF-8, or UTF-16 without a byte order mark); a label is read as browsers read it (see `web_codec`)."""
    codec = web_codec(charset) or meta_codec(data)
    return decode(data, where, codec) if codec else decode_text(data, where, fallback)


def meta_codec(data: bytes) -> str | None:
    """The codec of the first `<meta>` in a page's `<head>` (or in its first `HEAD_LEAST` bytes) that names an encoding
    browsers know, by its `charset` or by the `content` of an `http-equiv="Content-Type"`, read as the HTML standard's
    prescan reads it: not in a comment (`<!-- <meta charset="windows-1251"> -->` above the page's own `<meta>` made a
    UTF-8 page mojibake), nor in another tag's attribute, nor in the text of a `<script>`, a `<style>` or a `<title>`
    (`'<meta charset="…">'` in a script's string), where a browser's parser, which has the last word, reads no tag;
    a `</head>` there ends no `<head>` either. UTF-16 means UTF-8 (a `<meta>` read as ASCII is not in UTF-16)."""
    pos, end, late = 0, len(data), None
    while pos < end and (tag := _MARKUP.search(data, pos, end)):
        pos = tag.end()
        name = (tag["name"] or b"").lower()
        if name == (b"head" if tag["closing"] else b"body"):  # the <head> ends
            if late:
                return late
            end = max(HEAD_LEAST, tag.start())
        elif tag["closing"] or late:
            continue
        elif name == b"meta" and (codec := _meta_codec(tag["attributes"])):
            codec = "utf-8" if codec.startswith("utf-16") else codec
            if tag.start() < HEAD_LEAST:
                return codec
            late = codec  # in the <head> if it ends after it
        elif name in _RAW_TEXT:
            close = re.compile(rb"</" + name + rb"[\s/>]", re.IGNORECASE).search(data, pos)
            pos = close.start() if close else end
    return None


def _meta_codec(attributes: bytes) -> str | None:
    """The codec a `<meta>` of these `attributes` names (its `charset`, or its `content` with `http-equiv` saying
    Content-Type; the first of a name given twice), None for none or an unknown one (the prescan looks on)."""
    given: dict[bytes, bytes] = {}
    for attribute in _ATTRIBUTE.finditer(attributes):
        given.setdefault(attribute[1].lower(), next((v for v in attribute.groups()[1:] if v is not None), b""))
    label = given.get(b"charset")
    if label is None and given.get(b"http-equiv", b"").strip().lower() == b"content-type":
        found = _CONTENT_CHARSET.search(given.get(b"content", b""))
        label = found and next(v for v in found.groups() if v is not None)
    return web_codec(label.decode("latin-1")) if label else None


HEAD_LEAST = 4096
"""How many bytes of a page a `<meta charset>` is looked for in, at least: all of its `<head>`, when that is longer. A
browser that meets a `<meta charset>` there after its first bytes reads the page again in that encoding (the HTML
standard's "change the encoding"): a page with 5 kB of scripts before it was read as UTF-8 ("H\ufffdl\ufffdne")."""
_VALUE = rb"""(?:\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s>]++)))?+"""
_ATTRIBUTE = re.compile(rb"[\s/]*+([^\s/>][^\s/>=]*+)" + _VALUE)
"""An attribute of a tag as the HTML standard's prescan reads it: its name, and its value, quoted or not."""
_MARKUP = re.compile(rb"<!(?=--).*?(?:-->|\Z)|<(?P<closing>/?)(?P<name>[a-zA-Z][^\s/>]*+)(?P<attributes>(?:"
                     + _ATTRIBUTE.pattern + rb")*+)[\s/]*+>?|<[!/?][^>]*+>?", re.DOTALL)
"""What a page's bytes hold that is not text, as the prescan skips it: a comment (`<!-->` is one), a tag and its
attributes (a `>` inside a quoted value ends nothing), `<!DOCTYPE …>`, `<?xml …?>`."""
_CONTENT_CHARSET = re.compile(rb"""charset\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s;"']++))""", re.IGNORECASE)
_RAW_TEXT = frozenset((b"script", b"style", b"title", b"textarea", b"xmp", b"iframe", b"noembed", b"noframes",
                       b"noscript"))
"""Elements whose content the parser reads as text up to their end tag, holding no tag (`noscript` in a browser that
runs scripts)."""


def web_codec(label: str | None) -> str | None:
    """The Python codec of the encoding an HTML page's charset `label` names in the WHATWG Encoding Standard,
    the labels browsers know (`latin1`, `iso-8859-1` and `ascii` name windows-1252; `sjis` Shift_JIS);
    None for none or any other name (`cp037`, `base64`, `utf-32`), and the page is read in the config's
    `encoding`. Hyphens and underscores do not count (`latin-1`, `windows_1252`, `Shift-JIS` are common spellings
    of known labels)."""
    return _WEB_CODECS.get(_squeezed(label)) if label else None


def _squeezed(label: str) -> str:
    return label.strip().lower().replace("-", "").replace("_", "")


def _c1_controls(exc: UnicodeDecodeError) -> tuple[str, int]:
    """The five bytes Python's cp1252 leaves undefined read as the C1 controls of their number, as the
    standard's windows-1252 reads them."""
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("cleaner-c1", _c1_controls)
_WEB_LABELS = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    "iso8859-3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    "iso8859-4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    "iso8859-5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 iso_8859-5:1988",
    "iso8859-6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
                 "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    "iso8859-7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
                 "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859-8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
                 "iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 "
              "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 latin5 "
              "windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 "
             "windows-949",
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    "hz": "hz-gb-2312",
    "iso2022_kr": "csiso2022kr iso-2022-kr",
}
"""Each Python codec and the WHATWG labels of its encoding (GBK's decoder is gb18030's, Big5's is Big5-HKSCS,
EUC-KR's is windows-949, Shift_JIS's windows-31j). Left out, so read as UTF-8: `x-user-defined`, and the labels
the standard reads as one U+FFFD (`iso-2022-cn`, `replacement`) except `hz-gb-2312` and `iso-2022-kr`, which
Python's codecs read as their authors meant."""
_WEB_CODECS = {_squeezed(label): codec for codec, labels in _WEB_LABELS.items() for label in labels.split()}


def repair(text: str, where: str, mojibake: bool = True, escapes: bool = True,
           marks: bool = True, references: bool = True) -> tuple[str, tuple[str, ...]]:
    """`text` without NUL bytes and lone surrogates, with line breaks made of a lone CR (old Mac files) as
    LF, and (unless `mojibake` is false) mojibake undone by ftfy and (unless `escapes` is false) line
    breaks written otherwise made line breaks: `\\n` (see `escaped_breaks`), U+2028 (LINE SEPARATOR) and a vertical
    tab as LF, U+2029 (PARAGRAPH SEPARATOR) and a form feed as a blank line (`_SEPARATORS`), so line rules see the
    lines; (unless `marks` is false) without U+FEFF (see `_BOM`); and (unless `references` is false: a page's
    markup) with HTML character references read (`unescaped_references`); each repair flagged."""
    warnings: list[str] = []
    if references and "&" in text:
        text, count = unescaped_references(text)
        if count:
            said = "the characters they stand" if count > 1 else "the character it stands"
            warnings.append(f"{where}: {counted(count, 'HTML character reference')} (such as &amp; or &#39;) read as "
                            f"{said} for")
    if "\r" in text and _LONE_CR.search(text):
        warnings.append(f"{where}: {counted(len(_LONE_CR.findall(text)), 'line break')} made of a lone CR read as LF")
        text = _LONE_CR.sub("\n", text)
    if escapes and ("\x0c" in text or "\x0b" in text or not text.isascii() and ("\u2028" in text or "\u2029" in text)):
        for char, name, code, made, line_break in _SEPARATORS:
            if count := text.count(char):
                warnings.append(f"{where}: {counted(count, name)}{code} read as {made}")
                text = text.replace(char, line_break)
    if escapes and "\\n" in text:
        text, count = escaped_breaks(text)
        if count:
            became = "line breaks" if count > 1 else "a line break"
            warnings.append(f"{where}: {counted(count, 'line break')} written as \\n made {became}")
    if "\x00" in text:
        warnings.append(f"{where}: {counted(text.count(chr(0)), 'NUL character')} removed")
        text = text.replace("\x00", "")
    if marks and not text.isascii() and _BOM in text:
        warnings.append(f"{where}: {counted(text.count(_BOM), 'byte order mark')} (U+FEFF) removed")
        text = text.replace(_BOM, "")
    if (valid := without_surrogates(text)) != text:
        text = valid
        warnings.append(f"{where}: lone surrogate escapes replaced with U+FFFD")
    fixed = None
    if mojibake and not text.isascii() and (_MOJIBAKE_HINT.search(text) or _MOJIBAKE_SCRIPTS.search(text)):
        import ftfy

        fixed = ftfy.fix_encoding_and_explain(text)
    if fixed and fixed.explanation:
        plan = ", ".join(f"{step} {arg}" for step, arg in fixed.explanation)
        warnings.append(f"{where}: mojibake repaired by ftfy ({plan})")
        text = fixed.text
    return text, tuple(warnings)


def unescaped_references(text: str) -> tuple[str, int]:
    """`text` with its HTML character references (`&#39;`, `&quot;`, `&amp;`, `&eacute;`: a scraper that kept a
    page's escapes) read as the characters they stand for, as a browser shows them, and how many were read. A text
    holding a tag is left (markup: give it as a record's `html`), and so is a reference to no character, or to a
    control character (`&#1;`, `&#0;`), and a name HTML knows only without its semicolon (`&notes;` is no `&not`
    and "es;"). Read first in `repair`, so a `&#13;` or a `&#x2028;` is then a line break as the character is."""
    if "&" not in text or ";" not in text or "<!--" in text or TAG.search(text):
        return text, 0
    count = 0

    def read(m: re.Match) -> str:
        nonlocal count
        ref = m.group()
        made = html.unescape(ref) if ref[1] == "#" or ref[1:] in html.entities.html5 else ref
        if made in ("", ref) or _CONTROL.search(made) or "\ufffd" in made:
            return ref
        count += 1
        return made

    return _REFERENCE.sub(read, text), count


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
        if not ((opened and text[opened - 1].isalnum()) or text.endswith(_SENTENCE_END, 0, opened)):
            return True
    if after and after in _QUOTES:  # an opening quote comes before a word
        closed = len(text) - len(text[end:].lstrip(_QUOTES))
        if not (closed < len(text) and text[closed].isalpha()):
            return True
    return False


def looks_binary(text: str, least: int = BINARY_LEAST) -> bool:
    """True when the text's start has many control characters, `least` of them at least: not text at all (an
    image, UTF-16, ...). Counted in the UTF-8 of the start, where each is a byte of its own that no other character's
    bytes hold: deleting them there is a table's work, where finding them in the text (`_CONTROL`) took ~20 µs a
    record."""
    head = text[:4096]
    data = head.encode("utf-8", "surrogatepass")
    found = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return found >= least and found > BINARY_SHARE * len(head)


def not_html(html: str) -> str | None:
    """Why `html` is no page, quoting how it starts (`binary content, not HTML (starts '%PDF-1.4')`): it reads as
    binary (`looks_binary`) or opens as a PDF; None for a page. An `.html` file's reading and an `html` field's
    extraction both say it, so that the same bytes get the same detail."""
    start = html.lstrip()
    if looks_binary(html) or start.startswith("%PDF-"):
        return f"binary content, not HTML (starts {start[:8]!r})"
    return None
