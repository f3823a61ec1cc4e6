"""`shape`: lines that read as boilerplate by their shape and their neighbours, on pages no pack knows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from justext.core import revise_paragraph_classification
from pydantic import Field

from ..view import Hit, View
from .base import Context, Rule, host_in, line_hits, register
from .shapefeatures import LineFeatures, line_features, stoplist_for


@dataclass
class Verdict:
    """One line as jusText's context pass sees it (`text`, `heading`, `cf_class`, `class_type`), with
    its features and why it got its first class: the first decision kept next to the final one."""

    text: str
    features: LineFeatures | None
    cf_class: str
    reason: str
    heading: bool = False
    class_type: str = ""


@register("shape")
class ShapeRule(Rule):
    """Removes the lines jusText's classifier, applied to lines of text, calls boilerplate.

    First each non-blank line gets a class from its own features (see `classify`): `good` (prose:
    at least `prose_words` words, sentence punctuation, at least `prose_stopwords` stopwords; never
    removed), `bad` (a copyright line, link-like tokens over `max_link_density` per word, or a row of
    `row_words` or more words with under `stopwords_low` stopwords and no sentence), `short` (under
    `short_words` words, or mostly capitalised or numeric words) or `neargood` (the rest). Then
    jusText's own context pass (`justext.core.revise_paragraph_classification`) decides the short and
    near-good lines by their nearest good or bad neighbours: between content they stay, between
    boilerplate they go; a short heading-like line followed by content within `max_heading_distance`
    characters stays. The text's ends count as boilerplate only when some line is bad by its own shape,
    so a text with no boilerplate line loses nothing. Each removal says which features decided it.
    """

    kind: Literal["shape"]
    short_words: int = Field(5, ge=1)
    prose_words: int = Field(8, ge=1)
    prose_stopwords: float = Field(0.2, ge=0, le=1)
    sentence_words: int = Field(3, ge=1)
    row_words: int = Field(8, ge=1)
    stopwords_low: float = Field(0.1, ge=0, le=1)
    max_link_density: float = Field(0.2, gt=0)
    max_capitals: float = Field(0.8, gt=0, le=1)
    max_digits: float = Field(0.5, gt=0, le=1)
    heading_words: int = Field(15, ge=1)
    max_heading_distance: int = Field(200, ge=0)

    phase = 4

    def classify(self, features: LineFeatures) -> tuple[str, str]:
        """jusText's context-free class of a line from its features, and the reason for it."""
        f = features
        if f.words >= self.prose_words and f.sentence and f.stopwords >= self.prose_stopwords:
            return "good", "prose"
        if f.copyright:
            return "bad", "copyright line"
        if f.links and f.link_density > self.max_link_density:
            return "bad", f"link-like tokens {f.link_density:.2f} per word"
        if f.words >= self.row_words and f.stopwords < self.stopwords_low and not f.sentence:
            return "bad", "a row of words without stopwords or sentence"
        if f.words < self.short_words:
            if f.words >= self.sentence_words and f.sentence and f.stopwords >= self.prose_stopwords:
                return "neargood", "a short sentence"
            return "short", "short"
        if f.stopwords < self.stopwords_low or f.capitals >= self.max_capitals or f.digits >= self.max_digits:
            return "short", "names, capitals or numbers"
        return "neargood", "near prose"

    def verdicts(self, view: View, lang: str | None) -> list[Verdict | None]:
        """The final verdict on every line of the view (None for a blank line)."""
        _, stoplist = stoplist_for(view.text, lang)
        lines: list[Verdict | None] = []
        for line in view.lines:
            if not line.text.strip():
                lines.append(None)
                continue
            features = line_features(line.text, stoplist)
            cf_class, reason = self.classify(features)
            lines.append(Verdict(line.text, features, cf_class, reason))
        for i, v in enumerate(lines):
            if v is not None and v.cf_class in ("short", "neargood"):
                v.heading = self._heading(v, lines[i - 1] if i else None, lines[i + 1] if i + 1 < len(lines) else None)
        shown = [v for v in lines if v is not None]
        if not any(v.cf_class == "good" for v in shown):
            return [None] * len(lines)  # no prose to tell boilerplate from: nothing is decided
        edges = [Verdict("", None, "good", "edge of the text")], [Verdict("", None, "good", "edge of the text")]
        revise_paragraph_classification(edges[0] + shown + edges[1], self.max_heading_distance)
        return lines

    def _heading(self, v: Verdict, before: Verdict | None, after: Verdict | None) -> bool:
        """A heading: a short line alone in its block, capitalised (or numbered), not a sentence."""
        first = v.text.lstrip()[:1]
        alone = before is None and after is None
        return alone and v.features.words <= self.heading_words and not v.features.sentence and (first.isupper() or first.isdigit())

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        verdicts = self.verdicts(view, ctx.lang)
        for i, v in enumerate(verdicts):
            if v is not None and v.class_type == "bad":
                context = "" if v.cf_class == "bad" else "; between boilerplate"
                why = f"{v.reason}{context} ({v.features.describe()})"
                hit = next(line_hits(view, (i,)))
                yield hit._replace(why=why)


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
