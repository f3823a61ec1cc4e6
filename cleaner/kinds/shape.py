"""`shape`: lines that read as boilerplate by their shape and their neighbours, on pages no pack knows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal

from pydantic import Field

from ..edits import WHITESPACE_RULE
from ..models import site_label, url_host
from ..text import line_key
from ..view import Hit, View
from .base import Context, Rule, host_in, register, whole_lines
from .signature import LIST_ITEM
from .shapefeatures import (
    GUESS_CHARS,
    URL,
    WORD,
    LineFeatures,
    best_stoplist,
    has_sentence,
    line_features,
    link_share,
    stoplist_for,
)


@dataclass
class Verdict:
    """One line as jusText's context pass sees it (`text`, `heading`, `cf_class`, `class_type`), with
    its features and why it got its first class: the first decision kept next to the final one."""

    text: str
    features: LineFeatures
    cf_class: str
    reason: str
    heading: bool = False
    class_type: str = ""


@register("shape")
class ShapeRule(Rule):
    """Removes the lines jusText's classifier, applied to lines of text, calls boilerplate.

    First each non-blank line gets a class from its own features (see `classify`): `good` (prose: at
    least `prose_words` words, sentence punctuation, at least `prose_stopwords` stopwords of the
    text's language, or of any language for a line in another one; or a described link, a URL and at
    least `short_words` words of its own saying what it is; or a line its page marks as a heading,
    `Context.headings`, with a kept line under it), `bad` (a copyright line, link-like tokens over
    `max_link_density` per word, or any line of a list block, see `_list_blocks`), `short` (under
    `short_words` words, or few stopwords, mostly capitals or mostly numbers) or `neargood` (the rest,
    and short sentences; also a short line ending with a comma before prose, the short lines of a list
    that ends the text after prose ending with a colon, in a list block or in the prose line's own
    block, and lines of URLs or `@handles` right under such prose, under a footnote's mark or under a
    heading its page marks, whatever their link density; and a source the article cites, `_cited_sources`). Then jusText's own context pass
    (`justext.core.revise_paragraph_classification`, as `context_pass` gives it) decides the short and
    near-good lines by their nearest good or bad neighbours: between content they stay, between boilerplate they go; a
    heading (a short capitalised line alone in its block, or any such line in a text without blank lines,
    where each line is a paragraph; a colon or closing bracket at its end is no sentence's end right
    before prose) followed by content within `max_heading_distance` characters stays. The ends
    of the text count as boilerplate, as in jusText, but only in a text with both prose and a line
    that is bad by its own shape: any other text loses nothing. Each removal says which features
    decided it.
    """

    kind: Literal["shape"]
    short_words: int = Field(5, ge=1, strict=True)
    prose_words: int = Field(8, ge=1, strict=True)
    prose_stopwords: float = Field(0.2, ge=0, le=1, strict=True)
    sentence_words: int = Field(3, ge=1, strict=True)
    stopwords_low: float = Field(0.1, ge=0, le=1, strict=True)
    max_link_density: float = Field(0.2, gt=0, strict=True)
    max_capitals: float = Field(0.8, gt=0, le=1, strict=True)
    max_digits: float = Field(0.5, gt=0, le=1, strict=True)
    block_lines: int = Field(4, ge=2, strict=True)
    block_words: float = Field(4.0, gt=0, strict=True)
    block_stopwords: float = Field(0.25, ge=0, le=1, strict=True)
    heading_words: int = Field(15, ge=1, strict=True)
    max_heading_distance: int = Field(200, ge=0, strict=True)
    max_named_links: int = Field(12, ge=2, strict=True)
    """The most lines a list of named links holds (`_named_links`): twice the longest of fr-pages' (a shop list of 6;
    the others hold 2 or 3)."""

    phase = 5

    def classify(self, features: LineFeatures) -> tuple[str, str]:
        """jusText's context-free class of a line from its features, and the reason for it."""
        f = features
        if f.words >= self.prose_words and f.sentence and f.stopwords >= self.prose_stopwords:
            return "good", "prose"
        if f.copyright:
            return "bad", "copyright line"
        if f.described >= self.short_words:
            return "good", "a described link"
        if f.links > self.max_link_density:
            return "bad", "link-like tokens"
        if f.words < self.short_words:
            if f.words >= self.sentence_words and f.sentence and f.stopwords >= self.prose_stopwords:
                return "neargood", "a short sentence"
            return "short", "short"
        if f.stopwords < self.stopwords_low or f.capitals >= self.max_capitals or f.digits >= self.max_digits:
            return "short", "names, capitals or numbers"
        return "neargood", "near prose"

    def verdicts(self, view: View, lang: str | None, headings: frozenset[str] = frozenset()) -> list[Verdict | None]:
        """The final verdict on every line of the view (None for a blank line; all None when no line
        can be boilerplate by its own shape, since then the context pass keeps every line); `headings` are the
        `line_key`s of the lines the page marks as headings (`Context.headings`)."""
        if not self._may_remove(view):
            return [None] * len(view.lines)
        stoplist = self.stoplist(view, lang)
        if stoplist == "none":
            return [None] * len(view.lines)  # a language without a stoplist: prose cannot be told apart
        lines = self.first_classes(view, stoplist, headings)
        shown = [v for v in lines if v is not None]
        prose = any(v.cf_class == "good" and v.reason != PAGE_HEADING for v in shown)
        if not prose or not any(v.cf_class == "bad" for v in shown):
            return [None] * len(lines)  # no prose to tell boilerplate from, or no boilerplate: nothing goes
        context_pass(shown, self.max_heading_distance)
        _headings_over_nothing(shown)
        return lines

    def stoplist(self, view: View, lang: str | None) -> str:
        """The name of the stoplist to read the view with, guessed from its longer lines when `lang`
        has none (see `stoplist_for`)."""
        long_lines = (line.text for line in view.lines if line.text.count(" ") >= self.prose_words)
        return stoplist_for(("\n".join(long_lines) or view.text)[:GUESS_CHARS], lang)

    def first_classes(self, view: View, stoplist: str, headings: frozenset[str] = frozenset()) -> list[Verdict | None]:
        """Every line's class from its own features (under the named stoplist) and its block, before
        the context pass (None for a blank line); a line the page marks as a heading (its `line_key` in
        `headings`) is content."""
        own = view.memo.setdefault((id(self), stoplist, headings), {})  # the lines of the views before
        lines: list[Verdict | None] = []
        named: list[bool] = []
        for line in view.lines:
            if not line.text.strip():
                lines.append(None)
                named.append(False)
                continue
            if (seen := own.get(line.text)) is None:
                seen = own[line.text] = self._own_class(line.text, stoplist, headings)
            lines.append(Verdict(line.text, *seen[:3]))
            named.append(seen[3])
        self._named_links(lines, named)
        self._list_blocks(lines)
        self._announced_list(lines)
        self._announced_links(lines)
        self._cited_sources(lines)
        self._lead_ins(lines)
        paragraphs = None not in lines  # no blank line (an HTML extraction's text): each line is a paragraph, alone
        shown = [v for v in lines if v is not None]
        following = dict(zip(map(id, shown), shown[1:]))  # each line's next non-blank one
        for i, v in enumerate(lines):
            if v is not None and v.cf_class in ("short", "neargood"):
                alone = paragraphs or ((i == 0 or lines[i - 1] is None) and (i + 1 == len(lines) or lines[i + 1] is None))
                after = following.get(id(v))
                v.heading = alone and self._heading(v, after is not None and after.cf_class == "good")
        return lines

    def _own_class(self, text: str, stoplist: str, headings: frozenset[str]) -> tuple[LineFeatures, str, str, bool]:
        """A line's features, class and reason from the line alone (`first_classes`), and whether it may be an item of a
        list of named links (`_named_links`): kept in the view's `memo`, since the engine shows the rule the lines left
        again after each removal (a text of 30,000 lines was read three times over)."""
        features = line_features(text, stoplist)
        cf_class, reason = self.classify(features)
        if cf_class != "good" and features.words >= self.prose_words and features.sentence:
            other, share = best_stoplist(text)
            if share >= self.prose_stopwords:  # prose, read with another language's stoplist
                cf_class, reason = "good", f"prose ({other} stopwords {share:.2f})"
        if headings and line_key(text) in headings:
            cf_class, reason = "good", PAGE_HEADING
        named = (cf_class != "good" and not features.copyright and features.described > 0 and features.addresses == 1
                 and not _follow_link(text))
        return features, cf_class, reason, named

    def _may_remove(self, view: View) -> bool:
        """A cheap necessary condition for a `bad` line (see `classify` and `_list_blocks`): a copyright
        sign, link-like tokens over `max_link_density`, or `block_lines` consecutive lines of at most
        `block_words` words on average."""
        run, run_words = 0, 0
        for line in view.lines:
            text = line.text
            words = len(text.split())
            if not words:
                run, run_words = 0, 0
                continue
            if "©" in text or "&copy" in text or link_share(text) > self.max_link_density:
                return True
            run, run_words = run + 1, run_words + words
            if run >= self.block_lines and run_words <= self.block_words * run:
                return True
        return False

    def _list_blocks(self, lines: list[Verdict | None]) -> None:
        """Make `bad` every line of a list block: at least `block_lines` consecutive lines, none prose,
        of at most `block_words` words on average and under `block_stopwords` stopwords (a menu, a
        link list), unless prose stands right before and right after it; or, when it ends the text, right
        before it ending with a colon (the list it announces: "… ni:" then five names), whose short lines
        are then near prose (the end of the text counts as boilerplate: they went as the text's tail)."""
        for a, b in _runs([v is not None for v in lines]):
            block = lines[a:b]
            if b - a < self.block_lines or any(v.cf_class == "good" for v in block):
                continue
            words = sum(v.features.words for v in block) / len(block)
            stop = sum(v.features.stopwords for v in block) / len(block)
            if words > self.block_words or stop >= self.block_stopwords:
                continue
            before = next((lines[i] for i in range(a - 1, -1, -1) if lines[i] is not None), None)
            after = next((lines[i] for i in range(b, len(lines)) if lines[i] is not None), None)
            if before is not None and before.cf_class == "good":
                if after is not None and after.cf_class == "good":
                    continue  # a list inside the article
                if after is None and before.text.endswith(":"):
                    self._announced(block)  # the list that ends the text, announced by the prose before it: content
                    continue
            for v in block:
                if v.cf_class != "bad":
                    v.cf_class, v.reason = "bad", f"a list block of {len(block)} lines ({words:.1f} words, stopwords {stop:.2f} on average)"

    def _named_links(self, lines: list[Verdict | None], named: list[bool]) -> None:
        """Make `neargood` the lines of a list of named links, two to `max_named_links` lines in a row each of words
        and one URL ("- Cutie Whales http://…", a resource or shop list's items), none good by its own shape nor ©, nor
        a follow link (`_follow_link`), as `named` flags them (`_own_class`): the context pass then decides the list as
        one, by the lines around it (it goes between boilerplate), where its items' link density, one word more or
        less, kept one and took the others; `_list_blocks` may still take its block. A longer run is no list an article
        gives: each line keeps its own class (30,000 "NameN http://…" lines between two paragraphs were kept whole)."""
        for a, b in _runs(named):
            for v in lines[a:b] if 2 <= b - a <= self.max_named_links else ():
                v.cf_class, v.reason = "neargood", f"{v.reason}; one of {b - a} named links in a row, one list"

    def _announced_list(self, lines: list[Verdict | None]) -> None:
        """Make `neargood` the short lines of a list that ends the text right under the prose announcing
        it, in its block (no blank line between; a text without blank lines is one block): the lines
        after the last prose line of the text's last block, when it ends with a colon and none of them
        is bad ("… at the end of the evening:" then five names). A list in a block of its own is
        `_list_blocks`'."""
        block: list[Verdict] = []
        for v in reversed(lines):  # the text's last block, from its end
            if v is not None:
                block.append(v)
            elif block:
                break
        block.reverse()
        last = next((i for i in range(len(block) - 1, -1, -1) if block[i].cf_class == "good"), None)
        if last is not None and block[last].text.endswith(":") and not any(v.cf_class == "bad" for v in block[last + 1 :]):
            self._announced(block[last + 1 :])

    @staticmethod
    def _announced(block: list[Verdict]) -> None:
        """Make `neargood` the short lines of a list that ends the text, announced by the prose before it."""
        for v in block:
            if v.cf_class == "short":
                v.cf_class, v.reason = "neargood", "a list announced by the prose before it (ends with a colon)"

    def _announced_links(self, lines: list[Verdict | None]) -> None:
        """Make `neargood` the lines of written-out addresses (URLs, `@handles`), bad by their links, right
        under a prose line ending with a colon (and under each other): the links it announces ("… deux
        portails très intéressants :" then "– Colonialisme : http://…"; "… sur Twitter :" then "Jama :
        @TheJamaJack ; https://…"); and a footnote's, in the line its mark starts ("[1]https://…") or right
        under it ("[5] Ici quelques liens … étrangement…" then its URLs): the article's references; and a
        heading's, when its page marks it (`PAGE_HEADING`): its section's links. A "Source :" or "Aide aux
        victimes … :" above a URL is no prose."""
        reason = None  # why the addresses right under the line before stay, when it announces them
        for v in lines:
            if v is None:
                continue
            f = v.features
            own = "a footnote's link" if f.footnote else reason
            if own and f.addresses and v.cf_class == "bad" and not f.copyright:
                v.cf_class, v.reason = "neargood", own
            if own and (f.addresses or f.footnote) and v.cf_class != "bad":
                reason = own
            elif v.reason == PAGE_HEADING:
                reason = "a link under a heading its page marks"
            elif v.cf_class == "good" and v.text.endswith(":"):
                reason = "a link announced by the line before it (ends with a colon)"
            else:
                reason = None

    @staticmethod
    def _cited_sources(lines: list[Verdict | None]) -> None:
        """Make `neargood` a line of written-out addresses, bad by its links, alone above content of its own shape
        (prose or near prose) and under a label (a line neither prose nor link) or, as an item of a list, above the
        next item: a source the article cites, under the law it quotes ("Article 202", its URL, its text), under a
        label ("Aide aux victimes … :", its URL, "Pour Paris : Tribunal …") or opening a list of sources ("- https://…"
        then "- DWORKIN, Les Femmes de droite."). A URL between paragraphs, or over a heading or a menu, cites
        nothing."""
        shown = [v for v in lines if v is not None]
        for before, v, after in zip(shown, shown[1:], shown[2:]):
            alone = not before.features.addresses and not after.features.addresses
            under = before.cf_class in ("short", "neargood") or bool(LIST_ITEM.match(v.text) and LIST_ITEM.match(after.text))
            if (v.cf_class == "bad" and v.features.addresses and not v.features.copyright and alone and under
                    and before.cf_class != "bad" and after.cf_class in ("good", "neargood")):
                v.cf_class, v.reason = "neargood", "a source cited above content"

    def _lead_ins(self, lines: list[Verdict | None]) -> None:
        """Make `neargood`, content that stays next to prose, a short line ending with a comma right
        before prose: a salutation ("Cher Todd Nickerson," then the letter) or a sentence that goes on."""
        shown = [v for v in lines if v is not None]
        for v, after in zip(shown, shown[1:]):
            if v.cf_class == "short" and v.text.endswith(",") and after.cf_class == "good":
                v.cf_class, v.reason = "neargood", "leads into the prose after it (ends with a comma)"

    def _heading(self, v: Verdict, before_prose: bool) -> bool:
        """A heading, once the line is alone in its block: short, capitalised (or numbered), not a
        sentence; a mark before it ("#1 Les pronoms", "§ 3", "- 2 -") is passed over. A colon or a
        closing bracket at its end makes a sentence of it only when the line is not right before prose:
        "Antispécisme :" above its definition and "(Deuxième partie)" above the text are headings, a
        search box's "Search for:" above a menu is not."""
        first = v.text.lstrip().lstrip("#§*•·–—-( ")[:1]
        label = before_prose and not has_sentence(v.text.rstrip(" :)"))
        return v.features.words <= self.heading_words and (label or not v.features.sentence) and (first.isupper() or first.isdigit())

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        gone = False
        for line, v in zip(view.lines, self.verdicts(view, ctx.lang, ctx.headings)):
            if v is None or v.class_type != "bad":
                gone = False
                continue
            context = "" if v.cf_class == "bad" else "; between boilerplate"
            why = f"{v.reason}{context} ({v.features.describe()})"
            hit = whole_lines(view, line.start, line.end)  # each line with its newline: a run leaves no blank line
            if gone and hit.start < line.start:  # the last line, whose newline before it went with the line above
                hit = hit._replace(start=line.start)
            gone = True
            yield hit._replace(why=why)


def _headings_over_nothing(lines: list[Verdict]) -> None:
    """Make `bad` each line the page marks as a heading that no kept line but headings follows once the context pass
    is done: the page's `<h2>` to `<h4>` are read from the whole page (`html._headings`), and a sidebar's
    "Catégories" over its links went with them as the text's end until the page's mark kept it (a review)."""
    kept_under = False
    for v in reversed(lines):
        if v.reason == PAGE_HEADING and not kept_under:
            v.cf_class, v.class_type, v.reason = "bad", "bad", f"{PAGE_HEADING}, over nothing kept"
        kept_under = kept_under or (v.class_type != "bad" and v.reason != PAGE_HEADING)


def _follow_link(text: str) -> bool:
    """Whether a line is one word and one URL to a page of the site the word names: a social block's follow link
    ("Facebook https://www.facebook.com/monjournal", which a list of named links kept between paragraphs, a review),
    not a shop list's item, which links to the home of the site it names ("- Hoptoys http://hoptoys.fr/")."""
    url = URL.search(text)
    words = [word for word in URL.sub(" ", text).split() if WORD.search(word)]
    if not url or len(words) != 1 or not url.group().split("//", 1)[-1].partition("/")[2].strip("/"):
        return False
    host = url_host(url.group())
    return bool(host) and line_key(words[0]) == line_key(site_label(host) or "")


GOOD_OR_BAD = ("good", "bad")
PAGE_HEADING = "a heading its page marks"
"""The reason of a line the page marks as a heading (`Context.headings`): content, never removed, though no prose: a
text with no other good line loses nothing."""


def context_pass(lines: list[Verdict], max_heading_distance: int) -> None:
    """jusText's context pass (`justext.core.revise_paragraph_classification`) on `lines` (fresh verdicts, not
    blank), to the same classes, in time linear in the lines: it looked for each short or near-good line's nearest
    neighbours from the line, and read a run of short lines again from each of them (64,000 characters of "Le Journal"
    lines before prose took 1.3 s). Its first step, a short heading followed by prose within `max_heading_distance`,
    looks ahead at class types it has not copied from `cf_class` yet: with none set, it only copies them."""
    for v in lines:
        v.class_type = v.cf_class
    classes = [v.class_type for v in lines]
    before, after = _neighbours(classes, GOOD_OR_BAD)
    near_before, near_after = _neighbours(classes, (*GOOD_OR_BAD, "neargood"))
    for i, v in enumerate(lines):  # short lines, by their nearest neighbours as the step began
        if classes[i] != "short":
            continue
        if before[i] == after[i]:
            v.class_type = before[i]
        elif ((before[i] == "bad" and near_before[i] == "neargood")
              or (after[i] == "bad" and near_after[i] == "neargood")):
            v.class_type = "good"
        else:
            v.class_type = "bad"
    after, previous = _neighbours([v.class_type for v in lines], GOOD_OR_BAD)[1], "bad"
    for i, v in enumerate(lines):  # near-good lines, by the good or bad line before (revised) and the next one
        if v.class_type == "neargood":
            v.class_type = "bad" if previous == after[i] == "bad" else "good"
        previous = v.class_type if v.class_type in GOOD_OR_BAD else previous
    _headings_before_prose(lines, max_heading_distance)


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """The runs of true `flags`, as (start, end) index pairs."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def _neighbours(classes: list[str], wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """For each line, the class of the nearest line before it and of the nearest after it whose class is one of
    `wanted`; "bad" where none is (the ends of the text count as boilerplate)."""
    def nearest(order: list[str]) -> list[str]:
        out, last = [], "bad"
        for c in order:
            out.append(last)
            last = c if c in wanted else last
        return out

    return nearest(classes), nearest(classes[::-1])[::-1]


def _headings_before_prose(lines: list[Verdict], max_heading_distance: int) -> None:
    """The context pass's last step: a heading gone as boilerplate though not bad by its own shape stays when a good
    line follows it with at most `max_heading_distance` characters of lines between them."""
    chars = list(accumulate((len(v.text) for v in lines), initial=0))
    good = len(lines)  # the next line after the one at hand that was good before this step
    for i in range(len(lines) - 1, -1, -1):
        v = lines[i]
        was_good = v.class_type == "good"
        if v.heading and v.class_type == "bad" and v.cf_class != "bad" and good < len(lines):
            v.class_type = "good" if chars[good] - chars[i + 1] <= max_heading_distance else v.class_type
        good = i if was_good else good


def shape_scoped(rules: list[Rule], host: str | None, on: bool = True, off_sources: tuple[str, ...] = ()) -> list[Rule]:
    """`rules` (already scoped to a document) with the `shape` rules it gets: none when shape is off
    or its host is in `off_sources`; else, when a shape rule scoped by `sources:` applies (a pack
    tuning shape for a site), only those; else the unscoped ones."""
    shapes = [r for r in rules if isinstance(r, ShapeRule)]
    if not on or host_in(host, off_sources):
        keep = set()
    else:
        keep = {id(r) for r in shapes if r.sources} or {id(r) for r in shapes}
    return [r for r in rules if not isinstance(r, ShapeRule) or id(r) in keep]


def shape_ids(rules: list[Rule]) -> frozenset[str]:
    """The ids of the `shape` rules among `rules`, and `whitespace` (which tidies what they leave):
    the edits learned boilerplate counts through."""
    return frozenset(r.id for r in rules if isinstance(r, ShapeRule)) | {WHITESPACE_RULE}
