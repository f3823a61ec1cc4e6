"""`pullquote`: a short quotation set apart from the article that says it (a pull quote), and its attribution."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Literal

import regex
from pydantic import Field

from ..text import WORDS, ends_sentence, line_key
from ..view import Hit, Line, View
from .base import Context, Rule, register, run_hits

QUOTATION = re.compile("[«“„\"‹‘'].*[»”\"›’'][.!?…]*", re.DOTALL)
"""A line that is a quotation: a quotation mark opens it, one closes it (a full stop may follow)."""
_NAME = (r"\p{Lu}[\p{L}\p{M}'’.-]*+(?:[^\S\n]++(?:(?:de|du|des|da|di|del|van|von|le|la|al|el|ben|bin|dos)[^\S\n]++)?"
         r"\p{Lu}[\p{L}\p{M}'’.-]*+){1,3}")
_ROLE = r"(?P<role>[^\S\n]*+,[^\S\n]*+[^\n]*?)?(?<![.!?:;»\"”])"
ATTRIBUTION = regex.compile(rf"(?P<dash>[-–—][^\S\n]*+)?(?P<name>{_NAME}){_ROLE}")
"""A line that names who spoke: a name of two to four capitalised words, and, after a comma, a role ("Ketsia Mutombo,
militante afroféministe", "- Grace Ly"); no sentence ends it. A bare name, without a dash or a role, counts only when
the text names that person elsewhere: a title-case subheading ("What Happens Next", "New York") reads as one too."""
GLUED = regex.compile(rf"(?<=[»”\"])[^\S\n]*+[-–—][^\S\n]++{_NAME}{_ROLE}\Z")
"""An attribution written on the quotation's line, after its closing mark (`« … » - Grace Ly, militante`)."""
OPENING = re.compile("\n[«“„\"‹‘']")
CLOSING = tuple(re.compile(f"{mark}[^\\S\\n]*[-–—]") for mark in "»”\"")
"""Where `QUOTATION` (after the first line) or `GLUED` may match: a line's opening quotation mark, a closing one and
a dash. Scans of the text with `re`, each for a pattern that starts with one character, which `re` finds quickly
(one pattern for the three closing marks took twice as long as these three): most texts hold neither."""
CLOSING_MARKS = "»”\"›’' \u00a0\u202f"
"""The closing quotation marks (and spaces) after a quotation's last word: its own stop, if any, is before them."""
QUOTED_SPAN = re.compile("«[^»]*»?|“[^”]*”?|„[^“”]*[“”]?|‹[^›]*›?|\"[^\"]*\"?")
"""What a line holds inside quotation marks: from an opening mark to its closing one (or the line's end, where a
quotation of several paragraphs goes on); another kind of mark may stand inside (« … “Enculé” … »)."""


@register("pullquote")
class PullQuoteRule(Rule):
    """Removes a pull quote: a short line (at most `max_chars`) that a quotation mark opens, or that ends in a
    closing mark and an attribution (`… » - Name, role`), whose words (case, punctuation and quotes set aside) lie,
    for at least `min_share` of them, in runs of `min_words` or more that a longer line of the same text holds: the
    article says it, the page's layout repeats it. That alone is no proof (an interview's question that the answer
    repeats, a poem's refrain): the line goes only when a name follows it (see `ATTRIBUTION`, or a short line the text
    holds again: the same name under every pull quote), which goes too, or when a longer line that is not the paragraph
    right above it, nor, for words that end no sentence (a heading's), the one right below it, quotes its words
    (`quoted_again`). The first line of a text stays: a headline that the article's first paragraph repeats is no pull
    quote; so does a line its page marks as a heading (`Context.headings`: Slate's `<h3>«Ce fut pour nous l'effet d'une
    bombe»</h3>`, which a paragraph quotes under a caption). A sentence the text says once never goes, nor either of
    two copies of one line (neither is the longer), nor a quotation that goes on from the paragraph before it, which
    left it open (`left_open`).

    Runs with the extractions, after every truncation and comment thread is cut: a comment quoting the article is
    gone by then. Each line is read once, and only the quotations' runs are looked for, so the time grows with the
    text's length."""

    kind: Literal["pullquote"]
    max_chars: int = Field(300, ge=1, strict=True)
    min_words: int = Field(6, ge=2, strict=True)
    min_share: float = Field(0.8, gt=0, le=1, strict=True)
    max_attribution_chars: int = Field(80, ge=1, strict=True)

    phase = 3

    def quotes(self, view: View, headings: frozenset[str]) -> dict[int, list[str]]:
        """The lines that may be pull quotes, by index: the words of their quotation; not a line the page marks as a
        heading (`headings`, line keys: `Context.headings`). A few scans of the text find the lines a quotation mark
        opens or an attribution ends; the line breaks before each are counted from the last."""
        text = view.text
        shaped = sorted(m.end() for pattern in (OPENING, *CLOSING) for m in pattern.finditer(text))
        if not shaped:
            return {}
        lines, found, i, last = view.lines, {}, 0, 0
        first = next((k for k, line in enumerate(lines) if line.text), len(lines))
        for at in shaped:
            i, last = i + text.count("\n", last, at), at
            line = lines[i].text
            if i in found or i <= first or len(line) > self.max_chars or (headings and line_key(line) in headings):
                continue
            glued = GLUED.search(line)
            if glued or QUOTATION.fullmatch(line):
                words = WORDS.findall((line[: glued.start()] if glued else line).casefold())
                if len(words) >= self.min_words and not left_open(lines, i):
                    found[i] = words
        return found

    def covers(self, words: list[str], found: Callable[[tuple[str, ...]], bool]) -> bool:
        """True when the runs of `min_words` of `words` that are `found` hold at least `min_share` of them."""
        n, covered = self.min_words, [False] * len(words)
        for p, run in enumerate(self.word_runs(words)):
            if found(run):
                covered[p : p + n] = [True] * n
        return sum(covered) >= self.min_share * len(words)

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        quotes = self.quotes(view, ctx.headings)
        if not quotes:
            return iter(())
        lines = view.lines
        counts = {i: len(WORDS.findall(lines[i].text)) for i in quotes}
        wanted = {run for words in quotes.values() for run in self.word_runs(words)}
        sizes, holding = self.runs(lines, min(counts.values()), wanted)
        gone, keys = [], None

        def around(i: int) -> set[int | None]:
            """The paragraph right above quotation `i` (past the quotations right above it), which it may belong to,
            and, when it ends no sentence (a heading's shape), the one right below it, which it may head."""
            above = next((j for j in range(i - 1, -1, -1) if lines[j].text and j not in quotes), None)
            if ends_sentence(lines[i].text.rstrip(CLOSING_MARKS)):
                return {above}
            return {above, next((j for j in range(i + 1, len(lines)) if lines[j].text and j not in quotes), None)}

        for i, words in quotes.items():
            longer: set[int] = set()

            def held(run: tuple[str, ...], more: int = counts[i], longer: set[int] = longer) -> bool:
                found = [j for j in holding.get(run, ()) if sizes[j] > more]
                longer.update(found)
                return bool(found)

            if self.covers(words, held):
                keys = keys or Counter(view.keys)
                named = self.attribution(view, i, keys)
                if named or GLUED.search(lines[i].text) or self.quoted_again(lines, i, words, longer - around(i)):
                    gone += [i, *named]
        return run_hits(view, sorted(set(gone)))

    def runs(self, lines: list[Line], fewest: int, wanted: set[tuple[str, ...]],
             ) -> tuple[dict[int, int], dict[tuple[str, ...], list[int]]]:
        """The lines of more than `fewest` words (by index: their number of words), and the lines holding each of the
        quotations' runs of `min_words` words (`wanted`): each line is read once, and a run made only where a word
        starts one of them (every run of every line, hashed, took 3 ms a fr-pages page, the rule 40 % of the rules')."""
        sizes: dict[int, int] = {}
        holding: dict[tuple[str, ...], list[int]] = {}
        firsts, n = {run[0] for run in wanted}, self.min_words
        for j, line in enumerate(lines):
            words = WORDS.findall(line.text.casefold()) if len(line.text) > fewest else ()
            if len(words) > fewest:
                sizes[j] = len(words)
                for p in range(len(words) - n + 1):
                    if words[p] in firsts and (run := tuple(words[p : p + n])) in wanted:
                        if (held := holding.setdefault(run, []))[-1:] != [j]:
                            held.append(j)
        return sizes, holding

    def quoted_again(self, lines: list[Line], i: int, words: list[str], longer: set[int]) -> bool:
        """True when one of the `longer` lines quotes the quotation's words (inside quotation marks: the article quotes
        a person, the pull quote repeats the quotation), and a line follows it. `find` leaves out the paragraph right
        above it (past the quotations right above it), which holds its block quotation (a law's article, slogans, a
        line of dialogue), and, when its words end no sentence, the one right below it, which develops it as its
        heading (« Je suis autiste mais ça ne me définit pas » over "Cela peut même être « je suis autiste, mais ça
        ne me définit pas, … »"); the text's last line is a conclusion that quotes the article again."""
        if all(not line.text for line in lines[i + 1 :]):
            return False
        for j in longer:
            quoted = {run for span in QUOTED_SPAN.findall(lines[j].text.casefold())
                      for run in self.word_runs(WORDS.findall(span))}
            if self.covers(words, quoted.__contains__):
                return True
        return False

    def word_runs(self, words: list[str]) -> Iterator[tuple[str, ...]]:
        """The runs of `min_words` words of `words`."""
        return zip(*(words[k:] for k in range(self.min_words)))

    def attribution(self, view: View, i: int, keys: Counter[str | None]) -> list[int]:
        """The line after line `i` when it names who spoke (a bare name only when the text names that person again), or
        is a short line the text holds again (`keys`: how many times the text holds each line key)."""
        lines = view.lines
        j = next((j for j in range(i + 1, len(lines)) if lines[j].text), None)
        if j is None or len(text := lines[j].text) > self.max_attribution_chars:
            return []
        named = ATTRIBUTION.fullmatch(text)
        if named and (named["dash"] or named["role"] or view.text.count(named["name"]) > 1):
            return [j]
        return [j] if keys[view.keys[j]] > 1 and not ends_sentence(text) else []


def left_open(lines: list[Line], i: int) -> bool:
    """True when the line before line `i` leaves a quotation open: line `i` goes on with it (a quotation of several
    paragraphs opens each, and closes the last)."""
    j = next((j for j in range(i - 1, -1, -1) if lines[j].text), None)
    text = lines[j].text if j is not None else ""
    return text.count('"') % 2 == 1 or text.count("«") > text.count("»") or text.count("“") > text.count("”")
