"""Near-duplicates in scripts written without spaces between words: Chinese, Japanese, Thai.

Words are what spaces separate, except in those scripts, where each letter (with its marks) is a word
(`cleaner.dedup.shingle.words`, shingle hash v2). Before (v1), a "word" there was everything between two
spaces or punctuation marks: a clause in Chinese and Japanese, a phrase in Thai. This compares the two.

Texts: the original sentences of fixtures/scripts/ (zh, ja, th), spliced into articles of a headline and
6-14 sentences, no two sharing more than three; a share of them get injected copies with
one or two of: a sentence changed (a third of its letters replaced), a sentence dropped, a ticker line of
other articles' headlines added, a footer added, punctuation and whitespace changed. 15 % of the originals
also carry a ticker or footer shared with other articles. Every text is cleaned by the shipped rule packs
first, as in `cleaner run`. Each language runs `cleaner.dedup.dedup_batch` (the default parameters) on its
documents three times: signed as `cleaner run` signs them (v2), with v1's words, and v2 on the texts not cleaned.

    python bench/bench_dedup_scripts.py [--articles 300] [--copied 0.4] [--seed 5] [--shingle 2 3 4 5] [--threshold 0.4 0.5 0.6]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_dedup_params import clean_texts, score
from bench_dedup_peers import fmt

from cleaner.dedup import DedupParams, jaccard, normalise, shingles
from cleaner.dedup.cluster import Item
from cleaner.dedup.signature import Signer, _exact

FIXTURES = ROOT / "fixtures" / "scripts"
LANGS = ("zh", "ja", "th")
FOOTERS = {
    "zh": ["本文版权归本报所有，未经书面许可不得转载。", "关注我们的公众号，获取更多新闻资讯。", "责任编辑：王小明　校对：李华"],
    "ja": ["この記事の無断転載を禁じます。", "最新のニュースはアプリでお届けします。", "（編集・山田太郎）"],
    "th": ["สงวนลิขสิทธิ์ ห้ามคัดลอกโดยไม่ได้รับอนุญาต", "ติดตามข่าวสารล่าสุดได้ที่เพจของเรา", "ผู้สื่อข่าวรายงานเพิ่มเติม"],
}
SEP = {"zh": "", "ja": "", "th": " "}


def sentences(lang: str) -> list[str]:
    return (FIXTURES / f"{lang}.txt").read_text(encoding="utf-8").split("\n")[:-1]


def articles(lang: str, n: int, rnd: random.Random) -> list[list[str]]:
    """`n` articles (lists of sentences, the first a headline), no two sharing more than three sentences."""
    pool, out, used = sentences(lang), [], []
    while len(out) < n:
        art = rnd.sample(pool, rnd.randint(7, 15))
        if all(len(set(art) & u) <= 3 for u in used):
            out.append(art)
            used.append(set(art))
    return out


def join(lang: str, sents: list[str]) -> str:
    """A headline line (without a full stop, as headlines go), then the sentences as one paragraph (Thai puts a
    space between sentences)."""
    return headline(sents) + "\n" + SEP[lang].join(sents[1:])


def headline(sents: list[str]) -> str:
    return sents[0].removesuffix("。")


def change(lang: str, sents: list[str], rnd: random.Random, donor: str) -> list[str]:
    i = rnd.randrange(1, len(sents))
    letters = [rnd.choice(donor) if rnd.random() < 0.33 and not c.isspace() else c for c in sents[i]]
    return sents[:i] + ["".join(letters)] + sents[i + 1:]


def punct_ws(text: str, rnd: random.Random) -> str:
    text = text.replace("，", "," if rnd.random() < 0.5 else "， ").replace("、", "，")
    text = text.replace("。", "。\n") if rnd.random() < 0.5 else text.replace("。", "。 ")
    return re.sub(" ", lambda m: "  " if rnd.random() < 0.3 else " ", text)


def build(lang: str, n: int, copied: float, rnd: random.Random) -> tuple[list[tuple[str, str]], dict, dict]:
    arts = articles(lang, n, rnd)
    tickers = [" | ".join(headline(a) for a in rnd.sample(arts, 6)) for _ in range(6)]
    docs, group, kind = [], {}, {}
    for k, art in enumerate(arts):
        aid = f"{lang}{k:04}"
        text = join(lang, art)
        if rnd.random() < 0.15:
            text = rnd.choice(tickers) + "\n" + text
        if rnd.random() < 0.15:
            text = text + "\n\n" + rnd.choice(FOOTERS[lang])
        docs.append((aid, text))
        group[aid] = aid
        if rnd.random() < copied or (k == len(arts) - 1 and not kind):  # one copy at least: none left nothing to score
            for c in range(rnd.choice([1, 1, 2])):
                kinds = rnd.sample(["change", "drop", "ticker", "footer", "punct"], rnd.choice([1, 1, 2]))
                sents = list(art)
                if "change" in kinds:
                    sents = change(lang, sents, rnd, "".join(rnd.choice(arts)[1]))
                if "drop" in kinds:
                    del sents[rnd.randrange(1, len(sents))]
                t = join(lang, sents)
                if "ticker" in kinds:
                    t = rnd.choice(tickers) + "\n" + t
                if "footer" in kinds:
                    t = t + "\n\n" + rnd.choice(FOOTERS[lang])
                if "punct" in kinds:
                    t = punct_ws(t, rnd)
                cid = f"{aid}~copy{c}"
                docs.append((cid, t))
                group[cid], kind[cid] = aid, "+".join(sorted(kinds))
    rnd.shuffle(docs)
    return docs, group, kind


def v1_items(docs: list[tuple[str, str]], signer: Signer) -> list[Item]:
    """The documents signed with v1's words: what spaces and punctuation separate, in every script."""
    items = []
    for i, t in docs:
        normal = normalise(t).encode("utf-8")
        m = signer.minhash_normal(normal)  # bytes: taken as words already, so not split
        items.append(Item(id=i, text=t, signed=(_exact(normal), None if m is None else m.hashvalues.astype("uint32"))))
    return items


def v1_shingles(text: str, n: int) -> set[str]:
    w = normalise(text).split()
    return {" ".join(w[i:i + n]) for i in range(max(len(w) - n + 1, 1))} if w else set()


def main() -> None:
    from bench_clean import at_least, command, dedup_params, publish

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=at_least(6), default=300,
                    help="originals per language (6 at least: the tickers draw 6)")
    ap.add_argument("--copied", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--shingle", type=int, nargs="+", default=[2, 3, 4, 5], help="shingle sizes of the sweep")
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.4, 0.5, 0.6], help="thresholds of the sweep")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if not 0 < args.copied <= 1:
        ap.error(f"--copied must be above 0 and at most 1, got {args.copied:g}")
    sweep_params = {(n, th): dedup_params(ap, shingle_size=n, threshold=th)
                    for n in args.shingle for th in args.threshold}
    params, signer = DedupParams(), Signer()
    rows = []
    sweep: dict[tuple[int, float], dict[str, dict]] = {}
    for lang in LANGS:
        raw, group, kind = build(lang, args.articles, args.copied, random.Random(f"{args.seed}{lang}"))
        docs = clean_texts(raw)
        t = time.process_time()
        for _, text in docs:
            signer.sign(text)
        sign_us = (time.process_time() - t) / len(docs) * 1e6
        for v, texts in (("v1", docs), ("v2", docs), ("v2, not cleaned", raw)):
            sh = v1_shingles if v == "v1" else shingles
            text_of = dict(texts)
            js = sorted(jaccard(sh(text_of[c], params.shingle_size), sh(text_of[group[c]], params.shingle_size)) for c in kind)
            s = score(v1_items(texts, signer) if v == "v1" else texts, group, kind, params)
            chars = statistics.mean(len(text) for _, text in texts)
            rows.append((lang, v, len(texts), len(kind), chars, (js[len(js) // 20], statistics.median(js)), s,
                         sign_us if v == "v2" else None))
            print(lang, v, f"P={fmt(s['precision'], '.4f')} R={s['recall']:.4f} missed={s['missed']}", flush=True)
        for point, sweep_point in sweep_params.items():  # the defaults' neighbours, letters as words, cleaned texts
            sweep.setdefault(point, {})[lang] = score(docs, group, kind, sweep_point)
    options = ("articles", "copied", "seed", "shingle", "threshold")
    lines = [
        f"## Near-duplicates in scripts without spaces (`{command(ap, args, *options)}`)",
        "",
        f"Per language: {args.articles} articles spliced from the sentences of fixtures/scripts/ (a headline and 6-14 "
        "sentences, no two sharing more than three), injected copies of 40 % of them (one or two of: a sentence "
        "changed, a sentence dropped, a ticker line or a footer added, punctuation and whitespace changed), 15 % of "
        "the originals under a ticker or footer shared with others; cleaned by the shipped packs, then "
        "`dedup_batch` with the default parameters (3-word shingles, 128 permutations, threshold 0.5). v1: a word "
        "is what spaces and punctuation separate (a clause in Chinese and Japanese, a phrase in Thai); v2 "
        "(shipped): each letter of these scripts, with its marks, is a word; \"not cleaned\": v2 on the texts as built, "
        "tickers and footers left in. Precision = correct duplicate "
        "verdicts / verdicts; recall = correct / (documents - originals). Jaccard: exact, of each copy's "
        "shingles to its original's (5th percentile / median). Signing: CPU µs per document, v2.",
        "",
        "| language | words | documents | injected copies | chars / doc | copy Jaccard p5 / median | precision | recall | missed by edit | signing µs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for lang, v, nd, nk, chars, (lo, med), s, us in rows:
        missed = ", ".join(f"{k} {m}" for k, m in sorted(s["missed"].items())) or "-"
        lines.append(f"| {lang} | {v} | {nd:,} | {nk:,} | {chars:,.0f} | {lo:.2f} / {med:.2f} | {fmt(s['precision'], '.4f')} | "
                     f"{s['recall']:.4f} | {missed} | {'-' if us is None else f'{us:,.0f}'} |")
    lines += ["", "Shingle size (letters, in these scripts) and threshold, v2 on the cleaned texts (128 permutations; bands x "
              "rows from the threshold), precision / recall:", "",
              "| shingle | threshold | " + " | ".join(LANGS) + " |", "|---:|---:|" + "---:|" * len(LANGS)]
    for (n, threshold), by_lang in sweep.items():
        lines.append(f"| {n} | {threshold:.2f} | " + " | ".join(
            f"{fmt(by_lang[lang]['precision'], '.4f')} / {by_lang[lang]['recall']:.4f}" for lang in LANGS) + " |")
    publish("bench_dedup_scripts", "\n".join(lines), not args.no_write)


if __name__ == "__main__":
    main()
