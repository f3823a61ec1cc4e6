"""`doubled`: a line that is one string written twice, glued ("Baisez utileBaisez utile")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from ..view import Hit, View
from .base import Context, Rule, line_hits, not_under, register


@register("doubled")
class DoubledRule(Rule):
    """Removes a line that is one string twice with nothing between (spaces around the line allowed):
    a title scraped together with its hidden copy. The string is `min_chars` to `max_chars` long and
    holds a letter and a space, so "hahahaha" and a rule of dashes stay, and "Bora Bora" is two words,
    not one twice. A comparison of the line's halves: the regex this kind replaced (a group and its
    back-reference) tried every length of the group on every line, 16 times the time."""

    kind: Literal["doubled"]
    min_chars: int = Field(4, ge=1, strict=True)
    max_chars: int = Field(80, ge=1, strict=True)
    _bounded = field_validator("max_chars")(not_under("min_chars"))

    @property
    def line_local(self) -> bool:
        """Each line is judged alone."""
        return True

    def doubled(self, line: str) -> bool:
        """True when `line`, stripped, is one string of this rule's length written twice."""
        text = line.strip()
        half = len(text) // 2
        if len(text) % 2 or not self.min_chars <= half <= self.max_chars or text[:half] != text[half:]:
            return False
        return any(c.isalpha() for c in text[:half]) and any(c.isspace() for c in text[:half])

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        return line_hits(view, (i for i, line in enumerate(view.lines) if self.doubled(line.text)))
