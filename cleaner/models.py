"""The core objects: what goes in, what a rule did, what comes out, and why a document was dropped."""

from __future__ import annotations

import ipaddress
import json
import re
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .dates import given_date
from .text import without_surrogates

FIELDS = ("title", "source", "published", "author", "section")
"""The metadata fields that `extract` rules may fill."""

FieldName = Literal["title", "source", "published", "author", "section"]


def given_field(name: str, value: Any) -> str | None:
    """What a record's own field `name` gives the field of that name: a `published` as `dates.given_date` reads it;
    another text with its whitespace runs, line breaks included, as one space and none at its ends (`"  Mon
    titre\\n"` → `"Mon titre"`: a field is one line); None for one that is then empty, or not a text."""
    if not isinstance(value, str):
        return None
    if name == "published":
        return given_date(value)
    return " ".join(value.split()) or None


Unicode = Annotated[str, AfterValidator(without_surrogates)]
"""A string that UTF-8 can hold: ids and details, which a run stores as SQLite text, and a document's
fields (a corpus line with a lone surrogate escape is JSON that jq and others refuse)."""


def _valid_strings(value: Any) -> Any:
    """`value` (a JSON-like tree) with every string and key `without_surrogates`."""
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, dict):
        return {_valid_strings(k): _valid_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_strings(v) for v in value]
    return value


def holds_surrogates(value: Any) -> bool:
    """Whether `value` (a string, or a JSON-like tree, keys included) holds a lone surrogate."""
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except ValueError:  # a tree that holds itself: not JSON, left as given
        pass
    return False


def _valid_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """`meta` with lone surrogates as U+FFFD in its strings and keys (walked only when it holds one)."""
    return _valid_strings(meta) if meta and holds_surrogates(meta) else meta


class Document(BaseModel):
    """One input record. `meta` passes through untouched; `lang` is an optional hint from the input."""

    model_config = ConfigDict(frozen=True)

    id: Unicode
    text: str = ""
    url: Unicode | None = None
    source: Unicode | None = None
    html: Unicode | None = None
    lang: Unicode | None = None
    meta: Annotated[dict[str, Any], AfterValidator(_valid_meta)] = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    """Problems met while reading it (invalid UTF-8 replaced, ...), carried to the output."""

    @cached_property
    def where(self) -> str | None:
        """Where it was read, as its reader's details name the place (`news.jsonl:12`, `page.html`, `document 3`);
        None for a document built by the caller. Not a field: no output holds it, and two documents read at two
        places are equal (pydantic leaves a cached property out of both)."""
        return None

    def read_at(self, where: str) -> Document:
        """This document, noted as read at `where` (its reader calls this as it makes it)."""
        self.where = without_surrogates(where)
        return self

    @property
    def host(self) -> str | None:
        """The host of `url` (`url_host`: lower case, without `www.`, the archived page's for a Wayback
        Machine copy), or `source` read by `source_host` when the URL names none (none given, a relative `/news/1`,
        one that does not parse): a relative URL placed no document, so nothing was learned for it nor scoped."""
        if self.url and (host := url_host(self.url)):
            return host
        return (source_host(self.source) or None) if self.source else None


def no_source(count: int, of: str) -> str:
    """How many of `of` ("60 records") have no `host`, as the commands that learn lines per source say it."""
    return f"{count:,} of {of} {'has' if count == 1 else 'have'} no source (no URL with a host, no `source` field)"
ARCHIVED = re.compile(r"(?:[a-z]+:/+)?web\.archive\.org/web/[^/]+/(?:[a-z]+:/+)?([^/?#]+)", re.IGNORECASE)
"""A Wayback Machine copy, `web.archive.org/web/<time>/<url>` (its scheme's "//" sometimes cut to "/"):
group 1 is the archived page's host."""


KEPT_URL_CHARS = 2048
"""The longest URL whose host `url_host` keeps (for the last 4,096 such URLs): a page's links name a few hosts many
times, and a document's host is asked for at each stage; a longer one (an inline `data:` link's megabytes) is read
each time, not held."""


def url_host(url: str) -> str | None:
    """The host of `url`, lower case and without `www.` (a URL without a scheme is read as one with it);
    for a Wayback Machine copy, the archived page's host, so a site's `sources:` scope and its learned
    boilerplate cover its copies; None when it does not parse or names no plausible host (`plausible_host`:
    "N/A" was host `n`, "not available" a host, and the records holding them one source). Kept for the last 4,096
    URLs of up to `KEPT_URL_CHARS` (as plain `str`: an lxml string result holds its page)."""
    return _kept_host(str(url) if isinstance(url, str) else url) if len(url) <= KEPT_URL_CHARS else _host(url)


def _host(url: str) -> str | None:
    from urllib.parse import urlsplit

    if archived := ARCHIVED.match(url):
        url = archived.group(1)
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket, a bad port
        return None
    host = host_form(host)
    return host if plausible_host(host) else None


_kept_host = lru_cache(maxsize=4096)(_host)


def plausible_host(host: str) -> bool:
    """True for a host name with a dot and no space, `localhost` or an IP address."""
    import ipaddress

    if host == "localhost" or ("." in host and not any(c.isspace() for c in host)):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


SECOND_LEVELS = frozenset("co com org net gov gouv edu ac ne or go".split())
"""The labels that make a public suffix of two under a country's ("co.uk", "com.au", "gouv.fr"): the site's own label
is the one before them."""
PLATFORMS = frozenset("wordpress blogspot over-blog canalblog medium tumblr noblogs".split())
"""The labels of blog platforms, whose subdomain is the site's (egalitariste of egalitariste.wordpress.com,
corpsetpolitique of corpsetpolitique.noblogs.org)."""


def site_label(host: str) -> str | None:
    """The label of `host` that names its site: the one before its public suffix ("example" of news.example.com,
    "bbc" of www.bbc.co.uk: `SECOND_LEVELS`), or a blog platform's subdomain (`PLATFORMS`); none for a host of one
    label or an IP address. Not "www", "news", "blog" or "m", which a final "News" line matched (a review)."""
    host = host_form(host)
    if _ip_address(host):
        return None
    labels = host.split(".")[:-1]
    if len(labels) > 1 and labels[-1] in SECOND_LEVELS and len(host.rsplit(".", 1)[-1]) == 2:
        labels.pop()
    if len(labels) > 1 and labels[-1] in PLATFORMS:
        labels.pop()
    return labels[-1] if labels else None


def _ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def host_form(host: str) -> str:
    """A host name as cleaner compares hosts: without `www.` and a final dot (`www.x.com.` is `x.com`), and an
    internationalised name in Unicode whichever way it was written (`xn--bcher-kva.de` is `bücher.de`)."""
    labels = host.removeprefix("www.").rstrip(".").split(".")
    return ".".join(_unicode_label(label) if label.startswith("xn--") else label for label in labels)


def _unicode_label(label: str) -> str:
    try:
        return label.encode("ascii").decode("idna").lower()
    except UnicodeError:  # not valid punycode: compared as written
        return label


URL_LIKE = re.compile(r"(?s).*://|[\w-]+(?:\.[\w-]+)+(?:[:/?#]|\.$)")
"""A URL, or a dotted host name followed by a port, a path, a query, a fragment or a final dot (a URL without
its scheme)."""


def source_host(source: str) -> str:
    """A `source` as a host: stripped and lower case, each run of spaces one space (`Le  Matin` is `le matin`: a rule's
    `Le Matin` missed it), without `www.`; for one that reads as a URL (`URL_LIKE`: `https://X.com/`, `x.com.`), its
    host by `url_host` without a final dot. How a document without a URL is placed, and how a rule's `sources` are
    read (`kinds.base.source_key`), so the two meet: a `source` of `https://quotidien.example/` was matched as itself,
    and the rules `rules suggest` made for it never fired."""
    key = " ".join(source.split()).lower()
    return (url_host(key) or "") if URL_LIKE.match(key) else host_form(key)


class Edit(BaseModel):
    """A span of the raw text that a rule removed (`remove`) or moved into a field (`extract`).

    Offsets are into the raw text of the document, so every edit can be shown in place; edits of one
    document never overlap, and removing them all from the raw text gives the clean text (see `replay`).
    """

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    rule: str
    kind: Literal["remove", "extract"] = "remove"
    field: FieldName | None = None
    value: str | None = None
    source: str | None = None
    """For a `repeated` edit: the source (URL host or `source` field) whose boilerplate the span is."""
    why: str | None = None
    """What decided the edit, for rules that decide by features (`shape`: the line's features)."""

    def __repr_args__(self) -> list[tuple[str | None, Any]]:
        """The fields that are set: `Edit(start=0, end=12, rule='fr.published-in', kind='remove')`."""
        return [(name, value) for name, value in super().__repr_args__() if value is not None]

    @model_validator(mode="after")
    def _check(self) -> Edit:
        if self.end < self.start:
            raise ValueError(f"edit end {self.end} is before its start {self.start}")
        if (self.kind == "extract") != (self.field is not None):
            raise ValueError("an `extract` edit names a field; a `remove` edit does not")
        return self


MADE = ("lang_score", "langs", "cluster", "edits", "warnings")
"""The keys of an output record (`Cleaned.record`) that cleaning makes, not the record it was given: a corpus read
again makes them anew (`io.records.split_fields`), and does not keep the old ones in `meta`."""
ALWAYS_WRITTEN = ("id", "text", *FIELDS, "lang", "lang_score", "langs", "edits")
"""The keys `Cleaned.record` always writes: a record that holds them all is an output of cleaner's."""


class Cleaned(BaseModel):
    """A cleaned document: clean text, the fields lifted out of the noise, and every edit made."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    published: str | None = None
    author: str | None = None
    section: str | None = None
    edits: tuple[Edit, ...] = ()
    warnings: tuple[str, ...] = ()
    lang: str | None = None
    lang_score: float | None = None
    langs: dict[str, float] | None = None
    dup_of: str | None = None
    cluster: str | None = None
    document: Document = Field(exclude=True)

    def fields(self) -> dict[str, str | None]:
        """The five metadata fields as a dict."""
        return {name: getattr(self, name) for name in FIELDS}

    def record(self) -> dict[str, Any]:
        """The JSON-ready output record of `cleaner clean` and of the corpus of `cleaner run`."""
        out: dict[str, Any] = {"id": self.id, "text": self.text, **self.fields()}
        out.update(lang=self.lang, lang_score=self.lang_score, langs=self.langs)
        if self.cluster is not None:
            out["cluster"] = self.cluster
        out["edits"] = [e.model_dump(exclude_none=True) for e in self.edits]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.document.url:
            out["url"] = self.document.url
        meta = {key: value for key, value in self.document.meta.items() if not (key in FIELDS and value == out[key])}
        for key in ("source", "lang"):  # the record's own, kept where the field found is another (a rule's source,
            given = getattr(self.document, key)  # the language tagged); a corpus read again has it in meta already
            if given is not None and given != out[key] and key not in meta:
                meta[key] = given
        if meta:  # less what a field now holds (a record's own `title` that became the field, say)
            out["meta"] = meta
        return out


class Rejected(BaseModel):
    """A dropped document: which stage dropped it, a stable reason code, and the raw record."""

    model_config = ConfigDict(frozen=True)

    id: Unicode | None
    stage: str
    reason: str
    detail: Unicode = ""
    dup_of: str | None = None
    similarity: float | None = None
    lang: str | None = None
    """The language the run found, for a document dropped after the language stage (by a gate or by dedup)."""
    lang_score: float | None = None
    warnings: tuple[str, ...] = ()
    """What reading it repaired or met (invalid UTF-8 replaced, NULs removed, ...), as a kept document carries them."""
    raw: Any = None

    @model_validator(mode="before")
    @classmethod
    def _warnings_apart(cls, data: Any) -> Any:
        """A document's warnings as the rejection's own, out of `raw`, which is the `Document` as read at a stage after
        `read` (at `read`, the record as given, whose own `warnings` field stays): in `raw` they read as a field of the
        record, and that record given back to cleaner carried them in `meta`, its document's warnings empty (QA)."""
        raw = data.get("raw") if isinstance(data, dict) else None
        if not isinstance(raw, dict) or data.get("stage") == "read" or "warnings" not in raw:
            return data
        return {**data, "raw": {k: v for k, v in raw.items() if k != "warnings"},
                "warnings": (*data.get("warnings", ()), *raw["warnings"])}

    def record(self) -> dict[str, Any]:
        """The JSON-ready rejects line: `warnings` when there are any, as in an output record, and `lang` and
        `lang_score` for a document a gate or dedup dropped, null when the language stage found none."""
        tagged = ("lang", "lang_score") if self.stage in ("gate", "dedup") else ()
        record = self.model_dump(exclude=None if self.warnings else {"warnings"})
        return {key: value for key, value in record.items() if value is not None or key in tagged}
