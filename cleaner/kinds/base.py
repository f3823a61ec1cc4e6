"""What every rule has in common, and the registry of rule kinds by name."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..text import line_key
from ..view import Hit, View


@dataclass(frozen=True)
class Context:
    """What a rule may know about the document besides its text."""

    lang: str | None = None
    host: str | None = None
    timeout: float = 1.0


class RemoveExample(BaseModel):
    """A `remove` example with an exact expectation: the clean text and the fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
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
    """`remove`: texts the rule must clean (a string must go entirely); `keep`: texts it must not touch."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    remove: tuple[str | RemoveExample, ...] = Field(min_length=1)
    keep: tuple[str, ...] = Field(min_length=1)

    @field_validator("keep")
    @classmethod
    def _not_blank(cls, keep: tuple[str, ...]) -> tuple[str, ...]:
        blank = [n for n, text in enumerate(keep, start=1) if not text.strip()]
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
    """Strings (compared case-folded) of which a text must hold at least one for the rule to be tried:
    a cheap test that spares a costly pattern most documents."""
    examples: Examples

    phase: ClassVar[int] = 1
    """Rules run by phase (removals 1, truncation 2, extraction 3, shape 4), then in pack order."""

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

    @field_validator("langs", "sources")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower().removeprefix("www.") for v in value)

    @field_validator("requires")
    @classmethod
    def _folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v for v in value):
            raise ValueError("an empty string would make `requires` always true")
        return tuple(v.casefold() for v in value)

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

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        """Yield the spans of `view.text` this rule removes or extracts, in order, not overlapping."""
        raise NotImplementedError


def host_in(host: str | None, sources: tuple[str, ...]) -> bool:
    """True when `host` is one of `sources` or below one of them (`news.example.com` is in `example.com`)."""
    host = host or ""
    return any(host == s or host.endswith("." + s) for s in sources)


def keyable(cls: type, phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Validator for phrase lists: each phrase must have a non-empty `line_key`."""
    for phrase in phrases:
        if not line_key(phrase):
            raise ValueError(f"{phrase!r} is empty or too long once normalised")
    return phrases


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


def whole_lines(view: View, start: int, end: int) -> Hit:
    """A hit for lines from `start` to `end` with one newline (after them, or before the last line)."""
    if view.text[end : end + 1] == "\n":
        return Hit(start, end + 1)
    return Hit(start - 1 if start and view.text[start - 1] == "\n" else start, end)
