"""The HTML path on real pages: what trafilatura alone leaves that the rule packs then remove.

Reads ../shared/dev/fr-pages.jsonl.gz (743 French pages) with `read_inputs`, extracts each page with
`cleaner.html.extract_html` (timed: pages/s of extraction, one core), then cleans the extracted text
with the shipped packs (`Cleaner.clean`, the URL host from the canonical link scoping `sources:`).
Reports pages rejected by reason, characters removed per rule over the extracted text, the share of
pages a rule touched, how many pages the rules leave without an article (`html.no_article`, which a run rejects:
no sentence, or a listing's teaser), and how the fields `extract` rules fill compare with trafilatura's metadata.
Then times the extraction of a page under blocks left open (`LEFT_OPEN`), against the same page without them.
Prints the tables and writes them into bench/RESULTS.md between `<!-- bench_html -->` and `<!-- bench_html_open -->`
markers.

    python bench/bench_html.py [--pages PATH]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from bench_clean import fail, publish, require

from cleaner import Cleaner
from cleaner.config import Config
from cleaner.edits import WHITESPACE_RULE
from cleaner.html import extract_html, no_article
from cleaner.io.readers import read_inputs
from cleaner.models import Rejected

ROOT = Path(__file__).resolve().parent.parent
FIELD_KEYS = {"title": "title", "author": "author", "published": "date", "source": "sitename"}
"""Cleaned field -> trafilatura's metadata key."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "dev" / "fr-pages.jsonl.gz")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    require(args.pages)
    config = Config.load()
    cleaner = Cleaner(config)

    reasons: Counter = Counter()
    docs, pages, seconds, html_mb = [], [], 0.0, 0.0
    for item in read_inputs([args.pages], config):
        if isinstance(item, Rejected):
            reasons[f"{item.reason} ({item.stage}: {item.detail.split(': ', 1)[-1][:30]})"] += 1
            continue
        start = time.perf_counter()
        out = extract_html(item, config)
        seconds += time.perf_counter() - start
        html_mb += len(item.html.encode("utf-8")) / 1e6
        if isinstance(out, Rejected):
            reasons[f"{out.reason} ({out.stage})"] += 1
        else:
            docs.append(out)
            pages.append(item)
    if not docs:
        fail(f"no page of {args.pages} could be extracted ({reasons.total()} rejected)")
    attempted = len(docs) + sum(n for r, n in reasons.items() if "(extract)" in r)

    chars, touched, fields, agree = Counter(), Counter(), Counter(), Counter()
    extracted_chars = sum(len(d.text) for d in docs)
    no_articles = 0
    for doc, page in zip(docs, pages):
        cleaned = cleaner.clean(doc)
        no_articles += no_article(page, cleaned) is not None
        rules = {e.rule for e in cleaned.edits if e.rule != WHITESPACE_RULE}
        touched.update(rules)
        touched["(any rule)"] += bool(rules)
        for e in cleaned.edits:
            chars[e.rule] += e.end - e.start
        # a rule's value where one lifted it: `clean` fills the others from the page (`with_given_fields`)
        meta, lifted = doc.meta["extracted"], {e.field for e in cleaned.edits if e.field}
        for name, key in FIELD_KEYS.items():
            rule_value, meta_value = getattr(cleaned, name) if name in lifted else None, meta.get(key)
            fields[(name, "rule")] += rule_value is not None
            fields[(name, "trafilatura")] += meta_value is not None
            fields[(name, "both")] += rule_value is not None and meta_value is not None
            agree[name] += rule_value is not None and meta_value is not None and _same(rule_value, meta_value)
    removed = sum(n for r, n in chars.items() if r != WHITESPACE_RULE)

    n = len(docs)
    lines = [
        "## HTML path on fr-pages (`python bench/bench_html.py`)",
        "",
        (f"{reasons.total() + n} pages read; {n} extracted; extraction {attempted / seconds:.1f} pages/s "
         f"({html_mb / seconds:.2f} MB/s of HTML, one core, trafilatura `fast=True`, `include_comments=False`, with metadata)."),
        (f"The rules remove **{removed:,} of {extracted_chars:,} extracted characters ({removed / max(1, extracted_chars):.1%})**"
         f" besides whitespace, and touch **{touched['(any rule)']} of {n} pages"
         f" ({touched['(any rule)'] / max(1, n):.0%})**; they leave {no_articles} without an article, which a run"
         " rejects as `empty_extraction` (`html.no_article`)."),
        "",
        "| pages rejected, by reason | pages |",
        "|---|---:|",
        *(f"| {reason} | {count} |" for reason, count in sorted(reasons.items(), key=lambda x: -x[1])),
        "",
        "| rule (top 15 by characters) | chars removed | share of extracted text | pages touched |",
        "|---|---:|---:|---:|",
        *(f"| `{rule}` | {c:,} | {c / max(1, extracted_chars):.2%} | {touched[rule]} ({touched[rule] / max(1, n):.0%}) |"
          for rule, c in chars.most_common(16) if rule != WHITESPACE_RULE),
        f"| `{WHITESPACE_RULE}` (trim, fold blank lines) | {chars[WHITESPACE_RULE]:,} | {chars[WHITESPACE_RULE] / max(1, extracted_chars):.2%} | |",
        "",
        "| field | found by rules | in trafilatura's metadata | both | both agree |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} (`{key}`) | {fields[(name, 'rule')]} | {fields[(name, 'trafilatura')]} | {fields[(name, 'both')]} | {agree[name]} |"
          for name, key in FIELD_KEYS.items()),
    ]
    body = "\n".join(lines)
    publish("bench_html", body, write=not args.no_write)
    publish("bench_html_open", "\n".join(_left_open(config)), write=not args.no_write)


LEFT_OPEN = ("<blockquote><p>Citation.</p>", "<div class='pullquote'>", "<div class='legende'>",
             "<div class='author-bio'>", "<div class='close-definition'>", "<div class='chapo'>",
             "<div class='date'>", "<div class='byline'>", "<div class='tags'>", "<time>",
             "<time datetime='2016-04-30T22:29:17Z'>", "<footer>", "<ul><li>")
"""Blocks a page may leave open, each then holding the rest of the page."""


def _left_open(config: Config, blocks: int = 250, paragraphs: int = 1_000) -> list[str]:
    """A table of the extraction's CPU time on a page of `paragraphs` under `blocks` of each of `LEFT_OPEN` left open
    against the same page without them (least of three tries each), and whether the article stays."""
    from cleaner.models import Document

    body = "".join(f"<p>Paragraphe {k} de l'article, assez long pour être lu comme de la prose.</p>"
                   for k in range(paragraphs))

    def page(opener: str) -> Document:
        html = f"<html><body><article><h1>Titre</h1>{opener * blocks}{body}</article></body></html>"
        return Document(id="p", html=html)

    def seconds(doc: Document) -> tuple[float, Document | Rejected]:
        tries = []
        for _ in range(3):
            start = time.process_time()
            out = extract_html(doc, config)
            tries.append(time.process_time() - start)
        return min(tries), out

    alone, _ = seconds(page(""))
    rows = []
    for opener in LEFT_OPEN:
        took, out = seconds(page(opener))
        kept = not isinstance(out, Rejected) and f"Paragraphe {paragraphs - 1} de" in out.text
        rows.append(f"| `{opener}` | {took:.2f} | {took / alone:.1f} | {'yes' if kept else 'no'} |")
    return [
        "## Blocks left open (`python bench/bench_html.py`)",
        "",
        f"Extraction of a page of {paragraphs:,} paragraphs ({alone:.2f} s of CPU alone, least of 3) under {blocks} "
        "blocks left open (libxml2 nests them up to 256 deep, each holding the rest of the page).",
        "",
        "| block left open | CPU s | times the page alone | article kept |",
        "|---|---:|---:|:---:|",
        *rows,
    ]


def _same(a: str, b: str) -> bool:
    """Equal after case folding and whitespace, or one inside the other (a date and a datetime)."""
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return a == b or a in b or b in a


if __name__ == "__main__":
    main()
