"""Cleaning throughput of the rule engine alone, on one core.

Reads N documents (default 10,000, every k-th: the file is sorted by language) of
../shared/corpus/masakhanews.jsonl.gz into memory, then times `Cleaner.clean` over them in this one process (no
I/O, no pool): MB/s of raw UTF-8 text and docs/s, with the number of rules loaded. Also times the 743 real French
pages of ../shared/dev/fr-pages.jsonl.gz as trafilatura extracts them (noisy text; the extraction is cached in
bench/.cache/). Prints the figures and writes them into bench/RESULTS.md between its markers.

    python bench/bench_clean.py [--docs 10000] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import platform
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from cleaner import Cleaner, Document
from cleaner.dedup import DedupParams

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
TARGET_MB_S = 10.0


ISO1 = {"eng": "en", "fra": "fr"}


def corpus_lines(path: Path) -> list[str]:
    """The lines of the gzipped JSONL file at `path`, or the bench ended with one line naming it (a plain JSONL
    ended in gzip's traceback)."""
    require(path)
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return fh.readlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path} as gzipped JSONL: {exc}")


def stride(total: int, n: int) -> int:
    """The k of `spread`: every k-th of `total` items gives n of them, or all when there are fewer."""
    return max(1, total // n)


def spread(items: list, n: int) -> list:
    """n of `items`, every k-th (`stride`): MasakhaNEWS is sorted by language, so its first n articles held a few
    languages (the first 10,000 nine, the first 200 Amharic alone) and its last 2,000 Yoruba alone."""
    return items[:: stride(len(items), n)][:n]


def load_corpus(path: Path, n: int, with_lang: bool = False) -> list[Document]:
    """n articles spread over the file (`spread`); with `with_lang`, each carries its language (ISO 639-1 where
    there is one)."""
    docs = []
    for record in map(json.loads, spread(corpus_lines(path), n)):
        lang = ISO1.get(record["lang"], record["lang"]) if with_lang else None
        docs.append(Document(id=record["id"], text=record["text"], lang=lang))
    return docs


def fr_pages_docs(path: Path) -> list[Document]:
    """trafilatura's text of each French page (non-empty ones), cached after the first run (`cache_path`)."""
    import trafilatura

    cache = cache_path("fr-pages-trafilatura.jsonl.gz", trafilatura.__version__.encode(), source_key(path))
    if not cache.exists():
        rows = []
        with gzip.open(path, "rt", encoding="utf-8") as src:
            for line in src:
                record = json.loads(line)
                text = trafilatura.extract(record["html"]) if record["html"].strip() else None
                rows.append(json.dumps({"id": record["id"], "text": text or ""}, ensure_ascii=False) + "\n")
        if not any(json.loads(row)["text"].strip() for row in rows):
            fail(f"no page of {path} has text trafilatura extracts")
        store(cache, "".join(rows))
    with gzip.open(cache, "rt", encoding="utf-8") as fh:
        return [Document(id=r["id"], text=r["text"]) for r in map(json.loads, fh) if r["text"].strip()]


def require(*paths: Path) -> None:
    """End the bench with one line naming the first of `paths` it cannot read (the shared data missing: it ended in
    a traceback from gzip, or in a table of zeros where the reader made the file a reject)."""
    for path in paths:
        try:
            path.open("rb").close()
        except OSError as exc:
            fail(f"cannot read {path}: {exc.strerror or exc}")


def at_least(low: int) -> Callable[[str], int]:
    """An argparse type: an integer no smaller than `low` (0 runs or -5 documents crashed far from the option, or
    ran on something else)."""
    def integer(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value
    return integer


def dedup_params(parser: argparse.ArgumentParser, **values) -> DedupParams:
    """`DedupParams(**values)`, or the bench ended by `parser` with the reason: an impossible num_perm or threshold
    ended in a traceback, in bench_dedup_params after the corpus was built."""
    try:
        return DedupParams(**values)
    except ValueError as exc:
        parser.error(str(exc))


def command(parser: argparse.ArgumentParser, args: argparse.Namespace, *names: str) -> str:
    """The command line of this run for a table's heading: the script and each option of `names` (those that shape
    the table) not at its default (headings said the bare command over a table other options had made)."""
    parts = [f"python bench/{parser.prog}"]
    for name in names:
        value = getattr(args, name)
        if value == parser.get_default(name):
            continue
        option = f"--{name.replace('_', '-')}"
        if isinstance(value, bool):
            parts.append(option)
        else:
            values = value if isinstance(value, list) else [value]
            shown = (f"{v:g}" if isinstance(v, float) else shlex.quote(str(v)) for v in values)
            parts.append(" ".join([option, *shown]))
    return " ".join(parts)


def fail(message: str) -> NoReturn:
    """End the bench with one line, the script's name first, and no traceback."""
    raise SystemExit(f"{Path(sys.argv[0]).stem}: {message}")


def source_key(path: Path) -> bytes:
    """What a cache made from the file at `path` depends on: its path, size and modification time (a cache keyed on
    the path alone was read again after the file changed, or came back after it had been missing)."""
    require(path)
    stat = path.stat()
    return f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()


def cache_path(name: str, *parts: bytes) -> Path:
    """bench/.cache/`name` with a digest of `parts` before its suffix: a change to any of them makes another file."""
    digest = hashlib.sha256(b"\0".join(parts)).hexdigest()[:12]
    stem, _, suffix = name.partition(".")
    return ROOT / "bench" / ".cache" / f"{stem}-{digest}.{suffix}"


def store(cache: Path, text: str) -> None:
    """Write `text` to `cache` whole or not at all (gzipped when its name says so): a run stopped halfway left a
    cut file that later runs took for the extraction."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp")
    data = text.encode("utf-8")
    tmp.write_bytes(gzip.compress(data) if cache.suffix == ".gz" else data)
    tmp.replace(cache)


def extraction_cache(name: str, pages: Path) -> Path:
    """Where a bench keeps what it extracted from the pages at `pages` (`cache_path` of the extraction's code,
    trafilatura's version and `source_key(pages)`): a change to any of them extracts again (a cache made in session
    22 outlived every change to the HTML path until session 42)."""
    import trafilatura

    import cleaner.html
    import cleaner.io.decoding

    code = b"".join(Path(m.__file__).read_bytes() for m in (cleaner.html, cleaner.io.decoding))
    return cache_path(name, code, trafilatura.__version__.encode(), source_key(pages))


def measure(cleaner: Cleaner, docs: list[Document]) -> dict:
    for doc in docs[:200]:  # warm caches (compiled patterns, cached properties)
        cleaner.clean(doc)
    mb = sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
    start = time.perf_counter()
    removed = 0
    for doc in docs:
        out = cleaner.clean(doc)
        removed += len(doc.text) - len(out.text)
    seconds = time.perf_counter() - start
    return {"docs": len(docs), "mb": mb, "seconds": seconds, "mb_s": mb / seconds, "docs_s": len(docs) / seconds,
            "removed_share": removed / max(1, sum(len(d.text) for d in docs))}


def write_section(name: str, body: str) -> None:
    """Replace this benchmark's section of bench/RESULTS.md (other sections stay)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def publish(name: str, body: str, write: bool) -> None:
    """Print a benchmark's section and, when `write`, put it into bench/RESULTS.md (`--no-write` leaves it)."""
    print(body)
    if write:
        write_section(name, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=at_least(1), default=10_000, help="articles, spread over the corpus")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "dev" / "fr-pages.jsonl.gz")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    require(args.corpus, args.pages)

    cleaner = Cleaner()
    rules = len(cleaner.rules.rules)
    articles = load_corpus(args.corpus, args.docs, with_lang=True)
    corpus = measure(cleaner, load_corpus(args.corpus, args.docs))
    known = measure(cleaner, articles)
    pages = measure(cleaner, fr_pages_docs(args.pages))
    languages = len({d.lang for d in articles})
    rows = [
        (f"masakhanews ({languages} languages, clean articles), language unknown: every pack runs", corpus),
        ("masakhanews, language given (`lang` field): packs scoped to other languages skip", known),
        ("fr-pages, trafilatura text (noisy French pages), language unknown", pages),
    ]
    lines = [
        f"## Cleaning throughput, rule engine alone, one core (`{command(parser, args, 'docs', 'corpus', 'pages')}`)",
        "",
        f"{rules} rules loaded; {platform.python_implementation()} {platform.python_version()} on {platform.machine()}; "
        f"target {TARGET_MB_S:g} MB/s per core.",
        "",
        "| input | docs | MB | seconds | MB/s | docs/s | chars removed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        lines.append(f"| {name} | {r['docs']:,} | {r['mb']:.1f} | {r['seconds']:.2f} | {r['mb_s']:.1f} | {r['docs_s']:,.0f} | {r['removed_share']:.1%} |")
    body = "\n".join(lines)
    publish("bench_clean", body, write=not args.no_write)


if __name__ == "__main__":
    main()
