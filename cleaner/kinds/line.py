"""`line`: a whole line equal to one of a few phrases, after normalising case, accents, NBSP, quotes."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator

from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, keyable, line_hits, register


@register("line")
class LineRule(Rule):
    """Removes every line whose normalised text equals one of `phrases` (see `cleaner.text.line_key`)."""

    kind: Literal["line"]
    phrases: tuple[str, ...] = Field(min_length=1)

    _keyable = field_validator("phrases")(keyable)

    @property
    def line_local(self) -> bool:
        """Each line is compared alone."""
        return True

    @cached_property
    def keys(self) -> frozenset[str]:
        """The normalised phrases."""
        return frozenset(line_key(p) for p in self.phrases)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        if self.keys.isdisjoint(view.key_set):
            return iter(())
        return line_hits(view, (i for i, key in enumerate(view.keys) if key in self.keys))
