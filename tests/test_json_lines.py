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
    assert dumps(record) == json.dumps(record, ensure_ascii=False)
    assert json.loads(dumps({"t": BREAKS * 3})) == {"t": BREAKS * 3}


def test_the_jsonl_writer_escapes_them_in_records_and_in_lines_given_as_text(tmp_path):
    out = tmp_path / "o.jsonl"
    with JsonlWriter(out) as writer:
        writer.write({"id": "a\u2028", "text": "b\x85"})
        writer.write_line(json.dumps({"id": "c\u2029", "text": "d"}, ensure_ascii=False))
    assert _one_line_each(out.read_text(encoding="utf-8")) == [{"id": "a\u2028", "text": "b\x85"}, {"id": "c\u2029", "text": "d"}]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_clean_output_and_rejects_hold_one_line_per_record(source, tmp_path, suffix):
    out = tmp_path / f"o{suffix}"
    proc = run_cli("clean", str(source), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    kept = _one_line_each(_decoded(out))
    assert [r["id"] for r in kept] == ["a\u2028b", "e\u2029f", "g"]
    assert kept[0]["source"] == "Le\u2029Monde" and kept[0]["meta"] == {"tag": "x\u2028y\x85z"}
    assert "présenté\u2028mardi" in kept[0]["text"] and "texte\u2029sera débattu\x85au" in kept[0]["text"]
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
    """`cleaner run` of `source` by each engine (the dask one on a LocalCluster of its own)."""
    folders = {}
    for engine in ("local", "dask"):
        out = tmp_path_factory.mktemp("runs") / engine
        proc = run_cli("run", str(source), "--out", str(out), "--engine", engine, "--workers", "2", "-q")
        assert proc.returncode == 0, proc.stderr
        folders[engine] = out
    return folders


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_run_outputs_hold_one_line_per_record(runs, engine):
    out = runs[engine]
    corpus = _one_line_each((out / "corpus.jsonl").read_text(encoding="utf-8"))
    assert [r["id"] for r in corpus] == ["a\u2028b", "g"]
    assert corpus[0]["cluster"] == "a\u2028b" and corpus[0]["source"] == "Le\u2029Monde"
    assert corpus[0]["meta"] == {"tag": "x\u2028y\x85z"}
    raw = _one_line_each((out / "raw.jsonl").read_text(encoding="utf-8"))
    assert raw[0] == {"id": "a\u2028b", "text": TEXT}
    rejects = _one_line_each((out / "rejects.jsonl").read_text(encoding="utf-8"))
    assert [(r["id"], r["reason"]) for r in rejects] == [("c\x85d", "bad_input"), ("e\u2029f", "exact_duplicate")]
    assert rejects[0]["raw"] == RECORDS[1] and rejects[1]["raw"]["meta"] == {"tag": "copie\u2028exacte"}
    (cluster,) = _one_line_each((out / "clusters.jsonl").read_text(encoding="utf-8"))
    assert cluster["members"] == ["a\u2028b", "e\u2029f"]


def test_both_engines_write_the_same_escaped_bytes(runs):
    for name in ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl"):
        assert (runs["local"] / name).read_bytes() == (runs["dask"] / name).read_bytes(), name


def test_compressed_sharded_and_parquet_run_outputs_keep_the_characters(source, tmp_path):
    out = tmp_path / "pq"
    proc = run_cli("run", str(source), "--out", str(out), "--output-format", "parquet", "--compression", "zst",
                   "--shard-docs", "1", "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    for path in sorted(out.glob("*.jsonl.zst")):
        _one_line_each(_decoded(path))
    corpus = list(read_output(out, "corpus"))
    assert corpus[0]["id"] == "a\u2028b" and corpus[0]["text"].count("\u2028") == 1
    assert corpus[0]["meta"] == {"tag": "x\u2028y\x85z"} and corpus[0]["source"] == "Le\u2029Monde"
    assert [r["id"] for r in read_output(out, "rejects")] == ["c\x85d", "e\u2029f"]


def test_diff_json_holds_one_line_per_document(source, runs):
    for inputs in (str(source), str(runs["local"])):
        proc = subprocess.run([sys.executable, "-m", "cleaner", "diff", inputs, "--format", "json"], cwd=ROOT,
                              capture_output=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        entries = _one_line_each(proc.stdout.decode("utf-8"))
        assert entries[0]["id"] == "a\u2028b" and entries[0]["source"] == "Le\u2029Monde"
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
