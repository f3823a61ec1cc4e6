"""`signature`: the author's name alone on a line at an article's end, where the document's author is known; the site's
name that the text sets apart at its end, or a name its page aligns right there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Literal

import regex
from pydantic import Field

from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, line_hits, register

LIST_ITEM = re.compile(r"\s*(?:[-–—•·*▪◦‣]|\d{1,3}[.)])\s")
"""A line written as a list item: a bullet, a dash or a number before its text ("- Claire Levenson")."""
PARTICLES = frozenset(
    "de du des la le van von der den da di do dos das del della ben bin bint ibn ould dit al el y e zu ter".split())
"""The small words between a name's capitalised ones ("Charles de Gaulle", "García y Pérez", "Mohamed ould Abdel
Aziz")."""
JOINERS = frozenset("et and & und".split())
"""The words joining an author field's names ("Jean Dupont et Marie Curie")."""
QUOTE_MARKS = ("«", "»", "“", "”", '"', "„")
"""The marks around a quotation: a name in them is the text's, and so is a name under one, its attribution
("« Satire is … » / Molly Ivins")."""
NAME_WORD = r"(?:[dl]['’])?\p{Lu}(?:['’]\p{Lu})?(?:\p{Ll}[\p{L}\p{M}'’-]*|\p{Ll}?\.)"
"""A capitalised word of a name: a capital and small letters ("Dupont", "Jean-Claude", "d'Estaing", "O'Brien"), or
an initial or an abbreviation with its stop ("J.", "Jr."); no word in capitals ("AFP"), nor a letter alone ("À").
After the first, a word in capitals is one too (`SURNAME_CAPS`), and a credit's word is none (`CREDIT_WORDS`)."""
CREDIT_WORDS = ("AFP", "AP", "DR", "EPA", "Getty", "Photo", "Photos", "Reuters", "Sipa", "Source", "Crédit", "Credit")
"""The words of a photo's credit or an agency's name, no name's ("Photo AFP", "Photo DR")."""
SURNAME_CAPS = r"\p{Lu}{2,}[\p{Lu}'’-]*"
"""A name word in capitals, as French writes a surname after the first name ("Claire LEVENSON")."""
_NOT_CREDIT = rf"(?!(?i:{'|'.join(CREDIT_WORDS)})(?![\p{{L}}'’-]))"
_NAME = (rf"\s*{_NOT_CREDIT}{NAME_WORD}(?:\s+(?:(?:{'|'.join(sorted(PARTICLES))})\s+){{0,2}}{_NOT_CREDIT}"
         rf"(?:{NAME_WORD}|{SURNAME_CAPS})){{%s,3}}\s*:?\s*")
NAME_LINE = regex.compile(_NAME % 1)
"""A line of another name alone, as a list's item or a dialogue's speaker label (maybe with a colon) is: two to four
capitalised words (`NAME_WORD`), with particles between them ("Jean Dupont", "Charles de Gaulle", "Valéry Giscard
d'Estaing"); a word alone ("Paris", "Historien", "Cordialement") or a sentence's end ("Merci.") is none."""
LABEL_LINE = regex.compile(_NAME % 0)
"""A speaker's label, as `NAME_LINE` or of one word ("Madonna"): read where an interview's shape holds only, a question
or the author's words before it and its answer after it (a word alone ending a signature is a place or a title)."""
WORD_INITIAL = regex.compile(r"(?:[dl]['’](?=\p{L}))?\P{L}*(\p{L})")
"""A word's first letter, after an elided particle ("d'Estaing") and marks ("(AFP)")."""
NAME_MAX_WORDS = 8
"""The most words an author a signature names has ("Maria de la Luz García y Pérez"): a longer one is no name."""
REORDERED_MAX_WORDS = 3
"""The most words of a name a signature may write in another order than the author field's: Mediapart's byline "Par
Bouamama Said" over a post signed "Said Bouamama" (a QA pass)."""


@register("signature")
class SignatureRule(Rule):
    """Removes the last line equal to the document's own author (`Context.author`, compared by `line_key`: case,
    accents, spaces and edge punctuation set aside; two or three words in any order, `_same_name`) when at most
    `max_note_lines` lines of at most `max_note_chars` follow it (an author's biography, a translator's credit) and text
    stands above it (the article it signs: a headline naming the author stays); not where the author is no name
    (`_a_name`), where the line is a list's item or a dialogue's speaker label (`_in_text`), nor where the name's line
    before it would sign the text once it is gone (a speaker's label: taking the last, a run took the one before next,
    each in turn; a byline alone over the text stays, and the signature goes). Else, the text's last line, set apart,
    that is the site's name or, where no author is known, a name its page aligns right (`_set_apart`)."""

    kind: Literal["signature"]
    max_note_lines: int = Field(3, ge=0, strict=True)
    max_note_chars: int = Field(300, ge=1, strict=True)

    phase = 4
    """After the truncations, which may leave the signature last, and the extractions: the author a rule lifted is the
    document's (`engine.rule_context`)."""

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        author = line_key(ctx.author) if ctx.author and _a_name(ctx.author) else None
        return self._author_line(view, author) or _set_apart(view, ctx)

    def _author_line(self, view: View, author: str | None) -> Iterator[Hit] | None:
        """The hit of the last line that writes `author` (a `line_key`), where it signs the text; None where none
        does."""
        found = [i for i, key in enumerate(view.keys) if _same_name(key, author)] if author else []
        if not found:
            return None
        if not self._signs(view, found[-1]) or (len(found) > 1 and self._signs(view, found[-2], gone=found[-1])):
            return None
        return line_hits(view, [found[-1]])

    def _signs(self, view: View, at: int, gone: int | None = None) -> bool:
        """Whether the author's name on line `at` signs the text, line `gone` set aside: text above it, at most
        `max_note_lines` lines of at most `max_note_chars` under it, and not the text's own (`_in_text`)."""
        note = [line.text for i, line in enumerate(view.lines[at + 1:], at + 1) if i != gone and line.text.strip()]
        return (len(note) <= self.max_note_lines and all(len(text) <= self.max_note_chars for text in note)
                and any(line.text.strip() for line in view.lines[:at]) and not _in_text(view, at, note))

    def why_untouched(self, text: str, author: str | None = None) -> str | None:
        """Also, an example without an author: the rule removes the line of the document's own author, and without one
        only a name its page aligns right or the site's name ending the text, which an example has neither of."""
        if why := super().why_untouched(text, author):
            return why
        if not author:
            return ("it has no author, and without one the rule removes only a name its page aligns right or the "
                    "site's name ending the text, which an example has neither of: give it as {text, author}")
        return None


def _set_apart(view: View, ctx: Context) -> Iterator[Hit]:
    """The hit of the text's last line where it signs the text set apart, under text and not in quotation marks: the
    site's name (`Context.site_names`: "Égalitariste" ending an egalitariste.net post, under a quotation's author),
    aligned right on its page (`Context.right_aligned`) or alone after a blank line; or, where the document's author
    is not known, a name the page aligns right (`NAME_LINE`, maybe with a final stop), which fills `author` ("Kel
    Lam." ending a WordPress post; both found by a QA pass), unless it is a quotation's attribution (the line above it
    ends with a quotation mark) or the text's own (`_in_text`). A name alone after a blank line is no signature: a
    heading, a poem's author, a link's label ("Waƙar Mai Waƙa" under its title, "Read More Stories")."""
    at = _last_shown(view, len(view.lines))
    before = _last_shown(view, at) if at is not None else None
    if before is None or (text := view.lines[at].text.strip()).startswith(QUOTE_MARKS):
        return iter(())
    key, above = line_key(view.lines[at].text), view.lines[before].text.rstrip()
    aligned = key in ctx.right_aligned
    if key in ctx.site_names and (aligned or not view.lines[at - 1].text.strip()):
        return line_hits(view, [at])
    if (ctx.author is None and aligned and NAME_LINE.fullmatch(text.removesuffix("."))
            and not above.endswith(QUOTE_MARKS) and not _in_text(view, at, [])):
        return (hit._replace(field="author", value=_unstopped(text)) for hit in line_hits(view, [at]))
    return iter(())


def _last_shown(view: View, end: int) -> int | None:
    """The index of the view's last line before `end` that is not blank (walked back from it: `_set_apart` reads the
    text's last lines, on each pass); None for none."""
    return next((i for i in range(end - 1, -1, -1) if view.lines[i].text.strip()), None)


ABBREVIATIONS = frozenset("Jr. Sr. Jnr. Snr.".split())
"""The abbreviations a name may end with, their stop theirs ("John Smith Jr.")."""


def _unstopped(name: str) -> str:
    """A signature's name without its final stop, unless it ends an initial ("Paul J.") or an abbreviation
    (`ABBREVIATIONS`: "John Smith Jr." stays; "Kel Lam." is "Kel Lam", "Xi Wu." is "Xi Wu")."""
    last = name.split()[-1]
    kept = len(last) == 2 and last[0].isupper() or last in ABBREVIATIONS
    return name[:-1] if name.endswith(".") and not kept else name


def _a_name(author: str) -> bool:
    """Whether `author` can be a name a signature writes: before its first comma (a role: "Jean Dupont,
    journaliste"), at most `NAME_MAX_WORDS` words, all capitalised or all in lower case, particles and joiners aside
    ("John Smith Jr.", "Maria de la Luz García y Pérez", "annabelle laurent", "Jean Dupont et Marie Curie"); words of
    both are a sentence, its verb in lower case ("Le ministre a démenti."), as an author field took from the
    text."""
    words = author.split(",", 1)[0].split()
    initials = {match[1].isupper() for word in words
                if word not in PARTICLES and word not in JOINERS and (match := WORD_INITIAL.match(word))}
    return len(words) <= NAME_MAX_WORDS and len(initials) <= 1


def _same_name(key: str | None, author: str) -> bool:
    """Whether line key `key` writes the author's key `author`: the same, or, for a name of two to
    `REORDERED_MAX_WORDS` words, the same words in another order ("Said Bouamama" for "Bouamama Said")."""
    if key == author:
        return True
    if not key or len(key) != len(author):
        return False
    words = author.split()
    return 2 <= len(words) <= REORDERED_MAX_WORDS and sorted(key.split()) == sorted(words)


def _in_text(view: View, at: int, note: list[str]) -> bool:
    """Whether the author's name on line `at` is the article's, not a signature: written as a list item, or after a
    line ending with ":", written as one or another name alone (`NAME_LINE`: a list of names; `line_key` sets the
    bullet aside, and "- Sophie Gourion" ending a jury's list went, so did "Constance Desloire" under "Claire
    Levenson"); or a speaker's label: written with a colon, between another's question under their label
    (`LABEL_LINE`) and its answer, or under another speaker's label and answer with text above them, another name alone
    or a question following it, or a label between the author's words and their answer (an interview: "Sophie
    Gourion / Et vous, que ferez-vous demain ? / Jean Dupont / Je continuerai le combat." lost its label, and so did
    "Jean Dupont / Que ferez-vous demain ? / Sophie Gourion / Je continuerai…", "Sophie Gourion / Merci beaucoup. /
    Madonna / Merci à vous." and "… / Madonna / Je continuerai le combat. / Sophie Gourion / Merci beaucoup.")."""
    own = view.lines[at].text.rstrip()
    previous = list(islice((line.text.rstrip() for line in reversed(view.lines[:at]) if line.text.strip()), 3))
    before, label, over = previous + [""] * (3 - len(previous))
    return (bool(LIST_ITEM.match(own) or LIST_ITEM.match(before)) or before.endswith(":") or own.endswith(":")
            or bool(NAME_LINE.fullmatch(before))
            or (bool(note) and bool(LABEL_LINE.fullmatch(label))
                and (before.endswith("?") or (bool(over) and line_key(label) != line_key(own))))
            or any(NAME_LINE.fullmatch(text) or text.rstrip().endswith("?") for text in note)
            or any(LABEL_LINE.fullmatch(text) for text in note[1:-1]))
