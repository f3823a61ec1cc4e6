"""What every rule has in common, and the registry of rule kinds by name."""

from __future__ import annotations

import re
import reprlib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..prefilter import folded
from ..text import KEY_MAX_CHARS, line_key
from ..view import Hit, View


@dataclass(frozen=True)
class Context:
    """What a rule may know about the document besides its text."""

    lang: str | None = None
    host: str | None = None
    timeout: float = 1.0
    author: str | None = None
    """The document's author: the one a rule lifted, once one has (`engine.rule_context`), else the one it came with
    (its record's, else its page's: `given.given_fields`)."""
    headings: frozenset[str] = frozenset()
    """The `line_key` of each line the document's page marks as a heading (`given.rule_fields`); none for a text."""
    right_aligned: frozenset[str] = frozenset()
    """The `line_key` of each line the document's page aligns right (`given.rule_fields`); none for a text."""
    site_names: frozenset[str] = frozenset()
    """The `line_key` of the names the document's site goes by: its source, its host, the host's own label
    (`given.rule_fields`)."""


class KeepExample(BaseModel):
    """An example given as a mapping: its text and the author its document came with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    author: str | None = None
    """The author the example's document came with (`Context.author`), for a rule that reads it."""

    @classmethod
    def of(cls, example: str | KeepExample) -> KeepExample:
        """`example` as this mapping: one given as a string is its text alone."""
        return example if isinstance(example, cls) else cls(text=example)


class RemoveExample(KeepExample):
    """A `remove` example with an exact expectation: the clean text and the fields."""

    clean: str = ""
    fields: dict[str, str] = Field(default_factory=dict)

    @field_validator("fields")
    @classmethod
    def _known(cls, fields: dict[str, str]) -> dict[str, str]:
        from ..models import FIELDS

        unknown = [name for name in fields if name not in FIELDS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a field (fields: {', '.join(FIELDS)})")
        return fields


class Examples(BaseModel):
    """`remove`: texts the rule must clean (a string must go entirely); `keep`: texts it must not touch. Either may be
    a mapping, with the author its document came with (`KeepExample`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    remove: tuple[str | RemoveExample, ...] = Field(min_length=1)
    keep: tuple[str | KeepExample, ...] = Field(min_length=1)

    @field_validator("keep", mode="before")
    @classmethod
    def _strings(cls, keep: Any) -> Any:
        if isinstance(keep, list | tuple):
            other = next(((n, x) for n, x in enumerate(keep, start=1) if not isinstance(x, str | dict)), None)
            if other:
                raise ValueError(f"keep example {other[0]} is not a string but {shown(other[1])}: a keep example is "
                                 "the text itself, or a mapping of `text` and `author`")
        return keep

    @field_validator("keep")
    @classmethod
    def _not_blank(cls, keep: tuple[str | KeepExample, ...]) -> tuple[str | KeepExample, ...]:
        blank = [n for n, example in enumerate(keep, start=1) if not KeepExample.of(example).text.strip()]
        if blank:
            raise ValueError(f"keep example {blank[0]} is blank: it tests nothing (there is nothing in it for a rule to remove)")
        return keep


class Rule(BaseModel):
    """A rule: an id, a kind, a description, an optional scope, its parameters and its examples."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: str
    description: str = Field(min_length=3)
    langs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    """Strings (compared case-folded, in NFC, each run of spaces one space: `prefilter.folded`) of which a text must
    hold at least one for the rule to be tried: a cheap test that spares a costly pattern most documents."""
    examples: Examples

    phase: ClassVar[int] = 1
    """Rules run by phase (removals 1, truncation 2, extraction 3, signature 4, shape 5), then in pack order."""

    @model_validator(mode="after")
    def _mark_shipped(self, info: ValidationInfo) -> Rule:
        if info.context and info.context.get("shipped"):  # kept beside the fields: no part of what the rule is (==)
            object.__setattr__(self, "_shipped", True)
        return self

    @property
    def shipped(self) -> bool:
        """True for a rule of a pack shipped with cleaner (validated with the context `{"shipped": True}`):
        its patterns may run on `re`, without a time limit (see `patterns.compile_fast`)."""
        return self.__dict__.get("_shipped", False)

    @field_validator("id")
    @classmethod
    def _not_built_in(cls, value: str) -> str:
        from ..edits import BUILT_IN_RULES

        if value in BUILT_IN_RULES:
            raise ValueError(f"{value!r} is the id of cleaner's own edits ({', '.join(BUILT_IN_RULES)}): a rule's "
                             "under it would be taken for them, and `rules check` passes over them; choose another")
        return value

    @field_validator("langs")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ..lang import hint_code  # what a document's `lang` hint is read as, so the two compare

        codes = []
        for v in value:
            if (code := hint_code(v)) is None:
                raise ValueError(f"{shown(v)} is not a language code a document's language can be: give its ISO 639-1 code "
                                 "('fr'; 'fra', 'fre', 'fr-FR' are read as it); a language without one (Pidgin, 'pcm') "
                                 "cannot scope a rule: scope it with `requires` or `sources`")
            codes.append(code)
        return tuple(dict.fromkeys(codes))  # `[fra, FR-fr]` is `fr` once

    @field_validator("sources")
    @classmethod
    def _hosts(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(source_key(v) for v in value))

    @field_validator("requires")
    @classmethod
    def _folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from ..edits import HIDDEN

        if (blank := next((v for v in value if not v.strip()), None)) is not None:  # `"  "` folds to a space
            raise ValueError(f"{'a blank' if blank else 'an empty'} string would make `requires` always true")
        read = tuple(folded(re.sub(f"[{HIDDEN}]+", "", unicodedata.normalize("NFC", v))) for v in value)
        if blind := next((v for v, r in zip(value, read) if not r), None):  # the text is read without them
            raise ValueError(f"{shown(blind)} holds only characters the rules do not see (`edits.HIDDEN`: zero-width "
                             "spaces, soft hyphens, marks of direction): `requires` would never be met")
        return read  # as the text is read (`edits.Composed`)

    @property
    def line_local(self) -> bool:
        """True when whether the rule finds anything depends on each non-empty line alone (an empty
        line never matches), so that on a text made of some of the lines of a text where it found
        nothing, and empty lines, it finds nothing."""
        return False

    def applies(self, ctx: Context) -> bool:
        """Scope check: `langs` is skipped only when the language is known; `sources` needs a host."""
        if self.langs and ctx.lang and ctx.lang not in self.langs:
            return False
        return host_in(ctx.host, self.sources) if self.sources else True

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Why the rule finds nothing in `text` (a document by `author`, if known) where it nearly does, for `rules
        check` (None: nothing to say): here, a text that holds none of `requires`, on which the rule is not tried."""
        from ..edits import Composed

        if self.requires and not any(r in folded(Composed(text).text) for r in self.requires):
            return f"it holds none of the rule's `requires` ({', '.join(map(shown, self.requires))}): it is not tried"
        return None

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        """Yield the spans of `view.text` this rule removes or extracts, in order, not overlapping."""
        raise NotImplementedError


def source_key(source: str) -> str:
    """A `sources` entry as a document's host reads (`Document.host`: its URL's host by `url_host`, or its
    `source` when it has no URL): `https://www.X.com/` and `x.com.` are `x.com`. A ValueError for an empty
    one, and for a URL with more than a host, which the host alone would widen (`x.com/news`)."""
    from ..models import URL_LIKE, source_host

    key = source.strip().lower()
    if key.startswith(("*", ".")):
        host = key.lstrip("*.")
        instead = f"give {host!r}" if host else "a rule without `sources` runs on every host"
        raise ValueError(f"{shown(source)}: a `sources` entry covers its host and every host below it already (no "
                         f"wildcard is read): {instead}")
    if URL_LIKE.match(key):
        parts = urlsplit(key if "://" in key else "//" + key)
        try:
            more = parts.path.strip("/") or parts.query or parts.fragment or parts.username or parts.port
        except ValueError:  # a port that is not a number
            more = True
        if more or not parts.hostname:
            raise ValueError(f"{shown(source)} is a URL, but a rule's `sources` are matched against a document's host "
                             "alone (its path, port and query are not seen): give the host, such as 'example.com'")
    if not (key := source_host(source)):
        raise ValueError(f"{shown(source)} is empty: give a host, such as 'example.com' (or a document's `source`)")
    return key


def host_in(host: str | None, sources: tuple[str, ...]) -> bool:
    """True when `host` is one of `sources` or below one of them (`news.example.com` is in `example.com`)."""
    host = host or ""
    return any(host == s or host.endswith("." + s) for s in sources)


def not_under(low: str) -> Callable[[type, int, ValidationInfo], int]:
    """A validator of a rule's upper bound: not under its lower bound, the field `low` (validated before it), with
    which no line could comply, so the rule would never fire."""
    def check(cls: type, value: int, info: ValidationInfo) -> int:
        if low in info.data and value < info.data[low]:
            raise ValueError(f"{value} is under {low} = {info.data[low]}: nothing is both, so the rule would "
                             "never fire")
        return value
    return check


def keyable(cls: type, phrases: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    """Validator for phrase lists: each phrase must be one line (each line of a text is compared alone: one holding a
    line break matched the one line of its words, never the lines written; one at its ends, as YAML's folded `>`
    writes, is none), and have a non-empty `line_key`, said
    which it is: too long for one (no line that long is compared), or nothing once normalised (punctuation alone: a
    line's edges are trimmed of it)."""
    for phrase in phrases:
        if any(c in phrase.strip() for c in LINE_BREAKS):  # not at its ends: YAML's `>` ends a phrase with one
            lines = [line.strip() for line in phrase.splitlines() if line.strip()]
            raise ValueError(f"{shown(phrase)} holds a line break, but each line of a text is compared alone: it would "
                             f"match the one line {shown(' '.join(phrase.split()))}, never the lines written; "
                             + _ONE_LINE[info.field_name].format(shown(lines[0] if lines else phrase), shown(lines)))
        if len(phrase) > KEY_MAX_CHARS:
            raise ValueError(f"{shown(phrase)} is over {KEY_MAX_CHARS:,} characters: no line that long is compared to "
                             "phrases")
        if not line_key(phrase):
            raise ValueError(f"{shown(phrase)} is empty once normalised (case, accents and the punctuation at its "
                             "edges set aside)")
    return phrases


LINE_BREAKS = "\n\r\x0b\x0c\u2028\u2029"
"""What a text's reading makes a line break (a pack's `\r` too): a phrase holding one is no line."""

_ONE_LINE = {"phrases": "give each line its own phrase, or a `block` rule for lines that follow each other "
                        "(`lines: {1}`)",
             "lines": "give each line its own item of `lines`, in order ({1})",
             "markers": "a marker is one line: give the line the list starts at ({0})"}
"""What to write instead of a phrase holding a line break, by field: `line`'s, `block`'s, `truncate`'s."""


class _YamlRepr(reprlib.Repr):
    """`reprlib`'s repr with booleans, None, dates and times as YAML and TOML write them (`true`, `null`,
    `2021-03-04`; "got True" was Python's word), alone or in a list or mapping."""

    def repr_bool(self, value: bool, level: int) -> str:
        return "true" if value else "false"

    def repr_NoneType(self, value: None, level: int) -> str:  # noqa: N802 (reprlib's name for it)
        return "null"

    def repr_date(self, value: date, level: int) -> str:
        return value.isoformat()

    repr_datetime = repr_date  # "datetime.date(2021, 3, 4)" was a YAML date's, a timestamp's cut mid-repr
    repr_time = repr_date  # a TOML file's local time (config errors show values so too)


_REPR = _YamlRepr()


def shown(value: Any, width: int = 80) -> str:
    """`value` as a message shows it: its repr, cut to `width` characters with its length when longer
    (a 2 MB phrase made a 2 MB error line); any other value's by `reprlib`, which stops early (YAML aliases
    nest a list a billion items deep in a few lines, or in itself: its repr never ended), its booleans and nulls
    as YAML writes them."""
    if not isinstance(value, str):
        text = _REPR.repr(value)
        return text if len(text) <= width else f"{text[:width]}…"
    text = repr(value)
    return text if len(text) <= width else f"{text[:width]}… ({len(value):,} characters)"


def shown_pattern(pattern: str) -> str:
    """A pattern as a message shows it: as `shown`, but with its backslashes single, as the pack writes them
    (`'\\s*'` was shown `'\\\\s*'`, a pattern the pack does not hold); a line break shown `\\n` is one to a
    pattern too."""
    return shown(pattern).replace("\\\\", "\\")


EMPTY_PROBE = "Le conseil, a voté x.\n\n« Oui » 12 — fin !\n"
"""A text of words, marks, a digit run and a blank line, in which a pattern must find no empty match
(`refuse_empty_match`)."""


def refuse_empty_match(pattern: str, compiled: re.Pattern | regex.Pattern, what: str, harm: str) -> None:
    """A ValueError naming `what` (and `pattern`) when `compiled` matches the empty string (`''`, `\\s*`, `x*`), or
    finds an empty match in `EMPTY_PROBE` (`\\bx*`, `(?<=\\w)x*`: the empty text alone let them through): it matches
    between characters, which is never what a rule means."""
    if compiled.match("") is not None or any(m.end() == m.start() for m in compiled.finditer(EMPTY_PROBE)):
        raise ValueError(f"{what} {shown_pattern(pattern)} matches the empty string: {harm}")


EMPTY_HARM = "it matches between any two characters, and cuts what else it can match (`x*`: an x) out of words"
"""Why a `regex` (span) or `extract` pattern is refused when it matches the empty string."""


KINDS: dict[str, type[Rule]] = {}


def register(name: str):
    """Class decorator: make a rule kind loadable under `kind: name`."""

    def deco(cls: type[Rule]) -> type[Rule]:
        KINDS[name] = cls
        return cls

    return deco


def line_hits(view: View, indexes: Any) -> Iterator[Hit]:
    """Hits covering whole lines of the view (by line index), each with its newline."""
    for i in indexes:
        line = view.lines[i]
        yield whole_lines(view, line.start, line.end)


def run_hits(view: View, found: list[int]) -> Iterator[Hit]:
    """One hit for each run of the lines `found` (sorted indexes), the blank lines between them included: a hit a
    line would overlap the one before it where the last line goes, with the line break before it, and be dropped."""
    lines, k = view.lines, 0
    while k < len(found):
        first = last = found[k]
        k += 1
        while k < len(found) and all(not lines[i].text.strip() for i in range(last + 1, found[k])):
            last = found[k]
            k += 1
        yield whole_lines(view, lines[first].start, lines[last].end)


def whole_lines(view: View, start: int, end: int) -> Hit:
    """A hit for lines from `start` to `end` with one newline (after them, or before the last line)."""
    if view.text[end : end + 1] == "\n":
        return Hit(start, end + 1)
    return Hit(start - 1 if start and view.text[start - 1] == "\n" else start, end)
