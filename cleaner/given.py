"""The fields a document came with: its record's own, else its page's metadata (what trafilatura found or the page
states), as the rules' values are filled in where they found none, and as a rule may know the document's author."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import FIELDS, Cleaned, Document, given_field, site_label
from .text import line_key

PAGE_FIELDS = {"title": "title", "published": "date", "source": "sitename", "author": "author", "section": "section"}
"""Cleaned field ← the key of the page metadata that trafilatura found or the page states (`meta["extracted"]`)."""
HEADINGS = "headings"
"""The key of `meta["extracted"]` that holds the lines of the main text the page marks as headings (`html._headings`;
absent when none), which the rules may read (`kinds.Context.headings`)."""
RIGHT_ALIGNED = "right_aligned"
"""The key of `meta["extracted"]` that holds the lines of the main text the page aligns right (`html._right_aligned`;
absent when none), where it sets a signature apart, which the rules may read (`kinds.Context.right_aligned`)."""
DROPPED = "dropped"
"""The key of `meta["extracted"]` that lists the elements with text that the steps before extraction dropped from the
page (`html._Drops`; absent when none), `{"step": …, "text": …}` each, in the page's order, the same step and text once
(a `"count"` when more than one went): trafilatura never read them, so no edit of the text shows them, and `cleaner
diff` and `cleaner review` list them. One in a part trafilatura discards anyway is not listed (`html._discarded_parts`),
unless trafilatura fell back to its last resort, which would have read it (`html._last_resort_reads`)."""


def with_given_fields(doc: Cleaned) -> Cleaned:
    """Fields the rules did not find, filled from what the document came with (`given_fields`): a rule's value wins
    (on the French pages, trafilatura's author is often the site and its title carries " - Site")."""
    names = [name for name in FIELDS if getattr(doc, name) is None]
    missing = {name: value for name, (value, _) in given_fields(doc.document, names).items()} if names else {}
    return doc.model_copy(update=missing) if missing else doc


def given_fields(doc: Document, names: Iterable[str] = FIELDS, page: dict[str, Any] | None = None,
                 ) -> dict[str, tuple[Any, str]]:
    """The fields `doc` came with, each as (value, where from): its record's own (`source`, and `title`, `published`,
    `author`, `section`, which the readers keep in `meta`), "record"; else its page's metadata (`page`, by default
    `page_metadata`), "page". Each is taken as `models.given_field` makes it, a page's as a record's, so that a field
    is a text or none: a `published` as `dates.given_date` reads it (RFC 2822, a date and time, a weekday before the
    date), ISO 8601; another trimmed, on one line; one that gives nothing (no date, a number, a list) is none. Only the
    fields `names` are looked for (`with_given_fields`: those the rules did not find; the page's author and title are
    tidied by regexes, on every document of the HTML path)."""
    page = page_metadata(doc.meta, bool(doc.html)) if page is None else page
    given: dict[str, tuple[Any, str]] = {}
    for name in names:
        if (value := given_field(name, doc.source if name == "source" else doc.meta.get(name))) is not None:
            given[name] = (value, "record")
        elif value := given_field(name, _page_field(name, page, doc.url)):
            given[name] = (value, "page")
    return given


def page_metadata(meta: dict[str, Any], html: bool) -> dict[str, Any]:
    """The metadata of a page (a document with `html`) that trafilatura found or the page states, which
    `html.extract_html` puts in its `meta["extracted"]`; {} for a text (`html` false): a text record's own `extracted`
    is a field of the record as any other, kept in `meta`, not read (its `date: "hier"` or `section: ["a", "b"]`
    became the field, and the review said its title came from a page)."""
    page = meta.get("extracted") if html else None
    return page if isinstance(page, dict) else {}


def rule_fields(doc: Document) -> dict[str, Any]:
    """What a rule may know of `doc` from what it came with (`kinds.Context`'s `author`, `headings`, `right_aligned`,
    `site_names`): its author and source as `given_fields` gives them, its page's marked lines (`_page_lines`); the
    page's metadata read once, for every document."""
    page = page_metadata(doc.meta, bool(doc.html))
    given = given_fields(doc, ("author", "source"), page)
    return {"author": given.get("author", (None, ""))[0], "headings": _page_lines(page, HEADINGS),
            "right_aligned": _page_lines(page, RIGHT_ALIGNED),
            "site_names": site_names(given.get("source", ("", ""))[0], doc.host)}


def site_names(source: str, host: str | None) -> frozenset[str]:
    """The `line_key` of the names a document's site goes by (`kinds.Context.site_names`): the `source` it came with
    (`given_fields`), its `host`, and the host's own label (`site_label`)."""
    names = (source, host or "", site_label(host or ""))
    return frozenset(key for name in names if name and (key := line_key(name)))


def _page_lines(page: dict[str, Any], name: str) -> frozenset[str]:
    """The `line_key` of each line listed under `name` in a page's metadata (`page_metadata`: the lines it marks as
    headings, `HEADINGS`, or aligns right, `RIGHT_ALIGNED`); none for a text."""
    lines = page.get(name)
    if not isinstance(lines, list):
        return frozenset()
    return frozenset(key for line in lines if isinstance(line, str) and (key := line_key(line)))


def _page_field(name: str, page: dict[str, Any], url: str | None) -> Any:
    """The field `name` of the page metadata that trafilatura found or the page states (`meta["extracted"]`, {} for
    none)."""
    value = page.get(PAGE_FIELDS.get(name, ""))
    if not page:
        return value
    from .html import page_author, page_source, page_title

    if name == "author" and isinstance(value, str):
        return page_author(value, page.get("sitename"), page.get("language"), url)
    if name == "title" and isinstance(value, str):
        return page_title(value, page.get("sitename"))
    if name == "source" and page and (value is None or isinstance(value, str)):
        return page_source(value, page.get("title"), url)
    return value
