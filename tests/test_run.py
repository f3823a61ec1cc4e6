"""`cleaner run` at scale: workers, resuming after a real SIGKILL, output formats, shards and the manifest.

A test of what a run writes and says calls the command in this process (`in_process`); one of processes (signals,
kills, workers, stdin, the umask) or of a Dask run's LocalCluster starts a real one (`run_cli`)."""

from __future__ import annotations

import gzip
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pyarrow.parquet as pq
import pytest
import zstandard
from conftest import ROOT, SEEDS, footer_articles, masakhanews, run_cli
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import Config, runner
from cleaner.dedup.cluster import Deduplicator, dedup_batch
from cleaner.dedup.signature import DedupParams
from cleaner.io.writers import dumps
from cleaner.models import Cleaned, Document, Edit, Rejected
from cleaner.progress import RunProgress
from cleaner.runner import STATE, Runner, RunOptions
from cleaner.runstate import RunState, pack, record_line
from cleaner.workers import prepare_many

pytestmark = pytest.mark.slow
OUTPUTS = ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl", "report.json", "manifest.json")


@pytest.fixture(scope="module")
def news(tmp_path_factory) -> Path:
    """600 MasakhaNEWS articles (fr, en, ha) with planted copies and a broken line: enough to start workers."""
    rows = masakhanews(("fra", "eng", "hau"), 190)
    for k, record in enumerate(rows[:30]):
        rows.append({**record, "id": f"copy-{k}", "text": record["text"].replace(".", " .", 3) + "\nPartager sur Facebook"})
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(100, "{broken")
    random.Random(7).shuffle(lines)
    path = tmp_path_factory.mktemp("news") / "news.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _uninterrupted(src: Path, folder: Path) -> Path:
    """The output folder of an uninterrupted run over `src` with two workers."""
    proc = run_cli("run", str(src), "--out", str(folder / "out"), "--workers", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    return folder / "out"


@pytest.fixture(scope="module")
def reference(news, tmp_path_factory) -> Path:
    """An uninterrupted run over `news` with two workers."""
    return _uninterrupted(news, tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="module")
def long_news(news, tmp_path_factory) -> Path:
    """`news` and 1,800 more articles (sw, yo, ig, pcm): seconds of work after the first records are
    stored, so that a signal sent then finds the run still preparing (with `news` alone, a run could
    end in the moment between the two; with 1,200 more it did once in the full suite after CLD2 made
    tagging these languages faster)."""
    more = [json.dumps(r, ensure_ascii=False) for r in masakhanews(("swa", "yor", "ibo", "pcm"), 450)]
    path = tmp_path_factory.mktemp("long_news") / "long_news.jsonl"
    path.write_text(news.read_text(encoding="utf-8") + "\n".join(more) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def long_reference(long_news, tmp_path_factory) -> Path:
    """An uninterrupted run over `long_news`, made in this process on one worker: the bytes any worker count gives
    (`test_worker_count_does_not_change_a_byte`), without starting a run, its workers and its lingua server."""
    out = tmp_path_factory.mktemp("long_reference") / "out"
    Runner(Config.load(), [str(long_news)], out, RunOptions(workers=1, progress="quiet")).run()
    return out


def _bytes(out: Path, names=OUTPUTS) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in names}


def test_every_record_once_and_a_manifest(news, reference):
    corpus = [json.loads(x) for x in (reference / "corpus.jsonl").read_text().splitlines()]
    rejects = [json.loads(x) for x in (reference / "rejects.jsonl").read_text().splitlines()]
    assert len(corpus) + len(rejects) == len(news.read_text().splitlines())
    assert {r["reason"] for r in rejects} >= {"bad_input", "duplicate"}
    kept_ids = {r["id"] for r in corpus}
    copies = {r["id"]: r["dup_of"] for r in rejects if r["reason"] in ("duplicate", "exact_duplicate")}
    assert len(copies) >= 25 and all(original in kept_ids for original in copies.values())
    manifest = json.loads((reference / "manifest.json").read_text())
    assert manifest["counts"] == {"read": len(corpus) + len(rejects), "kept": len(corpus), "rejected": len(rejects)}
    assert [i["path"] for i in manifest["inputs"]] == [str(news)]
    files = {o["file"]: o for o in manifest["outputs"]}
    assert files["corpus.jsonl"]["records"] == len(corpus)
    import hashlib

    for name, entry in files.items():
        assert hashlib.sha256((reference / name).read_bytes()).hexdigest() == entry["sha256"]
    assert not (reference / STATE).exists()


def test_worker_count_does_not_change_a_byte(news, reference, tmp_path, in_process):
    out = tmp_path / "one"
    assert in_process("run", str(news), "--out", str(out), "--workers", "1", "-q").returncode == 0
    assert _bytes(out) == _bytes(reference)


def test_a_lingua_server_loaded_at_once_and_outputs_written_on_a_pool_do_not_change_a_byte(news, reference, tmp_path,
                                                                                             monkeypatch):
    """From `WARM_LINGUA_AT` input records the pool's lingua server loads lingua as the run starts, and from
    `WRITE_POOL_AT` records a run with workers writes each output in a process of its own: one run does both, as a
    run of 20,000 records or more does."""
    monkeypatch.setattr(runner, "WARM_LINGUA_AT", 1)
    monkeypatch.setattr(runner, "WRITE_POOL_AT", 1)
    out = tmp_path / "warm-pool"
    summary = Runner(Config.load(), [str(news)], out, RunOptions(workers=2, progress="quiet")).run()
    assert _bytes(out) == _bytes(reference)
    assert summary.report == json.loads((reference / "report.json").read_text())


def test_killed_while_a_pool_writes_the_outputs(news, reference, tmp_path, in_process):
    """A SIGKILL after the verdicts, while the write pool works: no worker is left, and the rerun
    ends with the same bytes."""
    out = tmp_path / "killed-writing"
    script = ("import sys; from cleaner import runner; runner.WRITE_POOL_AT = 1; from cleaner.cli import main; "
              "sys.exit(main(sys.argv[1:]))")
    cmd = [sys.executable, "-c", script, "run", str(news), "--out", str(out), "--workers", "2", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    state, deadline = out / STATE / "state.sqlite", time.monotonic() + 120
    while _stage(state) not in ("decided", "indexed") or len(children := _descendants(proc.pid)) < 2:
        assert proc.poll() is None and time.monotonic() < deadline, "the run never got to its write pool"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _assert_gone(children)
    assert not (out / "manifest.json").exists()
    rerun = in_process("run", str(news), "--out", str(out), "--workers", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming:" in rerun.stderr
    assert _bytes(out) == _bytes(reference)


def _stage(state: Path) -> str | None:
    """The stage a run's state file is at (None while it cannot be read)."""
    import sqlite3

    try:
        with sqlite3.connect(f"{state.as_uri()}?mode=ro", uri=True, timeout=0.1) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'stage'").fetchone()
    except sqlite3.Error:
        return None
    return row and row[0]


def test_killed_runs_resume_to_the_same_bytes(news, reference, tmp_path):
    """SIGKILL the run again and again at random moments; the run that finally completes matches."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "cleaner", "run", str(news), "--out", str(out), "--workers", "2"]
    rng = random.Random(11)
    kills = 0
    logs = ""
    for attempt in range(6):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            if attempt == 0:  # the first kill lands in the middle of the prepare stage, for sure
                _wait_for_stored_records(out / STATE / "state.sqlite", proc)
                raise subprocess.TimeoutExpired(cmd, 0)
            proc.wait(timeout=rng.uniform(0.5, 6.0) if attempt < 5 else 300)
            logs += proc.stderr.read()
            break
        except subprocess.TimeoutExpired:
            children = _descendants(proc.pid)
            proc.send_signal(signal.SIGKILL)  # the main process only, as `kill -9 PID` would
            proc.wait()
            kills += 1
            _assert_gone(children)
    assert proc.returncode == 0, logs
    assert "resuming:" in logs or (out / "manifest.json").exists()
    assert _bytes(out) == _bytes(reference)
    time.sleep(0.5)
    orphans = subprocess.run(["pgrep", "-f", f"--out {out}"], capture_output=True, text=True).stdout.split()
    assert not [p for p in orphans if int(p) != os.getpid()]


@pytest.mark.parametrize(("how", "code", "says"), [
    ("SIGINT to the group", 130, "interrupted"),  # Ctrl-C in a terminal
    ("SIGTERM to the run", 143, "interrupted by SIGTERM"),  # kill, timeout: the process was killed on the spot,
    ("SIGTERM to the group", 143, "interrupted by SIGTERM"),  # with no word and a leaked-semaphore warning
])
def test_ctrl_c_or_sigterm_is_one_line_and_the_run_goes_on_from_there(long_news, long_reference, tmp_path, in_process,
                                                                      how, code, says):
    """Stopped in the prepare stage: one line, the shell's exit code, no traceback and nothing else on
    stderr; the same command again gives the uninterrupted run's bytes."""
    out = tmp_path / "interrupted"
    cmd = [sys.executable, "-m", "cleaner", "run", str(long_news), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _wait_for_stored_records(out / STATE / "state.sqlite", proc)
    if how == "SIGTERM to the run":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGTERM if "SIGTERM" in how else signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code and "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip() and "\r" not in line]  # progress lines aside
    assert lines[-1:] == [f"cleaner: {says} (run the same command again to go on from where it stopped)"], err
    assert not any("leaked" in line or "warn" in line.lower() for line in lines), err
    assert in_process(*cmd[3:]).returncode == 0
    assert _bytes(out) == _bytes(long_reference)


def test_a_worker_killed_is_one_line_and_the_run_goes_on_from_there(long_news, long_reference, tmp_path, in_process):
    """A pool worker killed in the prepare stage (`kill -9`, the out-of-memory killer's pick) ended the run in the
    pool's traceback (BrokenProcessPool): now one line, exit 4, and the same command again gives the uninterrupted
    run's bytes."""
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "cleaner", "run", str(long_news), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_stored_records(out / STATE / "state.sqlite", proc)
    for pid in _descendants(proc.pid):  # the workers (and the lingua server: every spawned child)
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except OSError:  # gone already
            continue
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4 and "Traceback" not in err, err
    assert [line for line in err.splitlines() if line.strip() and "\r" not in line][-1:] == [
        "cleaner: a worker process died (killed, by the out-of-memory killer or a signal) (run the same command "
        "again to go on from where it stopped)"], err
    assert in_process(*cmd[3:]).returncode == 0
    assert _bytes(out) == _bytes(long_reference)


def test_a_second_run_into_a_folder_a_run_is_writing_stops_at_once(news, tmp_path):
    out = tmp_path / "busy"
    with runner.claimed(out, []):
        proc = run_cli("run", str(news), "--out", str(out))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"cleaner: {out}: another cleaner run is writing into this folder" in proc.stderr
    assert not (out / STATE).exists()


def test_outputs_and_inputs_do_not_mix(tmp_path, in_process):
    """An --out inside an input folder (the run read its own state and outputs as input) and an input that
    an output would replace (`raw.jsonl` with `--out .`: it was overwritten) are refused before anything
    is read or written."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "raw.jsonl").write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n", encoding="utf-8")
    before = (folder / "raw.jsonl").read_bytes()
    cases = {(str(folder), str(folder / "out")): "is inside the input folder",
             (str(folder / "raw.jsonl"), str(folder)): "holds the input",
             (str(folder / "*.jsonl"), str(folder)): "holds the input"}
    for (src, out), says in cases.items():
        proc = in_process("run", src, "--out", out, "-q")
        assert proc.returncode == 2 and says in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["raw.jsonl"] and (folder / "raw.jsonl").read_bytes() == before


def test_outputs_an_input_glob_matches_and_an_index_among_the_inputs_are_refused(tmp_path, in_process):
    """An --out where an input glob matches a file the run writes (`data/**/*.jsonl` with `--out
    data/run`: the first run went, the same command again refused its own corpus as an input) and an
    --index among the inputs (read as a bad input, changed by every run, so that running again replaced
    the finished corpus with an empty one) are refused before anything is read or written."""
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "a.jsonl").write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n",
                                          encoding="utf-8")
    cases = {("data/**/*.jsonl", "--out", "data/run"): "the input glob data/**/*.jsonl matches the run's corpus.jsonl there",
             ("data/*/*.json", "--out", "data/run"): "matches the run's report.json there",
             ("data/*/run/*", "--out", "data/sub/run"): "the input glob data/*/run/* matches the run's corpus.jsonl",
             ("data", "--out", "o", "--index", "data/idx.sqlite"): "data/idx.sqlite: is inside the input folder data",
             ("data/sub/a.jsonl", "data/i.sqlite", "--out", "o", "--index", "data/i.sqlite"): "data/i.sqlite: is an input",
             ("data/*", "--out", "o", "--index", "data/new.sqlite"): "data/new.sqlite: the input glob data/* matches it"}
    for args, says in cases.items():
        proc = in_process("run", *args, "-q", cwd=tmp_path)
        assert proc.returncode == 2 and says in proc.stderr and proc.stderr.count("\n") == 1, (args, proc.stderr)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == ["data", "data/sub", "data/sub/a.jsonl"]
    for args in (("data/*/*.jsonl", "--out", "data/.run"), ("data/sub/*.jsonl", "--out", "data/run"),
                 ("data/**/*.jsonl", "--out", "o", "--index", "data/idx.db")):  # no glob reaches these
        assert in_process("run", *args, "-q", cwd=tmp_path).returncode == 0, args
        assert in_process("run", *args, cwd=tmp_path).stderr.count("already complete") == 1, args


def test_an_out_folder_an_input_glob_reads_is_refused_every_time(tmp_path, in_process):
    """An --out that an input glob matches, or a folder it matches holds, is read whole by the same command run again:
    `run 'data/*' --out data/r9` went, then the same command was refused (its folder an input), and another --out read
    the first run's state and outputs as input. Refused the first time, the same way each time, with the glob or the
    --out named through a link; a folder the glob does not reach (hidden, or not matched) is not refused."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.jsonl").write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n",
                                  encoding="utf-8")
    (tmp_path / "link").symlink_to(data)
    for args in (("data/*", "--out", "data/r9"), ("data/r*", "--out", "data/r9"), ("data/*", "--out", "data/r9/sub"),
                 ("link/*", "--out", "data/r9"), ("data/*", "--out", "link/r9"), ("data/**", "--out", "data/r9")):
        for _ in range(2):
            proc = in_process("run", *args, "-q", cwd=tmp_path)
            assert proc.returncode == 2 and proc.stderr.count("\n") == 1, (args, proc.stderr)
            assert f"{args[2]}: the input glob {args[0]} reads this folder" in proc.stderr, (args, proc.stderr)
    assert sorted(p.name for p in data.iterdir()) == ["a.jsonl"]
    for args in (("data/*", "--out", "data/.r9"), ("data/*.jsonl", "--out", "data/r9")):
        assert in_process("run", *args, "-q", cwd=tmp_path).returncode == 0, args
        assert in_process("run", *args, cwd=tmp_path).stderr.count("already complete") == 1, args


def test_out_dash_is_refused_not_made_a_folder(tmp_path, in_process):
    """`cleaner run --out -` made a folder named `-` in the working folder; a run writes several files."""
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n", encoding="utf-8")
    proc = in_process("run", str(src), "--out", "-", "-q", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "cleaner clean - --out -" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_a_run_removes_what_a_kill_while_writing_left(tmp_path):
    """The temporary files of outputs being written when the run was killed go with the old outputs, and
    nothing else: a file whose name only starts like an output's (`corpus-notes.md`) stays."""
    out = tmp_path / "out"
    out.mkdir()
    left = [".corpus.jsonl.x8k2m1qz", ".corpus-00004.jsonl.zst.7kuxc72a", "rejects.jsonl", "clusters-00001.jsonl"]
    kept = [".notes", "notes.txt", "corpora.jsonl", "corpus-notes.md", "rejects.csv", "raw.json", "corpus.jsonl.bak"]
    for name in left + kept:
        (out / name).write_text("x")
    runner.clear_outputs(out)
    assert sorted(p.name for p in out.iterdir()) == sorted(kept)


def test_prepared_records_are_saved_by_their_size_and_by_time_not_by_count_alone(tmp_path, monkeypatch):
    """Prepared records were saved to the run state 256 at a time: 256 records of 2 MB were held in the main process
    (680 MB), a run SIGKILLed after a minute of work on them resumed from the first, and a log showed no progress
    for 100 s (a QA pass). They are saved once `SAVE_CHARS` characters of raw text have come, or `SAVE_SECONDS` after
    the last save; the outputs are the same."""
    src = tmp_path / "in.jsonl"
    texts = [f"Article {k}. " + " ".join(f"mot{(k * 7919 + j) % 5003}" for j in range(100)) for k in range(7)]
    src.write_text("".join(json.dumps({"id": f"d{k}", "text": t}) + "\n" for k, t in enumerate(texts)),
                   encoding="utf-8")
    reference = tmp_path / "reference"
    Runner(Config.load(), [str(src)], reference, RunOptions(progress="quiet", workers=1)).run()
    sizes: list[int] = []
    add = RunState.add
    monkeypatch.setattr(RunState, "add", lambda self, start, rows: (sizes.append(len(rows)), add(self, start, rows)))
    for chars, seconds, saved in ((2 * len(texts[0]) + 10, 3600.0, [2, 2, 2, 1]), (10**9, 0.0, [1] * 7)):
        monkeypatch.setattr(runner, "SAVE_CHARS", chars)
        monkeypatch.setattr(runner, "SAVE_SECONDS", seconds)
        sizes.clear()
        out = tmp_path / f"out-{chars}"
        Runner(Config.load(), [str(src)], out, RunOptions(progress="quiet", workers=1)).run()
        assert sizes == saved
        assert all((out / name).read_bytes() == (reference / name).read_bytes()
                   for name in ("corpus.jsonl", "rejects.jsonl", "clusters.jsonl", "raw.jsonl"))


def test_a_rerun_stopped_while_it_replaces_a_finished_runs_outputs_leaves_no_manifest(tmp_path, monkeypatch):
    """A folder with a manifest holds a finished run: a rerun with another config, stopped once it had
    begun writing, left the replaced run's manifest.json and report.json beside none of the outputs
    they named."""
    out = tmp_path / "out"
    Runner(Config.load(), [str(SEEDS)], out, RunOptions(progress="quiet")).run()
    assert (out / "manifest.json").exists()

    def stopped(*args):
        raise KeyboardInterrupt  # as a SIGKILL there would stop it

    monkeypatch.setattr(runner, "write_corpus", stopped)
    with pytest.raises(KeyboardInterrupt):
        Runner(Config.load(min_chars=50), [str(SEEDS)], out, RunOptions(progress="quiet")).run()
    assert not [name for name in OUTPUTS if (out / name).exists()]
    monkeypatch.undo()
    summary = Runner(Config.load(min_chars=50), [str(SEEDS)], out, RunOptions(progress="quiet")).run()
    assert summary.resumed_from == 5 and (out / "manifest.json").exists()


def _descendants(pid: int) -> set[int]:
    """The pids of every process below `pid` (workers, and anything they started)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _assert_gone(pids: set[int], timeout: float = 10) -> None:
    """Every process of `pids` has ended (a zombie counts as ended): a killed run leaves no workers behind."""
    deadline = time.monotonic() + timeout
    while True:
        alive = set()
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
            except OSError:
                pass
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not alive, f"processes left behind by the killed run: {sorted(alive)}"


def _wait_for_stored_records(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the run ended before any record was stored"
        if path.exists():
            with RunState(path) as state:
                if len(state):
                    return
        time.sleep(0.05)
    raise AssertionError("no record stored in time")


def test_killed_between_decisions_and_index_commit(news, reference, tmp_path, in_process):
    """The one gap a kill can fall in during dedup: verdicts stored, the index not yet written."""
    out = tmp_path / "gap"
    runner = Runner(Config.load(), [str(news)], out, RunOptions(workers=1, progress="quiet"))
    out.mkdir()
    from cleaner.manifest import fingerprint

    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
        with Deduplicator(out / "index.sqlite", DedupParams()) as dedup:
            seqs, items = state.dedup_items(dedup.params)
            result = dedup_batch(items, dedup.index, signer=dedup.signer, add=False)
            runner._store(state, seqs, result, dedup.index)
    proc = in_process("run", str(news), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "stage decided" in proc.stderr
    assert _bytes(out) == _bytes(reference)


def _decided(news: Path, out: Path, index: Path) -> tuple[Runner, dict]:
    """A run into `out` over a shared `index`, stopped as a kill would stop it just after its verdicts were
    stored (stage `decided`), before the index took its documents in; its runner and fingerprint."""
    from cleaner.manifest import fingerprint

    runner = Runner(Config.load(), [str(news)], out, RunOptions(workers=1, progress="quiet", index=index))
    out.mkdir()
    fp = fingerprint(runner.config, runner.inputs, runner.options.output_options())
    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, fp, True)
        runner._prepare(state, 0)
        with Deduplicator(index, DedupParams()) as dedup:
            seqs, items = state.dedup_items(dedup.params)
            result = dedup_batch(items, dedup.index, signer=dedup.signer, add=False)
            runner._store(state, seqs, result, dedup.index)
    return runner, fp


def test_resumed_after_deciding_it_decides_again_when_another_run_added_to_the_index(news, tmp_path, in_process):
    """Killed between its verdicts and the index commit, then resumed after another run added the same
    documents to the shared index: it decides again, so it emits none of them (it emitted every one,
    twice in the corpus the two runs make)."""
    index = tmp_path / "shared.sqlite"
    _decided(news, tmp_path / "a", index)
    assert in_process("run", str(news), "--out", str(tmp_path / "b"), "--index", str(index), "--workers", "1", "-q").returncode == 0
    proc = in_process("run", str(news), "--out", str(tmp_path / "a"), "--index", str(index), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    kept = {name: [json.loads(x)["id"] for x in (tmp_path / name / "corpus.jsonl").read_text().splitlines()] for name in "ab"}
    assert kept["b"] and kept["a"] == []
    reasons = {json.loads(x).get("id"): json.loads(x)["reason"] for x in (tmp_path / "a" / "rejects.jsonl").read_text().splitlines()}
    assert {reasons[i] for i in kept["b"]} == {"already_indexed"}


def test_resumed_after_its_documents_went_into_the_index_it_writes_what_it_decided(news, reference, tmp_path,
                                                                                   in_process):
    """Killed after the index took its documents in (with the batch's name, in the same transaction) but
    before the stage said so: the resumed run does not decide again (every document would be
    already_indexed), and gives the uninterrupted run's outputs."""
    from cleaner.manifest import batch_name

    index = tmp_path / "shared.sqlite"
    runner, fp = _decided(news, tmp_path / "a", index)
    with RunState(tmp_path / "a" / STATE / "state.sqlite") as state, Deduplicator(index, DedupParams()) as dedup:
        with dedup.index.write_lock():
            dedup.index.add_batch(batch_name(tmp_path / "a", fp), ((*row, ()) for row in state.kept_rows()))
    proc = in_process("run", str(news), "--out", str(tmp_path / "a"), "--index", str(index), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    names = ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl")
    assert _bytes(tmp_path / "a", names) == _bytes(reference, names)


def test_a_restart_whose_earlier_batch_the_index_holds_under_another_name_takes_it_out_and_by_none_says_they_stay(
        tmp_path, in_process):
    """The finished run's batch is not in the index under the name its folder's path gives. Under another name, a batch
    of as many documents that holds its first kept id is the run's (its folder moved, found by a QA pass: this test
    held that the rerun could not take it out, and its corpus became one of nothing but already_indexed), taken out.
    Documents no batch added (by a cleaner older than batches) the rerun cannot take out, and says so instead of
    claiming it did."""
    import sqlite3

    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    assert in_process("run", str(SEEDS), "--out", str(out), "--index", str(index)).returncode == 0
    first = (out / "corpus.jsonl").read_bytes()
    with sqlite3.connect(index) as db:
        db.execute("UPDATE batches SET name = 'another'")
    again = in_process("run", str(SEEDS), "--out", str(out), "--index", str(index), "--restart")
    assert again.returncode == 0, again.stderr
    assert f"taken out of {index} first" in again.stderr and "warning:" not in again.stderr, again.stderr
    assert (out / "corpus.jsonl").read_bytes() == first
    with sqlite3.connect(index) as db:
        db.execute("DELETE FROM batches")
        db.execute("UPDATE docs SET batch = NULL")
    again = in_process("run", str(SEEDS), "--out", str(out), "--index", str(index), "--restart")
    assert again.returncode == 0, again.stderr
    assert f"warning: {index} cannot tell which documents the run this one replaces added (an older cleaner added " \
        "them)" in again.stderr and "taken out" not in again.stderr, again.stderr
    reasons = {json.loads(line)["reason"] for line in (out / "rejects.jsonl").read_text().splitlines()}
    assert reasons == {"already_indexed"}


def test_an_interrupted_run_that_had_indexed_its_documents_started_over_takes_them_out_first(news, reference, tmp_path,
                                                                                            in_process):
    """Killed after the index took its documents in, then started over on the same inputs (--restart):
    its documents are taken out of the shared index first, so it gives the uninterrupted run's outputs
    (every kept document came out already_indexed before)."""
    from cleaner.manifest import batch_name

    index = tmp_path / "shared.sqlite"
    runner, fp = _decided(news, tmp_path / "a", index)
    with RunState(tmp_path / "a" / STATE / "state.sqlite") as state, Deduplicator(index, DedupParams()) as dedup:
        state.set(batch=batch_name(tmp_path / "a", fp), stage="indexed")
        dedup.index.add_batch(batch_name(tmp_path / "a", fp), ((*row, ()) for row in state.kept_rows()))
    proc = in_process("run", str(news), "--out", str(tmp_path / "a"), "--index", str(index), "--workers", "1", "--restart")
    assert proc.returncode == 0, proc.stderr
    assert f"the documents the interrupted run added to {index} are taken out first" in proc.stderr
    names = ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl")
    assert _bytes(tmp_path / "a", names) == _bytes(reference, names)


@pytest.mark.parametrize("again", ["resumed", "restarted"])
def test_an_interrupted_run_whose_folder_moved_finishes_under_its_new_folder_s_batch_name(news, reference, tmp_path,
                                                                                         in_process, again):
    """Killed after the index took its documents in, its folder then moved (checked with a finished run's folder moved,
    whose batch was lost): the state names the batch it decided, so a resumed run renames it after the new folder and a
    restarted one takes it out; either gives the uninterrupted run's outputs, and is complete when run again."""
    import sqlite3

    from cleaner.manifest import batch_name

    index, out, moved = tmp_path / "shared.sqlite", tmp_path / "a", tmp_path / "b"
    runner, fp = _decided(news, out, index)
    with RunState(out / STATE / "state.sqlite") as state, Deduplicator(index, DedupParams()) as dedup:
        state.set(batch=batch_name(out, fp), stage="indexed")
        dedup.index.add_batch(batch_name(out, fp), ((*row, ()) for row in state.kept_rows()))
    out.rename(moved)
    args = ("run", str(news), "--out", str(moved), "--index", str(index), "--workers", "1")
    proc = in_process(*args, *(("--restart",) if again == "restarted" else ()))
    assert proc.returncode == 0, proc.stderr
    assert (f"the documents the interrupted run added to {index} are taken out first" in proc.stderr) \
        == (again == "restarted") and "warning:" not in proc.stderr, proc.stderr
    names = ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl")
    assert _bytes(moved, names) == _bytes(reference, names)
    manifest = json.loads((moved / "manifest.json").read_text(encoding="utf-8"))
    finished = {k: v for k, v in manifest.items() if k not in ("outputs", "counts")}
    with sqlite3.connect(index) as db:
        assert [name for (name,) in db.execute("SELECT name FROM batches")] == [batch_name(moved, finished)]
    assert "already complete" in in_process(*args).stderr


def test_a_run_of_other_inputs_over_an_interrupted_run_that_had_indexed_its_documents_takes_them_out(news, tmp_path,
                                                                                                       in_process):
    """Killed after the index took its documents in, then replaced by a run of other inputs into its folder (the next
    day's batch): its documents stayed in the shared index, in no corpus, and the same inputs run again gave nothing
    but already_indexed (found by a QA pass). They are taken out first, whatever the inputs: it wrote no corpus."""
    from cleaner.manifest import batch_name

    index = tmp_path / "shared.sqlite"
    runner, fp = _decided(news, tmp_path / "a", index)
    with RunState(tmp_path / "a" / STATE / "state.sqlite") as state, Deduplicator(index, DedupParams()) as dedup:
        state.set(batch=batch_name(tmp_path / "a", fp), stage="indexed")
        added = dedup.index.add_batch(batch_name(tmp_path / "a", fp), ((*row, ()) for row in state.kept_rows()))
        assert added > 500
    other = tmp_path / "other.txt"
    other.write_text("Le conseil municipal a voté mardi le budget des écoles de la ville pour l'année prochaine.",
                     encoding="utf-8")
    proc = in_process("run", str(other), "--out", str(tmp_path / "a"), "--index", str(index), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"the documents the interrupted run added to {index} are taken out first (it wrote no corpus)" in proc.stderr
    with Deduplicator(index, DedupParams()) as dedup:  # the other run's one document alone: none is already_indexed
        assert len(dedup.index) == 1 and not dedup.index.has_batch(batch_name(tmp_path / "a", fp))


def test_a_dask_run_of_hundreds_of_copies_of_an_earlier_runs_documents_says_who_kept_each(tmp_path, in_process):
    """Who kept the earlier run's documents went to every split as one keyword argument, and distributed's scheduler
    failed an assertion on it (`AssertionError(<TaskState 'keepers' processing>)`) with 600 copies of MasakhaNEWS
    articles, no corpus written (a review). Each split is given its own."""
    articles = masakhanews(("eng", "fra", "hau"), 300)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps({"id": a["id"], "text": a["text"]}) + "\n" for a in articles), "utf-8")
    second.write_text("".join(json.dumps({"id": f"b-{a['id']}", "text": a["text"]}) + "\n" for a in articles[::3]
                              + articles[1::3]), "utf-8")
    index = tmp_path / "index.sqlite"
    assert in_process("run", str(first), "--out", str(tmp_path / "a"), "--index", str(index), "--langs", "any",
                      "--workers", "1").returncode == 0
    done = run_cli("run", str(second), "--out", str(tmp_path / "b"), "--index", str(index), "--langs", "any",
                   "--workers", "1", "--engine", "dask", "--split-mb", "0.5")  # several splits, each its own keepers
    assert done.returncode == 0, done.stderr
    kept_by = f"kept by an earlier run ({os.path.realpath(tmp_path / 'a')})"
    rejects = [json.loads(r) for r in (tmp_path / "b" / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == 600 and all(kept_by in r["detail"] for r in rejects), rejects[:2]
    kept = {json.loads(r)["id"] for r in (tmp_path / "a" / "corpus.jsonl").read_text().splitlines()}
    assert all(r["dup_of"] == r["id"][2:] for r in rejects if r["id"][2:] in kept)


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_an_id_given_again_says_who_kept_it(tmp_path, in_process, engine):
    """An id an earlier batch kept, given again, said "kept by an earlier batch: a run, a service request or a Pipeline
    call" whoever kept it, where a copy of that document named the run's folder (a QA pass). It names who kept it as
    a copy's detail does: a run by its folder, a Pipeline call (or service request) as an earlier batch."""
    from cleaner import Pipeline

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts[:-1])), "utf-8")
    second.write_text(json.dumps({"id": "n1", "text": texts[-1]}) + "\n" + json.dumps({"id": "p", "text": texts[1]})
                      + "\n", "utf-8")  # each id given again with another text
    index = tmp_path / "index.sqlite"
    assert in_process("run", str(first), "--out", str(tmp_path / "a"), "--index", str(index)).returncode == 0
    with Pipeline(Config.load(), index) as pipeline:
        assert pipeline.run([{"id": "p", "text": texts[-1]}]).kept
    run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
    done = run("run", str(second), "--out", str(tmp_path / "b"), "--index", str(index), "--workers", "1",
               "--engine", engine)
    assert done.returncode == 0, done.stderr
    rejects = [json.loads(r) for r in (tmp_path / "b" / "rejects.jsonl").read_text().splitlines()]
    again = "this id is already in the index, kept by an earlier"
    assert {r["id"]: (r["reason"], r["detail"]) for r in rejects} == {
        "n1": ("already_indexed", f"{again} run ({os.path.realpath(tmp_path / 'a')})"),
        "p": ("already_indexed", f"{again} batch (a Pipeline call or a run of an older cleaner)")}
    with Pipeline(Config.load(), index) as pipeline:  # a Pipeline call names who kept it as a run does
        assert [r.detail for r in pipeline.run([{"id": "n1", "text": texts[0]}]).rejected] == [rejects[0]["detail"]]


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_run_started_over_that_does_not_keep_what_later_runs_copies_point_to_says_so(tmp_path, in_process, engine):
    """Batch 1, then batch 2 (copies of two of batch 1's documents, rejected as their duplicates), then batch 1 again
    with a gate that drops those two: their documents left the shared index, and batch 2's rejects pointed at ids in
    no corpus and no index, without a word (found by a QA pass). The run says which, once; and batch 2 run again, as
    the warning advises, is not "already complete" (it was, found by a QA pass: only --restart made it again)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts)), "utf-8")
    second.write_text("".join(json.dumps({"id": f"copy{k}", "text": texts[k]}) + "\n" for k in (0, 2)), "utf-8")
    index = tmp_path / "index.sqlite"
    run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
    base = ("--index", str(index), "--workers", "1", "--engine", engine)
    local = ("--index", str(index), "--workers", "1")  # the runs around the two under test, which note and tell
    assert in_process("run", str(first), "--out", str(tmp_path / "a"), *local).returncode == 0
    assert run("run", str(second), "--out", str(tmp_path / "b"), *base).returncode == 0
    rejects = (tmp_path / "b" / "rejects.jsonl").read_text().splitlines()
    dup_of = {r["id"]: r["dup_of"] for r in map(json.loads, rejects)}
    assert dup_of == {"copy0": "n0", "copy2": "n2"}
    # a copy's detail says its document is in no output of this run: "as n0" alone, before (a QA pass)
    kept_by = f"kept by an earlier run ({os.path.realpath(tmp_path / 'a')})"
    assert [json.loads(r)["detail"] for r in rejects] == [f"same normalised clean text as n{k}, {kept_by}"
                                                          for k in (0, 2)]
    config = tmp_path / "short.toml"
    kept = sorted(len(t) for t in texts)
    config.write_text(f"min_chars = {kept[2] + 1}\n", encoding="utf-8")  # the gate drops all but the two longest
    again = run("run", str(first), "--out", str(tmp_path / "a"), *base, "--config", str(config))
    assert again.returncode == 0, again.stderr
    left = {json.loads(x)["id"] for x in (tmp_path / "a" / "corpus.jsonl").read_text().splitlines()}
    gone = sorted({"n0", "n2"} - left)
    assert gone, left  # at least one of the two is gated out
    shown = ", ".join(map(repr, gone))
    one = len(gone) == 1
    assert (f"warning: {len(gone)} document{'' if one else 's'} that other runs' (or service requests' or Pipeline "
            f"calls') duplicates point to (their dup_of: {shown}) {'was' if one else 'were'} not kept again by this "
            f"run and {'is' if one else 'are'} no longer in {index}: those copies are in no corpus; give "
            f"{'it' if one else 'them'} again (run the runs that rejected them again) to keep {'it' if one else 'them'}"
            ) in again.stderr, again.stderr
    rerun = in_process("run", str(second), "--out", str(tmp_path / "b"), *local)  # as the warning says: kept now
    assert rerun.returncode == 0, rerun.stderr
    assert (f"{tmp_path / 'b'}/ holds a finished run whose duplicates point to documents no longer in its index "
            f"({shown}): running again") in rerun.stderr, rerun.stderr
    assert {json.loads(x)["id"] for x in (tmp_path / "b" / "corpus.jsonl").read_text().splitlines()} == {
        f"copy{k[1:]}" for k in gone}
    third = in_process("run", str(first), "--out", str(tmp_path / "c"), *local)
    assert "warning" not in third.stderr, third.stderr  # told once


@pytest.mark.parametrize("caller", ["pipeline", "service", "stream", "index_kept"])
def test_a_run_started_over_says_so_of_what_a_pipeline_or_service_rejected_as_copies(tmp_path, in_process, caller):
    """As above with the duplicates rejected by a Pipeline call or a service request into the same index: their
    `dup_of` were not noted (only a run's were), and the run that took them out said nothing. A consumer of
    `Pipeline.stream` that stops after the first result never gets the batch's other duplicate: its citation stayed,
    and the run warned of a copy no one had received (noticed in session 38). `deduplicate(add=False)` and
    `index_kept`, the two halves of `add=True`, noted none: given the delivered duplicates, `index_kept` notes theirs."""
    from cleaner import Pipeline
    from cleaner.service.backend import Service

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts)), "utf-8")
    index = tmp_path / "index.sqlite"
    local = ("--index", str(index), "--workers", "1")
    assert in_process("run", str(first), "--out", str(tmp_path / "a"), *local).returncode == 0
    copies = [Document(id=f"copy{k}", text=texts[k]) for k in (0, 2)]
    with Pipeline(Config.load(), index) if caller != "service" else Service(Config.load(), index) as backend:
        if caller == "stream":
            stream = backend.stream(copies)
            verdicts = [next(stream)]
            stream.close()
        elif caller == "index_kept":
            result = backend.deduplicate(backend.prepare_many(copies), add=False)
            assert backend.index_kept(result.in_order) == 0  # both are duplicates
            verdicts = result.rejected
        else:
            verdicts = backend.run(copies).rejected if caller == "pipeline" else backend.submit(copies)
        cited = sorted(v.dup_of for v in verdicts)
        assert cited == (["n0"] if caller == "stream" else ["n0", "n2"])
        folder = os.path.realpath(tmp_path / "a")  # the index's record of who kept it; a service tells only its name
        kept_by = f", kept by an earlier run ({'a' if caller == 'service' else folder})"
        assert all(v.detail == f"same normalised clean text as {v.dup_of}{kept_by}" for v in verdicts), verdicts
    config = tmp_path / "none.toml"
    config.write_text(f"min_chars = {max(map(len, texts)) + 1}\n", encoding="utf-8")  # the gate drops them all
    again = in_process("run", str(first), "--out", str(tmp_path / "a"), *local, "--config", str(config))
    assert again.returncode == 0, again.stderr
    said = ("1 document that other runs' (or service requests' or Pipeline calls') duplicates point to (their dup_of: "
            "'n0') was not kept again" if caller == "stream" else "2 documents that other runs' (or service requests' "
            "or Pipeline calls') duplicates point to (their dup_of: 'n0', 'n2') were not kept again")
    assert f"warning: {said}" in again.stderr, again.stderr


def test_changed_rules_start_over_unless_continued(news, tmp_path, in_process):
    pack = tmp_path / "extra.yaml"
    pack.write_text("description: a test pack\nrules:\n  - id: extra.partager\n    kind: line\n    phrases: [Partager sur Facebook]\n"
                    "    description: share line\n    examples:\n      remove: [Partager sur Facebook]\n      keep: [Partager un repas]\n", encoding="utf-8")
    out = tmp_path / "out"
    with RunState(out / STATE / "state.sqlite") as state:  # an interrupted run, made with other rules
        state.set(fingerprint=json.dumps({"rules": [["old.yaml", "0"]]}), stage="prepare")
    proc = in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack))
    assert proc.returncode == 0 and "differ; starting over" in proc.stderr and "rules" in proc.stderr
    again = in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack))
    assert again.returncode == 0 and "already complete" in again.stderr
    fp = {k: v for k, v in json.loads((out / "manifest.json").read_text(encoding="utf-8")).items()
          if k not in ("outputs", "counts")}  # the finished run's fingerprint
    with RunState(out / STATE / "state.sqlite") as state:  # interrupted, with other rules and the same inputs
        state.set(fingerprint=json.dumps({**fp, "rules": [["old.yaml", "0"]]}), stage="prepare")
    over = in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack), "--restart")  # finish it, then interrupt it
    assert over.returncode == 0
    with RunState(out / STATE / "state.sqlite") as state:
        state.set(fingerprint=json.dumps({**fp, "rules": [["old.yaml", "0"]]}), stage="prepare")
    told = in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack), "--workers", "1")
    assert "holds an interrupted run whose rules differ; starting over (--continue to keep its work)" in told.stderr, told.stderr
    with RunState(out / STATE / "state.sqlite") as state:
        state.set(fingerprint=json.dumps({**fp, "rules": [["old.yaml", "0"]]}), stage="prepare")
    kept = in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack), "--continue")
    assert kept.returncode == 0 and "although its rules changed" in kept.stderr
    # the manifest named the rules it finished with alone, as if the corpus were theirs (found by a QA pass)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["continued_from"] == [{"rules": [["old.yaml", "0"]]}] and manifest["rules"] == fp["rules"]
    assert "already complete" in in_process("run", str(SEEDS), "--out", str(out), "--rules", str(pack)).stderr


def test_a_run_continued_over_another_config_says_in_its_manifest_what_it_was(tmp_path, in_process, monkeypatch):
    """A run killed after deciding, then `--continue`d with `--min-chars 1500`, wrote a corpus of shorter texts under a
    manifest naming `min_chars = 1500` alone (found by a QA pass): the manifest's `continued_from` lists, one per
    continuation in order, the config values the work before it was done with; a run never continued has none. The
    run state takes the new fingerprint, so continued again it names the values of the one before (a review found
    the first fingerprint compared every time: the middle config was lost, and one back to the first named itself)."""
    out = tmp_path / "out"
    assert in_process("run", str(SEEDS), "--out", str(out), "-q").returncode == 0
    plain = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "continued_from" not in plain
    fp = {k: v for k, v in plain.items() if k not in ("outputs", "counts")}
    args = ("run", str(SEEDS), "--out", str(out), "--workers", "1", "--continue")
    with RunState(out / STATE / "state.sqlite") as state:  # interrupted, as with the defaults
        state.set(fingerprint=json.dumps(fp), stage="prepare")
    first = in_process(*args, "--min-chars", "1500", "--min-lang-score", "0.2")
    assert first.returncode == 0 and "although its config changed" in first.stderr, first.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["continued_from"] == [
        {"config": {"min_chars": plain["config"]["min_chars"], "min_lang_score": plain["config"]["min_lang_score"]}}]
    assert "already complete" in in_process(*args[:-1], "--min-chars", "1500", "--min-lang-score", "0.2").stderr
    with RunState(out / STATE / "state.sqlite") as state:  # interrupted again, as with the defaults
        state.set(fingerprint=json.dumps(fp), stage="prepare")

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt  # killed as it writes, continued with --min-chars 1500

    monkeypatch.setattr(runner, "write_outputs", stopped)
    with pytest.raises(KeyboardInterrupt):
        Runner(Config.load(min_chars=1500), [str(SEEDS)], out,
               RunOptions(workers=1, progress="quiet", resume="force-continue")).run()
    monkeypatch.undo()
    with RunState(out / STATE / "state.sqlite") as state:
        assert json.loads(state.get("fingerprint"))["config"]["min_chars"] == 1500
        assert json.loads(state.get("continued")) == [{"config": {"min_chars": 1}}]
    back = in_process(*args)  # back to the first config: the work was made under both
    assert back.returncode == 0 and "although its config changed" in back.stderr, back.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["continued_from"] == [
        {"config": {"min_chars": 1}}, {"config": {"min_chars": 1500}}]


def test_continue_is_refused_when_the_inputs_changed(tmp_path, in_process):
    """`--continue` keeps an interrupted run's work when its rules or config changed; when its inputs
    changed that work is of other records (the records prepared before were written, new ones lost or
    written twice), so it is refused, exit 2, and a run without it starts over, without suggesting it."""
    from cleaner.manifest import fingerprint

    src = tmp_path / "in"
    shutil.copytree(SEEDS, src)
    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(src)], out, RunOptions(workers=1, progress="quiet"))
    out.mkdir()
    with RunState(out / STATE / "state.sqlite") as state:  # stopped after preparing its records
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
    (src / "005_new.txt").write_text("Un nouvel article arrivé après l'interruption du premier passage.\n", encoding="utf-8")
    args = ("run", str(src), "--out", str(out), "--workers", "1")
    proc = in_process(*args, "--continue")
    assert proc.returncode == 2 and "--continue: the inputs of the interrupted run changed" in proc.stderr, proc.stderr
    proc = in_process(*args)
    assert proc.returncode == 0, proc.stderr
    assert "holds an interrupted run whose inputs differ; starting over\n" in proc.stderr, proc.stderr
    ids = [json.loads(line)["id"] for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "005_new" in ids and len(ids) == 6


def test_continue_is_refused_when_the_input_format_changed(tmp_path, in_process):
    """Read with another `--input-format`, the same files give other records (a file of lines as one text):
    `--continue` kept the first reading's records, skipped as many of the second's, and finished a run of
    the wrong records, the rest lost. It is refused, exit 2, like changed inputs."""
    from cleaner.manifest import fingerprint

    src = tmp_path / "in"
    src.mkdir()
    (src / "lines.txt").write_text("".join(json.dumps({"id": f"l{n}", "text": f"Ligne {n} d'un article, assez longue."})
                                           + "\n" for n in range(40)), encoding="utf-8")
    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(src)], out, RunOptions(input_format="jsonl", workers=1, progress="quiet"))
    out.mkdir()
    with RunState(out / STATE / "state.sqlite") as state:  # stopped after preparing its 40 records
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
    args = ("run", str(src), "--out", str(out), "--workers", "1")
    proc = in_process(*args, "--continue")
    assert proc.returncode == 2, proc.stderr
    assert "--continue: the interrupted run read its inputs with --input-format jsonl, not auto" in proc.stderr
    proc = in_process(*args)
    assert proc.returncode == 0 and "whose options differ; starting over\n" in proc.stderr, proc.stderr
    assert [json.loads(line)["id"] for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()] == ["lines"]


def test_what_continue_cannot_keep_is_one_check_for_both_engines():
    """`cleaner run` and `--engine dask` ask `not_to_continue` alike: changed inputs, or another `--input-format`
    (the Dask engine kept such work after the local one stopped doing so); rules and config may change."""
    from cleaner.manifest import not_to_continue

    fp = {"inputs": [["a.jsonl", 3, "x"]], "config": {"min_chars": 1}, "options": {"input_format": "auto"}}
    assert not_to_continue(fp, {**fp, "config": {"min_chars": 5}, "rules": [["r.yaml", "y"]]}) is None
    assert not_to_continue(fp, {**fp, "inputs": []}) == "the inputs of the interrupted run changed since it was stopped"
    assert not_to_continue(fp, {**fp, "options": {"input_format": "txt"}}) == (
        "the interrupted run read its inputs with --input-format auto, not txt")


def test_a_finished_run_run_again_on_other_inputs_says_so_and_warns_of_its_index(tmp_path, in_process):
    """Rerunning into a finished run's folder with changed inputs says that its outputs are replaced and,
    with a shared index, that the documents it kept are now `already_indexed`."""
    news = tmp_path / "news.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts[:3]), encoding="utf-8")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    assert in_process("run", str(news), "--out", str(out), "--index", str(index)).returncode == 0
    news.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    again = in_process("run", str(news), "--out", str(out), "--index", str(index))
    assert again.returncode == 0
    assert f"{out}/ holds a finished run whose inputs differ: running again, its outputs will be replaced" in again.stderr
    assert f"warning: that run added its kept documents to {index}" in again.stderr
    reasons = [json.loads(line)["reason"] for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert reasons == ["already_indexed"] * 3 and len((out / "corpus.jsonl").read_text().splitlines()) == 2
    corpus = (out / "corpus.jsonl").read_bytes()
    restarted = in_process("run", str(news), "--out", str(out), "--index", str(index), "--restart")
    assert f"{out}/ holds a finished run (--restart): running again" in restarted.stderr
    assert f"the documents that run kept are taken out of {index} first" in restarted.stderr  # its inputs are these
    assert "warning" not in restarted.stderr and (out / "corpus.jsonl").read_bytes() == corpus


def test_a_run_started_over_on_the_same_inputs_takes_the_earlier_ones_documents_out_of_the_shared_index(tmp_path,
                                                                                                        in_process):
    """Run again into a finished run's folder on the same inputs with a shared index (other rules, or
    --restart): the documents the earlier run kept are taken out of the index first, in the transaction
    that adds the new ones, so the new corpus holds them again (it held none: all already_indexed); the
    documents other runs added stay."""
    news, other = tmp_path / "news.jsonl", tmp_path / "other.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts[:3])), encoding="utf-8")
    other.write_text(json.dumps({"id": "o", "text": texts[4]}) + "\n", encoding="utf-8")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    assert in_process("run", str(other), "--out", str(tmp_path / "o"), "--index", str(index)).returncode == 0
    assert in_process("run", str(news), "--out", str(out), "--index", str(index)).returncode == 0
    first = (out / "corpus.jsonl").read_bytes()
    pack = tmp_path / "extra.yaml"
    pack.write_text("description: a test pack\nrules:\n  - id: extra.nothing\n    kind: line\n    phrases: [Never in a seed]\n"
                    "    description: a line no seed has\n    examples:\n      remove: [Never in a seed]\n      keep: [Never]\n",
                    encoding="utf-8")
    again = in_process("run", str(news), "--out", str(out), "--index", str(index), "--rules", str(pack))
    assert again.returncode == 0, again.stderr
    assert "holds a finished run whose config, rules differ" in again.stderr and "taken out of" in again.stderr
    assert (out / "corpus.jsonl").read_bytes() == first and len(first.splitlines()) == 3
    with Deduplicator(index, DedupParams()) as dedup:
        assert len(dedup.index) == 4 and dedup.index.contains("o")



def test_a_finished_run_whose_new_pack_is_bad_is_not_said_to_be_replaced(tmp_path, in_process):
    """A pack added since the run finished, refused at load (found by a QA pass): the run said "running again, its
    outputs will be replaced", then stopped on the pack, and kept them. The packs are loaded before that is said."""
    news, packs, out = tmp_path / "news.jsonl", tmp_path / "packs", tmp_path / "out"
    news.write_text(json.dumps({"id": "n", "text": sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")}) + "\n",
                    encoding="utf-8")
    packs.mkdir()
    (packs / "ok.yaml").write_text("rules:\n  - id: a.x\n    kind: line\n    phrases: [Never in a seed]\n"
                                   "    description: a line no seed has\n    examples: {remove: [Never in a seed], keep: [Never]}\n",
                                   encoding="utf-8")
    assert in_process("run", str(news), "--out", str(out), "--rules", str(packs)).returncode == 0
    first = _bytes(out)
    (packs / "catre.yaml").write_text("rules:\n  - id: b.x\n    kind: regex\n    pattern: '^(a+)+$'\n"
                                      "    description: nested\n    examples: {remove: [a], keep: [b]}\n", encoding="utf-8")
    again = in_process("run", str(news), "--out", str(out), "--rules", str(packs))
    assert again.returncode == 2 and "catre.yaml:" in again.stderr and "rule 'b.x'" in again.stderr, again.stderr
    assert "will be replaced" not in again.stderr and _bytes(out) == first


@pytest.mark.parametrize("how", ["moved", "copied", "own"])
def test_a_run_started_again_with_its_index_moved_copied_or_named_as_its_own_takes_its_documents_out(tmp_path,
                                                                                                      in_process, how):
    """The same run started again with its shared index moved or copied to another path, or a run made without
    `--index` started again with its own `DIR/index.sqlite` as `--index` (found by a QA pass): the index was told to be
    the one the run used by the path the run gave, so the run's documents were taken for another run's, and its corpus
    was replaced by one of nothing but already_indexed, each pointing to itself, without a word. The index's contents
    tell it now: it holds the run's batch."""
    news = tmp_path / "news.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts)), "utf-8")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    shared = () if how == "own" else ("--index", str(index))
    assert in_process("run", str(news), "--out", str(out), *shared).returncode == 0
    first = (out / "corpus.jsonl").read_bytes()
    moved = out / "index.sqlite" if how == "own" else tmp_path / "elsewhere" / "index.sqlite"
    if how != "own":
        moved.parent.mkdir()
        (shutil.move if how == "moved" else shutil.copy)(index, moved)
    again = in_process("run", str(news), "--out", str(out), "--index", str(moved))
    assert again.returncode == 0, again.stderr
    assert f"the documents that run kept are taken out of {moved} first" in again.stderr
    assert (out / "corpus.jsonl").read_bytes() == first and len(first.splitlines()) == len(texts)
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o", "text": texts[0]}) + "\n", "utf-8")
    third = in_process("run", str(other), "--out", str(out), "--index", str(moved))  # other inputs: its documents stay
    assert f"warning: that run added its kept documents to {moved}" in third.stderr, third.stderr


@pytest.mark.parametrize("how", ["moved", "copied"])
def test_a_run_started_again_in_its_folder_moved_or_copied_takes_its_documents_out(tmp_path, in_process, how):
    """A finished run's folder moved (or copied with its index to new paths), then the run started again in it with a
    shared `--index` (found by a QA pass on 104 MasakhaNEWS articles): its batch, named after the folder's old path,
    was looked for under the name of the new one, none was taken out, and the corpus was replaced by one of nothing but
    already_indexed, each pointing to itself, under a message that they were taken out and a warning naming other
    causes. The batch is found by what the index holds, as a finished run's check of its index finds it (the batch of
    every id it kept and no other, added in a folder that no longer holds that run, or whose run's index is another
    file: copied with it), and taken out."""
    news = tmp_path / "news.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts)), "utf-8")
    out, index = tmp_path / "day1", tmp_path / "index.sqlite"
    assert in_process("run", str(news), "--out", str(out), "--index", str(index), "-q").returncode == 0
    first = (out / "corpus.jsonl").read_bytes()
    archive = tmp_path / "archive" / "day1"
    archive.parent.mkdir()
    if how == "copied":
        shutil.copytree(out, archive)
        index = Path(shutil.copy(index, archive.parent / "index.sqlite"))
    else:
        out.rename(archive)
    again = in_process("run", str(news), "--out", str(archive), "--index", str(index),
                       *(("--min-chars", "5") if how == "copied" else ("--restart",)))
    assert again.returncode == 0, again.stderr
    assert f"the documents that run kept are taken out of {index} first" in again.stderr
    assert "warning:" not in again.stderr, again.stderr
    assert (archive / "corpus.jsonl").read_bytes() == first and len(first.splitlines()) == len(texts)
    with Deduplicator(index, DedupParams()) as dedup:
        assert len(dedup.index) == len(texts)


def _seed_news(path: Path, texts: list[str]) -> Path:
    """`texts` as a JSONL file at `path`, of ids "0", "1", ..."""
    path.write_text("".join(json.dumps({"id": str(k), "text": t}) + "\n" for k, t in enumerate(texts)), "utf-8")
    return path


def test_a_restart_does_not_take_out_another_runs_batch_of_the_same_ids(tmp_path, in_process):
    """Two days of other texts under the same ids "0", "1" (a review): day 1 run into a shared index, day 2 into its
    own folder and index, then started again with the shared index. A batch of the same ids and count was taken for
    day 2's (its folder moved), and day 1's was taken out: the index held day 2's alone, and day 1's rerun was "already
    complete" by it. The batch is day 1's: its folder holds the run that named it, with this index; it stays, and
    the restart warns. Nor is day 1 "already complete" by day 2's batch when its own was taken out."""
    import sqlite3

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))[:4]]
    day1, day2 = _seed_news(tmp_path / "day1.jsonl", texts[:2]), _seed_news(tmp_path / "day2.jsonl", texts[2:])
    a, b, shared = tmp_path / "a", tmp_path / "b", tmp_path / "shared.sqlite"
    assert in_process("run", str(day1), "--out", str(a), "--index", str(shared), "-q").returncode == 0
    assert in_process("run", str(day2), "--out", str(b), "-q").returncode == 0
    with closing(sqlite3.connect(shared)) as db:
        (a_batch,) = db.execute("SELECT name FROM batches").fetchone()
        held = db.execute("SELECT id FROM docs").fetchall()
    again = in_process("run", str(day2), "--out", str(b), "--index", str(shared), "--restart")
    assert again.returncode == 0, again.stderr
    assert f"warning: {shared} holds the ids that run kept in the batch of another run, the one in " \
        f"{os.path.realpath(a)}/: it stays" in again.stderr and "taken out" not in again.stderr, again.stderr
    with closing(sqlite3.connect(shared)) as db:
        assert db.execute("SELECT d.id, b.name FROM docs d JOIN batches b ON b.rowid = d.batch").fetchall() == \
            [(doc_id, a_batch) for (doc_id,) in held]
    assert "already complete" in in_process("run", str(day1), "--out", str(a), "--index", str(shared)).stderr
    with Deduplicator(shared, DedupParams()) as dedup:  # as the restart did
        dedup.index.withdraw_batch(a_batch)
    assert in_process("run", str(day2), "--out", str(b), "--index", str(shared), "--restart").returncode == 0
    rerun = in_process("run", str(day1), "--out", str(a), "--index", str(shared))
    assert f"({shared} does not hold that run's batch" in rerun.stderr, rerun.stderr
    assert "already complete" not in rerun.stderr


def test_a_copy_of_a_run_folder_started_again_leaves_the_originals_batch_in_the_shared_index(tmp_path, in_process):
    """A finished run's folder copied, its copy started again with the same shared `--index` (a review): the batch of
    the same ids, named after the original's path, was taken for the copy's and taken out, though the original
    still holds the run that added it (its rerun was no longer complete). It stays, and the copy warns, naming the
    original; its documents given again are already_indexed, as before session 46."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news, out, copy, index = _seed_news(tmp_path / "news.jsonl", texts), tmp_path / "day1", tmp_path / "copy", \
        tmp_path / "index.sqlite"
    assert in_process("run", str(news), "--out", str(out), "--index", str(index), "-q").returncode == 0
    shutil.copytree(out, copy)
    again = in_process("run", str(news), "--out", str(copy), "--index", str(index), "--restart")
    assert again.returncode == 0, again.stderr
    assert f"in the batch of another run, the one in {os.path.realpath(out)}/: it stays" in again.stderr, again.stderr
    assert "taken out" not in again.stderr
    reasons = {json.loads(line)["reason"] for line in (copy / "rejects.jsonl").read_text().splitlines()}
    assert reasons == {"already_indexed"}
    assert "already complete" in in_process("run", str(news), "--out", str(out), "--index", str(index)).stderr


def test_a_run_made_before_cwd_was_recorded_is_found_and_replaced_by_its_batch(tmp_path, in_process, monkeypatch):
    """A finished run made before fingerprints held `cwd`: its batch was named from its fingerprint without it, and
    a run replacing it (other rules, same inputs, shared index) looked for a batch named with `cwd` null, took none
    of its documents out of the index, and found every one `already_indexed`. Its batch is named by the keys the
    manifest holds."""
    from cleaner import manifest, runner

    news = tmp_path / "news.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts[:3])), encoding="utf-8")
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    with monkeypatch.context() as m:  # a cleaner of before `cwd`
        m.setattr(runner, "fingerprint", lambda *a, **k: {key: v for key, v in manifest.fingerprint(*a, **k).items()
                                                          if key != "cwd"})
        assert in_process("run", str(news), "--out", str(out), "--index", str(index)).returncode == 0
    assert "cwd" not in json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    first = (out / "corpus.jsonl").read_bytes()
    assert "is already complete" in in_process("run", str(news), "--out", str(out), "--index", str(index)).stderr
    again = in_process("run", str(news), "--out", str(out), "--index", str(index), "--min-chars", "5")
    assert again.returncode == 0 and "taken out of" in again.stderr and "warning" not in again.stderr, again.stderr
    assert (out / "corpus.jsonl").read_bytes() == first and len(first.splitlines()) == 3


def test_a_parquet_corpus_takes_a_records_own_extracted_of_any_type(tmp_path, in_process):
    """A text record's own `extracted` gave the fields `published: 12345` and `section: {"x": 1}`, which the Parquet
    corpus's string columns refused: the run ended in pyarrow's ArrowTypeError (a QA pass). It gives no field, and
    stays in `meta` as given."""
    src, out = tmp_path / "in.jsonl", tmp_path / "run"
    texts = ["Le procès s'ouvre lundi à Lyon. La défense plaide l'acquittement et conteste les faits reprochés.",
             "Autre texte, sur un autre sujet entièrement, écrit pour le test de sortie Parquet."]
    extracted = [{"date": 12345, "section": {"x": 1}}, {"date": "2021-01-02", "section": "Monde", "title": ["T"]}]
    src.write_text("".join(json.dumps({"id": f"p{k}", "text": t, "extracted": e}, ensure_ascii=False) + "\n"
                           for k, (t, e) in enumerate(zip(texts, extracted))), encoding="utf-8")
    proc = in_process("run", str(src), "--out", str(out), "--output-format", "parquet", "--min-chars", "5", "-q")
    assert proc.returncode == 0, proc.stderr
    rows = pq.read_table(out / "corpus.parquet").to_pylist()
    assert [[r[f] for f in ("title", "published", "section")] for r in rows] == [[None] * 3] * 2
    assert [json.loads(r["meta"])["extracted"] for r in rows] == extracted


def test_compressed_sharded_and_parquet_outputs(news, reference, tmp_path, in_process):
    reference_corpus = (reference / "corpus.jsonl").read_text().splitlines()
    out = tmp_path / "zst"
    args = ("run", str(news), "--workers", "1", "-q")  # what the outputs hold does not depend on the worker count
    assert in_process(*args, "--out", str(out), "--compression", "zst", "--shard-docs", "100").returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    shards = [o for o in manifest["outputs"] if o["file"].startswith("corpus-")]
    assert [o["file"] for o in shards] == [f"corpus-{k:05d}.jsonl.zst" for k in range(len(shards))]
    assert all(o["records"] == 100 for o in shards[:-1]) and sum(o["records"] for o in shards) == len(reference_corpus)
    lines = []
    for o in shards:  # each with its checksum: a bit flipped in a shard is seen when it is read again
        assert zstandard.get_frame_parameters((out / o["file"]).read_bytes()).has_checksum
        lines += zstandard.ZstdDecompressor().stream_reader((out / o["file"]).open("rb")).read().decode().splitlines()
    assert lines == reference_corpus
    out = tmp_path / "gz"
    assert in_process(*args, "--out", str(out), "--compression", "gz").returncode == 0
    assert gzip.decompress((out / "corpus.jsonl.gz").read_bytes()).decode().splitlines() == reference_corpus
    out = tmp_path / "parquet"
    assert in_process(*args, "--out", str(out), "--output-format", "parquet").returncode == 0
    table = pq.read_table(out / "corpus.parquet").to_pylist()
    expected = [json.loads(x) for x in reference_corpus]
    assert [r["id"] for r in table] == [r["id"] for r in expected]
    assert [json.loads(r["edits"]) for r in table] == [r["edits"] for r in expected]
    assert [r["text"] for r in table] == [r["text"] for r in expected]
    assert (out / "rejects.jsonl").exists() and (out / "raw.parquet").exists()
    # read back in, the Parquet corpus gives what the JSONL corpus gives (its meta came as JSON text in meta.meta)
    again = {}
    for name, corpus in (("parquet", out / "corpus.parquet"), ("jsonl", reference / "corpus.jsonl")):
        shutil.copy(corpus, tmp_path / f"corpus{corpus.suffix}")
        assert in_process("clean", str(tmp_path / f"corpus{corpus.suffix}"), "--out", str(tmp_path / f"{name}.jsonl"),
                          "--workers", "1", "-q").returncode == 0
        again[name] = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    assert again["parquet"] == again["jsonl"] and any('"meta": {' in line for line in again["jsonl"])


def test_a_rejected_records_raw_text_counts_in_the_runs_progress():
    """The progress line counts the raw characters of every record read, a rejected one's too (they counted none: a
    QA pass's run of `--langs fr,en` over Amharic news said `512 documents, 0.0 M characters`); the summary's "removed
    X of Y characters" stays the kept documents'."""
    text = "The government presented its budget this morning, and the opposition answered at once."
    line = '{"id": "b", "text": "Un'
    broken = Rejected(id=None, stage="read", reason="bad_input", detail="t.jsonl:1: malformed JSON", raw=line)
    gated, unread = prepare_many([Document(id="a", text=text), broken], Config.load(langs=("fr",)))
    assert (gated.rejected, gated.raw_chars, unread.rejected, unread.raw_chars) == (True, len(text), True, len(line))


def test_progress_lines_when_not_a_terminal(capsys, monkeypatch):
    """A line every `every` seconds; its rate and ETA go at the rate since the first documents came (the first
    line's, at the pool's start, said ETA 10,665 s of a 58 s run; a review found the rate beside it counted from the
    start, and a QA pass that it said `0.059 docs/s`, then 150), so the first line has neither; one document is
    singular; the size is of characters, not bytes ("MB")."""
    now = [0.0]
    monkeypatch.setattr("cleaner.progress.time", SimpleNamespace(monotonic=lambda: now[0]))
    with RunProgress("cleaner run", mode="log", every=0.0) as progress:
        progress.start_at(0, 11)
        now[0] = 30.0
        progress.update(1, 100)  # the first document, 30 s after the start
        now[0] = 31.0
        progress.update(5, 500)  # 5 more a second later: 5 left, at 5 a second
    assert capsys.readouterr().err.splitlines() == ["cleaner run: 1 document, 0.0 M characters",
                                                    "cleaner run: 6 documents, 0.0 M characters, 5.0 docs/s, ETA 1 s"]
    with RunProgress("cleaner run", mode="quiet", every=0.0) as progress:
        progress.update(5, 500)
        progress.log("hello")
    assert capsys.readouterr().err == ""


def test_a_resumed_runs_bar_and_lines_count_from_what_was_done(capsys, monkeypatch):
    """The bar counts from where the run stopped, and so does the log line (it counted this session's documents alone:
    `resuming: 769 input records already done`, then `512 documents`, a QA pass), and so do the characters (they
    counted this session's alone: `1,024 documents, 1.3 M characters` where a run that never stopped said 2.6 M); the
    rate and the ETA count only the new work."""
    with RunProgress("cleaner run", mode="bar") as progress:
        progress.start_at(500, 1000, 1_300_000)
        progress.update(10, 100_000)
        task = progress._bar.tasks[0]
        assert (task.completed, task.total, task.fields["docs"]) == (510, 1000, 510)  # was 10 of 1000: the bar went back
        assert task.fields["mb"] == 1.4
    capsys.readouterr()  # what the bar left
    now = [0.0]
    monkeypatch.setattr("cleaner.progress.time", SimpleNamespace(monotonic=lambda: now[0]))
    with RunProgress("cleaner run", mode="log", every=0.0) as progress:
        progress.start_at(500, 1000, 1_300_000)
        progress.update(10, 100_000)
        now[0] = 1.0
        progress.update(10, 100_000)
    assert capsys.readouterr().err.splitlines() == ["cleaner run: 510 documents, 1.4 M characters",
                                                    "cleaner run: 520 documents, 1.5 M characters, 10 docs/s, ETA 48 s"]


def test_a_resumed_run_starts_its_progress_at_the_characters_it_had_done(tmp_path, in_process, monkeypatch):
    """A resumed run's progress starts at the raw characters of the records its state holds, the characters a run
    that never stopped counted for them (it started at none, beside the documents done)."""
    started, counted = [], []
    start_at, update = RunProgress.start_at, RunProgress.update
    monkeypatch.setattr(RunProgress, "start_at", lambda progress, docs, total, chars=0: started.append((docs, chars))
                        or start_at(progress, docs, total, chars))
    monkeypatch.setattr(RunProgress, "update", lambda progress, docs, chars: counted.append(chars)
                        or update(progress, docs, chars))
    assert in_process("run", str(SEEDS), "--out", str(tmp_path / "whole"), "--workers", "1", "-q").returncode == 0
    whole = sum(counted)
    _interrupted(SEEDS, tmp_path / "out")
    started.clear()
    assert in_process("run", str(SEEDS), "--out", str(tmp_path / "out"), "--workers", "1", "-q").returncode == 0
    assert whole > 0 and started == [(5, whole)]


def test_clean_with_workers_keeps_input_order(news, tmp_path, in_process):
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"clean-{workers}.jsonl"
        run = run_cli if workers == "2" else in_process  # one in a process of its own hash seed
        proc = run("clean", str(news), "--out", str(out), "--workers", workers, "-q")
        assert proc.returncode == 0, proc.stderr
        outs.append((out.read_bytes(), (tmp_path / f"clean-{workers}.rejects.jsonl").read_bytes()))
    assert outs[0] == outs[1]
    ids = [json.loads(x)["id"] for x in outs[0][0].decode().splitlines()]
    expected = [json.loads(x)["id"] for x in news.read_text().splitlines() if x.startswith('{"')]
    assert ids == expected



def test_surrogates_in_ids_and_file_names_do_not_stop_a_run(tmp_path, in_process):
    """A lone surrogate escape in a JSONL id, and a file name that is not UTF-8, used to crash the run when
    the id or the rejection's detail was stored in the run state."""
    inp = tmp_path / "in"
    inp.mkdir()
    (inp / "a.jsonl").write_text('{"id": "x\\udc00", "text": "Un texte tout à fait normal."}\n', encoding="utf-8")
    (inp / b"caf\xe9.txt".decode("utf-8", "surrogateescape")).write_bytes(b"Un autre texte, sur un caf\xc3\xa9.")
    (inp / b"vid\xe9.txt".decode("utf-8", "surrogateescape")).write_bytes(b"")
    proc = in_process("run", str(inp), "--out", str(tmp_path / "out"), "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in (tmp_path / "out" / "corpus.jsonl").read_text().splitlines()] == ["caf\ufffd", "x\ufffd"]
    (reject,) = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert reject["id"] == "vid\ufffd" and reject["detail"].endswith("vid\ufffd.txt: empty document")

TRICKY = st.text(alphabet=st.sampled_from(['"', "\\", ",", " ", ":", "e", "d", "i", "t", "s", "é", "\ud800", "\n", "{"]),
                 max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=TRICKY, title=st.none() | TRICKY, cluster=st.none() | TRICKY, rule=TRICKY, mixed=st.booleans())
@example(text=', "edits": [], "x": "', title=', "edits": ', cluster='"edits"', rule=', "edits": ', mixed=True)
def test_a_stored_record_becomes_the_corpus_line_of_the_record_with_its_cluster(text, title, cluster, rule, mixed):
    """The write stage splices `cluster` into the stored JSON instead of decoding it: the line must be
    exactly the JSON of the record made with that cluster, whatever quotes and keys the text holds."""
    doc = Document(id="d", text=text + "x")
    cleaned = Cleaned(id="d", text=text, title=title, document=doc, lang="fr", lang_score=0.5,
                      langs={"fr": 0.6, "en": 0.4} if mixed else None,
                      edits=(Edit(start=0, end=1, rule=rule or "r", kind="remove"),), warnings=("w",) if mixed else ())
    want = dumps(cleaned.model_copy(update={"cluster": cluster}).record())
    assert record_line(pack(cleaned.record()), cluster) == want


def test_an_index_written_as_a_folder_still_to_be_made_is_refused(news, tmp_path, in_process):
    """`--index new/` made an index FILE called `new` (`Path` drops the slash), where a folder that exists is refused:
    a later `mkdir new` or `--index new/x.sqlite` failed (a QA pass)."""
    for written in ("new/", "new/.", "new/.."):  # `new/.` was the same file `new` (a review)
        proc = in_process("run", str(news), "--out", str(tmp_path / "out"), "--index", f"{tmp_path}/{written}", "-q")
        assert proc.returncode == 2 and proc.stderr == (f"cleaner: {tmp_path}/{written}: not usable as a dedup index "
                                                        "(a folder: give the path of an index file)\n")
        assert not (tmp_path / "new").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_another_programs_index_sqlite_in_the_output_folder_is_refused_not_replaced(tmp_path, in_process, engine):
    """The run's own index is `DIR/index.sqlite`, replaced at each fresh run; a database of another program
    that sits there under that name was replaced without a word (an --index of the kind is refused). The Dask engine
    refuses it before it starts a cluster (it started a LocalCluster, ~7 s, and then refused it)."""
    import sqlite3

    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "index.sqlite"
    with sqlite3.connect(theirs) as db:
        db.execute("CREATE TABLE users (name TEXT)")
        db.execute("INSERT INTO users VALUES ('ada')")
    db.close()
    before = theirs.read_bytes()
    proc = in_process("run", str(SEEDS), "--out", str(out), "--engine", engine, "--workers", "1", "-q")
    assert proc.returncode == 2 and "index.sqlite: a SQLite database of something else (tables users)" in proc.stderr, proc.stderr
    assert theirs.read_bytes() == before
    theirs.write_text("not a database at all\n", encoding="utf-8")
    proc = in_process("run", str(SEEDS), "--out", str(out), "--engine", engine, "--workers", "1", "-q")
    assert proc.returncode == 2 and "index.sqlite: not a dedup index" in proc.stderr, proc.stderr
    assert theirs.read_text(encoding="utf-8") == "not a database at all\n"


def test_work_in_flight_is_bounded_by_bytes_as_well_as_by_records(monkeypatch):
    """Records of 100 KB: a worker pool takes in what its byte budget holds before the first result comes
    back, not its 16 chunks of 64 records a worker (2,049 records pulled before: 205 MB of input)."""
    from cleaner import workers
    from cleaner.models import Document

    monkeypatch.setattr(workers, "IN_FLIGHT_BYTES", 1 << 20)
    monkeypatch.setattr(workers, "CHUNK_BYTES", 256 << 10)
    pulled = 0
    sentence = "Le conseil municipal a voté le budget de la ville après un long débat. "

    def documents():
        nonlocal pulled
        for k in range(3_000):
            pulled += 1
            yield Document(id=f"d{k}", text=sentence * 1_400)  # ~100 KB

    stream = workers.prepare_stream(documents(), Config.load(lang_backend="fasttext"), workers=2, gates=False, sign=False)
    first = next(stream)
    assert first.id == "d0" and pulled <= 2 * (1 << 20) // 100_000 + 2 * 3 + 1, pulled  # budget, plus a chunk or two
    stream.close()


@pytest.mark.parametrize("engine", ["local", "dask"])
@pytest.mark.parametrize("name, options", [("corpus.jsonl", ()), ("report.json", ()), ("manifest.json", ()),
                                           ("raw-00000.jsonl.gz", ("--compression", "gz", "--shard-docs", "2"))])
def test_a_folder_where_the_run_writes_a_file_is_refused_before_anything_is_read(tmp_path, in_process, engine, name,
                                                                                  options):
    """A folder named as a file the run writes in DIR (`corpus.jsonl/`) is one line and exit 2 before any
    document is read, as the README promises: it was found once every document was prepared and deduplicated."""
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    proc = in_process("run", str(SEEDS), "--out", str(out), "--engine", engine, "--workers", "1", "-q", *options)
    assert proc.returncode == 2 and proc.stderr == f"cleaner: {out / name}: is a folder, not a file to write\n", proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [name]


@pytest.mark.parametrize("damage", ["report.json gone", "corpus.jsonl gone", "report.json damaged", "manifest.json a list"])
def test_a_finished_run_missing_an_output_is_run_again(tmp_path, damage):
    """A finished run whose report.json or an output its manifest lists is gone is made again, not said to be
    complete: it ended in `report.json: No such file or directory` (exit 2), left corpus.jsonl gone, or, for
    a manifest.json that is JSON but no object, in a traceback."""
    out = tmp_path / "out"
    Runner(Config.load(), [str(SEEDS)], out, RunOptions(progress="quiet")).run()
    before = _bytes(out)
    name, how = damage.split(" ", 1)
    if how == "gone":
        (out / name).unlink()
    else:
        (out / name).write_text("[1]\n" if how == "a list" else "{", encoding="utf-8")
    summary = Runner(Config.load(), [str(SEEDS)], out, RunOptions(progress="quiet")).run()
    assert not summary.up_to_date and summary.stats.read == 5 and _bytes(out) == before
    assert Runner(Config.load(), [str(SEEDS)], out, RunOptions(progress="quiet")).run().up_to_date


@pytest.mark.parametrize("manifest", ["garbage\n", "{}\n"])
def test_a_finished_run_whose_manifest_is_damaged_is_said_to_be_replaced(tmp_path, in_process, manifest):
    """A run folder whose manifest.json is not one cleaner writes (not JSON, or `{}`) had its outputs replaced
    without a word, as if it held no run (a QA pass): the run says why it runs again, as for a damaged report."""
    out = tmp_path / "out"
    assert in_process("run", str(SEEDS), "--out", str(out), "-q").returncode == 0
    before = _bytes(out)
    (out / "manifest.json").write_text(manifest, encoding="utf-8")
    proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1")
    why = ("not JSON (Expecting value)" if manifest.startswith("g")
           else "not a manifest of cleaner's ('outputs' is not a list of files)")
    assert proc.returncode == 0 and proc.stderr.startswith(
        f"cleaner run: {out}/ holds a run whose manifest cannot be read ({out / 'manifest.json'}: {why}): running "
        "again, its outputs will be replaced\n"), proc.stderr
    assert _bytes(out) == before


def test_a_full_disk_is_an_oserror_naming_the_file_it_was_writing(tmp_path, monkeypatch):
    """A full disk while the run state, a JSONL output or a Parquet output is written is an OSError naming
    that file (the CLI's one line and exit 2), and leaves no temporary file: it was SQLite's `database or
    disk is full` traceback for the state, and `[Errno 28] No space left on device`, naming nothing, for
    the outputs."""
    import errno

    import pyarrow.parquet

    from cleaner.io.writers import JsonlWriter, ParquetWriter, parquet_columns

    state = RunState(tmp_path / "state.sqlite")
    state._db.execute("PRAGMA max_page_count = 16")  # SQLite's own limit: SQLITE_FULL, as a full disk gives
    with pytest.raises(OSError) as full:
        state.set(note=os.urandom(200_000).hex())
    assert (full.value.errno, full.value.filename) == (errno.ENOSPC, str(tmp_path / "state.sqlite"))
    state.close()
    for lines in (1, 10_000):  # the last buffer, when the file closes; or a line, as it is written
        with pytest.raises(OSError) as full, JsonlWriter("/dev/full") as out:
            for _ in range(lines):
                out.write({"id": "a", "text": "Le conseil municipal a voté le budget."})
        assert (full.value.errno, full.value.filename) == (errno.ENOSPC, "/dev/full")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")

    monkeypatch.setattr(pyarrow.parquet.ParquetWriter, "write_table", no_space)
    with pytest.raises(OSError) as full, ParquetWriter(tmp_path / "out" / "raw.parquet", parquet_columns("raw")) as out:
        out.write({"id": "a", "text": "Le conseil municipal a voté le budget."})
    assert (full.value.errno, full.value.filename) == (errno.ENOSPC, str(tmp_path / "out" / "raw.parquet"))
    assert not list((tmp_path / "out").iterdir())


def test_a_file_size_limit_met_by_the_run_state_is_one_line_naming_it_not_a_traceback(tmp_path):
    """Under `ulimit -f` (or a disk quota) SQLite's write fails with `disk I/O error` (`SQLITE_IOERR_WRITE`), not its
    `disk is full`: the run ended in a 25-line traceback, exit 1 (found by a QA pass). It is the one line naming the
    state file, exit 2, as a full disk is."""
    import resource

    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": f"d{k}", "text": f"Article {k}. " + " ".join(
        f"mot{(k * 7919 + j) % 5003}" for j in range(400))}) + "\n" for k in range(300)), encoding="utf-8")

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (400_000, 400_000))

    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out"),
                           "--workers", "1", "-q"], capture_output=True, text=True, preexec_fn=limited, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(f"cleaner: {tmp_path / 'out'}/") and "disk I/O error (SQLITE_IOERR_WRITE: a file size limit" in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr


def test_shard_numbers_past_99999_are_the_runs_own_files(tmp_path):
    """Shard 100,000 is `corpus-100000.jsonl` (`{:05d}`), which the patterns of a run's files took for five digits
    only: a rerun did not remove it and `review` did not read it (found by a QA pass)."""
    from cleaner.io.outputs import output_files
    from cleaner.runner import OUTPUT_FILE

    files = ["corpus-99999.jsonl", "corpus-100000.jsonl", "rejects-100000.jsonl.gz", "raw-1000000.parquet"]
    (tmp_path / "manifest.json").write_text(json.dumps({"outputs": [{"file": f} for f in files]}), encoding="utf-8")
    assert output_files(tmp_path, "corpus") == [tmp_path / "corpus-99999.jsonl", tmp_path / "corpus-100000.jsonl"]
    assert all(OUTPUT_FILE.fullmatch(f) for f in files) and not OUTPUT_FILE.fullmatch("corpus-0001.jsonl")


def test_every_file_a_run_writes_has_the_permissions_the_umask_gives_a_new_file(tmp_path):
    """Under umask 002 the outputs were 0664, but the run's own `index.sqlite` 0644: SQLite creates its file 0644
    whatever the umask, so a group sharing an index could not write it (found by a QA pass)."""
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(SEEDS), "--out", str(out), "--workers", "1", "-q"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False, preexec_fn=lambda: os.umask(0o002))
    assert proc.returncode == 0, proc.stderr
    assert {f.name: oct(f.stat().st_mode & 0o777) for f in out.iterdir()} == {f.name: "0o664" for f in out.iterdir()}


@pytest.mark.parametrize(("damage", "why"), [("not a database", "file is not a database"),
                                            ("pages overwritten", "database disk image is malformed")])
def test_a_damaged_run_state_is_one_line_saying_how_to_start_over(tmp_path, in_process, damage, why):
    """A `DIR/.cleaner/state.sqlite` that SQLite cannot read was a traceback, with `--restart` too: it now names
    the file and says to remove the state folder, as the run cannot know what the interrupted run had done."""
    out = tmp_path / "out"
    state = out / STATE / "state.sqlite"
    if damage == "not a database":
        state.parent.mkdir(parents=True)
        state.write_bytes(b"an interrupted run's state, damaged\n" * 50)
    else:
        with RunState(state) as run_state:
            run_state.set(fingerprint="{}", stage="prepare")
        blob = state.read_bytes()
        state.write_bytes(blob[:100] + bytes(range(256)) * ((len(blob) - 100) // 256 + 1))
    for restart in ([], ["--restart"]):
        proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", *restart)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"cleaner: {state}: a damaged run state ({why}): "
            f"remove {out / STATE}/ to start over"]
        assert "Traceback" not in proc.stderr


def test_the_same_inputs_in_another_order_are_the_same_run(tmp_path, in_process):
    """The output does not depend on the inputs' order, but the fingerprint did: `run b a` after `run a b` with a
    shared index started over, and every document of the first run became `already_indexed`, an empty corpus."""
    a, b = sorted(SEEDS.iterdir())[:2]
    index, out = tmp_path / "index.sqlite", tmp_path / "out"
    first = in_process("run", str(a), str(b), "--out", str(out), "--index", str(index), "--workers", "1", "-q")
    assert first.returncode == 0, first.stderr
    made = _bytes(out)
    again = in_process("run", str(b), str(a), "--out", str(out), "--index", str(index), "--workers", "1")
    assert again.returncode == 0 and "already complete" in again.stderr, again.stderr
    assert _bytes(out) == made and len(made["corpus.jsonl"].splitlines()) == 2
    other = tmp_path / "other"
    assert in_process("run", str(b), str(a), "--out", str(other), "--workers", "1", "-q").returncode == 0
    inputs = [json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["inputs"] for folder in (out, other)]
    assert inputs[0] == inputs[1] and [Path(f["path"]) for f in inputs[0]] == [a, b]


def _finished_with_bad_input(tmp_path: Path, in_process) -> tuple[Path, Path, dict[str, bytes]]:
    """A run of one good record and one malformed line, finished without `--strict`: its input, its folder and the
    bytes of its outputs."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    src.write_text('{"id": "a", "text": "Le conseil municipal a voté le budget de la ville."}\n{"id": "b", broken\n',
                   encoding="utf-8")
    assert in_process("run", str(src), "--out", str(out), "--workers", "1", "-q").returncode == 0
    return src, out, _bytes(out)


def test_strict_on_a_finished_run_that_met_bad_input_stops(tmp_path, in_process):
    """A finished run made without `--strict` that rejected bad input, run again with `--strict`, said "already
    complete" with exit 0, so a check with `--strict` passed on unsound inputs. It now stops (exit 3) saying what
    the run met; a finished run of sound inputs is still complete with `--strict`."""
    src, out, made = _finished_with_bad_input(tmp_path, in_process)
    again = in_process("run", str(src), "--out", str(out), "--workers", "1", "--strict")
    assert again.returncode == 3, again.stderr
    assert again.stderr.strip() == (f"cleaner: --strict: {out}/ holds a finished run of these inputs, made without "
                                    "--strict, that met bad input (bad_input 1; see its report.json): --restart "
                                    "--strict stops at the first")
    assert _bytes(out) == made
    sound = tmp_path / "sound"
    assert in_process("run", str(SEEDS), "--out", str(sound), "--workers", "1", "-q").returncode == 0
    complete = in_process("run", str(SEEDS), "--out", str(sound), "--workers", "1", "--strict")
    assert complete.returncode == 0 and "already complete" in complete.stderr, complete.stderr


def test_a_restart_that_stops_leaves_no_finished_runs_outputs(tmp_path, in_process):
    """`run --restart --strict` over a finished run, stopped at bad input (exit 3), left that run's corpus, report and
    manifest, which said it finished, its index.sqlite removed (a QA pass): the outputs go as the restart begins, with
    the index; a rerun makes them again."""
    src, out, made = _finished_with_bad_input(tmp_path, in_process)
    stopped = in_process("run", str(src), "--out", str(out), "--workers", "1", "--strict", "--restart", "-q")
    assert stopped.returncode == 3, stopped.stderr
    assert [path.name for path in out.iterdir() if path.name != STATE] == []
    assert in_process("run", str(src), "--out", str(out), "--workers", "1", "-q").returncode == 0
    assert _bytes(out) == made


def test_a_strict_stop_before_a_record_is_saved_leaves_no_folder_it_made(tmp_path, in_process):
    """`run nosuch.jsonl --out out/new --strict` (exit 3) left out/new/.cleaner/state.sqlite, and the next run said
    the folder held a run "stopped before it had saved a prepared record" (a QA pass): the folders the run made are
    removed, as a run refused at a bad pack leaves none; a folder that was there stays, without the state, and a rerun
    into it runs from the first record without that word."""
    new = tmp_path / "out" / "new"
    proc = in_process("run", "nosuch.jsonl", "--out", str(new), "--workers", "1", "--strict", cwd=tmp_path)
    assert proc.returncode == 3 and "nosuch.jsonl: no such file or folder" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []
    there = tmp_path / "there"
    there.mkdir()
    args = ("run", "nosuch.jsonl", "--out", str(there), "--workers", "1")
    assert in_process(*args, "--strict", cwd=tmp_path).returncode == 3
    assert list(there.iterdir()) == []
    again = in_process(*args, cwd=tmp_path)
    assert again.returncode == 0 and "stopped before" not in again.stderr, again.stderr


@pytest.mark.parametrize("stop, code", [(OSError(28, "No space left on device"), 2), (KeyboardInterrupt(), 130)])
def test_a_run_stopped_before_a_record_is_saved_leaves_no_state_whatever_stopped_it(tmp_path, in_process, monkeypatch,
                                                                                     stop, code):
    """A full disk at the first save (any error) or a Ctrl-C before a record was saved left the empty state, and the
    folder the run made: the next run said it held a run "stopped before it had saved a prepared record" (a review;
    a `--strict` stop alone removed them). Every stop does now. A run that starts over on a finished one has removed
    that run's outputs as it began, so the folder holds what the run does not write alone."""
    there = tmp_path / "there"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "n1", "text": "Le conseil municipal a voté le budget de la ville."}) + "\n")
    assert in_process("run", str(other), "--out", str(there), "--workers", "1", "-q").returncode == 0
    (there / "notes.txt").write_text("mine")
    new = tmp_path / "out" / "new"

    def stopped(state: RunState, start: int, rows: list) -> None:
        raise stop

    with monkeypatch.context() as patched:
        patched.setattr(RunState, "add", stopped)
        for out in (new, there):
            proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "-q")
            assert proc.returncode == code, proc.stderr
    assert not (tmp_path / "out").exists() and [p.name for p in there.iterdir()] == ["notes.txt"]
    again = in_process("run", str(SEEDS), "--out", str(there), "--workers", "1")
    assert again.returncode == 0 and "stopped before" not in again.stderr, again.stderr


def test_a_finished_run_whose_output_was_cut_short_runs_again(tmp_path, in_process):
    """"Already complete" checked that the manifest's outputs exist, not that they hold what was written: a
    corpus cut short (`head corpus.jsonl > x; mv x corpus.jsonl`) stayed so with "nothing to do". Each output's
    SHA-256, which the manifest holds, is now compared."""
    out = tmp_path / "out"
    assert in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "-q").returncode == 0
    made = _bytes(out)
    corpus = out / "corpus.jsonl"
    corpus.write_bytes(b"".join(made["corpus.jsonl"].splitlines(keepends=True)[:2]))
    again = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert "report.json or an output its manifest lists is gone or changed: running again" in again.stderr
    assert _bytes(out) == made


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_an_unreadable_input_is_a_rejection_and_the_run_goes_on(tmp_path, in_process, engine):
    """`cleaner run` hashed every input for its manifest before reading any, so one unreadable file stopped the
    whole run (`cleaner: b.jsonl: Permission denied`, exit 2) where `cleaner clean` rejects it and goes on. It is
    now a `bad_input` rejection there too. `/proc/sys/vm/drop_caches` is write-only, even for root."""
    sound = tmp_path / "a.jsonl"
    sound.write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget de la ville."}) + "\n",
                     encoding="utf-8")
    unreadable = tmp_path / "b.jsonl"
    unreadable.symlink_to("/proc/sys/vm/drop_caches")
    out = tmp_path / "out"
    run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
    proc = run("run", str(sound), str(unreadable), "--out", str(out), "--workers", "1", "--engine", engine, "-q")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()] == ["a"]
    assert [json.loads(line) for line in (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()] == [
        {"stage": "read", "reason": "bad_input", "detail": f"{unreadable}: Permission denied"}]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][1] == {"path": str(unreadable), "unreadable": "Permission denied"}


def test_an_input_changed_while_the_run_reads_it_stops_the_run_and_a_rerun_starts_over(tmp_path, in_process,
                                                                                       monkeypatch):
    """A file cut short (or replaced) while the run read it lost its records without a word: the manifest held the
    hash of what the file was at the start, so once the file was back the run was "already complete", records
    missing (found by a QA pass). The inputs are hashed again once read: a change stops the run, naming the file,
    exit 2, with nothing kept of its state, and the same command once the file is back gives every record."""
    texts = [f"Le conseil municipal de la ville numéro {k} a voté un budget de {k} millions pour les écoles et routes."
             for k in range(12)]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps({"id": f"a{k}", "text": t}) + "\n" for k, t in enumerate(texts[:4])), "utf-8")
    whole = "".join(json.dumps({"id": f"b{k}", "text": t}) + "\n" for k, t in enumerate(texts[4:]))
    b.write_text(whole, encoding="utf-8")
    reference = tmp_path / "reference"
    assert in_process("run", str(a), str(b), "--out", str(reference), "-j", "1", "-q").returncode == 0
    read_inputs = runner.read_inputs

    def cutting(*args, **kwargs):
        for n, item in enumerate(read_inputs(*args, **kwargs)):
            if n == 1:  # a.jsonl being read: b.jsonl is cut to its first two records
                b.write_text("".join(whole.splitlines(keepends=True)[:2]), encoding="utf-8")
            yield item

    monkeypatch.setattr(runner, "read_inputs", cutting)
    out = tmp_path / "out"
    proc = in_process("run", str(a), str(b), "--out", str(out), "-j", "1", "-q")
    assert proc.returncode == 2
    assert proc.stderr == (f"cleaner: {b}: changed while the run read it ({len(whole.encode()):,} bytes when it "
                           f"started, {b.stat().st_size:,} bytes now): the records read from it may be too few or of "
                           "two versions, so the run stops before deduplicating, and starts over when run again\n")
    assert not (out / "corpus.jsonl").exists()
    monkeypatch.setattr(runner, "read_inputs", read_inputs)
    b.write_text(whole, encoding="utf-8")
    proc = in_process("run", str(a), str(b), "--out", str(out), "-j", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


def test_the_inputs_are_checked_where_the_run_was_started(tmp_path, monkeypatch):
    """A run resumed from another folder reads its relative input paths from the folder it was started in (its
    `cwd`): the check that its inputs did not change while it read them does too, and tells only their bytes."""
    from cleaner.manifest import InputChangedError, check_unchanged, fingerprint

    (tmp_path / "in").mkdir()
    src = tmp_path / "in" / "news.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Un texte."}) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "in")
    fp = fingerprint(Config.load(), ["news.jsonl", "./news.jsonl"], {})
    assert [f["path"] for f in fp["inputs"]] == ["news.jsonl"]
    monkeypatch.chdir(tmp_path)  # resumed from elsewhere
    check_unchanged(fp)
    src.write_text(json.dumps({"id": "a", "text": "Un autre."}) + "\n", encoding="utf-8")
    with pytest.raises(InputChangedError) as caught:
        check_unchanged(fp)
    assert caught.value.filename == str(src)
    assert "(33 bytes when it started, the same size, another content now)" in caught.value.strerror


def _reasons(out: Path) -> dict[str, str]:
    rejects = (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(x).get("id"): json.loads(x)["reason"] for x in rejects}


def test_a_finished_run_whose_index_is_gone_or_another_runs_again(tmp_path, in_process):
    """A finished run whose index no longer holds its documents (the shared --index removed, or another index
    put in its place; the run's own DIR/index.sqlite removed) was "already complete, nothing to do", and the
    index never got them back: a later batch against it kept copies of the run's documents. It runs again,
    saying why on one line."""
    index, out = tmp_path / "x" / "idx.sqlite", tmp_path / "out"
    args = ("run", str(SEEDS), "--out", str(out), "--index", str(index), "--workers", "1")
    assert in_process(*args, "-q").returncode == 0
    made = _bytes(out)
    for end in ("", "-wal", "-shm"):
        Path(f"{index}{end}").unlink(missing_ok=True)
    again = in_process(*args)
    assert again.returncode == 0, again.stderr
    assert f"{out}/ holds a finished run whose kept documents are not in its index ({index} is gone): running again" \
        in again.stderr
    assert "warning:" not in again.stderr and "already complete" not in again.stderr
    assert _bytes(out) == made
    later = tmp_path / "later"
    assert in_process("run", str(SEEDS), "--out", str(later), "--index", str(index), "-q").returncode == 0
    assert set(_reasons(later).values()) == {"already_indexed"} and len(_reasons(later)) == 5
    shutil.rmtree(index.parent)  # another index in its place: one that holds one of the seeds, from another run
    one = min(SEEDS.iterdir())
    assert in_process("run", str(one), "--out", str(tmp_path / "one"), "--index", str(index), "-q").returncode == 0
    again = in_process(*args)
    assert again.returncode == 0, again.stderr
    assert f"({index} does not hold that run's batch: another index is in its place): running again" in again.stderr
    assert list(_reasons(out).values()) == ["already_indexed"]
    assert "already complete" in in_process(*args).stderr
    moved = tmp_path / "moved"  # its batch is named after the folder's old path; it holds the run's documents
    out.rename(moved)
    assert "already complete" in in_process("run", str(SEEDS), "--out", str(moved), "--index", str(index)).stderr
    own = tmp_path / "own"
    assert in_process("run", str(SEEDS), "--out", str(own), "--workers", "1", "-q").returncode == 0
    made = _bytes(own)
    (own / "index.sqlite").unlink()
    again = in_process("run", str(SEEDS), "--out", str(own), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert f"not in its index ({own}/index.sqlite is gone): running again" in again.stderr
    assert _bytes(own) == made and (own / "index.sqlite").is_file()


def test_a_run_continued_after_its_documents_went_in_finishes_under_its_own_batch_name(news, tmp_path, in_process):
    """A run killed once the index took its documents in, then `--continue`d with another config: its batch
    kept the name of the fingerprint it was decided with, so the index did not hold the finished run's
    batch (its rerun could not take its documents out, and a finished run's check of its index found none).
    The batch now goes by the name of the run that finishes, and the run is complete."""
    import sqlite3

    from cleaner.manifest import batch_name

    index, out = tmp_path / "shared.sqlite", tmp_path / "a"
    _, fp = _decided(news, out, index)
    with RunState(out / STATE / "state.sqlite") as state, Deduplicator(index, DedupParams()) as dedup:
        state.set(batch=batch_name(out, fp))
        dedup.index.add_batch(batch_name(out, fp), ((*row, ()) for row in state.kept_rows()))
    args = ("run", str(news), "--out", str(out), "--index", str(index), "--workers", "1", "--min-chars", "2")
    proc = in_process(*args, "--continue")
    assert proc.returncode == 0, proc.stderr
    assert "although its config changed" in proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["continued_from"] == [{"config": {"min_chars": 1}}]
    finished = {k: v for k, v in manifest.items() if k not in ("outputs", "counts", "continued_from")}
    with sqlite3.connect(index) as db:
        assert [name for (name,) in db.execute("SELECT name FROM batches")] == [batch_name(out, finished)]
    assert "already complete" in in_process(*args).stderr
    over = in_process(*args, "--restart")
    assert over.returncode == 0 and "are taken out of" in over.stderr and "cannot tell" not in over.stderr, over.stderr
    assert "already_indexed" not in set(_reasons(out).values())


def test_a_dask_only_flag_without_the_dask_engine_is_refused(tmp_path, in_process):
    """`--split-mb` without `--engine dask` was silently ignored (the local engine reads no splits), as
    `--scheduler` was not: each is refused, exit 2, one line naming it, before anything is made."""
    for flag, value in (("--split-mb", "5"), ("--scheduler", "tcp://127.0.0.1:9")):
        proc = in_process("run", str(SEEDS), "--out", str(tmp_path / "out"), flag, value)
        assert proc.returncode == 2
        assert proc.stderr == f"cleaner: {flag} needs --engine dask (the local engine does not use it)\n"
        assert not (tmp_path / "out").exists()


def test_an_input_that_names_no_file_is_said_on_stderr(tmp_path, in_process):
    """A mistyped input path (or a glob that matches nothing) is a bad_input rejection and the run goes on,
    exit 0, as with `cleaner clean`; but the terminal said only "1 document read, 0 kept, 1 rejected
    (bad_input 1)", naming no path. Each such input now has a line of its own (none with --quiet)."""
    out, missing, glob = tmp_path / "out", tmp_path / "nosuchfile.jsonl", str(tmp_path / "in" / "*.jsonl")
    proc = in_process("run", str(missing), str(SEEDS), glob, "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"cleaner run: {missing}: no such file or folder (input rejected as bad_input)\n" in proc.stderr
    assert f"cleaner run: {glob}: no file matches (input rejected as bad_input)\n" in proc.stderr
    rejects = (out / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(r)["detail"] for r in rejects) == sorted([f"{missing}: no such file or folder",
                                                                       f"{glob}: no file matches"])
    again = in_process("run", str(missing), str(SEEDS), glob, "--out", str(out), "--workers", "1")
    assert "already complete" in again.stderr and f"{missing}: no such file or folder" in again.stderr
    assert in_process("run", str(missing), str(SEEDS), glob, "--out", str(out), "-q").stderr == ""


def test_continue_is_refused_when_the_inputs_would_be_read_in_another_encoding(tmp_path, in_process):
    """`--continue` with another `--encoding` was taken as a config change: the records prepared before were kept,
    read in the first encoding, beside the rest read in the second. Refused, as another `--input-format` is."""
    from cleaner.manifest import fingerprint

    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(SEEDS)], out, RunOptions(workers=1, progress="quiet"))
    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
    proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "--encoding", "cp1252", "--continue")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: --continue: the interrupted run read its inputs with "
                                                 "--encoding utf-8, not cp1252, so its work cannot be kept; run again "
                                                 "without --continue to start over\n")


def test_a_run_interrupted_before_the_shingles_changed_starts_over(tmp_path, in_process):
    """A run interrupted under a version of cleaner that shingled otherwise (a Chinese "word" was a clause) went on
    with its prepared documents' signatures, compared and indexed with the new ones: a near-copy of one of them
    was kept. The fingerprint names the normal form and shingle hash; a fingerprint without them is of a run made
    before, which starts over, and `--continue` is refused."""
    from cleaner.manifest import SIGNED_WITH, fingerprint

    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(SEEDS)], out, RunOptions(workers=1, progress="quiet"))
    fp = fingerprint(runner.config, runner.inputs, runner.options.output_options())
    assert fp["signing"] == SIGNED_WITH == {"normalisation": "nfkc-casefold-format-punct-ws-v2",
                                            "shingle_hash": "poly64-words-spaceless-chars-mix64-v2"}
    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, {k: v for k, v in fp.items() if k != "signing"}, True)  # as the version before
        runner._prepare(state, 0)
    proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "--continue")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: --continue: the interrupted run signed its documents with "
                                                 "the shingles of a version of cleaner before poly64-words-spaceless-"
                                                 "chars-mix64-v2, so its work cannot be kept; run again without "
                                                 "--continue to start over\n")
    again = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1")
    assert again.returncode == 0 and "whose signing differs; starting over\n" in again.stderr, again.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["signing"] == SIGNED_WITH


@pytest.mark.parametrize("key, value", [("num_perm", 64), ("shingle_size", 5)])
def test_continue_is_refused_when_the_signatures_would_differ(tmp_path, in_process, key, value):
    """`--continue` keeps an interrupted run's prepared documents, signatures included: with another num_perm
    they were of the wrong length (a traceback, `could not broadcast input array from shape (128,)`), with
    another shingle_size of other shingles, compared and indexed as if of these. It is refused, exit 2."""
    from cleaner.manifest import fingerprint

    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(SEEDS)], out, RunOptions(workers=1, progress="quiet"))
    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
    config = tmp_path / "c.toml"
    config.write_text(f"{key} = {value}\n", encoding="utf-8")
    proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "--config", str(config), "--continue")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    default = Config.load().model_dump()[key]
    assert proc.stderr == (f"cleaner: --continue: the interrupted run signed its documents with {key} = {default}, not "
                           f"{value}, so its work cannot be kept; run again without --continue to start over\n")
    again = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "--config", str(config))
    assert again.returncode == 0 and "starting over\n" in again.stderr, again.stderr


def test_a_config_key_added_since_a_run_at_its_default_does_not_make_it_run_again(tmp_path, in_process):
    """A finished run's manifest holds the config keys cleaner had then. A key added since (`encoding`) made every
    such run "a finished run whose config differs", run again, though its default is what cleaner did before; at
    another value, it is a change."""
    out = tmp_path / "out"
    args = ("run", str(SEEDS), "--out", str(out), "--workers", "1")
    assert in_process(*args).returncode == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"].pop("encoding") == "utf-8"  # as a run made before the key wrote it
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "already complete" in in_process(*args).stderr
    assert "whose config differs: running again" in in_process(*args, "--encoding", "latin-1").stderr


def test_a_language_backend_spelt_another_way_is_the_same_config(tmp_path, in_process):
    """`--lang-backend CLD2` (or ` cld2 `, or `lang_backend = " cld2 "` in a config file) after a run with `cld2` ran it
    again, "config differs": the name was kept as typed, where `langs` and `encoding` are kept as read. It is kept as
    the backend's name, the default's threshold and cap written out; a run made with the default's bare name when its
    cap was 40 letters (before session 44) is of another config, and runs again."""
    out, config = tmp_path / "out", tmp_path / "c.toml"
    args = ("run", str(SEEDS), "--out", str(out), "--workers", "1")
    assert in_process(*args, "--lang-backend", "cld2", "-q").returncode == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["config"]["lang_backend"] == "cld2"
    config.write_text('lang_backend = " cld2 "\n', encoding="utf-8")
    for spelt in (("--lang-backend", "CLD2"), ("--lang-backend", " cld2 "), ("--config", str(config))):
        assert "already complete" in in_process(*args, *spelt).stderr, spelt
    assert in_process(*args, "--restart", "-q").returncode == 0  # the default backend
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["lang_backend"] == "cld2+fasttext>lingua~5@0.5/100"
    assert "already complete" in in_process(*args, "--lang-backend", "cld2 + fasttext > lingua~5@0.5/100").stderr
    manifest["config"]["lang_backend"] = "cld2+fasttext>lingua~5"  # as a run made before session 44 wrote it
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "whose config differs: running again" in in_process(*args).stderr


def test_a_config_key_the_run_does_not_read_does_not_make_a_finished_run_run_again(tmp_path, in_process):
    """`max_request_docs` (read by `cleaner serve` alone) was in the fingerprint a run keeps in its manifest, so a
    shared config file changed in it made a finished run run again; so did `repeated_min_docs` and
    `repeated_min_share` with `learn_boilerplate` off, and `shape_off_sources` with `shape` off. Those keys are
    left out; a key the run reads still counts."""
    config, out = tmp_path / "c.toml", tmp_path / "out"
    args = ("run", str(SEEDS), "--out", str(out), "--workers", "1", "--config", str(config))
    config.write_text("max_request_docs = 100\n", encoding="utf-8")
    assert in_process(*args).returncode == 0
    for unread in ("max_request_docs = 200\n", "repeated_min_docs = 7\nrepeated_min_share = 0.5\n",
                   "lingua_budget = 16\n"):
        config.write_text(unread, encoding="utf-8")
        again = in_process(*args)
        assert again.returncode == 0 and "already complete" in again.stderr, (unread, again.stderr)
    again = in_process(*args, "--lingua-budget", "12")  # what a run spends on lingua, never what it writes
    assert again.returncode == 0 and "already complete" in again.stderr, again.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    unread = {"max_request_docs", "repeated_min_docs", "repeated_min_share", "lingua_budget"}
    assert not unread & manifest["config"].keys()
    manifest["config"].update(max_request_docs=100, repeated_min_docs=5)  # as a run made before wrote it
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert "already complete" in in_process(*args).stderr
    config.write_text("repeated_min_docs = 7\nlearn_boilerplate = true\n", encoding="utf-8")
    learning = in_process(*args)
    assert "whose config differs: running again" in learning.stderr, learning.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["config"]["repeated_min_docs"] == 7
    config.write_text("repeated_min_docs = 8\nlearn_boilerplate = true\n", encoding="utf-8")
    assert "whose config differs: running again" in in_process(*args).stderr
    config.write_text("min_chars = 2\n", encoding="utf-8")
    assert "whose config differs: running again" in in_process(*args).stderr
    config.write_text("shape = false\n", encoding="utf-8")  # `shape_off_sources` is read only with `shape` on
    assert "whose config differs: running again" in in_process(*args).stderr
    config.write_text('shape = false\nshape_off_sources = ["x.com"]\n', encoding="utf-8")
    assert "already complete" in in_process(*args).stderr
    config.write_text('shape_off_sources = ["x.com"]\n', encoding="utf-8")
    assert "whose config differs: running again" in in_process(*args).stderr


def test_a_run_found_already_complete_leaves_its_folder_as_it_was(tmp_path, in_process):
    """A run found already complete read its index (and a shared --index) through a read-only SQLite connection,
    which left the WAL file's `-wal` and `-shm` beside it; it now leaves the folders as the finished run did."""
    out, shared = tmp_path / "out", tmp_path / "shared" / "index.sqlite"
    for more in ((), ("--index", str(shared))):
        args = ("run", str(SEEDS), "--out", str(out), "--workers", "1", *more)
        assert in_process(*args, "--restart").returncode == 0
        finished = sorted(p.name for p in tmp_path.rglob("*"))
        again = in_process(*args)
        assert "already complete" in again.stderr, again.stderr
        assert sorted(p.name for p in tmp_path.rglob("*")) == finished
        assert not [p for p in tmp_path.rglob("*.sqlite-*")]


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_run_refused_at_its_rule_packs_makes_no_output_folder(tmp_path, in_process, engine):
    """An unknown `--disable-rule` id or a broken `--rules` pack was refused, exit 2, once `--out` was made, which was
    left empty (a QA pass): the packs are loaded before, as a bad config value is refused before."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n", encoding="utf-8")
    for flags in (["--disable-rule", "fr.nope"], ["--rules", str(bad)]):
        out = tmp_path / "out"
        proc = in_process("run", str(SEEDS), "--out", str(out), "--engine", engine, "-q", *flags)
        assert proc.returncode == 2 and proc.stderr.startswith("cleaner: "), proc.stderr
        assert not out.exists()


@pytest.mark.parametrize("flag", ["--workers", "-j"])
def test_workers_with_a_scheduler_is_refused_as_the_dask_only_flags_are(tmp_path, in_process, flag):
    """`--workers N --engine dask --scheduler ADDR` ran on the cluster's own workers, N ignored without a word (it
    sizes the LocalCluster started without --scheduler): refused, exit 2, one line, before anything is made, as
    `--split-mb` without `--engine dask` is."""
    out = tmp_path / "out"
    proc = in_process("run", str(SEEDS), "--out", str(out), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9", flag, "2")
    assert proc.returncode == 2
    assert proc.stderr == ("cleaner: --workers is the size of the LocalCluster that --engine dask starts without "
                           "--scheduler; the cluster at --scheduler runs the workers started for it (dask worker "
                           "--nworkers N)\n")
    assert not out.exists()


def test_a_run_checks_near_threshold_pairs_against_their_clean_texts(tmp_path, in_process):
    """The run's dedup holds no text: it reads the clean texts of its near-threshold pairs back from its state, so
    documents sharing only a long footer are kept (56 of these 300 were `duplicate`s by a lucky estimate), and a
    duplicate verified exactly says so."""
    from cleaner import clean
    from cleaner.dedup import jaccard, shingles

    docs = [{"id": doc_id, "text": text} for doc_id, text in footer_articles(300)]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs))
    assert in_process("run", str(src), "--out", str(tmp_path / "out"), "-q").returncode == 0
    texts = {c.id: c.text for c in clean(docs)}
    rejects = [json.loads(line) for line in (tmp_path / "out" / "rejects.jsonl").open()]
    assert len(rejects) < 10
    for r in rejects:
        true = jaccard(shingles(texts[r["id"]]), shingles(texts[r["dup_of"]]))
        assert true >= 0.5
        if "verified exactly" in r["detail"]:
            assert r["similarity"] == round(true, 4)


def test_the_printed_summary_shows_the_reports_dedup_index_and_skipped_records(tmp_path, in_process):
    """report.json counts the duplicate groups, the documents the index holds and the input records that are not
    documents (a WARC's requests and images), but the printed summary showed none of them: of a WARC of 6 records,
    "2 documents read" and no word of the other 4. Each is a line now, before the rule table."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc, text = tmp_path / "pages.warc.gz", "Le gouvernement a présenté jeudi son plan pour les routes du nord. " * 8
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, kind, body in (("https://x.ma/a", "text/html", text), ("https://x.ma/b", "text/html", text),
                                ("https://x.ma/i.jpg", "image/jpeg", "\xff")):
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            page = f"<html><body><article><p>{body}</p></article></body></html>" if kind == "text/html" else body
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.encode()), http_headers=headers))
    out = tmp_path / "out"
    proc = in_process("run", str(warc), str(SEEDS), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (report["clusters"], report["index_documents"]) == (1, 6)
    assert report["inputs"]["skipped"] == {"warc request": 3, "warc response image/jpeg": 1}
    lines = proc.stderr.splitlines()
    at = lines.index("dedup: 1 duplicate group, index.sqlite holds 6 documents")
    assert lines[at + 1:at + 3] == ["skipped, not documents: warc request 3, warc response image/jpeg 1",
                                    "  rule                       docs       chars"]
    shared = in_process("run", str(SEEDS), "--out", str(tmp_path / "b"), "--workers", "1", "--index", str(tmp_path / "i.sqlite"))
    assert f"\ndedup: 0 duplicate groups, {tmp_path / 'i.sqlite'} holds 5 documents\n  rule" in shared.stderr
    assert "skipped" not in shared.stderr


PACK = ("description: a test pack\nrules:\n  - id: extra.nothing\n    kind: line\n    phrases: [Never in a seed]\n"
        "    description: a line no seed has\n    examples:\n      remove: [Never in a seed]\n      keep: [Never]\n")


def test_the_same_inputs_index_and_rules_spelt_another_way_are_the_same_run(tmp_path, in_process):
    """`run data/a.txt --out D` then the same input by its absolute path, or through a symlinked folder, made another
    fingerprint: the whole run ran again (found by a QA pass), and so did a shared `--index` or a `--rules` folder spelt
    another way. Paths are compared as the files they name: each spelling finds the run complete, and several inputs
    spelt each their own way are read in one order (the manifest's), whatever the command line's."""
    data = tmp_path / "data"
    data.mkdir()
    a, b = (Path(shutil.copy(p, data)).name for p in sorted(SEEDS.iterdir())[:2])
    (tmp_path / "link").symlink_to(data)
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "extra.yaml").write_text(PACK, encoding="utf-8")
    first = in_process("run", f"data/{b}", f"data/{a}", "--out", "out", "--index", "index.sqlite", "--rules", "packs",
                    "--workers", "1", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    made = _bytes(tmp_path / "out")
    manifest = json.loads(made["manifest.json"])
    assert [f["path"] for f in manifest["inputs"]] == [f"data/{a}", f"data/{b}"]
    for inputs in ([str(data / a), f"link/{b}"], [str(tmp_path / "link" / b), f"./data/{a}"]):
        again = in_process("run", *inputs, "--out", str(tmp_path / "out"), "--index", str(tmp_path / "link" / ".." / "index.sqlite"),
                        "--rules", str(tmp_path / "packs") + "/", "--workers", "1", cwd=tmp_path)
        assert again.returncode == 0 and "already complete" in again.stderr, (inputs, again.stderr)
    assert _bytes(tmp_path / "out") == made
    other = in_process("run", f"data/{a}", "--out", "out", "--index", "index.sqlite", "--rules", "packs", cwd=tmp_path)
    assert "holds a finished run whose inputs differ" in other.stderr  # one input fewer is another run


def test_the_summary_says_one_worker_in_the_singular(tmp_path, in_process):
    """The summary said `1 workers (local)` (found by a QA pass)."""
    proc = in_process("run", str(SEEDS), "--out", str(tmp_path / "out"), "--workers", "1")
    assert proc.returncode == 0 and " 1 worker (local)\n" in proc.stderr, proc.stderr


def test_a_run_stopped_before_it_prepared_a_record_is_not_said_to_resume(tmp_path, in_process):
    """A rerun after a Ctrl-C during start-up said `resuming: 0 input records already done (stage prepare)` (found
    by a QA pass): it says the run stopped before it had saved a prepared record, and starts from the first."""
    from cleaner.manifest import fingerprint

    out = tmp_path / "out"
    runner = Runner(Config.load(), [str(SEEDS)], out, RunOptions(workers=1, progress="quiet"))
    out.mkdir()
    with RunState(out / STATE / "state.sqlite") as state:  # its state made, no record prepared
        runner._resume_point(state, fingerprint(runner.config, runner.inputs, runner.options.output_options()), True)
    proc = in_process("run", str(SEEDS), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "resuming:" not in proc.stderr, proc.stderr
    assert (f"{out}/ holds a run stopped before it had saved a prepared record (every 256 records, 16 M characters or "
            "10 s): starting from the first") in proc.stderr


def test_a_rate_under_ten_a_second_is_said_with_two_figures_not_as_zero():
    """A run of 2 MB documents ended `122.7 s, 0 docs/s` and its log lines said `0 docs/s` (a QA pass): under 10 a
    second a rate has two figures (2.0 said `2`, a QA pass); from 10, whole numbers as before."""
    from cleaner.report import per_second

    assert [per_second(r) for r in (50 / 122.7, 3.24, 9.4, 10.2, 1509.3, 0.0, 1e-5, 2.0, 0.1, 9.96)] == [
        "0.41", "3.2", "9.4", "10", "1,509", "0", "under 0.01", "2.0", "0.10", "10"]
    with RunProgress("cleaner run", mode="bar") as progress:  # the terminal's bar says it so too (a review)
        progress.update(1, 100)
        rate = progress._bar.tasks[0].fields["rate"]
        assert isinstance(rate, str) and rate.replace(",", "").replace(".", "").isdigit()


def test_a_resumed_bar_and_a_rate_not_finite_are_said_as_others_are():
    """A resumed run's bar said `0.0 docs/s` where a fresh one says `0` (`start_at` gave the rate as a float), and a
    NaN rate was `under 0.01` (a review): a rate that is not finite is said as Python says it."""
    from cleaner.report import per_second

    assert [per_second(r) for r in (math.nan, math.inf)] == ["nan", "inf"]
    with RunProgress("cleaner run", mode="bar") as progress:
        fresh = progress._bar.tasks[0].fields["rate"]
        progress.start_at(500, 1000, 1_300_000)
        assert progress._bar.tasks[0].fields["rate"] == fresh == "0"


def test_a_resume_that_had_no_record_left_to_read_says_no_rate(tmp_path, in_process):
    """A resume that had only dedup and writing left said `0 docs/s … resumed after 5 records`, a rate of nothing
    read (found by a QA pass): it says no rate, and that every record was done before."""
    _interrupted(SEEDS, tmp_path / "out")
    proc = in_process("run", str(SEEDS), "--out", str(tmp_path / "out"), "--workers", "1")
    line = next(line for line in proc.stderr.splitlines() if line.startswith("cleaner run -> "))
    assert proc.returncode == 0 and "docs/s" not in line and line.endswith(" s, 1 worker (local), resumed with all 5 "
                                                                           "records done"), line


def _interrupted(src: Path, out: Path) -> None:
    """A run of `src` into `out` stopped once every record is prepared, before dedup."""
    from cleaner.manifest import fingerprint

    runner = Runner(Config.load(), [str(src)], out, RunOptions(workers=1, progress="quiet"))
    out.mkdir()
    with RunState(out / STATE / "state.sqlite") as state:
        runner._prepare(state, runner._resume_point(state, fingerprint(runner.config, runner.inputs,
                                                                       runner.options.output_options()), True))


def test_an_interrupted_run_resumes_from_its_inputs_spelt_another_way(tmp_path, in_process):
    """An interrupted run given again with its input spelt another way (here relative, where it was absolute) started
    over as a run of other inputs; `--continue` was refused. It resumes, and ends as a run that never stopped."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    news = tmp_path / "news.jsonl"
    news.write_text("".join(json.dumps({"id": f"n{k}", "text": t}) + "\n" for k, t in enumerate(texts)), encoding="utf-8")
    out = tmp_path / "out"
    _interrupted(news, out)
    proc = in_process("run", "news.jsonl", "--out", "out", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0 and "resuming: 5 input records already done (stage dedup)" in proc.stderr, proc.stderr
    assert in_process("run", "news.jsonl", "--out", "whole", "--workers", "1", cwd=tmp_path).returncode == 0
    assert _bytes(out) == _bytes(tmp_path / "whole")


def test_a_run_with_a_shared_index_removes_the_own_index_of_the_run_it_replaces(tmp_path, in_process):
    """`run -o DIR` (its own `DIR/index.sqlite`), then `run -o DIR --index X`: the first run's index was left in DIR,
    stale beside a report naming X (found by a QA pass), and the second run said it took the first one's documents
    out of X, then warned that X could not tell them: they were never in it. The replaced run's own index is removed,
    as a run that starts over without --index removes it, saying so; nothing is said of X. An index given as --index
    is never removed, even one named DIR/index.sqlite."""
    out, shared = tmp_path / "out", tmp_path / "shared.sqlite"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o", "text": "Un autre texte, d'une autre source, sans copie ailleurs."}) + "\n",
                     encoding="utf-8")
    assert in_process("run", str(other), "--out", str(tmp_path / "o"), "--index", str(shared)).returncode == 0
    assert in_process("run", str(SEEDS), "--out", str(out), "--workers", "1").returncode == 0
    assert (out / "index.sqlite").exists()
    again = in_process("run", str(SEEDS), "--out", str(out), "--index", str(shared), "--workers", "1")
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[:2] == [
        f"cleaner run: {out}/ holds a finished run whose options differ: running again, its outputs will be replaced",
        (f"cleaner run: {out / 'index.sqlite'} is removed: the index of the run this one replaces, made without --index "
         f"(this run's is {shared})")]
    assert "taken out" not in again.stderr and "warning" not in again.stderr
    assert not list(out.glob("index.sqlite*")) and len((out / "corpus.jsonl").read_text().splitlines()) == 5
    named = in_process("run", str(SEEDS), "--out", str(out), "--index", str(out / "index.sqlite"), "--workers", "1")
    assert named.returncode == 0 and "is removed" not in named.stderr, named.stderr
    switched = in_process("run", str(SEEDS), "--out", str(out), "--index", str(shared), "--workers", "1")
    assert switched.returncode == 0 and "is removed" not in switched.stderr, switched.stderr
    with Deduplicator(out / "index.sqlite", DedupParams()) as dedup:
        assert len(dedup.index) == 5  # the index that run was given, left as it was


def test_a_run_without_index_does_not_remove_the_file_the_run_it_replaces_was_given_as_its_index(tmp_path, in_process,
                                                                                                 monkeypatch):
    """`run -o DIR --index DIR/index.sqlite`, then `run -o DIR` on other inputs: the second run took the file for its
    own index and replaced it, the first run's documents gone without a word (a QA pass), where the README says an
    index once given as --index is never removed, whatever its name. It is refused, naming the file, with nothing
    changed, finished or interrupted (SIGKILLed after its dedup); given --index again, the run goes on with it."""
    out, other = tmp_path / "out", tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o", "text": "Un autre texte, d'une autre source, sans copie ailleurs."}) + "\n",
                     encoding="utf-8")
    own = out / "index.sqlite"
    refused = (f"cleaner: {own}: was given as --index to the run this one replaces: starting over here without --index "
               "would remove it; give this run --index with that path to go on deduplicating against it, or another "
               "--out\n")
    assert in_process("run", str(SEEDS), "--out", str(out), "--index", str(own), "--workers", "1", "-q").returncode == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    for again in (["--restart"], ["--engine", "dask"], []):
        proc = in_process("run", str(other), "--out", str(out), "--workers", "1", *again)
        assert (proc.returncode, proc.stderr) == (2, refused)
        assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    proc = in_process("run", str(other), "--out", str(out), "--index", str(own), "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    with Deduplicator(own, DedupParams()) as dedup:
        assert len(dedup.index) == 6
    # given relatively, from another folder than this run's (the fingerprint's paths are read from its own: a review)
    rel, elsewhere = tmp_path / "rel", tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert in_process("run", str(SEEDS), "--out", "rel", "--index", "rel/index.sqlite", "--workers", "1", "-q",
                      cwd=tmp_path).returncode == 0
    proc = in_process("run", str(other), "--out", str(rel), "--workers", "1", cwd=elsewhere)
    assert (proc.returncode, proc.stderr) == (2, refused.replace(str(own), str(rel / "index.sqlite"))), proc.stderr

    def stopped(*args):
        raise KeyboardInterrupt  # as a SIGKILL while writing would stop it, its documents added to the index

    cut, cut_index = tmp_path / "cut", tmp_path / "cut" / "index.sqlite"  # no finished run there: an interrupted one
    monkeypatch.setattr(runner, "write_corpus", stopped)
    with pytest.raises(KeyboardInterrupt):
        Runner(Config.load(), [str(SEEDS)], cut, RunOptions(progress="quiet", index=cut_index)).run()
    monkeypatch.undo()
    assert not (cut / "manifest.json").exists()
    with pytest.raises(OSError, match="was given as --index to the run this one replaces"):
        Runner(Config.load(), [str(other)], cut, RunOptions(progress="quiet")).run()
    with Deduplicator(cut_index, DedupParams()) as dedup:
        assert len(dedup.index) == 5


def test_a_run_does_not_start_over_by_removing_its_own_index_that_other_runs_were_given_as_their_index(tmp_path,
                                                                                                        in_process):
    """`run -o A`, then `run -o B --index A/index.sqlite` (a day's batch deduplicated against A's), then `run -o A` on
    other inputs: that run started over by removing A/index.sqlite, B's documents with it, and the next batch given
    that index kept copies of them again (found by a QA pass). It is refused, naming the file, with nothing changed,
    and without saying first that it runs again and replaces the outputs (it did, found by a QA pass)."""
    a, b = tmp_path / "a", tmp_path / "b"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o", "text": "Un autre texte, d'une autre source, sans copie ailleurs."}) + "\n",
                     encoding="utf-8")
    assert in_process("run", str(SEEDS), "--out", str(a), "--workers", "1", "-q").returncode == 0
    assert in_process("run", str(other), "--out", str(b), "--index", str(a / "index.sqlite"), "-q").returncode == 0
    before = {path.name: path.read_bytes() for path in a.iterdir()}
    for again in (["--restart"], ["--engine", "dask"], []):
        proc = in_process("run", str(other), "--out", str(a), "--workers", "1", *again)
        assert proc.returncode == 2 and proc.stderr == (
            f"cleaner: {a / 'index.sqlite'}: holds the documents of 1 other run given it as --index: starting over here "
            "would remove it, and later batches would no longer be deduplicated against them; give this run another "
            "--out, or move the file away first\n"), proc.stderr
        assert {path.name: path.read_bytes() for path in a.iterdir()} == before
    assert in_process("run", str(SEEDS), "--out", str(a), "--workers", "1", "-q").returncode == 0  # found complete
    with Deduplicator(a / "index.sqlite", DedupParams()) as dedup:
        assert len(dedup.index) == 6


def test_the_same_run_started_from_another_folder_is_found_complete(tmp_path, in_process):
    """`cleaner run b.jsonl --out out --index ix.sqlite` in a folder, then the same files named from another folder
    (absolute paths, or relative to it): the earlier run's relative paths were read from the new folder, so it was
    taken for a run of other inputs, and its finished corpus was replaced by one of nothing but `already_indexed`
    (found by a QA pass). A fingerprint keeps the folder its run was started in (`cwd`)."""
    work = tmp_path / "work"
    work.mkdir()
    rng = random.Random(3)
    words = [f"mot{k}" for k in range(500)]
    (work / "b.jsonl").write_text("".join(json.dumps({"id": f"d{k}", "text": " ".join(rng.choice(words) for _ in range(40))
                                                      + "."}) + "\n" for k in range(6)), encoding="utf-8")
    first = in_process("run", "b.jsonl", "--out", "out", "--index", "ix.sqlite", "--workers", "1", "-q", cwd=work)
    assert first.returncode == 0, first.stderr
    corpus = (work / "out" / "corpus.jsonl").read_bytes()
    assert len(corpus.splitlines()) == 6
    assert json.loads((work / "out" / "manifest.json").read_text(encoding="utf-8"))["cwd"] == str(work)
    for cwd, args in ((tmp_path, ["work/b.jsonl", "--out", "work/out", "--index", "work/ix.sqlite"]),
                      (ROOT, [str(work / "b.jsonl"), "--out", str(work / "out"), "--index", str(work / "ix.sqlite")])):
        again = in_process("run", *args, "--workers", "1", cwd=cwd)
        assert again.returncode == 0 and "is already complete" in again.stderr, again.stderr
        assert (work / "out" / "corpus.jsonl").read_bytes() == corpus


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_continue_into_a_finished_run_of_other_inputs_is_refused(tmp_path, in_process, engine):
    """`--continue` is refused for an interrupted run whose inputs changed, but over a finished run of other inputs
    it replaced the finished corpus without a word (found by a QA pass): refused alike, nothing changed."""
    out = tmp_path / "out"
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "o", "text": "Un autre texte, d'une autre source, sans copie ailleurs."}) + "\n",
                     encoding="utf-8")
    assert in_process("run", str(SEEDS), "--out", str(out), "--workers", "1", "-q").returncode == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    proc = in_process("run", str(other), "--out", str(out), "--continue", "--engine", engine, "--workers", "1", "-q")
    assert proc.returncode == 2 and proc.stderr == (
        f"cleaner: --continue: {out}/ holds a finished run of other inputs, whose outputs this run would replace, not "
        "go on with; run again without --continue to replace them\n"), proc.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    same = in_process("run", str(SEEDS), "--out", str(out), "--continue", "--engine", engine, "--workers", "1")
    assert same.returncode == 0 and "is already complete" in same.stderr, same.stderr


def test_a_run_from_stdin_says_what_it_replaces_and_leaves_a_finished_runs_documents_in_the_shared_index(tmp_path):
    """A run reading stdin replaced the finished run in its folder without a word, and with a shared index took that
    run's documents out of it, as a run of the same inputs does: stdin cannot be compared, and one day's batch piped
    after another's kept the copies of the first again (found by a QA pass). It says so on one line, and the earlier
    documents stay, with the warning a run of other inputs gives; an interrupted run it replaces is said too."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    day = ["".join(json.dumps({"id": f"n{k}", "text": texts[k]}) + "\n" for k in ks) for ks in ((0, 1, 2), (2, 3, 4))]
    out, index = tmp_path / "out", tmp_path / "index.sqlite"
    args = ("run", "-", "--out", str(out), "--index", str(index), "--workers", "1")
    assert run_cli(*args, stdin=day[0]).returncode == 0
    again = run_cli(*args, stdin=day[1])
    assert again.returncode == 0, again.stderr
    assert again.stderr.splitlines()[:2] == [
        (f"cleaner run: {out}/ holds a finished run (this run reads stdin, which cannot be compared with its inputs): "
         "running again, its outputs will be replaced"),
        (f"cleaner run: warning: that run added its kept documents to {index}; those given again are already_indexed "
         "now, in rejects.jsonl, not in the new corpus.jsonl")]
    assert [json.loads(x)["id"] for x in (out / "corpus.jsonl").read_text().splitlines()] == ["n3", "n4"]
    assert [(r["id"], r["reason"]) for r in map(json.loads, (out / "rejects.jsonl").read_text().splitlines())] == [
        ("n2", "already_indexed")]
    with Deduplicator(index, DedupParams()) as dedup:
        assert len(dedup.index) == 5
    src = tmp_path / "day.jsonl"
    src.write_text(day[0], encoding="utf-8")
    _interrupted(src, tmp_path / "stopped")
    piped = run_cli("run", "-", "--out", str(tmp_path / "stopped"), "--workers", "1", stdin=day[0])
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr.splitlines()[0] == (f"cleaner run: {tmp_path / 'stopped'}/ holds an interrupted run, which this "
                                            "run cannot go on with (it reads stdin); starting over")
