"""`signature`: the author's name alone on a line at an article's end, where the document's author is known."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

import regex
from pydantic import Field

from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, line_hits, register

LIST_ITEM = re.compile(r"\s*(?:[-–—•·*▪◦‣]|\d{1,3}[.)])\s")
"""A line written as a list item: a bullet, a dash or a number before its text ("- Claire Levenson")."""
NAME_LINE = regex.compile(r"\s*\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){1,3}\s*")
"""A line of a name alone, as a dialogue's speaker label is: two to four words, each capitalised ("Jean Dupont")."""


@register("signature")
class SignatureRule(Rule):
    """Removes the last line equal to the document's own author (`Context.author`, compared by `line_key`: case,
    accents, spaces and edge punctuation set aside) when at most `max_note_lines` lines of at most `max_note_chars`
    follow it (an author's biography, a translator's credit); nothing where the author is not known, nor where the
    line is a list's item or a dialogue's speaker label (`_in_text`)."""

    kind: Literal["signature"]
    max_note_lines: int = Field(3, ge=0, strict=True)
    max_note_chars: int = Field(300, ge=1, strict=True)

    phase = 3
    """After the truncations, which may leave the signature last."""

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        author = line_key(ctx.author) if ctx.author else None
        if not author or author not in view.key_set:
            return iter(())
        last = max(i for i, key in enumerate(view.keys) if key == author)
        note = [line.text for line in view.lines[last + 1:] if line.text.strip()]
        if (len(note) > self.max_note_lines or any(len(text) > self.max_note_chars for text in note)
                or _in_text(view, last, note)):
            return iter(())
        return line_hits(view, [last])

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, an example without an author: the rule removes the line of the document's own author alone."""
        if why := super().why_untouched(text, author):
            return why
        if not author:
            return ("it has no author, and the rule removes only the line of the document's author: give it as "
                    "{text, author}")
        return None


def _in_text(view: View, at: int, note: list[str]) -> bool:
    """Whether the author's name on line `at` is the article's, not a signature: written as a list item, or after a
    line ending with ":" or written as one (a list of names: `line_key` sets the bullet aside, and "- Sophie Gourion"
    ending a jury's list went); or a speaker's label, another name alone or a question following it (an interview:
    "Sophie Gourion / Et vous, que ferez-vous demain ? / Jean Dupont / Je continuerai le combat." lost its label)."""
    before = next((line.text.rstrip() for line in reversed(view.lines[:at]) if line.text.strip()), "")
    return (bool(LIST_ITEM.match(view.lines[at].text) or LIST_ITEM.match(before)) or before.endswith(":")
            or any(NAME_LINE.fullmatch(text) or text.rstrip().endswith("?") for text in note))
