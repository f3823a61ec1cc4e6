"""The `shape` kind on full-page text dumps: token precision and recall against trafilatura, and its cost.

Development evaluation from ../shared/dev/fr-pages.jsonl.gz (743 French pages). Each page becomes a
full-page text dump with inscriptis (menus, share bars, comments, footers and all), and the HTML
path's own extraction of the same page (`cleaner.html.extract_html`: trafilatura, `fast=True`, no
comments) is the silver reference; both are cached in bench/.cache/. `Cleaner.clean` runs on each
dump with `shape` off and on; tokens (`\\w+`, lower-cased) are compared as bags per page and summed
over the pages (micro average): precision = shared / kept, recall = shared / reference.

Two ceilings show what a shape rule that never removes prose can reach on the raw dump, alone:
keeping only the lines shape calls prose by their own features, and an oracle that keeps those plus
every other line found in the reference (named rules that take prose, such as comment threads, go
beyond them). Throughput is CPU time on one core: the rule engine with and without shape on the dumps
and on 10,000 MasakhaNEWS articles (clean text, language unknown, every k-th of the file), and the shape rule alone
on the dumps' tidied text, timed after the rest with its line cache emptied (the engine's runs would
otherwise have computed most lines' features for it). Prints the tables and writes them into
bench/RESULTS.md between its markers.

    python bench/bench_shape.py [--pages PATH] [--corpus PATH] [--docs 10000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import time
from collections import Counter
from pathlib import Path

from bench_clean import at_least, command, extraction_cache, load_corpus, publish, require, store
from inscriptis import get_text

from cleaner import Cleaner, Document
from cleaner.config import Config
from cleaner.edits import whitespace_spans
from cleaner.html import extract_html
from cleaner.kinds import Context
from cleaner.kinds.shape import ShapeRule
from cleaner.kinds.shapefeatures import best_stoplist, line_features
from cleaner.view import View

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"\w+")
TARGET = {"f1": 0.85, "recall": 0.95, "mb_s": 5.0}


def pages(path: Path) -> list[dict]:
    """Per page: id, the inscriptis dump and the reference text ("" when the HTML path rejects it); cached
    (`bench_clean.extraction_cache`, written by `bench_clean.store`)."""
    cache = extraction_cache("fr-pages-shape.jsonl.gz", path)
    if not cache.exists():
        config = Config.load()
        rows = []
        with gzip.open(path, "rt", encoding="utf-8") as src:
            for line in src:
                record = json.loads(line)
                html = record.get("html") or ""
                dump = get_text(html) if html.strip() else ""
                ref = extract_html(Document(id=record["id"], html=html), config) if html.strip() else None
                row = {"id": record["id"], "dump": dump, "ref": ref.text if isinstance(ref, Document) else ""}
                rows.append(json.dumps(row, ensure_ascii=False) + "\n")
        store(cache, "".join(rows))  # whole or not at all: a stopped run left a cut cache that every later run read
    with gzip.open(cache, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def tokens(text: str) -> Counter:
    return Counter(WORD.findall(text.lower()))


class Score:
    """Token counts summed over pages."""

    def __init__(self) -> None:
        self.shared = self.kept = self.ref = 0

    def add(self, text: str, ref: Counter) -> None:
        got = tokens(text)
        self.shared += sum((got & ref).values())
        self.kept += got.total()
        self.ref += ref.total()

    def row(self) -> tuple[float, float, float]:
        p, r = self.shared / max(self.kept, 1), self.shared / max(self.ref, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)


def evaluate(rows: list[dict], shape: ShapeRule) -> dict:
    scores = {name: (Score(), Score()) for name in ("dump", "off", "on", "prose", "oracle")}
    cleaners = {"off": Cleaner(Config.load(shape=False)), "on": Cleaner(Config.load())}
    timing = {"off": 0.0, "on": 0.0, "shape": 0.0}
    mb = 0.0
    for row in rows:
        ref = tokens(row["ref"])
        texts = {"dump": row["dump"]}
        if row["dump"].strip():
            doc = Document(id=row["id"], text=row["dump"])
            mb += len(row["dump"].encode("utf-8")) / 1e6
            for name, cleaner in cleaners.items():
                start = time.process_time()
                texts[name] = cleaner.clean(doc).text
                timing[name] += time.process_time() - start
            view = View(row["dump"], whitespace_spans(row["dump"]))
            texts["prose"], texts["oracle"] = ceilings(view, shape, row["ref"])
        for name, (everywhere, with_ref) in scores.items():
            text = texts.get(name, "")
            everywhere.add(text, ref)
            if row["ref"].strip():
                with_ref.add(text, ref)
    line_features.cache_clear()  # the runs above computed most lines' features already
    best_stoplist.cache_clear()
    for row in rows:
        if row["dump"].strip():
            view = View(row["dump"], whitespace_spans(row["dump"]))
            start = time.process_time()
            list(shape.find(view, Context()))
            timing["shape"] += time.process_time() - start
    return {"scores": scores, "timing": timing, "mb": mb}


def ceilings(view: View, shape: ShapeRule, ref: str) -> tuple[str, str]:
    """The lines shape calls prose by their own features; those and every line found in the reference."""
    flat = " ".join(ref.split())
    prose, oracle = [], []
    for line, verdict in zip(view.lines, shape.first_classes(view, shape.stoplist(view, None))):
        if verdict is None:
            continue
        good = verdict.cf_class == "good"
        prose += [line.text] if good else []
        oracle += [line.text] if good or " ".join(line.text.split()) in flat else []
    return "\n".join(prose), "\n".join(oracle)


def engine_mb_s(docs: list[Document], config: Config) -> float:
    cleaner = Cleaner(config)
    for doc in docs[:200]:
        cleaner.clean(doc)
    start = time.process_time()
    for doc in docs:
        cleaner.clean(doc)
    return sum(len(d.text.encode("utf-8")) for d in docs) / 1e6 / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "dev" / "fr-pages.jsonl.gz")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--docs", type=at_least(1), default=10_000, help="articles, spread over the corpus")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    require(args.pages, args.corpus)

    rows = pages(args.pages)
    shape = next(r for r in Cleaner(Config.load()).rules.rules if isinstance(r, ShapeRule))
    for row in rows[:20]:  # load the stoplists and lingua's names before timing
        shape.verdicts(View(row["dump"], []), None)
    result = evaluate(rows, shape)
    scores, timing, mb = result["scores"], result["timing"], result["mb"]
    articles = load_corpus(args.corpus, args.docs, with_lang=True)
    languages = len({d.lang for d in articles})
    articles = [d.model_copy(update={"lang": None}) for d in articles]  # language unknown, as in the dumps' rows
    news_off, news_on = engine_mb_s(articles, Config.load(shape=False)), engine_mb_s(articles, Config.load())

    with_dump = sum(1 for r in rows if r["dump"].strip())
    with_ref = sum(1 for r in rows if r["ref"].strip())
    labels = {
        "dump": "the dump as it is",
        "off": "`cleaner clean`, shape off (named rules only)",
        "on": "`cleaner clean`, shape on (default)",
        "prose": "shape alone, ceiling: only the lines shape calls prose",
        "oracle": "shape alone, ceiling: prose lines + every other line found in the reference",
    }
    lines = [
        f"## Shape on full-page text dumps of fr-pages (`{command(parser, args, 'pages', 'corpus', 'docs')}`)",
        "",
        (
            f"{len(rows)} pages; {with_dump} give an inscriptis dump ({mb:.1f} MB), {with_ref} a reference (the HTML "
            "path's trafilatura text, comments excluded). Tokens (`\\w+`, lower-cased) compared as bags per page, "
            f"summed over pages. Target: F1 ≥ {TARGET['f1']}, recall ≥ {TARGET['recall']}."
        ),
        "",
        "| text | precision | recall | F1 | precision, pages with a reference | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in labels.items():
        everywhere, ref_only = scores[name]
        p, r, f = everywhere.row()
        p2, r2, f2 = ref_only.row()
        lines.append(f"| {label} | {p:.3f} | {r:.3f} | {f:.3f} | {p2:.3f} | {r2:.3f} | {f2:.3f} |")
    lines += [
        "",
        f"Throughput, CPU time on one core (target: rule engine above {TARGET['mb_s']:g} MB/s per core with shape on):",
        "",
        "| input | engine, shape off | engine, shape on | shape rule alone |",
        "|---|---:|---:|---:|",
        (
            f"| fr-pages dumps ({with_dump} pages, {mb:.1f} MB) | {mb / timing['off']:.2f} MB/s "
            f"| {mb / timing['on']:.2f} MB/s | {mb / timing['shape']:.1f} MB/s |"
        ),
        (
            f"| MasakhaNEWS ({len(articles):,} clean articles, {languages} languages) | {news_off:.2f} MB/s "
            f"| {news_on:.2f} MB/s | |"
        ),
    ]
    body = "\n".join(lines)
    publish("bench_shape", body, write=not args.no_write)


if __name__ == "__main__":
    main()
