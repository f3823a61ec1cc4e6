"""The HTML path: a page's main text and metadata with trafilatura, before the rule packs run.

`extract_html` is a pure function of the document (it runs in worker processes). Settings, chosen by
measurement on ../shared/dev/fr-pages.jsonl.gz (text only, one core, while choosing; `bench/bench_html.py`
reports the chosen settings): `fast=True` (no fallback extractors: 37.6 against 30.3 pages/s, the same
569 pages with text), `include_comments=False` (comment sections are not the article; 24 % faster),
`favor_precision=False` (precision mode drops 1.7 % of the text and 3 more pages; the rule packs take
what is left, attributed), no deduplication across documents (it would depend on order). The metadata trafilatura
finds goes to `meta["extracted"]` (see `EXTRACTED`; the date is the post's own marked `<time>` when it has one and the
metadata states no publication date, and none when it is the update's, `_date`; the title, the page's `<title>` or
`<h1>` when trafilatura's is only the site's name, `_title`), with the language and section the page states
(`STATED`), the lines of the text it marks as headings (`HEADINGS`) and the elements with text that the steps before
extraction dropped from it, pull quotes, pop-ups, captions, players, authors' bio boxes, comments, buttons and a
thread's replies (`DROPPED`); when the document has no URL, the page's canonical URL becomes its `url`, so `sources:`
scopes can match.

A page that is not read is rejected, with the document's url (or id) in the detail:

| reason | when |
|---|---|
| `bad_input` | binary content (a PDF served as a page), markup lxml cannot parse, or a page trafilatura cannot read (nested too deep for its recursion: `FLAT_LEVELS` is meant to leave none) |
| `stub_page` | a redirect, error, login or paywall page: a short page saying "Moved Permanently", "404", "Seite nicht gefunden" (`STUB_NOTICES`, by language), ...; or whose main text has such a notice as a line of its own ("Redirecting to", "x.wordpress.com is no longer available.", "Vous devez vous connecter pour continuer."), among its first `STUB_HEAD_LINES` lines when it is `STUB_MAX_CHARS` or longer; or shorter, under a title that is an HTTP error code ("404 | Glamour") |
| `empty_extraction` | trafilatura finds no main text, or a short one without a sentence (`_no_sentence`), before the rule packs clean it or after (`no_article`, which `pipeline.Pipeline` asks), or a listing the rule packs left one teaser of (`_listing_left`) |

A fragment (`<p>...</p>`, an article body exported without its page) is read as the body of a page;
markup that is no page and does not open with a tag (`<<<>>`, bare text) is `bad_input`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import cache, lru_cache, partial
from itertools import islice, zip_longest
from html.entities import name2codepoint
from typing import Any, NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit

import regex

from .config import Config
from .dates import DATE_PATTERN, LATEST, TIME_PATTERN, WEEKDAYS, given_date
from .given import DROPPED, HEADINGS, RIGHT_ALIGNED
from .io.decoding import TAG, not_html, repair
from .models import ARCHIVED, Cleaned, Document, Rejected, given_field, site_label, url_host
from .report import counted, summary_of
from .text import WORDS, blank, ends_sentence, line_key, unaccented

EXTRACTED = ("title", "author", "date", "sitename", "url", "description", "categories", "tags")
"""The keys `extract_html` may set in `meta["extracted"]` from trafilatura (its names; absent when not found)."""
STATED = ("language", "section")
"""The keys `extract_html` may set in `meta["extracted"]` from what the page states of itself and trafilatura does not
keep (`_stated`; absent when not stated)."""
DROPPED_MOST = 50
"""The most elements `DROPPED` lists a page (a warning says how many more went)."""
DROPPED_CHARS = 500
"""The most characters of an element's text `DROPPED` keeps (a longer one ends in "…"): a pull quote's or a player's
whole (`PULL_QUOTE_CHARS`, `PLAYER_CHARS`)."""

LATEST_PAGE_DATE = LATEST.isoformat()
"""The latest date a page's date may be (htmldate's `max_date`). trafilatura's default is the day of the run, in
the machine's time zone: the same page got another `published` on another day or in another zone (a date in the
page after the run's day was passed over for an older one). On fr-pages a fixed one changes no date."""


@lru_cache(maxsize=1)
def _date_params() -> dict[str, Any]:
    """trafilatura's date settings (`set_date_params`, as its config says), ending at `LATEST_PAGE_DATE`."""
    from trafilatura.settings import DEFAULT_CONFIG, set_date_params

    return {**set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH")), "max_date": LATEST_PAGE_DATE}


def _drop_year_guess(extracted: dict[str, Any], html: str, url: str | None) -> None:
    """Take out of `extracted` a date that is 1 January of a year htmldate's extensive search guessed from the years
    the page's text names (the most frequent one, "depuis 1952", "l'accord de Paris de 2015"): a page without a
    date got one its article quotes, and won the keep policy's "earliest published" with it. What a search of the
    page's markup and URL alone finds, if anything, stands instead (13 of the dates trafilatura gives the 595 fr-pages
    with HTML; one of them was a kept page's `published`)."""
    from htmldate import find_date

    if (marked := find_date(html, url=url, **{**_date_params(), "extensive_search": False})) != extracted["date"]:
        if marked:
            extracted["date"] = marked
        else:
            del extracted["date"]


def _date(tree: Any, extracted: dict[str, Any], html: str, url: str | None) -> None:
    """`extracted`'s date made the page's publication date. The publication date its metadata states stands (it is
    trafilatura's first choice); without one, the post's marked `<time>` wins (`_published`), and a date that is the
    page's update's and that no `<meta>` gives as a date (`_stated_dates`: htmldate falls back on
    `article:modified_time`, JSON-LD's `dateModified` or a "Last updated" `<time>`) is none, as an update stamp's is
    none in the text; else a year's guess goes (`_drop_year_guess`). Without a marked `<time>`, a date element of
    the article stands (`_article_date`). Then a page that states its publication's year alone (`_stated_year`) has
    no date of another year: checked last, so an update's date or a year's guess of that year still goes (a review)."""
    published, dated, updated = _stated_dates(tree)
    if not published and (marked := _published(tree) or _article_date(tree)):
        extracted["date"] = marked
    elif not dated and extracted.get("date") in updated:
        del extracted["date"]
    elif str(extracted.get("date", "")).endswith("-01-01"):
        _drop_year_guess(extracted, html, url)
    if not published and (year := _stated_year(tree)) and not str(extracted.get("date", "")).startswith(year):
        extracted.pop("date", None)


STUB_MAX_CHARS = 2000
"""Pages with less visible text than this are stub candidates: `STUB` is tried on their title and the
start of their text, before extraction."""

_REDIRECT_NOTICES = (r"moved (?:permanently|temporarily)|the document has moved|redirecting to|object moved"
                     r"|si votre navigateur n.est pas redirigé")
STUB_NOTICES = {
    "en": r"page not found|access denied|403 forbidden|service unavailable|bad gateway|gateway time-?out"
          r"|is no longer available|the authors have deleted this site|page can.t be found"
          r"|nothing was found at this location"
          r"|you must log in to continue|this page (?:doesn.t|does not) exist|we couldn.t find (?:that|this|the) page"
          r"|subscribe to continue reading|this article is for subscribers only",
    "fr": r"page introuvable|page non trouvée|cette page est introuvable|rien n.ai?t? été trouvé à cette adresse"
          r"|ce site est rendu privé par son propriétaire|vous devez vous connecter pour continuer"
          r"|informations de compte oubliées|cette page n.existe pas",
    "es": r"página no encontrada|no se (?:ha )?encontr(?:ó|ado) la página|esta página no existe|acceso denegado",
    "de": r"seite nicht gefunden|diese seite existiert (?:leider )?nicht|zugriff verweigert",
    "ar": r"الصفحة غير موجودة|الصفحة المطلوبة غير موجودة|لم يتم العثور على الصفحة|الصفحة غير متوفرة",
}
"""Error, login and paywall notices by language: English and French, Spanish and Arabic (rule packs' languages whose
sites' wording is known; a QA pass found their 404 pages kept as articles) and German (found so too). A notice is
what the page says when it holds no article; an article's line or title may quote one, which `_notice` tells apart.
`STUB` joins them to the HTTP error codes' shapes."""
STUB = re.compile(
    _REDIRECT_NOTICES + r"|\b(?:error|erreur)\s*:?\s*[345]\d\d\b|\b[345]\d\d\s*[-:–]\s*(?:error|erreur)\b"
    r"|\b404\b.{0,20}(?:not found|introuvable)|\bHTTP [345]\d\d\b|" + "|".join(STUB_NOTICES.values()),
    re.IGNORECASE,
)
_REDIRECT_NOTICE = re.compile(_REDIRECT_NOTICES, re.IGNORECASE)
"""The `STUB` phrases of a redirect notice, which names where it sends ("Redirecting to https://…")."""
STUB_PROSE_CHARS = 300
"""A page with at least this much visible text is a stub only by its title or first heading: past it, a
`STUB` phrase in its first words may be an article's ("Access denied: how the new visa rules hit students")."""
_TAG = re.compile(r"<[^>]*>")
_FRAGMENT = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*<[a-zA-Z][^<>]*>", re.DOTALL)
"""Markup that opens with a tag (after blanks and comments): read as a page's body when it is not a page."""
_REFRESH = re.compile(r"""\s*[\d.]+\s*[;,]?\s*(?:url\s*=\s*)?(?:(["'])(.*?)(?:\1|$)|(.*))""", re.IGNORECASE | re.DOTALL)
"""A meta refresh's `content`, as a browser reads it: a delay, then the URL it goes to, if any (`0; url=/b`,
`0;URL='/b'`, `5, /b`); a delay alone (`300`) reloads the page."""


def extract_html(doc: Document, config: Config) -> Document | Rejected:
    """The document with `text` set to the main text of its `html` and `meta["extracted"]` to the
    page's metadata (`html` is kept, for the run's raw records); or a rejection saying why there is no text."""
    where = _where(doc)
    html = doc.html or ""
    if not html.replace("\ufeff", "").strip():
        return _reject(doc, "empty_extraction", f"{where}: empty page")
    if problem := not_html(html):
        return _reject(doc, "bad_input", f"{where}: {problem}")
    from lxml.etree import LxmlError  # lxml and trafilatura (~25 MB): imported by the processes that meet HTML

    try:
        tree, flat = _load(html, config.max_html_elements)
        if tree is not None and (elements := sum(1 for _ in tree.iter())) > config.max_html_elements:
            return _reject(doc, "too_large", f"{where}: the page has {elements:,} HTML elements, over "
                                             f"max_html_elements={config.max_html_elements:,}")
        crowded = _as_shown(tree) if tree is not None else None
        stub = _stub(html, tree, doc.url)
        if stub:
            return _reject(doc, "stub_page", f"{where}: redirect or error page: {stub!r}")
        head_fixed: tuple[str, ...] = ()
        posted_by: str | None = None
        drops = _Drops(tree)
        if tree is not None:
            _unbased(tree)
            _first_og_url(tree)
            head_fixed = _repair_head(tree, where)
            _hidden_dropped(tree, drops)
            _comments_dropped(tree, drops)
            _classed_dropped(tree, drops)
            _buttons_dropped(tree, drops)
            _cards_dropped(tree, drops, doc.url)
            _heading_parts_spaced(tree)
            _spans_unclassed(tree)
            _embeds_unclassed(tree)
            _facebook_chrome_dropped(tree, drops)
            posted_by = _thread_kept(tree, drops)
            _link_paragraphs_unlinked(tree, doc.url)
            _articles_joined(tree)
        found = tree is not None and _extracted(tree, doc.url, drops)
    except (LxmlError, ValueError) as exc:
        return _reject(doc, "bad_input", f"{where}: HTML not parsed: {exc}")
    except RecursionError as exc:  # FLAT_LEVELS is meant to leave none: the page was parsed, and is not read
        return _reject(doc, "bad_input", f"{where}: HTML parsed but not read: its elements nest too deep for "
                                         f"trafilatura, which reads some by recursion ({exc})")
    if tree is None:
        return _reject(doc, "bad_input", f"{where}: HTML not parsed: neither a page nor a fragment that opens with a "
                                         f"tag (starts {html.lstrip()[:12]!r})")
    shown = _led(tree, _blocks_parted(tree, _unglued(tree, _inline_joined(tree, found.text)))) if found else ""
    text, warnings = repair(shown, where)
    if blank(text):  # as a text read is, white space and invisible characters alone
        return _reject(doc, "empty_extraction", f"{where}: trafilatura found no main text in {len(html):,} characters "
                                                f"of HTML")
    if len(text) > config.max_doc_chars:
        detail = f"{where}: extracted text is {len(text):,} characters, over max_doc_chars={config.max_doc_chars:,}"
        return _reject(doc, "too_large", detail)
    notice = _notice_line(text) or _error_title(tree, text)
    if notice:
        return _reject(doc, "stub_page", f"{where}: redirect or error page: {notice!r}")
    if _no_sentence(text):
        detail = f"{where}: trafilatura's main text has no sentence: {' '.join(text.split())[:120]!r}"
        return _reject(doc, "empty_extraction", detail)
    extracted, fixed = _metadata({**{key: getattr(found, key, None) for key in EXTRACTED}, **_stated(tree)}, where)
    if cased := _sitename_as_written(tree, extracted.get("sitename")):
        extracted["sitename"] = cased
    if unmarked := _unmarked_title(tree, extracted.get("title")):
        extracted["title"] = unmarked
    head = cache(partial(_head_metadata, tree))  # read once a page, if at all
    if author := (_author(tree, extracted, text, head) if posted_by is None
                  else _account_author(posted_by, extracted)):
        extracted["author"] = author
    if not page_title(extracted.get("title", ""), extracted.get("sitename")) and (title := _title(tree, extracted)):
        extracted["title"] = title
    elif whole := _uncut_title(tree, extracted, doc.url, head):
        extracted["title"] = whole
    if unsited := _publisher_unsited(tree, extracted, doc.url or extracted.get("url")):
        extracted["title"] = unsited
    if unsuffixed := _unsuffixed(tree, extracted):
        extracted["title"] = unsuffixed
    _date(tree, extracted, html, doc.url)
    if headings := _headings(tree, text):
        extracted[HEADINGS] = headings
    if aligned := _right_aligned(tree, text):
        extracted[RIGHT_ALIGNED] = aligned
    if drops.found:
        extracted[DROPPED] = drops.listed()
    notes = tuple(f"{where}: {note}" for note in (flat, crowded, drops.unlisted()) if note)
    meta, kept = _with_page_metadata(doc.meta, extracted, where)
    warnings += head_fixed + fixed + notes + _collapsed(tree, text, where) + kept
    update: dict[str, Any] = {"text": text, "meta": meta, "warnings": doc.warnings + warnings}
    if not doc.url and extracted.get("url"):
        update["url"] = extracted["url"]
    return doc.model_copy(update=update)


RECORD_EXTRACTED = "record_extracted"
"""Where `extract_html` keeps a page record's own `extracted` field that is not the page's metadata, which
`meta["extracted"]` holds (`record_extracted_2`, ... when the record has that key too)."""


def _with_page_metadata(meta: dict[str, Any], extracted: dict[str, Any], where: str,
                        ) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`meta` with the page's metadata as `extracted`, and a warning when the record's own `extracted`, another,
    is kept under `RECORD_EXTRACTED` (it was replaced without a word, found by a QA pass); one equal to the page's
    (a record of the page read again) is the page's."""
    own = meta.get("extracted", extracted)
    if own == extracted:
        return {**meta, "extracted": extracted}, ()
    keys = (RECORD_EXTRACTED, *(f"{RECORD_EXTRACTED}_{n}" for n in range(2, len(meta) + 2)))
    key = next(key for key in keys if key not in meta)
    return {**meta, key: own, "extracted": extracted}, (
        f"{where}: meta: the record's own 'extracted' is kept as {key!r}: 'extracted' holds the page's metadata",)


def _extracted(tree: Any, url: str | None, drops: _Drops) -> Any:
    """trafilatura's reading of the page (its `Document`, or None), with the format characters it dropped put back
    (`_shielded`) in the main text and the metadata of `EXTRACTED`; the `drops` it would have discarded anyway listed
    where its last resort would have read them (`_last_resort_reads`, told on the page as it read it)."""
    import trafilatura

    with _shielded(tree) as back:
        found = trafilatura.bare_extraction(
            tree, url=url, fast=True, include_comments=False, with_metadata=True, deduplicate=False,
            date_extraction_params=_date_params(),
        )
        if drops.anyway and found is not None:
            drops.list_anyway(_last_resort_reads(tree, found.body, drops.anyway))
    for key in ("text", *EXTRACTED) if found and back else ():
        setattr(found, key, _unshielded(getattr(found, key, None), back))
    return found


def _last_resort_reads(tree: Any, body: Any, apart: list[_Apart]) -> list[_Apart]:
    """The drops of `apart`, which trafilatura discards anyway, whose text it would have held all the same: it fell
    back to its last resort (`body` is what `_last_resort` makes of the page), which discards none of them, and the
    last resort of the page with them put back (copies, last in the parents they went from) reads a line of theirs.
    A body of another shape than the last resort's bare `<p>` elements is told at once (fr-pages: 30 of the 267 pages
    with such drops are tried, 8 fell back, 0.5 s in all). On Al Jazeera America's page (fr-pages 390), the five
    teasers' titles and an outdated browser's warning would have been in the text; its share bar's "Share This:", its
    newsletter's "Please enter a valid email address!" and a hidden caption would not. A main text that is, word for
    word, what the last resort makes of the page is taken for it (one fr-pages page, 362, with no such drop)."""
    if not all(p.tag == "p" and not p.attrib and not len(p) and not p.tail for p in body):
        return []
    paragraphs = _last_resort(tree)
    if paragraphs != [p.text for p in body]:
        return []
    page = deepcopy(tree)
    twins = dict(zip(tree.iter(), page.iter()))
    for drop in apart:
        if drop.parent in twins:
            twins[drop.parent].append(back := deepcopy(drop.element))
            back.tail = None
    gained = set(Counter(_lines(_last_resort(page))) - Counter(_lines(paragraphs)))
    texts = [" ".join(_element_text(drop.element).split()) for drop in apart]
    searched = ([line for line in gained if len(line) >= SEARCHED_LINE] if len(texts) * len(gained) <= SEARCHED_PAIRS
                else [])
    return [drop for drop, text in zip(apart, texts)
            if text and (text in gained or any(line in text for line in searched))]


SEARCHED_LINE = 20
"""The shortest line `_last_resort_reads` looks for inside a drop's text (a shorter one must be the whole of it): a
hidden "Partager" read by the last resort marked as read every drop holding the word ("Partager ce commentaire avec
vos amis", hidden in a comment section the last resort discards; a review)."""
SEARCHED_PAIRS = 250_000
"""The most (drop, line) pairs `_last_resort_reads` looks a line for inside a drop's text; past it, a drop is told
read when a line is the whole of its text: each pair was searched, 16 s for 8,000 hidden drops of a page that fell back
(a review); now at most ~0.1 s."""


def _last_resort(tree: Any) -> list[str]:
    """The paragraphs trafilatura's last resort (`baseline`) makes of the page, which it takes when its main extraction
    finds too little: the page as its cascade hands it over (its raw tree's prunes, and its comments' but on a forum's
    thread), and nothing of what `OVERALL_DISCARD_XPATH` matches discarded (`_discarded_parts`)."""
    from trafilatura.baseline import baseline
    from trafilatura.core import _forum_thread_page
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

    page = prune_unwanted_nodes(deepcopy(tree), RAW_TREE_PRUNE_XPATH)
    if not _forum_thread_page(tree):
        page = prune_unwanted_nodes(page, REMOVE_COMMENTS_AND_LISTS_XPATH)
    return [p.text for p in baseline(page)[0]]


def _lines(paragraphs: list[str]) -> Iterator[str]:
    """The lines of `paragraphs` that hold more than whitespace, each with its runs of whitespace one space."""
    return (" ".join(line.split()) for paragraph in paragraphs for line in paragraph.split("\n") if line.strip())


def _unshielded(value: Any, back: dict[int, str]) -> Any:
    """`value` (a text, a list of them, or another value) with the format characters `back` puts back, without the
    lines then blank (`blank`: a page's `<p>&#8203;</p>`), which trafilatura drops once it has dropped the characters;
    None for a text that is such a line alone."""
    if isinstance(value, list):
        return [item for item in (_unshielded(item, back) for item in value) if item is not None]
    if not isinstance(value, str):
        return value
    return "\n".join(line for line in value.translate(back).split("\n") if not blank(line)) or None


SHIELDS = "".join(map(chr, range(0x2801, 0x2900)))
"""What stands for a page's format characters while trafilatura reads it (`_shielded`): Braille patterns, printable
(trafilatura keeps them), one character each as the one they stand for (its measures of text length stay), and no
letter, digit, space or punctuation, as that one is none (its tests of those answer the same); NFC leaves them."""
_SHIELDED = regex.compile(r"[\p{Cf}\u2801-\u28ff]")
"""A format character (`\\p{Cf}`), or one of `SHIELDS` a page holds."""


@contextmanager
def _shielded(tree: Any) -> Iterator[dict[int, str]]:
    """The page, while the block runs, with each format character of its text and `<meta content>` (ZERO WIDTH JOINER
    and NON-JOINER, direction marks, soft hyphens, zero-width spaces, U+FEFF...) one of `SHIELDS` that the page does not
    hold, a distinct one for each while they last (a page holding nearly all 255 loses the format characters past
    them, as every page did before); and the table that puts them back (`str.translate`), empty when it holds none.
    trafilatura drops every character that is not printable (`remove_control_characters`), and the main text of a
    Persian page wrote "می\\u200cخواهم" as "میخواهم", a word misspelled; an emoji family came out
    four emoji, and a right-to-left mark went from an Arabic quote in a French line. A text keeps them, and so does a
    page's now; U+FEFF is then removed and flagged by `repair`, as in a text."""
    held = [(element, key, value) for element in tree.iter()
            for key, value in (("text", element.text), ("tail", element.tail),
                               ("content", element.get("content") if element.tag == "meta" else None))
            if value and _SHIELDED.search(value)]
    found = {char for _, _, value in held for char in _SHIELDED.findall(value)}
    free = (shield for shield in SHIELDS if shield not in found)
    shields = str.maketrans(dict(zip(sorted(found.difference(SHIELDS)), free)))
    for element, key, value in held if shields else ():
        _put(element, key, value.translate(shields))
    try:
        yield {ord(shield): chr(char) for char, shield in shields.items()}
    finally:
        for element, key, value in held if shields else ():
            _put(element, key, value)


def _put(element: Any, key: str, value: str) -> None:
    """Set an element's `text`, `tail` or attribute `key` to `value`."""
    if key in ("text", "tail"):
        setattr(element, key, value)
    else:
        element.set(key, value)


_SPACE_BEFORE_MARK = re.compile(r" (?=[.,)])")
"""A space that joining an element's text pieces put before a period, comma or closing parenthesis
(`<a>here</a>.`): the pieces are joined with spaces so that blocks stay apart ("Moved Permanently The
document has moved here.", not "…PermanentlyThe document…")."""


FLAT_LEVELS = 256
"""How deep a page's elements nest as cleaner reads them (libxml2's own limit): an element deeper is set beside the one
before it at this level, its text kept in order (`_Flattening`). trafilatura reads some elements by recursion, two
calls a level for `<del>` in a list item, and a page of `<ol><li>` 600 deep (1,200 levels) passed Python's recursion
limit (1,000 calls): the whole page was rejected. 256 levels leave half the limit to spare."""


def _load(html: str, most: int) -> tuple[Any, str | None]:
    """The page's tree as trafilatura parses it (markup that opens with a tag but is no page, as a page's
    body: trafilatura refuses markup without "html" in its start that parses to one element), and a warning when
    its elements nest over `FLAT_LEVELS` deep, if they do. libxml2 stops at 256 levels of nesting and drops what
    lies deeper in silence (600 unclosed `<font>` paragraphs gave 253; 300 nested `<div>`, no text): a page it
    stopped on is parsed again into a tree built as `_Flattening` says, which libxml2 sets no limit on (with
    `huge_tree`, it stopped at 2,048 levels, and what followed the deep part was lost too, shallow or not). That tree
    is built no further than the element past `most`, which makes the page `too_large` (`max_html_elements`): built
    whole first, 3,900,000 nested `<div>` (20 MB of HTML) took 16.5 s and 721 MB to be rejected (a review)."""
    import trafilatura
    from trafilatura.utils import HTML_PARSER

    tree = trafilatura.load_html(html) if TAG.search(html) else None  # bare text is no page
    if tree is None and _FRAGMENT.match(html):
        html = f"<html><body>{html}</body></html>"
        tree = trafilatura.load_html(html)
    if tree is None:
        return None, None
    if not _stopped(HTML_PARSER):
        _strays_joined(tree, list(tree.itersiblings()))
        return tree, None
    from lxml.html import HTMLParser, fromstring

    flattening = _Flattening(most)
    deep = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                      remove_pis=True, huge_tree=True, target=flattening)  # trafilatura's parser, with huge_tree
    try:
        tree = fromstring(html.encode("utf-8", "surrogatepass"), parser=deep)
    except _TooMany:  # its tree, of one element too many, is rejected as a page parsed whole would be
        tree = flattening.cut
    return tree, flattening.said()


SECOND_PAGE = "boolean(head[title or meta])"
"""A stray `<html>` that is a page of its own (an XPath test): its `<head>` names it (`<title>`, `<meta>`). A second
document written after the first (an article page followed by `<html><head><title>Erreur 404…`) is no leftover of an
include, and joined, its article was read as the page's or after it (a review); an include's content after its
`</body></html>` comes with no `<head>`."""


def _strays_joined(tree: Any, strays: list[Any]) -> None:
    """Put what follows the page's `</html>` in its `<body>`, as a browser does: libxml2 puts it in a second `<html>`
    (one of `strays`, beside the page's in its tree; `_Flattening` gives it as one too), which trafilatura does not
    read, and an article after a stray `</html>` (a header include's `</body></html>`) was lost, its page's text the
    header's menu (a QA pass). A stray's `<head>` and `<body>` are taken apart there, their content kept in order; one
    holding nothing but blanks (the line break after `</html>`) is left, and so is another page (`SECOND_PAGE`); a
    page without a `<body>` gets none. Their content is added at once: dropping each stray's tags, which lxml does by
    seeking its place in the `<body>` that grows, took a time that grew as the square of them (20,000 took 5.6 s, a
    review)."""
    joined = [stray for stray in strays if (len(stray) or not blank(stray.text or "")) and not stray.xpath(SECOND_PAGE)]
    if not joined:
        return
    body = tree.find("body")
    if body is None:
        body = tree.makeelement("body")
        tree.append(body)
    kept: list[Any] = []
    last = body[-1] if len(body) else None
    texts = [(last, [(body.text if last is None else last.tail) or ""])]  # each element ending and the text after it
    for piece in (piece for stray in joined for piece in _taken_apart(stray)):
        if piece is None or isinstance(piece, str):
            texts[-1][1].append(piece or "")
        else:
            kept.append(piece)
            texts.append((piece, [piece.tail or ""]))
    body.extend(kept)
    _texts_set(body, texts)
    body.makeelement("html").extend(joined)  # out of the document, emptied, as dropping their tags took them


def _taken_apart(stray: Any) -> Iterator[Any]:
    """What a stray `<html>` holds, in order, its `<head>` and `<body>` taken apart: its texts (None for none; a stray
    comment's is not shown), and its elements, each with its tail."""
    yield stray.text if isinstance(stray.tag, str) else None
    for child in stray:
        if child.tag in ("head", "body"):
            yield child.text
            yield from child
            yield child.tail
        else:
            yield child
    yield stray.tail


TABLE_PARTS = frozenset({"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"})
"""The elements of a table, which `_Flattening` makes `<div>`s out of it: set beside the one before, a `<td>` is no
table's cell (in a `<td>`, trafilatura dropped it, and the text of 300 nested tables with it)."""


_LXML_NAME = re.compile(r"[^&<>/\"'{}\s\x00-\x1f\ud800-\udfff\ufffe\uffff]+")
"""A tag's or an attribute's name that lxml's API makes (libxml2's parser makes others: `<a<`, `<p bad"attr=1>`)."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""A character lxml's API puts in no text (libxml2's parser does): control characters, which trafilatura drops, and
those XML has not."""


class _TooMany(Exception):
    """`_Flattening` built an element past the most it may (`_load`)."""


class _Flattening:
    """An lxml parser target that builds the page's tree as libxml2 does, but for elements that would nest over
    `FLAT_LEVELS` deep: each is set at that level, after the one before it there, which it closes (Chrome's way), so
    that what it holds and what follows it, at any depth, keep their places in the text. Built in Python, the tree
    takes twice libxml2's time (0.8 s for 100,000 elements): only a page libxml2 stopped on is built so. lxml's API
    makes no element of a name it refuses, nor puts control characters in a text (`_LXML_NAME`, `_NOT_XML`), where
    libxml2 does: such an element's text goes to the one holding it, and the characters go. What follows the page's
    `</html>` (a script, "Page générée en 0.02 s", what follows a stray `</html>`) libxml2 puts in a second `<html>`,
    beside the first in its tree; a tree builder holds one root, and gave the last (a review: the page's text was
    lost), then the first with the second's content in it (another: a deep page kept text a shallow one dropped). It
    is built in an `<html>` of its own at the root's end (`strays`), which `_strays_joined` puts in the page's
    `<body>`, as it does a shallow page's second root: the `<html>` and `<body>` that open it are none, its `<head>` is
    kept, which tells another page (`SECOND_PAGE`)."""

    def __init__(self, most: int) -> None:
        from lxml.etree import TreeBuilder
        from lxml.html import HTMLParser

        self.builder = TreeBuilder(parser=HTMLParser())  # lxml.html's elements, as a parsed page's
        self.most, self.built = most, 0  # how many elements the tree may hold, and holds
        self.cut: Any = None  # the tree, once it holds one element more (`_TooMany`)
        self.open: list[str | None] = []  # the page's open elements' tags, None for one closed at the level already
        self.depth = 0  # how many of them are open in the tree
        self.level = 0  # where the one open in the tree at the level is in `open`, when one is
        self.flat: Counter[str] = Counter()  # the tags of the elements set at the level, not in the one before
        self.strays: Any = None  # where what follows the root's end is built, once it ended

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if not _LXML_NAME.fullmatch(tag) or (self.strays is not None and tag in ("html", "body")):
            self.open.append(None)  # one lxml's API makes none of (`<a<`), or a second root's: what it holds stays
            return
        if self.depth == FLAT_LEVELS:
            self.builder.end(self.open[self.level])
            self.open[self.level], self.depth = None, self.depth - 1
            self.flat[tag] += 1
            tag = "div" if tag in TABLE_PARTS else tag  # a table's part out of its table, a block
        element = self.builder.start(tag, {name: _NOT_XML.sub("", value) for name, value in attrib.items()
                                           if _LXML_NAME.fullmatch(name)})
        self.open.append(tag)
        self.depth += 1
        self.level = len(self.open) - 1
        self.built += 1
        if self.built > self.most:
            self.cut = element.getroottree().getroot()
            raise _TooMany

    def end(self, tag: str) -> None:
        built = self.open.pop()
        if built and self.open:  # the root is closed at the end (`close`)
            self.builder.end(built)
            self.depth -= 1
        elif built:  # the root's end: what follows goes in `strays`, at the level of its `<body>`
            self.strays = self.builder.start("html", {})
            self.depth += 1

    def data(self, data: str) -> None:
        if self.open:  # not the blanks between the roots, which libxml2 puts in neither
            self.builder.data(_NOT_XML.sub("", data))

    def close(self) -> Any:
        if self.cut is not None:  # lxml closes a target an exception stopped too: its tree stays as it was cut
            return self.cut
        for _ in range(self.depth):  # the root and `strays`, both `<html>`
            self.builder.end("html")
        tree = self.builder.close()
        if self.strays is not None:  # the root's last element
            tree.remove(self.strays)
            _strays_joined(tree, [self.strays])
        return tree

    def said(self) -> str | None:
        """The warning that the page's elements were set so, naming the kinds most often; None when none was."""
        if not self.flat:
            return None
        kinds = ", ".join(f"<{tag}>" for tag, _ in self.flat.most_common(3))
        return (f"HTML nested over {FLAT_LEVELS:,} levels deep: the {self.flat.total():,} elements deeper ({kinds}"
                f"{', ...' if len(self.flat) > 3 else ''}) are set side by side at that level, their text kept")


_SOURCE_LINE = re.compile(r"[^\S\n]*\n\s*")
"""A line break in the page's source, with the blanks around it."""


def _as_shown(tree: Any) -> str | None:
    """The page's text as a browser shows it. An `<iframe>`'s content is none: it is markup for browsers without
    frames, which the parser keeps as text ("<p><p>Le gouvernement…" came out as the main text). A `<template>`'s is
    none either: markup a script copies into the page, never shown as it is ("{{ story.title }}"; trafilatura keeps
    its text in the article as it keeps a `<font>`'s, or its last resort drops it); but a declarative shadow root's is
    (`shadowrootmode`, the older `shadowroot`): a browser shows it as its element's content (a web component's
    article). Each line break in the text is one space (HTML whitespace is one space; a `<br>` is the line break),
    except in `<pre>`, `<textarea>`, scripts and styles: trafilatura folds them in a `<p>`'s own text but keeps them in
    an inline element's (`<a>En\\nmai dernier</a>`, `<i>Une\\nsalope`, a Word export's `<span>`), which split sentences
    over lines of the main text, read "a paragraph a line". The warning of `_uncrowded`, if any."""
    for iframe in tree.iter("iframe"):
        iframe.text = None
    for template in tree.xpath("//template[not(@shadowrootmode or @shadowroot)]"):
        template.clear(keep_tail=True)
    for text in tree.xpath("//text()[contains(., '\n')][not(ancestor::pre or ancestor::textarea or ancestor::script"
                           " or ancestor::style)]"):
        folded, parent = _SOURCE_LINE.sub(" ", text), text.getparent()
        if text.is_tail:
            parent.tail = folded
        else:
            parent.text = folded
    _paragraphs_closed(tree)
    _untabled(tree)
    _inline_shown(tree)
    crowded = _uncrowded(tree)
    _divs_as_paragraphs(tree)  # after: a crowd's thousands of inline elements are walked no more
    return crowded


CROWD = 1_000
"""How many `CROWDING` elements side by side in one element are read as they are. trafilatura's and htmldate's searches
of the text in elements (`//p//text()`) and trafilatura's removal of elements one by one (each adds its tail to the text
before it, which grows) take a time that grows as the square of them: a `<p>` of 24,000 `<span>x</span>` took 33 s,
20,000 `<time>` 56 s, and `max_html_elements` does not bound it (a `<pre>` of code highlighted token by token holds
thousands). fr-pages's most crowded element holds 99 (and 240 inline elements with `<style>`s)."""
CROWDING = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "nobr", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var"})
"""Inline elements that only format or link the text they hold, which a browser shows in its line as it is (a
`<label>`, a `<q>`... are made `<span>`s before, `_inline_shown`), and `<time>`, which that makes empty (its text is
in a `<span>` before it): in a crowd, its date goes."""


def _uncrowded(tree: Any) -> str | None:
    """The page with the tags of the `CROWDING` elements dropped, their text and what they hold left in place (a
    `<time>`'s date goes), in each element holding over `CROWD` of them side by side; and a warning naming the most
    crowded, when one is. Such elements are listed first: lxml's `iter()` holds the next element, a crowded one's
    first child, before `_uncrowd` moves it, and ended there (a review: a second crowded `<p>` kept its tags, and its
    20,000 `<span>`s took 34 s)."""
    crowded: dict[Any, int] = {}
    for parent in [element for element in tree.iter() if len(element) > CROWD]:
        while len(parent) > CROWD and (count := sum(child.tag in CROWDING for child in parent)) > CROWD:
            crowded[parent] = max(count, crowded.get(parent, 0))
            _uncrowd(parent)  # again, for those its children held (`<b><span>x</span></b>`)
    if not crowded:
        return None
    parent, count = max(crowded.items(), key=lambda found: found[1])
    others = f" (in {counted(len(crowded) - 1, 'other element')} too)" if len(crowded) > 1 else ""
    return (f"<{parent.tag}> holds {count:,} inline elements side by side, over {CROWD:,}: their tags are dropped, "
            f"their text kept{others}")


def _uncrowd(parent: Any) -> None:
    """`parent` with the tags of its `CROWDING` children dropped, in one pass (lxml's `drop_tag` seeks each child's
    place and adds its text to the text before it, which grows: each costs as much as the children and text before)."""
    kept: list[Any] = []
    texts: list[tuple[Any, list[str]]] = [(None, [parent.text or ""])]  # each kept child and the text after it
    for child in list(parent):
        if child.tag not in CROWDING:
            kept.append(child)
            texts.append((child, [child.tail or ""]))
            continue
        texts[-1][1].append(child.text or "")
        if len(child):
            kept.extend(child)
            texts.append((child[-1], [child[-1].tail or ""]))
        texts[-1][1].append(child.tail or "")
    parent[:] = kept
    _texts_set(parent, texts)


def _texts_set(parent: Any, texts: list[tuple[Any, list[str]]]) -> None:
    """Set the text after each element of `texts` (its tail; None: `parent`'s own text) to its pieces joined."""
    for element, pieces in texts:
        if element is None:
            parent.text = "".join(pieces) or None
        else:
            element.tail = "".join(pieces) or None


def _inline_shown(tree: Any) -> None:
    """The page with the text of its inline elements that trafilatura drops or parts, as a browser shows it, in a
    `<span>`: a `<label>`'s and an `<output>`'s ("Read the and the of the before…"); a `<math>` formula trafilatura
    cannot write as TeX (`_tex`), whose text is the formula ("E=mc2"; its annotations, not shown, go); a `<q>` in a
    line ("He said we will win\nand left": trafilatura takes it for a block, which one between paragraphs, a pull
    quote, is); a `<button>` in a sentence, with words on both sides (one of a share bar, between others or at a line's
    end, is left to go); a `<time>`'s ("The council met on and voted…"), which keeps the element, emptied, for the
    page's date: its `datetime`, or its text as one (htmldate reads either the same way), or the day it shows where its
    `datetime` is that day's in UTC (`_shown_day`). An `<svg>`'s text is left
    out: an icon's or a chart's labels, drawn, no words of the line."""
    for element in list(tree.iter("label", "output", "q", "math", "button", "time")):
        if ((element.tag == "math" and _tex(element)) or (element.tag == "button" and not _in_sentence(element))
                or (element.tag == "q" and not _in_line(element))):
            continue
        if element.tag == "math":
            for annotation in element.xpath(".//*[starts-with(local-name(), 'annotation')]"):
                annotation.drop_tree()
        if element.tag != "time":
            element.tag = "span"
            continue
        if day := _shown_day(element):
            element.set("datetime", day)
        shown = element.makeelement("span")
        shown.text, element.text = element.text, None
        shown.extend(element)
        element.addprevious(shown)


_UTC_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt](\d\d):\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]00:?00)\Z")
"""A `datetime` that is a time in UTC (`2016-04-30T22:29:17Z`), its hour caught."""
ZONES = (-12, 14)
"""The least and the most hours the world's time zones are ahead of UTC: a time in UTC is the next day in one from
10:00 on (24 - 14), and the day before in one before 12:00."""


DATE_TEXT_CHARS = 200
"""The most an element shows that is read as a date (`_shown_day`, `_article_date`): a date `given_date` reads is at
most `GIVEN_MAX_CHARS` (64) after a weekday; a `<time>` or a date's `<div>` left open holds the rest of the page."""


def _shown_day(time: Any) -> str | None:
    """The `datetime` a `<time>` with text is given, or None where its own stands: its text when it has none, and the
    day its text shows (`dates.given_date`) when its own is a time in UTC (`_UTC_TIME`) a day from it, the page's day
    in its own time zone. fr-pages' `<time pubdate datetime="2016-04-30T22:29:17Z">
    dimanche 1er mai 2016</time>` dated a post of 1 May to 30 April (a QA pass). Only a UTC time is read so: a text
    is read as a date in 42 µs, and a page may hold thousands of `<time>`s. Its text is all it shows (`_element_text`,
    `<span>dimanche</span> 1er mai 2016`), none over `DATE_TEXT_CHARS`; a day a time zone cannot explain is none
    (`ZONES`: 03:00 on 30 April is 1 May nowhere, a review)."""
    stated = time.get("datetime")
    if stated is None:
        return _short_text(time, DATE_TEXT_CHARS) or None
    utc = _UTC_TIME.match(stated.strip())
    if not utc or not (shown := given_date(_short_text(time, DATE_TEXT_CHARS) or "")) or len(shown) != 10:
        return None
    day = given_date(stated)  # none for a day no calendar has: WordPress's empty `0000-00-00T00:00:00+00:00`
    shift = (dt.date.fromisoformat(shown) - dt.date.fromisoformat(day)).days if day else 0
    hour = int(utc[1])
    return shown if (shift == 1 and hour >= 24 - ZONES[1]) or (shift == -1 and hour < -ZONES[0]) else None


def _tex(math: Any) -> str:
    """The TeX that trafilatura writes a `<math>` formula as (`recover_math`), or "" where it drops the formula."""
    from trafilatura.htmlprocessing import TEX_ANNOTATION_XPATH

    annotation = TEX_ANNOTATION_XPATH(math)
    return ((annotation[0].text if annotation else math.get("alttext")) or "").strip()


def _in_sentence(element: Any) -> bool:
    """Whether an inline element has words on both sides in its block."""
    return all(any(c.isalnum() for c in side) for side in _sides(element))


def _in_line(element: Any) -> bool:
    """Whether an inline element has text beside it in its block, on either side: in a line, not one of its own."""
    return any(side.strip() for side in _sides(element))


def _sides(element: Any) -> tuple[str, str]:
    """The text just before an element in its parent and its tail."""
    previous = element.getprevious()
    return (element.getparent().text if previous is None else previous.tail) or "", element.tail or ""


def _paragraphs_closed(tree: Any) -> None:
    """The page with each `<p>` parted where a block that libxml2 put in it starts (`CLOSING_P`), as a browser closes
    a paragraph there: the block, then what follows it in the paragraph, in a `<p>` of its own. libxml2 nests them
    through an unclosed inline element (`<p><font>A<p>B`, an old page's layout; `<p>A <b>B<div>C`), and trafilatura
    gave a paragraph and all it holds as one line ("A B", "A BC"), or the block's text after the paragraphs that follow
    it. Moving the block alone left the text after it before it ("Intro A1. Fin" / "B1" / "A2 B2" of `<p>Intro <b>A1.
    <div>B1</div>A2<div>B2</div></b> Fin</p>`; a review). A block in a table cell or another block of the paragraph
    stays: a browser closes no paragraph there (it moved table cells' values out of their rows)."""
    for paragraph in list(tree.iter("p")):
        for block in reversed(_blocks_in_line(paragraph)):  # the last first: each piece after a block is moved once
            _parted(paragraph, block)


def _blocks_in_line(paragraph: Any) -> list[Any]:
    """The `CLOSING_P` elements in a `<p>` with inline elements alone between them, in document order."""
    found, pending = [], list(reversed(paragraph))
    while pending:
        element = pending.pop()
        if element.tag in CLOSING_P:
            found.append(element)
        elif isinstance(element.tag, str) and element.tag not in LINE_BREAKING:
            pending.extend(reversed(element))
    return found


def _parted(paragraph: Any, block: Any) -> None:
    """`paragraph` closed at `block`: the block after it, then a `<p>` (with `paragraph`'s attributes) of what follows
    the block in it, in copies of the inline elements that held it, as a browser reopens them (`<b>`, `<a>`); a
    `<span>` for one of a name lxml's API makes none of (`<a<b>`: the page was `bad_input` "Invalid tag name")."""
    rest, element, copies = None, block, 0
    while element is not paragraph:
        holder = element.getparent()
        tag = "p" if holder is paragraph else holder.tag if _LXML_NAME.fullmatch(holder.tag) else "span"
        copy = holder.makeelement(tag, holder.attrib)
        if rest is None:
            copy.text = element.tail
        else:
            copy.append(rest)
            rest.tail = element.tail
        element.tail = None
        copy.extend(list(element.itersiblings()))
        rest, element, copies = copy, holder, copies + 1
    paragraph.addnext(block)
    block.addnext(rest)
    rest.tail, paragraph.tail = paragraph.tail, None
    if not "".join(rest.itertext()).strip() and sum(1 for _ in rest.iter()) == copies:
        rest.drop_tree()  # nothing followed the block (its tail, the paragraph's, stays)


_CELLS = "./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th"
"""A table's own cells (in rows of its own, or of its `<thead>`, `<tbody>`, `<tfoot>`), not those of a table in them."""


def _untabled(tree: Any) -> None:
    """The page with its layout tables made blocks (`_laid_out`): where an old page sets its article
    (`<td><font><b>Title</b><br><p>…<p>…`) or a page a boxed quote. trafilatura gives a table a row a line, its cells
    between pipes ("| Title Paragraph 0 … Paragraph 1 … |"), which is no text a browser shows. The table, its rows and
    a cell holding blocks become `<div>`s, and a cell holding none a `<p>` (as a `<div>` of text beside the
    article's, trafilatura left it out). A data table is left as it is."""
    for table in list(tree.iter("table")):
        if not _laid_out(table, cells := table.xpath(_CELLS)):
            continue
        for element in (table, *table.xpath("./caption | ./thead | ./tbody | ./tfoot | ./tr | ./*/tr")):
            element.tag = "div"
        for cell in cells:
            cell.tag = "div" if any(e.tag in CLOSING_P or e.tag == "table" for e in cell.iterdescendants()) else "p"


def _laid_out(table: Any, cells: list[Any]) -> bool:
    """Whether a table sets a page's blocks: it has one cell, a cell holding two blocks or more (paragraphs, headings)
    and over half its text (an article beside a menu), or every cell with text holds two blocks or more, the others
    empty or images alone (a QA pass: six rows of an image beside an `<h3>` and a `<p>` were "|  | Ambitieuse =
    Ecrasante Cette une du Time… |"). A data table's cells hold a value or a paragraph each, or a note of two
    paragraphs among rows of values: with "a cell of two paragraphs" alone, such a table lost its rows (a review)."""
    if len(cells) < 2:
        return True
    sizes = [len("".join(cell.itertext()).strip()) for cell in cells]
    blocks = [sum(b.xpath("ancestor::table[1]")[0] is table for b in cell.iter(*TABLE_BLOCKS)) for cell in cells]
    return (any(2 * size > sum(sizes) and count > 1 for count, size in zip(blocks, sizes))
            or (any(sizes) and all(count > 1 for count, size in zip(blocks, sizes) if size)))


TABLE_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
"""The blocks a layout table's cell sets (`_laid_out`): paragraphs and headings."""


CLOSING_P = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
    "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "ul"})
"""The elements whose start closes an open `<p>` in a browser (HTML's parsing rules; not `<table>`, which a page in
quirks mode sets in the paragraph)."""


LINE_BREAKING = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary", "table",
    "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul"})
"""The elements a browser starts a line at and after (blocks, table cells, a `<br>`, a list's `<option>`s); the
others are inline (`<b>`, `<a>`, `<span>`, `<sup>`, `<time>`...), whose text goes on the line it is in."""


UNSHOWN = frozenset({"script", "style"})
"""The elements whose text a browser never shows: it runs or applies it (`_element_text`)."""


def _divs_as_paragraphs(tree: Any) -> None:
    """The page with the text of each `<div>` of its body that holds text and no block that does (`_text_divs`) in a
    `<p>` of the `<div>`, where such `<div>`s and `<p>`s side by side, two or more of them sentences, are a run of
    paragraphs (`_prose_run`). trafilatura reads a `<div>` only where the frame it chose has too little text in `<p>`s,
    and lost such paragraphs in silence otherwise, fast or not (four `<div class="prose-first">`, "Lately, Hollywood…",
    a Facebook note's `<div class="_1mf _1mj">` in a post; found by a QA pass). Its filters judge them then as
    paragraphs: one in a frame's element (menu, footer, share bar...) still goes. A `<div>` of a few words in the run
    is one too ("big bisous", a list's "- une interview…"): a blog written in `<div>`s, which trafilatura read whole,
    its sentences alone made `<p>`s, lost the others. One with no other beside it (a cookie notice beside its buttons,
    a caption, a login form's "Mot de passe oublié ?") is left as it was; and the `<div>` stays, for the metadata
    trafilatura seeks by its class (a byline's `<div class="entry-meta">`, whose author went when it was a `<p>`)."""
    runs: dict[Any, dict[Any, Any]] = {}  # a parent → its children that are or wrap a text `<div>` → that `<div>`
    for div in _text_divs(tree):
        block = _wrapped(div)
        runs.setdefault(block.getparent(), {})[block] = div
    for parent, blocks in runs.items():
        if _prose_run(parent, blocks):
            for div in blocks.values():
                paragraph = div.makeelement("p", {MADE_PARAGRAPH: ""})
                paragraph.text, div.text = div.text, None
                paragraph.extend(div)
                div.append(paragraph)


def _text_divs(tree: Any) -> list[Any]:
    """The `<div>`s of the page's body that hold a text of letters or digits and no block that holds one (a block
    being one of `DIV_BLOCKS`: a `<br>` is none), in order. A block without text may be in it: an empty `<div>`, as a
    Word export ends a paragraph, or a picture's after a Blogger post's paragraph (whose text was lost without it:
    trafilatura read the post's `<div>`s only while none was a `<p>`)."""
    body = tree.find(".//body")
    nearest: dict[Any, None] = {}  # the block nearest each text, in order
    for element in body.iter() if body is not None else ():
        shown = isinstance(element.tag, str) and element.tag not in UNSHOWN  # a comment's is not
        for holder, text in ((element, element.text if shown else None), (element.getparent(), element.tail)):
            if text and element is not body and _ALNUM.search(text):
                while holder.tag not in DIV_BLOCKS and holder is not body:
                    holder = holder.getparent()
                nearest[holder] = None
    holding: set[Any] = set()  # the elements holding one
    for block in nearest:
        for ancestor in block.iterancestors():
            if ancestor in holding:
                break
            holding.add(ancestor)
    return [block for block in nearest if block.tag == "div" and block not in holding]


MADE_PARAGRAPH = "data-cleaner-div"
"""The attribute of a `<p>` that `_divs_as_paragraphs` made of a `<div>`'s text: no heading of the page's (`HEADING`),
as a caption's `<div class="p1"><b>Photo prise en juin 2014 …</b></div>` would be (a review)."""
DIV_BLOCKS = LINE_BREAKING - {"br"}
"""The blocks a `<div>` of `_text_divs` holds none of with text: the elements a line breaks at, but a `<br>`, which a
paragraph holds."""
_ALNUM = re.compile(r"[^\W_]")
"""A letter or a digit."""


def _wrapped(div: Any) -> Any:
    """The outermost `<div>` that holds `div` and no other letter or digit (a wrapper, or a paragraph's block with a
    separator, "****"), or `div`."""
    while (parent := div.getparent()).tag == "div" and not any(_ALNUM.search(text) for text in _texts_beside(div)):
        div = parent
    return div


def _texts_beside(element: Any) -> Iterator[str]:
    """The texts `element`'s parent shows besides `element`'s own (`_shown_texts`): the parent's own, `element`'s tail,
    then each sibling's and its tail, nearest first. Walked as they are asked for: listing the parent's whole text for
    each `<div>` took a time that grew as the square of sibling `<div>`s (20,000 took 11.4 s, a review)."""
    yield element.getparent().text or ""
    yield element.tail or ""
    for pair in zip_longest(element.itersiblings(preceding=True), element.itersiblings()):
        for sibling in (sibling for sibling in pair if sibling is not None):
            yield from _shown_texts(sibling)
            yield sibling.tail or ""


def _prose_run(parent: Any, blocks: dict[Any, Any]) -> bool:
    """Whether `parent`'s `<p>` children and `blocks` (each with the text `<div>` it is or holds) are a run of
    paragraphs: two or more of them sentences (`has_sentence`), one a `<p>` of the page's or two of prose
    (`_prose_texts`). `<div>`s of sentences alone were a run: a footer's "Copyright © 2023 Le Journal. All rights
    reserved." and "Toute reproduction est interdite sans autorisation." were read into the text (a review)."""
    from .kinds.shapefeatures import has_sentence  # with the stoplists: loaded where the rule packs run

    texts = ((child in blocks, _element_text(blocks.get(child, child)))
             for child in parent if child in blocks or child.tag == "p")
    sentences = [(made, text) for made, text in texts if has_sentence(text)]
    return len(sentences) > 1 and (not all(made for made, _ in sentences)
                                   or _prose_texts(text for _, text in sentences))


def _inline_joined(tree: Any, text: str | None) -> str:
    """trafilatura's main text with the lines that only an inline element put apart joined, as a browser shows them.
    Where nothing gives text enough (a short page, broken markup, no `<article>`), trafilatura's last resort is the
    whole `<body>`'s text a text node a line, which `_as_shown` cannot fold: "Le gouvernement a\\nprésenté\\nson
    budget." of `<p>Le gouvernement a <b>présenté</b> son budget.</p>`. When each line is a whole text node of the page,
    in order (others, such as scripts', between them), two lines are joined unless a `LINE_BREAKING` element starts or
    ends between their nodes: with a space where the page has whitespace between them, else with none
    (`1<sup>er</sup>`). Other text (a paragraph of several text nodes) is left as it is."""
    lines, body = (text or "").split("\n"), tree.find(".//body")
    if len(lines) < 2 or body is None:
        return text or ""
    nodes, joined = _text_nodes(body), []
    for line in lines:
        gap = ""
        for node, before in nodes:
            gap = "\n" if "\n" in (gap, before) else gap or before
            if node == line:
                break
        else:
            return text or ""
        joined.append(gap + line if joined else line)
    return "".join(joined)


GLUED_CHARS = 30
"""How much of each of two blocks' texts (the end of one, the start of the next) is sought glued in the main text."""
_GLUED = regex.compile(r"[\p{Ll}.:;!?…»)\"”]\p{Lu}")
"""Two texts glued: a capital after a lower-case letter or a sentence's or a label's end ("Note:Doctors", "bold
startStaff"). Other pieces glued may be a word a page sets in blocks side by side (a drop capital, "U" and "ne
leçon"; "201" and "2)"), which a browser may show as one."""


def _unglued(tree: Any, text: str) -> str:
    """trafilatura's main text with a line break where it glued the texts of two blocks (`_GLUED`): the end of a text
    node and the start of the next, which a `LINE_BREAKING` element parts in the page ("Note:Doctors said…" of
    `<div><b>Note:</b><div>Doctors said…</div></div>`, found by a QA pass), as a browser shows them. Where it joined
    them with a space, they are left: on fr-pages, parting those too split italic titles from their sentence and gave
    two image-only posts lines that passed `_no_sentence`. One pass over the text's junctions: seeking and replacing
    each pair of blocks in the whole text took 25 s on a page of 20,000 (a review)."""
    body = tree.find(".//body")
    if body is None or not (junctions := [m.start() + 1 for m in _GLUED.finditer(text or "")]):
        return text
    starts: dict[str, set[str]] = {}  # a block's text's end → the starts of the texts of the blocks after it
    previous = ""
    for node, gap in _text_nodes(body):
        if gap == "\n" and previous:
            starts.setdefault(previous[-GLUED_CHARS:], set()).add(node[:GLUED_CHARS])
        previous = node
    ends = sorted({len(end) for end in starts})
    cuts = [at for at in junctions if any(text.startswith(start, at) for size in ends if size <= at
                                          for start in starts.get(text[at - size:at], ()))]
    return "\n".join(text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)]))


def _heading_parts_spaced(tree: Any) -> None:
    """The page with a space after each part of a heading (an element in an `<h1>` to `<h6>`, `HEADING_TAGS`) glued
    to the next (`_GLUED`, nothing between them): a stylesheet sets them apart, and read as written they made one
    word. ARTE's `<h1><span class="program-title">Handicapés, haut et fort (1/3)</span><span class="program-title
    small">La remise en cause des normes corporelles</span></h1>` read "(1/3)La remise" (fr-pages 724, 725), and
    Érudit's title and its translation "amis[1]?Pro-Feminist Men" (672). The headings are walked, not sought by
    XPath (`//body//*[self::h1 or …]`: 2.5 ms a page of fr-pages). A part of one word ending with a letter is a piece
    of a word a page sets in parts ("Pay" and "Pal", "Mc" and "Donald", "You" and "Tube": a review), and stays so.
    A heading in another that is walked (libxml2 nests headings left open) is walked with it, and one of over
    `HEADING_PARTS` elements is left as written (not those in it): each part's text is read, and 250 headings left
    open over 20,000 `<div>`s took 25 s (a review)."""
    walked = set()
    for heading in tree.iter(*HEADING_TAGS):
        if next(heading.iterancestors(*HEADING_TAGS), None) in walked or next(
                islice(heading.iter(), HEADING_PARTS, None), None) is not None:
            continue
        walked.add(heading)
        for part in heading.iterdescendants():
            after = part.getnext()
            if part.tail or after is None or not isinstance(after.tag, str) or not isinstance(part.tag, str):
                continue
            text, start = _element_text(part).strip(), _element_text(after)[:1]
            if text and start and _GLUED.match(text[-1] + start) and (" " in text or not text[-1].isalpha()):
                part.tail = " "


HEADING_PARTS = 100
"""The most elements of a heading whose glued parts `_heading_parts_spaced` sets apart: a title and a subtitle."""


def _blocks_parted(tree: Any, text: str) -> str:
    """trafilatura's main text with the blocks of an `<article>` in or holding a `<noscript>` on lines of their own
    where a line is the article's whole text. trafilatura's main extraction drops `<noscript>`, and with it paragraphs a
    browser without scripts shows (a script app's article); finding too little, its last resort may take each
    `<article>`'s text, cleaned as it cleans it (`basic_cleaning`: no scripts, footers, ...), as one line, its blocks
    parted by a space (`block_text`): a line a paragraph comes back, as a browser shows them. Tried when the text has
    no more lines than there are such articles; a line is an article's when it is that article's text with each break
    a space. Articles without `<noscript>` are left: on fr-pages, parting theirs too made two image-only posts (title,
    date, "Partager :" and share buttons) pass `_no_sentence` on a label's colon."""
    articles = tree.xpath("//article[not(ancestor::article)][.//noscript or ancestor::noscript]")
    lines = text.split("\n")
    if not articles or len(lines) > len(articles):
        return text
    from trafilatura.baseline import basic_cleaning

    shown: dict[str, str] = {}
    for article in articles:
        parted = _shown_lines(basic_cleaning(deepcopy(article)))
        shown.setdefault(" ".join(parted.split()), parted)
    return "\n".join(shown.get(line, line) for line in lines)


def _shown_lines(element: Any, off: Collection[Any] = ()) -> str:
    """The text of `element` as a browser shows it, a line a block (`_text_nodes`), without the elements of `off`
    under it."""
    return "".join(_shown_parts(element, off))


def _shown_parts(element: Any, off: Collection[Any] = ()) -> Iterator[str]:
    """The pieces `_shown_lines` joins, in order: each text node after what parts it from the one before (nothing
    before the first); a piece starting with a line break starts a line."""
    for i, (node, gap) in enumerate(_text_nodes(element, off)):
        yield gap + node if i else node


def _classed(tree: Any, pieces: tuple[str, ...], also: str = "") -> list[Any]:
    """The elements of the page's body whose class holds one of `pieces` (lower case) in any case, or that meet the
    XPath test `also`, in the page's order, so that a class-word regular expression is run on these alone. The pieces
    are sought by one regular expression over each class (`_pieces`): XPath's `contains()` on the class lower-cased by
    `translate()` took 7.2 ms a page of fr-pages for the leads' and pull quotes' two searches, 1.7 so (the same
    elements on 200 pages; a look at session 50's slower extraction)."""
    wanted = _pieces(pieces)
    met = set(tree.xpath(f"//body//*[{also}]")) if also else set()
    test = f"@class or {also}" if also else "@class"
    return [e for e in tree.xpath(f"//body//*[{test}]") if e in met or wanted.search(e.get("class") or "")]


@cache
def _pieces(pieces: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern seeking any of `pieces` (plain lower-case text) in any case."""
    return re.compile("|".join(map(re.escape, pieces)), re.IGNORECASE)


def _class_words(*words: str) -> re.Pattern[str]:
    """A class (or id) holding one of `words` (regular expressions), whole or between hyphens and underscores (Slate's
    `article-header__chapo`), in any case."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(words) + r")(?:$|[\s_-])", re.IGNORECASE)


LEAD_CLASSES = ("chapo", "chapeau", "standfirst", "lede", "dek")
"""The words of a class that name an article's lead, the paragraph under its title (French "chapô", English
"standfirst", "lede", "dek"), whole or between hyphens and underscores (Slate's `article-header__chapo`, Vice's
`article-heading-v2__header-dek-wrapper`)."""
LOOSE_LEAD_CLASSES = ("lead", "intro", "introduction")
"""Words of a class that name a lead (Mediapart's blogs' `introduction`) and as often something else: a featured
teaser (`lead-story`), a notice ("This article is also available in English…"). A lead so marked is taken only right
under the title (`_heads`) and saying the article's words (`_says_the_article`)."""
LEAD_PIECES = ("chapo", "chapeau", "standfirst", "lede", "dek", "lead", "intro")
"""Pieces of the words of `LEAD_CLASS`, which a class must hold to be tried (`_classed`)."""
LEAD_CLASS = _class_words(*LEAD_CLASSES, *LOOSE_LEAD_CLASSES)
"""A class holding a word of `LEAD_CLASSES` or `LOOSE_LEAD_CLASSES`, in any case."""
_LEAD_CLASS = _class_words(*LEAD_CLASSES)
LEAD_CHARS = 700
"""The longest a lead is: a paragraph of a few sentences (fr-pages's longest holds 450 characters)."""
LEAD_LEVELS = 4
"""How far above a lead the title may be: the element holding both is at most so many levels above it (Slate's and
Mediapart's 1, leplus's 2, Sciences et Avenir's 4)."""
LEAD_SHARED_WORDS = 0.25
"""The least share of a loosely marked lead's words (of four letters or more) that the page's text holds: fr-pages'
6 Mediapart leads 0.41 to 0.85, the notice above 0.12."""
_TEASER_CLASS = _class_words("teaser", "promo")
"""A class of a teaser of another article, or of a block around teasers."""
_BEFORE = "preceding::text()[not(parent::script or parent::style)]"
"""The page's text before an element, in document order, but its scripts' and styles'."""


def _led(tree: Any, text: str) -> str:
    """trafilatura's main text with the article's lead where the page shows it: trafilatura drops it with the page's
    header (found by a QA pass: Slate's `<h2 class="article-header__chapo">`, leplus.nouvelobs.com's `<h2
    itemprop="headline">`), and it was left in the description. A lead is an element marked so in the article's header
    (`_marked_leads`), one paragraph of prose (`_lead_like`) that the text does not hold, before most of the text in the
    page: it goes after the text's first lines that the page shows before it (a title, a byline), if any. Of two leads
    or more, a list's, none goes. The elements are tried in document order, and the first after most of the text ends
    the search (those after it are too). On fr-pages 54 pages gain theirs (11,669 characters, each read; no other line
    changes): 33 Slate pages (of the 37 with one, 2 hold it, one is empty and one ends with "...", as a teaser's cut
    summary does: let in, one of France Culture went in too), 5 of leplus, 8 of Cheek (`chapeau`), 6 of Mediapart's
    blogs (`introduction`, after their title and byline lines), Sciences et Avenir's `article-chapo` and CNRS Le
    journal's `billet-chapo`. The Guardian's two standfirsts and Al Jazeera's stay out: two without a sentence's end,
    one with a promotion as a second block."""
    lines, letters, words = text.split("\n"), _letters(text), _words(text)
    leads: dict[str, int] = {}
    for marked in _marked_leads(tree):
        element = _lead_block(marked)
        lead = _short_lines(element, LEAD_CHARS)
        if lead is None or lead in leads:  # too long; or the same lead again: the page's text before it was read once
            continue  # (N copies took N² time)
        if (not _lead_like(lead) or _letters(lead) in letters
                or not (_strictly_marked(marked) or _says_the_article(lead, words))):
            continue
        before = _letters("".join(element.xpath(_BEFORE)))
        at = next((i for i, line in enumerate(lines) if _letters(line) not in before), len(lines))
        if 2 * sum(map(len, lines[:at])) >= len(text):
            break
        leads.setdefault(lead, at)
        if len(leads) > 1:
            return text
    if not leads:
        return text
    [(lead, at)] = leads.items()
    return "\n".join([*lines[:at], lead, *lines[at:]])


def _marked_leads(tree: Any) -> Iterator[Any]:
    """The page's elements marked as a lead in the article's header (`_heads`), in document order: by a word of their
    class (`LEAD_CLASS`), or as schema.org's `headline` where it is no `<h1>` (the title is: leplus.nouvelobs.com's
    `<h2 itemprop="headline">` under it). Sought in Python: an XPath regular expression calls into it for each element
    (20,000 classed `<span>`s took 0.2 s)."""
    titled = {parent for title in tree.iter("h1") for parent in title.iterancestors()}
    return (element for element in _classed(tree, LEAD_PIECES, "@itemprop='headline'")
            if (element.get("itemprop") == "headline" or LEAD_CLASS.search(element.get("class", "")))
            and element.tag != "h1" and _heads(element, titled))


_LEAD_BLOCKS = "./p | ./h2 | ./h3 | ./h4 | ./h5 | ./h6"


def _lead_block(element: Any) -> Any:
    """The element marked as a lead, or its only paragraph or heading when the rest of it holds no sentence: a wrapper
    of the lead, the byline, the date and share buttons (Vice's `<div class="article-heading-v2__header-dek-wrapper">`
    around an `<h2>`, found by a QA pass), whose text of several lines is no lead. A promotion after the lead ("Join
    our community of global development professionals.", the Guardian's) ends as a sentence does: none is taken."""
    blocks = element.xpath(_LEAD_BLOCKS)
    if len(blocks) != 1:
        return element
    lead = set(_shown_lines(blocks[0]).split("\n"))  # an `<h2>` with a `<br>` is lines
    rest = (line for line in _lines_shown(element) if line not in lead)
    return element if any(ends_sentence(line) for line in rest) else blocks[0]


def _lines_shown(element: Any) -> Iterator[str]:
    """The lines of `_shown_lines(element)`, one at a time, read no further than asked: a lead's wrapper left open
    holds the rest of the page, and each of 250 was read whole (9 times as long an extraction)."""
    line: list[str] = []
    for part in _shown_parts(element):
        if part.startswith("\n"):  # a text node starts with no whitespace: this is its gap
            yield "".join(line)
            line, part = [], part[1:]
        line.append(part)
    yield "".join(line)


def _strictly_marked(element: Any) -> bool:
    """Whether an element is marked as a lead by a word that names one alone (`LEAD_CLASSES`) or as a `headline`."""
    return element.get("itemprop") == "headline" or bool(_LEAD_CLASS.search(element.get("class", "")))


def _heads(element: Any, titled: set[Any]) -> bool:
    """Whether an element is in the article's header: under the title (an element at most `LEAD_LEVELS` above it, not
    `<body>`, holds an `<h1>`: is of `titled`) or in a `<header>`, or, marked strictly (`_strictly_marked`), in an
    `<article>` (CNRS Le journal's `billet-chapo`, far from its title); never in a link (a teaser's summary), a list
    item, a teaser (`_TEASER_CLASS`) or the page's frame (`_framed`: a sidebar, related posts): a review found a
    featured teaser (`<div class="lead-story">` over the article's header) put first."""
    around = list(element.iterancestors())
    if (_framed(element) or _TEASER_CLASS.search(element.get("class", ""))
            or any(parent.tag in ("a", "li") or _TEASER_CLASS.search(parent.get("class", "")) for parent in around)):
        return False
    near = [parent for parent in around[:LEAD_LEVELS] if parent.tag not in ("body", "html")]
    return (any(parent.tag == "header" or parent in titled for parent in near)
            or (_strictly_marked(element) and any(parent.tag in ("header", "article") for parent in around)))


def _says_the_article(lead: str, words: set[str]) -> bool:
    """Whether at least `LEAD_SHARED_WORDS` of a lead's words (`_words`) are of the text's `words`."""
    own = _words(lead)
    return len(own & words) >= LEAD_SHARED_WORDS * len(own)


def _words(text: str) -> set[str]:
    """The words of four letters or more of `text`, case folded."""
    return {word.casefold() for word in re.findall(r"\w{4,}", text)}


def _lead_like(lead: str) -> bool:
    """Whether an element's text is a lead's: one line of prose (`_PROSE_LINE`: eight words or more) that ends as a
    sentence does and holds at most `LEAD_CHARS`. A teaser's summary cut with "…" does not end so, nor a line naming a
    programme or its producer ("À retrouver dans l'émission LSD, La série documentaire par Perrine Kervran")."""
    return len(lead) <= LEAD_CHARS and "\n" not in lead and bool(_PROSE_LINE.match(lead)) and ends_sentence(lead)


CONTROLS = frozenset({"a", "button"})
"""Inline elements that a page sets side by side as items of a menu or a share bar: where one ends and another starts
with nothing between them (minified `<a>Accueil</a><a>Politique</a>`), the items are no word."""


def _text_nodes(body: Any, off: Collection[Any] = ()) -> Iterator[tuple[str, str]]:
    """The text nodes under `body` that hold more than whitespace and that a browser shows (not a script's or a
    style's: `_element_text`), in order, each trimmed as trafilatura trims them (its runs of whitespace one space),
    with what parts it from the node before: "\\n" when a `LINE_BREAKING` element starts or ends between them, or one
    of `CONTROLS` starts with nothing after another's end (joined, a menu read "AccueilPolitiqueÉconomieSport" and a
    share bar "PartagerTweeterImprimer", which the rule packs took a word a line), else " " when whitespace does, else
    "". The elements of `off` are read as if dropped (`drop_tree`): their tails alone, as the text before them goes on.
    """
    gap, control_ended = "", False
    for event, element in _walked(body, off):
        if event != "passed" and (element.tag in LINE_BREAKING
                                  or (control_ended and event == "start" and element.tag in CONTROLS)):
            gap = "\n"
        if event == "start":
            shown = isinstance(element.tag, str) and element.tag not in UNSHOWN  # a comment's is not either
            raw = element.text if shown else None
        elif event == "end":
            control_ended = control_ended or element.tag in CONTROLS
            raw = element.tail if element is not body else None
        else:
            raw = element.tail
        if not raw:
            continue
        control_ended = False
        if raw[0].isspace():
            gap = gap or " "
        if trimmed := " ".join(raw.split()):
            yield trimmed, gap
            gap = ""
        if raw[-1].isspace():
            gap = gap or " "


def _walked(element: Any, off: Collection[Any] = ()) -> Iterator[tuple[str, Any]]:
    """("start", node) and ("end", node) for `element` and each node under it, in order, comments too: lxml's
    `iterwalk` passes them over, and the text after them with them (`<p>fin<!-- c --> du texte</p>` read "fin
    texte", found when `_element_text` came to read them). A node of `off` under `element` is ("passed", node) alone,
    what it holds unwalked. Each node's children are taken one at a time: a reader that stops early (`_short_text`)
    does not pay for the thousands of paragraphs a block left open holds at its bottom."""
    yield "start", element
    pending = [(element, iter(element))]
    while pending:
        node, children = pending[-1]
        child = next(children, None)
        if child is None:
            pending.pop()
            yield "end", node
        elif child in off:
            yield "passed", child
        else:
            yield "start", child
            pending.append((child, iter(child)))


def _collapsed(tree: Any, text: str, where: str) -> tuple[str, ...]:
    """A warning when the page repeats a paragraph in consecutive `<p>` elements and the main text holds it fewer
    times: trafilatura keeps one of adjacent copies longer than its `MIN_DUPLICATE_LENGTH`, even with
    `deduplicate=False`, and says nothing (a page of one paragraph, 50 MB long, came out as 719 characters)."""
    from trafilatura.settings import MIN_DUPLICATE_LENGTH

    lines = Counter(" ".join(line.split()) for line in text.splitlines())
    page: Counter[str] = Counter()
    repeated, previous = set(), None
    for element in tree.iter("p"):
        current = _element_text(element)
        if len(current) > MIN_DUPLICATE_LENGTH and current in lines:
            page[current] += 1
            if current == previous:
                repeated.add(current)
        previous = current
    dropped = [paragraph for paragraph in page if paragraph in repeated and page[paragraph] > lines[paragraph]]
    if not dropped:
        return ()
    first, more = dropped[0], f"; other paragraphs so: {len(dropped) - 1:,}" if len(dropped) > 1 else ""
    return (f"{where}: the page repeats a paragraph in a row, {page[first]:,} copies, of which the main text holds "
            f"{lines[first]:,} (trafilatura keeps one of adjacent copies{more}): {first[:60]!r}",)


HEADING = ("//body//h2 | //body//h3 | //body//h4"
           " | //body//p[strong or b][normalize-space() = normalize-space(strong | b)][not(ancestor::blockquote)]"
           f"[not(@{MADE_PARAGRAPH})]")
"""An XPath of the elements that head a part of the page: an `<h2>` to `<h4>` (an `<h1>` is its title, which the
text's first line is; Sciences et Avenir set a pull quote in an `<h5>`), or a paragraph that is one `<strong>` or
`<b>` alone (AWID's `<p><strong>« Ne nous libérez pas, on s’en charge »</strong></p>`), not in a `<blockquote>`,
where pages set pull quotes, nor one made of a `<div>` (`MADE_PARAGRAPH`). Of fr-pages's 6 such paragraphs that are a
quotation of 6 words or more, 5 head a part of their article and one is a podcast's credit line; none is a pull
quote."""


def _headings(tree: Any, text: str) -> list[str]:
    """The lines of `text` that the page marks as headings (`HEADING`), each once, in order, trimmed (23 of fr-pages's
    kept a blank before them, " » Indétectable » : …", a review): the article's own, which a rule would take for noise
    by their words alone (`generic.pull-quote`: Slate's `<h3>«Ce fut pour nous l'effet d'une bombe»</h3>`, which a
    paragraph below quotes). A line longer than every heading's text is none of them: a paragraph's key is not made (a
    third of the time this took on fr-pages)."""
    return _marked_lines(tree.xpath(HEADING), text)


ALIGNED_BLOCK = "//body//*[@align or @style]"
"""An XPath of the elements that may be aligned right: those with an `align` attribute or a style (`_aligned_right`
reads them; an XPath reading both, `translate()` twice, cost every page's every element)."""
_ALIGN_CASE = str.maketrans("RIGHT", "right")
_STYLE_CASE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase, " \t")


def _right_aligned(tree: Any, text: str) -> list[str]:
    """The lines of `text` that the page aligns right (`_aligned_right`), each once, in order, trimmed: where a page
    sets a signature apart (`<p style="text-align:right;">Kel Lam.</p>` ending a post, found by a QA pass)."""
    return _marked_lines([element for element in tree.xpath(ALIGNED_BLOCK) if _aligned_right(element)], text)


def _aligned_right(element: Any) -> bool:
    """Whether the page aligns `element` right, by its `align` attribute (`right`, in any case) or its style
    (`text-align: right`, in any case, blanks aside)."""
    return ((element.get("align") or "").translate(_ALIGN_CASE) == "right"
            or "text-align:right" in (element.get("style") or "").translate(_STYLE_CASE))


def _marked_lines(elements: list[Any], text: str) -> list[str]:
    """The lines of `text` that are the whole text of one of `elements` as a browser shows it (`_shown_lines`), each
    once, in order, trimmed: an element shown on several lines (a heading with a `<br>`, found by a QA pass) where
    they follow each other in `text`, all of them."""
    shown = [_shown_lines(element).split("\n") for element in elements]
    longest = max((len(line) for element_lines in shown for line in element_lines), default=0)
    marked_keys = {keys for element_lines in shown if (keys := _line_keys(element_lines))}
    lines = [line.strip() for line in text.split("\n")]
    keyed = [(at, line_key(line) if len(line) <= longest else None) for at, line in enumerate(lines)]
    keyed = [(at, key) for at, key in keyed if key != "" and lines[at]]  # blank or no letters: passed over
    starts: dict[str, list[int]] = {}  # a line's key → where lines of that key are among the keyed ones
    for place, (_, key) in enumerate(keyed):
        if key:
            starts.setdefault(key, []).append(place)
    marked: set[int] = set()
    for element_keys in marked_keys:
        for place in starts.get(element_keys[0], ()):
            run = keyed[place:place + len(element_keys)]
            if tuple(key for _, key in run) == element_keys:
                marked.update(at for at, _ in run)
    return list(dict.fromkeys(lines[at] for at in sorted(marked)))


def _line_keys(lines: list[str]) -> tuple[str, ...] | None:
    """The `line_key` of each of an element's `lines` (`_shown_lines`) that has one (a dash alone has none, and is
    passed over on both sides: "—" over a heading's words missed it, a review), or None when it shows none or one is
    too long for a key."""
    keys = tuple(key for line in lines if line and (key := line_key(line)) != "")
    return keys if keys and None not in keys else None


PULL_QUOTE_CHARS = 500
"""The most text a pull quote holds, its name with it: a block of a pull quote's class that holds more is no pull quote
(fr-pages's longest holds 268 characters)."""
PULL_QUOTE_CLASS = _class_words(r"(?:pull|aside)[_-]?(?:block)?quote", "exergue")
"""A class that says its element is a pull quote: a word of it (whole, or between hyphens or underscores) "pullquote",
"pull-quote", "asidequote", "aside_blockquote", in any case, or French "exergue"."""


PULL_QUOTE_PIECES = ("quote", "exergue")
"""What the class of a pull quote holds, sought by `_classed` (`PULL_QUOTE_CLASS` tells which are one)."""
PULL_QUOTE_BLOCKS = frozenset({"div", "aside", "figure", "blockquote", "section", "p"})
"""The elements a pull quote is: a block set aside. An inline one of its class is the article's words (a French
site's `<span class="exergue">` in a sentence, as it is bold; WordPress themes' `<span class="pullquote-right">`, which
a script copies into an aside, the sentence keeping it)."""


def _pull_quotes_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without its pull quotes: a line the layout repeats from the article, set aside in large type, with the
    name of who said it under it, which trafilatura kept as lines of the text, the quotation marks the page draws left
    out (Slate's `<div class="aside_blockquote">`: "Tu es femme noire française, … où je suis?", then "Anna"; found by
    a QA pass). `generic.pull-quote` takes a quoted line that the article says again, and left these. A pull quote is
    a block (`PULL_QUOTE_BLOCKS`) of its own (`_set_aside`) whose class says so (`PULL_QUOTE_CLASS`:
    `aside_blockquote`, Vice's `article__pull-quote`, WordPress's `wp-block-pullquote`, Al Jazeera's `pullQuote`, a
    French blog's `exergue`) of at most `PULL_QUOTE_CHARS`. On fr-pages, 43 on 23 pages, each read: Slate's 38 on 19
    pages, Vice's 3, Al Jazeera's (not in the text) and a blog's; 41 repeat or reword a sentence of the article, one
    quotes a paper the article quotes elsewhere. The text of 22 pages is 5,674 characters shorter; no other line
    changed but for a blank at a line's start. An inline element of such a class took its words out of a sentence
    ("Le ministre a dit que devant les élus.", a review); kept, it changes no fr-pages text. `classed`: the page's
    elements that may be one (`_classed_dropped`)."""
    for element in _in_page(tree, classed, PULL_QUOTE_PIECES):
        if (element.tag in PULL_QUOTE_BLOCKS and PULL_QUOTE_CLASS.search(element.get("class"))
                and _short_text(element, PULL_QUOTE_CHARS) is not None and _set_aside(element)):
            drops.drop(element, "pull-quote")


QUOTE_CLASS = _class_words("citation")
"""A class that says its element is a quotation: a word of it (whole, or between hyphens or underscores) "citation"
(CNRS Le journal's `<div class="citation left">`), in any case."""
QUOTE_PIECES = ("citation",)
"""What the class of a quotation holds, sought by `_classed` (`QUOTE_CLASS` tells which are one)."""
REPEATED_QUOTE_SHARE = 0.8
"""The least share of a quotation block's word pairs that another paragraph of its article holds for the block to be a
pull quote (`_repeated_quotes_dropped`): fr-pages's lowest is 0.88, CNRS Le journal's "Les femmes ont moins d’emprise
sur la ville et les innovations apportées ne compensent pas ces inégalités." over "les femmes ont moins d’emprise sur
la ville que les hommes, …, et les innovations apportées à la ville ne compensent pas, loin de là, ces inégalités"."""
REPEATED_QUOTE_WORDS = 6
"""The fewest words a pull quote that no class names holds: a shorter block (a post's title in an embed, "Conférences
gesticulées") that a paragraph holds again is no sign of a pull quote."""


def _repeated_quotes_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without the pull quotes that no class names (`_pull_quotes_dropped`): a quotation block shaped as one
    (`_quote_shaped`) whose words another paragraph of its article (its `<article>`, else the page) says again
    (`_repeated`): a pull quote repeats the article's text, a quotation is not written twice. trafilatura kept them
    as lines (found by a QA pass): Cheek's `<blockquote><p>“<em>Le genre est un sujet tabou, …</em>”</p>` over the
    answer that says it, and CNRS Le journal's `<div class="citation left">`, a line a few words, its first one lost.
    A block holding another is their wrapper (`<div class="wrapper-citation">` around the quotation and its paragraph),
    no quotation. Neither those blocks' paragraphs count, nor the comments', whose replies quote each other and the
    article. `classed`: the page's elements that may be of a quotation's class (`_classed_dropped`)."""
    blocks = dict.fromkeys([*tree.iter("blockquote"), *_in_page(tree, classed, QUOTE_PIECES)])
    shaped = dict.fromkeys(element for element in blocks if _quote_shaped(element, blocks))
    quotes = [quote for quote in shaped if not any(inner in shaped for inner in quote.iterdescendants())]
    quoted = {inner for quote in quotes for inner in quote.iter()}
    paragraphs: dict[Any, _Paragraphs] = {}
    for quote in quotes:
        article = next((a for a in quote.iterancestors() if a.tag in ("article", "body")), quote.getroottree())
        if article not in paragraphs:
            paragraphs[article] = _Paragraphs([_element_text(p) for p in article.xpath(f".//p[not({_IN_COMMENTS})]")
                                               if p not in quoted])
        if _repeated(_word_pairs(_element_text(quote)), _text_before(quote), paragraphs[article]):
            drops.drop(quote, "repeated-quote")


def _quote_shaped(element: Any, blocks: dict[Any, None]) -> bool:
    """Whether an element may be a pull quote that no class names: a `<blockquote>` or a block of a quotation's class
    (`QUOTE_CLASS`) of `REPEATED_QUOTE_WORDS` to `PULL_QUOTE_CHARS`, set aside (`_set_aside`) alone, as pull quotes
    are: not beside another of `blocks` (a run of quotations the text lists, "Voici ce qu'ils ont dit" over two), nor
    in a list item or the comments."""
    if element.tag != "blockquote" and not (element.tag in PULL_QUOTE_BLOCKS
                                            and QUOTE_CLASS.search(element.get("class", ""))):
        return False
    text = _short_text(element, PULL_QUOTE_CHARS)
    if text is None or len(WORDS.findall(text)) < REPEATED_QUOTE_WORDS or not _set_aside(element):
        return False
    if element.getprevious() in blocks or element.getnext() in blocks:
        return False
    return not any(a.tag == "li" for a in element.iterancestors()) and not element.xpath(_IN_COMMENTS)


def _text_before(element: Any) -> str:
    """The text a browser shows right before an element (`_element_text`): its nearest previous sibling's that shows
    any, or the text after that sibling, else its parent's own, else the text before its parent. Walked: a
    `preceding::text()` search a block took time as the square of the page's blocks (6.4 s for 4,000, a review)."""
    node = element
    while (parent := node.getparent()) is not None:
        for sibling in node.itersiblings(preceding=True):
            if text := " ".join((sibling.tail or "").split()) or _element_text(sibling):
                return text
        if text := " ".join((parent.text or "").split()):
            return text
        node = parent
    return ""


def _word_pairs(text: str) -> set[tuple[str, str]]:
    """The pairs of consecutive words of `text` (`WORDS`), case folded."""
    words = WORDS.findall(text.casefold())
    return set(zip(words, words[1:]))


def _says(pairs: set[tuple[str, str]], quotation: set[tuple[str, str]]) -> bool:
    """Whether a text's word `pairs` hold at least `REPEATED_QUOTE_SHARE` of a quotation's."""
    return len(pairs & quotation) >= REPEATED_QUOTE_SHARE * len(quotation)


class _Paragraphs:
    """An article's paragraphs, with the paragraphs that hold each pair of words: a quotation is compared with the few
    that hold its rarest pairs, not with each (its time grew as the square of the page's blocks, a review)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts, self.pairs = texts, [_word_pairs(text) for text in texts]
        self.holding: dict[tuple[str, str], list[int]] = {}
        for n, pairs in enumerate(self.pairs):
            for pair in pairs:
                self.holding.setdefault(pair, []).append(n)

    def saying(self, quotation: set[tuple[str, str]]) -> list[str]:
        """The paragraphs that hold a quotation's word pairs (`_says`): each holds one of its pairs that fewest
        paragraphs hold, as many as it may miss and one more."""
        misses = len(quotation) - math.ceil(REPEATED_QUOTE_SHARE * len(quotation))
        rarest = sorted(quotation, key=lambda pair: len(self.holding.get(pair, ())))[:misses + 1]
        found = sorted({n for pair in rarest for n in self.holding.get(pair, ())})
        return [self.texts[n] for n in found if _says(self.pairs[n], quotation)]


def _repeated(quotation: set[tuple[str, str]], before: str, paragraphs: _Paragraphs) -> bool:
    """Whether a quotation block (its word pairs) is a pull quote: paragraphs of its article say it again, none
    marking it as a quotation (`_marked`), and the text right `before` it does not introduce it, ending with a colon
    (a blog's erratum on fr-pages, "J’ai écrit :" over the sentence of the article it corrects) or saying it first (a
    law's article under its paraphrase, an interview's question quoting it)."""
    if before.endswith(":") or _says(_word_pairs(before), quotation):
        return False
    saying = paragraphs.saying(quotation)
    return bool(saying) and not any(_marked(text, quotation) for text in saying)


def _marked(paragraph: str, quotation: set[tuple[str, str]]) -> bool:
    """Whether a paragraph holds a quotation's words, no more, in quotation marks (`QUOTED_SPAN`): it quotes the block
    to discuss it (« Demain, dès l'aube, … » under the poem's verse), where a pull quote repeats the article's
    sentence, or a part of a longer quotation."""
    from .kinds.pullquote import QUOTED_SPAN  # with the rule packs: loaded where they run

    spans = (_word_pairs(span) for span in QUOTED_SPAN.findall(paragraph))
    return any(_says(span, quotation) and _says(quotation, span) for span in spans)


CLOSE_PIECES = ("close",)
"""What the class of a control that closes holds, sought by `_classed` (`_CLOSES` tells which are one)."""
_CLOSES = re.compile(r"close[_-]+(.+)|(.+?)__close")
"""A class token of a control that closes something, naming it: `close-definition`, `close_tooltip`, BEM's
`tooltip__close` (not `quote-close`, a closing quotation mark's)."""
NOT_POPUPS = frozenset({"quote", "quotes", "icon", "btn", "button", "link"})
"""What a `_CLOSES` token names that is no pop-up (hyphens and underscores aside): CSS's `close-quote`, a closing
quotation mark; an icon's, a button's or a link's own parts (`close-icon`, `close-btn`), which a review found taking the
words of a sentence with them."""
CLOSE_LABEL = re.compile(r"[×✕✖xX]|fermer|close|schlie(?:ß|ss)en|cerrar|chiudi", re.IGNORECASE)
"""The text of a control that closes a pop-up, whole: a cross, or "close" in a few languages."""
CONTROL_CHARS = 20
"""The most text a control holds that its markup marks as one (`role="button"`, an `aria-label`, a `title`): a label."""
POPUP_WORDS = 6
"""The fewest words a pop-up holds besides its control (`WORDS`): a definition, a note; CNRS Le journal's hold 17 and
25."""
POPUP_CHARS = 2000
"""The most text a pop-up holds, its control's with it: an element of its class that holds more holds the article (a
pop-up left open holds the rest of the page: 250 of them took the whole article with them)."""


def _popups_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without its pop-ups, which a browser shows on a click, apart from the text: an inline element holding
    the control that closes it, whose class names it (`_popup`). trafilatura glued them into the sentence (found by a
    QA pass: CNRS Le journal's glossary, "sous l’angle du genreFermerConcept utilisé en sciences sociales…" of `<span
    class='mot-definition'>genre</span><span class='definition'><span class='close-definition'>Fermer</span>Concept
    …</span>`). `classed`: the page's elements that may be a control that closes (`_classed_dropped`)."""
    for control in _in_page(tree, classed, CLOSE_PIECES):
        if (popup := _popup(control)) is not None and popup.getparent() is not None:  # not gone with another control
            drops.drop(popup, "pop-up")


def _popup(control: Any) -> Any | None:
    """The inline element a control closes: the nearest of its ancestors in its line whose class the control's names
    (`_CLOSES`; hyphens, underscores and case aside; not one of `NOT_POPUPS`), when the control looks like one
    (`_closing`) and the element holds `POPUP_WORDS` besides it and at most `POPUP_CHARS`; or None."""
    tokens = map(_CLOSES.fullmatch, control.get("class", "").lower().split())
    names = {_unhyphened(m[1] or m[2]) for m in tokens if m} - NOT_POPUPS
    if not names or not _closing(control):
        return None
    for parent in control.iterancestors():
        if parent.tag in LINE_BREAKING or parent.tag == "body":
            return None
        if names & {_unhyphened(token) for token in parent.get("class", "").lower().split()}:
            if (shown := _short_text(parent, POPUP_CHARS)) is None:
                return None
            besides = len(WORDS.findall(shown)) - len(WORDS.findall(_element_text(control)))
            return parent if besides >= POPUP_WORDS else None
    return None


def _closing(control: Any) -> bool:
    """Whether an element looks like a control that closes: its text a close label (`CLOSE_LABEL`), or a short one
    (`CONTROL_CHARS`) that its markup marks as a control (a `<button>`, `role="button"`, an `aria-label`, a `title`)."""
    text = _short_text(control, CONTROL_CHARS)  # a close label is shorter
    if text is None:
        return False
    if CLOSE_LABEL.fullmatch(text):
        return True
    marked = control.tag == "button" or control.get("role") == "button"
    return (marked or bool(control.get("aria-label") or control.get("title"))) and len(text) <= CONTROL_CHARS


def _unhyphened(name: str) -> str:
    """A class name without its hyphens and underscores (`pop-in` is `popin`)."""
    return re.sub(r"[_-]+", "", name)


def _buttons_dropped(tree: Any, drops: _Drops) -> None:
    """The page without the elements it marks as buttons (`role="button"`) that stand alone, as trafilatura drops a
    `<button>`: a control's label, no words of the article (Everyday Feminism's `<h3 role="button">Click for the
    Transcript</h3>` that opens the transcript under it, kept as a line; a QA pass). One in a sentence, with words on
    both sides (`_in_sentence`), stays, as a `<button>` does (`_inline_shown`), and so does one holding blocks
    (`CLOSING_P`), more than a label. A link marked so is left to trafilatura, which weighs a block's links: dropped,
    Facebook's `<a role="button">Connexion</a> ou <a role="button">Créer un compte</a>` left "ou" lines, their block
    no longer of links."""
    for button in tree.xpath("//body//*[@role='button'][not(self::a)]"):
        if not _in_sentence(button) and not any(e.tag in CLOSING_P for e in button.iterdescendants()):
            drops.drop(button, "button")


HIDDEN = "//body//*[re:test(@style, '(^|;)\\s*display\\s*:\\s*none\\s*(!important\\s*)?(;|$)', 'i')]"
"""The elements of the page's body whose own style hides them (`display: none`)."""
MOBILE_ONLY = ("mobile-show", "mobile-only", "show-mobile", "only-mobile", "visible-mobile", "hide-desktop",
               "hidden-desktop", "hidden_desktop", "hide-from-desktop", "desktop-hide", "desktop-hidden")
"""Class names that show an element on a phone's screen alone, a desktop's style sheet hiding it: the Pudding's `<p
class="prose mobile-show">`, its closing paragraphs written again for phones (fr-pages 80). A grid's breakpoints
(`visible-xs`, `d-md-none`, `hidden-md`) are left: a page may show its only date so (fr-pages 472's `d-md-none`)."""
_MOBILE_ONLY = re.compile(r"(?:^|\s)(?:" + "|".join(map(re.escape, MOBILE_ONLY)) + r")(?=$|\s)")
"""A class holding a word of `MOBILE_ONLY`: one search of each classed element, where an XPath's eleven tests of every
element took 5 ms a page (a review)."""


def _hidden_dropped(tree: Any, drops: _Drops) -> None:
    """The page without the elements its style hides (`HIDDEN`), as a browser without scripts shows it, and those its
    class shows on a phone alone (`MOBILE_ONLY`), as a desktop's browser shows it: Al Jazeera America's browser warning
    (`<div style="display: none;">`, fr-pages 390) was the text's first line, trafilatura having lost the style with
    the `<div>` (a QA pass), and the Pudding's closing paragraphs were in the text twice (fr-pages 80). Not one holding
    the page's metadata (`METADATA_MARKS`: a hidden `vcard` author, an `updated` date), and none of a kind when they
    hold all but a seventh of the page's text or more (a page its scripts show), as trafilatura guards its own
    discarding (a review)."""
    page = len(tree.text_content())
    for find, step in ((_styled_hidden, "hidden"), (_mobile_only, "mobile-only")):  # each sought once the last went
        hidden = [element for element in _outermost(tree, find(tree)) if not element.xpath(METADATA_MARKS)]
        if page - sum(len(element.text_content()) for element in hidden) > page / 7:
            for element in hidden:
                drops.drop(element, step)


def _styled_hidden(tree: Any) -> set[Any]:
    """The elements of the page's body that their own style hides (`HIDDEN`)."""
    return set(tree.xpath(HIDDEN, namespaces=_EXSLT))


def _mobile_only(tree: Any) -> set[Any]:
    """The elements of the page's body of a phone's class (`_MOBILE_ONLY`)."""
    return {element for element in tree.xpath("//body//*[@class]") if _MOBILE_ONLY.search(element.get("class"))}


METADATA_MARKS = ("descendant-or-self::*[@itemprop or self::time or contains(@class, 'vcard') or contains(@class, "
                  "'author') or contains(@class, 'date') or contains(@class, 'updated') or contains(@class, 'published')]")
"""An element that marks the page's metadata, which the steps after read: an `itemprop`, a `<time>`, a microformat's
`vcard`, `author`, `updated` or `published` class, a date's."""


CARD_BLOCKS = "descendant::*[self::p or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
"""What a link holds to be a card of another page: a paragraph or a heading."""


def _cards_dropped(tree: Any, drops: _Drops, url: str | None) -> None:
    """The page without its cards of other pages: a link to another page than this one (`_elsewhere`) holding a
    heading or a paragraph (`CARD_BLOCKS`), another post's title and summary or whole text, not this page's (fr-pages
    362, a video's page with a carousel of ~50 other posts, each a link holding its title and text: 96,421 characters
    of them after its own two lines; a QA pass), with its box (`_card_box`). A title linking to the page itself or to
    a place in it stays, and so do a post's title over its text (`_titles_text`) and the article's paragraphs in a link
    (`_articles_paragraphs`). Teasers whose title holds the link, side by side, go as cards too (`_teasers`)."""
    page = url or (tree.xpath("//head/link[@rel='canonical']/@href")[:1] or [""])[0].strip()
    links = [link for link in tree.xpath(f"//body//a[@href][{CARD_BLOCKS}]") if _elsewhere(link.get("href"), page)]
    own = set() if page else _maybe_the_page(links)
    order, opening = _Order(tree), cache(_article_opening)
    cards = {link for link in links
             if link not in own and not _titles_text(link) and not _articles_paragraphs(link, order, opening)}
    held = Counter(parent for card in cards for parent in card.iterancestors())
    crowded = {parent for parent, count in held.items() if count > 1}
    teasers = _teasers(tree, page)
    for card in _outermost(tree, {_card_box(card, crowded) for card in cards} | teasers):
        drops.drop(card, "card")


def _titles_text(link: Any) -> bool:
    """Whether `link` holds headings only and a paragraph of prose follows it (`_prose_like`): a post's title over its
    text, on a blog's home page of whole posts."""
    following = link.getnext()
    return not link.xpath("descendant::p") and following is not None and following.tag == "p" and _prose_like(
        _element_text(following))


def _articles_paragraphs(link: Any, order: _Order, opening: Callable[[Any], Any | None]) -> bool:
    """Whether `link` holds two paragraphs of prose or more (`_prose_like`) in an `<article>` or `<main>` with one of
    its own before it (`opening`: `_article_opening`, sought once an article; seeking it from each link took 4.8 s of
    a page of 2,000 such links, a review): the article's text, not a card's title and summary (fr-pages 547's related
    posts: "AFP" and a title)."""
    article = link.xpath("ancestor::*[self::article or self::main][1]")
    if not article or sum(_prose_like(_element_text(p)) for p in link.iter("p")) < 2:
        return False
    first = opening(article[0])
    return first is not None and order.before(first, link)


def _article_opening(article: Any) -> Any | None:
    """The first paragraph of prose (`_prose_like`) of `article` in no link, or None."""
    return next((p for p in article.iter("p")
                 if next(p.iterancestors("a"), None) is None and _prose_like(_element_text(p))), None)


class _Order:
    """The elements of a page in document order, numbered when first asked (`before`): an XPath's `preceding::` axis
    read for each of many elements walks the page each time."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.numbers: dict[Any, int] = {}

    def before(self, element: Any, other: Any) -> bool:
        """Whether `element` comes before `other` in the page and does not hold it (`preceding::`'s test)."""
        if not self.numbers:
            self.numbers = {node: n for n, node in enumerate(self.tree.iter())}
        return self.numbers[element] < self.numbers[other] and element not in other.iterancestors()


TEASER_TITLES = ("p", "h2", "h3", "h4", "h5", "h6")
"""The tags of what may title a teaser of another page: a paragraph or a heading. Not an `<h1>`: the page's own title,
or its site's name over its logo."""
TEASER_LEVELS = 3
"""The most levels above its title that a teaser's box is sought: the box holding its title and its picture."""
PICTURE_LINKS = ".//a[@href][.//img]"
"""An XPath of the links holding a picture under an element: a teaser's thumbnail."""


def _teasers(tree: Any, page: str) -> set[Any]:
    """The boxes of the page's teasers of other pages set side by side, two or more under one parent: a paragraph or
    heading of the body (`TEASER_TITLES`), in no link, that is one link (`_sole_link`) to another page than this one
    (`_elsewhere`; on a page of no address, see `_maybe_the_page`) in a box with its picture linking to that page
    (`_teaser_box`), none marking the page's metadata (`METADATA_MARKS`: an author's card). The card turned inside out,
    its link in its title: Al Jazeera America's "Best of video", five `<div>`s each of a thumbnail's `<a>` over
    `<p><a>Miss Japan challenges the norm</a></p>` (fr-pages 390), which trafilatura kept as the article's last
    lines. One alone is left (a site's name over its logo, a widget's call)."""
    body, titles = tree.find(".//body"), {}
    for title in body.iter(*TEASER_TITLES) if body is not None else ():
        if len(list(islice(title.iter("a"), 2))) != 1 or next(title.iterancestors("a"), None) is not None:
            continue  # told before its text is read: most paragraphs of links hold two or more
        text = _element_text(title)
        link = _sole_link(title, text) if _ALNUM.search(text) else None  # a picture's link alone is no title
        if link is not None and link.get("href") is not None and _elsewhere(link.get("href"), page):
            titles[title] = (link, len("".join(text.split())))
    own = set() if page else _maybe_the_page([link for link, _ in titles.values()])
    boxes = _Boxes(page)
    found = {box for title, (link, chars) in titles.items() if link not in own
             and (box := _teaser_box(title, link, chars, boxes)) is not None and not box.xpath(METADATA_MARKS)}
    listed = Counter(box.getparent() for box in found)
    return {box for box in found if listed[box.getparent()] > 1}


def _teaser_box(title: Any, link: Any, chars: int, boxes: _Boxes) -> Any | None:
    """The nearest element over `title`, at most `TEASER_LEVELS` above it, holding a link with a picture
    (`PICTURE_LINKS`) to `link`'s page (`_page_key`) besides `link`, and showing at most `CARD_BOX_CHARS` characters
    besides the title's `chars`, whitespace aside (`_shows_over`), not `<body>`; else None. Each box's pictures are
    counted once (`boxes`): counted for each title under it, a gallery of 1,000 pictures took 50 s (a review)."""
    target, box = _page_key(urljoin(boxes.page, link.get("href").strip())), title
    mine = int(bool(link.xpath(".//img")))  # the title's link among the box's pictures
    for _ in range(TEASER_LEVELS):
        box = box.getparent()
        if box is None or box.tag == "body" or _shows_over(box, chars + CARD_BOX_CHARS):
            return None
        if boxes.pictures(box)[target] > mine:
            return box
    return None


class _Boxes:
    """The links with a picture of the boxes `_teaser_box` tries on a page of address `page`, counted once a box."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._pictures: dict[Any, Counter[tuple[str | None, str]]] = {}

    def pictures(self, box: Any) -> Counter[tuple[str | None, str]]:
        """How many links with a picture (`PICTURE_LINKS`) `box` holds to each page (`_page_key`)."""
        if box not in self._pictures:
            self._pictures[box] = Counter(_page_key(urljoin(self.page, picture.get("href").strip()))
                                          for picture in box.xpath(PICTURE_LINKS))
        return self._pictures[box]


def _shows_over(element: Any, chars: int) -> bool:
    """Whether `element` shows more than `chars` characters (`_shown_texts`, without their whitespace), read until it
    does: a box sought up to a long list reads no more of it than that."""
    shown = 0
    for text in _shown_texts(element):
        shown += len("".join(text.split()))
        if shown > chars:
            return True
    return False


CARD_BOX_CHARS = 80
"""The most characters a card's box holds besides the card: its date, its author's name, a "Lire la suite"."""


def _card_box(card: Any, crowded: set[Any]) -> Any:
    """The outermost element holding `card` and no other of `cards`, with at most `CARD_BOX_CHARS` besides it and no
    heading nor paragraph (`CARD_PARTS`), not `<body>`: fr-pages 362's "À voir aussi" cards, each under its date, left
    "Le 26 novembre 2010 à 08:21" lines; the Pudding's logo's box took its byline (`<p>BY <a>Hanah Anderson</a> and
    <a>Matt Daniels</a>`) and its author (fr-pages 80). `crowded` holds the elements holding two cards or more, told
    first: their text, read for each card, made a page of 4,000 cards under one container take 158 s (a review)."""
    box, own = card, len(_element_text(card))
    while (parent := box.getparent()) is not None and parent.tag != "body" and parent not in crowded and (
            len(_element_text(parent)) - own <= CARD_BOX_CHARS and parent.xpath(CARD_PARTS) == box.xpath(CARD_PARTS)):
        box = parent
    return box


CARD_PARTS = f"count({CARD_BLOCKS.replace('descendant::', 'descendant-or-self::')})"
"""A card's box holds no heading nor paragraph but the card's: a listicle's "17. Juicy Couture" over a video's link is
the article's (BuzzFeed, fr-pages 515), and so is the byline under a logo's link (the Pudding, fr-pages 80)."""


def _elsewhere(href: str, page: str) -> bool:
    """Whether `href`, resolved against the `page`'s address, is another page's (neither a place in this page, nor a
    script's `javascript:`), both read as one page (`_page_key`): "http://www.site.example/post/?utm_source=x" is
    "https://site.example/post"'s. With no `page` address known, any is (but see `_maybe_the_page`)."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return False
    return _page_key(urljoin(page, href)) != _page_key(page)


def _maybe_the_page(links: list[Any]) -> set[Any]:
    """Of `links` on a page of no known address (fr-pages' records have none), the relative ones if they all name one
    page, which may be this one (its title linking to it); links to several are all but one another page's (fr-pages
    362's carousel, ~50 pages)."""
    relative = [link for link in links if "//" not in link.get("href")]
    return set(relative) if len({_page_key(urljoin("/", link.get("href").strip())) for link in relative}) == 1 else set()


def _page_key(address: str) -> tuple[str | None, str]:
    """The page an `address` names: its host (`models.url_host`: lower case, without `www.`) and its path without a
    trailing slash; not its scheme, query string nor fragment."""
    return url_host(address), urlsplit(urldefrag(address).url).path.rstrip("/")


def _spans_unclassed(tree: Any) -> None:
    """The page without the class and id of each `<span>` in a paragraph holding a sentence (`has_sentence`) that
    trafilatura would discard for them (the first of its `OVERALL_DISCARD_XPATH`: a class holding "widget", "meta",
    "share-"...), as words of the paragraph: an over-blog post's paragraphs in `<span class="yui3-widget
    yui3-inputwidget yui3-htmleditorwidget">`, its editor's, lost 40 % of the article (found by a QA pass). A hidden
    one (the second's `display:none`, `aria-hidden`, a class "hidden") is left to go, and so is one of a few words, a
    byline's `<span class="author">` (which trafilatura's metadata reads by its class) or a date's."""
    from .kinds.shapefeatures import has_sentence  # with the stoplists: loaded where the rule packs run

    _unclassed([span for span in tree.xpath(SPANS_IN_PARAGRAPHS) if has_sentence(_element_text(span))])


class Thread(NamedTuple):
    """A platform's page of one post and its thread (`THREADS`): XPaths to the post the page is about (`post`), from
    it to the block holding the post and its thread (`thread`), to the thread's posts (`posts`), and from a post to the
    block of those the post is a reply to (`replied`); the attributes of a post naming its account (`account`) and the
    account's name (`name`)."""

    post: str
    thread: str
    posts: str
    replied: str
    account: str
    name: str


THREADS = (
    Thread(  # Twitter's status page (twitter.com's markup until 2019)
        post="/html/body[contains(concat(' ', normalize-space(@class), ' '), ' PermalinkPage ')]"
             "//div[contains(concat(' ', normalize-space(@class), ' '), ' permalink-tweet ')][@data-screen-name]",
        thread="ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' permalink ')][1]",
        posts="//div[contains(concat(' ', normalize-space(@class), ' '), ' js-stream-tweet ')][@data-screen-name]",
        replied="ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' permalink-in-reply-tos ')]",
        account="data-screen-name", name="data-name"),
)
"""The thread pages `_thread_kept` reads, a platform each."""


def _thread_kept(tree: Any, drops: _Drops) -> str | None:
    """The name of the account a thread page (`THREADS`) is of ("" if it has none; not its handle, no author's name),
    or None for another page; its post kept, the posts of other accounts dropped (noted in `drops` as "reply", or
    "replied-to" for those the post answers), and the block of the post and its thread marked as the article
    (`itemprop="articleBody"`). A Twitter status page lost the tweet it is about, whose class `with-social-proof`
    holds trafilatura's "social", opened with the thread's second tweet (trafilatura took a tweet's `<div
    class="content">` for the article, then the rest), kept other accounts' replies and had no author (3 fr-pages
    pages, a QA pass). The post path opens with the page's `<body>` class: 0.02 ms a page that is none, where seeking
    the post in the whole page took 0.4-0.8 ms."""
    for thread in THREADS:
        for post in tree.xpath(thread.post)[:1]:
            account = post.get(thread.account)
            for other in tree.xpath(thread.posts):
                if other.get(thread.account) != account:
                    drops.drop(other, "replied-to" if other.xpath(thread.replied) else "reply")
            for block in post.xpath(thread.thread):
                block.set("itemprop", "articleBody")
            _declassed(post)
            return post.get(thread.name, "")
    return None


def _account_author(name: str, extracted: dict[str, Any]) -> str | None:
    """The author of a thread page whose account's name is `name` (`_thread_kept`), tidied as others are
    (`page_author`: "🌧 Jeanne Martin 🌧 (@jeanne_m)" is "Jeanne Martin", "@jeanne_m" none), or None; trafilatura's
    author of the page goes (a name in the thread's text)."""
    extracted.pop("author", None)
    return _page_author(name, extracted) if name else None


EMBED = re.compile(r"embed(?:ded)?")
"""What `_embeds_unclassed` takes out of a wrapper's class: trafilatura's discarded tokens "embed" and "embedded", in
any word (`media_embed`, `embed-twitter`, `embed rich instagram`)."""


def _embeds_unclassed(tree: Any) -> None:
    """The page with each wrapper of an embedded post (`_embed_wrappers`) whose class trafilatura discards for its
    "embed" alone without it (`EMBED`): Slate's tweets in `<div class="media_embed">` were lost in silence, 4 on 3
    fr-pages pages, where those in `<div class="clearfix">` were kept (a QA pass). A tweet need not end as a sentence
    ("Another day, another racist. pic.twitter.com/…"). The rest of the class and the id still count (`_unclassed`):
    `cookie-embed`, `embed ad-slot`, `newsletter-embed`, `id="newsletter-box"` go, as do a video's or a share bar's
    wrapper (no quotation) and a hidden one."""
    _unclassed(_embed_wrappers(tree), _unembedded)


FACEBOOK_EMBED = ("//body//blockquote[starts-with(substring-after(@cite, '//'), 'www.facebook.com/')][ancestor-or-self"
                  "::*[contains(concat(' ', normalize-space(@class), ' '), ' fb-xfbml-parse-ignore ')]]")
"""A Facebook post's or video's embed as its code writes it for a browser without scripts: a `<blockquote cite=
"https://www.facebook.com/<page>/posts/…">` marked `fb-xfbml-parse-ignore` (itself or around it), which Facebook's
script replaces with the post."""


def _facebook_chrome_dropped(tree: Any, drops: _Drops) -> None:
    """The page without the chrome of each embedded Facebook post or video (`FACEBOOK_EMBED`), its text kept as a
    quotation: its attribution, a last `<p>` linking to the post's page ("Gepostet von <a>AJL</a> am Freitag, 30. Juni
    2017", fr-pages 271) or the text after its paragraphs ("Posted by <a>Polygraph</a> on <a>Monday, January 18,
    2016</a>", fr-pages 80's card), in the viewer's language, which the rule packs cannot tell from a blog's byline
    ("Posted by admin on Monday, June 30, 2017"); and a first `<p>` that is one link to it, its title ("Discours de
    Rebecca Chaillon – OUT d'Or…"). Noted in `drops` as "embed-chrome"."""
    for quote in tree.xpath(FACEBOOK_EMBED):
        cite, paragraphs = quote.get("cite"), quote.findall("p")
        if not paragraphs:
            continue
        account, last = "/".join(cite.split("/", 4)[:4]) + "/", paragraphs[-1]  # https://www.facebook.com/<page>/
        if any(node.tag == "a" and node.get("href", "").startswith(account) for node in last.itersiblings()):
            drops.drop_after(last, "embed-chrome")
        elif len(paragraphs) > 1 and _attribution(last, account):
            drops.drop(last, "embed-chrome")
            paragraphs.pop()
        link = _sole_link(paragraphs[0], _element_text(paragraphs[0]))
        if len(paragraphs) > 1 and link is not None and link.get("href") == cite:
            drops.drop(paragraphs[0], "embed-chrome")


def _attribution(paragraph: Any, account: str) -> bool:
    """Whether `paragraph` of an embedded Facebook post is its attribution: a link to the `account` after at most
    `ATTRIBUTION_LEAD_WORDS` ("Gepostet von <a>AJL</a>", "Publié par"), and no sentence's end (`ends_sentence`): the
    post's own last paragraph may link to its page ("Retrouvez nos reportages sur <a>notre page</a> et partagez …", a
    review)."""
    link = next((a for a in paragraph.iter("a") if a.get("href", "").startswith(account)), None)
    if link is None or ends_sentence(text := _element_text(paragraph)):
        return False
    return len(text[:text.find(_element_text(link))].split()) <= ATTRIBUTION_LEAD_WORDS


ATTRIBUTION_LEAD_WORDS = 3
"""The most words before the account's link in an embedded post's attribution ("Posted by", "Gepostet von")."""


def _embed_wrappers(tree: Any) -> list[Any]:
    """The elements of the body of a class holding "embed" around a `<blockquote>` showing words (`_ALNUM`). Sought
    from the few quotations up (0.14 ms a fr-pages page), not by an XPath testing each element's class and
    descendants (`//body//*[contains(@class, 'embed')][.//blockquote]`, 0.7-1.4 ms). Each quotation's letters are
    counted once (`_letter_counts`) and each element on the way up is walked once: each quotation read its nested
    ones' text again and walked all its ancestors, so 1,000 nested embedded posts took 4.9 s (a review)."""
    quotes = list(tree.iter("blockquote"))
    counts = _letter_counts(quotes)
    wrappers: dict[Any, None] = {}  # the walked elements above a quotation showing words, those of an "embed" class
    walked: set[Any] = set()
    for quote in (quote for quote in quotes if counts[quote]):
        for element in quote.iterancestors():
            if element in walked:
                break
            walked.add(element)
            if "embed" in (element.get("class") or "") and element.tag not in ("html", "body"):
                wrappers[element] = None
    return list(wrappers)


def _unembedded(element: Any) -> None:
    """`element` without the "embed" of its class (`EMBED`), the class gone if nothing else is left of it."""
    words = " ".join(EMBED.sub("", element.get("class", "")).split())
    if words:
        element.set("class", words)
    else:
        element.attrib.pop("class")


def _declassed(element: Any) -> None:
    """`element` without its class and id."""
    element.attrib.pop("class", None)
    element.attrib.pop("id", None)


def _unclassed(elements: list[Any], stripped: Callable[[Any], None] = _declassed) -> None:
    """Each of `elements` `stripped` (of its class and id, by default) where trafilatura would discard it (the first
    of its `OVERALL_DISCARD_XPATH`) and would not once stripped, unless it hides it (the second's `display:none`,
    `aria-hidden`, a class "hidden"); one still discarded for what is left of its class and id is left as it was.
    Each element is judged alone (`_judged_alone`): sought in its parent, 999 spans in a paragraph took 9.6 s, and
    1,000 nested embedded posts, each searching all those it holds, 20 s (two reviews)."""
    if not elements:
        return
    from trafilatura.xpaths import OVERALL_DISCARD_XPATH

    discarded, hidden = (_judged_alone(xpath.path) for xpath in OVERALL_DISCARD_XPATH)
    kept: dict[Any, tuple[str | None, str | None]] = {}
    for element in elements:
        if discarded(element) and not hidden(element):
            kept[element] = element.get("class"), element.get("id")
            stripped(element)
    for element in (element for element in kept if discarded(element)):
        for name, value in zip(("class", "id"), kept[element]):
            if value is not None:
                element.set(name, value)


@cache
def _judged_alone(path: str) -> Callable[[Any], bool]:
    """Whether an element meets the tests of trafilatura's XPath `path` (`.//*[…]`, of an element's own attributes), as
    an XPath asked of the element alone (`self::*[…]`), not of all those its parent holds."""
    from lxml.etree import XPath

    alone = XPath("self::*" + path.strip().removeprefix(".//*"), namespaces=_EXSLT)
    return lambda element: bool(alone(element))


def _link_paragraphs_unlinked(tree: Any, url: str | None = None) -> None:
    """The page without the link of each paragraph that is one link to another site and reads as prose (`_link_prose`)
    standing between prose paragraphs (`_between_prose`), its text kept: trafilatura drops a `<p>` whose single link
    holds over 100 characters and 90 % of its text, and a short `<p>` mostly a link (its `link_density_test`), so a
    post citing its sources in linked sentences lost them in silence ("Deuxième jour.", "La défense de Sony … à cet
    égard :" over the quotation it introduces; 15 paragraphs of a cafaitgenre.org post, found by a QA pass, each
    linking another site). Link lists stay links: related articles as runs of such paragraphs or as links to the
    page's own site (`_page_host`, of the page's `url` or its canonical link), a "Lire aussi" link after the article,
    a title without a sentence's end, a tag, a label or a footnote. Decided before any link goes, so that one dropped
    makes no prose neighbour of another. A paragraph that is one written-out address (`_written_address`) loses its
    link wherever it stands."""
    host = _page_host(tree, url)
    texts = {paragraph: _element_text(paragraph) for paragraph in tree.xpath("//body//p[.//a]")}
    found = ((paragraph, _link_prose(paragraph, text, host)) for paragraph, text in texts.items())
    links = {paragraph: link for paragraph, link in found if link is not None}
    unlinked = [link for paragraph, link in links.items()
                if _between_prose(paragraph, links, bool(ITEM_MARK.match(texts[paragraph])))]
    addresses = (_written_address(paragraph, text) for paragraph, text in texts.items())
    for link in unlinked + [link for link in addresses if link is not None]:
        link.drop_tag()


def _written_address(paragraph: Any, text: str) -> Any | None:
    """The link of a `<p>` whose `text` is one link (`_sole_link`) labelled with its address (`shapefeatures.URL`)
    of over `LONG_LINK_CHARS`, else None: a source written out ("[3] Ici quelques liens … :" then its URLs, fr-pages),
    which trafilatura keeps when shorter and no menu or share bar shows."""
    from .kinds.shapefeatures import URL  # with the stoplists: loaded where the rule packs run

    return _sole_link(paragraph, text) if len(text) > LONG_LINK_CHARS and URL.fullmatch(text) else None


LONG_LINK_CHARS = 100
"""The most characters of a `<p>`'s single link that trafilatura keeps (its `link_density_test`): a paragraph that is
one longer link it drops."""


def _link_prose(paragraph: Any, text: str, host: str | None) -> Any | None:
    """The link of a `<p>` whose `text` is one link (`_sole_link`) off the page's `host` (`_cited_link`) and reads as
    prose (`_prose_like`) of `LINK_PROSE_WORDS` or more, no label's nor footnote's (`LINK_LABEL_PARAGRAPH`), else
    None."""
    if not _prose_like(text) or len(text.split()) < LINK_PROSE_WORDS or LINK_LABEL_PARAGRAPH.match(text):
        return None
    link = _sole_link(paragraph, text)
    return link if link is not None and _cited_link(link, host) else None


LINK_PROSE_WORDS = 2
"""The fewest words of a paragraph of one link that is the article's: "Deuxième jour." and "Ou encore :" are
(cafaitgenre.org's, fr-pages), "Politique." is a tag."""
LINK_LABEL_PARAGRAPH = regex.compile(
    r"\[\d+\]|[^\W\d_]+[^\S\n]*:|(?i:voir|lire|regarder|écouter|see|read|watch|view)\b")
"""The start of a paragraph of one link that is no prose of the article: a footnote ("[1] Rapport de …"), a label of one
word ("Source : Le Monde.", "Vidéo : …", a related title's "Municipales : …") and a call to follow it ("Voir la
vidéo.", "Lire la suite", "Watch the video") (a review)."""
TAG_LINK = regex.compile(r"/(?:tags?|category|categories|categorie|catégorie|rubrique)/", regex.IGNORECASE)
"""A link's path to a tag's or a category's page, which a tag list or a post's section links to."""


def _cited_link(link: Any, host: str | None) -> bool:
    """Whether `link` points to another site than the page's `host` (neither host under the other's: `www.` aside,
    `video.lemonde.fr` is `lemonde.fr`'s), as a source cited is: a relative link is the page's site, and where the page
    names no host any other is another's; a tag's or a category's (`rel="tag"`, `TAG_LINK`) is none."""
    href = link.get("href") or ""
    target = url_host(href) if "//" in href else None
    if not target or "tag" in (link.get("rel") or "").split() or TAG_LINK.search(href):
        return False
    return not host or not (target == host or target.endswith("." + host) or host.endswith("." + target))


def _page_host(tree: Any, url: str | None) -> str | None:
    """The host of the page's `url` (`models.url_host`), else of its canonical link or first `og:url`, if any."""
    addresses = [url] if url else tree.xpath("//head/link[@rel='canonical']/@href | "
                                             "//head/meta[@property='og:url']/@content")
    return next((host for address in addresses if (host := url_host(address.strip()))), None)


def _prose_like(text: str) -> bool:
    """Whether a paragraph's `text` reads as prose: it has sentence punctuation (`has_sentence`: a sentence's end or a
    colon ending it) or `PROSE_CHARS` or more (a blog ending its paragraphs with "…")."""
    from .kinds.shapefeatures import has_sentence  # with the stoplists: loaded where the rule packs run

    return len(text) >= PROSE_CHARS or has_sentence(text)


def _sole_link(paragraph: Any, text: str) -> Any | None:
    """The one `<a>` of `paragraph` if its text is all the letters and digits of the paragraph's, `text`, else None."""
    links = list(islice(paragraph.iter("a"), 2))
    return links[0] if len(links) == 1 and len(_letters(_element_text(links[0]))) == len(_letters(text)) else None


LINK_PARAGRAPH_RUN = 2
"""The most paragraphs that are one link each (`_link_paragraphs_unlinked`) side by side between prose: two linked
examples in a row ("Ici, une invitée …" / "Ici, un Youtuber …") are the article's; more are a list of links."""
PROSE_NEIGHBOURS = frozenset({"p", "blockquote"})
"""The blocks that are prose beside a paragraph of one link when they hold a sentence (`_between_prose`): a `<div>`
holds a share bar's "Partager :" as well."""


ITEM_MARK = regex.compile(r"[-–—•*]")
"""The mark of an item of a list the author typed, at a paragraph's start ("-En France, 36 % …"), which no link list
of a page's template holds."""


def _between_prose(paragraph: Any, links: dict[Any, Any], listed: bool) -> bool:
    """Whether `paragraph`, one of `links` (paragraphs of one link that read as prose), stands in a run of at most
    `LINK_PARAGRAPH_RUN` of them between two prose blocks (`PROSE_NEIGHBOURS` that read as prose, not one link each),
    pictures aside: a sibling showing no letter or digit (a picture's `<p>`) or holding an image (its caption's
    `<div class="wp-caption">`). A `listed` paragraph (one opening with an `ITEM_MARK`) needs prose on one side only,
    or a heading of its list (`_heading_like`) with no sentence's end ("=> VIOLENCES SUBIES …"): a template's "Sur le
    web" over its link list and "Publicité" under it are neither."""
    run, neighbours = 1, []
    for siblings in (paragraph.itersiblings(preceding=True), paragraph.itersiblings()):
        for sibling in siblings:
            if sibling in links:
                run += 1
                if run > LINK_PARAGRAPH_RUN:  # a list: walked no further (a run of 20,000 took 19 s)
                    return False
            elif _ALNUM.search(text := _element_text(sibling)) and next(sibling.iter("img"), None) is None:
                break
        else:
            return False
        prose, headed = _prose_like(text), listed and _heading_like(sibling)
        if ((sibling.tag not in PROSE_NEIGHBOURS and not headed) or not (listed or prose)
                or _sole_link(sibling, text) is not None):
            return False
        neighbours.append(prose or headed)
    return any(neighbours)


HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
"""The tags of a heading: one beside an item of a list the author typed (`_heading_like`), one whose parts glued are
two words (`_heading_parts_spaced`)."""
UNBOLD_TEXT = ("//text()[normalize-space()][not(ancestor::*[self::b or self::strong"
             " or contains(translate(@style, ' ', ''), 'font-weight:bold')])]")
"""An XPath of an element's text that shows in no bold: out of any `<b>`, `<strong>` or `font-weight:bold` style."""


def _heading_like(element: Any) -> bool:
    """Whether `element` heads what follows: a `<h1>` to `<h6>` (`HEADING_TAGS`), or a `<p>` whose text is all bold
    (`UNBOLD_TEXT`: wixsite's `<p><span style="font-weight:bold">=&gt; VIOLENCES:</span></p>`, fr-pages)."""
    return element.tag in HEADING_TAGS or (element.tag == "p" and not element.xpath("." + UNBOLD_TEXT))


SPANS_IN_PARAGRAPHS = "//body//span[@class or @id][ancestor::p]"
"""The `<span>`s of `_spans_unclassed`: of a class or an id, in a paragraph of the body. `//body//p//span` gives them
in a time that grew as the square of the page's paragraphs, libxml2 merging each one's (6.4 s for 20,000, a review)."""


def _set_aside(element: Any) -> bool:
    """Whether a block stands apart from the text around it: its parent is a block but a paragraph (not a `<p>` or an
    inline element: a `<span>`), with no text right before or after it. A `<p>` that `_divs_as_paragraphs` made of a
    `<div>`'s text is that `<div>`, as the page wrote it (Mediapart's `<div class="media"><img> <span class="legend">`
    caption, fr-pages 514, was taken for words of a paragraph)."""
    parent, previous = element.getparent(), element.getprevious()
    if (parent.tag == "p" and parent.get(MADE_PARAGRAPH) is None) or (parent.tag not in LINE_BREAKING
                                                                      and parent.tag != "body"):
        return False
    before = previous.tail if previous is not None else parent.text
    return not (before or "").strip() and not (element.tail or "").strip()


CAPTION_CLASS = _class_words("l[eé]gende")
"""A class that says its element is a picture's caption in French: a word of it (whole, or between hyphens or
underscores) "legende" or "légende" (Cheek's `<p class="legende">`, `image-legende`), in any case. trafilatura drops
the elements whose class holds "caption" only."""
CAPTION_CHARS = 300
"""The most text a caption holds: an element of a caption's class that holds more is no caption (fr-pages's longest
holds 133 characters)."""
LEGEND_CLASS = _class_words("legend")
"""A class that says its element may be a picture's caption in English: a word of it "legend" (Slate's `<p
class="media_legend">`, Libération's blogs' `image-legend`), in any case; one only where it captions a picture
(`_pictured`): Slate sets its French translation of a quoted tweet in a `media_legend` too, article text (fr-pages
277, a QA pass)."""
MEDIA_BOX_CLASS = re.compile(r"(?:^|\s)aside_media_\w+", re.IGNORECASE)
"""A class that says its element is a box of media beside the text (Slate's `aside_media_half`), holding a picture
and its caption."""
PLAYER_CLASS = re.compile(r"(?:^|\s)player-inline(?:$|\s)", re.IGNORECASE)
"""A class that says its element is an inline player, an episode's, set in an article: a name of it "player-inline",
whole. Not "player" (ARTE Radio's site-wide `<section class="player">`, whose labels "Dans la playlist" / "Le son a bien
été ajouté à la liste de lecture" `arte.radio-page-end` reads to find the page's end: dropped, it left the end on 7
fr-pages pages), nor a word between hyphens (France Culture's `<h1 class="… player-title">` is the page's title)."""
PLAYER_CHARS = 500
"""The most text an inline player holds (its label, buttons, duration; fr-pages's longest holds 224 characters): an
element of a player's class that holds more holds an article too, a transcript."""
SET_ASIDE_CLASSES = ((CAPTION_CLASS, CAPTION_CHARS, "caption", False), (LEGEND_CLASS, CAPTION_CHARS, "caption", True),
                     (PLAYER_CLASS, PLAYER_CHARS, "player", False))
"""The classes of `_captions_and_players_dropped`, each with the most text an element of it holds, the step that
drops it (`DROPPED`) and whether it goes only where it captions a picture (`_pictured`)."""
SET_ASIDE_PIECES = ("legend", "légende", "player-inline")
"""What the class of a caption or an inline player holds, sought by `_classed` (`SET_ASIDE_CLASSES` tells which are
one): in any case, as the leads' and pull quotes' (an XPath of its own, `contains()` on the words but their first
letter, missed `class="LEGENDE"`)."""


def _captions_and_players_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without its pictures' captions and its players (`SET_ASIDE_CLASSES`), which trafilatura kept as lines
    of the text (found by a QA pass): Cheek's `<p class="legende">Stéphanie Pahud</p>` under a photo, France Inter's
    `<article class="player-inline">`, an episode's label "DANS QUEL MONDE ON VIT - mix lectures mères porteuses
    Nicole" and its duration. On fr-pages this changed the text of 4 pages, each read: 3 Cheek pages' 5 captions and
    France Inter's player. `classed`: the page's elements that may be one (`_classed_dropped`)."""
    for element in _in_page(tree, classed, SET_ASIDE_PIECES):
        step, pictured = next(((step, pictured) for pattern, most, step, pictured in SET_ASIDE_CLASSES
                               if pattern.search(element.get("class")) and _short_text(element, most) is not None),
                              (None, False))
        if step and _set_aside(element) and (not pictured or _pictured(element)):
            drops.drop(element, step)


def _pictured(element: Any) -> bool:
    """Whether `element` captions a picture: the element right before it is an `<img>` or holds one (Slate's `<p><img
    ></p>` over its `<p class="media_legend">`), or it is in a `<figure>` or a media box (`MEDIA_BOX_CLASS`) that holds
    one; a comment between them is no element."""
    previous = next((node for node in element.itersiblings(preceding=True) if isinstance(node.tag, str)), None)
    if previous is not None and next(previous.iter("img"), None) is not None:
        return True
    return any(next(box.iter("img"), None) is not None for box in element.iterancestors()
               if box.tag == "figure" or MEDIA_BOX_CLASS.search(box.get("class") or ""))


AUTHOR_BIO_CLASS = _class_words(r"(?:auteur|author)[_-]?bio", r"bio[_-]?(?:auteur|author)")
"""A class that says its element is the box of the author's bio: a word of it (whole, or between hyphens or
underscores) `auteur_bio`, `author-bio`, `authorbio`, `bio-auteur`, in any case."""
AUTHOR_BIO_PIECES = ("bio",)
"""What the class of an author's bio box holds, sought by `_classed` (`AUTHOR_BIO_CLASS` tells which are one)."""
AUTHOR_BIO_CHARS = 1000
"""The most text an author's bio box holds (a name, a few sentences, a link to the author's posts): an element of
its class that holds more holds the article too."""


def _author_bios_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without its authors' bio boxes (`AUTHOR_BIO_CLASS`, at most `AUTHOR_BIO_CHARS`), no part of the
    article, which trafilatura kept as lines of the text (found by a QA pass: Contre-attaque(s)'s `<div
    class="auteur_bio">` in the column beside the article, its `<div class="chapo bio">` the text's second line,
    "Psychologue, psychanalyste, …"). The article's own lead, outside the box, stays. `classed`: the page's elements
    that may be one (`_classed_dropped`). One in a part trafilatura discards anyway stays (`_Drops.discarded_anyway`):
the author's steps read its name there (a WordPress `<div class="author-bio">`'s "Voir tous les articles par …")."""
    for element in _in_page(tree, classed, AUTHOR_BIO_PIECES):
        if (AUTHOR_BIO_CLASS.search(element.get("class")) and _short_text(element, AUTHOR_BIO_CHARS) is not None
                and not drops.discarded_anyway(element)):
            drops.drop(element, "author-bio")


FILTERS_CLASS = _class_words("filters")
"""A class that says its element is a bar of filters, controls a script reads: the word `filters` (whole, or between
hyphens or underscores: the Pudding's `filters`, `filters-row`, `filters-mobile`), in any case."""
FILTERS_PIECES = ("filters",)
"""What the class of a bar of filters holds, sought by `_classed` (`FILTERS_CLASS` tells which are one)."""


def _filters_dropped(tree: Any, classed: list[Any], drops: _Drops) -> None:
    """The page without its bars of filters (`FILTERS_CLASS`) that hold no sentence (`has_sentence`): labels a script
    makes buttons of, which trafilatura kept as lines of the text (the Pudding's `<p class="filter-item">` "All
    Genres", "Action", "Drama", … and its search box's "Search" between a chart's legend and its title, fr-pages 80).
    `classed`: the page's elements that may be one (`_classed_dropped`). One showing over `FILTERS_CHARS` is none, told
    before its text is read: nested bars were each read whole, 5,000 took 4 s (a review)."""
    from .kinds.shapefeatures import has_sentence  # with the stoplists: loaded where the rule packs run

    bars = {element for element in _in_page(tree, classed, FILTERS_PIECES)
            if FILTERS_CLASS.search(element.get("class")) and not _shows_over(element, FILTERS_CHARS)
            and not has_sentence(_element_text(element))}
    for element in _outermost(tree, bars):
        drops.drop(element, "filters")


FILTERS_CHARS = 1000
"""The most characters a bar of filters shows, whitespace aside: labels (fr-pages' longest shows 292)."""


DROPPED_PIECES = (*CLOSE_PIECES, *PULL_QUOTE_PIECES, *QUOTE_PIECES, *SET_ASIDE_PIECES, *AUTHOR_BIO_PIECES,
                  *FILTERS_PIECES)
"""What the classes of the elements `_classed_dropped` drops hold: sought once for the six steps."""


def _classed_dropped(tree: Any, drops: _Drops) -> None:
    """The page without its pop-ups, pull quotes (named or repeated), captions and players, authors' bio boxes and
    bars of filters, in that order, the elements of their classes found by one `_classed` search of the page for the
    six steps (`DROPPED_PIECES`): a search each took 5-6 % of the extraction's time on fr-pages together (a review).
    What goes is noted in `drops`."""
    classed = _classed(tree, DROPPED_PIECES)
    _popups_dropped(tree, classed, drops)
    _pull_quotes_dropped(tree, classed, drops)
    _repeated_quotes_dropped(tree, classed, drops)
    _captions_and_players_dropped(tree, classed, drops)
    _author_bios_dropped(tree, classed, drops)
    _filters_dropped(tree, classed, drops)


def _comments_dropped(tree: Any, drops: _Drops) -> None:
    """The page without the comments that trafilatura keeps: the outermost elements whose class says they are comments
    (`COMMENT_CLASS`) in no part its own pruning of comments takes (`REMOVE_COMMENTS_AND_LISTS_XPATH`, which reads a
    class that starts with "comment" alone), as it reads none with `include_comments=False` (found by a QA pass:
    nouvelobs's `<li class="ObsComments-comment">`, a reader's "J'ai vécu un premier accouchement sans pousser…", the
    text's last line, its pseudonym's link empty for `fr.comment-glued`). On a forum's thread (trafilatura's
    `_forum_thread_page`), whose posts are in comments' elements, none goes; nor one that is or holds an `<article>`,
    a `<main>` or an `<h1>`: the page's (`<article class="post no-comments">`)."""
    from trafilatura.core import _forum_thread_page
    from trafilatura.xpaths import REMOVE_COMMENTS_AND_LISTS_XPATH

    if _forum_thread_page(tree):
        return
    pruned = {element for xpath in REMOVE_COMMENTS_AND_LISTS_XPATH for element in xpath(tree)}
    comments = {element for element in tree.xpath("//body//*[@class]") if COMMENT_CLASS.search(element.get("class"))}
    page = len(tree.text_content())
    for element in _outermost(tree, comments | pruned):
        if (element not in pruned and next(element.iter("h1", "article", "main"), None) is None
                and len(element.text_content()) <= page / 2):
            drops.drop(element, "comment")


def _discarded_parts(tree: Any) -> set[Any]:
    """The parts of the page trafilatura discards anyway, guarded as its `prune_unwanted_nodes` guards them: the
    outermost elements its `OVERALL_DISCARD_XPATH` matches, or none when what is left of the page's text without them
    is a seventh of it or less (an article's wrapper of a "page" class; six share blocks holding a transcript's parts).
    On fr-pages this leaves out ARTE Radio's 42 "Copier" buttons (a sharing modal) and France Culture's players (a
    `share-zone`). Each part was judged alone, as at most a quarter of the page, before: trafilatura's own guard, on all
    of them together, kept some of those (a review), and the text of nested matches was counted again at each level
    (a page 200 deep: 0.6 → 3.9 s)."""
    from trafilatura.xpaths import OVERALL_DISCARD_XPATH

    matched = dict.fromkeys(element for xpath in OVERALL_DISCARD_XPATH for element in xpath(tree))
    outer = [element for element in matched if not any(a in matched for a in element.iterancestors())]
    page = len(tree.text_content())
    return set(outer) if page - sum(len(element.text_content()) for element in outer) > page / 7 else set()


def _holds_lead(element: Any) -> bool:
    """Whether `element` is or holds an element of a lead's class (`LEAD_CLASS`)."""
    return any(LEAD_CLASS.search(node.get("class") or "") for node in element.iter() if isinstance(node.tag, str))


class _Apart(NamedTuple):
    """A drop in a part trafilatura discards anyway (`_Drops.anyway`): its place in the page, its step, the element
    (its text is read only where trafilatura fell back: `_last_resort_reads`) and the parent it went from."""

    place: int
    step: str
    element: Any
    parent: Any


class _Drops:
    """What the steps before extraction drop from a page (`DROPPED`): each element showing text (`_element_text`), by
    the step that dropped it, in the page's order, but for one in a part trafilatura discards anyway
    (`_discarded_parts`), whose text would not be in the extraction either, unless trafilatura's last resort would
    have read it (`list_anyway`). They went unsaid: Slate's pull quote and its name line, 269 characters, were in no
    diff or review (a QA pass)."""

    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.found: list[tuple[int, str, str]] = []  # (place in the page, step, text)
        self.anyway: list[_Apart] = []
        self.order: dict[Any, int] = {}
        self.discarded: set[Any] = set()
        self.inside: dict[Any, bool | None] = {}
        """Element → whether it is in a part of `discarded`, None when it went with an element dropped (`_where`)."""

    def drop(self, element: Any, step: str) -> None:
        """Drop `element` from the page (its tail stays), its text noted under `step`, apart when trafilatura discards
        it anyway (`discarded_anyway`); nothing when it went already, in an element dropped before (a step's elements
        are found before it drops any: a caption's box and the caption in it each noted its text, the lightbox's copy
        too, "count": 3 on fr-pages 721). Its text is in the one that went, under that one's step and within its
        `DROPPED_CHARS`: a caption inside a dropped player is not listed as a caption."""
        apart = self.discarded_anyway(element)  # first asked, it numbers the page's elements (`order`)
        if apart is None:
            return
        if apart:
            self.anyway.append(_Apart(self.order[element], step, element, element.getparent()))
        elif text := _element_text(element):
            self.found.append((self.order[element], step, text))
        element.drop_tree()
        self.inside.update(dict.fromkeys(element.iter(), None))

    def list_anyway(self, read: list[_Apart]) -> None:
        """List the drops of `anyway` that trafilatura's last resort would have read (`_last_resort_reads`): Al
        Jazeera America's five teasers' boxes, dropped as cards (fr-pages 390)."""
        self.found += [(drop.place, drop.step, _element_text(drop.element)) for drop in read]

    def drop_after(self, element: Any, step: str) -> None:
        """Drop what follows `element` in its parent, its tail and the elements after it (an embed's attribution
        written after its paragraphs), noted as one text under `step`."""
        after = element.makeelement("span", {})
        after.text, element.tail = element.tail, None
        after.extend(list(element.itersiblings()))
        element.addnext(after)
        if self.order:
            self.order[after] = self.order[element]
        self.drop(after, step)

    def discarded_anyway(self, element: Any) -> bool | None:
        """Whether `element` is in a part of the page trafilatura discards anyway (`_discarded_parts`) and holds no lead
        (`_holds_lead`), which the lead step would put back in the text: a phone's copy of the lead, `class="chapo
        hide-desktop"`, went unlisted (a review). None when it went already, in an element dropped before."""
        if not self.order:  # told when first asked, before any has gone: what a step drops was in the page then
            self.order = {node: n for n, node in enumerate(self.tree.iter())}
            self.discarded = _discarded_parts(self.tree)
        where = self._where(element)
        return where and not _holds_lead(element)

    def _where(self, element: Any) -> bool | None:
        """Whether `element` is or is in a part of `discarded`, or None when it went with an element dropped before;
        each element on the way up told once (`inside`): the ancestors of every drop, walked each, took 2.7 s of CPU for
        30,000 captions 240 deep."""
        way: list[Any] = []
        node = element
        while node is not None and node not in self.inside and node not in self.discarded:
            way.append(node)
            node = node.getparent()
        where = node is not None and self.inside.get(node, True)  # a node met and not told is a part of `discarded`
        self.inside.update(dict.fromkeys(way, where))
        return where

    def distinct(self) -> Counter[tuple[str, str]]:
        """How many times each (step, text) went, in the page's order of its first."""
        return Counter((step, text) for _, step, text in sorted(self.found))

    def listed(self) -> list[dict[str, Any]]:
        """`DROPPED`'s entries: the first `DROPPED_MOST` distinct (step, text) in the page's order, each text cut to
        `DROPPED_CHARS`, with a `count` when it went more than once (a caption in a picture and in its lightbox)."""
        return [{"step": step, "text": text if len(text) <= DROPPED_CHARS else text[:DROPPED_CHARS - 1] + "…",
                 **({"count": count} if count > 1 else {})}
                for (step, text), count in islice(self.distinct().items(), DROPPED_MOST)]

    def unlisted(self) -> str | None:
        """A warning when more than `DROPPED_MOST` distinct elements went, or None."""
        if (distinct := len(self.distinct())) <= DROPPED_MOST:
            return None
        return (f"{distinct:,} elements with text were dropped before extraction: meta.extracted.{DROPPED} "
                f"lists the first {DROPPED_MOST}")


def _in_page(tree: Any, classed: list[Any], pieces: tuple[str, ...]) -> list[Any]:
    """The elements of `classed` whose class holds one of `pieces` (as `_classed` seeks them) that are still in the
    page `tree`: a step before may have dropped them, or what holds them. Each element on the way up is told once (the
    ancestors of every element, walked each, took 10 s for 30,000 of them 240 deep: a review)."""
    wanted, told = _pieces(pieces), {tree: True}  # element → whether it is in the page
    found = []
    for element in classed:
        if not wanted.search(element.get("class") or ""):
            continue
        path, node = [], element
        while node is not None and node not in told:
            path.append(node)
            node = node.getparent()
        inside = node is not None and told[node]
        told.update(dict.fromkeys(path, inside))
        if inside:
            found.append(element)
    return found


PROSE_PARAGRAPHS = 2
"""How many paragraphs of prose (`PROSE_CHARS`) an `<article>` holds at least to be a part of the text, not a teaser's
card (a headline and a line of summary): `_articles_joined`; and a run of `<div>`s with no `<p>`, not a footer's lines
(`_prose_run`)."""
PROSE_CHARS = 100
"""The fewest characters of a paragraph of prose (fr-pages's Franceinfo chapters' shortest first three: 203, 578)."""


def _articles_joined(tree: Any) -> None:
    """The page with its first `<article>` and the `<article>` elements beside it (its siblings) that hold prose
    (`_prose`) set in one `<article>`, when the first holds prose too: trafilatura reads the first `<article>` alone,
    and a page that splits its text over several lost the rest in silence (found by a QA pass: Franceinfo's "GRAND
    FORMAT" on medical fatphobia, its intro kept, 939 of ~18,000 characters, its four chapters lost). The parts become
    `<div>` elements, and what lies between them goes in with them, in its place. Teasers' cards beside an article
    (a headline and a line of summary each) hold no prose and stay out; so do the articles beside another than the
    first (a blog's related posts, whole, under its own), and posts of their own (`_own_post`: a blog's home page of
    whole posts, a listing's excerpts, which a review found joined)."""
    first = next(tree.iter("article"), None)
    siblings = first.itersiblings("article") if first is not None else ()
    parts = [sibling for sibling in siblings if _prose(sibling) and not _own_post(sibling)]
    if not parts or not _prose(first):
        return
    parts.insert(0, first)
    parent, last = first.getparent(), parts[-1]
    joined = parent.makeelement("article", {})
    parent.insert(parent.index(first), joined)
    joined.extend(parent[parent.index(first):parent.index(last) + 1])
    joined.tail, last.tail = last.tail, None
    for part in parts:
        part.tag = "div"


def _prose(article: Any) -> bool:
    """Whether an `<article>` holds `PROSE_PARAGRAPHS` paragraphs of `PROSE_CHARS` or more."""
    return _prose_texts(map(_element_text, article.iter("p")))


def _prose_texts(texts: Iterable[str]) -> bool:
    """Whether `PROSE_PARAGRAPHS` of `texts` or more are of `PROSE_CHARS` or more."""
    return sum(len(text) >= PROSE_CHARS for text in texts) >= PROSE_PARAGRAPHS


POST_CLASS = re.compile(r"(?:^|\s)(?:hentry|type-post|post-\d+)(?:$|\s)")
"""A class of a post's `<article>` (WordPress's `post-1234 post type-post hentry`): one of a blog's home page."""
POST_PARTS = ("descendant::time or descendant::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
              "/descendant::a[@href and not(starts-with(@href, '#'))] or descendant::*[@rel='author']")
"""What an `<article>` of a post of its own holds (an XPath test): its date, a heading linking to it (a listing's
card; a link to a place in the page, a long read's chapter's `<a href="#c2">` to itself, is none), its author's link."""
BYLINE_CLASS = re.compile(r"(?:^|\s)(?:byline|author)(?:$|\s)", re.IGNORECASE)
"""A class of a byline (`<p class="byline">`, `<span class="author vcard">`): the word whole, as `POST_CLASS`'s (a
quotation's `<cite class="quote-author">` is none)."""
_UNQUOTED_CLASSED = ".//*[@class][not(ancestor-or-self::blockquote or ancestor-or-self::cite)]"
"""The elements of a class in an element, but a quotation's (an XPath): a quotation's author is not the article's."""


def _own_post(article: Any) -> bool:
    """Whether an `<article>` is a post of its own, not a part of another's text: its class is a post's
    (`POST_CLASS`), or it holds its date, its title linking to it, or its byline (`POST_PARTS`, `BYLINE_CLASS`). A
    blog's home page of whole posts and a listing of excerpts with their "Read more" were joined in one text (a
    review); Franceinfo's chapters (fr-pages's GRAND FORMAT) hold none of these, a plain `<h2>` and prose; nor do a
    long read's chapters whose headings link to themselves or that quote someone (a review found both left out)."""
    if POST_CLASS.search(article.get("class") or "") or article.xpath(POST_PARTS):
        return True
    return any(BYLINE_CLASS.search(element.get("class")) for element in article.xpath(_UNQUOTED_CLASSED))


def _stopped(parser: Any) -> bool:
    """Whether lxml's `parser` stopped at one of libxml2's limits in its last run (its error log says so)."""
    return any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)


def _stub(html: str, tree: Any, url: str | None) -> str | None:
    """The visible text of a short redirect or error page, or None for any other page. A meta refresh to another page
    (`_redirects`) makes one only under `STUB_PROSE_CHARS` of visible text, as a notice in the first words does: an
    article with a refresh is still an article (a news site's that reloads it every half hour, a `<noscript>` one to
    its version without scripts)."""
    if len(html) > 50 * STUB_MAX_CHARS:
        return None
    visible = _element_text(tree) if tree is not None else " ".join(_TAG.sub(" ", html).split())
    if len(visible) >= STUB_MAX_CHARS:
        return None
    title = (tree.findtext(".//title") if tree is not None else None) or ""
    heading = (tree.findtext(".//h1") if tree is not None else None) or ""
    if (_notice(title) or _notice(heading)
            or (len(visible) < STUB_PROSE_CHARS and (STUB.search(visible[:200]) or _redirects(tree, url)))):
        shown = _SPACE_BEFORE_MARK.sub("", visible) if tree is not None else visible
        return shown[:120] or title or "(meta refresh)"
    return None


def _redirects(tree: Any, url: str | None) -> bool:
    """Whether the page's meta refresh, the first, as a browser follows it, sends to another page than the document's
    `url`: its URL resolved against the page's `<base href>` and `url` is another (a fragment aside). A refresh with
    no URL, or with the page's own (`url=/a` on /a), reloads the page. One in a comment is none (the parser drops
    comments); one in `<noscript>` counts: cleaner reads a page as a browser without scripts does, and a short page
    with one is a script redirect's fallback for such browsers."""
    if tree is None:
        return False
    refresh = tree.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh') = 'refresh'][@content]")[:1]
    if not refresh or not (read := _REFRESH.match(refresh[0].get("content"))):
        return False
    target = (read[2] if read[1] else read[3]).strip()
    if not target:
        return False
    base = urljoin(url or "", (tree.xpath("//base/@href")[:1] or [""])[0].strip())
    return urldefrag(urljoin(base, target)).url != urldefrag(url or "").url


_ERROR_TITLE = re.compile(r"\A\s*(?:40[0134]|410|50[0234])\s*(?:[|·•:–—-]\s*(?=.{0,40}\Z)"
                          r"[^|·•:–—\d\s-]+(?:\s+[^|·•:–—\d\s-]+){0,3})?\s*\Z")
"""An HTTP error code alone, or before a name of at most four words and no digits (a site's, not a headline's)."""


def _error_title(tree: Any, text: str) -> str | None:
    """The title of a page whose main text is short (`STUB_MAX_CHARS`) and whose title is an HTTP error code, alone
    or before the site's name ("404 | Glamour"), or a notice ("Roseaux — Page non trouvée") over a text with no
    line of prose: an error page that says so only in its title or its own words ("OUTCH ÇA BUGUE"), under a menu
    that trafilatura took for its text (two fr-pages pages were kept, a menu their whole text)."""
    title = (tree.findtext(".//title") or "").strip()
    if len(text) >= STUB_MAX_CHARS:
        return None
    return title if _ERROR_TITLE.match(title) or (_notice(title) and not _PROSE_LINE.search(text)) else None


def _element_text(element: Any) -> str:
    """The text of an lxml `element` (a page's tree too) and its descendants as a browser shows it (`_shown_lines`),
    each run of whitespace and each line break one space: no space where an inline element starts or ends without
    whitespace (`<h4>Kit dans <em>The L Word</em>, deux</h4>` was "Kit dans The L Word , deux", no line of the text,
    and the heading was missed: a QA pass), and without its scripts' and styles' (`UNSHOWN`; its `<title>` it shows,
    in the tab): a short redirect page with a Google Tag Manager snippet of 334 characters was too long for a stub,
    and an error page's notice quoted its JavaScript ("404 Not Found var a=1;…"). Walked, not sought by XPath
    (`.//text()[not(ancestor::script …)]`), whose time grew as the square of an element's text nodes: 3.3 s for a
    `<p>` of 12,000 `<time>`s. A script's or a style's text is its own: the parser makes no element in them."""
    return " ".join(_shown_lines(element).split())


def _short_lines(element: Any, most: int) -> str | None:
    """`_shown_lines(element)` when it is at most `most` characters long, else None, read no further than that: a step
    that asks it of each of nested blocks reads each once, not once a block holding it (250 `<blockquote>`s left open
    over 3,000 paragraphs took 6.8 s, 0.6 without them; as many `<time>`s, 32 s)."""
    parts, size = [], 0
    for part in _shown_parts(element):
        size += len(part)
        if size > most:
            return None
        parts.append(part)
    return "".join(parts)


def _short_text(element: Any, most: int) -> str | None:
    """`_element_text(element)` when it is at most `most` characters long, else None (`_short_lines`: the line breaks
    it makes spaces are one character too)."""
    lines = _short_lines(element, most)
    return None if lines is None else " ".join(lines.split())


def _shown_texts(element: Any, known: Any = ()) -> Iterator[Any]:
    """The texts `element` shows (`_element_text`), in order, with a descendant in `known` in place of its own. Walked
    as `_walked` walks, each node's children one at a time: a reader that stops early (`_shows_over`) does not pay for
    the thousands of paragraphs beside the first (each teaser's box was an article of 6,000: 10.7 s)."""
    for event, node in _walked(element, known):
        if event == "start":
            if node.text and isinstance(node.tag, str) and node.tag not in UNSHOWN:  # a comment's is not shown
                yield node.text
            continue
        if event == "passed":
            yield node
        if node.tail and node is not element:
            yield node.tail


NO_ARTICLE_REMOVED = 0.5
"""The share of a main text the rule packs (or the learned boilerplate) must remove for `no_article` to reject what is
left without a sentence: TED's menu, arte radio's page end and Facebook's related pages removed 90 % to 100 %."""
LISTING_REMOVED = 0.9
"""The share of a main text the rule packs must remove for `no_article` to reject what is left of a listing
(`_listing_left`): bafe.fr's index pages lost 97 % and 98 % to `fr.latest-links`, fr-pages' next page 73 %."""
LISTING_TEASERS = 3
"""The lines cut short (`_CUT_END`: "[…]", "…"), as teasers' excerpts are, that make a main text a listing."""


def no_article(page: Document, out: Cleaned) -> Rejected | None:
    """The rejection of a page whose main text holds no sentence once the rule packs have cleaned it (`_no_sentence`
    of the clean text), as `extract_html` rejects one whose main text holds none before: trafilatura found a site's
    frame and no article, and a sentence of the frame let it pass (TED's menu, "please turn JavaScript on.", over a
    talk whose transcript the page does not hold: `ted.site-menu` took 1,510 of its 1,527 characters, and the
    speaker's name was kept as a document). Only when the rules removed most of it (`NO_ARTICLE_REMOVED`): a poem, a
    one-line brief or a headline-only page has no sentence either, and losing its share line left it one. So is a
    listing page the rules left one teaser of (`_listing_left`). `page` is the document as read, which the rejection
    carries."""
    removed = len(out.document.text) - len(out.text)
    if removed >= NO_ARTICLE_REMOVED * len(out.document.text) and _no_sentence(out.text):
        what = "has no sentence once the rule packs have cleaned it"
    elif teasers := _listing_left(out.document.text, out.text):
        what = (f"is a listing ({teasers} lines cut short, as teasers' excerpts are), of which the rule packs left a "
                "teaser")
    else:
        return None
    rules = sorted(summary_of(out.record())["rules"].items(), key=lambda rule: -rule[1])
    named = ", ".join(f"{rule} {chars:,}" for rule, chars in rules[:3]) + (", ..." if len(rules) > 3 else "")
    return _reject(page, "empty_extraction", f"{_where(page)}: trafilatura's main text {what} (they removed "
                                             f"{removed:,} of its {len(out.document.text):,} characters: {named}): "
                                             f"{' '.join(out.text.split())[:120]!r}")


def _listing_left(raw: str, text: str) -> int:
    """How many lines of `raw`, a main text, are cut short (`_CUT_END`), when `text`, what the rule packs left of it,
    is a listing's remains; else 0. bafe.fr's index pages, lists of teasers, each an excerpt cut with "[…]" under its
    title and over its source's name, were kept as one teaser's excerpt and name, all `fr.latest-links` left ("…
    n'existent quasiment[…]" / "Kiffe ta race", a QA pass). Remains are under `STUB_PROSE_CHARS`, end as a teaser does
    (a line cut short or a source's name: no sentence's end), and are what is left of a main text the rules took
    nearly all of (`LISTING_REMOVED`) that has `LISTING_TEASERS` lines cut short or more. A short article under a list
    of teasers ends with its sentence, and a tweet under the site's frame holds no teasers."""
    if (len(text) >= STUB_PROSE_CHARS or len(text) > (1 - LISTING_REMOVED) * len(raw)
            or ends_sentence(text.rsplit("\n", 1)[-1])):
        return 0
    teasers = sum(1 for line in raw.splitlines() if _CUT_END.search(line))
    return teasers if teasers >= LISTING_TEASERS else 0


def _no_sentence(text: str) -> bool:
    """Whether a short main text (under `STUB_PROSE_CHARS`) has no line with sentence punctuation (`has_sentence`):
    a page with no prose, whose text is its title, dates, byline and share bar (an image-only comic, where
    trafilatura fell back on the `<article>`'s text)."""
    from .kinds.shapefeatures import has_sentence  # with the stoplists: loaded where the rule packs run

    return len(text) < STUB_PROSE_CHARS and not any(has_sentence(line.strip()) for line in text.splitlines())


_PROSE_LINE = re.compile(r"^[^\S\n]*+\S+(?:[^\S\n]++\S+){7}", re.MULTILINE)
"""A line of eight words or more: a sentence, where a menu's items are a few words each."""


STUB_HEAD_LINES = 8
"""In a long main text, a notice line counts only among its first lines: a missing page that lists the
site's favourite articles below its notice, a login wall above a list of videos."""


def _notice_line(text: str) -> str | None:
    """The first line of the main text that is a `_notice` (of its first `STUB_HEAD_LINES` lines when it
    is `STUB_MAX_CHARS` or longer): what trafilatura finds in a stub whose page is too long for `_stub`
    (menus, scripts) is the menu and the notice."""
    lines = text.splitlines()
    if len(text) >= STUB_MAX_CHARS:
        lines = lines[:STUB_HEAD_LINES]
    return next((line.strip() for line in lines if _notice(line)), None)


def _notice(line: str) -> bool:
    """Whether a title or heading is an error or redirect notice: `STUB` phrases make at least 40 % of it
    ("403 Forbidden", "Page not found – Site"), where an article's title only mentions one ("Cloudflare :
    une panne « Bad Gateway » paralyse des milliers de sites"). In a redirect notice, a URL is where it sends, not
    words of it: "Redirecting to https://www.lesinrocks.com/2017/01/08/actualite/…/." is a notice. Elsewhere it
    counts: an article's line quoting an error page ("Page introuvable : https://immatriculation.ants.gouv.fr/…") is
    none."""
    if _REDIRECT_NOTICE.search(line):
        line = _URL.sub("", line)
    found = sum(len(m.group()) for m in STUB.finditer(line))
    return found > 0 and found >= 0.4 * len(line.strip())


AUTHOR_LEADS = {
    "fr": ("par", "publié par", "posté par", "écrit par", "rédigé par", "propos recueillis par",
           "entretien réalisé par", "repéré par", "voir tous les articles par", "auteur", "auteure", "autrice"),
    "en": ("by", "posted by", "written by", "words by", "view all posts by", "author"),
    "es": ("por", "autor", "autora", "escrito por"),
    "de": ("autor", "autorin", "geschrieben von", "ein beitrag von", "ein gastbeitrag von", "ein kommentar von",
           "kommentar von", "gastbeitrag von"),
    "it": ("autore", "autrice", "scritto da", "a cura di", "articolo di"),
    "pt": ("por", "autor", "autora", "escrito por"),
    "nl": ("geschreven door", "auteur", "door:", "door onze redacteur", "door onze redactrice",
           "door onze correspondent", "door onze verslaggever", "door onze verslaggeefster"),
    "ar": ("بقلم", "كتب", "كتبت", "حاوره", "حاورته", "أجرى الحوار"),
    "ha": ("daga",),
    "lg": ("bya",),
    "so": ("waxaa qoray",),
    "yo": ("láti ọwọ́",),
}
"""A byline's lead before the author's name, by language: the words the rule packs' byline rules take before a name in a
text (`fr.byline`, `fr.byline-credit`, `en.byline`, `en.byline-credit`, `es.byline`, `de.byline`, `it.byline`,
`pt.byline`, `nl.byline`, `ar.byline`, `ha.byline`, `lg.byline`, `pcm.byline`; a test holds this to their examples),
Somali's "waxaa qoray" that `so.byline`'s "W/Q:" stands for (trafilatura splits the letters of an abbreviation) and
Yoruba's, which no pack knows (found with the others in page authors by a QA pass), and the labels a byline box
writes before the name in Spanish, German, Italian, Portuguese and Dutch ("Autor: Max Mustermann", "A cura di Mario
Rossi", "Escrito por João Silva", "Geschreven door Jan Jansen": they were the author whole). Dropped before any name,
as `TEXT_CREDITS` are."""
TEXT_CREDITS = {
    "fr": ("texte", "texte et photos", "texte et photo", "texte & photos", "photos et texte", "photo et texte",
           "photos & texte", "texte et images", "texte et illustrations"),
    "en": ("text", "text and photos", "text & photos", "photos and text", "photo and words", "photos and words",
           "words and pictures by", "words and photos by", "story by", "story and photos by"),
    "es": ("texto", "texto y fotos", "fotos y texto"),
    "it": ("testo", "testo e foto", "foto e testo"),
    "pt": ("texto e fotos", "fotos e texto"),
    "de": ("text und fotos", "fotos und text"),
}
"""A byline box's credit for the text, alone or shared with the pictures ("Texte et photos : Jean Dupont", "Fotos y
texto: Juan Pérez"): the author's. trafilatura gives it whole, and "Texte et photos Jean Dupont" was the author (a
review); a credit that opens with a picture's word was no author at all (`PICTURE_CREDITS`). No pack takes them from
a text: neither MasakhaNEWS nor fr-pages holds one, and a text's "Textes de George Sand cités :" names no author."""
NAME_LEADS = {"sw": ("na",), "rn": ("na",), "id": ("oleh",), "nl": ("door",), "de": ("von",), "it": ("di",),
              "sv": ("av",)}
"""Leads that also start names ("Na Li", "Di Maio", "Oleh Sentsov", "Von Miller"): `sw.byline`'s and
`rn.byline`'s, and those of languages without a pack that a QA pass found in authors ("Oleh …", "Door …", "Di …",
"Av …"); dropped only on a page that states its language to be theirs (a review found "Di Maio Luigi" made "Maio
Luigi" on any page), before two words or more, the first a capital."""


def _any_lead(*leads: dict[str, tuple[str, ...]]) -> str:
    """A pattern of any of `leads` (by language), in any case, the longest first ("auteure" before "auteur")."""
    words = sorted({regex.escape(lead) for by in leads for by_language in by.values() for lead in by_language},
                   key=lambda word: (-len(word), word))
    return "(?i:" + "|".join(words) + ")"


_AUTHOR_LEAD = regex.compile(rf"^{_any_lead(AUTHOR_LEADS, TEXT_CREDITS)}\s*[:：]?\s+")
_NAME_LEAD = {language: regex.compile(rf"^{_any_lead({language: leads})}\s+(?=[\p{{Lu}}\p{{Lt}}]\S*\s+\S)")
              for language, leads in NAME_LEADS.items()}
_CREDIT_LEAD = re.compile(r"^(?i:une?|an?)\s+[a-zà-ÿ]+(?:\s+[a-zà-ÿ]+)?\s+(?:de\s+|d['’]|par\s+|by\s+)")
"""A programme's credit before the name: "Un documentaire d'…", "Une création de …", "A film by …"."""
NAME_JOINERS = frozenset({"et", "and"})
"""The `NAME_PARTICLES` that join two names ("Marie Poinsot et Serge Weber"), never words of one person's."""
PICTURE_CREDITS = ("©", "(c)", "copyright", "crédit", "crédits", "credit", "credits", "photo", "photos", "photographie",
                   "photographies", "illustration", "illustrations", "image", "images", "foto", "fotos", "bild",
                   "bilder", "fotografie", "fotografia", "fotografía", "immagine", "immagini", "imagem", "imagens",
                   "imagen", "ilustração", "illustrazione", "ilustración", "beeld")
"""The words a picture's credit opens with: a byline's box holds it beside the author's name or alone ("Photo Agence
France Presse", "Crédit photo : AFP", "© Reuters", "Bild: Keystone", "Imagem: Reprodução"), and names who took the
picture, not who wrote the article."""
_PICTURE_CREDIT = regex.compile(rf"^\s*(?i:{'|'.join(map(regex.escape, PICTURE_CREDITS))})(?!\w)")
"""A name opening with a `PICTURE_CREDITS` word; `page_author` keeps one that opens with a credit the text shares
(`TEXT_CREDITS`: "Photos et texte : …", the author's own)."""
_AUTHOR_TAIL = re.compile(r"(?:^|\s+)(?:à|le|la|les|on|at|the|avec|with|et|and)$", re.IGNORECASE)
_ACCENTED = re.compile(r"[A-Za-z]{1,2}(?:acute|grave|circ|uml|cedil|tilde|ring|slash)")
"""An accented letter's HTML entity name, which trafilatura split from its word ("&Eacute;my" → "Eacute; My")."""
NOT_AUTHOR_WORDS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "nom", "administrateur", "auteur",
           "par", "la rédaction"),
    "en": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "name", "admin",
           "administrator", "author", "by"),
    "de": ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "autor"),
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica", "autore"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "autor"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
}
"""Names trafilatura takes for an author on some pages (a date line's weekday, a comment form's label), by language:
`fr.published-line` spells out the French and English ones, which may follow its "par" (a test holds it to them)."""
NOT_AUTHORS = frozenset(word for words in NOT_AUTHOR_WORDS.values() for word in words)
"""`NOT_AUTHOR_WORDS` of every language: a page's author is none of them, whatever its language."""
LINK_LABEL_WORDS = frozenset({
    "view", "see", "all", "more", "other", "posts", "articles", "stories", "archive", "archives", "profile", "follow",
    "read", "of", "the", "his", "her", "their", "voir", "tous", "toutes", "plus", "autres", "publications", "profil",
    "suivre", "lire", "suite", "ses", "d", "l"})
"""Words of the label of a link to an author's page, which themes mark `rel="author"` and trafilatura takes for the
author: WordPress's "View Archive", "Voir les archives", "View all" (of "View all of Jane Smith’s posts.", cut at
the name's link), "All posts", "Voir le profil", "Follow" (found by a QA pass on CMS templates), "Read more", "Lire la
suite" (a review)."""
MONTHS = frozenset({
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
    "décembre", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "januar", "februar", "märz", "juni", "juli", "oktober", "dezember", "gennaio", "febbraio",
    "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre", "dicembre", "janeiro", "fevereiro", "março",
    "junho", "julho", "setembro", "outubro", "novembro", "dezembro", "januari", "februari", "maart", "augustus"})
"""Month names that end a name left from a date after it ("Matt Daniels April"), in French, English, German, Italian,
Portuguese and Dutch; not those that are also surnames ("Abril", "Agosto", "Mayo", "Marzo")."""
ROLES = frozenset({
    "editor", "correspondent", "reporter", "journalist", "writer", "columnist", "contributor", "producer", "analyst",
    "presenter", "staff", "rédacteur", "rédactrice", "journaliste", "correspondant", "correspondante", "chroniqueur",
    "chroniqueuse", "envoyé", "envoyée", "corresponsal", "redactor", "redactora", "periodista", "editora", "enviado",
    "enviada", "desk", "newsdesk", "newsroom", "rédaction", "redacción", "guest", "redaktion", "redakteur",
    "redakteurin", "korrespondent", "korrespondentin", "journalistin", "redazione", "redattore", "redattrice",
    "giornalista", "corrispondente", "inviato", "inviata", "redação", "redacao", "jornalista", "correspondente",
    "repórter", "redactie", "verslaggever", "verslaggeefster"})
"""Words of a job title that a byline writes after the name and a comma ("By Sarah Mitchell, Political Editor"):
trafilatura splits names on commas, and the title became a second author; or alone ("Staff Writer"); and of a desk's
name, which names no person ("News Desk", "Newsroom", "Rédaction Web": a QA pass found `<meta name="author"
content="News Desk">` the author), or a guests' column ("Special Guest", ventscontraires.net's)."""
US_STATES = frozenset("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM "
                      "NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split())
"""The US postal codes of the states and DC, which a byline's place may end with ("Jane Doe, Washington DC")."""
NAME_PARTICLES = frozenset({"de", "du", "des", "la", "le", "les", "van", "von", "der", "den", "da", "di", "dos", "das",
                            "del", "della", "y", "e", "et", "and", "al", "el", "bin", "ben", "ibn"})
"""Lower-case words of names ("Marie Poinsot et Serge Weber", "Collectif le SEUM"); other lower-case words are prose."""
_ONE_NAME_PARTICLES = NAME_PARTICLES - NAME_JOINERS
"""The `NAME_PARTICLES` inside one person's name."""
_NAME_DRESS = regex.compile(r"^[\p{S}\s]+|(?:[\p{S}\s]|\(@\w+\))+$")
"""What dresses a display name: its account's handle after it, symbols (emoji) around it ("🌧 Jeanne Martin 🌧
(@jeanne_m)")."""


LINK_LABEL_FILLERS = frozenset({"of", "the", "his", "her", "their", "ses", "d", "l"})
"""The `LINK_LABEL_WORDS` that no label opens with, and a name may ("The Economist"): `_LINK_LABEL_LEAD`."""
LINK_LABEL_OPENERS = LINK_LABEL_WORDS - LINK_LABEL_FILLERS
"""The words that make a label of the others: a name of fillers and particles alone ("L'Her") is none."""
_LABEL_OPENER, _LABEL_WORD = ("|".join(sorted(words)) for words in (LINK_LABEL_OPENERS,
                                                                      LINK_LABEL_WORDS | NAME_PARTICLES | {"by"}))
_LINK_LABEL_LEAD = regex.compile(rf"^(?i:{_LABEL_OPENER})(?:\s+|['’])(?i:(?:{_LABEL_WORD})(?:\s+|['’]))*"
                                 r"(?=[\p{Lu}\p{Lt}])")
"""A link's label before the name it holds ("Follow Jane Smith", "Plus d'articles de Marie Dupont", "Profil de …"):
a label's word, then its words, particles and "by", before a capital (a review found such labels the author)."""
_LINK_LABEL_TAIL = re.compile(r"['’]s\s+(?i:posts|articles|stories|archive)\W*$")
"""A link's label after the name it holds: "Jane Smith's posts"."""


@lru_cache(maxsize=1024)
def page_author(author: str, sitename: str | None, language: str | None = None, url: str | None = None) -> str | None:
    """trafilatura's `author` (names joined by "; "), tidied name by name: a byline's or a credit's lead and a
    dangling tail go ("Publié par valerie à" → "valerie", "Une création de X" → "X", "France Inter avec" →
    "France Inter"), as do a month left from a date after a name of two words or more ("Matt Daniels April"),
    a name written twice ("X Y X Y"), symbols around a name and a handle after it (`_NAME_DRESS`: "🌧 Jeanne Martin 🌧
    (@jeanne_m)" → "Jeanne Martin"); a split accent entity is put back ("Eacute; My" → "Émy"). A weekday, a form
    label, a picture's credit (`_PICTURE_CREDIT`: "Photo Agence France Presse", "© Reuters"), a link's label
    (`_link_label`: "View Archive"; one holding the name loses its words: "Follow Jane Smith",
    `_LINK_LABEL_LEAD`, `_LINK_LABEL_TAIL`), the site's own name (`_site_named`, of `sitename` and `url`), a single
    letter or a handle
    (trafilatura changes a Twitter handle's "_" to spaces, and takes the digits off "enseignants-93", leaving
    "Enseignants-"; `_unhandled` finds the others) is no author,
    nor a job title, after a name or alone (`ROLES`: "Sarah Mitchell; Political Editor", "Staff Writer"), nor a
    place after a name (`_byline_place`: "Jean Dupont; Paris"); "Surname; First" pairs (four
    single words or more, as `citation_author` meta gives them) are joined. Prose (two lower-case words besides
    `NAME_PARTICLES` after capitals: "Pour télécharger ce son") makes the whole value suspect: None; a name written
    all in lower case ("valerie") is no prose. Cached: the rules' author (`given.rule_fields`) and the filled field
    (`given.with_given_fields`) ask it of each page (its regexes, 60 -> 40 µs a page)."""
    names: list[str] = []
    for name in _glued_entities([part.strip() for part in author.split(";")]):
        if name.endswith("-"):
            continue  # a handle that trafilatura took the digits off ("enseignants-93" → "Enseignants-")
        if _PICTURE_CREDIT.match(name) and not _AUTHOR_LEAD.match(name):  # "Fotos y texto: …" is the author's
            continue
        name = _AUTHOR_LEAD.sub("", _LINK_LABEL_TAIL.sub("", _LINK_LABEL_LEAD.sub("", _NAME_DRESS.sub("", name))))
        if lead := _NAME_LEAD.get(re.split(r"[-_]", language or "")[0].casefold()):
            name = lead.sub("", name)
        name = _AUTHOR_TAIL.sub("", _CREDIT_LEAD.sub("", name)).strip(" ,-")
        words = name.split()
        if name != name.lower() and sum(w[:1].islower() and w.casefold() not in NAME_PARTICLES
                                        and not re.match(r"[dl]['’]", w) for w in words) >= 2:
            return None
        if len(words) >= 3 and words[-1].casefold() in MONTHS:
            words = words[:-1]
        half = len(words) // 2
        if half and words[:half] == words[half:]:
            words = words[:half]
        name = " ".join(words)
        if (len(_letters(name)) < 2 or name.startswith("@") or name.casefold() in NOT_AUTHORS or _link_label(name)
                or any(word.casefold() in ROLES for word in words) or _byline_place(words, names)
                or _site_named(name, sitename, url) or any(_letters(n) == _letters(name) for n in names)):
            continue
        names.append(name)
    if len(names) >= 4 and len(names) % 2 == 0 and all(" " not in n for n in names):
        names = [f"{first} {last}" for last, first in zip(names[::2], names[1::2])]
    return "; ".join(names) or None


SITE_WORDS = frozenset({"magazine", "mag", "webzine", "zine", "blog", "journal", "media", "medias", "média",
                        "médias", "hebdo", "presse", "news", "info", "infos", "tv", "international"})
"""Words a site writes beside its name where it signs as the author: roseaux.co, the site "Roseaux", signs
"Roseaux Magazine" (a QA pass); a publication's kind or edition beside its short name, "Maroc Hebdo International"
on maroc-hebdo.press.ma, the site "Maroc Hebdo"."""
_SITE_WORD = "|".join(sorted(SITE_WORDS))
_SITE_WORD_EDGE = re.compile(rf"^(?:{_SITE_WORD})\s+|\s+(?:{_SITE_WORD})$", re.IGNORECASE)
"""A `SITE_WORDS` word opening or ending a name."""
_DOMAIN_END = re.compile(r"\.[a-z]{2,6}\Z")
"""A domain's ending after a site's name, "Vents contraires.net"."""


def _site_named(name: str, sitename: str | None, url: str | None) -> bool:
    """Whether `name` is the site's: `sitename` itself; or another name of the site (`_site_keys`) unless `name` looks
    like a person's (`_person_like`) and the site writes it so, as a person's own site bears their name
    (jeanmarcmorandini.com, "Mona Chollet | Autrice"; "Vents contraires.net" writes no "Vents Contraires"); or the
    site's name or its host's with a `SITE_WORDS` word at either end ("Roseaux Magazine" on roseaux.co, site
    "Roseaux"; "Maroc Hebdo International" on marochebdo.ma) unless the page's host names another site, holding no more
    or less than that name ("Marie Blog" on journaldusud.ma, site "Marie")."""
    if sitename and _folded(name) == _folded(sitename):
        return True
    names, hosts = _site_keys(sitename, url)
    if (key := _folded(name)) in names or key in hosts:
        return not _person_like(name) or not _person_like(names.get(key) or name)
    bare = _folded(_SITE_WORD_EDGE.sub("", name.strip()))
    on_host = not hosts or any(host in bare or bare in host for host in hosts)
    return bare != key and (bare in names or bare in hosts) and on_host


_NAME_WORD = regex.compile(r"[\p{Lu}\p{Lt}]\p{Ll}\p{L}*(?:-[\p{Lu}\p{Lt}]\p{Ll}\p{L}*)*")
"""A word of a person's name: a capital, then lower case ("Mrs", "Jean-Marc"); not capitals throughout."""


def _person_like(name: str) -> bool:
    """Whether `name` looks like a person's: two or three words of a name (`_NAME_WORD`), `NAME_PARTICLES` between
    them but `NAME_JOINERS`, none of them a site's (`SITE_WORDS`): "Mrs Roots", "Jean-Marc Morandini", not "dcaius",
    "Antisexisme", "Une Chambre À Nous", "NOTRE BLOG" or "Corps et Politique" (the account of
    corpsetpolitique.noblogs.org, fr-pages 422)."""
    words = name.split()
    inner = [word for word in words[1:-1] if word.casefold() in _ONE_NAME_PARTICLES]
    named = [word for word in words if word not in inner]
    return 2 <= len(named) <= 3 and all(_NAME_WORD.fullmatch(word) and word.casefold() not in SITE_WORDS
                                        for word in named)


@lru_cache(maxsize=256)
def _site_keys(sitename: str | None, url: str | None) -> tuple[dict[str, str], frozenset[str]]:
    """The names a site goes by, `_folded`, each with how `sitename` writes it: `sitename`, without a domain's ending
    (`_DOMAIN_END`) and its first part before a menu's bar ("Parmi les récits" of "Parmi les récits | Acceuil | …", a
    menu `page_source` takes for no name); and the host of `url` and its label (`models.site_label`: "graspolitique"
    of graspolitique.wordpress.com), and `sitename` when it is a host ("mrsroots.fr")."""
    host = url_host(url) if url else None
    written = (sitename, _DOMAIN_END.sub("", sitename or ""), (sitename or "").split(" | ")[0])
    hosts = [host, site_label(host) if host else None]
    if sitename and " " not in sitename.strip() and _DOMAIN_END.search(sitename):
        hosts, written = [*hosts, *written], ()  # a host for a name ("mrsroots.fr") writes no name
    names = {key: name for name in reversed(written) if name and (key := _folded(name))}
    return names, frozenset(key for name in hosts if name and (key := _folded(name)))


def _folded(text: str) -> str:
    """The letters and digits of `text`, lower-cased and without accents (`text.line_key`): "Sans Décliner,
    Snarclens" is "sansdeclinersnarclens"."""
    return _letters(line_key(text) or text)


def _page_author(author: str, extracted: dict[str, Any]) -> str | None:
    """`page_author` of `author` on the page whose metadata is `extracted`."""
    return page_author(author, extracted.get("sitename"), extracted.get("language"), extracted.get("url"))


def _link_label(name: str) -> bool:
    """Whether `name` is a link's label (`LINK_LABEL_WORDS`, one of them `LINK_LABEL_OPENERS`, `NAME_PARTICLES` between
    them: "Voir les archives"), no name."""
    words = re.findall(r"[^\W\d_]+", name.casefold())
    return (any(word in LINK_LABEL_OPENERS for word in words)
            and all(word in LINK_LABEL_WORDS or word in NAME_PARTICLES for word in words))


def _byline_place(words: list[str], names: list[str]) -> bool:
    """Whether `words` after `names` are a byline's place, which trafilatura splits off at the comma as a second
    author ("Jean Dupont, Paris", "Jane Doe, Washington DC"): a single word (and a US state's code) after a name of
    two words or more. A co-author is written in full as the first name is ("Jean Dupont, Marie Curie"); single
    words after a single word are names ("Agathe; Margot") or "Surname; First" pairs."""
    if len(words) == 2 and words[1].replace(".", "") in US_STATES:
        words = words[:1]
    return len(words) == 1 and bool(names) and " " in names[-1]


def _glued_entities(names: list[str]) -> list[str]:
    """`names` with an accent entity's name and the rest of its word put back together ("Eacute", "My" → "Émy")."""
    out: list[str] = []
    for name in names:
        if out and _ACCENTED.fullmatch(out[-1]) and out[-1] in name2codepoint:
            out[-1] = chr(name2codepoint[out[-1]]) + name.lower()
        else:
            out.append(name)
    return out


SITE_NAME_WORDS = 5
"""The most words a site's name has ("★ ZINZIN ZINE ★", "C'est la vie, que veux-tu"); fr-pages has
pages whose "site name" is their title."""


_SEPARATOR_MARKS = "-|–—·•~"
"""The marks of `TITLE_SEPARATORS` that may end a title too (`_DANGLING`)."""
TITLE_SEPARATORS = rf"[{_SEPARATOR_MARKS}«»]|::"
"""What joins a site's name to a page's title, blanks around it ("X | Site", "X « Site", "Site » X", "X :: Site"):
the separators of CMS and SEO plugins' title templates (Yoast offers « » · • ~ besides the dashes and the bar).
Before the title a colon joins it too ("TÊTU : …"); after it, a colon starts a title's own second part. A slash is
none: no template offers it, and titles pair words with it ("Vrai / Faux" on a site named "Faux" lost its last word,
found by a review)."""


def page_title(title: str, sitename: str | None) -> str | None:
    """trafilatura's `title`, without the site's name that pages join to it (`TITLE_SEPARATORS`: "Pourquoi le
    noir … | Slate Afrique", "TÊTU | 10 choses …", "Résumé de … - Crêpe Georgette"); a title that is the site's
    name alone is no title. What reads as a tag in it stays: the page shows it so (markup that it does not show
    went at extraction, `_unmarked_title`). A "site name" of over `SITE_NAME_WORDS` words is the page's title that
    trafilatura took for one: left alone."""
    title = title.strip()
    if sitename and _letters(sitename) and len(sitename.split()) <= SITE_NAME_WORDS:
        title = _unnamed(title, sitename)
        if _letters(title) == _letters(sitename):
            return None
    return title or None


def _unmarked_title(tree: Any, title: str | None) -> str | None:
    """trafilatura's `title` without its tags (`TAG`) when the page shows none of them: markup a `<meta>` tag or
    JSON-LD holds in a title, which no browser shows (playlistsociety's `og:title` "<em>Ouvrir la voix</em> : les
    combattantes", whose `<h1>` shows "Ouvrir la voix : …"). None when it holds no tag, or when the page's `<title>`
    or one of its first `UNCUT_H1S` `<h1>` shows it as it is, the page's escaped text: `<h1>Budget
    &lt;script&gt;…</h1>` shows "Budget <script>…", whose title was "Budget alert('h1')" (a QA pass)."""
    if not title or not TAG.search(title):
        return None
    elements = (tree.find(".//title"), *islice(tree.iter("h1"), UNCUT_H1S))
    if any(" ".join(title.split()) in _element_text(element) for element in elements if element is not None):
        return None
    return TAG.sub("", title).strip()


def _unnamed(title: str, name: str) -> str:
    """`title` without a site's `name` joined to its start or its end (`TITLE_SEPARATORS`), trimmed."""
    name = re.escape(name.strip())
    joined = rf"^{name}[^\S\n]+(?:{TITLE_SEPARATORS}|:)[^\S\n]+|[^\S\n]+(?:{TITLE_SEPARATORS})[^\S\n]+{name}$"
    return re.sub(joined, "", title, flags=re.IGNORECASE).strip()


def _title(tree: Any, extracted: dict[str, Any]) -> str | None:
    """The text of the page's `<title>`, else of its first `<h1>`, when `page_title` leaves a title of it: for a page
    whose `og:title`, which trafilatura takes first, is its site's name alone ("CLHEE") or a separator before it
    (" | ARTE Radio"), which `page_title` makes no title."""
    for element in (tree.find(".//title"), tree.find(".//h1")):
        text = _element_text(element) if element is not None else ""
        if page_title(text, extracted.get("sitename")):
            return text
    return None


def _publisher_unsited(tree: Any, extracted: dict[str, Any], url: str | None) -> str | None:
    """trafilatura's title without the site's name that the page's JSON-LD gives its publisher (`publisher.name`),
    joined to it as `page_title` strips a site's name, where trafilatura's site name is none (`page_source` passes it
    over): trafilatura took a sentence of the title for the name, and the real one stayed ("… dit Mr Vrais Combats. -
    C'est la vie, que veux-tu", found by a QA pass). None when the title does not start or end with that name, or
    when what is left is trafilatura's site name alone (`page_title` would leave no title)."""
    title, sitename = extracted.get("title"), _SITE_NAME_EDGES.sub("", extracted.get("sitename") or "")
    if not title or not sitename or page_source(sitename, title, url) == sitename:
        return None
    for publisher in _json_ld(tree, "publisher"):
        if isinstance(publisher, dict) and isinstance(name := publisher.get("name"), str) and _letters(name):
            unsited = _unnamed(title, name)
            return unsited if unsited != title.strip() and page_title(unsited, sitename) else None
    return None


_DANGLING = re.compile(rf"(?:[^\S\n]+(?:[{_SEPARATOR_MARKS}]|::))+[^\S\n]*\Z")
"""Separators at a title's end, a blank before each: a template's whose last part was empty ("… | Special Guest  | ").
Not « or », which a French title ends with around a quotation."""
DANGLING_CHARS = 100
"""How many of a title's last characters `_DANGLING` searches: sought from each blank of the whole title, " -" 8,000
times then "x" took 3.6 s (a review)."""


def _unsuffixed(tree: Any, extracted: dict[str, Any]) -> str | None:
    """trafilatura's title without separators left at its end (`_DANGLING`), then without the name of the journal
    (`citation_journal_title`) or of the section the page states joined to its end as a site's name is: Érudit's
    "… compagnons de route ou faux amis? – Recherches féministes" (a QA pass). None when neither is there, or when
    the name is all the title holds."""
    title = extracted.get("title")
    if not title:
        return None
    bare = title[:-DANGLING_CHARS] + _DANGLING.sub("", title[-DANGLING_CHARS:])
    for name in (*tree.xpath("//meta[@name='citation_journal_title']/@content"), extracted.get("section")):
        if name and _letters(name):
            suffix = rf"[^\S\n]+(?:{TITLE_SEPARATORS})[^\S\n]+{re.escape(name.strip())}\Z"
            bare = re.sub(suffix, "", bare, flags=re.IGNORECASE).strip() or bare
    return bare if bare != title else None


_CUT_MARK = r"[^\S\n]*(?:\([^\S\n]*(?:\.{3}|…)[^\S\n]*\)|\[[^\S\n]*(?:\.{3}|…)[^\S\n]*\]|\.{3}|…)"
"""A mark that says a title is cut short: SPIP's "(...)" (its `og:title` of a long title), "[...]", "…", "..."."""
_CUT_END = re.compile(_CUT_MARK + r"[^\S\n]*\Z")
_CUT_START = re.compile(_CUT_MARK)


def _uncut_title(tree: Any, extracted: dict[str, Any], url: str | None, head: Callable[[], Any]) -> str | None:
    """The page's whole title where trafilatura's is cut: cut short (`_unshortened`), or at a separator, as follows.

    The page's whole `<title>` when trafilatura's title is a piece of it cut at its only separator and the other
    piece is a sentence's rest, no site's name (`_site_like`): without `og:title` or one `<h1>`, trafilatura keeps a
    piece of "X <sep> Y", meant for "Title | Site" ("Économie" of "Économie : l’été prochain", "Élection 2024" of
    "Élection 2024 - les résultats du premier tour", "حرب أوكرانيا" of "حرب أوكرانيا - روسيا تقصف كييف مجددا الليلة").
    A piece that is the site's name or its host's stays cut off, and so does one word, a site's or a section's name
    ("- seneweb", "- politique") more likely than a sentence's rest. A title the page's meta tags or JSON-LD state
    (`head`, `_head_metadata`: `og:title`, which trafilatura takes first) is no piece cut: Substack's `<title>` "Council
    approves budget - by Jane Smith" under its `og:title` "Council approves budget" was the title (found by a QA
    pass on CMS templates)."""
    from trafilatura.metadata import examine_title_element

    title = extracted.get("title")
    known = (_letters(extracted.get("sitename") or ""), _letters(url_host(url or extracted.get("url") or "") or ""))
    if title and (whole := _unshortened(tree, title, known)):
        return whole
    whole, *pieces = examine_title_element(tree)
    if not title or title not in pieces or _letters(title) == _letters(head().title or ""):
        return None
    return None if _site_like(pieces[1] if title == pieces[0] else pieces[0], known) else whole


_CAPITALISED = regex.compile(r"\P{L}*+[\p{Lu}\p{Lt}]")
"""A text whose first letter is a capital (digits, signs and punctuation before it aside)."""
_CASELESS = regex.compile(r"\P{L}*+\p{Lo}")
"""A text whose first letter has no case (Arabic, Ethiopic, Hebrew, CJK ...)."""
CASELESS_SITE_WORDS = 2
"""Words a site's name in a script without case may have ("الشرق الأوسط", "الجزيرة نت"): a headline's rest of three
words ("ውድድሮችን ማሳየት ጀመረ") is as common as a name of three ("سكاي نيوز عربية", which stays unless the page names
its site)."""


def _site_like(piece: str, known: tuple[str, ...]) -> bool:
    """Whether `piece`, cut off a title at a separator, is a site's or a section's name rather than the title's rest:
    one word; or up to `SITE_NAME_WORDS` words, the first letter a capital ("BBC News Swahili"); or holding the site's
    name or its host's (`known`, as `_letters` writes them), or held by one (see `_uncut_title`); in a script without
    case (Arabic, Ethiopic), where nothing tells a name, up to `CASELESS_SITE_WORDS` words. More words than a name has
    are a sentence's, and so are words in lower case (`str.islower` is false for every caseless letter: such a title
    was always cut, a QA pass found)."""
    words = len(piece.split())
    return (words < 2 or (words <= SITE_NAME_WORDS and bool(_CAPITALISED.match(piece)))
            or (words <= CASELESS_SITE_WORDS and bool(_CASELESS.match(piece)))
            or any(name and (_letters(piece) in name or name in _letters(piece)) for name in known))


UNCUT_H1S = 3
"""How many of a page's `<h1>` `_unshortened` tries."""
_IN_ARTICLE = ("boolean(ancestor::article or ancestor::main or ancestor::*[@role='main' or @itemprop='articleBody'"
               " or re:test(@itemtype, '(Article|BlogPosting)/?$')])")
"""An XPath test: an element in the page's article (`<article>`, `<main>`, schema.org's `articleBody` or
`NewsArticle`, ...), where its own `<h1>` is, not a sidebar's or a teaser's."""


def _unshortened(tree: Any, title: str, known: tuple[str, ...]) -> str | None:
    """The text of the page's first `<h1>` in its article (`_IN_ARTICLE`), else of its first other `<h1>`, else of its
    `<title>`, that holds the whole of a `title` cut short (`_CUT_MARK` at its end): one that starts with the title's
    words and goes on without a cut mark (what it adds may be no word: " ?") by as many words as the title has at most,
    what a cut takes, before a separator and a site's name (`_site_like`, which goes: `known` are the site's and its
    host's names). SPIP cuts a long title in its `og:title`, which trafilatura takes first: "Camp d’été décolonial :
    qui a peur de la non-mixité et de l’antiracisme politique (...)", whose `<h1>` and `<title>` end "… politique ?"
    (found by a QA pass). A review found the whole `<title>` "… qui a peur de tout ? | Le blog de Paul" taken with its
    site's name, and a sidebar's `<h1>` "Les 10 meilleurs films de la décennie selon nos lecteurs" for the cut title
    "Les 10 meilleurs…". A title the page writes with its mark is whole: "Well, actually…" of the `<title>` "Well,
    actually… - Alicen Grey" stays. Only the first `UNCUT_H1S` `<h1>` are tried: a real page has one, and 300
    repeating a cut title of 4,000 characters took 2.3 s."""
    if not (cut := _CUT_END.search(title)) or len(words := title[:cut.start()].split()) < 2:
        return None
    stem = _letters(title[:cut.start()])
    h1s = sorted(islice(tree.iter("h1"), UNCUT_H1S), key=lambda h1: not h1.xpath(_IN_ARTICLE, namespaces=_EXSLT))
    for element in (*h1s, tree.find(".//title")):
        text = _element_text(element) if element is not None else ""
        if not _letters(text).startswith(stem):
            continue
        after = _after(text, len(stem))
        rest = _unsited(after, known)
        if not _CUT_START.match(rest) and len(rest.split()) <= len(words):
            return (text[:len(text) - len(after)] + rest).strip()
    return None


def _unsited(rest: str, known: tuple[str, ...]) -> str:
    """`rest` of a title without its end from the first separator before a piece that is a site's name
    (`_site_like`): "de tout ? | Le blog de Paul" is "de tout ?"."""
    parts = re.split(rf"([^\S\n]+(?:{TITLE_SEPARATORS})[^\S\n]+)", rest)
    for at in range(1, len(parts), 2):
        if _site_like(parts[at + 1], known):
            return "".join(parts[:at])
    return rest


def _after(text: str, letters: int) -> str:
    """What follows the first `letters` letters and digits of `text` (as `_letters` counts them: `str.isalnum` of
    the casefolded text, which a character may lengthen, "ß" to "ss"), with no pattern run per character."""
    for at, char in enumerate(text):
        if letters <= 0:
            return text[at:]
        letters -= sum(folded.isalnum() for folded in char.casefold())
    return ""


PLATFORM_SITENAMES = frozenset({"wordpressdotcom", "wordpress", "blogger"})
"""Site names a blog platform gives every blog it hosts (WordPress.com's `og:site_name`), also on their own domains."""
_NOT_A_SITENAME = re.compile(r"copyright|\(c\)|©| \| ", re.IGNORECASE)
"""A copyright line ("Copyright (c) juin 2017") or a menu ("Parmi les récits | Acceuil | …") taken for a site name."""


_FIRST_LETTER = regex.compile(r"\p{L}")


def _sitename_as_written(tree: Any, sitename: str | None) -> str | None:
    """The site name as the page's `<meta>` writes it where trafilatura changed its capitals: it title-cases a name
    that does not open with a capital, meant for "le journal du sud", and so one that opens with a dash or a sign, whose
    capitals the page wrote ("- Feminazgul en colère -" was "- Feminazgul En Colère -", "★ ZINZIN ZINE ★" "★ Zinzin
    Zine ★": a QA pass). None when no `<meta>` content title-cases to it with a capital as its first letter; the
    `<meta>` are not read for a name in ASCII that is not title-cased itself ("Slate.fr": "Slate.Fr"), which title-casing
    gives no such name (it changes one title-cased in ASCII no more)."""
    if not sitename or (sitename.isascii() and sitename.title() != sitename):
        return None
    for meta in tree.iter("meta"):
        written = " ".join((meta.get("content") or "").split()).lstrip("@")  # blanks as trafilatura folds them
        first = _FIRST_LETTER.search(written)
        if written != sitename and written.title() == sitename and first and first[0].isupper():
            return written
    return None


_SITE_NAME_EDGES = re.compile(rf"^(?:\s|{TITLE_SEPARATORS})+|(?:\s|{TITLE_SEPARATORS})+$")
"""Blanks and a title's separators (`TITLE_SEPARATORS`) at a site name's ends, which a page draws around it: the
`og:site_name` "- Feminazgul en colère -" was the `source` so (a QA pass)."""
_URL = re.compile(r"(?i:https?)://[^\s/?#]+[^\s]*")
"""A URL with a scheme, as a site name: `https://www.lejournal.fr`, `http://lejournal.fr/`."""


def page_source(sitename: str | None, title: str | None, url: str | None) -> str | None:
    """trafilatura's `sitename`, else the host of the page's `url` (`models.url_host`, as trafilatura names a
    site that gives no name: "leparisien.fr"; of the archived page for a Wayback Machine copy). A site name is
    none when it is a platform's (`PLATFORM_SITENAMES`), a copyright line or a menu, the archive's host, the
    page's title (a "name" of over `SITE_NAME_WORDS` words equal to it), or a sentence of the title: a page that
    names no site gets the piece of its `<title>` that holds a dot (meant for "Slate.fr"), which may be a
    sentence's period ("bagarre mais pas seulement." of "… forts : bagarre mais pas seulement."), or a date (`12
    mars 2021`, as `dates.given_date` reads one). A site name that is a URL (`https://www.lejournal.fr`) is its host
    (`lejournal.fr`), the form a site that gives no name gets. A title's separators at its ends are no part of it
    (`_SITE_NAME_EDGES`: "- Feminazgul en colère -")."""
    sitename = _SITE_NAME_EDGES.sub("", sitename or "")
    host = url_host(url) if url else None
    if _URL.fullmatch(sitename):
        sitename = url_host(sitename) or ""
    elif given_date(sitename):
        return host
    archived = ARCHIVED.match(url or "")
    if (not _letters(sitename) or sitename.casefold() in PLATFORM_SITENAMES or _NOT_A_SITENAME.search(sitename)
            or (archived and _letters(sitename) == _letters("web.archive.org"))
            or (len(sitename.split()) > SITE_NAME_WORDS and _letters(sitename) == _letters(title or ""))
            or (sitename.endswith(".") and "." not in sitename[:-1] and _letters(sitename) in _letters(title or ""))):
        return host
    return sitename


_NOT_ALNUM = re.compile(r"[\W_]+")
"""What `str.isalnum` is not: `\\w` is it and the underscore."""


def _letters(text: str) -> str:
    return _NOT_ALNUM.sub("", text.casefold())


def _unbased(tree: Any) -> None:
    """The page without its `<base href>`, where its relative links resolve from, not its address: trafilatura's `url`
    falls back to it after the canonical link, and it became the `url` of a page with neither a URL nor a canonical
    link (`https://news.example.com/2024/` for an article, its host the `source`)."""
    for base in tree.xpath("//base"):
        base.drop_tree()


def _first_og_url(tree: Any) -> None:
    """The page without its `og:url` tags after the first that says one: trafilatura takes the last, which is no page's
    when a player or a widget writes its own after the page's (onf.ca's film page `…/film/x/` got the `url` of its
    embedded player, `…/film/x/embed/player/`; found by a QA pass)."""
    for meta in tree.xpath("//head/meta[@property='og:url'][normalize-space(@content)]")[1:]:
        meta.drop_tree()


def _repair_head(tree: Any, where: str) -> tuple[str, ...]:
    """Repair mojibake in the page's `<head>`, where trafilatura reads metadata (`<title>`, `<meta content>`, JSON-LD),
    as `repair` does the main text, before trafilatura reads it: it trims a value's ends, and took the "©" of
    "Ã©" off "Hélène DuprÃ©", leaving "DuprÃ", which ftfy cannot read back. Character references are left (JSON-LD's
    `&quot;` read as a quote would end its string): the fields trafilatura reads are repaired for them after. The
    repairs' warnings, each naming its element (`<title>`, `<meta name="author">`): a field trafilatura took from
    the `<body>` (a title from the `<h1>`) is repaired after, and said as the field (`title`), which was the same
    words twice."""
    warnings: tuple[str, ...] = ()
    for element in tree.xpath("//head//meta[@content] | //head//title | //script[@type='application/ld+json']"):
        key = next((key for key in ("name", "property", "type") if element.get(key)), None)
        label = f"{where} <{element.tag}" + (f' {key}="{element.get(key)}">' if key else ">")
        if element.tag == "meta":
            value, fixed = repair(element.get("content"), label, escapes=False, references=False)
            element.set("content", value)
        else:
            value, fixed = repair(element.text or "", label, escapes=False, references=False)
            element.text = value
        warnings += fixed
    return warnings


def _stated(tree: Any) -> dict[str, str]:
    """What the page states of itself (`STATED`): its language, `<html lang>` else JSON-LD's `inLanguage` ("sw",
    "en-GB"), kept beside the language the text is tagged with, which it does not change; its section,
    `article:section` else JSON-LD's `articleSection` (the first of a list, or of a text of them between commas, as
    Yoast writes a post's categories: "Articles,Posts"; a `<meta>` names one, commas and all). trafilatura keeps
    neither: it reads `article:section` as a category only when the page links none (found by a QA pass). A section
    is `article:section` or `og:article:section`, and a slug gives way to the name it is of (`_written_section`)."""
    sections = (part for value in _json_ld(tree, "articleSection")
                for part in (value.split(",") if isinstance(value, str) else [value]))
    stated = {"language": [*tree.getroottree().getroot().xpath("@lang"), *_json_ld(tree, "inLanguage")],
              "section": map(_named_section, [*tree.xpath(SECTION_METAS), *sections])}
    found = {key: [field for value in values if (field := given_field(key, value))] for key, values in stated.items()}
    return {key: _written_section(values) if key == "section" else values[0] for key, values in found.items() if values}


SECTION_METAS = ("//meta[@property='article:section' or @name='article:section' or @property='og:article:section'"
                 " or @name='og:article:section']/@content")
"""The `<meta>` tags that state a page's section: L'Obs writes `og:article:section` "Société" alone, and its JSON-LD's
slug "societe" was the section (a QA pass)."""


def _written_section(sections: list[str]) -> str:
    """The first of a page's stated sections, unless it is a slug of another: lower-case ASCII equal to that one's
    letters without case or accents, "-" and "_" its spaces ("societe" of "Société", "vie-privee" of "Vie privée"),
    which is then the section."""
    first = sections[0]
    if first.isascii() and first == first.lower():
        words = re.sub(r"[-_]", " ", first)
        return next((name for name in sections[1:] if name != first and line_key(name) == words), first)
    return first


NO_SECTIONS = frozenset({"article", "articles", "post", "posts", "uncategorized", "non classé", "sans catégorie",
                         "general", "général", "blog"})
"""Categories a CMS gives every post by default (WordPress's "Uncategorized", Yoast's "Articles,Posts"): no section."""
SECTION_CHARS = 60
"""A stated section longer than this is a list or a description, not a section's name."""


def _named_section(value: Any) -> Any:
    """A stated section as a name, or None: the first of "video|actu"; not a path ("/societe/"), a slug
    ("nos_vies_intimes"), a CMS's default category (`NO_SECTIONS`) or a text over `SECTION_CHARS` (a review found
    each on fr-pages)."""
    if not isinstance(value, str):
        return value
    name = value.split("|")[0].strip()
    if "/" in name or "_" in name or len(name) > SECTION_CHARS or name.casefold() in NO_SECTIONS:
        return None
    return name


def _json_ld(tree: Any, key: str) -> Iterator[Any]:
    """The values of `key` in the page's JSON-LD, in the page's order, the items of a list one by one; a script that is
    no JSON is skipped, as trafilatura skips it."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            nodes = [json.loads(script.text or "")]
        except (ValueError, RecursionError):
            continue
        while nodes:
            node = nodes.pop()
            if isinstance(node, dict) and key in node:
                yield from node[key] if isinstance(node[key], list) else [node[key]]
            if isinstance(node, (dict, list)):
                nodes.extend(reversed(list(node.values()) if isinstance(node, dict) else node))


def _metadata(values: dict[str, Any], where: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The page's metadata that is there (trafilatura's, by the names of `EXTRACTED`, and `STATED`), its texts repaired
    as the main text is (mojibake of a page in another charset than it says, character references JSON-LD holds); and
    the repairs' warnings."""
    out, warnings = {}, ()
    for key, value in values.items():
        if value in (None, "", []):
            continue
        if isinstance(value, str):
            value, fixed = repair(value, f"{where} {key}", escapes=False)
            warnings += fixed
        out[key] = value
    return out, warnings


COMMENT_STATES = ("has", "with", "allow", "allows", "no", "show", "enable", "open")
"""The words of a class token that says a state of the page's comments, right before its comment word: `has-comments`,
`no-comments`, `post-has-comments`."""
_COMMENT_CLASSES = ("comment", "comments", "commentlist", "comment-list", "comments-area", "comment-body",
                    "comment-content", "pingback", "trackback", "pinglist")
"""Class tokens of the comments or of a comment (WordPress's `comments-area`, `commentlist`, `comment-body`, a
pingback's `pingback`): whole words of `@class`, not pieces of one, which article containers hold (`commentary` of an
opinion piece, `comments-open`, `has-comment-count`)."""
COMMENT_CLASS = regex.compile(r"(?:^|\s)\S*(?<!(?:^|[\s_-])(?:" + "|".join(COMMENT_STATES) + r"))[_-](?:"
                              + "|".join(map(re.escape, _COMMENT_CLASSES)) + r")(?:$|\s)", regex.IGNORECASE)
"""A class that says its element is the comments or a comment in a name of its own (`_comments_dropped`): a token
ending with one of `_COMMENT_CLASSES` after a hyphen or an underscore, in any case (nouvelobs's BEM
`ObsComments-comment`, `ob-comment`, `m-comments`). A whole token is left to trafilatura, which prunes the comments'
blocks of such a class and reads no comment's menu tab, byline link or button (`<li class="comment">11
commentaires</li>`): dropped, they gave pages other authors and dates. Not a token it opens or holds
(`comments-link`, `has-comment-count`, `commentary`), nor one that says a state of the article's (`COMMENT_STATES`:
`has-comments`, `with-comments`, `allow-comments` on an `entry-content`, `post-has-comments`; reviews)."""
_COMMENT = ("not(self::body or self::html) and ("
            + " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {token} ')"
                          for token in _COMMENT_CLASSES)
            + " or @id = 'comments' or @id = 'pings' or starts-with(@id, 'comment-'))")
"""An XPath test: an element that is the comments or a comment (`<div id="comments">`, `<li class="comment">`, a
pingback's `<li id="comment-13">` in `<div id="pings">`), by a class token of `_COMMENT_CLASSES` or its id."""
_IN_COMMENTS = f"ancestor::*[{_COMMENT}]"
_EXSLT = {"re": "http://exslt.org/regular-expressions"}
_CITING = ("re:test(concat(@class, ' ', @id), '(^|[\\s_-])(bibliograph(y|ie)|books?|citations?|reviews?|products?"
           "|related)($|[\\s_-])', 'i') and not(self::main or self::body or self::html or .//h1)")
"""An XPath test: a block that names other people's works, where an element of class `author` is a cited author's
(France Culture's `<span class="bibliography-content-book-text-authors">`), a reviewer's or a related post's: a
word of its class or id (whole, or between hyphens or underscores) says a bibliography, a book, a citation, a review,
a product or related posts. One that holds the page's `<h1>` or is its `<main>` is the page (a review's `<div
class="review">`), and so is one that holds half its text (`_asides`)."""


def _asides(tree: Any, text: str) -> list[Any]:
    """The outermost of a page's comment sections, comments, citing blocks (`_COMMENT`, `_CITING`) and frames that do
    not hold its article (`_off_frames`), in order; a citing block whose text shown holds half as many letters as the
    page's main text (`text`, trafilatura's) or more is the page itself, and none (a review's `<div
    class="review-body">` or an `<div class="entry-content related">` under a `<header>` holding the `<h1>`: its
    byline went with it, no author, found by a review). Measured against the page's whole text, an inline script or a
    menu made the review lose its byline again; against its `<p>`s, an article written in `<br>` lines lost its byline
    to a bibliography's `<p>` (two more reviews)."""
    main = len(_letters(text))
    found = set(tree.xpath(f"//*[{_COMMENT}]"))
    found.update(block for block in tree.xpath(f"//*[{_CITING}]", namespaces=_EXSLT)
                 if len(_letters(_element_text(block))) < main / 2)
    found.update(_off_frames(tree, text))
    return _outermost(tree, found)


def _outermost(tree: Any, found: set[Any]) -> list[Any]:
    """The elements of `found` that no other of them holds, in document order; what one holds is passed over, not
    tested against each of its ancestors (4,000 frames nested took 32 s)."""
    held: set[Any] = set()
    outermost: list[Any] = []
    for element in tree.iter():
        if element in found and element not in held:
            outermost.append(element)
            held.update(element.iter())
    return outermost


def _off_frames(tree: Any, text: str) -> list[Any]:
    """The page's frames (`_is_frame`: a sidebar, a widget, related posts) that do not hold its article: one holds it
    when its text holds lines of the page's main text (`text`, trafilatura's) of half its letters or more (`_holds`).
    A theme's layout may wrap the post with its sidebar in one (jesuisfeministe.com's `<div class="two_columns_75_25
    background_color_sidebar">`). On fr-pages, Mediapart's `<div class="col-right aside-region">` of other posts'
    bylines is such a frame, and so is Contre-attaque(s)'s `<aside class="aside secondary">` of the same section's
    articles and their authors, in the article's `<header>`. A `<footer>` is one when it is the page's
    (`_page_footer`), not the post's byline in no `<article>`. Sought by the text's longest line, a sidebar that
    repeats the article's first paragraph held it, and its author was the page's, and a layout whose text `repair`
    changed (mojibake, entities escaped twice) held none (a review); by the count of its letters alone, that
    Contre-attaque(s) `<aside>`, longer than half the short article, held it. The frames holding others are tried
    after them: one holding a frame that holds the article holds it, and one showing fewer letters than half the text
    (`_letter_counts`) holds none, neither walked again (4,000 nested frames took 32 s)."""
    frames = [frame for frame in tree.xpath(_FRAMES)
              if _is_frame(frame) and (frame.tag != "footer" or _page_footer(frame))]
    lines = [line for line in map(_letters, text.splitlines()) if line]
    half = sum(map(len, lines)) / 2
    letters = _letter_counts(frames)
    holding: set[Any] = set()
    for frame in reversed(frames):
        if frame not in holding and letters[frame] >= half and _holds(frame, lines, half):
            for element in (frame, *frame.iterancestors()):
                if element in holding:
                    break
                holding.add(element)
    return [frame for frame in frames if frame not in holding]


def _holds(element: Any, lines: list[str], half: float) -> bool:
    """Whether the text of `element` holds `lines` (letters and digits, `_letters`) of `half` their letters or more."""
    written = _written([element])
    return sum(len(line) for line in lines if line in written) >= half


def _letter_counts(elements: list[Any]) -> dict[Any, int]:
    """The number of letters and digits each of `elements` (in document order) shows (`_shown_texts`), in time linear
    where they nest: the last first, each adding up the counts of those it holds, which it does not walk again."""
    counts: dict[Any, int] = {}
    for element in reversed(elements):
        counts[element] = sum(len(_letters(piece)) if isinstance(piece, str) else counts[piece]
                              for piece in _shown_texts(element, counts))
    return counts


def _author(tree: Any, extracted: dict[str, Any], text: str, head: Callable[[], Any]) -> str | None:
    """trafilatura's author, taken out of `extracted`, less the names of comments, citing blocks, frames (`_byline`) and
    handles
    (`_unhandled`); when there is none, or `page_author` makes none of it (the site's name, a desk's), the name the page
    marks up as its author's (`_marked_author`), if any: trafilatura reads no element when a `<meta>` names an author,
    and cheekmagazine.fr's `<meta name="author" content="Cheek Magazine">` hid its `<h2 itemprop="name"
    rel="author">Corentin Béchade</h2>`; nor does it read `itemprop="author"`, and jesuisfeministe.com's post had no
    author, its `<a itemprop="author">Scarlotta Harlott</a>` left as the signature ending the text (both found by QA
    passes); else the byline trafilatura reads from the page's elements without that meta (`_element_author`), or
    without the author's links labelled with no name or naming the site (`_unlabelled_author`: "View Archive"), or
    the name after a lead beside a mark naming the site (`_led_author`), or of its element of a class word of a byline
    trafilatura misses (`_byline_word_author`: TÊTU's `post_auteur_infos`, Al Jazeera America's
    `articleOpinion-byline`). The page's comments, citing blocks and frames
    (`_asides`) are sought once, if any of these asks for them; `head` gives the metadata trafilatura reads from the
    page's head (`_head_metadata`)."""
    asides = cache(partial(_asides, tree, text))
    author = _unhandled(tree, _byline(tree, extracted.pop("author"), asides, head)) if "author" in extracted else None
    author = _undated_author(tree, extracted, author, asides)
    if not author or not _page_author(author, extracted):
        author = (_marked_author(tree, extracted, asides) or _element_author(tree, extracted, asides, head)
                  or _unlabelled_author(tree, extracted, asides) or _led_author(tree, extracted, asides)
                  or _byline_word_author(tree, extracted, asides) or author)
    return _as_written(tree, author, extracted, asides)


WRITTEN_NAME_CHARS = 100
WRITTEN_NAME_WORDS = 6
"""The longest name `_as_written` seeks in the page, in characters and words: a lower-case "name" of 5,000
characters took 0.82 s against a page of 100 kB (a review)."""


def _as_written(tree: Any, author: str | None, extracted: dict[str, Any],
                asides: Callable[[], list[Any]]) -> str | None:
    """`author` with each of its names (`page_author`'s) as the page writes it elsewhere, in its text (less its
    comments, citing blocks and frames, `asides`, and scripts: `_page_written`) or `<meta>` tags: a glued login as its
    words (`_spaced`: leplus.nouvelobs.com's `<strong itemprop="name">peggysastre</strong>` beside "Peggy Sastre" in
    its description), a name in lower case with its capitals (`_capitalised`: cheekmagazine.fr's hidden `<h2
    itemprop="name">annabelle laurent</h2>` beside the signature "Annabelle Laurent"; both found by a QA pass; a
    pingback's "Valerie" among the comments is not crepegeorgette.com's "valerie"). A name the page writes no other
    way stays as it is; one inside another word is not that name ("léa" of "paléa"), and so does one too long to be a
    person's (`WRITTEN_NAME_CHARS`, `WRITTEN_NAME_WORDS`)."""
    if not author:
        return None
    names = [name for name in (_page_author(author, extracted) or "").split("; ")
             if name and name in author and (" " not in name or name == name.lower())
             and len(name) <= WRITTEN_NAME_CHARS and len(name.split()) <= WRITTEN_NAME_WORDS]
    if not names:
        return author
    page = _page_written(tree, asides())
    for name in names:
        if written := _spaced(name, page) or _capitalised(name, page):
            author = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", lambda _: written, author)
    return author


def _page_written(tree: Any, asides: list[Any]) -> str:
    """The page's text as shown, a line a block (`_shown_lines`), without `asides`, then its `<meta>` tags' contents,
    a line each. The asides are passed over as the page is read: read from a copy of the page without them, found by
    walking the page and the copy side by side, 500,000 elements of comments took 0.5 s of CPU (a review)."""
    return "\n".join([_shown_lines(tree, set(asides)), *tree.xpath("//meta/@content")])


_CAPITALISED_WORD = regex.compile(r"(?<!\w)[\p{Lu}\p{Lt}]\p{L}*(?:-\p{L}+)*(?!\w)")
"""A word with a capital first: a name's word ("Peggy", "Jean-Marc")."""


def _spaced(name: str, page: str) -> str | None:
    """The first two or three capitalised words in a row of a line of `page` (`_CAPITALISED_WORD`) that make the glued
    `name`, without accents (`_folded`): "François Burgat" of "Francoisburgat"; None for a name of words. A word is
    folded once (folding each, a page of 600 kB of "Ma Ma …" took 3.5 s), and only on a page whose letters hold the
    name's (`unaccented`, all of them in a row: 2.4 s on that page for a name it does not write)."""
    glued = _folded(name)
    if " " in name or not glued or glued not in _letters(unaccented(page)):
        return None
    fold = cache(_folded)
    words = list(_CAPITALISED_WORD.finditer(page))
    for at, first in enumerate(words):
        if not glued.startswith(fold(first[0])):
            continue
        run = [first]
        for word in words[at + 1:at + 3]:
            if not _SAME_LINE_GAP.fullmatch(page, run[-1].end(), word.start()):
                break
            run.append(word)
            if fold("".join(w[0] for w in run)) == glued:
                return " ".join(w[0] for w in run)
    return None


_SAME_LINE_GAP = re.compile(r"[^\S\n]+")
"""Blanks between two words of a line."""


def _capitalised(name: str, page: str) -> str | None:
    """`name`, written in lower case, as `page` writes it with each word's capital and the rest in lower case
    (`NAME_PARTICLES` aside; not in capitals throughout: "PAR ANNABELLE LAURENT" of a signature), not as a handle
    (`@Valerie` of a comment): "Annabelle Laurent" of "annabelle laurent"; None if it does not, or for a name with
    capitals (trafilatura's of a login, "Orpheonegra", on a page writing `@OrpheoNegra`)."""
    if name != name.lower():
        return None
    pattern = r"(?<![\w@])" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)"
    for found in re.finditer(pattern, page, re.IGNORECASE):
        words = found[0].split()
        if all((word[:1].isupper() and not word[1:2].isupper()) or word.casefold() in NAME_PARTICLES
               for word in words) and words[0][:1].isupper():
            return " ".join(words)
    return None


def _undated_author(tree: Any, extracted: dict[str, Any], author: str | None,
                    asides: Callable[[], list[Any]]) -> str | None:
    """trafilatura's `author`, or, where it made its first name of a byline's date stamp (`_DATE_LEFT`), the byline it
    reads without the stamp (`_author_byline`), outside the page's comments, citing blocks and frames, less handles, if
    `page_author` takes it: its `normalize_authors` cuts a name at "par", so France Inter's `<div
    class="cover-emission-actions-authors-container">dimanche 19 mars 2017 par A , B , C</div>` gave "Dimanche ; B;
    C", and a single producer's none (a QA pass, 6 France Inter pages). A stamp after the names lost none ("Par A, le
    13-01-2017" gave "Par A; Le"), and the element may hold more after it (a post's section)."""
    if not author or not _DATE_LEFT.fullmatch(f"{author.split(';')[0].strip()} "):
        return author
    name = _unhandled(tree, _unframed_author(tree, asides, _author_byline))
    return name if name and _page_author(name, extracted) else author


_AUTHOR_PROP = "contains(concat(' ', normalize-space(@itemprop), ' '), ' author ')"
_MARKED_AUTHOR = (f"//*[@rel='author' or ({_AUTHOR_PROP} and not(@itemscope)) or (@itemprop='name' and ancestor::*"
                  f"[@itemscope][1][re:test(@itemtype, '/Person/?$') or ({_AUTHOR_PROP} and not(@itemtype))])]")
"""An element marked as the author's name: `rel="author"`, schema.org's `itemprop="author"` written as text, or the
`itemprop="name"` of a Person (schema.org's or data-vocabulary.org's microdata) or of an `itemprop="author"` item of
no type."""
_HANDLE = re.compile(r"\A\S*[_\d]\S*\Z")
"""A name of one word with "_" or a digit: a user's handle ("tan_pmp", "enseignants-93"), which trafilatura would have
made a name of (`_unhandled`, `page_author`), as the page marks it up."""


def _marked_author(tree: Any, extracted: dict[str, Any], asides: Callable[[], list[Any]]) -> str | None:
    """The text of the first element marked as the author's name (`_MARKED_AUTHOR`) that `page_author` takes for one
    (not a link's "View all posts" or "View Archive", the site's name or a desk's) and that is no handle (`_HANDLE`,
    read on the name `page_author` gives, without a lead: "by jane_doe42" got through, found by a review), outside
    the page's comments, citing blocks and frames that do not hold the article (`_asides`: a commenter's, a cited
    book's, a review's author, a sidebar's, related posts')."""
    marked = tree.xpath(_MARKED_AUTHOR, namespaces=_EXSLT)
    off = set(asides()) if marked else set()
    for element in marked:
        if any(parent in off for parent in element.iterancestors()):
            continue
        name = _element_text(element)
        author = _page_author(name, extracted)
        if author and not _HANDLE.match(author):
            return name
    return None


def _byline(tree: Any, author: str, asides: Callable[[], list[Any]], head: Callable[[], Any]) -> str | None:
    """trafilatura's `author`, unless it took a name of the page's comments, citing blocks or frames for the byline: it
    takes an element of class `author`, a reader's comment's (`<a class="author">` in `<div class="card comment">`), a
    pingback's (the link "Blog post | Blog", made two names) or a cited book's among them (15 France Culture episodes'
    author was the first book's of their bibliography, not the producer's of their staff block), a teaser's in the
    page's frame (Contre-attaque(s)'s "Dans la même rubrique" in an `<aside>`, on a page that names no author).

    A name the page writes in its comments alone is none: a post's author who also comments stays, written in a byline,
    a meta tag or JSON-LD too. A name written in a citing block or a frame (`_asides`) and not in the page's metadata
    gives way to the byline trafilatura takes from the page without its comments, citing blocks and frames, if any: the
    cited are named in the page's prose too (a guest, a book's author), and the page's credits follow them (France
    Culture's staff block); comments end a page, with only the site's footer and teasers after them (usbeketrica's
    "Usbek & Rica" cards). `asides` gives those (`_asides`), `head` the page's metadata (`_head_metadata`)."""
    whole = _letters(author)
    comments = _written(tree.xpath(f"//*[{_COMMENT}][not({_IN_COMMENTS})]"))
    if whole in comments:
        page = _letters(" ".join([*tree.itertext(), *tree.xpath("//meta/@content")]))
        return author if page.count(whole) > comments.count(whole) else None
    if whole not in _written(asides()) or head().author:
        return author  # trafilatura reads no element when the metadata names an author
    return _unframed_author(tree, asides)


def _element_author(tree: Any, extracted: dict[str, Any], asides: Callable[[], list[Any]],
                    head: Callable[[], Any]) -> str | None:
    """The byline trafilatura reads from the page's elements outside its comments, citing blocks and frames
    (`_unframed_author`), less handles (`_unhandled`), if `page_author` takes it, on a page whose `<meta>` or JSON-LD
    author (`head`: `_head_metadata`) `page_author` makes none of: trafilatura reads no element then, and Slate's
    "Repéré par" pages, `<meta name="author" content="Slate.fr">`, lost their `<a class="author">Vincent Manilève</a>`
    (a QA pass, 3 of fr-pages' 4 Slate pages). A byline naming that meta's author again is none (L'Obs's `<div
    class="ObsArticle-author">Par <span>L'Obs</span> <time>Publié le…`, read "Par L'Obs Publié le")."""
    if not (meta := head().author) or _page_author(meta, extracted):
        return None
    name = _unhandled(tree, _unframed_author(tree, asides))
    return name if name and _page_author(name, extracted) and _letters(meta) not in _letters(name) else None


def _unlabelled_author(tree: Any, extracted: dict[str, Any], asides: Callable[[], list[Any]]) -> str | None:
    """The byline trafilatura reads from the page's elements without the ones marked as the author's
    (`_MARKED_AUTHOR`) whose label names no one (`_link_label`, as trafilatura reads it: "View all" of "View all of
    Jane Smith’s posts.") or the site (`_site_named`), nor its comments, citing blocks and frames
    (`_unframed_author`), less handles, if `page_author` takes it: twentytwenty's author box `<a class="author-link"
    rel="author">View Archive</a>`, which trafilatura reads before the byline "By Jane Smith" (found by a QA pass on
    CMS templates). None on a page without such a link."""
    from trafilatura.metadata import normalize_authors

    labels = [element for element in tree.xpath(_MARKED_AUTHOR, namespaces=_EXSLT)
              if (_link_label(name := normalize_authors(None, _element_text(element)) or "")
                  or _site_named(name, extracted.get("sitename"), extracted.get("url")))]
    if not labels:
        return None
    name = _unhandled(tree, _unframed_author(tree, lambda: [*asides(), *labels]))
    return name if name and _page_author(name, extracted) else None


def _led_author(tree: Any, extracted: dict[str, Any], asides: Callable[[], list[Any]]) -> str | None:
    """The text of the element after a byline's lead written alone (`_AUTHOR_LEAD`: `<b>Autrice</b>`) beside an element
    marked as the author's (`_MARKED_AUTHOR`) that names the site (`_site_named`), outside the page's comments, citing
    blocks and frames, if `page_author` takes it: roseaux.co writes `<b>Texte</b> <a rel="author">Roseaux
    Magazine</a> <br/> <b>Autrice</b> <a href="">Clotilde</a>` (a QA pass). None on a page without such a mark."""
    sitename, url = extracted.get("sitename"), extracted.get("url")
    marks = [mark for mark in tree.xpath(_MARKED_AUTHOR, namespaces=_EXSLT)
             if _site_named(_element_text(mark), sitename, url) and mark.getparent() is not None]
    off = set(asides()) if marks else set()
    for mark in marks:
        if any(parent in off for parent in mark.iterancestors()):
            continue
        for lead in mark.itersiblings():
            if (_AUTHOR_LEAD.fullmatch(f"{_element_text(lead)} ") and (name := lead.getnext()) is not None
                    and _page_author(_element_text(name), extracted)):
                return _element_text(name)
    return None


def _byline_word_author(tree: Any, extracted: dict[str, Any], asides: Callable[[], list[Any]]) -> str | None:
    """The byline trafilatura would read from an element whose class has a word of `BYLINE_WORDS` (`_BYLINE_WORD`), as
    it reads one of class `author`, outside the page's comments, citing blocks and frames (`_unframed_author`), less
    handles, if `page_author` takes it for a name (`_name_like`): TÊTU's `<span class="post_auteur_infos">par <a
    href="…/author/jpatinier/">Jérémy Patinier</a> le 31 janvier 2017</span>`, with no meta author and no
    `rel="author"`, gave no author (a QA pass), nor did Al Jazeera America's `<span class="articleOpinion-byline">by
    <a>Rafia Zakaria</a>`, after its time in a `dateByline` box (fr-pages 390). None on a page without such an
    element."""
    if not tree.xpath(_BYLINE_WORD, namespaces=_EXSLT):
        return None
    name = _unhandled(tree, _unframed_author(tree, asides, _byline_word_byline))
    author = _page_author(name, extracted) if name else None
    return name if author and _name_like(author) else None


def _name_like(author: str) -> bool:
    """Whether each of `author`'s names ("; ") is two words or more, capitalised but for `NAME_PARTICLES`: an
    `_BYLINE_WORD` element holds a post's labels as well as its byline, and "Publié", "Lecture" or "Jean Dupont dans
    Actualités" were the author (a review)."""
    return all(len(words := name.split()) >= 2 and all(word[:1].isupper() or word.casefold() in NAME_PARTICLES
                                                          for word in words) for name in author.split("; "))


BYLINE_WORDS = ("auteur", "byline")
"""The class words of a byline that trafilatura misses: French `auteur` (it reads `author`), and `byline`, which its
last resort reads within any word of the first class holding it: Al Jazeera America's `<div
class="articleOpinion-dateByline">`, "5:00AM ET by Rafia Zakaria", its time before "by", gave no name, where its
`<span class="articleOpinion-byline">` gives hers."""
_BYLINE_WORD = f"//*[re:test(@class, '(^|[\\s_-])({'|'.join(BYLINE_WORDS)})($|[\\s_-])', 'i')]"
"""An element whose class has a word of `BYLINE_WORDS`, whole or between hyphens or underscores (`post_auteur_infos`,
`date-auteur`, `articleOpinion-byline`), not within another (a commenter's `comment-author-ghbauteur`) nor `auteurs`
(a list of a site's authors)."""
_DATE_LABEL = (r"(?:\b(?:publié|rédigé|posté|écrit|mise?[^\S\n]+à[^\S\n]+jour|modifié)e?s?[^\S\n]+)?(?:le[^\S\n]+)?"
               rf"(?:(?:{WEEKDAYS})[^\S\n]+)?")
"""A date stamp's label and weekday before its date: "Publié le ", "Mis à jour le dimanche "."""
_DATE_LEFT = regex.compile(rf"(?i:{_DATE_LABEL})")
"""What trafilatura leaves of a date stamp before "par" (tried on a name and a space): "Dimanche", "Publié le"."""
_AUTEUR_LABELS = regex.compile(
    rf"(?i:{_DATE_LABEL}{DATE_PATTERN}{TIME_PATTERN}"
    r"|\b(?:temps[^\S\n]+de[^\S\n]+)?lecture[^\S\n]*:[^|]*|[^\S\n]+dans[^\S\n]+.*)")
"""What a `_BYLINE_WORD` element writes beside the author's name, which is none of it: a date stamp and its label
("Publié le 21/03/2014", "Rédigé le 21 mars 2014 à 10h05"), a reading time ("Lecture : 5 minutes") and the post's
section after the name ("Posté par Jean Dupont dans Actualités")."""


def _byline_word_byline(page: Any) -> str | None:
    """The byline of `page`'s first `_BYLINE_WORD` element (`_bare_byline`)."""
    from lxml.etree import XPath

    return _bare_byline(page, [XPath(_BYLINE_WORD, namespaces=_EXSLT)])


def _author_byline(page: Any) -> str | None:
    """The byline of the element trafilatura reads a byline from (its `AUTHOR_XPATHS`), less its labels
    (`_bare_byline`)."""
    from trafilatura.xpaths import AUTHOR_XPATHS

    return _bare_byline(page, AUTHOR_XPATHS)


def _bare_byline(page: Any, xpaths: list[Any]) -> str | None:
    """The byline trafilatura's `extract_author` reads from `page` (a copy, pruned) by `xpaths`: the first such
    element's text of under 120 characters, without its labels (`_AUTEUR_LABELS`), normalised as its author's (a lead
    kept, `page_author`'s)."""
    from trafilatura.htmlprocessing import prune_unwanted_nodes
    from trafilatura.metadata import extract_metainfo, normalize_authors
    from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

    byline = extract_metainfo(prune_unwanted_nodes(page, AUTHOR_DISCARD_XPATHS), xpaths, len_limit=120)
    byline = _AUTEUR_LABELS.sub(" ", byline) if byline else None
    return normalize_authors(None, byline) if byline and byline.strip() else None


def _unframed_author(tree: Any, asides: Callable[[], list[Any]], read: Callable[[Any], str | None] | None = None,
                     ) -> str | None:
    """The author trafilatura reads from the page's elements (`extract_author`, or `read`) once its comments, citing
    blocks and frames (`asides`, sought in `tree`: its copy's are the elements at their places) are gone."""
    from trafilatura.metadata import extract_author

    return (read or extract_author)(_without(tree, set(asides())))


def _without(tree: Any, off: set[Any]) -> Any:
    """A copy of `tree` without the elements of `off` (sought in `tree`: its copy's are the elements at their
    places)."""
    page = deepcopy(tree)
    for aside in [copy for element, copy in zip(tree.iter(), page.iter()) if element in off]:
        aside.drop_tree()
    return page


_WEB_ADDRESS = re.compile(r"(?<!\S)\S*://\S*")
"""A web or app address, the whole word holding "://" (`twitter://user?screen_name=jane_doe` of a meta tag, which
`_URL`'s http(s) ones leave). Tried from a word's start only: `\\S+://` was tried from every character of a run
without a space (a script's JSON, minified code), quadratic: a page of an 80,000-character run took 7 s."""


def _unhandled(tree: Any, author: str | None) -> str | None:
    """trafilatura's `author` without the names it made of a user's handle: it turns "_" and "." into spaces, takes
    digits off and capitalises, so a forum post's `user123` became "User" and a meta tag's `jane_doe42` "Jane Doe".
    A name is a handle's when the page writes it only so: its words glued, or joined by "_", ".", "-", with "_" or
    digits (`_handle`), never as the name itself (a byline "Jane Doe" beside the handle keeps it; so did the TED speaker
"Yassmin Abdel-Magied", whose page's links write `yassmin_abdel_magied`)."""
    if not author:
        return None
    written = " ".join([*tree.itertext(), *tree.xpath("//meta/@content")])
    page = _WEB_ADDRESS.sub(" ", written)
    return "; ".join(_dotted(name, written) for name in author.split("; ") if not _handle(name, page)) or None


_SHORT_WORD = regex.compile(r"(?<!\w)\p{L}{1,2}(?!\w)")
"""A word of one or two letters in a name: an initial or an abbreviation ("M", "Pf", "J", "Jr")."""


def _dotted(name: str, page: str) -> str:
    """`name` with the dots trafilatura took off its initials (it turns "." into a space, for handles: "M. Pf." of a
    JSON-LD author was "M Pf"), put back as the page writes the name, a dot after words of one or two letters
    (`_SHORT_WORD`) and one at least before its last word: a longer word's dot is a handle's ("jane.doe"), and one
    after the last word alone may end the sentence ("… selon Jean Xu."). Its words are apart on the page: a dot glued
    to the next word is a handle's too ("Li.Na" made the author "Li Na" `Li.Na`). `page` keeps its web addresses: a
    minified JSON-LD's `{"@context":"https://schema.org",…"name":"M.` is one word with one (it stayed "M Pf")."""
    if not _SHORT_WORD.search(name):
        return name
    words = [re.escape(word) + (r"\.?" if _SHORT_WORD.fullmatch(word) else "") for word in name.split()]
    for written in re.finditer(r"(?<![\w.])" + r"\s+".join(words) + r"(?!\w)", page):
        if "." in written[0].rstrip("."):
            return " ".join(written[0].split())
    return name


def _handle(name: str, page: str) -> bool:
    """Whether `page` writes `name` only as a handle (see `_unhandled`)."""
    words = [re.escape(word) for word in re.findall(r"[^\W\d_]+", name)]
    if not words or re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", page, re.IGNORECASE):
        return False  # in any case, as the handle is sought: a byline's "jean dupont" is trafilatura's "Jean Dupont"
    glued = re.compile(r"(?<![\w.-])" + r"[._-]?".join(words) + r"[\w.-]*", re.IGNORECASE)
    return any("_" in found or any(c.isdigit() for c in found) for found in glued.findall(page))


def _written(elements: list[Any]) -> str:
    """The letters and digits of the text of `elements`, lower-cased (`_letters`)."""
    return _letters(" ".join(text for element in elements for text in element.itertext()))


def _head_metadata(tree: Any) -> Any:
    """The metadata trafilatura reads from the page's `<meta>` tags (`og:title`, ...; a single word's author is none)
    and JSON-LD, before and instead of its elements' (`<title>`, `<h1>`, bylines); JSON-LD it fails on is skipped, as
    trafilatura skips it (it catches any error there). Read once a page, when first asked (`extract_html` passes it
    on): the author's and the title's steps read it up to three times (a review)."""
    from trafilatura.metadata import examine_meta, extract_meta_json

    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - trafilatura's own guard around its JSON-LD reader
        pass
    return found


_MARKED_PUBLISHED = "contains(concat(' ', normalize-space(@class), ' '), ' published ') or @pubdate"
_MARKED_UPDATED = "re:test(@class, '(^|[\\s_-])(updated?|modified|last-?mod)($|[\\s_-])', 'i')"
_PUBLISHED = (f".//time[@datetime][starts-with(@class, 'entry-date') or {_MARKED_PUBLISHED}]"
              f"[{_MARKED_PUBLISHED} or not({_MARKED_UPDATED})][not({_IN_COMMENTS})]")
"""A `<time>` marked as the post's own date (WordPress's `entry-date`, hAtom's `published`, HTML5's `pubdate`) outside
the comments, where themes mark each comment's date the same ways; a comment's is not. One marked as the post's update
is not either (`entry-date updated`, `entry-date-modified`: a QA pass found it dating posts of 2024-02-05 to their
update of 2024-10-06), unless it is marked published too (`entry-date published updated`, a post never updated)."""
_UPDATED = f"//time[@datetime][{_MARKED_UPDATED} and not({_MARKED_PUBLISHED})][not({_IN_COMMENTS})]"
"""A `<time>` marked as an update and not as published, outside the comments: a comment's `<time class="comment-date
updated">` is no update of the page's, nor, in its frame (`_framed`), a sidebar's `<time class="updated">` of another
post, whose day took the post's date when it was the same (a review)."""


def _published(tree: Any) -> str | None:
    """The day of the `<time>` marked as the post's date (`_PUBLISHED`) that the post holds, or None. trafilatura's
    date (htmldate's) takes a date in an element of a "date" class before it: on a blog, the sidebar's
    list of recent posts (`<span class="post-date">1 mai 2020</span>` for a post of 10 April 2019). The sidebar may
    mark its dates so too (`<time class="entry-date published">` in a recent-posts widget before the `<article>`):
    a marked `<time>` in the page's frame (`_framed`: a sidebar, a widget, the links to the previous and next posts,
    related posts) is none, and of the others, the first within an `<article>` or `<main>` comes before the first
    outside them."""
    times = [time for time in tree.xpath(_PUBLISHED, namespaces=_EXSLT) if not _framed(time)]
    inside = [time for time in times if any(a.tag in ("article", "main") or a.get("role") == "main"
                                            for a in time.iterancestors())]
    return next(filter(None, (given_date(time.get("datetime")) for time in inside + times)), None)


_DATE_CLASS = _class_words("date", "post-date", "entry-date", "published", "pubdate")
"""A date element's class: Drupal's `date-display-single`, a theme's `post-date`, `entry-date`, `published`."""
_TEASER = f"{_IN_COMMENTS} or ancestor::*[{_CITING}] or ancestor::li[.//a]"
"""An XPath test: an element in the comments, in a citing block (`_CITING`: related posts, a book's review) or in a
list item holding a link, a teaser's ("Du même auteur": `<li><a href="/x">Un autre billet</a> <span class="date">
02.06.2015</span></li>`), where a date is another post's."""


def _own(element: Any) -> bool:
    """Whether a date's element is the page's own: in none of its frames (`_framed`), comments, citing blocks or list
    items of links (`_TEASER`)."""
    return not _framed(element) and not element.xpath(f"boolean({_TEASER})", namespaces=_EXSLT)


def _article_date(tree: Any) -> str | None:
    """The day of the first element of a date's class (`_DATE_CLASS`) in the page's article and its own (`_own`),
    before the article's first paragraph, whose text is a date alone, or None. htmldate takes the first such element
    of the page, which may be a banner's over the article: lejournal.cnrs.fr's post of 21.03.2014, under its `<h1>` in
    `<article>`, was dated 13.05.2014, the "Paru le" of its dossier's banner (a QA pass). One after a paragraph is a
    teaser's: a "Du même auteur" list at the article's end dated a post of 2021 to 2015 (a review). The class is told
    first, the ancestors then: tested on every classed element, they took 18 % of fr-pages' CPU (a review); the
    article's first paragraph is sought once (`_Order`: sought before each, 2,000 took 1.4 s, a review)."""
    order, opening = _Order(tree), None
    for element in tree.xpath("//body//*[@class]"):
        if not (_DATE_CLASS.search(element.get("class")) and element.xpath(_IN_ARTICLE, namespaces=_EXSLT)
                and _own(element)):
            continue
        if opening is None:
            opening = tree.xpath(f"(//body//p[{_IN_ARTICLE}])[1]", namespaces=_EXSLT)
        if opening and order.before(opening[0], element):
            return None
        if day := given_date(_short_text(element, DATE_TEXT_CHARS) or ""):
            return day
    return None


def _published_props(tree: Any) -> list[Any]:
    """The page's own (`_own`) elements marked `itemprop="datePublished"`: a teaser's is another post's."""
    return [element for element in tree.xpath("//*[@itemprop='datePublished']") if _own(element)]


_YEAR = re.compile(r"\d{4}")


def _stated_year(tree: Any) -> str | None:
    """The year alone an element marked `itemprop="datePublished"` gives (`datetime="2007"`, onf.ca's film pages), or
    None: no day of it, yet a date of another year is none of its publication (onf.ca's came from a reader's comment,
    2015-03-07, which htmldate read). `published` holds a day or a month, not a year alone."""
    for element in _published_props(tree):
        if _YEAR.fullmatch(value := (element.get("datetime") or element.get("content") or "").strip()):
            return value
    return None


PUBLISHED_NAMES = frozenset({
    "article:published_time", "og:article:published_time", "article:published", "og:article:published",
    "article.published", "article:published_date", "article:publicationdate", "article:post_date", "og:published_time",
    "og:publish_date", "og:pubdate", "og:datepublished", "datepublished", "rnews:datepublished", "date_published",
    "published_date", "published-date", "published_time", "publisheddate", "publish_date", "publish-date",
    "publishdate", "publish_time", "publication_date", "pubdate", "bt:pubdate", "rbpubdate", "parsely-pub-date",
    "dc.date.issued", "dcterms.issued", "dc.date.publication", "citation_publication_date", "citation_date",
    "sailthru.date", "dateposted", "originalpublicationdate", "dcsext.articlefirstpublished",
    "shareaholic:article_published_time", "mediator_published_time", "vr:published_time", "twt-published-at",
    "cxenseparse:recs:publishtime", "og:question:published_time", "field-name-post-date", "article_date_original"})
"""The `<meta>` names (`name`, `property` or `itemprop`, lower-cased) that state a page's publication date and
nothing else, which a marked `<time>` gives way to (`_date`). htmldate's `DATE_ATTRIBUTES` hold looser ones too: the
page's generation time (`gentime`, `timestamp`), a creation's (`created`, `dcterms.created`), any date (`date`,
`DC.date`, `meta`), a video's release (`release_date`, also among htmldate's update names); counted as a stated
publication, `<meta name="gentime" content="2024-11-20">` dated a post of `<time class="entry-date published">`
2024-02-05 to the day it was served (a review)."""


def _stated_dates(tree: Any) -> tuple[set[str], set[str], set[str]]:
    """The days the page states as its publication's (`PUBLISHED_NAMES`, JSON-LD's `datePublished`, an element's
    `itemprop="datePublished"` of its own (`_published_props`): onf.ca's `<span>` went unread), as any date of
    its (those and the other `<meta>` names htmldate reads as a publication's: `DATE_ATTRIBUTES`, `itemprop=
    "dateCreated"`), and as its update's: the `<meta>` names htmldate reads as such (`article:modified_time`,
    `og:updated_time`, ...), JSON-LD's `dateModified` and a `<time>` marked so outside the page's frame and comments
    (`_UPDATED`)."""
    from htmldate.core import (DATE_ATTRIBUTES, ITEMPROP_ATTRS_MODIFIED, ITEMPROP_ATTRS_ORIGINAL, NAME_MODIFIED,
                               PROPERTY_MODIFIED)
    from htmldate.extractors import JSON_MODIFIED, JSON_PUBLISHED

    published: set[str] = set()
    dated: set[str] = set()
    updated: set[str] = set()
    for meta in [*tree.iter("meta"), *_published_props(tree)]:
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if not (day := given_date(meta.get("content") or meta.get("datetime") or "")):
            continue
        if key in PUBLISHED_NAMES:
            published.add(day)
        if key in DATE_ATTRIBUTES or key in ITEMPROP_ATTRS_ORIGINAL:
            dated.add(day)
        elif key in NAME_MODIFIED or key in PROPERTY_MODIFIED or key in ITEMPROP_ATTRS_MODIFIED:
            updated.add(day)
    for script in tree.xpath("//script[@type='application/ld+json']"):
        published.update(filter(None, (given_date(m[1]) for m in JSON_PUBLISHED.finditer(script.text or ""))))
        updated.update(filter(None, (given_date(m[1]) for m in JSON_MODIFIED.finditer(script.text or ""))))
    marked = [time.get("datetime") for time in tree.xpath(_UPDATED, namespaces=_EXSLT) if not _framed(time)]
    return published, dated | published, updated | set(filter(None, map(given_date, marked)))


FRAME_WORDS = ("widget", "sidebar", "related", "recent")
"""The words of a class or id of a page's frame: a sidebar, a widget (`widget widget_recent_entries`), related or
recent posts."""
SECONDARY_COLUMN = r"(?:^|\s)(?:col(?:umn)?[_-])?secondary(?:$|\s)"
"""A secondary column's class or id, a frame too: a whole word (WordPress's `<div id="secondary">` sidebar) or a
column's (Al Jazeera's `<div class="articleOpinion-secondary col-secondary">`, whose list of most read opinions gave
its page another's author). Not "secondary" between hyphens anywhere, as `FRAME_WORDS` are: Bootstrap's colours
(`text-secondary`, `btn-secondary`, `badge-secondary`) and `secondary-meta` mark bylines (a review)."""
_FRAME_CLASS = re.compile(f"{_class_words(*FRAME_WORDS).pattern}|{SECONDARY_COLUMN}", re.IGNORECASE)
_FRAMES = "//body//*[self::aside or self::nav or self::footer or @class or @id]"
"""The elements that may be frames (`_is_frame` tells): `<aside>`, `<nav>`, `<footer>`, and those of a class or id,
whose words `_FRAME_CLASS` reads in any case. XPath's `contains()` sought the words but their first letter ("idebar"),
and missed `class="SIDEBAR"`, a frame to `_framed` (a review); in capitals too, it took 2 ms more a page of fr-pages,
and lower-cased by `translate()`, three times as long: the regular expression, in Python, takes less than either."""


def _framed(element: Any) -> bool:
    """Whether an element (a `<time>`, a lead) is in the page's frame, not the post: one of its ancestors below
    `<body>` is a frame (`_is_frame`)."""
    for parent in element.iterancestors():
        if parent.tag in ("body", "html"):
            return False
        if _is_frame(parent):
            return True
    return False


def _is_frame(element: Any) -> bool:
    """Whether an element is a frame of the page: an `<aside>`, a `<nav>` (links to the previous and next posts, each
    with its date), a `<footer>` that no `<article>` or `<main>` holds (the page's, not the post's where themes put its
    date), or an element whose class or id is a sidebar's, a widget's, a list of related or recent posts or a
    secondary column (`_FRAME_CLASS`; not `<body>`'s, whose classes say `no-sidebar` on a page without one: none is
    sought there)."""
    if element.tag in ("aside", "nav") or _FRAME_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return True
    return element.tag == "footer" and not any(a.tag in ("article", "main") for a in element.iterancestors())


def _page_footer(footer: Any) -> bool:
    """Whether a `<footer>` is the page's: a child of `<body>`, or marked as the page's information (`role=
    "contentinfo"`, WordPress's `<footer id="colophon">` in a wrapper). A post's own in no `<article>` (`<div
    class="post">…<footer class="entry-meta">Publié par <span class="author">…`) is no frame of bylines (a review)."""
    return footer.getparent().tag == "body" or footer.get("role") == "contentinfo"


def _where(doc: Document) -> str:
    """A page named where it was read and by its URL (a WARC reader's place names it already), else either, else
    its id."""
    if doc.where and doc.url and doc.url not in doc.where:
        return f"{doc.where} ({doc.url})"
    return doc.where or doc.url or doc.id


def _reject(doc: Document, reason: str, detail: str) -> Rejected:
    return Rejected(id=doc.id, stage="extract", reason=reason, detail=detail, raw=doc.model_dump(exclude_defaults=True))
