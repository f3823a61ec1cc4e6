"""`cleaner run` end to end against MinHash dedup peers, on a corpus with injected near-duplicates.

Builds N documents (default 100,000) from ../shared/corpus/masakhanews.jsonl.gz (20,168 articles) with
a fixed seed and writes them, with their ground truth, to bench/.cache/peers-N.jsonl (built again when the
corpus file, its size or time, the seed or --dup-share change):

* originals: the MasakhaNEWS articles (exact-duplicate texts dropped) and, to reach N, *spliced*
  originals: a headline line and 8-20 sentences, each drawn from a different article of one language
  (two spliced documents share a sentence only by chance, so they are not near-duplicates);
* copies (about a quarter of N, 1-3 per chosen original), each with 1-3 of: a sentence changed (words
  swapped for words of another article) or dropped, a ticker line (~10 headlines of other articles
  joined by runs of NBSP) put above the text, a footer added ("Cliquez ici pour lire l'article depuis
  sa source." or "Publié dans <source> le 13 - 12 - 2014"), whitespace and punctuation changed.
  The file is shuffled, so a copy may come before its original.

Every record carries `group` (the id of its original) and `copy_of` (null for an original). Then it runs
each tool on that file in a child process, measuring wall time, the child's peak RSS (`os.wait4`
rusage via /usr/bin/time: the largest single process) and the peak summed RSS of its process tree (sampled from /proc
every 0.2 s):

* `cleaner`: `python -m cleaner run FILE --out TMP` (cleaning, language, gates and dedup, fresh index);
  duplicate verdicts are the `duplicate` and `exact_duplicate` rows of rejects.jsonl with their `dup_of`;
* `cleaner-fasttext`: the same with `--lang-backend fasttext` (no lingua: the memory a worker needs
  without lingua's ~1 GB of models);
* `cleaner-cld2`: the same with `--lang-backend cld2+fasttext` (the default without lingua);
* `cleaner-cld2-1w`: `cleaner-cld2` with `--workers 1`, every stage in one process (no pool): the least memory a run
  takes, at about half the speed;
* `datasketch`: a plain `MinHashLSH` loop (num_perm 128, threshold 0.5, 3-word shingles of the RAW
  text split on whitespace, seed 1; a document with a candidate is a duplicate of the first candidate,
  otherwise it is inserted), in this interpreter;
* `datatrove`: its four MinHash stages (signature, buckets, cluster, filter) with the default
  `MinhashConfig`, local executor, in its own virtualenv bench/.cache/venvs/datatrove;
* `text-dedup`: its MinHash module (num_perm 128, threshold 0.5, 3-gram), in bench/.cache/venvs/text-dedup.

Peers are installed with pip on first use; an install that fails or takes longer than
`--install-timeout` seconds (default 300), or a run that fails, is recorded as "not run: <reason>".

Precision and recall are over duplicate verdicts (documents removed as duplicates). A verdict with a
match is correct when the removed document and its match belong to the same injected group; for a peer
that does not report the match (datatrove, text-dedup) a removed document is correct when it belongs
to an injected group. Either way a removed document counts once, a match to itself is wrong, and at most
size-1 removals per group are correct (either member may be the one kept; a group that lost every copy
has a false positive).
Recall = correct verdicts / sum over groups of (size - 1). MB/s is of the UTF-8 bytes of the texts.

    python bench/bench_dedup_peers.py [--docs 100000] [--peers cleaner,cleaner-fasttext,cleaner-cld2,cleaner-cld2-1w,datasketch,datatrove,text-dedup]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"
VENVS = CACHE / "venvs"
sys.path.insert(0, str(ROOT / "bench"))
from bench_clean import at_least, require, source_key

CORPUS_VERSION = 1  # bump when the corpus recipe changes (the cached file is rebuilt)
ALL_PEERS = ("cleaner", "cleaner-fasttext", "cleaner-cld2", "cleaner-cld2-1w", "datasketch", "datatrove", "text-dedup")
NBSP = "\u00a0"
SOURCES = ("Le Matin", "Jeune Afrique", "Le Soleil", "Fraternité Matin", "L'Observateur", "Sidwaya", "Le Pays")

# ----------------------------------------------------------------------------------------- corpus

_SENT = re.compile(r"(?<=[.!?።])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT.split(text) if len(s.strip()) > 20]


def load_articles(path: Path) -> list[dict]:
    seen, out = set(), []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            text = rec["text"].strip()
            key = " ".join(text.split())
            if not text or key in seen:
                continue
            seen.add(key)
            out.append({"lang": rec["lang"], "text": text})
    return out


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()


def ticker(rng: random.Random, headlines: list[str]) -> str:
    heads = rng.sample(headlines, 10)
    return "".join(h + NBSP * rng.randint(3, 8) for h in heads).rstrip(NBSP)


def mutate(rng: random.Random, text: str, donor: str, headlines: list[str]) -> tuple[str, list[str]]:
    ops = rng.sample(["change", "drop", "ticker", "footer", "space"], rng.randint(1, 3))
    paras = text.split("\n")
    for op in ops:
        if op in ("change", "drop"):
            idx = [i for i, p in enumerate(paras) if len(sentences(p)) > 0 and i > 0] or [0]
            i = rng.choice(idx)
            sents = re.split(r"(?<=[.!?።])\s+", paras[i])
            j = rng.randrange(len(sents))
            if op == "drop" and len(sents) > 1:
                del sents[j]
            elif op == "drop":
                paras[i] = ""
                continue
            else:
                words, dwords = sents[j].split(), donor.split()
                for _ in range(max(1, len(words) // 3)):
                    if words and dwords:
                        words[rng.randrange(len(words))] = rng.choice(dwords)
                sents[j] = " ".join(words)
            paras[i] = " ".join(sents)
        elif op == "ticker":
            paras.insert(0, ticker(rng, headlines))
        elif op == "footer":
            if rng.random() < 0.5:
                paras += ["", "Cliquez ici pour lire l'article depuis sa source."]
            else:
                paras += ["", f"Publié dans {rng.choice(SOURCES)} le 13 - 12 - 2014"]
        elif op == "space":
            out = []
            for p in paras:
                p = p.replace(", ", " , " if rng.random() < 0.5 else ",  ")
                p = p.replace(". ", ".  ") if rng.random() < 0.5 else p.replace(". ", " . ")
                p = p.replace("'", "’").replace('"', "«" if rng.random() < 0.5 else '"')
                out.append(p + (" " * rng.randint(0, 2)))
            paras = out
    return "\n".join(paras), ops


def build_corpus(src: Path, n: int, seed: int, dup_share: float) -> tuple[Path, dict]:
    """The corpus of `n` documents built from `src`, cached in bench/.cache/peers-N.jsonl with its meta: rebuilt when
    the recipe's version, the seed, the share of copies or `src` (its path, size and time) changed (the cache once
    outlived a change of --corpus)."""
    path = CACHE / f"peers-{n}.jsonl"
    meta_path = CACHE / f"peers-{n}.meta.json"
    source = source_key(src).decode()
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if (meta.get("version"), meta.get("seed"), meta.get("dup_share"), meta.get("source")) == (
                CORPUS_VERSION, seed, dup_share, source):
            return path, meta
    rng = random.Random(seed)
    articles = load_articles(src)
    headlines = [h for h in (first_line(a["text"]) for a in articles) if 15 <= len(h) <= 140]
    n_copies = int(n * dup_share)
    n_orig = n - n_copies
    originals: list[dict] = []
    real = articles[:]
    rng.shuffle(real)
    for a in real[:n_orig]:
        originals.append({"lang": a["lang"], "text": a["text"], "kind": "article"})
    spliced = max(0, n_orig - len(originals))
    if spliced:
        pool: dict[str, list[tuple[int, str]]] = defaultdict(list)
        by_lang_heads: dict[str, list[str]] = defaultdict(list)
        for ai, a in enumerate(articles):
            for s in sentences(a["text"])[1:]:
                pool[a["lang"]].append((ai, s))
            h = first_line(a["text"])
            if h:
                by_lang_heads[a["lang"]].append(h)
        langs = [a["lang"] for a in articles]
        for _ in range(spliced):
            lang = rng.choice(langs)
            k = rng.randint(8, 20)
            used, chosen = set(), []
            for _ in range(k * 3):
                ai, s = rng.choice(pool[lang])
                if ai not in used:
                    used.add(ai)
                    chosen.append(s)
                if len(chosen) == k:
                    break
            paras, i = [], 0
            while i < len(chosen):
                step = rng.randint(2, 4)
                paras.append(" ".join(chosen[i:i + step]))
                i += step
            text = rng.choice(by_lang_heads[lang]) + "\n\n" + "\n\n".join(paras)
            originals.append({"lang": lang, "text": text, "kind": "spliced"})
    records = []
    for i, o in enumerate(originals):
        records.append({"id": f"o{i:06d}", "lang": o["lang"], "text": o["text"], "group": f"o{i:06d}",
                        "copy_of": None, "edits": [], "kind": o["kind"]})
    ops_count: Counter = Counter()
    c = 0
    while c < n_copies:
        oi = rng.randrange(len(originals))
        for _ in range(min(rng.randint(1, 3), n_copies - c)):
            donor = originals[rng.randrange(len(originals))]["text"]
            text, ops = mutate(rng, originals[oi]["text"], donor, headlines)
            ops_count.update(ops)
            records.append({"id": f"c{c:06d}", "lang": originals[oi]["lang"], "text": text, "group": f"o{oi:06d}",
                            "copy_of": f"o{oi:06d}", "edits": ops, "kind": "copy"})
            c += 1
    rng.shuffle(records)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)
    meta = {"version": CORPUS_VERSION, "seed": seed, "dup_share": dup_share, "source": source, "docs": len(records),
            "articles": min(n_orig, len(real)), "spliced": spliced, "copies": n_copies,
            "groups_with_copies": len({r["group"] for r in records if r["copy_of"]}),
            "text_mb": sum(len(r["text"].encode("utf-8")) for r in records) / 1e6,
            "file_mb": path.stat().st_size / 1e6, "edits": dict(ops_count)}
    meta_path.write_text(json.dumps(meta, indent=1))
    return path, meta


# ---------------------------------------------------------------------------------- measurement


def _tree_sample(root: int, cpu: dict[int, float]) -> tuple[int, int]:
    """Summed VmRSS and summed PSS (kB) of `root` and its descendants; records each one's CPU seconds so
    far in `cpu`. RSS counts a page shared by several processes (a library's code, say) in each of
    them; PSS (proportional set size, /proc/PID/smaps_rollup) splits it among them, so the PSS sum is
    the memory the tree really takes."""
    children: dict[int, list[int]] = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    st = f.read().rsplit(b")", 1)[1].split()
                children[int(st[1])].append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    total, pss, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                st = f.read().rsplit(b")", 1)[1].split()
            cpu[pid] = (int(st[11]) + int(st[12])) / _TICKS  # utime + stime
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
        except (OSError, IndexError, ValueError):
            pass
    return total, pss


_TICKS = os.sysconf("SC_CLK_TCK")


def run_measured(cmd: list[str], log: Path, timeout: float, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Run `cmd`; wall seconds, CPU seconds of its tree (rusage, or /proc samples), peak RSS of
    its largest process (rusage) and of its whole tree (sampled)."""
    # ru_maxrss of a child forked from this (large) process starts at this process's size, so the tool is
    # started under /usr/bin/time (a small process) and its %M is read back; wait4's figure is the fallback.
    rss_file = log.with_suffix(".maxrss")
    if Path("/usr/bin/time").exists():
        cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd]
    with log.open("w") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env, start_new_session=True)
        peak = [0, 0]
        cpu: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss = _tree_sample(proc.pid, cpu)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
                done.wait(0.2)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, 9))
        timer.start()
        _, status, ru = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        timer.cancel()
        done.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss_kb = ru.ru_maxrss
    try:
        maxrss_kb = int(rss_file.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        pass
    # rusage misses processes nobody waited for (a forkserver's workers); the samples miss a process's last 0.2 s
    tree_cpu = max(ru.ru_utime + ru.ru_stime, sum(cpu.values()))
    return {"rc": proc.returncode, "seconds": seconds, "cpu_seconds": tree_cpu,
            "maxrss_mb": maxrss_kb / 1024, "tree_rss_mb": peak[0] / 1024, "tree_pss_mb": peak[1] / 1024}


def tail(log: Path, n: int = 3) -> str:
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
    return " | ".join(lines[-n:])[-300:]


# ---------------------------------------------------------------------------------------- peers

DATASKETCH_LOOP = r'''
import json, sys
from datasketch import MinHash, MinHashLSH
src, out = sys.argv[1], sys.argv[2]
lsh = MinHashLSH(threshold=0.5, num_perm=128)
with open(src, encoding="utf-8") as f, open(out, "w") as w:
    for line in f:
        r = json.loads(line)
        words = r["text"].split()
        sh = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in sh])
        cand = lsh.query(m)
        if cand:
            w.write(json.dumps({"id": r["id"], "dup_of": sorted(cand)[0]}) + "\n")
        else:
            lsh.insert(r["id"], m)
'''

DATATROVE_PIPELINE = r'''
import sys
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup import MinhashDedupSignature
from datatrove.pipeline.dedup.minhash import (MinhashConfig, MinhashDedupBuckets, MinhashDedupCluster,
                                              MinhashDedupFilter)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers.jsonl import JsonlWriter
def main():
    src_dir, work = sys.argv[1], sys.argv[2]
    cfg = MinhashConfig()
    reader = lambda: JsonlReader(src_dir, glob_pattern="*.jsonl", text_key="text", id_key="id")
    LocalPipelineExecutor(pipeline=[reader(), MinhashDedupSignature(output_folder=f"{work}/sigs", config=cfg)],
                          tasks=1, logging_dir=f"{work}/logs/s1").run()
    LocalPipelineExecutor(pipeline=[MinhashDedupBuckets(input_folder=f"{work}/sigs", output_folder=f"{work}/buckets",
                                                        config=cfg)],
                          tasks=cfg.num_buckets, workers=2, logging_dir=f"{work}/logs/s2").run()
    LocalPipelineExecutor(pipeline=[MinhashDedupCluster(input_folder=f"{work}/buckets", output_folder=f"{work}/remove_ids",
                                                        config=cfg)],
                          tasks=1, logging_dir=f"{work}/logs/s3").run()
    LocalPipelineExecutor(pipeline=[reader(), MinhashDedupFilter(input_folder=f"{work}/remove_ids",
                                                                 exclusion_writer=JsonlWriter(f"{work}/removed")),
                                    JsonlWriter(f"{work}/kept")],
                          tasks=1, logging_dir=f"{work}/logs/s4").run()


if __name__ == "__main__":  # the executor's workers re-import this file
    main()
'''


def ensure_venv(name: str, spec: list[str], module: str, timeout: float) -> tuple[Path | None, str]:
    venv = VENVS / name
    py = venv / "bin" / "python"
    ok = venv / ".installed"
    if ok.exists():
        return py, ""
    if py.exists() and subprocess.run([str(py), "-c", f"import {module}"], capture_output=True).returncode == 0:
        ok.write_text(spec[0])
        return py, ""
    if venv.exists():
        shutil.rmtree(venv)
    VENVS.mkdir(parents=True, exist_ok=True)
    log = VENVS / f"{name}.install.log"
    t0 = time.perf_counter()
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        with log.open("w") as out:
            r = subprocess.run([str(py), "-m", "pip", "install", "-q", *spec], stdout=out, stderr=subprocess.STDOUT,
                               timeout=max(1.0, timeout - (time.perf_counter() - t0)))
    except subprocess.TimeoutExpired:
        return None, f"pip install {' '.join(spec)} took longer than {timeout:.0f} s"
    except (subprocess.CalledProcessError, OSError) as e:
        return None, f"virtualenv failed: {e}"
    if r.returncode:
        return None, f"pip install {' '.join(spec)} failed: {tail(log, 2)}"
    ok.write_text(spec[0])
    return py, ""


def run_cleaner(path: Path, work: Path, timeout: float, *flags: str) -> dict:
    out = work / "cleaner-out"
    shutil.rmtree(out, ignore_errors=True)
    m = run_measured([sys.executable, "-m", "cleaner", "run", str(path), "--out", str(out), "--quiet", *flags],
                     work / "cleaner.log", timeout, cwd=ROOT)
    if m["rc"]:
        return {"error": f"exit {m['rc']}: {tail(work / 'cleaner.log')}"}
    verdicts, other = [], Counter()
    with (out / "rejects.jsonl").open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("reason") in ("duplicate", "exact_duplicate"):
                verdicts.append((r["id"], r.get("dup_of")))
            else:
                other[r.get("reason")] += 1
    return {**m, "verdicts": verdicts, "other_rejects": dict(other)}


def run_datasketch(path: Path, work: Path, timeout: float) -> dict:
    script, out = work / "datasketch_loop.py", work / "datasketch.jsonl"
    script.write_text(DATASKETCH_LOOP)
    m = run_measured([sys.executable, str(script), str(path), str(out)], work / "datasketch.log", timeout)
    if m["rc"]:
        return {"error": f"exit {m['rc']}: {tail(work / 'datasketch.log')}"}
    verdicts = [(r["id"], r["dup_of"]) for r in map(json.loads, out.open(encoding="utf-8"))]
    return {**m, "verdicts": verdicts}


def run_datatrove(path: Path, work: Path, timeout: float, install_timeout: float) -> dict:
    py, why = ensure_venv("datatrove", ["datatrove[processing]", "orjson", "spacy"], "datatrove, orjson, spacy", install_timeout)
    if py is None:
        return {"error": why}
    src_dir = work / "datatrove-in"
    src_dir.mkdir()
    os.symlink(path, src_dir / "input.jsonl")
    script, dt = work / "datatrove_minhash.py", work / "datatrove"
    script.write_text(DATATROVE_PIPELINE)
    m = run_measured([str(py), str(script), str(src_dir), str(dt)], work / "datatrove.log", timeout)
    if m["rc"]:
        return {"error": f"exit {m['rc']}: {tail(work / 'datatrove.log')}"}
    verdicts = []
    for f in sorted((dt / "removed").glob("*")):
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rt", encoding="utf-8") as fh:
            verdicts += [(json.loads(line)["id"], None) for line in fh]
    return {**m, "verdicts": verdicts}


def run_text_dedup(path: Path, work: Path, timeout: float, install_timeout: float) -> dict:
    py, why = ensure_venv("text-dedup", ["text-dedup"], "text_dedup", install_timeout)
    if py is None:
        return {"error": why}
    out = work / "text-dedup-out"
    # text-dedup 0.3/0.4 command line: a `datasets` loader over the JSONL file, MinHash, then save_to_disk.
    cmd = [str(py), "-m", "text_dedup.minhash", "--path", "json", "--data_files", str(path), "--split", "train",
           "--cache_dir", str(work / "hf-cache"), "--output", str(out), "--column", "text",
           "--num_perm", "128", "--threshold", "0.5", "--ngram", "3", "--batch_size", "10000"]
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    m = run_measured(cmd, work / "text-dedup.log", timeout, env=env)
    if m["rc"]:
        return {"error": f"exit {m['rc']}: {tail(work / 'text-dedup.log')}"}
    ids_file = work / "text-dedup-kept.txt"
    read = (f"from datasets import load_from_disk; open({str(ids_file)!r}, 'w').write("
            f"'\\n'.join(load_from_disk({str(out)!r})['id']))")
    r = subprocess.run([str(py), "-c", read], capture_output=True, text=True, env=env)
    if r.returncode:
        return {"error": f"could not read its output: {r.stderr.strip().splitlines()[-1:]}"}
    kept = set(ids_file.read_text().split("\n"))
    ids = [json.loads(line)["id"] for line in path.open(encoding="utf-8")]
    return {**m, "verdicts": [(i, None) for i in ids if i not in kept]}


# ------------------------------------------------------------------------------------- scoring


def score(verdicts: list[tuple[str, str | None]], group: dict[str, str], expected: int, sizes: Counter) -> dict:
    """Precision and recall of duplicate verdicts (removed document, its match or None). A removed document counts
    once; a verdict is correct when the document belongs to an injected group and its match, if it names one, is
    another member of that group; at most size - 1 of a group's removals are correct, the rest are false positives
    (the group lost every copy). Before, a document removed twice counted twice, a match to itself was correct and
    verdicts with a match had no cap: a tool that removed a whole group looked perfect."""
    correct, used, removed = 0, Counter(), set()
    for doc, match in verdicts:
        if doc in removed:
            continue
        removed.add(doc)
        g = group.get(doc)
        ok = (g is not None and used[g] < sizes[g] - 1
              and (match is None or (match != doc and group.get(match) == g)))
        used[g] += ok
        correct += ok
    return {"flagged": len(removed), "correct": correct,
            "precision": correct / len(removed) if removed else float("nan"),
            "recall": correct / expected if expected else float("nan")}


def fmt(x: float | None, spec: str) -> str:
    """`x` formatted, or "–" where there is no figure (None, or NaN: nothing flagged, nothing to find)."""
    return "–" if x is None or x != x else format(x, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=at_least(1), default=100_000)
    parser.add_argument("--peers", default=",".join(ALL_PEERS), help=f"comma-separated, from {','.join(ALL_PEERS)}")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dup-share", type=float, default=0.25, help="share of the N documents that are copies")
    parser.add_argument("--install-timeout", type=float, default=300, help="seconds allowed for one peer's pip install")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for one tool's run")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    bad = [p for p in peers if p not in ALL_PEERS]
    if bad:
        parser.error(f"unknown peer(s) {bad}; choose from {ALL_PEERS}")
    if not 0 <= args.dup_share < 1:
        parser.error(f"--dup-share must be at least 0 and below 1 (some originals), got {args.dup_share:g}")

    require(args.corpus)
    t0 = time.perf_counter()
    path, meta = build_corpus(args.corpus, args.docs, args.seed, args.dup_share)
    print(f"corpus {path} ({time.perf_counter() - t0:.0f} s): {meta['docs']:,} docs, {meta['text_mb']:.1f} MB text, "
          f"{meta['articles']:,} MasakhaNEWS articles + {meta['spliced']:,} spliced originals, "
          f"{meta['copies']:,} injected copies of {meta['groups_with_copies']:,} originals; edits {meta['edits']}",
          flush=True)
    group, sizes = {}, Counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            group[r["id"]] = r["group"]
            sizes[r["group"]] += 1
    expected = sum(s - 1 for s in sizes.values() if s > 1)

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        for peer in peers:
            work = Path(tmp) / peer
            work.mkdir()
            print(f"running {peer} ...", flush=True)
            try:
                if peer == "cleaner":
                    res = run_cleaner(path, work, args.timeout)
                elif peer == "cleaner-fasttext":
                    res = run_cleaner(path, work, args.timeout, "--lang-backend", "fasttext")
                elif peer == "cleaner-cld2":
                    res = run_cleaner(path, work, args.timeout, "--lang-backend", "cld2+fasttext")
                elif peer == "cleaner-cld2-1w":
                    res = run_cleaner(path, work, args.timeout, "--lang-backend", "cld2+fasttext", "--workers", "1")
                elif peer == "datasketch":
                    res = run_datasketch(path, work, args.timeout)
                elif peer == "datatrove":
                    res = run_datatrove(path, work, args.timeout, args.install_timeout)
                else:
                    res = run_text_dedup(path, work, args.timeout, args.install_timeout)
            except Exception as e:
                res = {"error": f"{type(e).__name__}: {e}"}
            if "error" not in res:
                res.update(score(res.pop("verdicts"), group, expected, sizes))
                print(f"  {res['seconds']:.1f} s, {meta['docs'] / res['seconds']:.0f} docs/s, "
                      f"peak RSS {res['maxrss_mb']:.0f} MB (tree {res['tree_rss_mb']:.0f} MB, PSS {res['tree_pss_mb']:.0f} MB), "
                      f"P {res['precision']:.4f} R {res['recall']:.4f}", flush=True)
            else:
                print(f"  not run: {res['error']}", flush=True)
            results[peer] = res

    rows = ["| tool | docs/s | MB/s | peak RSS, largest process (MB) | peak RSS, process tree (MB) | peak PSS, process tree (MB) "
            "| flagged | precision | recall |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    notes = []
    for peer in peers:
        r = results[peer]
        if "error" in r:
            notes.append(f"- `{peer}`: not run: {r['error']}")
            continue
        rows.append(f"| `{peer}` | {meta['docs'] / r['seconds']:,.0f} | {meta['text_mb'] / r['seconds']:.2f} | "
                    f"{r['maxrss_mb']:,.0f} | {r['tree_rss_mb']:,.0f} | {r['tree_pss_mb']:,.0f} | {r['flagged']:,} | "
                    f"{fmt(r['precision'], '.4f')} | {fmt(r['recall'], '.4f')} |")
        if r.get("other_rejects"):
            notes.append(f"- `{peer}` also rejected (not duplicates): {r['other_rejects']}")
    not_selected = [p for p in ALL_PEERS if p not in peers]
    if not_selected:
        notes.append(f"- not selected in this run (`--peers`): {', '.join(not_selected)}")
    table = "\n".join(rows)
    print()
    print(table)
    print("\n".join(notes))

    body = f"""## `cleaner run` against MinHash dedup peers (`python bench/bench_dedup_peers.py --docs {args.docs} --peers {','.join(peers)}`)

Measured: N = {meta['docs']:,} documents ({meta['text_mb']:.1f} MB of text), peers {', '.join(peers)}; {os.cpu_count()} cores.
Corpus (seed {args.seed}): {meta['articles']:,} MasakhaNEWS articles and {meta['spliced']:,} spliced originals (a headline and
8-20 sentences of different articles of one language), plus {meta['copies']:,} injected copies of {meta['groups_with_copies']:,}
originals, each with 1-3 of: a sentence changed or dropped, a ticker line added, a footer added, whitespace and
punctuation changed (edit counts {meta['edits']}). Expected duplicate verdicts: {expected:,}.

{table}

Each tool runs in a child process on the same JSONL file: wall time includes reading it and writing its
output (`cleaner` also cleans and tags language). Peak RSS: the largest single process (rusage, via `/usr/bin/time -f %M`) and
the summed tree sampled every 0.2 s; peak PSS: the tree's summed proportional set size, sampled with it (a page
shared by several processes, such as a library's code, counts once in PSS and once per process in RSS). A verdict is correct when the removed document and its match belong to
the same injected group; for tools that do not report the match (datatrove, text-dedup), when it belongs to
an injected group; a removed document counts once, and at most size - 1 per group are correct. `datasketch` is a plain `MinHashLSH` loop on the raw text
(num_perm 128, threshold 0.5, 3-word shingles, insert when no candidate).

{chr(10).join(notes) if notes else ''}
"""
    if not args.no_write:
        from bench_clean import write_section

        write_section("bench_dedup_peers", body)
        print("\nwrote the bench_dedup_peers section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
