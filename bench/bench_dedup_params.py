"""Choosing dedup defaults by measurement: num_perm, shingle size and threshold.

Builds news-like near-duplicates from ../shared/corpus/masakhanews.jsonl.gz: distinct articles
(16 languages; the pool is first cleared of articles that already resemble each other) and, for a
share of them, copies with one or two of: a sentence changed, a sentence dropped, a ticker line of
other articles' headlines added on top, a footer added, whitespace and punctuation changed. The
ticker lines and footers come from a small shared pool, so many *different* articles carry the same
boilerplate: those pairs must not be called duplicates. As in `cleaner run`, every text is cleaned
by the shipped rule packs first (`--raw` skips that: the harder, misleading case).

Each grid point runs `cleaner.dedup.dedup_batch` on the whole set against a fresh index and scores
its verdicts: a document called a duplicate of a document of the same original is a true positive;
precision = true / called, recall = true / (documents - originals). Writes the table to
bench/RESULTS.md (section bench_dedup_params).

    python bench/bench_dedup_params.py [--bases 3000] [--copied 0.4] [--seed 7] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_dedup_peers import fmt

from cleaner.dedup import DedupIndex, DedupParams, dedup_batch, jaccard, shingles

SENT = re.compile(r"(?<=[.!?።])\s+")
FOOTERS = [
    "© 2022 BBC. All rights reserved. The BBC is not responsible for the content of external sites. Read about our approach to external linking.",
    "Suivez-nous sur Facebook, Twitter et Instagram pour ne rien manquer de l'actualité. Tous droits réservés.",
    "Share this article: Facebook Twitter WhatsApp Email. Copyright 2021 Premium Times Nigeria. All rights reserved.",
    "Subscribe to our newsletter to get the latest news delivered to your inbox every morning.",
    "Related topics: Africa, Politics, Sport, Business. More stories from this section below.",
]


def load_articles(path: Path, min_chars: int = 300) -> list[dict]:
    from bench_clean import corpus_lines

    return [r for r in map(json.loads, corpus_lines(path)) if len(r["text"]) >= min_chars]


def distinct_pool(articles: list[dict], n: int, rnd: random.Random) -> list[dict]:
    """n articles none of which resembles another (exact Jaccard of 3-shingles < 0.3 among LSH candidates)."""
    rnd.shuffle(articles)
    params = DedupParams(num_perm=128, threshold=0.3, shingle_size=3)
    index = DedupIndex(":memory:", params)
    res = dedup_batch(((a["id"], a["text"]) for a in articles[: int(n * 1.3)]), index).by_id()
    pool = [a for a in articles[: int(n * 1.3)] if res[a["id"]].kept]
    return pool[:n]


def headline(a: dict) -> str:
    return a["text"].split("\n", 1)[0][:80].strip()


def change_sentence(text: str, rnd: random.Random, donor: str) -> str:
    sents = SENT.split(text)
    i = rnd.randrange(len(sents))
    words, dwords = sents[i].split(), donor.split()
    for k in range(len(words)):
        if rnd.random() < 0.4 and dwords:
            words[k] = rnd.choice(dwords)
    sents[i] = " ".join(words)
    return " ".join(sents)


def drop_sentence(text: str, rnd: random.Random) -> str:
    sents = SENT.split(text)
    if len(sents) > 2:
        del sents[rnd.randrange(len(sents))]
    return " ".join(sents)


def punct_ws(text: str, rnd: random.Random) -> str:
    text = text.replace(", ", " , " if rnd.random() < 0.5 else " ").replace('"', "«")
    text = re.sub(r" ", lambda m: "  " if rnd.random() < 0.05 else " ", text)
    return text.replace(". ", ".\n") if rnd.random() < 0.5 else text


def make_copy(a: dict, rnd: random.Random, tickers: list[str], donors: list[dict]) -> tuple[str, str]:
    kinds = rnd.sample(["change", "drop", "ticker", "footer", "punct"], rnd.choice([1, 1, 2]))
    text = a["text"]
    for kind in kinds:
        if kind == "change":
            text = change_sentence(text, rnd, rnd.choice(donors)["text"])
        elif kind == "drop":
            text = drop_sentence(text, rnd)
        elif kind == "ticker":
            text = rnd.choice(tickers) + "\n" + text
        elif kind == "footer":
            text = text + "\n\n" + rnd.choice(FOOTERS)
        else:
            text = punct_ws(text, rnd)
    return "+".join(sorted(kinds)), text


def build(corpus: Path, bases: int, copied: float, seed: int) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]:
    rnd = random.Random(seed)
    articles = load_articles(corpus)
    pool = distinct_pool(articles, bases, rnd)
    if len(pool) < bases:  # it went on with the smaller pool under a heading that gave `bases`
        from bench_clean import fail

        fail(f"--bases {bases:,}: {corpus} has {len(articles):,} articles of 300 characters or more, "
             f"{len(pool):,} of them distinct among the {min(len(articles), int(bases * 1.3)):,} drawn")
    tickers = [" | ".join(headline(x) for x in rnd.sample(pool, 8)) for _ in range(6)]
    docs, group, kind = [], {}, {}
    for a in pool:
        # originals also carry shared boilerplate now and then: different articles, same ticker/footer
        text = a["text"]
        if rnd.random() < 0.15:
            text = rnd.choice(tickers) + "\n" + text
        if rnd.random() < 0.15:
            text = text + "\n\n" + rnd.choice(FOOTERS)
        docs.append((a["id"], text))
        group[a["id"]] = a["id"]
        if rnd.random() < copied:
            for c in range(rnd.choice([1, 1, 2])):
                k, t = make_copy(a, rnd, tickers, pool)
                cid = f"{a['id']}~copy{c}"
                docs.append((cid, t))
                group[cid], kind[cid] = a["id"], k
    rnd.shuffle(docs)
    return docs, group, kind


def clean_texts(docs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from cleaner import Cleaner, Document

    cleaner = Cleaner()
    return [(i, cleaner.clean(Document(id=i, text=t)).text) for i, t in docs]


def score(docs, group, kind, params: DedupParams) -> dict:
    """Precision, recall and the copies missed by kind of edit of `dedup_batch` on `docs`; precision None when nothing
    was called a duplicate (it read 1.0, a perfect score for a setting that finds nothing)."""
    index = DedupIndex(":memory:", params)
    t = time.perf_counter()
    res = dedup_batch(docs, index)
    seconds = time.perf_counter() - t
    called = true = 0
    missed_by_kind: dict[str, int] = {}
    for d in res.decisions:
        if d.status in ("duplicate", "exact_duplicate"):
            called += 1
            true += group[d.id] == group[d.dup_of]
    groups: dict[str, int] = {}
    for doc_id in group:  # every document: `docs` may be (id, text) pairs or signed `Item`s
        groups[group[doc_id]] = groups.get(group[doc_id], 0) + 1
    should = sum(v - 1 for v in groups.values())
    by_id = res.by_id()
    kept_with_copies = {d.dup_of for d in res.decisions if d.dup_of and group[d.dup_of] == group[d.id]}
    for cid, k in kind.items():
        d = by_id[cid]
        found = (d.status in ("duplicate", "exact_duplicate") and group[d.dup_of] == group[cid]) or cid in kept_with_copies
        if not found:
            missed_by_kind[k] = missed_by_kind.get(k, 0) + 1
    return {"precision": true / called if called else None, "recall": true / should if should else 1.0,
            "called": called, "true": true, "should": should, "seconds": seconds, "missed": missed_by_kind}


def on_defaults(rows: list[tuple[DedupParams, dict, bool]]) -> str:
    """What this sweep says of the shipped defaults, from its own figures: the defaults' row, the best recall
    without a false positive at their num_perm, and their shingle size and threshold at the other num_perms
    (the sentence was fixed text, printed whatever the sweep measured)."""
    d = DedupParams()
    head = (f"Shipped defaults (`DedupParams()`): num_perm={d.num_perm}, shingle_size={d.shingle_size}, "
            f"threshold={d.threshold} ({d.bands} x {d.rows} bands)")
    by = {(p.num_perm, p.shingle_size, round(p.threshold, 2)): s for p, s, _ in rows}
    mine = by.get((d.num_perm, d.shingle_size, round(d.threshold, 2)))
    if mine is None:
        return head + ": not in this sweep."
    clean = [s["recall"] for (perm, _, _), s in by.items() if perm == d.num_perm and s["precision"] == 1.0]
    if mine["precision"] == 1.0 and mine["recall"] >= max(clean):
        best = f"the best recall at num_perm {d.num_perm} with no false positive"
    elif clean:
        best = f"the best recall at num_perm {d.num_perm} with no false positive is {max(clean):.4f}"
    else:
        best = f"no setting at num_perm {d.num_perm} is without a false positive"
    others = [f"{perm} permutations ({perm / d.num_perm:g}x the stored signature): precision "
              f"{fmt(s['precision'], '.4f')}, recall {s['recall']:.4f}"
              for (perm, n, th), s in sorted(by.items()) if (n, th) == (d.shingle_size, round(d.threshold, 2))
              and perm != d.num_perm]
    return (f"{head}: precision {fmt(mine['precision'], '.4f')}, recall {mine['recall']:.4f}, {best}"
            + ("; at the same shingle size and threshold, " + "; ".join(others) if others else "") + ".")


def main() -> None:
    from bench_clean import at_least, command, dedup_params, fail, require, write_section

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bases", type=at_least(8), default=3000, help="distinct articles (8 at least: the tickers draw 8)")
    ap.add_argument("--copied", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--num-perm", type=int, nargs="+", default=[64, 128, 256])
    ap.add_argument("--shingle", type=int, nargs="+", default=[2, 3, 4, 5])
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.4, 0.5, 0.6, 0.7, 0.8])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    ap.add_argument("--raw", action="store_true", help="do not clean the texts first")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not 0 < args.copied <= 1:
        ap.error(f"--copied must be above 0 and at most 1, got {args.copied:g}")
    for num_perm in args.num_perm:  # every point of the grid, before the corpus is built
        for n in args.shingle:
            for th in args.threshold:
                dedup_params(ap, num_perm=num_perm, shingle_size=n, threshold=th)
    require(args.corpus)

    t0 = time.perf_counter()
    docs, group, kind = build(args.corpus, args.bases, args.copied, args.seed)
    if not kind:
        fail(f"no copy drawn among {args.bases:,} articles at --copied {args.copied:g}: nothing to score")
    if not args.raw:
        docs = clean_texts(docs)
    text_of = dict(docs)
    # the true (exact) Jaccard of each injected copy to its original, per shingle size
    truth = {}
    for n in args.shingle:
        js = sorted(jaccard(shingles(text_of[c], n), shingles(text_of[group[c]], n)) for c in kind)
        truth[n] = (js[len(js) // 20], js[len(js) // 2])
    print(f"{len(docs)} documents, {len(kind)} injected copies of {len(set(group[c] for c in kind))} originals "
          f"({time.perf_counter() - t0:.0f} s to build)", flush=True)
    rows = []
    for num_perm in args.num_perm:
        for n in args.shingle:
            for th in args.threshold:
                p = DedupParams(num_perm=num_perm, shingle_size=n, threshold=th)
                s = score(docs, group, kind, p)
                ok = (s["precision"] or 0) >= 0.99 and s["recall"] >= 0.95
                rows.append((p, s, ok))
                print(f"num_perm={num_perm:4} shingle={n} threshold={th:.2f} bands={p.bands:3}x{p.rows:<3} "
                      f"P={fmt(s['precision'], '.4f')} R={s['recall']:.4f} {s['seconds']:.1f}s {'ok' if ok else ''} "
                      f"missed={s['missed']}", flush=True)
    options = ("bases", "copied", "seed", "num_perm", "shingle", "threshold", "corpus", "raw")
    lines = [
        f"## Dedup parameters (`{command(ap, args, *options)}`)",
        "",
        f"{len(docs):,} documents from masakhanews (16 languages): {args.bases:,} distinct articles, "
        f"{len(kind):,} injected near-copies of {len(set(group[c] for c in kind)):,} of them (one or two of: sentence "
        "changed, sentence dropped, ticker line added, footer added, whitespace/punctuation changed); 15% of "
        "originals also carry a ticker or footer shared with other articles. "
        + ("Raw text (not cleaned first). " if args.raw else "Texts cleaned by the shipped rule packs first, as in `cleaner run`. ")
        + "Precision = correct duplicate verdicts / duplicate verdicts; recall = correct / (documents - originals). "
        "Target: precision >= 0.99 and recall >= 0.95. Bands x rows from `optimal_bands(threshold, num_perm, 0.3, 0.7)`.",
        "",
        "Exact Jaccard of injected copies to their original (5th percentile / median): "
        + ", ".join(f"{n}-word shingles {lo:.2f} / {med:.2f}" for n, (lo, med) in truth.items()) + ".",
        "",
        "| num_perm | shingle | threshold | bands x rows | precision | recall | seconds | meets target |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for p, s, ok in rows:
        lines.append(f"| {p.num_perm} | {p.shingle_size} | {p.threshold:.2f} | {p.bands} x {p.rows} | "
                     f"{fmt(s['precision'], '.4f')} | {s['recall']:.4f} | {s['seconds']:.1f} | {'yes' if ok else 'no'} |")
    lines += ["", on_defaults(rows)]
    if not args.no_write:
        write_section("bench_dedup_params", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
