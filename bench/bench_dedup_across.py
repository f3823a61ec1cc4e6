"""Pairs near the threshold, within one run and across runs: where the exact check applies, and where it cannot.

Within one run (one `dedup_batch`), a near-threshold pair is checked against the exact Jaccard of the two texts'
shingle sets (`cluster.sure_above`); a document an earlier run kept has no text in the index, so across runs the
estimate from the two signatures decides. For each target Jaccard this builds `--pairs` pairs of made-up texts
(`--words` words of random syllables in 12-word sentences; the second text of a pair keeps the first's opening words
and has new ones after, as many as bring its true Jaccard closest to the target), then counts the pairs called
duplicates (a) with both texts in one batch and (b) with the first texts in an index first, then the second ones
against it, as two `cleaner run`s sharing an `--index` decide (the default dedup parameters).

    python bench/bench_dedup_across.py [--pairs 40] [--words 200] [--seed 7] [--targets 0.4 0.45 0.48 0.5 0.52 0.55 0.6]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_clean import at_least, command, publish

from cleaner.dedup import DedupIndex, dedup_batch, jaccard, shingles

SYLLABLES = ("ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "be", "da", "fu", "gi", "ho", "ju", "ze", "wa", "ye", "xo")


def made_up(rnd: random.Random, n: int) -> list[str]:
    """`n` words of 2-4 random syllables."""
    return ["".join(rnd.choice(SYLLABLES) for _ in range(rnd.randint(2, 4))) for _ in range(n)]


def sentences(words: list[str]) -> str:
    """The words as 12-word sentences, capitalised, each with its full stop."""
    return " ".join(" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12))


def pair(rnd: random.Random, n: int, target: float) -> tuple[str, str, float]:
    """Two texts of `n` words whose true Jaccard is the closest to `target` of those the second's kept opening gives,
    and that Jaccard."""
    base = made_up(rnd, n)
    first = shingles(sentences(base))
    best: tuple[float, str] | None = None
    for kept in range(n):
        other = sentences(base[:kept] + made_up(rnd, n - kept))
        j = jaccard(first, shingles(other))
        if best is None or abs(j - target) < abs(best[0] - target):
            best = (j, other)
        if j > target + 0.02:
            break
    return sentences(base), best[1], best[0]


def duplicates(firsts: list[tuple[str, str]], seconds: list[tuple[str, str]], across: bool) -> set[str]:
    """The ids of the pairs (`p<k>`) of which a document is called a duplicate: in one batch, or `seconds` against an
    index holding `firsts`."""
    with DedupIndex(":memory:") as index:
        if across:
            dedup_batch(firsts, index)
            result = dedup_batch(seconds, index)
        else:
            result = dedup_batch(firsts + seconds, index)
    return {d.id[:-1] for d in result.decisions if d.status == "duplicate"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=at_least(1), default=40, help="pairs per target")
    ap.add_argument("--words", type=at_least(20), default=200, help="words a text")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--targets", type=float, nargs="+", default=[0.4, 0.45, 0.48, 0.5, 0.52, 0.55, 0.6])
    ap.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    shown = command(ap, args, "pairs", "words", "seed", "targets")
    lines = [f"## Near-threshold pairs within one run and across runs (`{shown}`)", "",
             f"{args.pairs} pairs a target, {args.words} words a text; default dedup parameters (threshold 0.5).", "",
             "| target | true Jaccard | duplicates within one run | duplicates across runs |", "|---|---|---|---|"]
    for target in args.targets:
        made = {f"p{k}": pair(rnd, args.words, target) for k in range(args.pairs)}
        firsts = [(f"{k}a", a) for k, (a, _, _) in made.items()]
        seconds = [(f"{k}b", b) for k, (_, b, _) in made.items()]
        true = sorted(j for _, _, j in made.values())
        within, across = (len(duplicates(firsts, seconds, way)) for way in (False, True))
        lines.append(f"| {target:g} | {true[0]:.3f}-{true[-1]:.3f} | {within}/{args.pairs} | {across}/{args.pairs} |")
    publish("bench_dedup_across", "\n".join(lines), not args.no_write)


if __name__ == "__main__":
    main()
