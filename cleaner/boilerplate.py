"""Boilerplate learned from the corpus: lines that recur in many documents of one source.

A document's *units* are the `line_key` of each line of at least `LONG_WORDS` words, and of each
run of two consecutive non-blank lines (so a short line, a menu item or a one-word label, counts
only together with the line next to it); a line that holds a quotation has no unit, and breaks runs
(`learning_keys`: article text a running story repeats). Each unit is hashed with the document's source (its URL
host, or its `source` field; documents with neither are not counted) into a 64-bit key, and a
document adds 1 to each of its distinct keys: counts are document frequencies. The units that cover the line its
counted text and its clean text open with (that line, and its pair with the line under it) count once more, as
openings (`OPENING`), and a page's own title goes only in a unit learned as such: a site's header opens most of its
pages, a page's own title does not, though the other pages' lists of the day's stories hold it, with the headline
under it. The title is a text's first line, or the first under the header where one opens it (`title_line`).

**Headlines of the day.** A document with a `published` day also counts, for its source on that
day, the headline segments of its ticker-like lines (any line of its *raw* text that splits into two
or more headlines, as the `ticker` kind reads them, so tickers the packs removed count too; `headline_key`). A
headline that recurs in the tickers of enough documents of the same source and day is boilerplate
there: a ticker-like line made mostly of such headlines, and two or more consecutive lines that are
such headlines (a list of the day's stories), are removed; a lone headline line (the article's own
title) is not.

Lines are counted on the clean text with the `shape` kind's removals, and every rule's removal of whole lines, put
back (`counted_text`), and the opening on it and on the clean text: a menu or a header that shape takes from most pages
of a site, or a footer another rule takes from most, is still learned, and then goes from the pages where the rule left
it (a page with no prose, where shape removes nothing).

A unit is boilerplate of its source when it is in at least `min_docs` documents of the source and
in at least a share `min_share` of them. Only documents that are not duplicates of each other are
counted (the caller passes one document per group of copies), so the text of a syndicated article
is counted once however many copies the dump holds. Copies are near-duplicates that also hold the same
sentences once the units that pass both thresholds counted over every document are set aside (`rest_hash`):
short pages under one long template are near-duplicates, and counted once the template was never learned.

**Bounded memory, exact counts.** `LineCounts` keeps at most `max_keys` counters in a dict and
spills them, summed, into a SQLite table when it is full; memory is O(`max_keys`) whatever the
corpus, the disk table holds one row per distinct (source, unit). Counts are exact except when two
distinct units of the corpus share a 64-bit key: with n distinct units the chance of any collision
is at most n²/2⁶⁵ (under 3·10⁻⁴ for n = 10⁸), and a collision can only add counts, so its worst
effect is one extra line called boilerplate.
"""

from __future__ import annotations

import re
import sqlite3
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from hashlib import blake2b
from itertools import pairwise
from typing import Any

from .dedup.signature import exact_hash
from .edits import replay
from .kinds.ticker import TickerRule
from .kinds.truncate import TruncateRule
from .models import Edit
from .text import blank, ends_sentence, line_key, word_count
from .view import View

LONG_WORDS = 3
"""A line of this many words (`text.word_count`: letters counted as words in Chinese, Japanese, Thai) counts on
its own; a shorter one only in a run with its neighbour."""
OPENING = "\x01"
"""Marks a unit that covers the line a text opens with, counted as such beside its own (see `boilerplate_lines`)."""
HEADLINES = TickerRule.model_construct(id="repeated", kind="ticker", description="headlines of the day",
                                       min_line_chars=40, min_segments=2)
"""The `ticker` kind read loosely (two segments, 40 characters): where headlines of the day are looked for."""

TRUNCATE_LIST = {"max_prose_lines": 1, "prose_words": 16}
"""What a related list holds after its heading, as the shipped generic.related-list reads it: prose is 16 words or
more (a teaser headline of 12 to 15 words ending in "?" is a teaser), and one such line, the kind's default (a site's
headlines run longer: a list holding one of 12 words was no list, and its marker was suggested as a `line` rule)."""
RELATED_LIST = TruncateRule.model_construct(id="repeated", kind="truncate", markers=("-",), **TRUNCATE_LIST)
"""The judge of a list after a line (`section_headings`), and of the text a suggested `truncate` rule needs before its
marker (`suggest._After`)."""

def _headlines(line: str, timeout: float) -> list[str]:
    """The headline segments of a ticker-like `line` (none when its scan outlasts `timeout`: a line
    that takes that long is not counted, as the rule engine skips a rule that does)."""
    try:
        return HEADLINES.segments(line, timeout) or []
    except TimeoutError:
        return []


LABEL = re.compile(r".*:\s+(?=\S)")
"""What a headline's key leaves out: all up to its last colon and the spaces after it (a ticker's label)."""


def headline_key(headline: str) -> str | None:
    """The `line_key` of a headline without what `LABEL` matches: a ticker's label ("À la une : ") sticks to its
    first headline, which then matched the same headline nowhere else, and the ticker stayed on some pages."""
    label = LABEL.match(headline)
    return line_key(headline[label.end() :] if label else headline)


QUOTATION = re.compile(r'“[^”\n]*”|«[^»\n]*»|"[^"\n]*"|„[^“”\n]*[“”]')
"""A pair of quotation marks and what they hold (`is_quotation`)."""
QUOTED_WORDS = 4
"""A pair of quotation marks inside a line holding this many words makes it a quotation."""


def is_quotation(line: str) -> bool:
    """Whether `line` holds a quotation: it opens with a quotation mark and holds its closing one, or a pair of them
    holds `QUOTED_WORDS` words or more. Such a line is article text a running story repeats (a president's words in
    100 of 300 pages went as boilerplate), never learned; menus and footers do not quote."""
    start = len(line) - len(line.lstrip())
    return any(m.start() == start or word_count(m.group()[1:-1]) >= QUOTED_WORDS for m in QUOTATION.finditer(line))


def learning_keys(view: View) -> list[str | None]:
    """The `line_key` of each line of `view` as learning reads them: a line that holds a quotation (`is_quotation`)
    has none, as a line too long for one: never boilerplate, and it breaks runs."""
    return [None if key and is_quotation(line.text) else key for key, line in zip(view.keys, view.lines)]


def unit_hash(source: str, unit: str) -> int:
    """The signed 64-bit key of a unit of `source` (the source's own key when `unit` is empty)."""
    digest = blake2b(f"{source}\x00{unit}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


TEMPLATE_SHARE = 0.5
"""The least share of its source's documents a learned unit is in to be a template's (`learned_units`): a line of it
that reads as a section heading goes all the same (`section_headings`). cafaitgenre.org's "Pour aller plus loin" is
on 5 of its 16 pages; a theme's "Laisser un commentaire" over the comments is on nearly all."""


def template_hash(key: int) -> int:
    """The key that marks the learned unit key `key` as a template's (`TEMPLATE_SHARE`)."""
    return unit_hash("\x03", str(key))


def learned_units(frequent: dict[int, tuple[int, int]]) -> frozenset[int]:
    """What a run learned from the `frequent` units (`LineCounts.frequent`): their keys, and the `template_hash` of
    those in `TEMPLATE_SHARE` of their source's documents or more."""
    templates = (template_hash(key) for key, (docs, total) in frequent.items() if docs >= TEMPLATE_SHARE * total)
    return frozenset([*frequent, *templates])


def units(keys: list[str | None]) -> Iterator[tuple[str, tuple[int, ...]]]:
    """(unit, the line indexes it covers) of a text given as the `line_key` of each of its lines."""
    previous = None
    for i, key in enumerate(keys):
        if key is None:  # an over-long line: never boilerplate, and it breaks runs
            previous = None
            continue
        if not key:
            continue
        if word_count(key) >= LONG_WORDS:
            yield key, (i,)
        if previous is not None:
            yield f"{keys[previous]}\n{key}", (previous, i)
        previous = i


def document_hashes(source: str, text: str) -> set[int]:
    """The distinct unit keys a document of `source` adds to the counts."""
    return {unit_hash(source, unit) for unit, _ in units(learning_keys(View(text, [])))}


def line_hashes(source: str, text: str, clean: str) -> set[int]:
    """The unit keys of a counted text of `source` (`document_hashes`) and, as openings (`opening_hash`), the units
    that cover the line it opens with and the line its `clean` text opens with: a site's header that `shape` takes
    from its pages with prose opens their counted text, and is learned as the opening that goes from the pages
    without; a second header line that `shape` leaves opens their clean text, where the header's removal leaves it
    first."""
    return document_hashes(source, text) | opening_hash(source, text) | opening_hash(source, clean)


def opening_hash(source: str, text: str) -> set[int]:
    """The keys, as openings (`OPENING`), of the units that cover the line `text` opens with: that line when it
    counts on its own, and its pair with the line under it (a short first line, a menu's, counts only so)."""
    keys = learning_keys(View(text, []))
    first = next((i for i, key in enumerate(keys) if key is None or key), None)
    return {unit_hash(source, OPENING + unit) for unit, lines in units(keys) if lines[0] == first}


def day_source(source: str, published: str | None) -> str | None:
    """The counting source of `source`'s headlines on the day of `published` (None without a day)."""
    return f"{source}\x02{published}" if published and len(published) == 10 else None


def headline_hashes(day: str, raw: str, timeout: float = 1.0) -> set[int]:
    """The distinct keys of the headlines inside the ticker-like lines of a raw text."""
    out = set()
    for line in raw.split("\n"):
        for segment in _headlines(line, timeout):
            key = headline_key(segment)
            if key:
                out.add(unit_hash(day, key))
    return out


def rest_hash(source: str, text: str, shared: frozenset[int]) -> int:
    """The exact hash (`dedup.signature.exact_hash`) of the sentences of `text` (lines that `text.ends_sentence`)
    not covered by a unit of `source` in `shared`: pages that share only a template differ there; copies of an
    article, which may differ by a byline or a date (no sentence), do not."""
    view = View(text, [])
    gone = set(boilerplate_lines(source, learning_keys(view), shared))
    return exact_hash("\n".join(line.text for i, line in enumerate(view.lines)
                                 if i not in gone and ends_sentence(line.text)))


def counted_text(record: dict[str, Any], raw: str, skip: frozenset[str], whole_lines: bool = True) -> str:
    """The text of an output `record` (of raw text `raw`) without the edits of the rules in `skip`, nor, with
    `whole_lines`, those that take whole lines (`takes_whole_lines`), whatever their rule: a line a rule took from a
    page is still one of the page's lines (a footer `en.trailing-headline` took from 293 of 300 pages was learned from
    7, too few, and stayed there). Without, the lines the rules took stay out, as `rules suggest` reads a page: a rule
    is suggested for what the loaded rules leave."""
    edits = [Edit(**e) for e in record["edits"]]
    return replay(raw, [e for e in edits if e.rule not in skip
                        and not (whole_lines and takes_whole_lines(raw, e.start, e.end))])


def takes_whole_lines(raw: str, start: int, end: int) -> bool:
    """Whether the span `start`-`end` of `raw` shows some text and leaves nothing visible of the lines it holds text
    of (the line breaks at its ends set aside: a rule takes a footer with the blank lines above it)."""
    span = raw[start:end]
    first, last = start + len(span) - len(span.lstrip("\n")), end - len(span) + len(span.rstrip("\n"))
    if first >= last or blank(raw[first:last]):
        return False
    line_end = raw.find("\n", last)
    before, after = raw[raw.rfind("\n", 0, first) + 1 : first], raw[last : len(raw) if line_end < 0 else line_end]
    return blank(before) and blank(after)


def document_counts(source: str, published: str | None, text: str, raw: str, clean: str) -> list[tuple[str, set[int]]]:
    """What one document adds to `LineCounts`: (counting source, unit keys) for its counted `text` and its `clean`
    text (`line_hashes`), and, with a day, for the headlines of its raw text."""
    day = day_source(source, published)
    lines = line_hashes(source, text, clean)
    return [(source, lines)] + ([(day, headline_hashes(day, raw))] if day else [])


def title_line(source: str, keys: list[str | None], learned: frozenset[int]) -> int | None:
    """The index of the line that stands first under a site's header (the line a text opens with when a unit
    learned as an opening covers it, `OPENING`, and each line under it learned in a pair with the one above), or of
    the first non-blank line where no header opens the text: its own title (None when there is none)."""
    nonblank = [i for i, key in enumerate(keys) if key is None or key]
    if not nonblank or not any(unit_hash(source, OPENING + unit) in learned
                               for unit, lines in units(keys) if lines[0] == nonblank[0]):
        return nonblank[0] if nonblank else None
    for above, i in pairwise(nonblank):
        if keys[above] is None or keys[i] is None or unit_hash(source, f"{keys[above]}\n{keys[i]}") not in learned:
            return i
    return None


def boilerplate_lines(source: str, keys: list[str | None], learned: frozenset[int], texts: list[str] | None = None,
                      published: str | None = None, timeout: float = 1.0) -> list[int]:
    """The indexes of the lines covered by a unit of `source` in `learned`, in order; with the lines'
    `texts` and a `published` day, also the ticker lines and lists made of the day's headlines. The page's own title
    (`title_line`: the line a text opens with, or the first under a site's header) goes only in a unit learned as an
    opening (a site's header): a headline found in the lists of the day's stories of other pages is not, alone or
    with the headline under it (those lists hold the pair too). With `texts`, a section heading of the article stays
    (`section_headings`), unless a template's (`learned_units`: a theme's heading over the comments on every page)."""
    found: set[int] = set()
    templated: set[int] = set()  # the lines of units a template's (`learned_units`)
    nonblank = [i for i, key in enumerate(keys) if key is None or key]
    opening = title_line(source, keys, learned)
    for unit, lines in units(keys):
        if (key := unit_hash(source, unit)) in learned and (opening not in lines
                                                            or unit_hash(source, OPENING + unit) in learned):
            found.update(lines)
            if template_hash(key) in learned:
                templated.update(lines)
    day = day_source(source, published)
    if day and texts is not None:
        headline = [bool(key) and unit_hash(day, headline_key(text) or "") in learned for key, text in zip(keys, texts)]
        for i, text in enumerate(texts):
            segments = None if headline[i] else _headlines(text, timeout)
            hits = sum(unit_hash(day, headline_key(s) or "") in learned for s in segments or ())
            if segments and hits >= 0.8 * len(segments):
                found.add(i)  # a ticker of the day's headlines
                headline[i] = True
        # the title, a headline but no ticker, is the page's own, even with a teaser of the day's
        # headlines right under it: the two went as a list of them
        title = opening if opening not in found else None
        for a, b in pairwise(nonblank):
            if headline[a] and headline[b]:  # a list of them; a lone one may be the article's title
                found.update({a, b} - {title})
    if texts is not None:
        found -= section_headings(texts, nonblank, found, opening) - templated
    return sorted(found)


HEADING_WORDS = 8
"""A line of at most this many words that does not end like a sentence reads as a heading (`section_headings`)."""


def section_headings(texts: list[str], nonblank: list[int], found: set[int], opening: int | None) -> set[int]:
    """The lines of `found` that head a section of article text: each reads as a heading (`HEADING_WORDS` words at
    most, no sentence end), stands alone between two non-blank lines (`nonblank`) outside `found`, the article's
    text above it (not its title, `opening`) and a section under it that differs from page to page, and heads no list
    to the end (`RELATED_LIST`: a related list drawn from a pool). cafaitgenre.org's "Pour aller plus loin" over an
    article's own reading list (5 of its 16 pages) went as boilerplate; a heading over the same list or share links
    on each page still goes with them, and so does a learned list's last line over the article."""
    alone = [i for above, i, below in zip(nonblank, nonblank[1:], nonblank[2:])
             if i in found and above not in found and above != opening and below not in found
             and word_count(texts[i]) <= HEADING_WORDS and not ends_sentence(texts[i])]
    if not alone:
        return set()
    lists = RELATED_LIST._lists_after(View("\n".join(texts), []), 0)
    return {i for i in alone if not (lists[i] and len(nonblank) - bisect_right(nonblank, i) >= 2)}


class LineCounts:
    """Document frequencies of unit keys per source, exact, in bounded memory (see the module docstring).

    `db` is a SQLite connection in autocommit mode; the counts live in its `line_counts` table."""

    def __init__(self, db: sqlite3.Connection, max_keys: int = 200_000):
        if max_keys < 1:
            raise ValueError(f"max_keys={max_keys}: at least one counter must fit in memory")
        self._db, self.max_keys = db, max_keys
        self._buffer: Counter[tuple[int, int]] = Counter()
        db.execute("CREATE TABLE IF NOT EXISTS line_counts (src INTEGER NOT NULL, h INTEGER NOT NULL, "
                   "docs INTEGER NOT NULL, PRIMARY KEY (src, h))")

    def reset(self) -> None:
        """Forget every count."""
        self._buffer.clear()
        self._db.execute("DELETE FROM line_counts")

    def add(self, source: str, hashes: Iterable[int]) -> None:
        """Count one document of `source` holding the unit keys `hashes` (distinct)."""
        src = unit_hash(source, "")
        self._buffer[src, src] += 1
        for h in hashes:
            self._buffer[src, h] += 1
        if len(self._buffer) >= self.max_keys:
            self.spill()

    def spill(self) -> None:
        """Add the counters in memory to the table, in one transaction, and empty the dict."""
        if not self._buffer:
            return
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO line_counts VALUES (?, ?, ?) ON CONFLICT (src, h) DO UPDATE SET "
                             "docs = docs + excluded.docs", ((s, h, n) for (s, h), n in sorted(self._buffer.items())))
        self._db.execute("COMMIT")
        self._buffer.clear()

    def frequent(self, min_docs: int, min_share: float) -> dict[int, tuple[int, int]]:
        """Unit key → (documents holding it, documents of its source), for the units in at least
        `min_docs` documents of their source and at least `min_share` of them (their share is compared, not
        `min_share` times the count: 0.14 * 50 is 7.000000000000001, which 7 documents of 50 would miss)."""
        self.spill()
        rows = self._db.execute(
            "SELECT c.h, c.docs, s.docs FROM line_counts c JOIN line_counts s ON s.src = c.src AND s.h = c.src "
            "WHERE c.h != c.src AND c.docs >= ? AND CAST(c.docs AS REAL) / s.docs >= ? ORDER BY c.h", (min_docs, min_share))
        return {h: (docs, total) for h, docs, total in rows}
