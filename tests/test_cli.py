"""The `cleaner clean` command end to end, as a real subprocess: inputs, outputs, rejects, summary; in this process
(`in_process`) where a test reads only what a command writes and says and its exit code."""

from __future__ import annotations

import gzip
import json
import os
import re
import select
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SEEDS, made_id, masakhanews, run_cli

from cleaner import replay
from cleaner.io.outputs import read_records


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_clean_seed_folder_writes_one_record_per_seed_and_a_summary(tmp_path):
    out = tmp_path / "seeds.jsonl"
    proc = run_cli("clean", str(SEEDS), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    records = _records(out)
    assert [r["id"] for r in records] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for record in records:
        assert set(record) >= {"id", "text", "title", "source", "published", "author", "section", "edits"}
        raw = (SEEDS / f"{record['id']}.txt").read_text(encoding="utf-8")
        from cleaner import Edit

        assert replay(raw, [Edit(**e) for e in record["edits"]]) == record["text"]
    assert "5 documents read, 5 kept, 0 rejected" in proc.stderr
    assert "generic.ticker" in proc.stderr and "removed" in proc.stderr
    assert not (tmp_path / "seeds.rejects.jsonl").exists()


def test_clean_tags_with_the_language_backend_it_is_given(tmp_path, in_process):
    """`cleaner clean --lang-backend NAME` tags as `Config(lang_backend=NAME)` does (its output carries
    `lang` and `lang_score`, so it takes the flag `run` takes); a name no backend has is refused, exit 2."""
    from cleaner import Config, clean

    out = tmp_path / "o.jsonl"
    proc = in_process("clean", str(SEEDS), "--out", str(out), "--lang-backend", "fasttext", "-q")
    assert proc.returncode == 0, proc.stderr
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]  # in the order of the records
    expected = [d.lang_score for d in clean(texts, Config.load(lang_backend="fasttext"))]
    assert [r["lang_score"] for r in _records(out)] == expected
    assert expected != [d.lang_score for d in clean(texts)]  # the default tags otherwise
    bad = in_process("clean", str(SEEDS), "--out", str(out), "--lang-backend", "nope")
    assert bad.returncode == 2 and "unknown language backend 'nope'" in bad.stderr


def test_extract_edits_carry_field_and_value(tmp_path, in_process):
    out = tmp_path / "o.jsonl"
    in_process("clean", str(SEEDS / "000_60897166cff71104.txt"), "--out", str(out))
    edits = _records(out)[0]["edits"]
    extracted = {e["field"]: e["value"] for e in edits if e["kind"] == "extract"}
    assert extracted == {"title": "Entretien : «Je rêve d'un service client par Facebook»", "source": "Finances news", "published": "2014-12-13"}
    assert all("field" not in e for e in edits if e["kind"] == "remove")


def test_stdin_to_stdout_in_a_pipeline():
    lines = [json.dumps({"id": "a", "text": "Publié dans Le Matin le 3 mars 2021\n\nLe texte."}), json.dumps({"id": "b", "text": "Autre texte."})]
    proc = run_cli("clean", "-", "--out", "-", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["id"], r["text"], r["published"]) for r in records] == [("a", "Le texte.", "2021-03-03"), ("b", "Autre texte.", None)]
    assert "2 documents read" in proc.stderr
    one = run_cli("clean", "-", "--out", "-", stdin=lines[1] + "\n")
    assert "1 document read, 1 kept, 0 rejected" in one.stderr, one.stderr  # was "1 documents read"


def test_compressed_jsonl_on_stdin_is_decompressed():
    """`cat news.jsonl.gz | cleaner clean -` was one rejection, "binary content, not JSONL" (found by a QA pass):
    stdin has no name to tell its compression by, so gzip's and zstd's magic bytes tell it, as a file's extension
    does; a stream cut short is a rejection naming stdin, as a file cut short is."""
    import zstandard

    lines = "".join(json.dumps({"id": k, "text": f"Le texte numéro {k}."}) + "\n" for k in "abc").encode()
    for packed in (gzip.compress(lines), zstandard.ZstdCompressor().compress(lines)):
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--out", "-", "-q"], input=packed, cwd=ROOT,
                              capture_output=True, timeout=300)
        assert proc.returncode == 0 and [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["a", "b", "c"], proc.stderr
    cut = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--out", "-"], input=gzip.compress(lines)[:30],
                         cwd=ROOT, capture_output=True, timeout=300)
    assert b"<stdin>: unreadable: Compressed file ended before the end-of-stream marker was reached" in cut.stderr, cut.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_stdin_to_stdout_gives_each_record_before_the_next_has_come(workers):
    """As a filter between two programs, a record's result is written (and flushed) before the producer
    sends the next: it was held until 65 records (a worker pool: ~2,000) or the end of the input had come."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", "-", "--out", "-", "--workers", workers, "--quiet"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
    try:
        for doc_id in ("a", "b", "c"):
            record = {"id": doc_id, "text": f"Le conseil municipal a voté le budget {doc_id} après un long débat."}
            proc.stdin.write((json.dumps(record) + "\n").encode())
            proc.stdin.flush()
            assert select.select([proc.stdout], [], [], 60)[0], f"no output for {doc_id} while the input stays open"
            assert json.loads(proc.stdout.readline())["id"] == doc_id
        proc.stdin.close()
        assert proc.stdout.read() == b"" and proc.wait(60) == 0
    finally:
        proc.kill()


def test_stdout_is_utf8_whatever_the_locale():
    """JSON Lines are UTF-8: a C or Latin-1 locale does not change the bytes written to stdout."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}
    text = "Le conseil a voté : 20 € pour l’école, 学校."
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-", "--out", "-", "--quiet"], cwd=ROOT, env=env,
                          input=(json.dumps({"id": "a", "text": text}) + "\n").encode(), capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["text"] == text


def test_field_mapping_and_meta_passthrough(tmp_path, in_process):
    inp = tmp_path / "in.jsonl.gz"
    with gzip.open(inp, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"doc_id": 7, "body": "Un texte.", "url": "https://www.example.ma/a", "extra": [1, 2]}) + "\n")
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(inp), "--out", str(out), "--id-field", "doc_id", "--text-field", "body")
    assert proc.returncode == 0, proc.stderr
    records_lang, records_score = _records(out)[0]["lang"], _records(out)[0]["lang_score"]
    assert _records(out) == [
        {"id": "7", "text": "Un texte.", "title": None, "source": None, "published": None, "author": None, "section": None,
         "lang": records_lang, "lang_score": records_score, "langs": None,
         "edits": [], "url": "https://www.example.ma/a", "meta": {"extra": [1, 2]}}
    ]


def test_a_records_meta_mapping_is_merged_so_a_corpus_read_again_keeps_one_meta(tmp_path, in_process):
    """A record's `meta` mapping is merged into `meta` (its other fields win a clash, with a warning that
    names the key: meta's value went without a word), as the API and the service take it: `cleaner
    clean`'s output, read again, has one `meta`, not `meta.meta`. A `meta` of another type stays a field
    called `meta`; a null one goes (it was kept as `{"meta": null}`)."""
    inp = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "Un texte assez long pour rester ici.", "meta": {"site": "x.ma", "k": 1}, "k": 2},
            {"id": "b", "text": "Un autre texte assez long pour rester.", "meta": [1, 2]},
            {"id": "c", "text": "Un troisième texte assez long pour rester.", "meta": None, "x": None},
            {"id": "d", "text": "Un quatrième texte assez long pour rester.", "meta": {"k": 1}, "k": 1}]
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first = tmp_path / "first.jsonl"
    assert in_process("clean", str(inp), "--out", str(first), "-q").returncode == 0
    assert [r.get("meta") for r in _records(first)] == [{"site": "x.ma", "k": 2}, {"meta": [1, 2]}, {"x": None}, {"k": 1}]
    assert [r.get("warnings") for r in _records(first)] == [
        [f"{inp}:1: meta: 'k' given both as a field of the record and in its 'meta', with other values: the field's value kept"],
        None, None, None]
    again = tmp_path / "again.jsonl"
    assert in_process("clean", str(first), "--out", str(again), "-q").returncode == 0
    meta = _records(again)[0]["meta"]
    assert (meta["site"], meta["k"], "meta" in meta) == ("x.ma", 2, False)


def test_a_blank_id_is_no_id(tmp_path, in_process):
    """`"id": ""` (or blanks), as exports write a missing id, gets the id made for a record without one,
    so that such records are not all one `repeated_id`."""
    inp = tmp_path / "news.jsonl"
    texts = ["Le conseil municipal a voté le budget de la ville après un long débat.",
             "La sécheresse inquiète les agriculteurs de la région, qui demandent des aides."]
    inp.write_text(json.dumps({"id": "", "text": texts[0]}) + "\n" + json.dumps({"id": "  ", "text": texts[1]}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    assert in_process("run", str(inp), "--out", str(out), "-q").returncode == 0
    assert [r["id"] for r in _records(out / "corpus.jsonl")] == sorted([made_id("news:1", texts[0]), made_id("news:2", texts[1])])


def test_lone_surrogates_in_fields_and_meta_become_u_fffd_so_the_corpus_is_strict_json(tmp_path, in_process):
    """A lone surrogate escape in `url` or `meta` (keys too) is U+FFFD in the output, as in the text and
    the id: a corpus line with a surrogate escape is JSON that jq and other strict readers refuse."""
    inp = tmp_path / "s.jsonl"
    inp.write_text('{"id": "s", "text": "Un texte assez long pour rester ici.", "url": "http://x/\\ud800", '
                   '"foo": "\\udfff", "k\\udc00": ["a\\ud801", {"b": "\\udbff"}]}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert in_process("clean", str(inp), "--out", str(out), "-q").returncode == 0
    line = out.read_text(encoding="utf-8")
    assert "\\ud" not in line.lower()
    record = json.loads(line)
    assert record["url"] == "http://x/\ufffd"
    assert record["meta"] == {"foo": "\ufffd", "k\ufffd": ["a\ufffd", {"b": "\ufffd"}]}


def test_bad_records_go_to_rejects_with_file_and_line(tmp_path, in_process):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(
        b'{"id": "ok", "text": "Bon texte."}\n'
        b'{"id": "broken", "text": \n'
        b'["not", "an", "object"]\n'
        b'{"id": "empty", "text": "   "}\n'
        b'{"id": "notext"}\n'
        b'{"id": "number", "text": 42}\n'
        b'{"id": "latin1", "text": "caf\xe9"}\n'
        b'\n'
    )
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(inp), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    kept = _records(out)
    rejects = _records(tmp_path / "out.rejects.jsonl")
    assert [r["id"] for r in kept] == ["ok", "latin1"]
    assert kept[1]["text"] == "caf\ufffd" and "invalid UTF-8" in kept[1]["warnings"][0]
    assert len(rejects) == 5 and all(r["reason"] == "bad_input" for r in rejects)
    assert rejects[0]["detail"].startswith(f"{inp}:2: malformed JSON") and rejects[0]["raw"] == '{"id": "broken", "text": '
    assert rejects[1]["detail"] == f"{inp}:3: a record must be a JSON object, got an array"
    details = {r.get("id"): r["detail"] for r in rejects}
    assert details["empty"] == f"{inp}:4: empty document"
    assert details["notext"] == f"{inp}:5: no 'text' field"
    assert details["number"] == f"{inp}:6: 'text' is int, not a string"
    assert "7 documents read, 2 kept, 5 rejected (bad_input 5)" in proc.stderr


def test_records_parted_by_a_lone_cr_say_so():
    """JSONL lines end in LF (or CRLF): records parted by a lone CR (old Mac files) are one line, one
    rejection, whose detail says why and how many lone CRs the line holds (it said nothing of the records joined)."""
    proc = run_cli("clean", "-", "--out", "-", stdin='{"id": "a", "text": "x"}\r{"id": "b", "text": "y"}\r')
    assert proc.returncode == 0 and proc.stdout == ""
    assert ("cleaner: rejected (no id): <stdin>:1: malformed JSON: Extra data at column 26 (the line holds 2 lone-CR "
            "line breaks, so it may be several records joined: its records are parted by a lone CR, as old Mac files "
            "end lines: JSONL lines end in LF or CRLF)") in proc.stderr.splitlines()


def test_every_input_record_ends_up_exactly_once(tmp_path, in_process):
    inp = tmp_path / "in.jsonl"
    rows = [{"id": f"d{i}", "text": "Texte numéro %d." % i if i % 3 else ""} for i in range(30)]
    inp.write_text("\n".join(json.dumps(r) for r in rows) + "\n{oops\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    in_process("clean", str(inp), "--out", str(out))
    kept = [r["id"] for r in _records(out)]
    rejected = [r.get("id") for r in _records(tmp_path / "out.rejects.jsonl")]
    assert len(kept) + len(rejected) == 31
    assert sorted(kept + [r for r in rejected if r]) == sorted(r["id"] for r in rows)


def test_unreadable_inputs_are_rejected_not_raised(tmp_path, in_process):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Un article.", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "c.bin").write_bytes(b"\x00\x01\x02")
    (folder / "d.jsonl.gz").write_bytes(gzip.compress(b'{"id": "g", "text": "Texte."}\n' * 50)[:-20])
    out = tmp_path / "out.jsonl"
    proc = in_process("clean", str(folder), str(tmp_path / "missing.txt"), "--out", str(out))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    rejects = _records(tmp_path / "out.rejects.jsonl")
    details = " | ".join(r["detail"] for r in rejects)
    assert "b.txt: empty document" in details
    assert "c.bin: unsupported file type" in details
    assert "d.jsonl.gz: unreadable after line" in details
    assert "missing.txt: no such file or folder" in details
    assert "a" in [r["id"] for r in _records(out)]


def test_rejects_to_stderr_when_output_is_stdout():
    proc = run_cli("clean", "-", "--out", "-", stdin='{"id": "x"}\n')
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert "rejected x: <stdin>:1: no 'text' field" in proc.stderr


def test_rejects_dash_writes_the_rejected_records_whole_to_stdout(tmp_path, in_process):
    """`--rejects -` with an output file: the rejections, raw record and all, are JSON lines on stdout
    (a pipe keeps them); with `--out -` too, both would share stdout, so that is refused; an empty or
    folder `--rejects` is refused as `--out` is."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Bonjour le monde entier."}\n{"id": "b", "text": 5}\n{oops\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = in_process("clean", str(src), "--out", str(out), "--rejects", "-")
    assert proc.returncode == 0, proc.stderr
    rejected = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r.get("id"), r["reason"], r["raw"]) for r in rejected] == [
        ("b", "bad_input", {"id": "b", "text": 5}), (None, "bad_input", "{oops")]
    assert [r["id"] for r in _records(out)] == ["a"]
    assert "rejects in stdout" in proc.stderr and "cleaner: rejected" not in proc.stderr
    assert not (tmp_path / "o.rejects.jsonl").exists() and not (tmp_path / "-").exists()
    for args, says in {("--out", "-", "--rejects", "-"): "--out - and --rejects - would both write to stdout",
                       ("--out", str(out), "--rejects", ""): "--rejects is empty",
                       ("--out", str(out), "--rejects", str(tmp_path)): f"{tmp_path}: is a folder, not a file to write"}.items():
        proc = in_process("clean", str(src), *args)
        assert (proc.returncode, proc.stdout, proc.stderr.count("\n")) == (2, "", 1) and says in proc.stderr, (args, proc.stderr)


def test_a_reader_of_the_rejects_that_goes_loses_them_not_the_output(tmp_path):
    """`clean --out o.jsonl --rejects - | head -1`: the closed pipe ended the command at once, exit 0 and not a word,
    o.jsonl never written (an older one left in its place); the reader gone of stdout ended it as if stdout were its
    output (found by a QA pass). The output is written whole; the rejections lost are said in one line, exit 2, and
    those written as written to the pipe, not read: the reader read one (the line said it went after all of them)."""
    src = tmp_path / "in.jsonl"
    lines = []
    for k in range(600):  # rejections enough to fill the pipe: some are written after the reader went
        lines.append(json.dumps({"id": f"g{k}", "text": f"Le conseil municipal a voté le budget numéro {k}."}))
        lines.append(json.dumps({"id": f"b{k}", "text": 5, "pad": "x" * 200}))
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    out.write_text("an older output\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", str(src), "--out", str(out), "--rejects", "-",
                             "--workers", "1", "-q"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(proc.stdout.readline())["id"] == "b0"
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 2, err
    assert [r["id"] for r in _records(out)] == [f"g{k}" for k in range(600)]
    (said,) = err.splitlines()
    found = re.fullmatch(rf"cleaner: --rejects -: the reader of stdout went \(a broken pipe\) after ([\d,]+) "
                         rf"rejections? had been written to the pipe \(it may have read fewer\); the other ([\d,]+) "
                         rf"were not written \({re.escape(str(out))} is whole\)", said)
    assert found, said
    written, lost = (int(n.replace(",", "")) for n in found.groups())
    assert written + lost == 600 and lost > 0


def test_rules_check_read_by_head_still_exits_with_its_verdict(tmp_path):
    """`rules check pack.yaml | head -1`: the closed pipe ended the check with exit 0, as a filter's reader going
    does, though its examples failed (a QA pass): a check's exit code is its verdict, so it goes on without its
    output, exit 1, not a word on stderr."""
    lines = ["rules:"]
    for k in range(300):  # failures enough to fill the pipe
        lines += [f"  - id: t.never{k}", "    kind: regex", f"    description: matches nothing {k}",
                  f"    pattern: 'zzz{k}'", "    examples:", f"      remove: ['nothing here {k}']",
                  f"      keep: ['fine {k}']"]
    pack = tmp_path / "never.yaml"
    pack.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "rules", "check", str(pack), "--alone"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert "FAIL t.never0: remove example 1 is not touched" in proc.stdout.readline().decode()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 1 and err == ""


def test_rules_check_takes_a_config_as_the_service_does(tmp_path, in_process, monkeypatch):
    """`rules check` had no `--config`: it ran examples with a 1 s regex time limit through the shipped packs, where
    `POST /v1/rules/check` takes the config's `regex_timeout` and rules, so a pack could pass in one and fail in the
    other (QA pass)."""
    import cleaner.commands.rules as rules_command

    timeouts, failures = [], rules_command.pack_failures
    monkeypatch.setattr(rules_command, "pack_failures", lambda *args: timeouts.append(args[3]) or failures(*args))
    rule = ("rules:\n  - id: t.{0}\n    kind: line\n    description: a {0} rule\n    phrases: ['{1}']\n"
            "    examples: {{remove: ['{1}'], keep: ['{2}']}}\n")
    (tmp_path / "theirs.yaml").write_text(rule.format("theirs", "Menu du jour", "Le texte."), encoding="utf-8")
    (mine := tmp_path / "mine.yaml").write_text(rule.format("mine", "Partager", "Menu du jour"), encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('regex_timeout = 7.5\ndefault_rules = false\nrules_dirs = ["theirs.yaml"]\n', encoding="utf-8")
    proc = in_process("rules", "check", str(mine), "--config", str(cfg))
    assert (proc.returncode, timeouts) == (1, [7.5]), proc.stderr
    assert f"{mine}:2: FAIL t.mine: keep example 1 is changed by t.theirs" in proc.stdout


def test_a_loaded_rule_is_disabled_by_its_id(tmp_path, in_process):
    """A shipped rule could be switched off only with every shipped pack (`--no-default-rules`) or by editing it:
    `disabled_rules` (and `--disable-rule ID`, added to it) leaves it out of a run, `rules list` shows it as disabled,
    an id no loaded rule has is refused, naming it, and a disabled rule keeps its id (a fix is a rule of another)."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Publié dans Le Matin le 3 mars 2021\n\nLe texte."}) + "\n",
                   encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('disabled_rules = ["fr.published-in"]\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert in_process("clean", str(src), "-o", str(out), "--config", str(cfg), "-q").returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == "Publié dans Le Matin le 3 mars 2021\n\nLe texte."
    listed = in_process("rules", "list", "--config", str(cfg), "--disable-rule", "generic.email-line")
    assert listed.stderr.endswith(" (2 disabled)\n")
    assert [line.split()[:4] for line in listed.stdout.splitlines()[-2:]] == [
        ["fr.published-in", "extract", "fr", "[disabled]"], ["generic.email-line", "regex", "any", "[disabled]"]]
    assert not any(line.startswith("fr.published-in ") for line in listed.stdout.splitlines()[:-2])
    unknown = in_process("rules", "list", "--disable-rule", "fr.nope")
    assert (unknown.returncode, unknown.stderr) == (2, "cleaner: --disable-rule: no loaded rule has "
                                                       "the id 'fr.nope' (`cleaner rules list` names them)\n")
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - id: fr.published-in\n    kind: line\n    description: a fix\n    phrases: [Menu]\n"
                    "    examples: {remove: [Menu], keep: ['Le texte.']}\n", encoding="utf-8")
    again = in_process("rules", "list", "--config", str(cfg), "--rules", str(mine))
    assert again.returncode == 2 and "duplicate id, already defined in" in again.stderr


def test_an_unknown_disabled_id_is_named_where_it_was_given(tmp_path, in_process):
    """An id no loaded rule has was "disabled_rules (--disable-rule): …", whether the config file or the flag gave it
    (a review): each is named by what gave it, the config file by its path."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('disabled_rules = ["fr.published-in", "fr.gone"]\n', encoding="utf-8")
    both = in_process("rules", "list", "--config", str(cfg), "--disable-rule", "fr.nope")
    assert (both.returncode, both.stderr) == (2, f"cleaner: disabled_rules in {cfg}: no loaded rule has the id "
                                                 "'fr.gone'; --disable-rule: no loaded rule has the id 'fr.nope' "
                                                 "(`cleaner rules list` names them)\n")


def test_rules_check_alone_refuses_an_unknown_disabled_id_as_without(tmp_path, in_process):
    """`rules check --alone --config c.toml` passed, exit 0, a config whose `disabled_rules` no loaded rule has, which
    without `--alone` is refused (a QA pass): the config's rules are loaded either way."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('disabled_rules = ["fr.nope"]\n', encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - id: t.menu\n    kind: line\n    description: a menu\n    phrases: [Menu]\n"
                    "    examples: {remove: [Menu], keep: ['Le texte.']}\n", encoding="utf-8")
    for alone in ([], ["--alone"]):
        proc = in_process("rules", "check", str(mine), "--config", str(cfg), *alone)
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: disabled_rules in {cfg}: no loaded rule has the id "
                                                     "'fr.nope' (`cleaner rules list` names them)\n"), alone


@pytest.mark.parametrize("rule_id, said", [
    ("repeated", "'repeated' is the boilerplate `cleaner run` learns from the corpus, no rule of the packs: it is "
                 "learned only with --learn-boilerplate (learn_boilerplate = true); leave that out, or give "
                 "--no-learn-boilerplate"),
    ("whitespace", "'whitespace' is cleaner's own tidying (lines trimmed, blank lines folded), no rule of the packs: "
                   "it cannot be switched off"),
    (" ", "an empty id: give the id of a loaded rule (`cleaner rules list` names them)")])
def test_an_id_no_pack_can_hold_is_refused_as_what_it_is(tmp_path, in_process, rule_id, said):
    """`--disable-rule repeated` and `--disable-rule whitespace` were "no loaded rule has the id": they are cleaner's
    own edits, said so with what to do; a blank id is refused by the config alone (it was checked before too), named
    by the flag or the file that gave it."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('disabled_rules = ["fr.published-in"]\n', encoding="utf-8")
    flag = in_process("rules", "list", "--config", str(cfg), "--disable-rule", rule_id)
    assert (flag.returncode, flag.stderr) == (2, f"cleaner: --disable-rule: {said}\n")
    cfg.write_text(f'disabled_rules = ["fr.published-in", "{rule_id}"]\n', encoding="utf-8")
    listed = in_process("rules", "list", "--config", str(cfg), "--disable-rule", "generic.email-line")
    assert (listed.returncode, listed.stderr) == (2, f"cleaner: config in {cfg}: disabled_rules item 2: {said}\n")


def test_the_disabled_ids_in_another_order_are_the_same_run(tmp_path, in_process):
    """Two `--disable-rule` flags swapped made a finished run "a finished run whose config differs: running again"
    (a review): the ids are one set, sorted."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n", encoding="utf-8")
    ids = ["generic.email-line", "fr.published-in"]
    run = ("run", str(src), "--out", str(tmp_path / "out"))
    assert in_process(*run, *(f for i in ids for f in ("--disable-rule", i))).returncode == 0
    again = in_process(*run, *(f for i in reversed(ids) for f in ("--disable-rule", i)))
    assert again.returncode == 0 and "already complete" in again.stderr and "differs" not in again.stderr, again.stderr


def test_outputs_that_cannot_be_written_are_refused_before_reading(tmp_path, in_process):
    """An output that is a folder, or below a file, or a rejects file that is the output itself: one line
    naming the path, exit 2, before any record is read; no file (visible or hidden) is left behind."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": ""}\n{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    (tmp_path / "folder").mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    cases = {
        ("--out", str(tmp_path / "folder")): f"{tmp_path / 'folder'}: is a folder, not a file to write",
        ("--out", str(src / "x.jsonl")): f"{src / 'x.jsonl'}: {src} is a file, not a folder",
        ("--out", str(src / "a" / "x.jsonl")): f"{src / 'a' / 'x.jsonl'}: {src} is a file, not a folder",
        ("--out", str(tmp_path / "o.jsonl"), "--rejects", str(tmp_path / "." / "o.jsonl")): "is the output file itself",
        ("--out", str(tmp_path / "o.parquet")): "o.parquet: cleaner clean writes JSONL",  # it wrote JSON lines there
    }
    for args, says in cases.items():
        proc = in_process("clean", str(src), *args)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, (args, proc.stderr)
    proc = in_process("run", str(src), "--out", str(src))
    assert proc.returncode == 2 and f"{src}: is a file: --out names the folder a run writes into" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_an_output_no_file_can_be_made_at_is_named_not_its_temporary_file(tmp_path, in_process):
    """An output is written to a temporary file beside it, renamed into place: where none can be made (in
    /proc, say), the message named that file (`/proc/.o.jsonl.kz4bil70: No such file or directory`)."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    proc = in_process("clean", str(src), "--out", "/proc/o.jsonl")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: /proc/o.jsonl: No such file or directory\n")


def test_a_rejects_file_left_by_an_earlier_run_goes(tmp_path, in_process):
    """A run with no rejects leaves no rejects file, and removes the one an earlier run wrote there: output
    and rejects always count the same input."""
    bad, good = tmp_path / "bad.jsonl", tmp_path / "good.jsonl"
    bad.write_text('{"id": "a", "text": ""}\n', encoding="utf-8")
    good.write_text('{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert in_process("clean", str(bad), "--out", str(out), "-q").returncode == 0
    assert (tmp_path / "o.rejects.jsonl").exists()
    assert in_process("clean", str(good), "--out", str(out), "-q").returncode == 0
    assert not (tmp_path / "o.rejects.jsonl").exists() and len(_records(out)) == 1


def test_an_upper_case_compression_suffix_compresses_as_the_readers_expect(tmp_path, in_process):
    """`--out OUT.JSONL.GZ` (a name from Windows) was written as plain JSON lines, which every reader, telling
    compression by the lower-cased name, then refused: `unreadable: Not a gzipped file`."""
    import zstandard

    from cleaner import Config
    from cleaner.io.readers import read_inputs

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Un texte assez long pour le corpus."}) + "\n", encoding="utf-8")
    for name, unpack in (("OUT.JSONL.GZ", gzip.decompress), ("Out.Jsonl.Zst", zstandard.ZstdDecompressor().decompressobj().decompress)):
        proc = in_process("clean", str(src), "--out", str(tmp_path / name), "-q", "--workers", "1")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(unpack((tmp_path / name).read_bytes()))["id"] == "a"
        assert [d.id for d in read_inputs([str(tmp_path / name)], Config.load())] == ["a"]


def test_the_default_rejects_file_sits_beside_out_compressed_as_out_is(tmp_path, in_process):
    """`--out o.jsonl.gz` wrote its rejects plain, as `o.jsonl.rejects.jsonl`: now `o.rejects.jsonl.gz`,
    gzip like OUT (`.zst` likewise), as `o.jsonl` gives `o.rejects.jsonl`."""
    import zstandard

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": ""}\n{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    for out, rejects, unpack in (("o.jsonl.gz", "o.rejects.jsonl.gz", gzip.decompress),
                                 ("p.jsonl.zst", "p.rejects.jsonl.zst", zstandard.ZstdDecompressor().decompressobj().decompress)):
        proc = in_process("clean", str(src), "--out", str(tmp_path / out), "--workers", "1")
        assert proc.returncode == 0 and f"rejects in {tmp_path / rejects}\n" in proc.stderr, proc.stderr
        assert json.loads(unpack((tmp_path / rejects).read_bytes()))["id"] == "a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "o.jsonl.gz", "o.rejects.jsonl.gz", "p.jsonl.zst", "p.rejects.jsonl.zst"]


def test_output_is_deterministic(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_cli("clean", str(SEEDS), "--out", str(a), "-q")
    run_cli("clean", str(SEEDS), "--out", str(b), "-q")
    assert a.read_bytes() == b.read_bytes()


def test_config_file_and_bad_config(tmp_path, in_process):
    cfg = tmp_path / "c.toml"
    cfg.write_text("max_doc_chars = 100\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    proc = in_process("clean", str(SEEDS), "--out", str(out), "--config", str(cfg))
    assert proc.returncode == 0
    rejects = _records(tmp_path / "o.rejects.jsonl")
    assert len(rejects) == 5 and "over max_doc_chars=100" in rejects[0]["detail"]
    cfg.write_text("max_passes = 'many'\n", encoding="utf-8")
    proc = in_process("clean", str(SEEDS), "--out", str(out), "--config", str(cfg))
    assert proc.returncode == 2 and f"config in {cfg}: max_passes" in proc.stderr
    cfg.write_text("colour = 1\n", encoding="utf-8")
    proc = in_process("clean", str(SEEDS), "--out", str(out), "--config", str(cfg))
    assert proc.returncode == 2 and "colour" in proc.stderr


def test_a_max_doc_chars_too_large_to_read_is_a_config_error(tmp_path, in_process):
    """`max_doc_chars = 9223372036854775807` passed the config and ended the run in a traceback (OverflowError:
    the readers read up to 4 or 24 bytes a character); it is a config error naming the key, exit 2, one line."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("max_doc_chars = 9223372036854775807\n", encoding="utf-8")
    proc = in_process("clean", str(SEEDS), "--out", str(tmp_path / "o.jsonl"), "--config", str(cfg))
    assert (proc.returncode, proc.stderr) == (2, (f"cleaner: config in {cfg}: max_doc_chars: should be at most "
                                                  "1000000000, got 9223372036854775807\n"))
    cfg.write_text("max_doc_chars = 1000000000\n", encoding="utf-8")
    from cleaner.config import Config

    assert Config.load(cfg).max_doc_chars == 10**9


@pytest.mark.parametrize("value", ["[" * 3_000 + "]" * 3_000, "{a = " * 3_000 + "1" + "}" * 3_000],
                         ids=["arrays", "inline-tables"])
def test_a_config_file_nested_too_deeply_is_one_line_naming_it(tmp_path, value, in_process):
    """`langs = [[[…]]]` 500 deep ended `clean`, `diff` and `serve` in a traceback (RecursionError in tomllib, exit
    1): a config error naming the file, exit 2, as a config file TOML cannot read."""
    cfg = tmp_path / "d.toml"
    cfg.write_text(f"langs = {value}\n", encoding="utf-8")
    for command in (("clean", str(SEEDS), "--out", str(tmp_path / "o.jsonl")), ("diff", str(SEEDS))):
        proc = in_process(*command, "--config", str(cfg))
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config {cfg}: nested too deeply (arrays or inline "
                                                     "tables hundreds deep)\n")


def test_a_flag_only_setting_in_a_config_file_is_told_its_flag(tmp_path, in_process):
    """`workers = 2` or `index = …` in a config file was "not a config key; the keys are …", the list of the keys
    without the flag that sets it; a misspelt key is still told the keys."""
    cfg = tmp_path / "c.toml"
    for line, flag in (("workers = 2", "--workers"), ('index = "i.sqlite"', "--index"),
                       ("shard-docs = 5", "--shard-docs")):
        cfg.write_text(line + "\n", encoding="utf-8")
        proc = in_process("clean", str(SEEDS), "--out", str(tmp_path / "o.jsonl"), "--config", str(cfg))
        key = line.split()[0]
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {cfg}: {key}: not a config key: a setting of "
                                                     f"one command, given as {flag}\n")
    for line, said in (("min_share = 0.5", "--min-share is the flag of the key repeated_min_share"),
                       ("min-docs = 3", "--min-docs is the flag of the key repeated_min_docs"),
                       ("port = 8000", "a setting of one command, given as --port")):  # min_share: "min_chars?"
        cfg.write_text(line + "\n", encoding="utf-8")
        proc = in_process("clean", str(SEEDS), "--out", str(tmp_path / "o.jsonl"), "--config", str(cfg))
        assert proc.stderr == f"cleaner: config in {cfg}: {line.split()[0]}: not a config key: {said}\n"
    cfg.write_text("colour = 1\n", encoding="utf-8")
    proc = in_process("diff", str(SEEDS), "--config", str(cfg))
    assert "colour: not a config key; the keys are rules_dirs" in proc.stderr


def _flags(parser):
    """Every flag of `parser` and of its commands, by its first long name (`--out`, `--no-...` left out)."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _flags(command)
        elif action.option_strings and not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield next(o for o in action.option_strings if o.startswith("--"))


def test_every_flag_is_a_config_key_or_is_told_as_a_flag_in_a_config_file(tmp_path, in_process):
    """`api_key`, `max_body_mb`, `log_level`, `shutdown_timeout`, `rejects`, `out` and `continue` in a config file
    were "not a config key; the keys are …", as for a misspelt key, where the README says a flag's setting is told
    its flag (found by a QA pass): `FLAG_ONLY` was a list kept by hand. Every flag of every command is a key, or is
    told so, and each is said so in a config file."""
    from cleaner.cli import build_parser
    from cleaner.config import FLAG_KEYS, FLAG_ONLY, Config

    flags = {flag[2:].replace("-", "_") for flag in _flags(build_parser())}
    assert flags - set(Config.model_fields) - FLAG_ONLY - set(FLAG_KEYS) == set()
    assert FLAG_ONLY | set(FLAG_KEYS) <= flags  # none left over from a flag that went
    cfg = tmp_path / "c.toml"
    for key in ("api_key", "max_body_mb", "log_level", "shutdown_timeout", "rejects", "out", "continue", "restart"):
        cfg.write_text(f"{key} = 1\n", encoding="utf-8")
        proc = in_process("rules", "list", "--config", str(cfg))
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {cfg}: {key}: not a config key: a setting "
                                                     f"of one command, given as --{key.replace('_', '-')}\n")
    cfg.write_text('rules = ["r"]\n', encoding="utf-8")
    assert in_process("rules", "list", "--config", str(cfg)).stderr.endswith(
        "rules: not a config key: --rules is the flag of the key rules_dirs\n")


def test_a_flag_over_a_config_key_says_its_default_comes_from_the_config():
    """`run --help` said `--min-chars` defaulted to 1, `--langs` to any and `--min-lang-score` to 0, as if fixed,
    where a config file sets them, as the other flags over a key say (found by a QA pass)."""
    import argparse

    from cleaner.cli import build_parser

    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.option_strings[0]: a.help for a in commands.choices["run"]._actions if a.option_strings}
    for flag, key in (("--min-chars", "min_chars"), ("--langs", "langs"), ("--min-lang-score", "min_lang_score")):
        assert f"(default from the config: {key}, " in helps[flag], helps[flag]


def test_rules_suggest_cleans_on_every_core_by_default_as_clean_and_run_do():
    """`rules suggest --workers` defaulted to 1 where `clean` and `run` use every core, and the README said nothing
    of it (found by a QA pass): nothing needed 1, as the suggestions are the same with any number of workers."""
    from cleaner.cli import build_parser
    from cleaner.workers import default_workers

    assert build_parser().parse_args(["rules", "suggest", "in.jsonl", "--out", "s.yaml"]).workers == default_workers()


def test_an_empty_rules_dirs_path_given_to_config_load_is_refused():
    """`Config.load(rules_dirs=[""])` (a path from an unset variable) loaded the packs of the working folder,
    where the same value in a config file, or `--rules ''`, is refused."""
    from cleaner.config import Config, ConfigError

    for paths in ([""], ("rules", " ")):
        with pytest.raises(ConfigError, match=r"^config: rules_dirs: an empty path: give a folder of rule packs"):
            Config.load(rules_dirs=paths)


def test_worker_and_shard_counts_below_one_are_usage_errors(tmp_path, in_process):
    """`--workers 0` or `-3` was taken as 1 without a word; now, like `--shard-docs 0`, it is an
    argparse error naming the option, exit 2, before anything is read or written."""
    out = tmp_path / "o"
    cases = [(["clean", str(SEEDS), "--out", str(out), "--workers", "0"], "--workers/-j: must be 1 to 1024, got 0"),
             (["run", str(SEEDS), "--out", str(out), "-j", "-3"], "--workers/-j: must be 1 to 1024, got -3"),
             (["run", str(SEEDS), "--out", str(out), "--shard-docs", "0"], "--shard-docs: must be at least 1, got 0"),
             (["rules", "suggest", str(SEEDS), "--workers", "abc"], "--workers/-j: invalid int value: 'abc'")]
    for argv, message in cases:
        proc = in_process(*argv)
        assert proc.returncode == 2 and message in proc.stderr, (argv, proc.stderr)
    assert not out.exists()


def test_a_worker_count_beyond_1024_is_a_usage_error(tmp_path, in_process):
    """`--workers 3000000000` ended in a traceback once the input was large enough for the pool (OverflowError
    in its queue's semaphore); a count over 1024 is an argparse error naming the option, exit 2."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Le document {i} est assez long."}) + "\n"
                           for i in range(100)), encoding="utf-8")  # over a chunk: a pool is started
    for command, out in (("clean", tmp_path / "o.jsonl"), ("run", tmp_path / "o"), ("rules suggest", tmp_path / "s.yaml")):
        proc = in_process(*command.split(), str(src), "--out", str(out), "--workers", "3000000000")
        assert proc.returncode == 2 and "--workers/-j: must be 1 to 1024, got 3000000000" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and not out.exists()


def test_langs_the_backend_never_answers_are_a_config_error(tmp_path, in_process):
    """`--langs french` (for fr) would reject every document as lang_not_allowed: it is a config error
    naming the code and the backend, exit 2; the codes are checked against the backend chosen."""
    out = tmp_path / "o"
    proc = in_process("run", str(SEEDS), "--out", str(out), "--langs", "fr,French")  # named as written
    assert proc.returncode == 2 and ("langs: 'French' is not a code the language backend "
                                     "'cld2+fasttext>lingua~5@0.5/100' answers") in proc.stderr
    proc = in_process("run", str(SEEDS), "--out", str(out), "--langs", "fr", "--lang-backend", "lingua:de,en")
    assert proc.returncode == 2 and "'fr' is not a code the language backend 'lingua:de,en' answers (it answers de, en)" in proc.stderr
    assert not out.exists()
    assert in_process("run", str(SEEDS), "--out", str(out), "--langs", "fr,ha", "-q").returncode == 0
    cfg = tmp_path / "upper.toml"  # a config file's codes are read as --langs reads them: FR was refused there
    cfg.write_text('langs = ["FR", " En"]\n', encoding="utf-8")
    from cleaner.config import Config

    assert Config.load(cfg).langs == ("fr", "en")


def test_outputs_that_are_not_regular_files_are_written_through_not_replaced(tmp_path):
    """`--out` or `--rejects` naming a FIFO (or a device: `--out /dev/null` once replaced the machine's
    /dev/null with a file) or a symlink: the records go through it (a reader of the FIFO gets them, the
    symlink still points where it did); the path is never replaced by a regular file. (FIFOs stand for
    devices here: a test that failed must not break the machine.)"""
    import os
    import threading

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": ""}\n{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    fifos = [tmp_path / "pipe", tmp_path / "rejects-pipe"]
    got: dict[str, str] = {}
    readers = []
    for fifo in fifos:
        os.mkfifo(fifo)
        readers.append(threading.Thread(target=lambda f=fifo: got.__setitem__(f.name, f.read_text(encoding="utf-8")),
                                        daemon=True))  # on a failure, never opened by a writer: left blocked
        readers[-1].start()
    proc = run_cli("clean", str(src), "--out", str(fifos[0]), "--rejects", str(fifos[1]), "-q")
    for r in readers:
        r.join(10)
    assert proc.returncode == 0, proc.stderr
    assert all(fifo.is_fifo() for fifo in fifos)
    assert [json.loads(line)["id"] for line in got["pipe"].splitlines()] == ["b"]
    assert [json.loads(line)["id"] for line in got["rejects-pipe"].splitlines()] == ["a"]
    real = tmp_path / "real.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert run_cli("clean", str(src), "--out", str(link), "--rejects", str(tmp_path / "r.jsonl"), "-q").returncode == 0
    assert link.is_symlink() and [r["id"] for r in _records(real)] == ["b"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_output_that_is_an_input_or_inside_an_input_folder_is_refused(tmp_path, in_process):
    """`cleaner clean` never reads what it writes nor writes over what it reads: an output (or the default
    rejects file) that is an input file, lies in an input folder, or that an input glob matches (the same
    command again refused it as an input), is refused before anything is read."""
    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / "batch.jsonl"
    src.write_text('{"id": "a", "text": ""}\n{"id": "b", "text": "Bonjour le monde entier."}\n', encoding="utf-8")
    kept = tmp_path / "batch.rejects.jsonl"
    kept.write_text('{"id": "c", "text": "Un autre texte à garder."}\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in (src, kept)}
    cases = [
        ((str(src), "--out", str(src)), "is an input"),
        ((str(src), "--out", str(tmp_path / "o.jsonl"), "--rejects", str(src)), "is an input"),
        ((str(kept), "--out", str(tmp_path / "batch.jsonl")), "is an input"),  # its default rejects file
        ((str(folder), "--out", str(folder / "out.jsonl")), "is inside the input folder"),
        ((f"{tmp_path}/**/*.jsonl", "--out", str(folder / "out.jsonl")), "the input glob"),  # read when run again
        ((f"{folder}/*.jsonl", "--out", str(tmp_path / "o.jsonl"), "--rejects", str(folder / "r.jsonl")), "the input glob"),
    ]
    for args, says in cases:
        proc = in_process("clean", *args, "-q")
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, (args, proc.stderr)
    assert {p: p.read_bytes() for p in (src, kept)} == before
    assert sorted(p.name for p in folder.iterdir()) == ["batch.jsonl"]


def test_langs_any_on_the_command_line_overrides_a_config_files_langs(tmp_path, in_process):
    """Flags override the config file: `--langs any` lifts the file's `langs` filter (it was read as
    "not given", so the file's filter stayed)."""
    cfg = tmp_path / "fr.toml"
    cfg.write_text('langs = ["fr"]\n', encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "en", "text": "The city council approved the new budget on Tuesday after a long debate "
                                                   "about schools, roads and the price of public transport."}) + "\n"
                   + json.dumps({"id": "fr", "text": "Le conseil municipal a adopté mardi le nouveau budget après un long "
                                                     "débat sur les écoles, les routes et le prix des transports."}) + "\n",
                   encoding="utf-8")
    for flags, kept in [((), ["fr"]), (("--langs", "any"), ["en", "fr"])]:
        out = tmp_path / f"out{len(flags)}"
        proc = in_process("run", str(src), "--out", str(out), "--config", str(cfg), "-q", *flags)
        assert proc.returncode == 0, proc.stderr
        assert sorted(r["id"] for r in _records(out / "corpus.jsonl")) == kept


def test_langs_given_twice_count_once_and_any_in_a_config_file_is_no_filter(tmp_path, in_process):
    """`--langs fr,FR, fr` kept the code three times ("language en (0.35) not in fr,fr,fr", and so in the manifest);
    a config file's `langs = ["any"]`, the README's name for the default, was refused as a code the backend never
    answers (found by a QA pass)."""
    src = tmp_path / "in.jsonl"
    text = "The city council approved the new budget on Tuesday after a long debate about schools, roads and transport."
    src.write_text(json.dumps({"id": "en", "text": text}) + "\n", encoding="utf-8")
    proc = in_process("run", str(src), "--out", str(tmp_path / "twice"), "--langs", "fr,FR, fr", "-q")
    assert proc.returncode == 0, proc.stderr
    (rejected,) = _records(tmp_path / "twice" / "rejects.jsonl")
    assert rejected["detail"].endswith(" not in fr"), rejected
    assert json.loads((tmp_path / "twice" / "manifest.json").read_text())["config"]["langs"] == ["fr"]
    cfg = tmp_path / "any.toml"
    cfg.write_text('langs = ["any"]\n', encoding="utf-8")
    proc = in_process("run", str(src), "--out", str(tmp_path / "any"), "--config", str(cfg), "-q")
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in _records(tmp_path / "any" / "corpus.jsonl")] == ["en"]


@pytest.mark.parametrize("value", ["", " , "])
def test_an_empty_langs_is_refused_not_read_as_any(tmp_path, value, in_process):
    """`--langs ''` (an unset shell variable) was read as `any`: it lifted a config file's filter without a word."""
    cfg = tmp_path / "fr.toml"
    cfg.write_text('langs = ["fr"]\n', encoding="utf-8")
    out = tmp_path / "o"
    proc = in_process("run", str(SEEDS), "--out", str(out), "--config", str(cfg), "--langs", value)
    assert proc.returncode == 2 and proc.stderr == "cleaner: --langs is empty: give the languages to keep (fr,en), or any for all\n"
    assert not out.exists()


@pytest.mark.parametrize("value", ["fr,,en", "fr,", " ,fr", "fr, ,en", "any,"])
def test_an_empty_code_among_langs_is_refused_on_the_command_line_as_in_a_config_file(tmp_path, value, in_process):
    """`--langs fr,,en` dropped the empty code without a word, where a config file's `langs = ["fr", ""]` and
    `Config(langs=["fr", ""])` were refused as "'' is not a code the language backend … answers" (a QA pass): each
    is now refused, saying the code is empty."""
    out = tmp_path / "o"
    proc = in_process("run", str(SEEDS), "--out", str(out), "--langs", value)
    # as the user wrote it, and before `any` among codes (a review: `any,` was "any stands alone", and `fr, ,en`
    # quoted as 'fr,,en')
    assert (proc.returncode, proc.stderr) == (2, f"cleaner: --langs {value!r}: an empty code: give codes (fr,en) or "
                                                 "any\n")
    cfg = tmp_path / "c.toml"
    cfg.write_text('langs = ["fr", ""]\n', encoding="utf-8")
    proc = in_process("run", str(SEEDS), "--out", str(out), "--config", str(cfg))
    # the list as given: it was said 'fr,', a value never written (a QA pass)
    assert (proc.returncode, proc.stderr) == (2, f"cleaner: config in {cfg}: langs: an empty code in ['fr', '']: "
                                                 "give codes (fr,en) or any\n")
    from cleaner import Config

    with pytest.raises(ValueError, match=re.escape("an empty code in ['fr', '']")):
        Config(langs=["fr", ""])
    assert not out.exists()


def test_a_config_files_langs_may_be_written_as_the_flag_takes_them(tmp_path):
    """The README says "config `langs`, default `any`", and a config file's `langs = "any"` was refused, "should be a
    list" (a QA pass): a string is read as `--langs` reads it, `any` or codes split at commas, refused as written."""
    from cleaner import Config
    from cleaner.config import ConfigError

    cfg = tmp_path / "c.toml"
    for written, langs in (('"any"', ()), ('"fr,en"', ("fr", "en")), ('" FR, en "', ("fr", "en")), ('"fr"', ("fr",)),
                           ('["fr", "en"]', ("fr", "en")), ('["any"]', ())):
        cfg.write_text(f"langs = {written}\n", encoding="utf-8")
        assert Config.load(cfg).langs == langs, written
    for written, says in (('"fr,"', "an empty code in 'fr,'"), ('"any,fr"', "any (keep every language) stands alone; "
                                                                           "give codes (fr,en) or any, got 'any,fr'")):
        cfg.write_text(f"langs = {written}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=f"^config in .*: langs: {re.escape(says)}"):
            Config.load(cfg)


def test_the_shipped_defaults_say_langs_as_the_docs_do(tmp_path):
    """cleaner/defaults.toml said `langs = []` where the README and `run --help` say the default is `any`: a user
    copying the file could not tell `[]` keeps every language (a QA pass). It says `any`; the file copied as a config
    file is the defaults, as are the embedded ones."""
    import tomllib
    from importlib import resources

    from cleaner import Config

    shipped = resources.files("cleaner").joinpath("defaults.toml").read_text(encoding="utf-8")
    assert tomllib.loads(shipped)["langs"] == "any"
    copy = tmp_path / "c.toml"
    copy.write_text(shipped, encoding="utf-8")
    assert Config.load(copy) == Config.load() == Config()


@pytest.mark.parametrize("command, flag, says", [
    ("run", ("--index", ""), "--index is empty: give the index file, or leave --index out for a fresh DIR/index.sqlite"),
    ("serve", ("--index", ""), "--index is empty: give the index file, or leave --index out for ./cleaner-index.sqlite"),
    ("clean", ("--config", " "), "--config is empty: give a TOML file of config values, or leave --config out"),
    ("clean", ("--id-field", ""), "--id-field is empty: give the name of a JSONL field, or leave the flag out"),
    ("run", ("--text-field", ""), "--text-field is empty: give the name of a JSONL field, or leave the flag out"),
    ("run", ("--scheduler", ""), ("--scheduler is empty: give the address of a running scheduler (tcp://host:8786), "
                                  "or leave --scheduler out for a LocalCluster")),
    ("serve", ("--api-key", ""), ("--api-key is empty: give the key clients must send, or leave --api-key out for "
                                  "$CLEANER_API_KEY")),
    ("run", ("--encoding", ""), "--encoding is empty: give an encoding (cp1252, latin-1), or leave --encoding out for utf-8"),
    ("serve", ("--host", ""), ("--host is empty: give the address to bind, or leave --host out for 127.0.0.1 "
                               "(0.0.0.0: every address)")),
])
def test_a_blank_flag_value_is_refused_not_read_as_not_given(tmp_path, capsys, command, flag, says):
    """An empty value (an unset shell variable) changed the command without a word: `run --index ''`
    deduplicated against a fresh DIR/index.sqlite instead of the shared index, `--id-field ''` made every
    record's id, `--config ''` said "config : Is a directory", `run --engine dask --scheduler ''` ran a
    LocalCluster, `serve --api-key "$KEY"` served open and `serve --host ''` on every address. Each is one
    line, exit 2, nothing written."""
    import socket

    from cleaner.cli import main

    src, out = tmp_path / "in.jsonl", tmp_path / "out"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    with socket.create_server(("127.0.0.1", 0)) as taken:  # a serve that gets past the flags stops at the port
        where = ("--port", str(taken.getsockname()[1])) if command == "serve" else (str(src), "--out", str(out))
        assert main([command, *where, *flag]) == 2
    assert capsys.readouterr().err == f"cleaner: {says}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


INPUT_EMPTY = "cleaner: an INPUT is empty: give a file, a folder, a glob or - for stdin (. for this folder)\n"


@pytest.mark.parametrize("args, says", [
    (("clean", "", "--out", "o.jsonl"), INPUT_EMPTY),
    (("clean", "in.jsonl", "", "--out", "o.jsonl"), INPUT_EMPTY),
    (("run", "", "--out", "out"), INPUT_EMPTY),
    (("diff", ""), INPUT_EMPTY),
    (("rules", "suggest", "", "--out", "s.yaml"), INPUT_EMPTY),
    (("review", "", "--out", "r.html"), "cleaner: DIR is empty: give a `cleaner run` output folder (. for this one)\n"),
    (("diff", "in.jsonl", "--rule", ""), "cleaner: --rule is empty: give a rule's id (`cleaner rules list` shows "
                                         "them), or leave --rule out for all\n"),
    (("diff", "in.jsonl", "--id", "a", "--id", ""), "cleaner: --id is empty: give a document's id, or leave --id out "
                                                  "for all\n"),
])
def test_a_blank_input_is_refused_not_read_as_the_current_folder(tmp_path, in_process, args, says):
    """An empty INPUT (an unset shell variable) was `Path('')`, the current folder: `clean "" --out o.jsonl` cleaned
    every file under it, exit 0, `diff ""` showed them all and `review ""` said `.: not a cleaner run output folder`;
    `diff --rule ''` showed every document, as if no --rule were given, and `diff --id ''` said `no such document`, as
    of a typo (no document has a blank id). Each is one line, exit 2, nothing written."""
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    proc = in_process(*args, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", says)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_an_input_named_with_spaces_is_a_file_not_an_empty_input(tmp_path, in_process):
    """A file may be named " ": only '' reads as the current folder, and a review found `clean ' '` refused as "empty",
    where it read the file."""
    (tmp_path / " ").write_text('{"id": "a", "text": "Un texte assez long pour rester ici."}\n', encoding="utf-8")
    proc = in_process("clean", " ", "--input-format", "jsonl", "--out", "-", "-q", cwd=tmp_path)
    assert proc.returncode == 0 and json.loads(proc.stdout)["id"] == "a", proc.stderr


def test_a_blank_api_key_in_the_environment_is_refused_not_read_as_none(tmp_path, monkeypatch, capsys):
    """`CLEANER_API_KEY=` (a key file or a secret that came out empty) served every POST open, without a word
    on loopback. It is refused as a blank `--api-key` is; `--api-key KEY` still takes precedence over it."""
    import socket

    from cleaner.cli import main

    monkeypatch.setenv("CLEANER_API_KEY", " \n")
    with socket.create_server(("127.0.0.1", 0)) as taken:  # a serve that gets past the key stops at the port
        port = str(taken.getsockname()[1])
        assert main(["serve", "--port", port, "--index", str(tmp_path / "i.sqlite")]) == 2
        assert capsys.readouterr().err == ("cleaner: $CLEANER_API_KEY is empty: give the key clients must send, "
                                           "or unset it to serve without one\n")
        assert main(["serve", "--port", port, "--index", str(tmp_path / "i.sqlite"), "--api-key", "k"]) == 2
        assert capsys.readouterr().err.startswith(f"cleaner: cannot serve on 127.0.0.1:{port}: ")
    assert list(tmp_path.iterdir()) == []


def test_a_signal_while_stdin_is_idle_ends_with_its_exit_code_not_an_abort(tmp_path):
    """`cleaner clean - --out -` with workers reads stdin on a thread of its own. A SIGTERM while that thread
    waited for the next line (a producer writing a line a second, from a shell) ended in "Fatal Python
    error: _enter_buffered_busy" and exit 134: the interpreter, shutting down, closed `sys.stdin` whose lock
    the thread held. stdin is now read through a reader of its own: exit 143, one line."""
    script = f"""
set -m
( for i in 1 2 3 4 5 6 7 8 9 10; do echo '{{"id": "r'$i'", "text": "Le conseil municipal a voté le budget."}}'; sleep 1; done ) \\
  | {sys.executable} -m cleaner clean - --out - --workers 2 > {tmp_path}/out 2> {tmp_path}/err &
sleep 5
kill -TERM $!
wait %1
echo $?
"""
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    err = (tmp_path / "err").read_text(encoding="utf-8")
    assert proc.stdout.strip() == "143" and err == "cleaner: interrupted by SIGTERM\n", (proc.stdout, err)


_TYPED = "Le conseil municipal a voté le budget après un long débat."


@pytest.mark.parametrize("command, said, typed, doc_id", [
    (("clean", "-", "--out", "o.jsonl"), "JSONL", json.dumps({"id": "a", "text": _TYPED}), "a"),
    (("run", "-", "--out", "out"), "JSONL", json.dumps({"id": "a", "text": _TYPED}), "a"),
    (("clean", "-", "--out", "o.jsonl", "--input-format", "txt"), "one txt document", _TYPED, "stdin"),
    (("clean", "-", "--out", "o.jsonl", "--input-format", "html"), "one html document", f"<p>{_TYPED}</p>", "stdin")])
def test_stdin_on_a_terminal_is_said_to_be_read_with_how_to_end_it(tmp_path, command, said, typed, doc_id):
    """`cleaner clean -` with stdin on a terminal waited without a word, and `run -`'s bar showed "0 docs", as if it
    hung (a QA pass): it is read as a pipe is, to its end, so one line on stderr says so and how to end it, before
    anything is typed. A pipe, a file or a closed stdin says nothing (`test_a_closed_stdin_is_read_as_empty_...`).
    One Ctrl-D after a line ends a `txt` or `html` document as it ends JSONL (it waited for a second: a review)."""
    import pty

    main, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *command, "-j", "1", "-q"], cwd=tmp_path, stdin=terminal,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(terminal)
    try:
        assert select.select([proc.stderr], [], [], 60)[0], "nothing said while stdin waits on the terminal"
        assert proc.stderr.readline() == f"cleaner: reading {said} from stdin (Ctrl-D to end)\n".encode()
        os.write(main, typed.encode() + b"\n\x04")  # a line typed, then Ctrl-D
        assert proc.wait(timeout=60) == 0 and proc.stderr.read() == b""
    finally:
        proc.kill()
        proc.wait()
        os.close(main)
    corpus = tmp_path / ("o.jsonl" if command[0] == "clean" else "out/corpus.jsonl")
    assert [r["id"] for r in _records(corpus)] == [doc_id]


def test_version_prints_the_packages_version(in_process):
    """`cleaner --version` said "the following arguments are required: command", exit 2; a new user's first
    question about an install is which version it is."""
    from cleaner import __version__

    proc = in_process("--version")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"cleaner {__version__}\n", "")


@pytest.mark.parametrize("argv, command", [
    (["run", "IN", "--out", "OUT", "--bogus"], "cleaner run"),
    (["run", "--bogus", "IN", "--out", "OUT"], "cleaner run"),
    (["clean", "IN", "--bogus", "--out", "-"], "cleaner clean"),
    (["rules", "list", "--bogus"], "cleaner rules list"),
    (["rules", "--bogus", "list"], "cleaner rules"),
    (["--bogus"], "cleaner"),
    (["--bogus", "run", "IN", "--out", "OUT"], "cleaner"),
])
def test_an_unknown_flag_is_refused_with_the_usage_of_the_command_it_was_given_to(tmp_path, capsys, argv, command):
    """argparse left a flag a command does not know to the top-level parser: `cleaner run ... --bogus` showed
    `usage: cleaner [-h] {clean,run,...}`, which lists the commands, not run's flags. Exit 2, nothing written.
    Before a COMMAND too: `cleaner --bogus` said only that a COMMAND was missing, naming no flag, and `cleaner rules
    --bogus list` showed `cleaner`'s usage (found by a QA pass)."""
    from cleaner.cli import main

    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path / a) if a in ("IN", "OUT") else a for a in argv])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith(f"usage: {command} [-h]")
    assert err.endswith(f"{command}: error: unrecognized arguments: --bogus\n")
    assert list(tmp_path.iterdir()) == []


def test_a_prefix_of_a_top_level_flag_is_named_as_unknown(capsys):
    """`cleaner --vers` said "the following arguments are required: COMMAND" (found by a QA pass): a flag is taken
    only as written in full, and one that is not is named."""
    from cleaner.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--vers"])
    assert stop.value.code == 2 and capsys.readouterr().err.endswith("cleaner: error: unrecognized arguments: --vers\n")


@pytest.mark.parametrize("argv, flag, first, then", [
    (["run", "IN", "--out", "OUT", "--config", "a.toml", "--config", "b.toml"], "--config", "--config 'a.toml'",
     "--config 'b.toml'"),
    (["run", "IN", "--out", "OUT", "--langs", "fr", "--langs", "en"], "--langs", "--langs 'fr'", "--langs 'en'"),
    (["clean", "IN", "-o", "a.jsonl", "--out", "b.jsonl"], "--out/-o", "-o 'a.jsonl'", "--out 'b.jsonl'"),
    (["clean", "IN", "--out", "-", "-j", "1", "-j", "2"], "--workers/-j", "-j 1", "-j 2"),
    (["diff", "IN", "--rule", "a", "--rule", "b"], "--rule", "--rule 'a'", "--rule 'b'"),
    (["serve", "--port", "1", "--port", "PORT"], "--port", "--port 1", "--port PORT"),
    (["rules", "list", "--config", "a.toml", "--config", "a.toml"], "--config", "--config 'a.toml'",
     "--config 'a.toml'"),
    # a switch given both ways kept the last without a word too (found by a review)
    (["run", "IN", "--out", "OUT", "--learn-boilerplate", "--no-learn-boilerplate"],
     "--learn-boilerplate/--no-learn-boilerplate", "--learn-boilerplate", "--no-learn-boilerplate"),
    (["clean", "IN", "--out", "-", "--no-default-rules", "--default-rules"], "--default-rules/--no-default-rules",
     "--no-default-rules", "--default-rules"),
])
def test_a_flag_of_one_value_given_twice_is_refused_naming_both(tmp_path, capsys, argv, flag, first, then):
    """A flag of one value given twice was last-wins without a word: `run --config a.toml --config b.toml` dropped
    a.toml and `--langs fr --langs en` kept en alone, where `--rules` and `diff --id` add up, so a repeated flag read
    as adding (found by a QA pass). It is bad usage, exit 2, with the command's usage, nothing written."""
    import socket

    from cleaner.cli import main

    with socket.create_server(("127.0.0.1", 0)) as taken, pytest.raises(SystemExit) as stop:  # a serve let by stops
        port = str(taken.getsockname()[1])
        main([str(tmp_path / a) if a in ("IN", "OUT") else port if a == "PORT" else a for a in argv])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith(f"usage: cleaner {argv[0]}"), err
    assert err.endswith(f"error: argument {flag}: given twice ({first}, then {then.replace('PORT', port)}); it "
                        "takes one value: give it once\n"), err
    assert list(tmp_path.iterdir()) == []


def test_the_flags_that_add_up_still_do(tmp_path, capsys):
    """`--rules` and `diff --id` are repeatable: each given adds (only single-valued flags are refused twice)."""
    from cleaner.cli import build_parser

    args = build_parser().parse_args(["diff", "IN", "--id", "a", "--id", "b", "--rules", "r1", "--rules", "r2"])
    assert (args.ids, args.rules) == (["a", "b"], ["r1", "r2"])
    assert not hasattr(args, "_cleaner_given")


@pytest.mark.parametrize("argv, says", [
    ([], "cleaner: error: the following arguments are required: COMMAND"),
    (["rules"], "cleaner rules: error: the following arguments are required: COMMAND"),
    (["rules", "lst"], ("cleaner rules: error: argument COMMAND: invalid choice: 'lst' "
                        "(choose from 'list', 'check', 'suggest')")),
])
def test_a_missing_or_misspelt_command_is_named_as_the_usage_names_it(capsys, argv, says):
    """`cleaner rules` said "the following arguments are required: rules_command", the parser's own name for it."""
    from cleaner.cli import main

    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.endswith(f"{says}\n") and " COMMAND ...\n" in err


@pytest.mark.parametrize("argv", [["run"], ["clean"], ["rules"], ["rules", "check"], ["serve"]])
def test_a_commands_help_says_what_it_does_as_the_list_of_commands_does(capsys, monkeypatch, argv):
    """`cleaner run --help` showed the usage and the flags, not what `run` does: that line was only in the list
    of `cleaner --help` (or `cleaner rules --help`)."""
    from cleaner.cli import main

    monkeypatch.setenv("COLUMNS", "400")  # each line whole, as argparse wraps help to the terminal's width
    with pytest.raises(SystemExit) as stop:
        main([*argv[:-1], "--help"])
    listed = capsys.readouterr().out
    line = next(x.split(None, 1)[1] for x in listed.splitlines() if x.strip().startswith(argv[-1] + " "))
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--help"])
    assert stop.value.code == 0 and f"\n\n{line}\n\n" in capsys.readouterr().out


@pytest.mark.parametrize("flags", [("--out", "o.jsonl.bz2"), ("--out", "o.jsonl", "--rejects", "r.JSONL.XZ"),
                                   ("--out", "o.jsonl.zip"), ("--out", "o.tgz"), ("--out", "o.TAR"),
                                   ("--out", "o.rar")])
def test_an_output_named_for_a_compression_cleaner_does_not_write_is_refused(tmp_path, flags, in_process):
    """`--out o.jsonl.bz2` wrote plain JSONL under that name, which bzcat refused and cleaner itself rejected
    as an unsupported file type when given it back. Refused as `.parquet` is, exit 2, nothing read or written."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    proc = in_process("clean", str(src), *flags, cwd=tmp_path)
    named = flags[-1]
    assert proc.returncode == 2
    assert proc.stderr == (f"cleaner: {named}: cleaner does not write {named[named.rindex('.'):]} files; it would be "
                           "plain text under that name (cleaner clean compresses as .gz or .zst)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize("name, suffix, kind", [("o.zstd", ".zstd", "plain"), ("o.gzip", ".gzip", "plain"),
                                                ("o.Z", ".Z", "plain"), ("o.snappy", ".snappy", "plain"),
                                                ("o.bz", ".bz", "plain"), ("o.tar.gz", ".tar.gz", "gzip"),
                                                ("o.jsonl.lz", ".lz", "plain"), ("o.TAR.zst", ".TAR.zst", "zstd")])
def test_every_compression_or_archive_name_cleaner_does_not_write_is_refused(tmp_path, name, suffix, kind, in_process):
    """`--out o.zstd` (`.gzip`, `.Z`, `.snappy`, `.bz`) wrote plain JSONL under a compressed name, exit 0, and
    `o.tar.gz` gzip JSONL, not a tarball (found by a QA pass): the deny-list looked at the last suffix alone and
    missed these. Every suffix cleaner does not write is refused, and one under the `.gz` or `.zst` it does."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    proc = in_process("clean", str(src), "--out", name, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (f"cleaner: {name}: cleaner does not write {suffix} files; it would be {kind} text under "
                           "that name (cleaner clean compresses as .gz or .zst)\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_parquet_under_a_compression_is_refused_as_parquet_is_and_dotted_plain_names_are_written(tmp_path, in_process):
    """`--out o.parquet.gz` wrote gzip JSONL, not Parquet (found by a QA pass): refused as `o.parquet` is. A plain name
    with dots in it (`news.v1`, `2024.01.jsonl`, `a.tar.notes.jsonl`) is no compression's: written."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    proc = in_process("clean", str(src), "--out", "o.parquet.gz", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.startswith("cleaner: o.parquet.gz: cleaner clean writes JSONL"), proc.stderr
    for name in ("news.v1", "2024.01.jsonl", "a.tar.notes.jsonl"):
        assert in_process("clean", str(src), "--out", name, "-q", "--workers", "1", cwd=tmp_path).returncode == 0
        assert _records(tmp_path / name)[0]["id"] == "a"


def test_run_suggest_and_review_refuse_an_out_named_for_what_they_do_not_write(tmp_path, in_process):
    """`run --out r.tar.gz` made a folder of that name, `rules suggest --out s.yaml.bz2` and `review --out p.html.gz`
    wrote plain text under a compressed name, exit 0: each is refused as `clean --out o.bz2` is, nothing written."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    assert in_process("run", str(src), "--out", "run", "-q", "--workers", "1", cwd=tmp_path).returncode == 0
    for argv, says in (
        (("run", str(src), "--out", "r.tar.gz"), "cleaner: --out r.tar.gz: is the folder the run writes its files to, "
         "which would look like a .tar.gz file; give it a plain name (--compression gz or zst compresses its files)\n"),
        (("rules", "suggest", str(src), "--out", "s.yaml.bz2"), "cleaner: s.yaml.bz2: cleaner rules suggest does not "
         "write .bz2 files; it would be plain text under that name (a rule pack is plain YAML; give it a .yaml name)\n"),
        (("review", "run", "--out", "p.html.gz"), "cleaner review: p.html.gz: cleaner review does not write .gz files; "
         "it would be plain text under that name (the page is plain HTML; give it a .html name)\n"),
        (("review", "run", "--out", "p.zip"), "cleaner review: p.zip: cleaner review does not write .zip files; "
         "it would be plain text under that name (the page is plain HTML; give it a .html name)\n"),
        # `clean`'s habit (a QA pass: `run --out mistake.jsonl` made a folder of that name, exit 0)
        (("run", str(src), "--out", "mistake.jsonl"), "cleaner: --out mistake.jsonl: is the folder the run writes its "
         "files to (corpus.jsonl and the others), which would look like a JSON file; give it a plain name, or cleaner "
         "clean --out for one file\n"),
    ):
        proc = in_process(*argv, cwd=tmp_path)
        assert (proc.returncode, proc.stderr) == (2, says)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "run"]
    (tmp_path / "run").rename(tmp_path / "old.jsonl")  # a run folder named so before: still run into
    assert in_process("run", str(src), "--out", "old.jsonl", "-q", "--workers", "1", cwd=tmp_path).returncode == 0


def test_outputs_with_dots_in_their_names_have_rejects_files_of_their_own(tmp_path, in_process):
    """`--out news.v1.gz` put its rejects in `news.rejects.jsonl.gz`, which `--out news.v2.gz` shared, and whose
    clean without rejects removed it: news.v1's rejects gone without a word (found by a QA pass). So did `--out o`,
    `o.json`, `o.ndjson` and `o.jsonl`, all `o.rejects.jsonl` (found by a QA pass). Only `.jsonl` leaves OUT's
    name; any other OUT keeps its whole name before `-rejects.jsonl`."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{bad\n{"id": "a", "text": ""}\n', encoding="utf-8")
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "b", "text": "Un texte assez long pour rester."}\n', encoding="utf-8")
    made = {"news.v1.gz": "news.v1-rejects.jsonl.gz", "2024.01.zst": "2024.01-rejects.jsonl.zst",
            "news.v1": "news.v1-rejects.jsonl", "o": "o-rejects.jsonl", "o.json": "o.json-rejects.jsonl",
            "o.ndjson": "o.ndjson-rejects.jsonl", "o.jsonl": "o.rejects.jsonl", "o.gz": "o-rejects.jsonl.gz",
            "o.jsonl.gz": "o.rejects.jsonl.gz", "news.v1.jsonl": "news.v1.rejects.jsonl"}
    for out, rejects in made.items():
        proc = in_process("clean", str(bad), "--out", out, "--workers", "1", cwd=tmp_path)
        assert proc.returncode == 0 and f"rejects in {rejects}\n" in proc.stderr, proc.stderr
    for out in ("news.v2.gz", "2024.02.zst", "news.v2"):
        assert in_process("clean", str(good), "--out", out, "-q", "--workers", "1", cwd=tmp_path).returncode == 0
    for rejects in made.values():  # each OUT's own, none removed by another's clean
        assert [r["reason"] for _, r in read_records(tmp_path / rejects)] == ["bad_input", "bad_input"], rejects


def test_an_output_matched_by_an_input_glob_is_named_the_same_way_each_time(tmp_path):
    """With both OUT and its rejects file matched by the input glob, the refusal named one or the other by
    the interpreter's hash seed (a set of the two): the same command said two things. It names OUT."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.jsonl").write_text('{"id": "a", "text": "Un texte."}\n', encoding="utf-8")
    said = set()
    for seed in range(4):  # 0 and 1 gave the two orders
        proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "data/**/*.jsonl", "--out", "data/clean.jsonl"],
                              capture_output=True, text=True, cwd=tmp_path, timeout=300,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)})
        assert proc.returncode == 2
        said.add(proc.stderr)
    assert said == {"cleaner: data/clean.jsonl: the input glob data/**/*.jsonl matches it, so the same command run "
                    "again would read it as input; give an output outside the glob\n"}


def test_an_output_in_a_folder_an_input_glob_reads_is_refused(tmp_path, in_process):
    """`clean 'data/*' --out data/zz/x.jsonl` went, and the same command again read data/zz, its output's folder, as
    input; so did a glob through a link to the folder (`link/*`). Refused before anything is read or written."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.jsonl").write_text('{"id": "a", "text": "Un texte."}\n', encoding="utf-8")
    (tmp_path / "link").symlink_to(data)
    for args in (("data/*", "--out", "data/zz/x.jsonl"), ("data/z*", "--out", "data/zz/x.jsonl"),
                 ("link/*", "--out", "data/zz"), ("data/*", "--out", "link/zz")):
        proc = in_process("clean", *args, "-q", cwd=tmp_path)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, (args, proc.stderr)
        assert f"{args[2]}: the input glob {args[0]} matches it" in proc.stderr, (args, proc.stderr)
    assert sorted(p.name for p in data.iterdir()) == ["a.jsonl"]


def test_a_run_whose_stderr_reader_is_gone_ends_its_work(tmp_path):
    """`cleaner run … 2>&1 | head -1`: the run stopped at its next line on stderr, half done, and exited 0, "done"
    (found by a QA pass). Its work is its folder: it goes on without its messages, and ends done."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(SEEDS), "--out", str(out), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc.stderr.close()  # the reader gone before the first line
    assert proc.wait(timeout=300) == 0
    corpus = (out / "corpus.jsonl").read_text(encoding="utf-8")
    assert len(corpus.splitlines()) == 5 and (out / "manifest.json").exists()


@pytest.mark.parametrize("reader", ["gone", "there"])
def test_a_runs_bar_on_a_terminal_is_on_stderr_not_stdout(tmp_path, reader):
    """On a terminal, a run's progress bar was drawn by rich's own console, stdout's: `cleaner run … | head -1` ended
    with exit 1 and not a word at the reader's going (rich's way with a closed pipe), and `run … > log` took the bar's
    lines (found by a review of what else writes to stdout). The bar is stderr's, as every other message of a run."""
    import pty
    import threading

    main, terminal = pty.openpty()
    shown: list[bytes] = []

    def read() -> None:  # the terminal's reader, so that the bar is never blocked on a full terminal
        try:
            while chunk := os.read(main, 65536):
                shown.append(chunk)
        except OSError:  # the terminal's last writer gone
            pass

    reading = threading.Thread(target=read, daemon=True)
    reading.start()
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", str(SEEDS), "--out", str(out), "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    if reader == "gone":
        proc.stdout.close()
        written = b""
    else:
        written = proc.stdout.read()
    assert proc.wait(timeout=300) == 0
    reading.join(10)
    os.close(main)
    assert written == b"" and b"documents read" in b"".join(shown)
    corpus = (out / "corpus.jsonl").read_text(encoding="utf-8")
    assert len(corpus.splitlines()) == 5 and (out / "manifest.json").exists()


def test_what_a_killed_writer_left_goes_when_the_output_is_written_again(tmp_path, in_process):
    """A killed `cleaner clean` left its hidden temporaries (`.o.jsonl.9qz61ko5`, as large as the output) beside the
    output for ever (found by a QA pass). The next writer of that output removes those no live writer holds and that
    have been left a minute; one held (a writer at work) or just written (about to be renamed) stays."""
    import fcntl

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget."}) + "\n", encoding="utf-8")
    names = {"stale": ".o.jsonl.abcd1234", "stale_rejects": ".o.rejects.jsonl.k2m1qz8x", "held": ".o.jsonl.held5678",
             "fresh": ".o.jsonl.fresh123", "other": ".other.jsonl.abcd1234"}
    paths = {key: tmp_path / name for key, name in names.items()}
    for key, path in paths.items():
        path.write_bytes(b"half written")
        if key != "fresh":
            os.utime(path, (time.time() - 3600,) * 2)
    holder = os.open(paths["held"], os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "-q").returncode == 0
    finally:
        os.close(holder)
    assert {key for key, path in paths.items() if path.exists()} == {"held", "fresh", "other"}
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == ["in.jsonl", "o.jsonl"]


def test_out_dev_stdout_on_a_pipe_writes_to_the_pipe(tmp_path):
    """`--out /dev/stdout | jq` said `cleaner: /proc/N/fd/pipe:[7158]: No such file or directory`, exit 2 (clean,
    and rules suggest likewise): the link was resolved to its target, which for a pipe is no path."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Le conseil municipal a voté le budget."}\n', encoding="utf-8")
    proc = run_cli("clean", str(src), "--out", "/dev/stdout", "-q")  # stdout is a pipe here
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in map(json.loads, proc.stdout.splitlines())] == ["a"]
    proc = run_cli("rules", "suggest", str(src), "--out", "/dev/stdout")
    assert proc.returncode == 0 and proc.stdout.endswith("\nrules: []\n"), proc.stderr


def test_a_flag_is_taken_only_as_written_in_full(in_process):
    """argparse took a flag's prefix for the flag: `clean --lang fr` ran with `--lang-backend fr`, and `run --work 1`
    with `--workers 1` (found by a QA pass). A prefix is now an unknown flag, refused with the command's usage."""
    for args, unknown in ((["clean", str(SEEDS), "--out", "-", "--lang", "fr"], "--lang fr"),
                          (["run", str(SEEDS), "--out", "o", "--work", "1"], "--work 1")):
        proc = in_process(*args)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.splitlines()[-1] == f"cleaner {args[0]}: error: unrecognized arguments: {unknown}"


def test_a_rejection_on_stderr_is_one_line_whatever_its_id_holds(tmp_path, in_process):
    """With `--out -`, each rejection is one line on stderr, but an id holding a line break made two, and one holding
    ESC sequences acted on the terminal (found by a QA pass); `--strict`'s message the same. They are escaped now."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a\nb\x1b[2J\u202e", "text": ""}) + "\n"
                   + json.dumps({"id": "c", "text": "Le conseil municipal a voté le budget."}) + "\n", encoding="utf-8")
    proc = in_process("clean", str(src), "--out", "-", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"cleaner: rejected a\\nb\\x1b[2J\\u202e: {src}:1: empty document\n"
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == ["c"]
    stopped = in_process("clean", str(src), "--out", "-", "--quiet", "--strict")
    assert stopped.returncode == 3
    assert stopped.stderr == f"cleaner: --strict: stopped at bad input (id a\\nb\\x1b[2J\\u202e): {src}:1: empty document\n"


def test_an_output_that_is_a_stream_keeps_no_rejects_file_beside_it(tmp_path):
    """`--out /dev/null` (or `/dev/stdout`, a FIFO) put the default rejects file beside it: `/dev/null.rejects.jsonl`,
    a file made in /dev when run as root (found by a QA pass). Such an output's rejections are one line each on
    stderr, as with `--out -`."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "e", "text": ""}) + "\n" + json.dumps({"id": "c", "text": "Le conseil."}) + "\n",
                   encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    proc = run_cli("clean", str(src), "--out", str(fifo), "--quiet")
    written = reader.communicate(timeout=60)[0].decode("utf-8")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == f"cleaner: rejected e: {src}:1: empty document\n"
    assert [json.loads(line)["id"] for line in written.splitlines()] == ["c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "in.jsonl"]
    for out in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):  # stdout sent to a file: links to a regular file
        with open(tmp_path / "o.jsonl", "wb") as fh:
            proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(src), "--out", out, "--quiet"],
                                  stdout=fh, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
        assert proc.returncode == 0 and proc.stderr == f"cleaner: rejected e: {src}:1: empty document\n", (out, proc)
        assert [json.loads(line)["id"] for line in (tmp_path / "o.jsonl").read_text().splitlines()] == ["c"]
        assert not os.path.exists(out + ".rejects.jsonl") and sorted(p.name for p in tmp_path.iterdir()) == [
            "fifo", "in.jsonl", "o.jsonl"]


def test_an_input_that_names_no_file_is_said_on_stderr_as_run_says_it(tmp_path, in_process):
    """`cleaner clean nosuchfile.jsonl --out f.jsonl` rejected the input as bad_input, exit 0, and the terminal said
    only "1 document read, 0 kept, 1 rejected (bad_input 1)", naming no path, where `cleaner run` names it. Both say
    it the same way now (a line break or escape in the name shown as such: it broke run's line in two), and agree on
    the exit codes: 0 without --strict, 3 with it. With --out -, the rejection's own line on stderr says it already."""
    missing, odd = tmp_path / "nosuchfile.jsonl", tmp_path / "no\nsuch\x1b.jsonl"
    for command, out in (("clean", tmp_path / "f.jsonl"), ("run", tmp_path / "run")):
        proc = in_process(command, str(missing), str(odd), str(SEEDS), "--out", str(out), "--workers", "1")
        assert proc.returncode == 0, proc.stderr
        assert set(proc.stderr.splitlines()[-2:]) == {  # run reads (and names) its inputs sorted
            f"cleaner {command}: {missing}: no such file or folder (input rejected as bad_input)",
            f"cleaner {command}: {tmp_path}/no\\nsuch\\x1b.jsonl: no such file or folder (input rejected as bad_input)"}, proc.stderr
        assert "(bad_input 2)" in proc.stderr
        quiet = in_process(command, str(missing), "--out", str(tmp_path / f"quiet-{command}"), "--workers", "1", "-q")
        assert (quiet.returncode, quiet.stderr) == (0, "")
        strict = in_process(command, str(missing), "--out", str(tmp_path / f"strict-{command}"), "--strict")
        assert (strict.returncode, strict.stderr) == (3, f"cleaner: --strict: stopped at bad input: {missing}: no such file or folder\n")
    streamed = in_process("clean", str(missing), "--out", "-")
    assert streamed.returncode == 0 and streamed.stderr.count(str(missing)) == 1, streamed.stderr


def test_a_config_that_learns_boilerplate_is_said_not_applied_by_clean_and_diff(tmp_path, in_process):
    """`learn_boilerplate = true` in a config shared with `cleaner run` was ignored by `cleaner clean` and by `cleaner
    diff` of an input without a word, as by the service before it said so: they clean each document with the rule
    packs alone, so their output looked like the run's and was not. A run, and diff of its folder (which shows the
    run's learned edits), say nothing."""
    cfg = tmp_path / "learn.toml"
    cfg.write_text("learn_boilerplate = true\n", encoding="utf-8")
    said = ("cleaner: warning: learn_boilerplate is for `cleaner run`, which learns each source's boilerplate from the "
            "whole corpus; {} cleans each document with the rule packs alone")
    clean = in_process("clean", str(SEEDS), "--out", str(tmp_path / "c.jsonl"), "--config", str(cfg), "-q")
    assert (clean.returncode, clean.stderr.splitlines()) == (0, [said.format("cleaner clean")])
    diff = in_process("diff", str(SEEDS), "--config", str(cfg), "--limit", "1")
    assert diff.returncode == 0 and diff.stderr.splitlines() == [said.format("cleaner diff of an input (not a run folder)")]
    run = in_process("run", str(SEEDS), "--out", str(tmp_path / "run"), "--config", str(cfg), "-q")
    assert (run.returncode, run.stderr) == (0, "")
    of_run = in_process("diff", str(tmp_path / "run"), "--config", str(cfg), "--limit", "1")
    assert of_run.returncode == 0 and "learn_boilerplate" not in of_run.stderr


def test_a_bound_and_any_among_codes_are_said_in_the_words_of_the_flags(tmp_path, in_process):
    """`--min-chars -1` said pydantic's "Input should be greater than or equal to 0", not the value given, and named
    the config key (`config: min_chars:`), not the flag given; `--langs any,fr` said 'any' is not a code the
    backend answers, as if a typo, where `any` (keep every language) must stand alone. All exit 2 before anything
    is made. The same value in a config file is named by its file and key."""
    out = tmp_path / "out"
    cfg = tmp_path / "c.toml"
    cfg.write_text("min_chars = -1\n", encoding="utf-8")
    cases = [(["--min-chars", "-1"], "cleaner: --min-chars: should be at least 0, got -1\n"),
             (["--min-lang-score", "1.5"], "cleaner: --min-lang-score: should be at most 1.0, got 1.5\n"),
             (["--langs", "fr,xx", "--lang-backend", "cld2"], "cleaner: --langs: 'xx' is not a code the language "
                                                              "backend 'cld2' answers (ISO 639-1 codes such as 'fr', "
                                                              "'en', and none for a language without one)\n"),
             (["--encoding", "klingon"], "cleaner: --encoding: unknown encoding 'klingon' (Python's codec names: "
                                         "utf-8, cp1252, latin-1, ...)\n"),
             (["--config", str(cfg)], f"cleaner: config in {cfg}: min_chars: should be at least 0, got -1\n"),
             (["--config", str(cfg), "--min-chars", "5", "--min-lang-score", "2"],
              "cleaner: --min-lang-score: should be at most 1.0, got 2.0\n"),
             (["--langs", "any,fr"], "cleaner: --langs any,fr: any (keep every language) stands alone; give codes "
                                     "(fr,en) or any\n")]
    for flags, said in cases:
        proc = in_process("run", str(SEEDS), "--out", str(out), *flags)
        assert (proc.returncode, proc.stderr) == (2, said)
        assert not out.exists()


def test_values_that_contradict_each_other_are_named_by_the_flags_that_gave_them(tmp_path, in_process):
    """`--min-chars 99999999999` said `config: min_chars = 99,999,999,999 is over max_doc_chars = ...`, and
    `--id-field text` `config: id_field and text_field are both 'text'`, as if a config file had set them (found by
    a QA pass): each value is named by where it came from, a flag by the flag, a config file's key by key and file.
    Both from a config file, the message is the file's, as before."""
    out = tmp_path / "out"
    cfg = tmp_path / "c.toml"
    cfg.write_text('max_doc_chars = 100\ntext_field = "body"\n', encoding="utf-8")
    both = tmp_path / "both.toml"
    both.write_text("min_chars = 500\nmax_doc_chars = 100\n", encoding="utf-8")
    too_large = "every document would be rejected, too short or too large"
    one_field = "every document would be named by its whole text; give the id and the text fields of their own"
    cases = [(["--min-chars", "99999999999"],
              f"--min-chars 99,999,999,999 is over max_doc_chars = 20,000,000: {too_large}"),
             (["--id-field", "text"], f"--id-field and text_field are both 'text': {one_field}"),
             (["--id-field", "body", "--text-field", "body"],
              f"--id-field and --text-field are both 'body': {one_field}"),
             (["--config", str(cfg), "--min-chars", "500"],
              f"--min-chars 500 is over max_doc_chars = 100 (in {cfg}): {too_large}"),
             (["--config", str(cfg), "--id-field", "body"],
              f"--id-field and text_field (in {cfg}) are both 'body': {one_field}"),
             (["--config", str(both)], f"config in {both}: min_chars = 500 is over max_doc_chars = 100: {too_large}"),
             (["--lingua-budget", "3"], ("lang_backend = 'cld2+fasttext>lingua~5@0.5/100' has lingua choose among 5 "
                                         "languages, more than --lingua-budget 3 lets it hold at once: raise the "
                                         "budget, or lower k")),
             (["--lingua-budget", "1"], "--lingua-budget: should be at least 2, got 1")]
    for flags, said in cases:
        proc = in_process("run", str(SEEDS), "--out", str(out), *flags)
        assert (proc.returncode, proc.stderr) == (2, f"cleaner: {said}\n")
        assert not out.exists()


def test_clean_says_the_warc_records_that_are_not_documents_as_run_says_them(tmp_path, in_process):
    """`cleaner run` prints `skipped, not documents: warc request 3` (a WARC's requests, images, error pages), but
    `cleaner clean` said nothing of them: a WARC of 6 records read as "2 documents read", and one of requests alone
    as "0 documents read", no word of where the records went. Its summary says them now, with run's own line."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    text = "Le gouvernement a présenté jeudi son plan pour les routes du nord. " * 8
    warc, requests = tmp_path / "pages.warc.gz", tmp_path / "requests.warc.gz"
    with warc.open("wb") as fh, requests.open("wb") as only:
        writer, other = WARCWriter(fh, gzip=True), WARCWriter(only, gzip=True)
        for url, kind, body in (("https://x.ma/a", "text/html", text), ("https://x.ma/b", "text/html", text + "Fin."),
                                ("https://x.ma/i.jpg", "image/jpeg", "\xff")):
            for w in (writer, other):
                w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            page = f"<html><body><article><p>{body}</p></article></body></html>" if kind == "text/html" else body
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page.encode()), http_headers=headers))
    for workers in ("1", "2"):
        proc = in_process("clean", str(warc), "--out", str(tmp_path / "o.jsonl"), "--workers", workers)
        assert proc.returncode == 0, proc.stderr
        lines = proc.stderr.splitlines()
        assert lines[1] == "2 documents read, 2 kept, 0 rejected"
        assert lines[lines.index("languages: fr 2") + 1] == "skipped, not documents: warc request 3, warc response image/jpeg 1"
    proc = in_process("clean", str(requests), "--out", str(tmp_path / "r.jsonl"), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "0 documents read, 0 kept, 0 rejected" in proc.stderr
    assert proc.stderr.splitlines()[-1] == "skipped, not documents: warc request 3"
    seeds = in_process("clean", str(SEEDS), "--out", str(tmp_path / "s.jsonl"), "--workers", "1")
    assert seeds.returncode == 0 and "skipped" not in seeds.stderr


def test_a_command_started_with_stderr_closed_does_its_work_without_its_messages(tmp_path):
    """`2>&-` (cron, a daemon): writing the first rejection's line to the closed stderr raised, so `clean` stopped
    there, every record after it lost, exit 1 without a word, and every command ended in exit 1 at its summary
    (found by a QA pass). Such a command goes on without its messages, as when stderr's reader is gone, and the
    file it opens is not given file descriptor 2 (what a worker or a C library says there would land in it)."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Un texte."}\n{"id": "b", "text": null}\n{"id": "c", "text": "Autre texte."}\n',
                   encoding="utf-8")

    def closed(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              timeout=300, preexec_fn=lambda: os.close(2))

    piped = closed("clean", str(src), "--out", "-", "--workers", "1")
    assert piped.returncode == 0 and [json.loads(line)["id"] for line in piped.stdout.splitlines()] == ["a", "c"]
    out = tmp_path / "o.jsonl"
    assert closed("clean", str(src), "--out", str(out), "--workers", "2").returncode == 0
    assert [r["id"] for r in _records(out)] == ["a", "c"]
    assert [(r["id"], r["reason"]) for r in _records(tmp_path / "o.rejects.jsonl")] == [("b", "bad_input")]
    assert closed("run", str(SEEDS), "--out", str(tmp_path / "run"), "--workers", "2").returncode == 0
    assert len(_records(tmp_path / "run" / "corpus.jsonl")) == 5


MASAKHANEWS = ("amh", "eng", "fra", "hau", "ibo", "lin", "lug", "orm", "pcm", "run", "sna", "som", "swa", "tir", "xho",
               "yor")
"""MasakhaNEWS's 16 languages."""
HINT = "cleaner: lingua loaded language models "
"""How the hint for short texts starts (`commands.common.say_short_texts`)."""


def _short_texts(path) -> None:
    """Two-word headlines of MasakhaNEWS's 16 languages, which fastText is unsure of (lingua's shortlists read them),
    then 60 English sentences that it is sure of: enough records (over `workers.CHUNK`) for a pool."""
    short = [" ".join(r["text"].split()[:2]) for r in masakhanews(MASAKHANEWS, 1)]
    sure = [f"Report {k}: the city council voted on the new budget for the schools and the roads on Tuesday evening."
            for k in range(60)]
    path.write_text("".join(json.dumps({"id": f"d{k}", "text": text}) + "\n" for k, text in enumerate(short + sure)),
                    encoding="utf-8")


def test_no_hint_of_a_larger_lingua_budget_comes_where_the_budget_holds_every_language(monkeypatch, capsys):
    """The hint names `--lingua-budget` with every language lingua knows; under such a budget no model is loaded
    twice (its loads are each language's first), and nothing is said."""
    from cleaner import lang
    from cleaner.commands.common import say_short_texts

    monkeypatch.setattr(lang, "_loads", 100)
    every = len(lang.lingua_codes())
    for budget, said in ((8, 1), (every - 1, 1), (every, 0), (200, 0)):
        say_short_texts(0, 1_000, budget)
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == said and all(f"--lingua-budget {every} gives the same answers" in line for line in lines)
    say_short_texts(80, 1_000, 8)  # 20 loads since: under the count that says anything
    assert capsys.readouterr().err == ""


def test_a_run_whose_lingua_loaded_models_often_ends_with_one_line_naming_the_faster_backend(tmp_path, in_process,
                                                                                            monkeypatch):
    """A corpus of short texts in many languages has lingua's shortlists unload and load models all the time (~0.35 s
    of CPU each): `clean` on one worker (lingua in this process) and `run` on two (the pool's lingua server, counted
    before it shuts down) end with one line naming `lingua-low~5`, not under --quiet, and the outputs are the same."""
    from cleaner import lang
    from cleaner.commands import common

    monkeypatch.setattr(common, "SHORT_TEXT_LOADS", 3)
    src = tmp_path / "short.jsonl"
    _short_texts(src)
    lang._held.clear()  # else the models held for the tests before count as held, not loaded
    clean = in_process("clean", str(src), "--out", str(tmp_path / "o.jsonl"), "--workers", "1")
    assert clean.returncode == 0, clean.stderr
    [hint] = [line for line in clean.stderr.splitlines() if line.startswith(HINT)]
    assert re.fullmatch(r"cleaner: lingua loaded language models \d+ times for short texts fastText was unsure of; "
                        r"for a corpus of short texts, --lingua-budget 75 gives the same answers several times faster "
                        r"in ~1 GB, and --lang-backend 'cld2\+fasttext>lingua-low~5' is an order of magnitude faster "
                        r"\(README \"A corpus of short texts\"\)", hint), hint
    assert clean.stderr.splitlines()[-1] == hint  # after the summary
    quiet = in_process("clean", str(src), "--out", str(tmp_path / "q.jsonl"), "--workers", "1", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    pool = in_process("run", str(src), "--out", str(tmp_path / "run"), "--workers", "2")
    assert pool.returncode == 0, pool.stderr
    assert [line for line in pool.stderr.splitlines() if line.startswith(HINT)] == [pool.stderr.splitlines()[-1]]
    one = in_process("run", str(src), "--out", str(tmp_path / "run1"), "--workers", "1", "-q")
    assert one.returncode == 0 and one.stderr == ""
    for name in ("corpus.jsonl", "rejects.jsonl", "report.json"):
        assert (tmp_path / "run" / name).read_bytes() == (tmp_path / "run1" / name).read_bytes()
    lang._held.clear()


def test_a_news_run_says_nothing_of_short_texts(tmp_path, in_process):
    """News articles seldom reach lingua (a whole document under 100 letters that fastText doubts): a run of
    MasakhaNEWS's 16 languages on two workers ends without the hint of short texts."""
    from cleaner import lang

    src = tmp_path / "news.jsonl"
    news = masakhanews(MASAKHANEWS, 20)
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in news), encoding="utf-8")
    lang._held.clear()
    proc = in_process("run", str(src), "--out", str(tmp_path / "out"), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert HINT not in proc.stderr
    lang._held.clear()
