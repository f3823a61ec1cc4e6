"""Dates as pages write them, to ISO 8601."""

from __future__ import annotations

import pytest
import regex

from cleaner.dates import DATE_PATTERN, TIME_PATTERN, given_date, to_iso


@pytest.mark.parametrize(
    "text, iso",
    [
        ("13 - 12 - 2014", "2014-12-13"),
        ("04 - 02 - 2003", "2003-02-04"),
        ("13/12/2014", "2014-12-13"),
        ("13.12.2014", "2014-12-13"),
        ("12/25/2014", "2014-12-25"),
        ("2014-12-13", "2014-12-13"),
        ("2014/12/13", "2014-12-13"),
        ("2022-05", "2022-05"),
        ("13 décembre 2014", "2014-12-13"),
        ("13 Decembre 2014", "2014-12-13"),
        ("1er janvier 2020", "2020-01-01"),
        ("février 2015", "2015-02"),
        ("13 Sept. 2014", "2014-09-13"),
        ("1 janv. 2017", "2017-01-01"),  # Mediapart's abbreviation
        ("December 13, 2014", "2014-12-13"),
        ("13 de diciembre de 2014", "2014-12-13"),
        ("13 يناير 2014", "2014-01-13"),
        ("١٣ فبراير ٢٠١٤", "2014-02-13"),
        ("13 كانون الثاني 2014", "2014-01-13"),
        # German, Italian and Portuguese, for the de, it and pt packs' bylines and datelines
        ("12. März 2021", "2021-03-12"),
        ("12 Maerz 2021", "2021-03-12"),
        ("3. Okt. 2021", "2021-10-03"),
        ("1. Januar 2020", "2020-01-01"),
        ("12 dicembre 2014", "2014-12-12"),
        ("1 gennaio 2020", "2020-01-01"),
        ("1° maggio 2021", "2021-05-01"),
        ("12 de março de 2021", "2021-03-12"),
        ("1º de janeiro de 2020", "2020-01-01"),
        ("15 de setembro de 2019", "2019-09-15"),
        ("outubro de 2019", "2019-10"),
        ("12 maart 2021", "2021-03-12"),
        ("1 mei 2020", "2020-05-01"),
        ("3 augustus 2019", "2019-08-03"),
    ],
)
def test_dates_read_and_matched_by_the_macro(text, iso):
    assert to_iso(text) == iso
    assert regex.fullmatch(DATE_PATTERN, text, regex.IGNORECASE)


@pytest.mark.parametrize("text", ["31/02/2014", "2014-13", "13 blurb 2014", "5 mai", "", "13/12/14", "00/00/0000"])
def test_not_dates(text):
    assert to_iso(text) is None


@pytest.mark.parametrize("text, iso", [("13th December 2014", "2014-12-13"), ("1st January 2020", "2020-01-01"),
                                       ("23rd May 2019", "2019-05-23")])
def test_a_day_written_as_an_english_ordinal_before_the_month_is_matched_by_the_macro(text, iso):
    """`to_iso` read "13th December 2014" but `<<date>>` did not match it: "Published on 13th December 2014" stayed."""
    assert to_iso(text) == iso
    assert regex.fullmatch(DATE_PATTERN, text, regex.IGNORECASE)


@pytest.mark.parametrize("text", ["1 janvier 0001", "31/12/9999", "0001-01-01", "9999-12", "13 mars 1700", "2100-01-01"])
def test_a_placeholder_or_impossible_year_is_no_publication_date(text):
    """`0001-01-01` and `31/12/9999` (a CMS's placeholders) became `published`, from a "Publié dans … le" line
    and from a record's own field alike; the years read are `EARLIEST` to `LATEST`, as the HTML path's."""
    assert to_iso(text) is None
    assert given_date(text) is None


def test_a_placeholder_date_is_not_lifted_nor_taken_from_the_record():
    from cleaner import clean

    body = "\n\nLe conseil municipal a voté mardi le budget de l'année prochaine, après un long débat."
    assert clean("Publié dans Le Matin le 31/12/9999" + body).published is None
    assert clean({"id": "a", "text": body.strip(), "published": "0001-01-01T00:00:00Z"}).published is None
    assert clean("Publié dans Le Matin le 31/12/1999" + body).published == "1999-12-31"
    assert to_iso("1 janvier 1800") == "1800-01-01" and to_iso("31/12/2099") == "2099-12-31"


@pytest.mark.parametrize("text, iso", [
    ("Fri, 12 Mar 2021 10:30:00 GMT", "2021-03-12"),  # RFC 2822, as RSS gives it
    ("Fri, 12 Mar 2021 23:30:00 -0500", "2021-03-12"),  # the day as written, not moved by the zone
    ("12/03/2021 10:30", "2021-03-12"),  # day first, as `to_iso` reads numbers
    ("March 12, 2021 at 10:30 AM", "2021-03-12"),
    ("12 mars 2021 à 10h30", "2021-03-12"),
    ("2021-03-12T10:30:00 +02:00", "2021-03-12"),
    ("2021-03-12T10:30:00+02", "2021-03-12"),
    ("2021-03-12T10:30:00.123456+0200", "2021-03-12"),
    ("2021-03-12 10:30:00", "2021-03-12"),
    ("2021-03-12T10:30", "2021-03-12"),
    ("jeudi 12 mars 2021", "2021-03-12"),  # a weekday is not checked (12 March 2021 was a Friday)
    ("Thursday, March 11, 2021", "2021-03-11"),
    ("الثلاثاء، 12 مارس 2024", "2024-03-12"),  # an Arabic weekday and comma (they were no weekday: no date)
    ("mars 2021", "2021-03"),
    ("Freitag, 12. März 2021", "2021-03-12"),
    ("venerdì 12 marzo 2021", "2021-03-12"),
    ("sexta-feira, 12 de março de 2021", "2021-03-12"),
    ("vrijdag 12 maart 2021", "2021-03-12"),
])
def test_a_records_own_date_is_read_as_feeds_and_cms_write_it(text, iso):
    """A record's `published` that was not strict ISO 8601 gave no field and went to `meta` without a word (on a
    page, trafilatura's date took its place): RFC 2822, a date then a time, a weekday before the date (found by a
    QA pass). `given_date` reads what `to_iso` reads, after a weekday and before a time of day and its zone."""
    assert given_date(text) == iso


@pytest.mark.parametrize("text", ["2021-03-12T25:99:00Z", "2021-03-12T24:00:00", "2021-03-12T10:60",
                                  "2021-03-12T10:30:00+25:00", "March 12, 2021 at 13:30 PM", "2021-02-30T10:00:00Z",
                                  "hier", "lundi", "2021", "12 mars 2021 10:30 environ"])
def test_a_records_own_date_with_an_impossible_time_or_no_date_is_none(text):
    """`2021-03-12T25:99:00Z` gave 2021-03-12: the time was not read. A time that cannot be makes the value no date,
    as a value that reads as none (it stays in `meta`)."""
    assert given_date(text) is None


@pytest.mark.parametrize("text, iso", [
    ("12 mars 2024 à 14h05 (heure de Paris)", "2024-03-12"),
    ("12 mars 2024 à 14h05 heure de Paris", "2024-03-12"),
    ("12 mars 2024 à 14 h 05", "2024-03-12"),
    ("12 mars 2024, 18.00", "2024-03-12"),
    ("12 mars 2024 vers 14h", "2024-03-12"),
    ("March 12, 2024 5:04 PM ET", "2024-03-12"),
    ("12 March 2024 • 5:04pm", "2024-03-12"),
    ("12. März 2024, 10:30 Uhr", "2024-03-12"),
    ("12.03.2024 um 10.30 Uhr", "2024-03-12"),
    ("12 marzo 2024 alle ore 10:30", "2024-03-12"),
    ("12 de março de 2024 às 10h30", "2024-03-12"),
    ("12 maart 2024 om 10.30 uur", "2024-03-12"),
])
def test_a_records_own_date_is_read_as_the_rules_read_a_dates_time(text, iso):
    """A record's `published` was read by a pattern of its own, which knew no "(heure de Paris)", "14 h 05" nor
    ", 18.00" that the rules' `<<time>>` takes (QA of session 47: the field was None where "Publié le 12 mars 2024 à
    14 h 05" is lifted). The two are one definition now: what the macro takes after a date, `given_date` reads."""
    assert regex.fullmatch(f"(?i:{DATE_PATTERN})(?i:{TIME_PATTERN})", text)
    assert given_date(text) == iso


@pytest.mark.parametrize("text, iso", [("2021-03-12 10:30:00 +02", "2021-03-12"), ("2024-01-02 10:00:00 AKST", "2024-01-02"),
                                       ("Tue, 02 Jan 2024 10:00:00 Z", "2024-01-02")])
def test_a_records_own_date_keeps_the_zones_a_rule_would_not_take(text, iso):
    """A record's field is read whole, so a zone of any capitals, `Z` or an offset of hours alone is read there, as
    before the two patterns were one (a review found the one definition had dropped them), though no rule's
    `<<time>>` takes them: on a line they would take the words and numbers after a date."""
    assert given_date(text) == iso
    assert not regex.fullmatch(f"(?i:{DATE_PATTERN})(?i:{TIME_PATTERN})", text)


@pytest.mark.parametrize("text", ["2021-03-12 10:30:00+02:00", "2021-03-12 10:30:00+0200", "2021-03-12 10:30:00Z",
                                  "2021-03-12 10:30:00.123456+00:00", "2021-03-12 10:30:00GMT", "2021-03-12 10:30+02"])
def test_a_records_own_date_keeps_a_zone_glued_to_its_time(text):
    """The one definition wanted a space before a zone after a spaced time, so `str(datetime)`'s
    "2021-03-12 10:30:00+02:00" gave no date and the record's `published` was dropped (a review of session 47; the
    pattern before read them). Glued to a time only: glued to a date, "-12" would read as a zone and "2021-03" as the
    date."""
    from cleaner import clean

    assert given_date(text) == "2021-03-12" and given_date("2021-03-12") == "2021-03-12"
    body = "Le conseil municipal a voté mardi le budget de l'année prochaine, après un long débat sur les écoles."
    assert clean({"id": "a", "text": body, "published": text}).published == "2021-03-12"


def test_a_records_own_date_reads_a_zone_after_a_time_only_and_an_a_m_without_its_last_dot():
    """The one definition read a zone after a date alone in a record's field ("12 March 2021 AB", "2021-03-12 -5"
    were dates: the pattern before wanted a time first) and no `a.m` without its last dot, which ends a field (a
    review of session 47)."""
    assert given_date("March 12, 2021 at 10:30 a.m") == given_date("March 12, 2021 at 10:30 p.m.") == "2021-03-12"
    assert given_date("12 March 2021 AB") is None and given_date("2021-03-12 -5") is None
    for zoned in ("2021-03-12 UTC", "2021-03-12 +0200", "2021-03-12 +02:00", "2021-03-12 GMT+1"):  # known, whole
        assert given_date(zoned) == "2021-03-12", zoned  # (a review: refusing any zone after a date lost these)


def test_a_records_own_date_written_otherwise_fills_the_field_and_beats_trafilaturas():
    from cleaner import clean

    body = "Le conseil municipal a voté mardi le budget de l'année prochaine, après un long débat sur les écoles."
    out = clean({"id": "a", "text": body, "published": "Fri, 12 Mar 2021 10:30:00 GMT"})
    assert out.published == "2021-03-12" and out.record()["meta"] == {"published": "Fri, 12 Mar 2021 10:30:00 GMT"}
    page = ('<html><head><title>Budget</title><meta property="article:published_time" content="2020-01-05T10:00:00Z">'
            f'</head><body><article><h1>Budget</h1><p>{body}</p><p>{body}</p></article></body></html>')
    assert clean({"id": "p", "html": page}).published == "2020-01-05"
    assert clean({"id": "p", "html": page, "published": "jeudi 12 mars 2021"}).published == "2021-03-12"
    refused = clean({"id": "a", "text": body, "published": "2021-03-12T25:99:00Z"})
    assert refused.published is None and refused.record()["meta"] == {"published": "2021-03-12T25:99:00Z"}


def test_a_records_own_date_is_no_long_text_and_is_read_in_linear_time():
    """With every part of `<<time>>` optional, `_TIMED` tried each split of any text, and the HTML path, which asks
    `given_date` of every date a page states (meta contents, URLs), took 0.74 ms more a page (a performance review):
    a date alone is read first, and a text over `GIVEN_MAX_CHARS` or without a digit is none, at once."""
    import time

    from cleaner.dates import GIVEN_MAX_CHARS

    assert given_date("Wednesday, September 12, 2024 at 10:30:00 a.m. EDT") == "2024-09-12"
    assert given_date("12 mars 2024 " + "x" * GIVEN_MAX_CHARS) is None and given_date("mardi") is None
    text = "Il y a quelques jours, ma fille a éclaté en sanglots en rentrant de l'école. " * 2000
    start = time.process_time()
    assert given_date(text) is None
    assert time.process_time() - start < 0.05


def _month_and_weekday_names() -> dict[str, list[str]]:
    from cleaner.dates import _ALL_NAMES, WEEKDAY_NAMES

    return {"months": list(_ALL_NAMES), "weekdays": list(WEEKDAY_NAMES)}


@pytest.mark.parametrize("which", ["months", "weekdays"])
def test_a_trie_of_names_matches_what_their_alternation_longest_first_matches(which):
    """`dates.alternation` writes the month and weekday names as a trie (a smaller `<<date>>` in every rule that uses
    it): on each name, each of its prefixes and each of those with a letter, a dot, a space or a year after it, in
    small letters, capitals and title case, it matches what `a|b|…` of the names sorted longest first matches, the
    same characters."""
    from cleaner.dates import alternation

    names = _month_and_weekday_names()[which]
    plain = "|".join(regex.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))
    tails = ["", ".", " 2021", "s", "x", "day", "-feira", "  x"]
    texts = {(n[:k] + tail).__getattribute__(case)() for n in names for k in range(len(n) + 1) for tail in tails
             for case in ("lower", "upper", "title")}
    for flags in ("", "(?i)"):
        trie, alt = regex.compile(f"{flags}(?:{alternation(names)})"), regex.compile(f"{flags}(?:{plain})")
        assert [trie.match(t) and trie.match(t).group() for t in sorted(texts)] == [
            alt.match(t) and alt.match(t).group() for t in sorted(texts)]
    from cleaner.kinds.patterns import scan_pattern

    assert scan_pattern(alternation(names))[1] < scan_pattern(plain)[1] * 0.85  # what a rule's compiled size counts


def test_a_trie_is_written_for_small_letters_only():
    """A capital in a name would make two of a node's branches match one character under `(?i)`, and the trie then
    prefer another name than the alternation does."""
    from cleaner.dates import alternation

    assert alternation(["mar", "mars", "march", "a b"]) == r"(?:a\s+b|mar(?:ch|s)?)"
    with pytest.raises(ValueError, match="'Mars': write the names in small letters"):
        alternation(["mar", "Mars"])
