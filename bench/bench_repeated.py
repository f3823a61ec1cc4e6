"""Learned boilerplate (`repeated`) on real pages: what it removes beside the shipped packs, and how often it is right.

Extracts the 743 pages of ../shared/dev/fr-pages.jsonl.gz once (`extract_html`, cached in
bench/.cache/fr-pages-text-<digest>.jsonl: id, url, text; the digest is of the extraction's code, trafilatura's
version and the pages file's path, size and time, so a change to any of them extracts again), then runs `cleaner run` (one worker) over the
extracted texts (after one untimed run that loads the models) with: the shipped packs alone; `repeated` alone (`--no-default-rules
--learn-boilerplate`); both; and both for a grid of `repeated_min_docs` × `repeated_min_share`.
Characters removed are counted over the extracted text of the kept documents, whitespace folding
apart. Then draws 50
`repeated` removals of the default setting (seed 0) and scores them with the verdicts read by hand
in bench/repeated_verdicts.json (`noise` or `article`, by `<doc id>@<start>`); removals with no
verdict yet are printed for reading. Writes the tables into bench/RESULTS.md (section bench_repeated).

    python bench/bench_repeated.py [--pages PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_clean import extraction_cache, fail, store, write_section

from cleaner.config import Config
from cleaner.edits import REPEATED_RULE, WHITESPACE_RULE
from cleaner.html import extract_html
from cleaner.io.readers import read_inputs
from cleaner.models import Rejected
from cleaner.runner import Runner, RunOptions

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ROOT / "bench" / "repeated_verdicts.json"
GRID_DOCS = (3, 5, 10)
GRID_SHARE = (0.1, 0.2, 0.3, 0.5)


def extracted(pages: Path) -> Path:
    """The extracted text of every page with one, as JSONL (cached: `bench_clean.extraction_cache`, which names the
    pages file's size and time). No text at all ends the bench: it ran on a table of zeros, and cached it."""
    cache = extraction_cache("fr-pages-text.jsonl", pages)
    if not cache.exists():
        config = Config.load()
        rows = []
        for item in read_inputs([pages], config):
            doc = item if isinstance(item, Rejected) else extract_html(item, config)
            if not isinstance(doc, Rejected):
                rows.append(json.dumps({"id": doc.id, "url": doc.url, "text": doc.text}, ensure_ascii=False) + "\n")
        if not rows:
            fail(f"no page of {pages} has text to extract")
        store(cache, "".join(rows))
    return cache


def run(texts: Path, folder: Path, **config) -> dict:
    """One `cleaner run` over `texts`; characters removed per rule over every cleaned document."""
    cfg = Config.load(**config)
    start = time.perf_counter()
    Runner(cfg, [str(texts)], folder, RunOptions(workers=1, progress="quiet")).run()
    seconds = time.perf_counter() - start
    rules: Counter = Counter()
    docs: Counter = Counter()
    edits = []
    raw_chars = 0
    for line in (folder / "corpus.jsonl").open(encoding="utf-8"):
        rec = json.loads(line)
        raw_chars += len(rec["text"]) + sum(e["end"] - e["start"] for e in rec["edits"])
        for rule in {e["rule"] for e in rec["edits"]}:
            docs[rule] += 1
        for e in rec["edits"]:
            rules[e["rule"]] += e["end"] - e["start"]
            if e["rule"] == REPEATED_RULE:
                edits.append((rec["id"], e["start"], e["end"], e.get("source")))
    report = json.loads((folder / "report.json").read_text())
    removed = sum(n for r, n in rules.items() if r != WHITESPACE_RULE)
    return {"rules": rules, "docs": docs, "removed": removed, "repeated": rules[REPEATED_RULE],
            "raw_chars": raw_chars, "kept": report["kept"], "read": report["read"], "edits": edits, "seconds": seconds,
            "folder": folder}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "dev" / "fr-pages.jsonl.gz")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    texts = extracted(args.pages)
    defaults = Config.load()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        run(texts, tmp / "warm-up", learn_boilerplate=False)  # models and rule packs loaded once, untimed
        packs = run(texts, tmp / "packs", learn_boilerplate=False)
        alone = run(texts, tmp / "alone", learn_boilerplate=True, default_rules=False)
        both = run(texts, tmp / "both", learn_boilerplate=True)
        grid = {}
        for k in GRID_DOCS:
            for p in GRID_SHARE:
                if (k, p) == (defaults.repeated_min_docs, defaults.repeated_min_share):
                    grid[k, p] = both
                else:
                    grid[k, p] = run(texts, tmp / f"g{k}-{p}", learn_boilerplate=True, repeated_min_docs=k, repeated_min_share=p)
        sample_body, scored = sample(both)

    lines = ["## Learned boilerplate on fr-pages (`python bench/bench_repeated.py`)", "",
             (f"The {packs['read']:,} extracted pages of fr-pages through `cleaner run` (one worker), "
              f"defaults `repeated_min_docs = {defaults.repeated_min_docs}`, `repeated_min_share = {defaults.repeated_min_share}`; "
              "characters removed over the extracted text of the kept documents, whitespace folding apart."), "",
             "| rules | kept | chars removed | of which `repeated` | docs touched by `repeated` | run time |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in (("shipped packs alone", packs), ("`repeated` alone", alone), ("both", both)):
        share = r["removed"] / max(1, r["raw_chars"])
        lines.append(f"| {name} | {r['kept']:,} | {r['removed']:,} ({share:.2%}) | {r['repeated']:,} | "
                     f"{r['docs'][REPEATED_RULE]:,} | {r['seconds']:.1f} s |")
    lines += ["", ("`repeated` characters (and kept documents) with the shipped packs, by `repeated_min_docs` (rows) and "
                   "`repeated_min_share` (columns):"), "",
              "| min_docs | " + " | ".join(f"{p:g}" for p in GRID_SHARE) + " |", "|---:|" + "---:|" * len(GRID_SHARE)]
    for k in GRID_DOCS:
        lines.append(f"| {k} | " + " | ".join(f"{grid[k, p]['repeated']:,} ({grid[k, p]['kept']})" for p in GRID_SHARE) + " |")
    lines += ["", *scored]
    body = "\n".join(lines)
    print(body)
    print(sample_body)
    if not args.no_write:
        write_section("bench_repeated", body)


def sample(result: dict) -> tuple[str, list[str]]:
    """50 lines removed by `repeated` drawn with seed 0, their text, and the score of the hand verdicts."""
    raw = {}
    for line in (result["folder"] / "raw.jsonl").open(encoding="utf-8"):
        rec = json.loads(line)
        raw[rec["id"]] = rec["text"]
    lines = []  # (doc id, start of the line in the raw text, source)
    for doc_id, start, end, source in result["edits"]:
        pos = start
        for piece in raw[doc_id][start:end].split("\n"):
            if piece.strip():
                lines.append((doc_id, pos, source))
            pos += len(piece) + 1
    lines.sort()
    picked = sorted(random.Random(0).sample(lines, min(50, len(lines))))
    verdicts = json.loads(VERDICTS.read_text()) if VERDICTS.exists() else {}
    out, counts = [], Counter()
    for doc_id, start, source in picked:
        key = f"{doc_id}@{start}"
        verdict = verdicts.get(key, {}).get("verdict")
        counts[verdict or "unread"] += 1
        text = raw[doc_id][start:].split("\n", 1)[0].strip()
        out.append(f"--- {key} ({source}) verdict={verdict}\n{text[:300]}")
    scored = [f"Hand-checked sample: {len(picked)} of the {len(lines):,} lines `repeated` removed in the `both` run, drawn "
              f"at random (seed 0), each read in its page (verdicts and notes in `bench/repeated_verdicts.json`): "
              f"**{counts['noise']} noise**, {counts['article']} article text"
              + (f", {counts['unread']} not read yet" if counts["unread"] else "") + "."]
    return "\n".join(out), scored


if __name__ == "__main__":
    main()
