"""Every JSON line cleaner writes is one line for every reader: U+0085, U+2028 and U+2029 (which `str.splitlines()`,
editors and line-oriented tools take for line breaks) are written as JSON escapes, in every output of every command
and engine; the rest of non-ASCII stays as it is."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard
from conftest import ROOT, run_cli

from cleaner.io.outputs import read_output
from cleaner.io.writers import JsonlWriter, dumps, json_line

BREAKS = "\u2028\u2029\x85"
TEXT = ("Partager sur Facebook\n\nLe gouvernement a présenté\u2028mardi un projet de loi sur l’école.\n\n"
        "Le texte\u2029sera débattu\x85au parlement la semaine prochaine, après un long travail.")
RECORDS = [
    {"id": "a\u2028b", "text": TEXT, "source": "Le\u2029Monde", "tag": "x\u2028y\x85z"},
    {"id": "c\x85d", "text": 5, "note": "n\u2028o\u2029p"},
    {"id": "e\u2029f", "text": TEXT, "tag": "copie\u2028exacte"},
    {"id": "g", "text": "Αθήνα: η κυβέρνηση παρουσίασε νομοσχέδιο για τα σχολεία και τη δημόσια παιδεία.", "tag": "€ 学校"},
]


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    return path


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return data.decode("utf-8")


def _one_line_each(text: str) -> list[dict]:
    """The records of JSON-lines `text`, after checking that `splitlines()` sees the same lines as a split at
    LF, and that no raw U+0085, U+2028 or U+2029 is left."""
    assert not any(c in text for c in BREAKS)
    assert text.splitlines() == text.split("\n")[:-1]
    return [json.loads(line) for line in text.splitlines()]


def test_json_line_escapes_the_three_line_breaks_and_leaves_everything_else():
    assert json_line('{"t": "a\u2028b\u2029c\x85d é € 学"}') == '{"t": "a\\u2028b\\u2029c\\u0085d é € 学"}'
    record = {"id": "x", "text": "é € 学 \x7f\x9b \U0001f600"}
    assert dumps(record) == json.dumps(record, ensure_ascii=False).replace("\x9b", "\\u009b")  # a C1 control too
    assert json.loads(dumps({"t": BREAKS * 3})) == {"t": BREAKS * 3}


def test_the_jsonl_writer_escapes_them_in_records_and_in_lines_given_as_text(tmp_path):
    out = tmp_path / "o.jsonl"
    with JsonlWriter(out) as writer:
        writer.write({"id": "a\u2028", "text": "b\x85"})
        writer.write_line(json.dumps({"id": "c\u2029", "text": "d"}, ensure_ascii=False))
    assert _one_line_each(out.read_text(encoding="utf-8")) == [{"id": "a\u2028", "text": "b\x85"}, {"id": "c\u2029", "text": "d"}]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_clean_output_and_rejects_hold_one_line_per_record(source, tmp_path, suffix, in_process):
    out = tmp_path / f"o{suffix}"
    proc = in_process("clean", str(source), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    kept = _one_line_each(_decoded(out))
    assert [r["id"] for r in kept] == ["a\u2028b", "e\u2029f", "g"]
    assert kept[0]["source"] == "Le Monde"  # a field is one line: the record's value stays in meta
    assert kept[0]["meta"] == {"source": "Le\u2029Monde", "tag": "x\u2028y\x85z"}
    assert "présenté\nmardi" in kept[0]["text"] and "texte\n\nsera débattu\x85au" in kept[0]["text"]  # a text's U+2028, U+2029 are line breaks
    assert kept[2]["meta"] == {"tag": "€ 学校"}
    (rejected,) = _one_line_each(_decoded(tmp_path / f"o.rejects{suffix}"))
    assert rejected["id"] == "c\x85d" and rejected["raw"] == RECORDS[1]


def test_clean_to_stdout_and_rejects_to_stdout_hold_one_line_per_record(source, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(source), "--out", "-", "--quiet"], cwd=ROOT,
                          capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in _one_line_each(proc.stdout.decode("utf-8"))] == ["a\u2028b", "e\u2029f", "g"]
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(source), "--out", str(tmp_path / "o.jsonl"),
                           "--rejects", "-", "--quiet"], cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert [r["raw"] for r in _one_line_each(proc.stdout.decode("utf-8"))] == [RECORDS[1]]


@pytest.fixture(scope="module")
def runs(source, tmp_path_factory) -> dict[str, Path]:
    """`cleaner run` of `source` by each engine (the dask one on a LocalCluster of its own, of one worker: its
    input is one split)."""
    folders = {}
    for engine, workers in (("local", "2"), ("dask", "1")):
        out = tmp_path_factory.mktemp("runs") / engine
        proc = run_cli("run", str(source), "--out", str(out), "--engine", engine, "--workers", workers, "-q")
        assert proc.returncode == 0, proc.stderr
        folders[engine] = out
    return folders


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_run_outputs_hold_one_line_per_record(runs, engine):
    out = runs[engine]
    corpus = _one_line_each((out / "corpus.jsonl").read_text(encoding="utf-8"))
    assert [r["id"] for r in corpus] == ["a\u2028b", "g"]
    assert corpus[0]["cluster"] == "a\u2028b" and corpus[0]["source"] == "Le Monde"
    assert corpus[0]["meta"] == {"source": "Le\u2029Monde", "tag": "x\u2028y\x85z"}
    raw = _one_line_each((out / "raw.jsonl").read_text(encoding="utf-8"))
    assert raw[0] == {"id": "a\u2028b", "text": TEXT.replace("\u2028", "\n").replace("\u2029", "\n\n")}  # read as line breaks
    rejects = _one_line_each((out / "rejects.jsonl").read_text(encoding="utf-8"))
    assert [(r["id"], r["reason"]) for r in rejects] == [("c\x85d", "bad_input"), ("e\u2029f", "exact_duplicate")]
    assert rejects[0]["raw"] == RECORDS[1] and rejects[1]["raw"]["meta"] == {"tag": "copie\u2028exacte"}
    (cluster,) = _one_line_each((out / "clusters.jsonl").read_text(encoding="utf-8"))
    assert cluster["members"] == ["a\u2028b", "e\u2029f"]


def test_both_engines_write_the_same_escaped_bytes(runs):
    for name in ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl"):
        assert (runs["local"] / name).read_bytes() == (runs["dask"] / name).read_bytes(), name


def test_compressed_sharded_and_parquet_run_outputs_keep_the_characters(source, tmp_path, in_process):
    out = tmp_path / "pq"
    proc = in_process("run", str(source), "--out", str(out), "--output-format", "parquet", "--compression", "zst",
                   "--shard-docs", "1", "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    for path in sorted(out.glob("*.jsonl.zst")):
        _one_line_each(_decoded(path))
    corpus = list(read_output(out, "corpus"))
    assert corpus[0]["id"] == "a\u2028b" and corpus[0]["text"].count("\x85") == 1
    assert corpus[0]["meta"] == {"source": "Le\u2029Monde", "tag": "x\u2028y\x85z"} and corpus[0]["source"] == "Le Monde"
    assert [r["id"] for r in read_output(out, "rejects")] == ["c\x85d", "e\u2029f"]


def test_diff_json_holds_one_line_per_document(source, runs):
    for inputs in (str(source), str(runs["local"])):
        proc = subprocess.run([sys.executable, "-m", "cleaner", "diff", inputs, "--format", "json"], cwd=ROOT,
                              capture_output=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        entries = _one_line_each(proc.stdout.decode("utf-8"))
        assert entries[0]["id"] == "a\u2028b" and entries[0]["source"] == "Le Monde"
        assert "c\x85d" in [e["id"] for e in entries]


def test_diff_json_is_utf8_whatever_the_locale(tmp_path):
    """As `clean --out -`: a Latin-1 locale made the JSON line of a Greek id a UnicodeEncodeError's traceback."""
    source = tmp_path / "el.jsonl"
    source.write_text(json.dumps({"id": "Αθήνα\u2028", "text": RECORDS[3]["text"]}) + "\n", encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}
    proc = subprocess.run([sys.executable, "-m", "cleaner", "diff", str(source), "--format", "json"],
                          cwd=ROOT, env=env, capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    (entry,) = _one_line_each(proc.stdout.decode("utf-8"))
    assert entry["id"] == "Αθήνα\u2028" and entry["lang"] == "el"


def test_a_run_with_an_index_path_that_is_not_utf8_writes_its_report(source, tmp_path):
    """report.json names the index: a file name holding a byte that is not UTF-8 (a lone surrogate to Python)
    was a UnicodeEncodeError's traceback once every output was written; it is the name's JSON escape, as in
    manifest.json."""
    out = tmp_path / "run"
    index = os.fsencode(tmp_path) + b"/ix\xe9.sqlite"
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(source), "--out", str(out), "--index", index,
                           "--workers", "1", "-q"], cwd=ROOT, capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["index"] == os.fsdecode(index)


def test_c1_controls_are_written_as_escapes_in_every_output(tmp_path, in_process):
    """A C1 control (U+0080-U+009F: U+009B is CSI, which a terminal acts on as on ESC [) was written raw, where JSON
    escapes the C0 ones: `cat corpus.jsonl` sent it to the terminal. Every one is its escape, in the output, the
    rejects and a run's files; the records read back are the same."""
    c1 = "".join(map(chr, range(0x80, 0xA0)))
    text = "Le conseil municipal a voté mardi le budget de l'école \x96 une première depuis dix ans."
    records = [{"id": "c\x9b1", "text": text, "tag": c1}, {"id": "d\x9d", "text": None, "note": "\x9b2J"}]
    src = tmp_path / "c1.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert json_line(json.dumps(c1, ensure_ascii=False)) == '"' + "".join(f"\\u{c:04x}" for c in range(0x80, 0xA0)) + '"'
    proc = in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    run = in_process("run", str(src), "--out", str(tmp_path / "run"), "--workers", "1", "-q")
    assert run.returncode == 0, run.stderr
    for path in (tmp_path / "o.jsonl", tmp_path / "o.rejects.jsonl", *sorted((tmp_path / "run").glob("*.jsonl"))):
        written = path.read_text(encoding="utf-8")
        assert not any(c in written for c in c1), path.name
        assert "\\u009b" in written or path.name == "clusters.jsonl", path.name
    (kept,) = _one_line_each((tmp_path / "o.jsonl").read_text(encoding="utf-8"))
    assert (kept["id"], kept["text"], kept["meta"]) == ("c\x9b1", text, {"tag": c1})
    (rejected,) = _one_line_each((tmp_path / "o.rejects.jsonl").read_text(encoding="utf-8"))
    assert rejected["raw"] == records[1]


def test_rules_commands_write_under_a_latin1_locale(tmp_path):
    """A Latin-1 stdout ended `rules list` at the first `•` of a description, `rules check` at the first Greek
    example of a failure, and `rules suggest --out -` at the first Greek line, each in a UnicodeEncodeError's
    traceback. Text for a person is in the locale's encoding, what it cannot hold as escapes (as stderr writes
    it); the suggested pack is YAML, UTF-8 as the file `--out` names would hold it."""
    import random

    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cleaner", "rules", *args], cwd=ROOT, env=env, capture_output=True,
                              timeout=300, check=False)

    listed = run("list")
    assert listed.returncode == 0, listed.stderr.decode("latin-1")
    assert "ar.share-bar" in listed.stdout.decode("latin-1") and "\\u0634\\u0627\\u0631\\u0643" in listed.stdout.decode("latin-1")
    pack = tmp_path / "p.yaml"
    pack.write_text('rules:\n  - id: t.news\n    kind: line\n    description: a Greek line\n    phrases: ["Ειδήσεις"]\n'
                    '    examples:\n      remove: ["Ειδήσεις σήμερα"]\n      keep: ["Νέα"]\n', encoding="utf-8")
    checked = run("check", str(pack))
    assert checked.returncode == 1, checked.stderr.decode("latin-1")
    assert checked.stdout.decode("latin-1") == (f"{pack}:2: FAIL t.news: remove example 1 is not touched: "
                                                "'\\u0395\\u03b9\\u03b4\\u03ae\\u03c3\\u03b5\\u03b9\\u03c2 \\u03c3\\u03ae\\u03bc\\u03b5\\u03c1\\u03b1'\n"
                                                "1 rule, 2 examples, 1 failure\n")
    rng = random.Random(5)
    words = "le gouvernement a annoncé mardi que la banque centrale maintiendra son taux directeur".split()
    src = tmp_path / "s.jsonl"
    src.write_text("".join(json.dumps({"id": f"p{k}", "source": "x.example", "text": "\n\n".join(
        " ".join(rng.choice(words) for _ in range(25)).capitalize() + "." for _ in range(3))
        + "\n\nΑκολουθήστε μας στο Facebook • Ειδήσεις"}) + "\n" for k in range(8)), encoding="utf-8")
    suggested = run("suggest", str(src), "--out", "-")
    assert suggested.returncode == 0, suggested.stderr.decode("latin-1")
    assert "- Ακολουθήστε μας στο Facebook • Ειδήσεις\n" in suggested.stdout.decode("utf-8")
