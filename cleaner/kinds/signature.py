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
NAME_WORD = r"(?:[dl]['’])?\p{Lu}[\p{L}\p{M}'’.-]*"
NAME_LINE = regex.compile(rf"\s*{NAME_WORD}(?:\s+(?:(?:de|du|des|la|le|van|von|der|den|da|di|dos|del|ben|ibn|al|el)\s+)"
                          rf"{{0,2}}{NAME_WORD}){{0,3}}\s*:?\s*")
"""A line of a name alone, as a dialogue's speaker label (maybe with a colon) or a list's item is: one to four
capitalised words, with particles between them ("Madonna", "Jean Dupont", "Charles de Gaulle", "Valéry Giscard
d'Estaing")."""
NAME_MAX_WORDS = 6
"""The most words an author a signature names has ("Maria de la Luz García"): a longer one is no name."""
SENTENCE_END = regex.compile(r"\w\w[.!?…]\s*\Z")
"""An author that ends as a sentence does ("Le ministre a démenti."), no name; an initial's stop is one's ("J.")."""


@register("signature")
class SignatureRule(Rule):
    """Removes the one line equal to the document's own author (`Context.author`, compared by `line_key`: case,
    accents, spaces and edge punctuation set aside) when at most `max_note_lines` lines of at most `max_note_chars`
    follow it (an author's biography, a translator's credit) and text stands above it (the article it signs: a
    headline naming the author stays); nothing where the author is not known or is no name (`_a_name`),
    where the name stands alone on two lines (a speaker's label: taking the last, a run took the one before next, each
    in turn), nor where the line is a list's item or a dialogue's speaker label (`_in_text`)."""

    kind: Literal["signature"]
    max_note_lines: int = Field(3, ge=0, strict=True)
    max_note_chars: int = Field(300, ge=1, strict=True)

    phase = 4
    """After the truncations, which may leave the signature last, and the extractions: a rule's author is the
    document's (`engine.rule_context`)."""

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        author = line_key(ctx.author) if ctx.author and _a_name(ctx.author) else None
        if not author or author not in view.key_set:
            return iter(())
        found = [i for i, key in enumerate(view.keys) if key == author]
        at = found[0]
        note = [line.text for line in view.lines[at + 1:] if line.text.strip()]
        if (len(found) > 1 or len(note) > self.max_note_lines or any(len(text) > self.max_note_chars for text in note)
                or not any(line.text.strip() for line in view.lines[:at]) or _in_text(view, at, note)):
            return iter(())
        return line_hits(view, [at])

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, an example without an author: the rule removes the line of the document's own author alone."""
        if why := super().why_untouched(text, author):
            return why
        if not author:
            return ("it has no author, and the rule removes only the line of the document's author: give it as "
                    "{text, author}")
        return None


def _a_name(author: str) -> bool:
    """Whether `author` can be a name a signature writes: at most `NAME_MAX_WORDS` words, not a sentence (an author
    field holding a sentence took the text's last one)."""
    return len(author.split()) <= NAME_MAX_WORDS and not SENTENCE_END.search(author)


def _in_text(view: View, at: int, note: list[str]) -> bool:
    """Whether the author's name on line `at` is the article's, not a signature: written as a list item, or after a
    line ending with ":", written as one or another name alone (a list of names: `line_key` sets the bullet aside, and
    "- Sophie Gourion" ending a jury's list went, so did "Constance Desloire" under "Claire Levenson"); or a speaker's
    label: written with a colon, between another's question under their label and its answer, or with another name
    alone or a question following it (an interview: "Sophie Gourion / Et vous, que ferez-vous demain ? / Jean Dupont /
    Je continuerai le combat." lost its label, and so did "Jean Dupont / Que ferez-vous demain ? / Sophie Gourion /
    Je continuerai…")."""
    own = view.lines[at].text.rstrip()
    previous = (line.text.rstrip() for line in reversed(view.lines[:at]) if line.text.strip())
    before = next(previous, "")
    return (bool(LIST_ITEM.match(own) or LIST_ITEM.match(before)) or before.endswith(":") or own.endswith(":")
            or bool(NAME_LINE.fullmatch(before))
            or (before.endswith("?") and bool(note) and bool(NAME_LINE.fullmatch(next(previous, ""))))
            or any(NAME_LINE.fullmatch(text) or text.rstrip().endswith("?") for text in note))
