"""The HTTP service under load: requests/s and p50/p99 latency of `/v1/clean` and `/v1/documents`.

For each index size (default 0 and 100,000 documents) and each number of concurrent clients
(default 1, 8, 32), a real `python -m cleaner serve` process on a loopback port gets one document
per request from C client threads (httpx2, keep-alive, one connection each) in a second process;
the clock runs from the first request to the last answer. Both processes share the machine's cores.

- Documents: MasakhaNEWS articles (`../shared/corpus/masakhanews.jsonl.gz`, 16 languages, ~2.5 kB
  each): `--docs` of them spread over the file (every k-th: it is sorted by language) are posted, the others go
  into the pre-filled index.
- Pre-filled index (built once, then copied for every server, so each run starts from the same
  index): the other MasakhaNEWS articles through `Deduplicator.run` (real signatures), topped up
  with random signatures through `DedupIndex.add_many` to the size asked for (a random signature
  shares no band with a real one; it stands for index size: B-tree depth, page cache misses).
  These documents are in the index but not in the service's store, as after a `cleaner run`.
- `/v1/documents` posts each article under a fresh id, so every answer is a real check-and-add
  (kept, or a duplicate of an earlier article); `/v1/clean` posts the same articles.

Prints a table and writes it into bench/RESULTS.md between `<!-- bench_service -->` markers.

    python bench/bench_service.py [--sizes 0 100000] [--clients 1 8 32] [--requests 400] [--docs 2000] [--warmup 100]
    [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def fill_index(path: Path, size: int, real: list[dict]) -> dict:
    """An index of `size` documents: `real` articles first, random signatures for the rest."""
    import numpy as np

    from cleaner.config import Config
    from cleaner.dedup import Deduplicator, DedupParams, Item
    from cleaner.dedup.signature import band_keys_matrix

    config = Config.load()
    params = DedupParams(num_perm=config.num_perm, threshold=config.dedup_threshold, shingle_size=config.shingle_size)
    t = time.perf_counter()
    with Deduplicator(path, params) as dedup:
        real = real[:size]
        if real:
            dedup.run(Item(id=f"fill-{d['id']}", text=d["text"]) for d in real)
        rng = np.random.default_rng(1)
        index = dedup.index
        for start in range(len(index), size, 10_000):
            n = min(10_000, size - start)
            sigs = rng.integers(0, 2**32, size=(n, params.num_perm), dtype=np.uint32)
            keys = band_keys_matrix(sigs, params.bands, params.rows)
            exact = rng.integers(-2**63, 2**63 - 1, size=n)
            index.add_many((f"synthetic-{start + i}", 2500, None, int(exact[i]), sigs[i], keys[i].tolist()) for i in range(n))
        total = len(index)
    return {"documents": total, "real": len(real), "seconds": time.perf_counter() - t}


class Server:
    def __init__(self, index: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("CLEANER_API_KEY", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "cleaner", "serve", "--port", str(self.port), "--index", str(index),
                                      "--log-level", "warning"], cwd=ROOT, env=env)
        import httpx2

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx2.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx2.TransportError:
                time.sleep(0.2)
        raise RuntimeError("server not ready")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(60)


def load(url: str, path: str, docs: list[dict], clients: int, requests: int, tag: str) -> dict:
    """`requests` single-document posts from `clients` threads; latencies in ms."""
    import httpx2

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(requests))
    barrier = threading.Barrier(clients)

    def worker() -> None:
        nonlocal errors
        with httpx2.Client(base_url=url, timeout=300) as c:
            c.get("/healthz")  # open the connection before the clock starts
            barrier.wait()
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                d = docs[n % len(docs)]
                body = {"id": f"{tag}-{n}", "text": d["text"], "url": d["url"]}
                t = time.perf_counter()
                r = c.post(path, json=body)
                ms = 1000 * (time.perf_counter() - t)
                with lock:
                    latencies.append(ms)
                    errors += r.status_code != 200

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for f in [pool.submit(worker) for _ in range(clients)]:
            f.result()
    wall = time.perf_counter() - t
    latencies.sort()
    return {"rps": requests / wall, "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))], "errors": errors, "n": requests}


def main() -> None:
    from bench_clean import at_least, command, corpus_lines, spread, write_section

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=at_least(0), nargs="+", default=[0, 100_000])
    ap.add_argument("--clients", type=at_least(1), nargs="+", default=[1, 8, 32])
    ap.add_argument("--requests", type=at_least(1), default=400,
                    help="requests per endpoint and run (at least 4 per client)")
    ap.add_argument("--docs", type=at_least(1), default=2000, help="articles held out of the index and posted")
    ap.add_argument("--warmup", type=at_least(0), default=100,
                    help="untimed /v1/clean requests after each server start (0: none)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    corpus = [json.loads(line) for line in corpus_lines(args.corpus)]
    posted = spread(corpus, args.docs)  # every k-th: the file is sorted by language, its last 2,000 are Yoruba
    held, languages = {d["id"] for d in posted}, len({d["lang"] for d in posted})
    rest = [d for d in corpus if d["id"] not in held]
    rows = []
    fills = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            base = Path(tmp) / f"base-{size}.sqlite"
            fill = fill_index(base, size, rest)
            fills.append(fill)
            print(f"index {size:,}: {fill['documents']:,} documents ({fill['real']:,} real) in {fill['seconds']:.1f} s", flush=True)
            for clients in args.clients:
                run_index = Path(tmp) / "run.sqlite"
                for f in Path(tmp).glob("run.sqlite*"):
                    f.unlink()
                shutil.copy(base, run_index)
                server = Server(run_index)
                try:
                    if args.warmup:
                        load(server.url, "/v1/clean", posted, 1, args.warmup, "warm")  # lazily loaded language models
                    n = max(args.requests, 4 * clients)
                    for path in ("/v1/clean", "/v1/documents"):
                        res = load(server.url, path, posted, clients, n, f"c{clients}")
                        rows.append({"size": fill["documents"], "clients": clients, "path": path, **res})
                        print(f"  {path:<14} index {fill['documents']:>7,}  clients {clients:>2}: {res['rps']:6.1f} req/s, "
                              f"p50 {res['p50']:7.1f} ms, p99 {res['p99']:7.1f} ms, errors {res['errors']}", flush=True)
                finally:
                    server.stop()

    fill_note = "; ".join(
        f"{f['documents']:,} documents ({f['real']:,} MasakhaNEWS articles, the rest random signatures) "
        f"filled in {f['seconds']:.1f} s" for f in fills if f["documents"])
    intro = (
        "One `cleaner serve` process (one uvicorn worker) on loopback, clients in a second process on the same "
        f"2-core machine; one MasakhaNEWS article per request ({len(posted):,} articles in {languages} languages, "
        f"~2.5 kB each, every k-th of the file), {args.requests} requests "
        f"per row (at least 4 per client), after {args.warmup} untimed warm-up requests per server. `/v1/clean` "
        "cleans and tags; `/v1/documents` also gates, deduplicates against the index and stores the kept article "
        f"(each article under a fresh id). Index: {fill_note or 'empty'}.")
    body = [
        f"## HTTP service (`{command(ap, args, 'sizes', 'clients', 'requests', 'docs', 'warmup', 'corpus')}`)",
        "",
        intro,
        "",
        "| endpoint | index documents | clients | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    body += [f"| `{r['path']}` | {r['size']:,} | {r['clients']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} "
             f"| {r['errors']} |" for r in rows]
    text = "\n".join(body)
    print("\n" + text)
    if not args.no_write:
        write_section("bench_service", text)


if __name__ == "__main__":
    main()
