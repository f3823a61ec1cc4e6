"""`block`: a run of consecutive lines, such as a two-line banner, blank lines between allowed."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator

from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, keyable, register, whole_lines


@register("block")
class BlockRule(Rule):
    """Removes the lines `lines` when they follow each other in that order (each compared as `line` does)."""

    kind: Literal["block"]
    lines: tuple[str, ...] = Field(min_length=2)

    _keyable = field_validator("lines")(keyable)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The normalised lines, in order."""
        return tuple(line_key(line) for line in self.lines)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        if self.keys[0] not in view.key_set:
            return
        keys, i = view.keys, 0
        while i < len(keys):
            if keys[i] != self.keys[0]:
                i += 1
                continue
            j, matched = i, 0
            while j < len(keys) and matched < len(self.keys):
                if keys[j] == self.keys[matched]:
                    matched += 1
                elif keys[j]:
                    break
                j += 1
            if matched == len(self.keys):
                yield whole_lines(view, view.lines[i].start, view.lines[j - 1].end)
                i = j
            else:
                i += 1
