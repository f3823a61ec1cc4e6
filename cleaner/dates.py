"""Dates as news pages write them, to ISO 8601 (`2014-12-13`, or `2022-05` when there is no day).

`DATE_PATTERN` is what a rule pattern gets for the `<<date>>` macro; `to_iso` reads anything it
matches in the years of `EARLIEST` to `LATEST` (another year is no publication date: None). Numeric
dates are read day first (`04 - 02 - 2003` is 4 February), as in French, Spanish and Arabic news; a
first number above 12 cannot be a month either way.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

import regex

_MONTH_NAMES = [
    "janvier january enero januar januari jänner gennaio janeiro janv jan ene jän يناير جانفي كانون_الثاني",
    "février fevrier february febrero februar februari febbraio fevereiro feb fév févr fev فبراير فيفري شباط",
    "mars march marzo märz maerz maart março mar mär mrz mrt مارس آذار",
    "avril april abril aprile apr avr abr أبريل ابريل إبريل افريل أفريل نيسان",
    "mai may mayo maggio maio mei ماي مايو أيار",
    "juin june junio juni giugno junho jun giu يونيو يونيه جوان حزيران",
    "juillet july julio juli luglio julho jul juil lug يوليو يوليوز جويلية تموز",
    "août aout august augustus agosto aug ago أغسطس اغسطس غشت أوت آب",
    "septembre september septiembre setiembre settembre setembro sep sept سبتمبر شتنبر أيلول",
    "octobre october octubre oktober ottobre outubro oct okt ott أكتوبر اكتوبر تشرين_الأول",
    "novembre november noviembre novembro nov نوفمبر نونبر تشرين_الثاني",
    "décembre decembre december diciembre dezember dicembre dezembro dec déc dic dez ديسمبر دجنبر كانون_الأول",
]
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _plain(text: str) -> str:
    """Case, accents and Arabic-Indic digits folded, so `Février` and `fevrier` read alike."""
    text = unicodedata.normalize("NFKD", text.translate(_ARABIC_DIGITS).casefold())
    kept = "".join(c for c in text if not unicodedata.combining(c) or c >= "\u0600")
    return unicodedata.normalize("NFC", kept)


_ALL_NAMES = [n.replace("_", " ") for names in _MONTH_NAMES for n in names.split()]
MONTHS: dict[str, int] = {
    _plain(n.replace("_", " ")): num for num, names in enumerate(_MONTH_NAMES, start=1) for n in names.split()
}


def alternation(names: Iterable[str]) -> str:
    """A pattern that matches any of `names` (a space in one stands for a run of spaces), written as a trie:
    `alternation(["mar", "mars", "march"])` is `mar(?:ch|s)?`. It matches what `a|b|…` of the names sorted longest
    first matches, and prefers what that prefers: at each letter one branch at most goes on (the names are in
    small letters, so no two of a node's letters match one character even under `(?i)`), and a name that goes on
    is tried before the name it extends. The month and weekday names of eight languages written out cost `<<date>>`
    941 of its compiled size (`patterns.scan_pattern`) in each rule that uses it, the trie ~500: the shipped packs'
    patterns were near the bound of the cache that holds them (`patterns.CACHE_SIZE`)."""
    trie: dict[str, dict] = {}
    for name in names:
        if name != name.lower():
            raise ValueError(f"{name!r}: write the names in small letters")
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def written(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if char == " " else regex.escape(char)) + written(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) > 1:
            body, one = (f"[{''.join(branches)}]" if all(len(b) == 1 for b in branches)
                         else f"(?:{'|'.join(branches)})"), True
        else:
            body, one = branches[0], len(branches[0]) == 1
        if "" not in node:  # no name ends here
            return body
        return f"{body}?" if one else f"(?:{body})?"  # a name ends here: the longer ones first

    return written(trie)


_MONTH = f"(?:{alternation(_ALL_NAMES)})\\.?"

_SEP = r"[^\S\n]*+[-/.][^\S\n]*+"
DATE_PATTERN = (
    r"(?:\d{1,2}" + _SEP + r"\d{1,2}" + _SEP + r"\d{4}"  # 13 - 12 - 2014, 13/12/2014, 13.12.2014
    r"|\d{4}-\d{1,2}(?:-\d{1,2})?"  # 2014-12-13, 2022-05
    r"|\d{4}/\d{1,2}/\d{1,2}"  # 2014/12/13
    # 13 décembre 2014, 13th December 2014, 13. Dezember 2014, 1º de março de 2014, December 13, 2014, décembre 2014,
    # diciembre de 2014: the month written once (see below)
    r"|(?:(?:1er|1[º°]|\d{1,2}(?:st|nd|rd|th|\.)?)[^\S\n]++(?:de[^\S\n]++)?)?" + _MONTH
    + r"(?:[^\S\n]++\d{1,2}(?:st|nd|rd|th)?,?)?[^\S\n]++(?:de[^\S\n]++)?\d{4}"
    r")"
)
"""What the `<<date>>` macro stands for. The month's names are written once, the day before them and the day after
them both optional, as three forms (day month year, month day year, month year) wrote them three times: each rule's
`<<date>>` is compiled apart, and the shipped packs' patterns grew by 75,000 (`patterns.CACHE_SIZE`) when German,
Italian and Portuguese months came. It so also matches a day on both sides ("13 December 14, 2014"), which `to_iso`
reads as no date, as it reads "December 13 de 2014": no page writes either."""
_NUMERIC = regex.compile(r"(\d{1,4})" + _SEP + r"(\d{1,2})(?:" + _SEP + r"(\d{1,4}))?")
_WORDS = regex.compile(r"[^\W\d_]+|\d+")
_FILLERS = frozenset(["er", "st", "nd", "rd", "th", "de", "del", "le", "o"])


def to_iso(text: str) -> str | None:
    """Read a date as pages write it; return `YYYY-MM-DD` or `YYYY-MM`, or None if it is not a date."""
    text = _plain(text.strip())
    m = _NUMERIC.fullmatch(text)
    if m:
        a, b, c = m.group(1), m.group(2), m.group(3)
        if len(a) == 4:  # year first
            return _iso(int(a), int(b), int(c) if c else None)
        if c and len(c) == 4:  # day first, unless that cannot be
            day, month = int(a), int(b)
            if month > 12 >= day:
                day, month = month, day
            return _iso(int(c), month, day)
        return None
    day = month = year = None
    tokens = _WORDS.findall(text)
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
        elif token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2 and day is None:
                day = int(token)
            else:
                return None
        elif token in _FILLERS:
            continue
        elif month is None and " ".join(tokens[i : i + 2]) in MONTHS:
            month, skip = MONTHS[" ".join(tokens[i : i + 2])], True
        elif month is None and token in MONTHS:
            month = MONTHS[token]
        else:
            return None
    if year is None or month is None:
        return None
    return _iso(year, month, day)


WEEKDAY_NAMES = (
    "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday mon"
    " tue tues wed thu thur thurs fri sat sun lunes martes miércoles miercoles jueves viernes sábado sabado domingo"
    " montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag lunedì lunedi martedì martedi mercoledì"
    " mercoledi giovedì giovedi venerdì venerdi sabato domenica segunda-feira terça-feira terca-feira quarta-feira"
    " quinta-feira sexta-feira maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
    " الاثنين الإثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت الأحد الاحد").split()
WEEKDAYS = alternation(WEEKDAY_NAMES)
"""A pattern of the names of the weekdays in French, English, Spanish, German, Italian, Portuguese, Dutch and Arabic
(with and without the accents and the hamza pages leave out), and the English ones' short forms, for a date that opens
with one (`<<weekday>>`, `_WEEKDAY`): an Arabic date, and The Guardian's "Fri 13 Mar 2015", were removed with their byline,
not lifted. Portuguese weekdays are written whole ("sexta-feira"): "quinta" alone is also a farm."""
_WEEKDAY = regex.compile(rf"(?i:{WEEKDAYS})\.?[,،]?[^\S\n]+")
"""A weekday before a date ("jeudi 12 mars 2021", "Fri, 12 Mar 2021"): not checked against the date, as RFC 2822
readers do not check it either."""
_ZONES = ("UTC|UT|GMT|CET|CEST|EET|EEST|BST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|WAT|EAT|CAT|SAST|MSK|IST|JST|AEST|AEDT"
          "|HNE|HAE")
_LOCAL = "heure de Paris|heure locale|heure française|heure de Montréal|heure de l'Est|local time"


def _time(named: bool) -> str:
    """`TIME_PATTERN`, or with `named` the same with its numbers as groups for `given_date` to check (a macro's
    groups would be fields of the rules), so that a record's date is read as the rules read theirs."""
    def group(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    hour, minute, second = group("hour", r"\d{1,2}"), group("minute", r"\d{2}"), group("second", r"\d{2}")
    zone, zone_minute = group("zone", r"\d{1,2}"), group("zone_minute", r"\d{2}")
    # a field's `a.m` may lack its last dot (it ends the field), as the one definition before it read it
    half = group("half", r"am|pm|a\.m\.?|p\.m\.?" if named else r"am|pm|a\.m\.|p\.m\.")
    clock = rf"{minute}(?::{second}(?:[.,]\d+)?)?"
    # a record's field is read whole (`given_date`), so after a time any zone of capitals, `Z`, `+02` and a zone glued
    # to it (`10:30:00+02:00`, as str(datetime) writes it) are safe there; on a rule's line they would take the words
    # and numbers after a date. After a date alone, only a known zone or a whole offset, spaced: "12 March 2021 AB" and
    # "2021-03-12 -5" were dates, and glued to a date an offset reads its day ("2021-03-12": "2021-03", "-12")
    with_offset = rf"(?:[^\S\n]?[+-][^\S\n]?{zone}(?::?{zone_minute})?)?"
    if named:
        after_time = rf"[^\S\n]*+(?:(?-i:[A-Z]{{1,5}}){with_offset}|[+-]{zone}(?::?{zone_minute})?)"
        after_date = (r"[^\S\n]++(?:(?-i:" + _ZONES + r")(?:[^\S\n]?[+-]\d{1,2}(?::?\d{2})?)?"
                      r"|[+-](?:0\d|1[0-4]):?[0-5]\d)")
        zoned = rf"(?:(?(hour){after_time}|{after_date}))?"
    else:
        zoned = rf"(?:[^\S\n]++(?:(?-i:{_ZONES}){with_offset}|[+-]{zone}:?{zone_minute}))?"
    return (
        rf"(?:T{hour}:{clock}(?:[^\S\n]?(?:Z|[+-]{zone}(?::?{zone_minute})?))?"
        rf"|[^\S\n]*+(?:à|a|at|a las|um|vers|às|alle ore|alle|ore|om|,|-|•|·)?[^\S\n]*+{hour}"
        rf"(?:[^\S\n]?[h:.][^\S\n]?{clock}(?:[^\S\n]?min)?|[^\S\n]?h\b)(?:[^\S\n]*+{half})?(?:[^\S\n]++(?:Uhr|uur)\b)?"
        rf"(?:[^\S\n]++(?-i:ET|CT|MT|PT)\b)?)?"
        + zoned +
        rf"(?:[^\S\n]*+\((?:{_LOCAL})\)|[^\S\n]++(?:{_LOCAL}))?")


TIME_PATTERN = _time(named=False)
"""What may follow a date on a dateline, or nothing (`<<time>>`): an ISO time (`T10:30:00+02:00`), a time of day
(`à 10h30`, `at 10:30 AM`, `, 18.00`, `• 5:04pm`, `vers 14h`, an hour alone as French writes it, `um 10:30 Uhr`,
`alle ore 10:30`, `às 10h30`, `om 10.30 uur`), a time zone (`CET`,
`GMT+1`, `-0500`; the US's `ET`, `PT` after a time only), "heure de Paris" with or without its brackets."""
PUBLISHED = (r"published|first published|originally published|posted|date\b|publié|publie|parue?|première publication"
             r"|mis en ligne|posté|publicado|publicada|veröffentlicht|erschienen|pubblicato|pubblicata|gepubliceerd"
             r"|نشر|نُشر")
"""Words that mark a publication date on a byline, in French, English, Spanish, German, Italian, Portuguese, Dutch and
Arabic (see `PLACE_PATTERN`), among them labels ("Date:", "Date de publication :") and first-publication words
("First published", "Paru le", "Première publication le"), whose date was lost after a place. The rules take these at
a text's head only: under a sentence "Paru le" is a book's release, and its line a reference that stays."""
UPDATED = (r"update|modif|\bedit(?:ed)?\b|mis à jour|mis a jour|mise à jour|mise a jour|\bmaj\b|\bmàj\b|actualis"
           r"|actualiz|aktualisi|geändert|\bstand\b|aggiorn|atualiz|bijgewerkt|gewijzigd|تحديث|محدث|تعديل")
"""Words that mark an update stamp, whose date is no publication date (see `PLACE_PATTERN`): stems, so that "Last
update", "Dernière modification", "Última actualización", "Zuletzt aktualisiert", "Ultimo aggiornamento",
"Atualizado em", "Bijgewerkt" are read as "updated" is (and German's "Stand:", "as of"); "edit", "MAJ" and "Stand" as
words only ("Business Editor", "Majorque" are places and roles)."""
_BYLINE_SEP = r"[^\S\n]*+[,،|—–·•-][^\S\n]*+"
PLACE_PATTERN = (rf"(?:[^\n]{{0,80}}?{_BYLINE_SEP}(?=(?i:{PUBLISHED}))"
                 rf"|(?:(?!(?i:{UPDATED})|\d{{4}}|\d{{1,2}}[/.h]\d)[^\n:：]){{0,80}}?{_BYLINE_SEP})")
"""What may stand between a byline's name and its date (`<<place>>`): a place, role or agency, up to 80 characters, and
the comma, bar, dash, middle dot or bullet after it ("| Washington | ", "· Washington · ", ", corresponsal en
Bruselas, "). Never an update stamp, whose date would be lifted as the publication date ("| Updated: Fri, 13 Mar
2021"), unless a publication word follows it ("| Updated: 13/03/2021 | Published: 12/03/2021"): a place holds no
update word, no colon (a label, "Last update: ", "Born: ") and no date or time of its own (a year, `12/03`, `10h30`),
since the comma after a weekday or the dash after an unknown label ends a place as well as a place's own separator
does ("| MAJ : jeudi, 13 mars 2021"); a name's number stays a place's ("France 24", "20 Minutes", "Canal 13": any
digit refused them, and the date after was lost)."""
_TIMED = regex.compile(rf"(?P<date>.+?)(?i:{_time(named=True)})")
"""A date and what may follow it on a dateline (`TIME_PATTERN`, its numbers as groups): `2021-03-12T10:30:00+02:00`,
`12 mars 2021 à 14 h 05 (heure de Paris)`, `March 12, 2021 at 10:30 AM ET`, `Fri, 12 Mar 2021 10:30:00 GMT` (RFC 2822,
as RSS gives it)."""


_DIGIT = regex.compile(r"\d")
GIVEN_MAX_CHARS = 64
"""The longest date and time `given_date` reads (`Wednesday, September 12, 2024 at 10:30:00 a.m. EDT` is 51
characters, `mardi 12 mars 2024 à 14 h 05 (heure de Paris)` 46)."""


def given_date(text: str) -> str | None:
    """A record's own `published` as the field holds it: a date `to_iso` reads (after a weekday, if any), alone or
    followed by what the rules' `<<time>>` takes (`_TIMED`), as its day as written (the zone does not move it); None
    when it is none of these, or when its time cannot be (`2021-03-12T25:99:00Z`). A date alone is read first, and
    a text over `GIVEN_MAX_CHARS`, or without a digit, is none: with every part of `<<time>>` optional, `_TIMED`
    tried each split of any text, and the HTML path, which asks this of every date a page states, took 0.74 ms more
    a page."""
    text = text.strip()
    text = text[weekday.end():] if (weekday := _WEEKDAY.match(text)) else text
    if len(text) > GIVEN_MAX_CHARS or not _DIGIT.search(text):  # every date `to_iso` reads has a digit
        return None
    if iso := to_iso(text):
        return iso
    if (timed := _TIMED.fullmatch(text)) and to_iso(timed.group("date")):
        hour, minute, second = (int(timed.group(name) or 0) for name in ("hour", "minute", "second"))
        zone, zone_minute = int(timed.group("zone") or 0), int(timed.group("zone_minute") or 0)
        if (not (1 <= hour <= 12 if timed.group("half") else hour <= 23) or minute > 59 or second > 60
                or zone > 14 or zone_minute > 59):
            return None
        text = timed.group("date")
    return to_iso(text)


EARLIEST = dt.date(1800, 1, 1)
LATEST = dt.date(2099, 12, 31)
"""The years a publication date may have: one outside them is a placeholder (`0001-01-01`, `31/12/9999`) or a
typo. Fixed, not the day of the run, so the same input gives the same output on any day."""


def _iso(year: int, month: int, day: int | None) -> str | None:
    if not EARLIEST.year <= year <= LATEST.year:
        return None
    try:
        if day is None:
            dt.date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
