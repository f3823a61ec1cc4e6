"""`signature`: the author's name alone on a line at an article's end, where the document's author is known."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, line_hits, register


@register("signature")
class SignatureRule(Rule):
    """Removes the last line equal to the document's own author (`Context.author`, compared by `line_key`: case,
    accents, spaces and edge punctuation set aside) when at most `max_note_lines` lines of at most `max_note_chars`
    follow it (an author's biography, a translator's credit); nothing where the author is not known."""

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
        if len(note) > self.max_note_lines or any(len(text) > self.max_note_chars for text in note):
            return iter(())
        return line_hits(view, [last])
