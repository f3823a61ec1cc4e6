"""`cleaner review` without a browser: the run folder reader, the page's safety, the flag snippets.

`build_run` (also used by the browser tests) runs `cleaner run` over the seeds plus a planted
duplicate: seed 000's article under seed 004's ticker, which is a duplicate once the ticker is gone.
"""

from __future__ import annotations

import gzip
import os
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import zstandard
from conftest import ROOT, SEEDS, SHARED

from cleaner import Config
from cleaner.cli import main
from cleaner.commands import review as review_command
from cleaner.engine import Cleaner
from cleaner.packs import load_pack_text, load_rules
from cleaner.review import RunError, load_run, render_review
from cleaner.review.entries import earlier_keepers, field_origins, input_entries, recleaned, run_entries
from cleaner.review.snippet import KEEP_ITEM, quoted, rule_pack_prefix

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
SEED_000 = SEED_IDS[0]
PLANTED = "syndicated-000"
"""Seed 000's article under seed 004's ticker; sorts after seed 000's id, so seed 000 is the kept copy."""


def build_run(folder: Path, extra: list[dict] | None = None) -> Path:
    """`cleaner run` over the seeds, the planted duplicate, a too-short record and a malformed line."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    rows = [{"id": k, "text": t} for k, t in texts.items()]
    ticker_004 = texts[SEED_IDS[4]].split("\n", 1)[0]
    rows.append({"id": PLANTED, "text": ticker_004 + "\n" + texts[SEED_000].split("\n", 1)[1]})
    rows.append({"id": "short", "text": "Publicité"})
    rows += extra or []
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{not json\n", encoding="utf-8")
    out = folder / "run"
    assert main(["run", str(src), "--out", str(out), "--min-chars", "20", "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    hostile = {"id": "hostile", "text": "Un titre </script><script>document.title='pwned'</script> <!-- et {{js}} -->\n\nLe texte reste là, avec assez de mots pour passer."}
    return build_run(tmp_path_factory.mktemp("review"), [hostile])


def test_load_run_reads_every_file(run_dir):
    run = load_run(run_dir)
    assert sorted(r["id"] for r in run.corpus) == sorted(SEED_IDS + ["hostile"])
    assert set(run.raw) == {r["id"] for r in run.corpus}
    assert run.raw[SEED_000] == (SEEDS / f"{SEED_000}.txt").read_text(encoding="utf-8")
    assert {r["reason"] for r in run.rejects} == {"exact_duplicate", "too_short", "bad_input"}
    assert run.clusters[0]["kept"] == SEED_000 and PLANTED in run.clusters[0]["members"]


def test_not_a_run_folder_is_one_line_and_exit_2(tmp_path, run_dir, capsys):
    def review(folder) -> tuple[int, str]:
        code = main(["review", str(folder), "--out", str(tmp_path / "r.html")])
        return code, capsys.readouterr().err

    code, err = review(tmp_path / "missing")
    assert code == 2 and err == f"cleaner review: {tmp_path / 'missing'}: no such folder\n"
    code, err = review(SEEDS)
    assert code == 2 and err.count("\n") == 1 and "not a `cleaner run` output folder (missing corpus.jsonl" in err
    code, err = review(SEEDS / f"{SEED_000}.txt")  # was "no such folder"
    assert code == 2 and err == f"cleaner review: {SEEDS / f'{SEED_000}.txt'}: is a file, not a `cleaner run` output folder\n"
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("corpus.jsonl", "rejects.jsonl", "clusters.jsonl", "raw.jsonl"):
        (broken / name).write_text((run_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    (broken / "corpus.jsonl").write_text("{cut", encoding="utf-8")
    code, err = review(broken)
    assert code == 2 and "corpus.jsonl:1: not JSON" in err and err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()
    with pytest.raises(RunError):
        load_run(broken)


def _damaged(folder: Path, name: str, data: bytes) -> None:
    """Put `data` in the run folder as output file `name`, named in its manifest instead of the plain file."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    stem = name.split(".")[0]
    for output in manifest["outputs"]:
        if output["file"] == f"{stem}.jsonl":
            output["file"] = name
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / name).write_bytes(data)


def _first_record(folder: Path, name: str, **fields) -> None:
    """Give the first record of the run folder's `name`.jsonl these `fields`."""
    path = folder / f"{name}.jsonl"
    first, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(json.dumps({**json.loads(first), **fields}) + "\n" + rest, encoding="utf-8")


def _given(folder: Path, name: str, **fields) -> None:
    """Give the run folder's JSON file `name` (its manifest, its report) these `fields`."""
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    (folder / name).write_text(json.dumps({**data, **fields}), encoding="utf-8")


def _manifest(folder: Path, **fields) -> None:
    _given(folder, "manifest.json", **fields)


NOT_A_CORPUS_RECORD = "corpus.jsonl:1: not a corpus record of cleaner's"
NOT_A_MANIFEST = "manifest.json: not a manifest of cleaner's"
NOT_A_CLUSTERS_RECORD = "clusters.jsonl:1: not a clusters record of cleaner's"
NOT_A_REPORT = "report.json: not a report of cleaner's"


@pytest.mark.parametrize("damage, says", [
    (lambda f: _first_record(f, "corpus", edits=[{}]), f"{NOT_A_CORPUS_RECORD} (edit 1: no 'start')"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 1.5, "end": 3, "rule": "x", "kind": "remove"}]),
     f"{NOT_A_CORPUS_RECORD} (edit 1 'start': input should be a valid integer)"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": -5, "end": 3, "rule": "x", "kind": "remove"}]),
     f"{NOT_A_CORPUS_RECORD} (edit 1 'start': input should be greater than or equal to 0)"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 30, "end": 3, "rule": "x", "kind": "remove"}]),
     f"{NOT_A_CORPUS_RECORD} (edit 1: edit end 3 is before its start 30)"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 1, "end": 3, "rule": 7, "kind": "remove"}]),
     f"{NOT_A_CORPUS_RECORD} (edit 1 'rule': input should be a valid string)"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 1, "end": 3, "rule": "x", "kind": "zap"}]),
     f"{NOT_A_CORPUS_RECORD} (edit 1 'kind': input should be 'remove' or 'extract')"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 1, "end": 3, "rule": "x"}]), f"{NOT_A_CORPUS_RECORD} (edit 1: no 'kind')"),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 0, "end": 10**9, "rule": "x", "kind": "remove"}]),
     "corpus.jsonl:1: its edits do not fit its raw text: edit 0-1000000000 (x) ends past the text ("),
    (lambda f: _first_record(f, "corpus", edits=[{"start": 1, "end": 30, "rule": "a", "kind": "remove"}, {"start": 10, "end": 40, "rule": "b", "kind": "remove"}]),
     "corpus.jsonl:1: its edits do not fit its raw text: edit 10-40 (b) overlaps the edit before it"),
    (lambda f: _first_record(f, "corpus", id="elsewhere"), "corpus.jsonl:1: 'elsewhere' is not among the run's raw records, so its edits cannot be shown"),
    (lambda f: _first_record(f, "corpus", lang_score="high"), f"{NOT_A_CORPUS_RECORD} (no 'lang_score' of the right type)"),
    (lambda f: _first_record(f, "rejects", similarity="high"), "rejects.jsonl:1: not a rejects record of cleaner's (no 'similarity' of the right type)"),
    (lambda f: (f / "manifest.json").write_text("[]"), "manifest.json: not a record (an array, not an object)"),
    (lambda f: (f / "manifest.json").write_text('"str"'), "manifest.json: not a record (a string, not an object)"),
    (lambda f: (f / "manifest.json").write_text("null"), "manifest.json: not a record (null, not an object)"),
    (lambda f: (f / "manifest.json").write_text("{cut"), "manifest.json: not JSON"),
    (lambda f: _manifest(f, outputs="x"), f"{NOT_A_MANIFEST} ('outputs' is not a list of files)"),
    (lambda f: _manifest(f, outputs=[5]), f"{NOT_A_MANIFEST} ('outputs' is not a list of files)"),
    (lambda f: _manifest(f, rules=5), f"{NOT_A_MANIFEST} ('rules' is not a list of [file, SHA-256] pairs)"),
    (lambda f: (f / "rejects.jsonl").write_bytes((f / "rejects.jsonl").read_bytes() + b"\xff\n"), "rejects.jsonl:4: not UTF-8 (byte 1 of the line)"),
    (lambda f: (f / "clusters.jsonl").write_text("[1, 2]\n"), "clusters.jsonl:1: not a record (an array, not an object)"),
    (lambda f: (f / "rejects.jsonl").write_text('{"id": "zz", "stage": "read"}\n'), "rejects.jsonl:1: not a rejects record of cleaner's (no 'reason' of the right type)"),
    (lambda f: _first_record(f, "clusters", similarities=5), f"{NOT_A_CLUSTERS_RECORD} ('similarities' is not a list of [id, id, similarity])"),
    (lambda f: _first_record(f, "clusters", similarities=[["a"]]), f"{NOT_A_CLUSTERS_RECORD} ('similarities' is not a list of [id, id, similarity])"),
    (lambda f: _first_record(f, "clusters", similarities=[["a", "b", "high"]]), f"{NOT_A_CLUSTERS_RECORD} ('similarities' is not a list of [id, id, similarity])"),
    (lambda f: _first_record(f, "clusters", members=[1, 2]), f"{NOT_A_CLUSTERS_RECORD} ('members' holds something that is not an id)"),
    (lambda f: _first_record(f, "clusters", kept_in_index="yes"), f"{NOT_A_CLUSTERS_RECORD} ('kept_in_index' is not true or false)"),
    (lambda f: (f / "corpus.jsonl").write_text('{"id": "zz", "edits": []}\n'), "corpus.jsonl:1: not a corpus record of cleaner's (no 'text' of the right type)"),
    (lambda f: (f / "report.json").write_text("[1"), "report.json: not JSON"),
    (lambda f: _given(f, "report.json", rules=5), f"{NOT_A_REPORT} ('rules' is not an object)"),
    (lambda f: _given(f, "report.json", raw_chars="x"), f"{NOT_A_REPORT} ('raw_chars' is not a count)"),
    (lambda f: _given(f, "report.json", clean_chars=None), f"{NOT_A_REPORT} ('clean_chars' is not a count)"),
    (lambda f: _given(f, "report.json", kept=True), f"{NOT_A_REPORT} ('kept' is not a count)"),
    (lambda f: _given(f, "report.json", raw_chars=100, clean_chars=500),  # it said "-400 of 100 characters removed"
     f"{NOT_A_REPORT} ('clean_chars' is missing or over 'raw_chars')"),
    (lambda f: (_first_record(f, "raw", id=5), _first_record(f, "corpus", id=5)),  # a run writes ids as text
     "raw.jsonl:1: not a raw record of cleaner's (no 'id' of the right type)"),
    (lambda f: _damaged(f, "corpus.jsonl.gz", gzip.compress((f / "corpus.jsonl").read_bytes())[:500]), "corpus.jsonl.gz: unreadable (EOFError: Compressed file ended"),
    (lambda f: _damaged(f, "corpus.jsonl.zst", zstandard.ZstdCompressor().compress((f / "corpus.jsonl").read_bytes())[:500]), "corpus.jsonl.zst: unreadable (EOFError: zstd stream ended inside a frame"),
    (lambda f: _damaged(f, "corpus.parquet", b"PAR1 cut short"), "corpus.parquet: unreadable (ArrowInvalid"),
    (lambda f: _manifest(f, outputs=[*json.loads((f / "manifest.json").read_text())["outputs"],  # a shard removed
                                      {"file": "corpus-00002.jsonl"}]),
     "run: missing corpus-00002.jsonl, which its manifest.json lists among the run's outputs"),  # was "missing corpus.jsonl"
    (lambda f: (f / "corpus.jsonl").write_text((f / "corpus.jsonl").read_text() * 2),  # counted and listed twice
     ": a second corpus record of "),
], ids=["edit-empty", "edit-float", "edit-negative", "edit-reversed", "edit-rule-int", "edit-kind-unknown", "edit-no-kind",
        "edit-past-the-end", "edits-overlap", "no-raw", "lang-score-str", "similarity-str", "manifest-list", "manifest-str", "manifest-null",
        "manifest-not-json", "manifest-outputs-str", "manifest-outputs-int", "manifest-rules-int",
        "not-utf8", "not-an-object", "no-reason", "similarities-int", "similarity-pair", "similarity-str-in-cluster",
        "members-int", "kept-in-index-str", "no-text", "report", "report-rules-int", "report-raw-chars-str",
        "report-clean-chars-null", "report-kept-bool", "report-clean-over-raw", "int-id", "gz-cut", "zst-cut",
        "parquet-cut",
        "shard-gone", "corpus-twice"])
def test_a_damaged_run_folder_is_one_line_naming_the_file_for_review_and_diff(run_dir, tmp_path, capsys, damage, says):
    """A run's outputs cut short, in another encoding or not written by cleaner gave a traceback (exit 1)
    from `review` and `diff` (found by a QA pass); each is one line naming the file and line, exit 2. So
    are impossible edits (not integers, past the raw text: shown as data, `rules: x 1,000,000,000`), a
    manifest of another shape (a traceback; found by a later QA pass) and clusters whose similarities are not
    [id, id, number] triples (a traceback) or whose members are not ids (a broken page)."""
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    damage(folder)
    for command in (["review", str(folder), "--out", str(tmp_path / "r.html")], ["diff", str(folder), "--limit", "1"]):
        code = main(command)
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and says in err and "Traceback" not in err, (command[0], err)


def _page_index(html: str) -> dict:
    """The review page's index: the JSON data its script reads."""
    return json.loads(re.search(r'<script type="application/json" id="index">(.*?)</script>', html, re.DOTALL).group(1))


def test_page_is_self_contained_and_data_cannot_break_out(run_dir, tmp_path, in_process):
    out = tmp_path / "pages" / "review.html"  # a folder that does not exist yet is made, as `clean --out` makes it
    proc = in_process("review", str(run_dir), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    html = out.read_text(encoding="utf-8")
    assert "default-src 'none'" in html  # the page itself forbids any network request
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\(", html)
    assert html.count("<script") == 4 and html.count("</script>") == 4  # index, code, bodies, diffs: text stays data
    assert "{{" not in html.split('<script type="application/json" id="index">')[0]
    index = _page_index(html)
    assert {d["id"] for d in index["docs"]} >= {SEED_000, PLANTED, "short", "hostile"}


def test_the_rules_table_counts_the_kept_documents_as_the_report_does(run_dir):
    """The Rules tab counted the dropped documents too (cleaned again for the page), and said so in a hint that
    picking a rule replaced: beside report.json, generic.ticker's 3 documents were 2 (found by a QA pass). Each rule
    now has both counts, the kept ones equal to the report's."""
    html = render_review(load_run(run_dir), load_rules(Config.load()))
    index = _page_index(html)
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))["rules"]
    assert {r["id"]: {"docs": r["kept_docs"], "chars": r["kept_chars"]} for r in index["rules"] if r["kept_docs"]} == report
    ticker = next(r for r in index["rules"] if r["id"] == "generic.ticker")
    assert (ticker["docs"], ticker["kept_docs"]) == (3, 2)  # and the planted copy under seed 004's ticker, dropped


def test_a_run_folder_whose_report_says_cleaned_for_kept_is_reviewed_as_before(run_dir, tmp_path):
    """report.json's `cleaned` held the kept count and is `kept` now; an older run folder's report, which holds
    `cleaned`, is reviewed all the same, and the page is given `kept` from a new one."""
    html = render_review(load_run(run_dir), load_rules(Config.load()))
    index = _page_index(html)
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    assert index["report"]["kept"] == report["kept"] == len(load_run(run_dir).corpus)
    older = shutil.copytree(run_dir, tmp_path / "older")
    report["cleaned"] = report.pop("kept")
    (older / "report.json").write_text(json.dumps(report), encoding="utf-8")
    assert render_review(load_run(older), load_rules(Config.load())).startswith("<!doctype html>")


def test_the_clusters_diffs_are_no_part_of_the_index_but_chunks_parsed_when_one_is_opened(run_dir):
    """Each member's diff was in the index, parsed before the list could be drawn: 1,200 near-duplicate pairs made it
    7.7 MB of a 14.5 MB page (found by a QA pass). They come after the code, a chunk of clusters at a time."""
    html = render_review(load_run(run_dir), load_rules(Config.load()))
    (cluster,) = _page_index(html)["clusters"]
    assert cluster["kept"] == SEED_000 and all("diff" not in member for member in cluster["members"])
    (diffs,) = json.loads(re.search(r'<script type="application/json" id="diffs-0">(.*?)</script>', html)[1])
    planted = [m["id"] for m in cluster["members"]].index(PLANTED)
    assert len(diffs) == len(cluster["members"]) and {op for op, _ in diffs[planted]} == {" ", "…"}
    assert html.index('id="diffs-0"') > html.index("<script>") and html == render_review(load_run(run_dir),
                                                                                          load_rules(Config.load()))


def test_render_review_works_on_a_run_in_memory(run_dir):
    run = load_run(run_dir)
    run.corpus = [r for r in run.corpus if r["id"] == SEED_000]
    html = render_review(run, load_rules(Config.load()))
    assert html.startswith("<!doctype html>") and "generic.ticker" in html


def test_flag_snippet_pack_keeps_every_parameter_of_every_rule():
    for rule in load_rules(Config.load()).rules:
        (again,) = load_pack_text(rule_pack_prefix(rule), rule.id)
        assert again == rule


@pytest.mark.parametrize("text", ["Une phrase « citée » : avec — des tirets, # et 'apostrophes'.", "line\u2028sep\x85nel \x7f del\ttab\nnewline \"quotes\" \\ back", "non\ufffecharacters\uffff", "نص عربي مع \u200fعلامة"])
def test_flag_snippet_adds_one_keep_example_verbatim(text):
    rule = load_rules(Config.load()).by_id("generic.ticker")
    (flagged,) = load_pack_text(rule_pack_prefix(rule) + KEEP_ITEM + quoted(text) + "\n", "flagged")
    assert flagged.examples.keep == (*rule.examples.keep, text)


def test_load_run_reads_sharded_compressed_and_parquet_outputs(tmp_path, in_process):
    """The review reads a run whatever its output options, through the manifest."""
    from conftest import SEEDS

    plain, odd = tmp_path / "plain", tmp_path / "odd"
    assert in_process("run", str(SEEDS), "--out", str(plain), "-q").returncode == 0
    assert in_process("run", str(SEEDS), "--out", str(odd), "-q", "--output-format", "parquet", "--shard-docs", "2").returncode == 0
    assert (odd / "corpus-00002.parquet").is_file() and not (odd / "corpus.jsonl").exists()
    a, b = load_run(plain), load_run(odd)
    assert b.corpus == a.corpus and b.raw == a.raw and b.rejects == a.rejects and b.clusters == a.clusters
    gz = tmp_path / "gz"
    assert in_process("run", str(SEEDS), "--out", str(gz), "-q", "--compression", "gz").returncode == 0
    assert load_run(gz).corpus == a.corpus


def test_a_run_made_with_other_packs_is_said_so_when_its_dropped_documents_are_cleaned_again(tmp_path, in_process):
    """review and diff clean dropped documents again with the packs they load: without the run's own
    `--rules`, a copy's cluster diff showed the noise the run's rule removed as a difference (found by a
    QA helper). The warning names the packs that differ, and how (it named all twenty of the run's)."""
    pack = tmp_path / "packs" / "mine.yaml"
    pack.parent.mkdir()
    pack.write_text("rules:\n  - id: mine.promo\n    kind: line\n    description: a promo line\n"
                    "    phrases: [Abonnez-vous à notre lettre]\n"
                    "    examples: {remove: [Abonnez-vous à notre lettre], keep: [Abonnez-vous, dit-il.]}\n", encoding="utf-8")
    body = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine, après un long débat."
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"id": i, "text": f"Abonnez-vous à notre lettre\n{body}{tail}"}) + "\n"
                                               for i, tail in (("a", ""), ("b", " Et encore."))), encoding="utf-8")
    run = tmp_path / "run"
    assert in_process("run", str(tmp_path / "in.jsonl"), "--out", str(run), "--rules", str(pack.parent)).returncode == 0
    warning = (f"warning: {run} was made with other rule packs (mine.yaml not loaded); its dropped documents are cleaned again with "
               "the packs loaded now: give the run's --rules or --config to see what it removed")
    without = in_process("review", str(run), "--out", str(tmp_path / "r.html"))
    assert without.returncode == 0 and without.stderr.startswith(f"cleaner review: {warning}\n"), without.stderr
    assert in_process("diff", str(run)).stderr.startswith(f"cleaner diff: {warning}\n")
    with_packs = in_process("review", str(run), "--out", str(tmp_path / "r.html"), "--rules", str(pack.parent))
    assert with_packs.returncode == 0 and "warning" not in with_packs.stderr, with_packs.stderr
    pack.write_text(pack.read_text(encoding="utf-8").replace("notre lettre", "la lettre"), encoding="utf-8")
    changed = in_process("diff", str(run), "--rules", str(pack.parent), "--no-default-rules").stderr
    assert ("was made with other rule packs (the shipped packs not loaded, mine.yaml changed); its dropped documents are "
            "cleaned again with the packs loaded now: give --default-rules and the run's --rules or --config") in changed, changed


def test_a_run_made_with_other_disabled_rules_is_said_so_and_a_disabled_rule_keeps_its_description(tmp_path,
                                                                                                   in_process):
    """review and diff compared a run's packs, never its `disabled_rules`: a run made with `--disable-rule X` was
    reviewed with X run on its dropped documents, without a word, and a run that ran X, reviewed with X disabled,
    described X as "not in the loaded rule packs"; `diff --rule X --disable-rule X` of an input said "no such rule in
    the loaded packs" of a rule `rules list` shows `[disabled]` (a review). The warning names the rules and the
    flags, as it does for packs."""
    pack = tmp_path / "packs" / "mine.yaml"
    pack.parent.mkdir()
    pack.write_text("rules:\n  - id: mine.promo\n    kind: line\n    description: a promo line\n"
                    "    phrases: [Abonnez-vous à notre lettre]\n"
                    "    examples: {remove: [Abonnez-vous à notre lettre], keep: [Abonnez-vous, dit-il.]}\n",
                    encoding="utf-8")
    body = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine, après un long débat."
    records = ({"id": i, "text": f"Abonnez-vous à notre lettre\n{body}{tail}"} for i, tail in (("a", ""), ("b", " Et.")))
    (src := tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    rules, off = ("--rules", str(pack.parent)), ("--disable-rule", "mine.promo")
    made_off, made_on = tmp_path / "off", tmp_path / "on"
    assert in_process("run", str(src), "--out", str(made_off), *rules, *off).returncode == 0
    assert in_process("run", str(src), "--out", str(made_on), *rules).returncode == 0
    said = (f"warning: {made_off} was made with other rules (mine.promo disabled in the run); its dropped documents "
            "are cleaned again with the rules loaded now: give --disable-rule mine.promo to see what it removed\n")
    review = in_process("review", str(made_off), "--out", str(tmp_path / "r.html"), *rules)
    assert review.returncode == 0 and review.stderr.startswith(f"cleaner review: {said}"), review.stderr
    assert in_process("diff", str(made_off), *rules).stderr.startswith(f"cleaner diff: {said}")
    quiet = in_process("diff", str(made_off), *rules, *off, "--rule", "mine.promo")
    assert quiet.returncode == 0 and quiet.stderr == "cleaner diff: no document matched\n", quiet.stderr
    said = (f"warning: {made_on} was made with other rules (mine.promo disabled now); its dropped documents are "
            "cleaned again with the rules loaded now: do not disable mine.promo to see what it removed\n")
    review = in_process("review", str(made_on), "--out", str(tmp_path / "r.html"), *rules, *off)
    assert review.returncode == 0 and review.stderr.startswith(f"cleaner review: {said}"), review.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "a promo line" in page and "not in the loaded rule packs" not in page
    refused = in_process("diff", str(src), *rules, *off, "--rule", "mine.promo")
    assert (refused.returncode, refused.stderr) == (2, "cleaner diff: --rule 'mine.promo': that rule is disabled "
                                                       "(disabled_rules, --disable-rule), so it removes nothing here\n")


def test_a_run_made_without_the_shipped_packs_is_said_so_with_the_flag_that_undoes_it(tmp_path, in_process):
    """review and diff of a run made with `--no-default-rules` listed each of the shipped packs "not in the run" and
    advised the run's --rules or --config, which it had none of (found by a QA pass): the warning names the switch and
    its flag, and with that flag says nothing."""
    run = tmp_path / "run"
    assert in_process("run", str(SEEDS), "--out", str(run), "-q", "--no-default-rules").returncode == 0
    warning = (f"warning: {run} was made with other rule packs (the shipped packs not in the run); its dropped documents "
               "are cleaned again with the packs loaded now: give --no-default-rules to see what it removed\n")
    assert in_process("review", str(run), "--out", str(tmp_path / "r.html")).stderr.startswith(f"cleaner review: {warning}")
    assert in_process("diff", str(run), "--limit", "1").stderr.startswith(f"cleaner diff: {warning}")
    quiet = in_process("review", str(run), "--out", str(tmp_path / "r.html"), "--no-default-rules")
    assert quiet.returncode == 0 and "warning" not in quiet.stderr, quiet.stderr


@pytest.mark.parametrize("name", ["corpus.jsonl", "raw.jsonl", "rejects.jsonl.gz", "clusters-00002.parquet", "corpus.jsonl.zst",
                                  "report.json", "manifest.json", "index.sqlite"])
def test_review_refuses_an_out_that_is_a_file_of_the_run(run_dir, tmp_path, capsys, name):
    """`review RUN --out RUN/corpus.jsonl` wrote the page over the run's corpus, exit 0, and the run was
    broken (found by a QA pass). A file a run writes there, in any form, is refused; a link to one too."""
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    (tmp_path / "link.html").symlink_to(folder / name)
    for out in (folder / name, tmp_path / "link.html"):
        code = main(["review", str(folder), "--out", str(out)])
        assert code == 2 and capsys.readouterr().err == (f"cleaner review: {out}: is the run's own {name}, which the page "
                                                         f"would replace; give the page a path of its own, such as {folder / 'review.html'}\n")
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_review_refuses_an_empty_out(run_dir, tmp_path, capsys, monkeypatch):
    """`review RUN --out ''` (an unset shell variable) said "cannot write .: Is a directory"."""
    monkeypatch.chdir(tmp_path)
    assert main(["review", str(run_dir), "--out", ""]) == 2
    assert capsys.readouterr().err == "cleaner review: --out is empty: give the HTML file to write, or leave --out out for review.html\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where, says", [("afile/page.html", "afile is a file, not a folder"),
                                         ("folder", "is a folder, not a file to write")])
def test_review_names_why_its_out_cannot_be_written_before_building_the_page(run_dir, tmp_path, capsys, monkeypatch,
                                                                           where, says):
    """An --out below a file said "cannot write afile/page.html: File exists" (mkdir's words, once the page
    was built); it now says what is in the way, as `clean --out` does, and builds nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    monkeypatch.setattr(review_command, "render_review", lambda *a: pytest.fail("the page was built"))
    assert main(["review", str(run_dir), "--out", where]) == 2
    assert capsys.readouterr().err == f"cleaner review: cannot write {where}: {says}\n"


def test_review_refuses_an_out_that_is_one_of_its_inputs_and_writes_a_new_file_in_the_run(run_dir, tmp_path, capsys):
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    config, pack = tmp_path / "cleaner.toml", tmp_path / "packs" / "mine.yaml"
    config.write_text("", encoding="utf-8")
    pack.parent.mkdir()
    pack.write_text("rules: []\n", encoding="utf-8")
    for out in (config, pack):
        code = main(["review", str(folder), "--config", str(config), "--rules", str(pack.parent), "--out", str(out)])
        assert code == 2 and capsys.readouterr().err == f"cleaner review: {out}: is an input; give the output a path of its own\n"
    assert config.read_text(encoding="utf-8") == "" and pack.read_text(encoding="utf-8") == "rules: []\n"
    assert main(["review", str(folder), "--out", str(folder / "review.html")]) == 0
    assert (folder / "review.html").read_text(encoding="utf-8").startswith("<!doctype html>")


def test_review_out_dash_writes_the_page_to_stdout(run_dir, tmp_path, in_process):
    """`review RUN --out -` wrote a file named `-` in the working folder (`clean --out -` writes to stdout);
    the page now goes to stdout, the same text as the file."""
    page = tmp_path / "page.html"
    assert in_process("review", str(run_dir), "--out", str(page), cwd=tmp_path).returncode == 0
    out = in_process("review", str(run_dir), "--out", "-", cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == page.read_text(encoding="utf-8"), out.stderr
    assert out.stderr.startswith("cleaner review -> stdout (")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_review_out_dash_with_stdout_closed_is_one_line(run_dir, tmp_path):
    """`review RUN --out - >&-` ended in AttributeError's traceback: stdout closed is one line, exit 2."""
    proc = subprocess.run(["bash", "-c", f'"{sys.executable}" -m cleaner review "{run_dir}" --out - >&-'],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert (proc.returncode, proc.stderr) == (2, "cleaner review: cannot write stdout: stdout is closed\n"), proc.stderr


def _interrupted_over(out: Path, src: Path) -> None:
    """A run of `src` into `out`, a folder holding a finished run, stopped once every record is prepared."""
    from cleaner.io.outputs import STATE
    from cleaner.manifest import fingerprint
    from cleaner.runner import Runner, RunOptions
    from cleaner.runstate import RunState

    runner = Runner(Config.load(), [str(src)], out, RunOptions(workers=1, progress="quiet"))
    with RunState(out / STATE / "state.sqlite") as state:
        runner._prepare(state, runner._resume_point(state, fingerprint(runner.config, runner.inputs,
                                                                       runner.options.output_options()), True))


def test_a_run_interrupted_over_a_finished_one_is_not_reviewed_as_that_one(tmp_path, capsys):
    """A run stopped in a folder holding a finished run left `.cleaner/` beside the finished run's outputs: `review`
    and `diff` showed the old run, exit 0. A run that starts over removes them as it begins, so its state is alone;
    beside a state left with a manifest (a run killed once it had written its outputs, before removing its state), the
    line said the outputs were "an earlier run's, which it replaces when it finishes" (a review): it says they were
    left as the run stopped."""
    out = tmp_path / "s"
    assert main(["run", str(SEEDS), "--out", str(out), "--quiet"]) == 0
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "n1", "text": "Un autre texte, assez long pour passer les portes."}) + "\n")
    stopped = tmp_path / "stopped"
    shutil.copytree(out, stopped)
    _interrupted_over(stopped, other)
    assert [path.name for path in stopped.iterdir()] == [".cleaner"]
    killed = tmp_path / "killed"
    shutil.copytree(out, killed)
    shutil.copytree(stopped / ".cleaner", killed / ".cleaner")
    for folder, beside in [(stopped, ""), (killed, "; the outputs beside it, with their manifest, were left as it was "
                                                   "stopped (an earlier run's, or its own), and go as it goes on")]:
        says = (f"{folder}: a `cleaner run` that did not finish (its state is in .cleaner/{beside}); the same command "
                "again goes on from where it stopped\n")
        assert main(["review", str(folder), "--out", str(tmp_path / "r.html")]) == 2
        assert capsys.readouterr().err == f"cleaner review: {says}" and not (tmp_path / "r.html").exists()
        assert main(["diff", str(folder)]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err == f"cleaner diff: {says}"


@pytest.mark.parametrize("name", [".cleaner", ".cleaner/review.html"])
def test_review_refuses_an_out_in_the_place_of_the_run_state(run_dir, tmp_path, capsys, name):
    """`review RUN --out RUN/.cleaner` wrote the page as a file named `.cleaner`, where a run keeps its state:
    `run --out RUN --restart` then failed ("File exists"); a page inside `.cleaner/` made the run look unfinished."""
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    code = main(["review", str(folder), "--out", str(folder / name)])
    assert code == 2 and capsys.readouterr().err == (
        f"cleaner review: {folder / name}: is in the place of the run's state folder .cleaner/, which a run of "
        f"this folder makes; give the page a path of its own, such as {folder / 'review.html'}\n")
    assert not (folder / ".cleaner").exists()


def test_a_document_a_gate_dropped_has_the_language_the_run_found(tmp_path):
    """A document a gate dropped had no language in the review (its `lang` came from the record cleaned again,
    untagged), so the language filter could not reach the 599 `lang_not_allowed` documents of a run with `--langs fr`.
    Rejects after the language stage carry `lang` and `lang_score`, and the page's rows take them."""
    from conftest import masakhanews

    rows = masakhanews(("fra", "amh", "hau"), 3)
    (tmp_path / "mk.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                       encoding="utf-8")
    assert main(["run", str(tmp_path / "mk.jsonl"), "--out", str(tmp_path / "run"), "--langs", "fr", "--quiet"]) == 0
    rejects = [json.loads(line)
               for line in (tmp_path / "run" / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    dropped = [r for r in rejects if r["reason"] == "lang_not_allowed"]
    assert len(dropped) == 6 and {r["lang"] for r in dropped} == {"am", "ha"}
    assert all(isinstance(r["lang_score"], float) and f"language {r['lang']} ({r['lang_score']:g})" in r["detail"]
               for r in dropped)
    index = _page_index(render_review(load_run(tmp_path / "run"), load_rules(Config.load()), Config.load()))
    langs = {d["id"]: d["lang"] for d in index["docs"]}
    assert {langs[r["id"]] for r in dropped} == {"am", "ha"}
    assert main(["diff", str(tmp_path / "run"), "--id", dropped[0]["id"]]) == 0


def test_a_document_dedup_dropped_has_the_language_the_run_found(run_dir):
    """Dedup runs after the language stage too: its rejects carry the `lang` and `lang_score` of the cleaned record
    it compared, and the page's row takes them (it had none: the record cleaned again is not tagged)."""
    run = load_run(run_dir)
    planted = next(r for r in run.rejects if r.get("id") == PLANTED)
    kept = next(r for r in run.corpus if r["id"] == SEED_000)
    assert (planted["reason"], planted["lang"], planted["lang_score"]) == ("exact_duplicate", kept["lang"],
                                                                           kept["lang_score"])
    index = _page_index(render_review(run, load_rules(Config.load()), Config.load()))
    row = next(d for d in index["docs"] if d["id"] == PLANTED)
    assert (row["lang"], row["score"]) == (kept["lang"], kept["lang_score"])


def test_a_text_records_own_extracted_is_said_to_give_nothing_a_page_gave(tmp_path, in_process):
    """The run reads `meta.extracted` as a page's metadata only for a page (`given.page_metadata`), but the review
    and `cleaner diff` read it for every record: a text record's own title, author and url, the same in its own
    `extracted`, were said to come from the page (a review). Only a page's (its raw record holds `html`) is."""
    url = "https://www.lemonde.fr/a"
    given = {"title": "Mon titre", "author": "Jean Dupont", "url": url}
    text = "Le conseil municipal a voté mardi le budget de la ville. La séance a duré jusqu'à minuit passé."
    with gzip.open(SHARED / "dev" / "fr-pages.jsonl.gz", "rt", encoding="utf-8") as fh:
        page = json.loads(next(line for line in fh if '"113763_comedies-romantiques-harcelement-femmes"' in line))
    records = [{"id": "a", "text": text, **given, "extracted": {**given, "sitename": "Le Monde"}},
               {**page, "id": "p1"}, {**page, "id": "p2"}]  # p2: an exact copy of p1, dropped, cleaned again
    src, out = tmp_path / "in.jsonl", tmp_path / "run"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert in_process("run", str(src), "--out", str(out), "-q").returncode == 0
    run, cleaner = load_run(out), Cleaner(Config())
    ran = {e.id: field_origins(recleaned(e, cleaner)) for e in run_entries(run)}
    cleaned = {e.id: field_origins(e) for e in input_entries([str(src)], Config())}
    for origins in (ran, cleaned):
        assert origins["a"] == [(name, value, "record", False) for name, value in given.items()], origins["a"]
        assert ("author", "Vincent Manilève", "page", False) in origins["p1"], origins["p1"]
    assert ran["p2"] == ran["p1"]


def test_a_page_of_copies_of_earlier_runs_documents_is_the_same_bytes_whatever_the_hash_seed(tmp_path, in_process):
    """Who kept each earlier batch's document (`earlier_keepers`) was a dict made from a set of ids: the page's
    `INDEX.earlier` followed the interpreter's hash seed, 4 seeds gave 4 pages (a review). Its ids are in order. An id
    holding the keeper clause's words is read from after the id: a run kept "a, kept by an earlier batch (x)"."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    ids = [f"doc{k}" for k in range(len(texts) - 1)] + ["a, kept by an earlier batch (x)"]
    index = tmp_path / "index.sqlite"
    for name, prefix in (("first", ""), ("second", "copy-")):
        src = tmp_path / f"{name}.jsonl"
        src.write_text("".join(json.dumps({"id": prefix + i, "text": t}) + "\n" for i, t in zip(ids, texts)), "utf-8")
        assert in_process("run", str(src), "--out", str(tmp_path / name), "--index", str(index), "-q").returncode == 0
    pages = set()
    for seed in ("1", "2", "3", "4"):
        page = tmp_path / f"review-{seed}.html"
        proc = subprocess.run([sys.executable, "-m", "cleaner", "review", str(tmp_path / "second"), "--out", str(page)],
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stderr
        pages.add(page.read_bytes())
    assert len(pages) == 1
    assert earlier_keepers(load_run(tmp_path / "second")) == dict.fromkeys(sorted(ids), "an earlier run")
