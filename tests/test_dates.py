"""Dates as pages write them, to ISO 8601."""

from __future__ import annotations

import pytest
import regex

from cleaner.dates import DATE_PATTERN, given_date, to_iso


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
