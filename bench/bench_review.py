"""The review page at 10,000 documents: time to first paint and to open a document, in Chromium.

Builds the input from MasakhaNEWS (`../shared/corpus/masakhanews.jsonl.gz`, a seeded sample over its
16 languages) with the noise a crawl carries, taken from the seeds: seed 000's headline ticker on
every third article, seed 000's image-report banner under every seventh, and a copy of every 40th
article under seed 004's ticker (a duplicate once the ticker is gone). Then `cleaner run` and
`cleaner review` as a user runs them, and Debian's Chromium (through playwright) opens the page:

- first paint: the browser's first-contentful-paint; list ready: the first rows drawn (the page marks it);
- open a document: a click on a row to the next frame after the document view is drawn, the first
  time (which parses its chunk of embedded texts) and the median of 20 more;
- filter by rule and text search: from the change to the next frame.

Prints a table and writes it into bench/RESULTS.md between `<!-- bench_review -->` markers.

    python bench/bench_review.py [--docs 10000] [--corpus PATH] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

AFTER_FRAME = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))"
"""Resolves once the next frame has been rendered: what the user sees."""


def build_input(corpus: Path, n: int, path: Path) -> None:
    """`n` records: MasakhaNEWS articles (of `corpus`) with seed noise on some, and planted copies."""
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        articles = [json.loads(line) for line in fh]
    random.Random(0).shuffle(articles)
    seed_000, seed_004 = SEEDS[0].read_text(encoding="utf-8"), SEEDS[4].read_text(encoding="utf-8")
    ticker_000, ticker_004 = seed_000.split("\n", 1)[0], seed_004.split("\n", 1)[0]
    banner = "Merci d'avoir signalé!\nCette image sera automatiquement bloquée après qu'elle soit signalée par plusieurs personnes."
    rows = []
    for i, art in enumerate(articles):
        if len(rows) >= n:
            break
        text = art["text"]
        if i % 3 == 0:
            text = ticker_000 + "\n" + text
        if i % 7 == 0:
            text += "\n\n" + banner
        rows.append({"id": art["id"], "text": text, "url": art.get("url")})
        if i % 40 == 0 and len(rows) < n:
            rows.append({"id": art["id"] + "-copy", "text": ticker_004 + "\n" + art["text"], "url": art.get("url")})
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")


def cli(*args: str) -> float:
    """Run `python -m cleaner ARGS`; returns the seconds it took."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cleaner", *args], check=True, cwd=ROOT)
    return time.perf_counter() - start


def measure(page_path: Path) -> dict[str, float]:
    """Milliseconds of each step in Chromium (fresh browser, cold page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(page_path.as_uri(), wait_until="load")
        page.wait_for_function("performance.getEntriesByName('list-ready').length > 0")
        out = page.evaluate("""() => ({
            fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
            list: performance.getEntriesByName('list-ready')[0].startTime,
            load: performance.getEntriesByType('navigation')[0].loadEventEnd,
            rows: document.querySelectorAll('#spacer .row').length,
        })""")
        step = f"""async (action) => {{ const t = performance.now(); eval(action); await ({AFTER_FRAME})(); return performance.now() - t; }}"""
        out["open_first"] = page.evaluate(step, "document.querySelector('#spacer .row:nth-child(3)').click()")
        rng = random.Random(1)
        n = page.evaluate("review.byId.size")
        opens = [page.evaluate(step, f"review.openDoc({rng.randrange(n)})") for _ in range(20)]
        out["open_median"], out["open_max"] = statistics.median(opens), max(opens)
        rule = page.evaluate("[...document.querySelectorAll('#f-rule option')].find(o => o.textContent.startsWith('maghress.report-banner')).value")
        out["filter_rule"] = page.evaluate(step, f"(s => {{ s.value = '{rule}'; s.dispatchEvent(new Event('change')); }})(document.querySelector('#f-rule'))")
        out["filtered_rows"] = page.evaluate("document.querySelector('#count').textContent")
        out["search"] = page.evaluate(step, "(q => { q.value = 'ministre'; applyFilters(); })(document.querySelector('#q'))")
        out["scroll_end"] = page.evaluate(step, "(l => { l.scrollTop = l.scrollHeight; l.dispatchEvent(new Event('scroll')); })(document.querySelector('#list'))")
        out["dom_nodes"] = page.evaluate("document.getElementsByTagName('*').length")
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--keep", type=Path, help="build the run and page in DIR and keep them")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    from bench_clean import require, write_section

    require(args.corpus)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-review-"))
    work.mkdir(parents=True, exist_ok=True)
    build_input(args.corpus, args.docs, work / "in.jsonl")
    run_s = cli("run", str(work / "in.jsonl"), "--out", str(work / "run"), "--quiet")
    review_s = cli("review", str(work / "run"), "--out", str(work / "review.html"))
    kept = sum(1 for _ in (work / "run" / "corpus.jsonl").open(encoding="utf-8"))
    clusters = sum(1 for _ in (work / "run" / "clusters.jsonl").open(encoding="utf-8"))
    size = (work / "review.html").stat().st_size
    runs = [measure(work / "review.html") for _ in range(3)]
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], (int, float))}
    lines = [
        "## Review page at scale (`python bench/bench_review.py`)",
        "",
        (f"{args.docs:,} input documents (MasakhaNEWS, 16 languages, with seed noise: a ticker on 1 in 3, a banner on 1 in 7,"
        f" a copy under another ticker of 1 in 40): {kept:,} kept, {clusters:,} duplicate clusters. `cleaner run` {run_s:.0f} s;"
        f" `cleaner review` {review_s:.1f} s (process start and rule loading included), page {size / 1e6:.1f} MB"
        " (the code and a light index first, then the texts in chunks of 256 parsed on demand)."
        f" Chromium {runs[0].get('rows', 0)} list rows in the DOM, {int(med['dom_nodes']):,} elements in all after the steps below."
        " Median of 3 cold loads, milliseconds:"),
        "",
        "| step | ms |",
        "|---|---:|",
        f"| first contentful paint | {med['fcp']:.0f} |",
        f"| list ready (first rows drawn) | {med['list']:.0f} |",
        f"| load event end | {med['load']:.0f} |",
        f"| open a document, first time (parses its chunk of 256 texts) | {med['open_first']:.0f} |",
        f"| open a document, median of 20 more (max) | {med['open_median']:.0f} ({med['open_max']:.0f}) |",
        f"| filter by rule (`maghress.report-banner`, {runs[0]['filtered_rows']}) | {med['filter_rule']:.0f} |",
        f"| text search over every raw text (first search) | {med['search']:.0f} |",
        f"| scroll to the end of the list | {med['scroll_end']:.0f} |",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.keep:
        shutil.rmtree(work)
    if not args.no_write:
        write_section("bench_review", body)


if __name__ == "__main__":
    main()
