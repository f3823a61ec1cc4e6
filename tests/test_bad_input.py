"""Bad input is data: every case of fixtures/bad-input (and a 50 MB document) ends in the output or the
rejects exactly once, with a clear reason naming file and line or record; exit 0, no traceback."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, SEEDS, run_cli

from cleaner import Pipeline
from cleaner.config import Config, ConfigError
from cleaner.html import extract_html
from cleaner.io.readers import read_inputs
from cleaner.models import Document, Rejected

BAD = FIXTURES / "bad-input"

KEPT = {"invalid-utf8", "mojibake", "nul-bytes", "raw-tab", "ok-1", "ok-2", *(f"gz-{i}" for i in range(7))}
"""Ids of the records that survive reading (plus the two WARC pages, whose ids are record ids)."""

REJECTED = {  # (file, what the detail says after the file name) -> reason
    ("binary.txt", "binary content, not text"): "bad_input",
    ("empty.txt", "empty document"): "bad_input",
    ("empty.jsonl", "holds no records"): "bad_input",
    ("empty.warc", "holds no records"): "bad_input",
    ("image.png", "unsupported file type"): "bad_input",
    ("malformed.jsonl", ":2: malformed JSON"): "bad_input",
    ("no-text.jsonl", ":1: no 'text' field"): "bad_input",
    ("no-text.jsonl", ":2: empty document"): "bad_input",
    ("truncated.jsonl.gz", "unreadable after line 7"): "bad_input",
    ("truncated.warc.gz", "ends inside record 3"): "bad_input",
    ("wrong-columns.parquet", "no 'text' or 'html' column (columns: doc_id, body); 3 rows not read"): "bad_input",
    ("big.txt", "document is 50,000,000 characters, over max_doc_chars=20,000,000"): "too_large",
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The fixture folder plus a 50 MB document (made here, not committed)."""
    folder = tmp_path_factory.mktemp("bad") / "bad-input"
    shutil.copytree(BAD, folder, ignore=shutil.ignore_patterns("README.md"))
    (folder / "big.txt").write_bytes(b"mot " * 12_500_000)
    return folder


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_rejects(rejects):
    found = {}
    for r in rejects:
        for (file, says), reason in REJECTED.items():
            if f"/{file}" in r["detail"] and says in r["detail"]:
                found[(file, says)] = r["reason"]
    assert found == REJECTED


def _read_stage(rejects):
    return [r for r in rejects if r["stage"] == "read"]


def test_clean_accounts_for_every_record(inputs, tmp_path, in_process):
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(inputs), "--out", str(out))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    kept, rejects = _records(out), _records(tmp_path / "out.rejects.jsonl")
    ids = [r["id"] for r in kept]
    assert len(ids) == len(set(ids))
    assert KEPT <= set(ids) and sum(i.startswith("<urn:uuid:") for i in ids) == 2
    _check_rejects(_read_stage(rejects))
    assert len(kept) + len(rejects) == len(KEPT) + 2 + 1 + len(REJECTED)  # + the two WARC pages + broken.html
    assert "broken" in ids + [r.get("id") for r in rejects]
    flagged = {r["id"]: r["warnings"][0] for r in kept if r.get("warnings")}
    assert "invalid UTF-8 at byte 6" in flagged["invalid-utf8"]
    assert "mojibake repaired by ftfy (encode sloppy-windows-1252, decode utf-8)" in flagged["mojibake"]
    assert "2 NUL characters removed" in flagged["nul-bytes"]
    assert next(r["text"] for r in kept if r["id"] == "mojibake").startswith("Les élèves de l’école")


def test_run_accounts_for_every_record(inputs, tmp_path, in_process):
    proc = in_process("run", str(inputs), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    kept, rejects = _records(tmp_path / "out" / "corpus.jsonl"), _records(tmp_path / "out" / "rejects.jsonl")
    _check_rejects(_read_stage(rejects))
    assert len(kept) + len(rejects) == len(KEPT) + 2 + 1 + len(REJECTED)
    later = [r["id"] for r in kept] + [r["id"] for r in rejects if r["stage"] != "read"]  # gated or deduplicated
    assert len(later) == len(set(later)) and KEPT | {"broken"} <= set(later)


def test_the_input_side_with_extraction_rejects_broken_html():
    """What `Pipeline.prepare` will do: a document with html and no text goes through `extract_html`."""
    config = Config.load()
    items = list(read_inputs([BAD], config))
    out = [extract_html(i, config) if isinstance(i, Document) and i.html and not i.text else i for i in items]
    broken = next(o for o in out if o.id == "broken")
    assert isinstance(broken, Rejected) and broken.reason == "bad_input" and "HTML not parsed" in broken.detail
    pages = [o for o in out if isinstance(o, Document) and o.url and o.url.startswith("https://example.org/")]
    assert [p.meta["extracted"]["title"] for p in pages] == ["Page 0", "Page 1"]
    assert all("Contenu de la page" in p.text for p in pages)


def test_a_page_without_a_url_that_is_not_extracted_is_named_by_its_file_and_line(tmp_path, in_process):
    """A page rejected at extraction is named by where it was read (`file:line`, the file), as a rejection at
    reading is, and by its URL when it has one: its id alone ("pg: binary content, not HTML") named no input, its
    URL alone not the file holding it."""
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": "p1", "text": "Un article sans défaut, avec assez de texte pour être gardé."}) + "\n"
                   + json.dumps({"id": "pg", "html": "%PDF-1.4 des octets"}) + "\n"
                   + json.dumps({"id": "pu", "html": "%PDF-1.4 des octets", "url": "https://example.fr/a"}) + "\n",
                   encoding="utf-8")
    shutil.copy(BAD / "broken.html", tmp_path / "broken.html")
    out = tmp_path / "out"
    assert in_process("run", str(src), str(tmp_path / "broken.html"), "--out", str(out), "-q").returncode == 0
    details = {r["id"]: r["detail"] for r in _records(out / "rejects.jsonl") if r["stage"] == "extract"}
    assert details == {"pg": f"{src}:2: binary content, not HTML (starts '%PDF-1.4')",
                       "pu": f"{src}:3 (https://example.fr/a): binary content, not HTML (starts '%PDF-1.4')",
                       "broken": f"{tmp_path / 'broken.html'}: HTML not parsed: neither a page nor a fragment that opens "
                                 "with a tag (starts '<<<<>>>><div')"}


def test_a_pdf_as_an_html_file_or_an_html_field_is_said_alike(tmp_path, in_process):
    """The same PDF bytes as an `.html` file and as a JSONL `html` field were `binary content, not HTML` and
    `binary content, not HTML (starts '%PDF-1.4')` (a QA pass): both quote how they start. The file is rejected
    as it is read (its bytes are decoded there), the field at extraction."""
    pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + "".join(map(chr, range(32))) * 40
    src = tmp_path / "pages.jsonl"
    src.write_text(json.dumps({"id": "pf", "html": pdf}) + "\n", encoding="utf-8")
    (tmp_path / "doc.pdf.html").write_bytes(pdf.encode("latin-1"))
    out = tmp_path / "out"
    assert in_process("run", str(src), str(tmp_path / "doc.pdf.html"), "--out", str(out), "-q").returncode == 0
    details = {r["id"]: (r["stage"], r["detail"]) for r in _records(out / "rejects.jsonl")}
    said = "binary content, not HTML (starts '%PDF-1.4')"
    assert details == {"pf": ("extract", f"{src}:1: {said}"), "doc.pdf": ("read", f"{tmp_path / 'doc.pdf.html'}: {said}")}

def test_a_warc_page_not_extracted_is_named_by_its_record_and_url_once(tmp_path, in_process):
    """A WARC reader's place names the record's URL already: the extraction's rejection names it once."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    src = tmp_path / "crawl.warc"
    with open(src, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.fr/a", "response", http_headers=headers,
                                                      payload=io.BytesIO(b"%PDF-1.4 des octets")))
    assert in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "-q").returncode == 0
    (rejected,) = _records(tmp_path / "o.rejects.jsonl")
    assert rejected["detail"] == f"{src}: record 1 (https://example.fr/a): binary content, not HTML (starts '%PDF-1.4')"


@pytest.mark.parametrize("command", ["clean", "run"])
@pytest.mark.parametrize("bad, says", [
    ("malformed.jsonl", "malformed.jsonl:2: malformed JSON"),
    ("empty.txt", "empty.txt: empty document"),
    ("invalid-utf8.txt", "invalid UTF-8 at byte 6"),  # repaired and kept without --strict
    ("raw-tab.jsonl", "raw-tab.jsonl:1: a raw tab inside a JSON string at column 48"),  # read leniently, kept without it
    ("broken.html", "HTML not parsed"),  # found at extraction, not at reading
])
def test_strict_stops_at_the_first_bad_input(command, bad, says, tmp_path, in_process):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.txt").write_text("Un article sans défaut, avec assez de texte pour être gardé.\n", encoding="utf-8")
    shutil.copy(BAD / bad, folder / bad)
    out = tmp_path / ("out" if command == "run" else "out.jsonl")
    proc = in_process(command, str(folder), "--out", str(out), "--strict", "--workers", "1")
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "--strict: stopped at bad input" in proc.stderr and says in proc.stderr, proc.stderr
    assert not (out / "manifest.json").exists() if command == "run" else True
    (folder / bad).unlink()
    proc = in_process(command, str(folder), "--out", str(out), "--strict", "--workers", "1")
    assert proc.returncode == 0, proc.stderr  # sound input: --strict changes nothing


@pytest.mark.parametrize("command", ["clean", "run"])
def test_strict_does_not_stop_at_a_rule_skipped_on_its_time_limit(command, tmp_path, in_process):
    """`--strict` stops at bad input: a record unreadable, too large, empty or repaired on reading. It stopped at any
    warning of a kept record, a rule skipped on `regex_timeout` too (the rule's trouble, not the input's)."""
    pack = tmp_path / "slow.yaml"
    pack.write_text(yaml.safe_dump({"rules": [
        {"id": "t.alt", "kind": "regex", "description": "backtracks", "scope": "span", "pattern": "(?:a|aa)+$",
         "examples": {"remove": ["aaa"], "keep": ["aab"]}}]}), encoding="utf-8")
    (tmp_path / "c.toml").write_text("regex_timeout = 0.2\n", encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Un article sans défaut, assez long.\n" + "a" * 50_000 + "b"}) + "\n",
                   encoding="utf-8")
    out = tmp_path / ("out" if command == "run" else "out.jsonl")
    proc = in_process(command, str(src), "--out", str(out), "--strict", "--workers", "1", "--rules", str(pack),
                      "--config", str(tmp_path / "c.toml"), "-q")
    assert proc.returncode == 0, proc.stderr
    (kept,) = _records(out / "corpus.jsonl" if command == "run" else out)
    assert kept["warnings"] == ["rule 't.alt': pattern stopped after 0.2s on this document; rule skipped"]


def test_json_python_cannot_hold_is_a_rejection_naming_the_line(tmp_path):
    """A 5,000-digit number, nesting deeper than Python's stack and NaN are JSON that `json.loads` fails
    on or that no JSON output can hold: a rejection or null, never a traceback."""
    src = tmp_path / "odd.jsonl"
    src.write_text("\n".join([
        '{"id": ' + "9" * 5000 + ', "text": "Un texte au grand identifiant."}',
        '{"id": "deep", "text": "Un texte.", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "deeper", "text": "Un texte.", "meta": ' + "[" * 990 + "]" * 990 + "}",
        '{"id": "nan", "text": "Un texte qui a une mesure manquante.", "x": NaN, "y": -Infinity}',
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = run_cli("clean", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    kept, rejects = _records(out), _records(tmp_path / "out.rejects.jsonl")
    assert [(r["meta"]["x"], r["meta"]["y"]) for r in kept] == [(None, None)]  # valid JSON, not NaN
    details = sorted(r["detail"] for r in rejects)
    assert len(details) == 3 and all(d.startswith(f"{src}:") for d in details), details
    # Python's words ended in "use sys.set_int_max_str_digits() to increase the limit": no file's writer can
    digits = f"{src}:1: malformed JSON: a number of 5,000 digits: over the 4,300 a JSON number may have here"
    assert details[0] == digits
    assert details[1:] == [f"{src}:2: malformed JSON: nested too deeply", f"{src}:3: malformed JSON: nested too deeply"]


def test_a_record_too_deep_to_copy_is_a_rejection_carrying_its_json(tmp_path):
    """600 levels: `json.loads` reads the line, copying its fields would pass Python's stack; 300: the
    service could not send it back (after storing it). Over 200 levels, the CLI, the API and
    (tests/test_service.py) the service reject a record as `bad_input` with its id, and it is not lost:
    the rejection carries it as JSON text. A Python object too deep even for that is rejected carrying
    nothing; one that holds itself is found out, not walked forever."""
    at_most = {"id": "d2", "text": "Un autre texte assez long.", "meta": json.loads("[" * 199 + "]" * 199)}
    assert Pipeline().prepare(at_most).document.meta == {"meta": at_most["meta"]}  # 200 levels, the record first
    for depth in (201, 300):
        record = {"id": "d3", "text": "Un texte assez long.", "meta": json.loads("[" * depth + "]" * depth)}
        got = Pipeline().prepare(record)
        assert (got.reason, got.detail, json.loads(got.raw)) == (
            "bad_input", "document 0: nested too deeply (over 200 levels); the rejection carries it as JSON text", record)
    loop: dict = {"id": "l", "text": "Un texte."}
    loop["self"] = loop
    assert Pipeline().prepare(loop).detail.startswith("document 0: nested too deeply (over 200 levels); ")
    record = {"id": "d6", "text": "Un texte assez long.", "meta": json.loads("[" * 600 + "]" * 600)}
    src = tmp_path / "deep.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("run", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    (rejected,) = _records(out / "rejects.jsonl")
    assert (rejected["id"], rejected["reason"]) == ("d6", "bad_input")
    assert rejected["detail"] == f"{src}:1: nested too deeply (over 200 levels); the rejection carries it as JSON text"
    assert json.loads(rejected["raw"]) == record
    with Pipeline() as pipeline:
        got = pipeline.prepare(record)
        assert (got.id, got.reason, json.loads(got.raw)) == ("d6", "bad_input", record)
        deeper: list = []
        for _ in range(3_000):
            deeper = [deeper]
        got = pipeline.prepare_many([deeper, {"id": "x", "text": "Un texte.", "meta": deeper}])
        assert [(r.id, r.detail, r.raw) for r in got] == [
            (None, "document 0: not a document (list; give a mapping, a string or a Document); nested too deeply; "
                   "it cannot be written as JSON, so the rejection carries none of it", None),
            ("x", "document 1: nested too deeply (over 200 levels); it cannot be written as JSON, so the rejection "
                  "carries none of it", None)]


def test_a_url_that_does_not_parse_is_no_host_not_a_crash(tmp_path, in_process):
    src = tmp_path / "urls.jsonl"
    src.write_text('{"id": "u", "text": "Un texte à l\'adresse cassée.", "url": "http://[::1"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(src), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert [(r["id"], r["url"]) for r in _records(out)] == [("u", "http://[::1")]


@pytest.mark.parametrize("args, says", [
    (["run", "{ok}", "--out", "{file}"], "{file}"),  # the output folder is a file
    (["clean", "{ok}", "--out", "{file}/out.jsonl"], "{file}"),
    (["run", "{ok}", "--out", "{tmp}/o1", "--index", "{file}"], "{file}: not usable as a dedup index"),  # not SQLite
    (["run", "{ok}", "--out", "{tmp}/o2", "--index", "{tmp}"], "{tmp}: not usable as a dedup index"),  # a folder
    (["run", "{ok}", "--out", "{tmp}/o6", "--index", "{app}"], "{app}: a SQLite database of something else (tables users)"),
    (["run", "{ok}", "--out", "{tmp}/o7", "--index", "{kv}"], "{kv}: a SQLite database of something else (tables meta)"),
    (["run", "{ok}", "--out", "{tmp}/o8", "--index", "{odd}"], "{odd}: a SQLite database of something else (tables meta)"),
    (["run", "{ok}", "--out", "{tmp}/o3", "--lang-backend", "nosuch"], "--lang-backend: unknown language backend 'nosuch'"),  # without pydantic's "Value error, "
    (["clean", "{ok}", "--out", "{tmp}/o4.jsonl", "--config", "{latin1}"], "{latin1}: not UTF-8"),
    (["clean", "{ok}", "--out", "{tmp}/o5.jsonl", "--config", "{tmp}"], "{tmp}: Is a directory"),
])
def test_unusable_paths_and_settings_are_one_line_and_exit_2(args, says, tmp_path, in_process):
    paths = {"ok": tmp_path / "ok.txt", "file": tmp_path / "a-file", "tmp": tmp_path, "latin1": tmp_path / "c.toml",
             "app": tmp_path / "app.sqlite", "kv": tmp_path / "kv.sqlite", "odd": tmp_path / "odd.sqlite"}
    paths["ok"].write_text("Un article sans défaut, avec assez de texte pour être gardé.\n", encoding="utf-8")
    paths["file"].write_text("not a folder, not a database\n", encoding="utf-8")
    paths["latin1"].write_bytes("# réglages\nmin_chars = 10\n".encode("latin-1"))
    others = {"app": "CREATE TABLE users (name TEXT)", "kv": "CREATE TABLE meta (key TEXT, value TEXT)",
              "odd": "CREATE TABLE meta (id INTEGER, name TEXT)"}  # other programs' databases: refused, left as they were
    for name, table in others.items():
        with sqlite3.connect(paths[name]) as db:
            db.execute(table)
        db.close()
    before = {name: paths[name].read_bytes() for name in others}
    proc = in_process(*[a.format(**paths) for a in args], "--workers", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert says.format(**paths) in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    for name, content in before.items():
        assert paths[name].read_bytes() == content and not Path(f"{paths[name]}-wal").exists()
    if "--index" in args:  # refused before the run starts: no output folder, no document read
        assert not Path(args[args.index("--out") + 1].format(**paths)).exists()


def test_an_index_of_other_parameters_is_refused_before_any_document_is_read(tmp_path, in_process):
    """It was refused only once every document had been cleaned, tagged and signed."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Article {i} : le conseil a voté le budget."}) + "\n"
                           for i in range(3)), encoding="utf-8")
    assert in_process("run", str(src), "--out", str(tmp_path / "first"), "--index", str(tmp_path / "idx.sqlite"),
                      "--workers", "1").returncode == 0
    (tmp_path / "np64.toml").write_text("num_perm = 64\n", encoding="utf-8")
    proc = in_process("run", str(src), "--out", str(tmp_path / "second"), "--index", str(tmp_path / "idx.sqlite"),
                      "--config", str(tmp_path / "np64.toml"), "--workers", "1")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"dedup index {tmp_path / 'idx.sqlite'} was built with other parameters (num_perm: index has '128', asked for '64'" in proc.stderr
    assert not (tmp_path / "second").exists()


def test_folder_entries_that_cannot_be_read_are_rejections_not_left_out(tmp_path, monkeypatch):
    """A subfolder that cannot be listed (no permission: made here by refusing its listing, since the
    tests may run as root), a broken link, a FIFO and a link to a folder each become a rejection naming
    the path."""
    import os

    from cleaner.io.readers import input_paths

    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "a.txt").write_text("texte", encoding="utf-8")
    (folder / "locked" / "x.txt").write_text("texte", encoding="utf-8")
    (folder / "broken.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(folder / "fifo.txt")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "y.txt").write_text("texte", encoding="utf-8")
    (folder / "linked").symlink_to(tmp_path / "elsewhere")
    scandir = os.scandir

    def refusing(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    found = [p if isinstance(p, Rejected) else p.name for p in input_paths(str(folder))]
    assert found[0] == "a.txt" and len(found) == 5
    assert [r.detail for r in found[1:]] == [
        f"{folder}/broken.txt: a broken link",
        f"{folder}/fifo.txt: not a regular file (a FIFO, socket or device; pipe it to -)",
        f"{folder}/linked: a link to a folder, not followed (give it as an input of its own)",
        f"{folder}/locked: folder not read: Permission denied",
    ]
    fifo = next(input_paths(str(folder / "fifo.txt")))  # named alone, it exists: not "no such file"
    assert isinstance(fifo, Rejected) and "not a regular file" in fifo.detail


def test_a_link_loop_is_a_rejection_as_an_input_and_refused_as_an_output(tmp_path, in_process):
    """A link loop named as an input (or matched by a glob, beside good files) ended `clean` and `run` in a
    traceback (`Path.resolve` raises on one in Python 3.11), and so did one given as `--out` or `--rejects` (found
    by a QA pass). As an input it is a rejection naming it, in a folder too (it was "a broken link"); as an output,
    one line and exit 2. A `**` glob that met one ended the command too (exit 2, nothing read: `DirEntry.is_dir`
    raises on a loop), whatever the parts after it."""
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "a.txt").symlink_to(loop / "b.txt")
    (loop / "b.txt").symlink_to(loop / "a.txt")
    (loop / "ok.txt").write_text("Un texte assez long pour passer les portes du nettoyage.", encoding="utf-8")
    says = f"{loop / 'a.txt'}: a link loop"
    for command, out in (("clean", tmp_path / "c.jsonl"), ("run", tmp_path / "r")):
        for given in ([str(loop / "a.txt")], [str(loop / "*.txt")], [str(loop)], [str(loop / "**" / "*.txt")],
                      [str(loop / "**")]):
            proc = in_process(command, *given, "--out", str(out), "-q")
            assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
            rejects = tmp_path / "c.rejects.jsonl" if command == "clean" else out / "rejects.jsonl"
            details = [r["detail"] for r in _records(rejects)]
            assert says in details and len(details) == (1 if given[0].endswith("a.txt") else 2), details
        proc = in_process(command, str(loop / "**" / "ok.txt"), "--out", str(out), "-q")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert [r["id"] for r in _records(out if command == "clean" else out / "corpus.jsonl")] == ["ok"]
    for args in (["clean", str(loop / "ok.txt"), "--out", str(loop / "a.txt")],
                 ["clean", str(loop / "ok.txt"), "--out", str(tmp_path / "o.jsonl"), "--rejects", str(loop / "a.txt")],
                 ["run", str(loop / "ok.txt"), "--out", str(loop / "a.txt")]):
        proc = in_process(*args)
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: {loop / 'a.txt'}: Too many levels of symbolic links\n")


def test_a_text_file_named_warc_is_a_rejection_not_zero_records(tmp_path):
    """warcio reads a first line of five words as a legacy ARC header and yields its 'records', which
    were skipped as non-HTML responses: the file vanished with no rejection."""
    src = tmp_path / "notes.warc"
    src.write_text("hello this is not a warc\n" * 10, encoding="utf-8")
    (item,) = read_inputs([src], Config.load())
    assert isinstance(item, Rejected) and item.detail == f"{src}: not a WARC file (record 1 reads as ARC, not read)"


@pytest.mark.parametrize("out, says", [(".", ".: is a folder, not a file to write"), ("/", "/: is a folder, not a file to write"),
                                       ("newdir/", "newdir/: is a folder, not a file to write"),
                                       ("", "--out is empty: give a file to write, or - for stdout")])
def test_clean_to_a_folder_or_nothing_is_refused_in_one_line(tmp_path, out, says, in_process):
    """`cleaner clean --out .` ended in a traceback (the rejects' default name is made from the output's), and
    `--out newdir/` made a file called `newdir` (found by a QA pass)."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Le gouvernement a présenté un nouveau budget."}\n', encoding="utf-8")
    proc = in_process("clean", str(src), "--out", out, cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (2, f"cleaner: {says}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
    if out == "":  # `cleaner run --out ''` wrote its files into the current folder without a word
        proc = in_process("run", str(src), "--out", out, cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (2, "cleaner: --out is empty: give the folder the run writes its "
                                                     "files to (. for this one)\n")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_nothing_to_read_is_a_rejection_saying_so_from_a_folder_or_stdin_as_from_a_file(tmp_path, in_process):
    """An empty folder and an empty stdin passed without a word, where an empty file is a rejection (found by
    a QA pass); a UTF-8 byte order mark followed by a blank line is no record, not a malformed one."""
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "bom.jsonl").write_bytes(b'\xef\xbb\xbf\n{"id": "b", "text": "Le budget est vote."}\n')
    (tmp_path / "bom-only.jsonl").write_bytes(b"\xef\xbb\xbf")
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(tmp_path / "empty"), str(tmp_path / "bom.jsonl"), str(tmp_path / "bom-only.jsonl"),
                      "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in _records(out)] == ["b"]
    assert [r["detail"] for r in _records(tmp_path / "out.rejects.jsonl")] == [
        f"{tmp_path / 'empty'}: an empty folder, no file to read (names starting with a dot are left out)", f"{tmp_path / 'bom-only.jsonl'}: holds no records"]
    assert in_process("clean", str(tmp_path / "bom.jsonl"), "--out", str(tmp_path / "s.jsonl"), "--strict").returncode == 0
    for given in ("", "\n\n  \n"):
        proc = run_cli("clean", "-", "--out", "-", "--quiet", stdin=given)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "cleaner: rejected (no id): <stdin>: holds no records\n")


@pytest.mark.parametrize("line, says", [("min_lang_score = true", "min_lang_score: should be a valid number, got true"),
                                        ('default_rules = "no"', "default_rules: should be a valid boolean, got 'no'"),
                                        ('max_doc_chars = "100"', "max_doc_chars: should be a valid integer, got '100'"),
                                        ("shape = 0", "shape: should be a valid boolean, got 0"),
                                        ("min_chars = 2.0", "min_chars: should be a valid integer, got 2.0")])
def test_a_config_value_of_another_type_is_refused_not_converted(tmp_path, line, says):
    """`default_rules = "no"` loaded no pack at all and `min_lang_score = true` rejected nearly everything,
    without a word (found by a QA pass); an integer still stands for a number."""
    config = tmp_path / "c.toml"
    config.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^config in {re.escape(str(config))}: {says}$"):
        Config.load(config)
    config.write_text("regex_timeout = 2\nmin_lang_score = 0\n", encoding="utf-8")
    assert (Config.load(config).regex_timeout, Config.load(config).min_lang_score) == (2.0, 0.0)


def test_a_config_file_past_a_megabyte_is_refused_after_reading_a_megabyte(tmp_path, in_process):
    """`--config /dev/zero` (or a corpus given for the config) read on until memory ran out; a file is read
    up to 1 MB and refused past it, with one line."""
    big = tmp_path / "corpus.jsonl"
    big.write_text('{"id": "a", "text": "x"}\n' * 50_000, encoding="utf-8")
    for given in ("/dev/zero", str(big)):
        with pytest.raises(ConfigError, match=f"^config {re.escape(given)}: over 1 MB: not a config file$"):
            Config.load(given)
    proc = in_process("clean", str(FIXTURES), "--out", str(tmp_path / "o.jsonl"), "--config", "/dev/zero")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: config /dev/zero: over 1 MB: not a config file\n")


@pytest.mark.parametrize("key", ["id_field", "text_field"])
def test_a_blank_field_name_in_a_config_file_is_refused_as_the_flag_is(tmp_path, key):
    """`id_field = ""` in a config file made every record's id up without a word (`--id-field ''` was refused)."""
    config = tmp_path / "c.toml"
    config.write_text(f'{key} = " "\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^config in {re.escape(str(config))}: {key}: is empty: give the name of a "
                                          "JSONL field, or leave it out$"):
        Config.load(config)


def test_a_closed_stdin_is_read_as_empty_not_a_traceback(tmp_path):
    """`cleaner clean - <&-` (stdin closed: Python's `sys.stdin` is None) ended in AttributeError's
    traceback (found by a QA pass); it is an empty stdin: one rejection saying so."""
    out = tmp_path / "o.jsonl"
    proc = subprocess.run(["bash", "-c", f'"{sys.executable}" -m cleaner clean - --out "{out}" --quiet <&-'],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert out.read_text(encoding="utf-8") == ""
    assert [r["detail"] for r in _records(tmp_path / "o.rejects.jsonl")] == ["<stdin>: holds no records"]


@pytest.mark.parametrize("command", [("clean", str(FIXTURES / "bad-input"), "--out", "-"),
                                     ("clean", str(FIXTURES / "bad-input"), "--out", "o.jsonl", "--rejects", "-"),
                                     ("rules", "suggest", str(SEEDS), "--out", "-"), ("diff", str(SEEDS)),
                                     ("rules", "list"), ("rules", "check", str(ROOT / "rules")),
                                     ("--version",), ("--help",), ("rules", "list", "--help")])
def test_a_closed_stdout_given_as_an_output_is_one_line_before_anything_is_read(tmp_path, command):
    """`cleaner clean IN --out - >&-` (stdout closed: Python's `sys.stdout` is None) ended in AttributeError's
    traceback, and so did `rules suggest --out -` and `diff`; `rules list` and `rules check` printed to nowhere,
    exit 0 (found by a QA pass). Each is one line and exit 2, and no output file is left."""
    args = " ".join(f'"{a}"' for a in ("-m", "cleaner", *command))
    proc = subprocess.run(["bash", "-c", f'"{sys.executable}" {args} >&-'], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert (proc.returncode, proc.stderr) == (2, "cleaner: -: stdout is closed\n"), proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [("clean", str(SEEDS / "000_60897166cff71104.txt"), "--out", "-"),
                                     ("diff", str(SEEDS), "--limit", "1"), ("rules", "list"),
                                     ("rules", "check", "--alone", str(ROOT / "rules" / "fr.yaml")),
                                     ("--version",), ("--help",), ("run", "--help")])
def test_a_full_disk_on_stdout_is_named_as_stdout_by_every_command(command):
    """`rules list > /dev/full` and `diff > /dev/full` said `cleaner: [Errno 28] No space left on device`, naming
    nothing, where `clean --out -` said `cleaner: -: No space left on device` (found by a QA pass): every command
    writing to stdout says it as `clean` does, exit 2. So do `--version` and `--help`, which said nothing, exit 0
    (argparse's own writing, found by a QA pass), and with stdout closed printed to stderr, exit 0."""
    with open("/dev/full", "w", encoding="utf-8") as full:
        proc = subprocess.run([sys.executable, "-m", "cleaner", *command], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, timeout=300, check=False)
    assert (proc.returncode, proc.stderr) == (2, "cleaner: -: No space left on device\n")


def test_a_full_disk_met_by_what_is_left_buffered_is_named_before_the_command_ends(monkeypatch, in_process):
    """A command's last output, left in stdout's buffer, was written as Python exited: a full disk then was
    Python's "Exception ignored" and exit 120. It is written before the command ends, and said as any write is."""

    class Full(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BufferedWriter(Full()), encoding="utf-8"))
    proc = in_process("rules", "check", "--alone", str(ROOT / "rules" / "ar.yaml"))  # a line, left in the buffer
    assert (proc.returncode, proc.stderr) == (2, "cleaner: -: No space left on device\n")


def test_the_summary_of_nothing_kept_says_no_language_not_an_empty_line():
    """With nothing kept, the printed summary ended in "languages: " and nothing after it (found by a QA pass)."""
    proc = run_cli("clean", "-", "--out", "-", stdin="")
    assert proc.returncode == 0 and "\nlanguages: none\n" in proc.stderr, proc.stderr


@pytest.mark.parametrize("fmt", ["warc", "parquet", "jsonl", "txt", "html"])
def test_an_unreadable_file_of_any_format_is_a_rejection_not_the_end_of_the_run(tmp_path, fmt, in_process):
    """A WARC file that cannot be opened (no permission) ended `cleaner clean` with exit 2 and one line, every
    other input unread; a Parquet one was a rejection in pyarrow's words (found by a QA pass). Each is now the
    rejection every format makes, and the other inputs are read. `/proc/sys/vm/drop_caches` is write-only, so
    unreadable even by root (tests may run as root, which `chmod 000` does not stop)."""
    unreadable = "/proc/sys/vm/drop_caches"
    assert Path(unreadable).is_file()
    (tmp_path / "a.txt").write_text("Un texte lisible.", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = in_process("clean", unreadable, str(tmp_path / "a.txt"), "--input-format", fmt, "--out", str(out), "--quiet")
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    rejects = _records(tmp_path / "o.rejects.jsonl")
    assert [(r["reason"], r["detail"]) for r in rejects][:1] == [("bad_input", f"{unreadable}: Permission denied")]
    assert len(_records(out)) + len(rejects) == 2  # a.txt, read as `fmt`, too


def test_an_empty_document_names_what_reading_removed_and_shows_nothing_is_blank(tmp_path, in_process):
    """An empty document said what reading warned of but not what it removed (found by a QA pass): three NULs were
    a line's text (`empty document (invalid UTF-8 at byte 8, …)`), ten a file's (`empty document`). And a text of a
    no-break space and a zero-width one was no empty document (`strip()` keeps U+200B): `clean` wrote it kept,
    emptied, where `run` rejected it `too_short`. A text that shows nothing is blank, in both."""
    src = tmp_path / "q.jsonl"
    src.write_bytes(b'{"id":"q\xff","text":"\\u0000\\u0000\\u0000"}\n{"id":"z","text":"\\u00a0\\u200b"}\n')
    nul = tmp_path / "nul10.txt"
    nul.write_bytes(bytes(10))
    want = {"q\ufffd": f"{src}:1: empty document (invalid UTF-8 at byte 8, replaced with U+FFFD; 3 NUL characters "
                       "removed)",
            "z": f"{src}:2: empty document (1 invisible character alone)", "nul10": f"{nul}: empty document (10 NUL characters removed)"}
    assert {r.id: r.detail for r in read_inputs([src, nul], Config.load())} == want
    for command, out, rejects in (("clean", "c.jsonl", "c.rejects.jsonl"), ("run", "r", "r/rejects.jsonl")):
        proc = in_process(command, str(src), str(nul), "--out", str(tmp_path / out), "-q")
        assert proc.returncode == 0, proc.stderr
        assert {r["id"]: r["detail"] for r in _records(tmp_path / rejects)} == want, command


def test_a_line_made_malformed_by_an_invalid_byte_says_so(tmp_path):
    """A byte that is not UTF-8 outside a JSON string (a stray byte before the record, or after it) made the
    line malformed, and the detail said only `Expecting value at column 1`, the byte itself shown as U+FFFD
    (found by a QA pass): the detail now names the invalid byte too."""
    src = tmp_path / "s.jsonl"
    src.write_bytes(b'\xff{"id": "a", "text": "Un."}\n{"id": "b", "text": "Deux."}\xfe\n{"id": "c", "text": "Tr\xe9s."}\n')
    records = list(read_inputs([src], Config.load()))
    assert [r.detail for r in records[:2]] == [
        f"{src}:1: malformed JSON: Expecting value at column 1 (invalid UTF-8 at byte 0, replaced with U+FFFD)",
        f"{src}:2: malformed JSON: Extra data at column 29 (invalid UTF-8 at byte 28, replaced with U+FFFD)"]
    assert isinstance(records[2], Document) and records[2].warnings == (f"{src}:3: invalid UTF-8 at byte 23, replaced with U+FFFD",)


def test_records_joined_without_a_line_break_are_one_rejection_saying_so(tmp_path):
    """Two records glued on one line said only `Extra data at column 26` (QA pass), where records parted by lone CRs
    say they may be records joined: a second object or array where the first value ends says so too, before what
    reading warned of; other data after the value (a word) is said as it was. Still one rejection, its raw line."""
    src = tmp_path / "g.jsonl"
    lines = [b'{"id":"r1","text":"a b c"}{"id":"r2","text":"d e f"}', b'{"id":"r3","text":"x"} trailing',
             b'{"id":"r4","text":"\xff"}  [5]']
    src.write_bytes(b"\n".join(lines) + b"\n")
    joined = "(a second JSON value starts there: records joined without a line break?)"
    want = [(f"{src}:1: malformed JSON: Extra data at column 27 {joined}", lines[0].decode()),
            (f"{src}:2: malformed JSON: Extra data at column 24", lines[1].decode()),
            (f"{src}:3: malformed JSON: Extra data at column 25 {joined} (invalid UTF-8 at byte 19, replaced with "
             "U+FFFD)", lines[2].decode("utf-8", "replace"))]
    assert [(r.detail, r.raw) for r in read_inputs([src], Config.load())] == want


def test_a_record_rejected_for_want_of_a_text_names_the_invalid_byte_it_held(tmp_path, in_process):
    """An invalid byte inside a JSON key (`"te\\xffxt"`) leaves the record without a `text`: the rejection said
    only `no 'text' field`, and the warning naming the byte was lost with the record (a rejection carries no
    warnings; QA pass). A record rejected for another reason names its invalid byte too, as a malformed line
    does; on every path (a run's workers parse the lines)."""
    src = tmp_path / "k.jsonl"
    lines = [b'{"id": "k1", "te\xffxt": "x"}', b'{"id": "k2", "text": 5, "t": "\xff"}', b'[1, "\xff"]',
             b'{"id": "k4", "text": " ", "t": "\xff"}', b'{"id": "k5", "text": "Un \xff texte."}']
    src.write_bytes(b"".join(line + b"\n" for line in lines))
    byte = [f"(invalid UTF-8 at byte {line.index(0xFF)}, replaced with U+FFFD)" for line in lines]
    want = [f"{src}:1: no 'text' field {byte[0]}", f"{src}:2: 'text' is int, not a string {byte[1]}",
            f"{src}:3: a record must be a JSON object, got an array {byte[2]}", f"{src}:4: empty document {byte[3]}"]
    records = list(read_inputs([src], Config.load()))
    assert [r.detail for r in records[:4]] == want
    assert records[4].warnings == (f"{src}:5: {byte[4][1:-1]}",)  # kept, and warned
    out = tmp_path / "run"  # a folder: `run --out o.jsonl` is refused, a JSON file's name
    proc = in_process("run", str(src), "--out", str(out), "--workers", "2", "--quiet")
    assert proc.returncode == 0, proc.stderr[-500:]
    assert sorted(r["detail"] for r in _records(out / "rejects.jsonl")) == want


def test_a_too_large_rejection_at_read_names_the_invalid_byte_it_held(tmp_path, in_process):
    """Only a `bad_input` rejection named what reading warned of: one `too_large` at read said only its size, the
    replaced byte lost (QA), where the README says a record rejected at read names it. A JSONL line, a `.txt` file
    and the bytes given to the API alike."""
    from cleaner.pipeline import as_document

    config = Config.load().model_copy(update={"max_doc_chars": 20})
    text = b"Un texte assez long pour d\xe9passer la limite."
    line = b'{"id": "a", "text": "' + text + b'"}'
    (tmp_path / "l.jsonl").write_bytes(line + b"\n")
    (tmp_path / "t.txt").write_bytes(text)
    size = f"document is {len(text.decode('utf-8', 'replace'))} characters, over max_doc_chars=20"
    byte = "(invalid UTF-8 at byte {}, replaced with U+FFFD)"
    want = [f"{tmp_path}/l.jsonl:1: {size} {byte.format(line.index(0xE9))}",
            f"{tmp_path}/t.txt: {size} {byte.format(text.index(0xE9))}"]
    items = list(read_inputs([tmp_path / "l.jsonl", tmp_path / "t.txt"], config))
    assert [(item.reason, item.detail) for item in items] == [("too_large", detail) for detail in want]
    assert as_document(text, 3, config).detail == f"document 3: {size} {byte.format(text.index(0xE9))}"
    (tmp_path / "small.toml").write_text("max_doc_chars = 20\n", encoding="utf-8")
    out = tmp_path / "out" / "o.jsonl"
    proc = in_process("clean", str(tmp_path / "l.jsonl"), "--config", str(tmp_path / "small.toml"), "--out", str(out),
                      "--quiet")
    assert proc.returncode == 0, proc.stderr[-500:]
    assert [r["detail"] for r in _records(out.with_name("o.rejects.jsonl"))] == want[:1]


def test_a_jsonl_line_over_max_doc_chars_that_gives_no_document_is_too_large_carrying_none_of_it(tmp_path):
    """A line under the limit it is skipped unread at (6 x max_doc_chars bytes and 4 KB: a document of max_doc_chars
    characters, each written as a JSON escape) is read: one longer than max_doc_chars that gave no document, malformed
    or no record, carried all of it in the rejects (a 90,000,000-character line of junk was a 90 MB raw; QA pass),
    where a record whose text is over max_doc_chars carried none. Such a line is `too_large` too, naming its size and
    why it gave no document; a short one is still `bad_input` with its raw line, and a line of escapes kept. A record
    (an object) keeps its own reason and raw, its text under the limit (a review: a binary text was `too_large`)."""
    config = Config.load().model_copy(update={"max_doc_chars": 20})
    src = tmp_path / "l.jsonl"
    lines = ["x" * 50, '["' + "y" * 40 + '"]', '{"id": "n", "body": "' + "z" * 30 + '"}', "x{}",
             '{"id": "e", "text": "' + "\\u00e9" * 20 + '"}', '{"id": "t", "text": "' + "t" * 21 + '"}']
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    over = "document is {:,} characters of JSON, over max_doc_chars=20 ({})"
    want = [("too_large", f"{src}:1: " + over.format(50, "malformed JSON: Expecting value at column 1"), None),
            ("too_large", f"{src}:2: " + over.format(44, "a record must be a JSON object, got an array"), None),
            ("bad_input", f"{src}:3: no 'text' field", {"id": "n", "body": "z" * 30}),
            ("bad_input", f"{src}:4: malformed JSON: Expecting value at column 1", "x{}"),
            ("too_large", f"{src}:6: document is 21 characters, over max_doc_chars=20", None)]
    for lazy in (False, True):
        items = [i.parse(config) if lazy and not isinstance(i, Rejected) else i
                 for i in read_inputs([src], config, lazy=lazy)]
        assert [(i.reason, i.detail, i.raw) for i in items if isinstance(i, Rejected)] == want, lazy
        assert [(i.id, i.text) for i in items if isinstance(i, Document)] == [("e", "é" * 20)]
        assert items[2].id == "n"


def test_a_jsonl_records_own_rejection_over_max_doc_chars_of_json_keeps_its_reason(tmp_path):
    """A record whose text of 800 control characters (4,825 characters of JSON) is binary was said `too_large`, its
    JSON over max_doc_chars = 1,000, and carried none of it (a review): only a line that is no record is so measured."""
    config = Config.load().model_copy(update={"max_doc_chars": 1000})
    src = tmp_path / "b.jsonl"
    record = {"id": "bin", "text": "\u0001\u0002" * 400}
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    [item] = read_inputs([src], config)
    assert (item.reason, item.detail, item.raw) == ("bad_input", f"{src}:1: binary content, not text", record)


def test_a_line_of_a_utf8_file_opening_with_utf16s_mark_is_invalid_utf8(tmp_path):
    """Bytes FF FE opening a line of a UTF-8 file were read as UTF-16's byte order mark, so the line was decoded as
    UTF-16 and the detail named `invalid utf-16`, or nothing when the rest decoded (QA pass): a file's encoding is
    told by its first bytes, so the line is UTF-8 with invalid bytes. A UTF-8 mark opening a line is still dropped."""
    src = tmp_path / "s.jsonl"
    src.write_bytes(b'{"id": "a", "text": "Un."}\n\xff\xfe\x00garbage\n\xff\xfe{"id": "b", "text": "Deux."}\n'
                    b'\xef\xbb\xbf{"id": "c", "text": "Trois."}\n')
    records = list(read_inputs([src], Config.load()))
    assert [r.detail for r in records[1:3]] == [
        f"{src}:{n}: malformed JSON: Expecting value at column 1 (invalid UTF-8 at byte 0, replaced with U+FFFD)"
        for n in (2, 3)]
    assert [(r.id, r.warnings) for r in records[::3]] == [("a", ()), ("c", ())]


def test_a_short_text_holding_a_nul_is_text_on_every_path_and_binary_stays_binary(tmp_path, in_process):
    """`"Bonjour le monde.\\u0000"` (a C string's end: one NUL in 18 characters, over the 5% share) was refused as
    `binary content`, where a longer text holding one is kept, the NUL removed and counted: a JSON string, a
    `.txt` or `.html` file, the Python API and the service now all keep it so. A binary file stays a rejection."""
    from fastapi.testclient import TestClient

    from cleaner import clean
    from cleaner.service import Service, create_app

    text = "Bonjour le monde.\x00"  # a sentence: a page's short text without one is no article
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "s.jsonl").write_text(json.dumps({"id": "j", "text": text}) + "\n", encoding="utf-8")
    (tmp_path / "in" / "t.txt").write_bytes(text.encode())
    (tmp_path / "in" / "h.html").write_bytes(f"<html><body><p>{text}</p></body></html>".encode())
    (tmp_path / "in" / "b.txt").write_bytes(bytes(range(32)) * 2)  # 64 bytes, 56 of them controls
    proc = in_process("clean", str(tmp_path / "in"), "--out", str(tmp_path / "o.jsonl"), "-q")
    assert proc.returncode == 0, proc.stderr
    kept = {r["id"]: r for r in _records(tmp_path / "o.jsonl")}
    assert {rid: r["text"] for rid, r in kept.items()} == dict.fromkeys(("h", "j", "t"), "Bonjour le monde.")
    assert kept["j"]["warnings"] == [f"{tmp_path / 'in' / 's.jsonl'}:1: 1 NUL character removed"]
    assert kept["t"]["warnings"] == [f"{tmp_path / 'in' / 't.txt'}: 1 NUL character removed"]
    assert kept["h"]["warnings"] == [f"{tmp_path / 'in' / 'h.html'}: html: 1 NUL character removed"]
    (binary,) = _records(tmp_path / "o.rejects.jsonl")
    assert (binary["id"], binary["reason"], binary["detail"]) == ("b", "bad_input", f"{tmp_path / 'in' / 'b.txt'}: binary content, not text")
    (api,) = clean([{"id": "a", "text": text}])
    assert (api.text, api.warnings) == ("Bonjour le monde.", ("document 0: 1 NUL character removed",))
    with TestClient(create_app(Service(Config.load(), tmp_path / "index.sqlite"))) as c:
        answer, binary_answer = c.post("/v1/clean", json=[{"id": "s", "text": text}, {"id": "z", "text": "\x00\x01\x02\x03" * 8}]).json()
    assert answer["status"] == "cleaned" and answer["record"]["text"] == "Bonjour le monde."
    assert answer["record"]["warnings"] == ["document 's': 1 NUL character removed"]
    assert (binary_answer["reason"], binary_answer["detail"]) == ("bad_input", "document 'z': binary content, not text")


def test_a_rejections_warnings_are_its_own_and_its_raw_record_reads_back_as_the_same_document(tmp_path, in_process):
    """A document dropped after reading carried what reading repaired as a `warnings` key of its raw record, which,
    the raw record given back to `cleaner clean`, became `meta.warnings`, the document's own warnings empty (found by
    a QA pass). They are the rejection's own `warnings`, and each raw record, read again, is the document it was. A
    record rejected as read keeps its own fields as given, and names what reading met in its detail."""
    src = tmp_path / "in.jsonl"
    long = "Un texte assez long pour passer le filtre."
    src.write_bytes(b"".join((json.dumps(r) + "\n").encode() for r in (
        {"id": "m3", "text": long, "n": 1}, {"id": "m3c", "text": long, "n": 1},
        {"id": "nul1", "text": "Bonjour le monde\x00 avec un NUL.", "meta": "a string"})) + b'{"id": "b1", "text": 5, "x": "caf\xe9"}\n')
    proc = in_process("run", str(src), "--out", str(tmp_path / "run"), "--min-chars", "40", "-q", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    rejects = {r["id"]: r for r in _records(tmp_path / "run" / "rejects.jsonl")}
    assert {rid: r["stage"] for rid, r in rejects.items()} == {"b1": "read", "m3c": "dedup", "nul1": "gate"}
    assert rejects["nul1"]["warnings"] == [f"{src}:3: 1 NUL character removed"]
    assert rejects["b1"]["detail"].endswith("(invalid UTF-8 at byte 33, replaced with U+FFFD)")
    assert rejects["b1"]["raw"] == {"id": "b1", "text": 5, "x": "caf\ufffd"} and "warnings" not in rejects["m3c"]
    assert not any("warnings" in r["raw"] for r in rejects.values())
    again = tmp_path / "again.jsonl"
    again.write_text("".join(json.dumps(rejects[rid]["raw"]) + "\n" for rid in ("m3c", "nul1")), encoding="utf-8")
    for name, path in (("first", src), ("again", again)):
        assert in_process("clean", str(path), "--out", str(tmp_path / f"{name}.out.jsonl"), "-q", "--workers", "1").returncode == 0
    first = {r["id"]: r for r in _records(tmp_path / "first.out.jsonl")}
    for record in _records(tmp_path / "again.out.jsonl"):
        assert record == {k: v for k, v in first[record["id"]].items() if k != "warnings"}
