"""`cleaner run` and `Pipeline`: every record once, order-independent output, dedup on clean text, gates."""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import subprocess
import sys
import threading
import unicodedata
from contextlib import closing
from pathlib import Path

import pytest
from conftest import SEEDS, made_id, run_cli

from cleaner import Cleaned, CleanerWarning, Config, Document
from cleaner.dedup.shingle import jaccard, shingles
from cleaner.pipeline import Pipeline, as_document

SEED = {p.stem[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def _swap_ticker(text: str, ticker_from: str) -> str:
    return _first_line(ticker_from) + "\n" + text.split("\n", 1)[1]


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cleaning_comes_before_dedup():
    """A syndicated copy under another ticker is a duplicate; two articles under one ticker are not."""
    a = SEED["000"]
    a_under_004_ticker = _swap_ticker(a, SEED["004"])
    b_under_000_ticker = _swap_ticker(SEED["004"], a)
    threshold = Config.load().dedup_threshold
    # What raw text would have said: the copy looks like a different article (~0.41, a miss), and two
    # different articles share a quarter of their shingles through the ticker (~0.29).
    raw_copy, raw_other = jaccard(shingles(a), shingles(a_under_004_ticker)), jaccard(shingles(a), shingles(b_under_000_ticker))
    assert raw_copy < threshold and raw_other > 0.2
    clean = {k: Pipeline(Config.load()).cleaner.clean(Document(id=k, text=t)).text for k, t in (("a", a), ("b", b_under_000_ticker))}
    assert jaccard(shingles(clean["a"]), shingles(clean["b"])) < 0.02
    docs = [Document(id="a", text=a), Document(id="a-copy", text=a_under_004_ticker), Document(id="b", text=b_under_000_ticker)]
    with Pipeline(Config.load()) as pipeline:
        result = pipeline.run(docs)
    assert [d.id for d in result.kept] == ["a", "b"]
    (copy,) = result.rejected
    assert (copy.id, copy.stage, copy.reason, copy.dup_of) == ("a-copy", "dedup", "exact_duplicate", "a")


def _corpus_input(tmp_path, order_seed: int | None = None):
    rows = [{"id": stem, "text": text} for stem, text in SEED.items()]
    rows.append({"id": "000-syndicated", "text": _swap_ticker(SEED["000"], SEED["004"])})
    body = SEED["004"].split("\n")
    rows.append({"id": "004-edited", "text": "\n".join(line for i, line in enumerate(body) if i != 22) + "\nUne phrase ajoutée à la fin."})
    rows.append({"id": "short", "text": "Publicité"})
    rows.append({"id": "en", "text": "The council approved the budget on Tuesday after a long debate about schools and roads in the city."})
    rows.append({"id": "000", "text": "Le même identifiant revient avec un autre texte, plus court que le premier."})
    rows.append({"id": "nul", "text": "Un article réparé\x00 à la lecture, qui garde assez de mots pour passer."})
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + ["{not json"]
    if order_seed is not None:
        random.Random(order_seed).shuffle(lines)
    path = tmp_path / f"in-{order_seed}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, rows


def test_run_every_record_once_with_reasons(tmp_path, in_process):
    path, rows = _corpus_input(tmp_path)
    out = tmp_path / "out"
    proc = in_process("run", str(path), "--out", str(out), "--min-chars", "20", "--langs", "fr")
    assert proc.returncode == 0, proc.stderr
    kept = _records(out / "corpus.jsonl")
    rejects = _records(out / "rejects.jsonl")
    assert len(kept) + len(rejects) == len(rows) + 1
    assert sorted([r["id"] for r in kept] + [r["id"] for r in rejects if r.get("id")]) == sorted(r["id"] for r in rows)
    reasons = {r.get("id"): r["reason"] for r in rejects}
    assert reasons == {
        None: "bad_input", "short": "too_short", "en": "lang_not_allowed", "000-syndicated": "exact_duplicate",
        "004-edited": "duplicate", "000": "repeated_id",
    }
    near = next(r for r in rejects if r.get("id") == "004-edited")
    assert near["dup_of"] == "004"
    assert near["similarity"] >= Config.load().dedup_threshold and near["raw"]["text"]
    for record in kept:
        assert record["lang"] == "fr" and 0 < record["lang_score"] <= 1 and record["cluster"]
    clusters = _records(out / "clusters.jsonl")
    assert any("004-edited" in c["members"] for c in clusters)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["read"] == len(rows) + 1 and report["kept"] == len(kept)
    assert "cleaned" not in report  # `cleaned` held this count
    assert "documents read" in proc.stderr and "languages: fr" in proc.stderr


def test_a_language_the_tagger_is_unsure_of_does_not_pass_as_the_one_it_was_taken_for(tmp_path, in_process):
    """fastText takes Somali for English with a low score, so `--langs en` alone keeps it;
    `--min-lang-score` rejects it as `lang_uncertain`, and a text without letters (no language) too."""
    somali = ("Ugu yaraan 46 qof oo la rumeysan yahay in ay yihiin dad muhaajiriin ah ayaa meydkooda laga dhex "
              "helay gaari ah nooca xamuulka qaada duleedka magaalada San Antonio, ee gobolka Texas ee dalka Mareykanka.")
    english = "The council approved the city budget on Tuesday after a long debate about buses and schools."
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in
                            (("so", somali), ("en", english), ("digits", "2024 - 12 - 01 / 15:30"))), encoding="utf-8")
    loose, strict = tmp_path / "loose", tmp_path / "strict"
    common = ("--langs", "en", "--lang-backend", "fasttext", "-q")
    assert in_process("run", str(path), "--out", str(loose), *common).returncode == 0
    assert [r["id"] for r in _records(loose / "corpus.jsonl")] == ["en", "so"]  # Somali passes as English
    assert in_process("run", str(path), "--out", str(strict), *common, "--min-lang-score", "0.5").returncode == 0
    assert [r["id"] for r in _records(strict / "corpus.jsonl")] == ["en"]
    rejects = {r["id"]: (r["reason"], r["detail"]) for r in _records(strict / "rejects.jsonl")}
    assert rejects["digits"] == ("lang_uncertain", "no language found, under min_lang_score=0.5")
    assert rejects["so"][0] == "lang_uncertain" and rejects["so"][1].startswith("language en scored 0.")


def test_run_output_does_not_depend_on_input_order(tmp_path, in_process):
    """Shuffled lines give the same bytes, but for where a record was read: a bad line's detail, a
    repaired record's warning and a repeated id's detail name the file and line (so do the ids made for
    records without one)."""
    outputs = []
    for order in (None, 1, 2):
        path, _ = _corpus_input(tmp_path, order)
        out = tmp_path / f"out-{order}"
        run = run_cli if order is None else in_process  # one in a process of its own hash seed
        assert run("run", str(path), "--out", str(out), "-q").returncode == 0
        place = re.compile(re.escape(str(path)) + r":\d+\b")
        outputs.append([place.sub("<place>", (out / name).read_text(encoding="utf-8")) for name in ("corpus.jsonl", "clusters.jsonl")])
        rejects = [{k: place.sub("<place>", v) if k == "detail" else v for k, v in r.items() if k != "detail" or r["reason"] != "bad_input"}
                   for r in _records(out / "rejects.jsonl")]
        outputs[-1].append(json.dumps(rejects, sort_keys=True))
        assert '"warnings": ["<place>: 1 NUL character removed"]' in outputs[-1][0]
    assert outputs[0] == outputs[1] == outputs[2]


def test_rejects_without_an_id_are_not_ordered_by_where_they_were_read(tmp_path, in_process):
    """Two lines that give no record (malformed, an array) have no id, and their details start with their file and
    line: the rejects file was ordered by those, so shuffled input swapped them (a QA pass). They are ordered by
    reason and raw record; the Python API orders its rejections the same way."""
    good = [json.dumps({"id": k, "text": SEED[k]}, ensure_ascii=False) for k in ("000", "002")]
    rejects = []
    for k, lines in enumerate(([good[0], "not json at all", good[1], "[1, 2]"],
                               ["[1, 2]", good[1], "not json at all", good[0]])):
        path = tmp_path / f"in-{k}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out = tmp_path / f"out-{k}"
        assert in_process("run", str(path), "--out", str(out), "-q").returncode == 0
        place = re.compile(re.escape(str(path)) + r":\d+")
        rejects.append(place.sub("<place>", (out / "rejects.jsonl").read_text(encoding="utf-8")))
    assert rejects[0] == rejects[1] and rejects[0].count("<place>") == 2
    with Pipeline(Config.load()) as pipeline:
        orders = [[r.raw for r in pipeline.run(items).rejected] for items in ([5, [1, 2]], [[1, 2], 5])]
    assert orders[0] == orders[1]


def test_which_copy_of_a_repeated_id_is_kept_does_not_depend_on_input_order(tmp_path, in_process):
    """Copies of one id that tie on the whole keep policy (same clean length, date and normal form) are
    told apart by their stored records: whichever comes first, the same copy is kept, byte for byte,
    and the same one is rejected (named with where it and the kept copy were read), also through the Python API."""
    text = ("le conseil municipal a voté le budget mardi soir, après un long débat sur les écoles, "
            "les routes et les transports de la ville.")
    twins = [{"id": "twin", "text": text}, {"id": "twin", "text": "L" + text[1:]},
             {"id": "page", "text": SEED["002"], "title": "Premier titre"},
             {"id": "page", "text": SEED["002"], "title": "Second titre"}]
    outputs = set()
    for k, order in enumerate((twins, twins[::-1], [twins[1], twins[2], twins[0], twins[3]])):
        path = tmp_path / f"in-{k}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in order), encoding="utf-8")
        out = tmp_path / f"out-{k}"
        assert in_process("run", str(path), "--out", str(out), "--index", str(tmp_path / f"{k}.sqlite"), "-q").returncode == 0
        place = re.compile(re.escape(str(path)).encode() + rb":\d")
        outputs.add(tuple(place.sub(b"<place>", (out / name).read_bytes())
                          for name in ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl")))
        with Pipeline(Config.load()) as pipeline:
            result = pipeline.run(order)
        kept = sorted((d.id, d.text, d.title) for d in result.kept)
        assert [r.reason for r in result.rejected] == ["repeated_id", "repeated_id"]
        outputs.add(tuple(kept))
    assert len(outputs) == 2  # one set of files and one set of kept documents, whatever the order
    assert {r["reason"] for r in _records(out / "rejects.jsonl")} == {"repeated_id"}
    assert len(_records(out / "corpus.jsonl")) == 2



def test_a_repeated_id_names_where_this_copy_and_the_copy_that_went_on_were_read(tmp_path, in_process):
    """A `repeated_id` rejection names the file and line of this copy and of the copy that went on to dedup (it
    named neither, and a user had to search the inputs for both), the same whatever the worker count; the
    Python API names them by position."""
    text = "Le conseil municipal a voté le budget mardi soir, après un long débat sur les écoles et les routes."
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "other", "text": SEED["002"]}) + "\n" + json.dumps({"id": "twin", "text": text}) + "\n",
                     encoding="utf-8")
    second.write_text(json.dumps({"id": "twin", "text": text + " Et des transports."}) + "\n", encoding="utf-8")
    said = ("this id appears more than once in the input (this copy at {}); only the copy ranked first by the keep "
            "policy, at {}, goes on to dedup (its own verdict says whether it was kept)")
    rejects = set()
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}"
        assert in_process("run", str(first), str(second), "--out", str(out), "--workers", workers, "-q").returncode == 0
        rejects.add((out / "rejects.jsonl").read_bytes())
        (reject,) = _records(out / "rejects.jsonl")
        assert (reject["id"], reject["reason"]) == ("twin", "repeated_id")
        assert reject["detail"] == said.format(f"{first}:2", f"{second}:1")  # the longer copy goes on
    assert len(rejects) == 1
    with Pipeline(Config.load()) as pipeline:
        (reject,) = pipeline.run([{"id": "twin", "text": text}, {"id": "other", "text": SEED["002"]},
                                  {"id": "twin", "text": text + " Et des transports."}]).rejected
    assert reject.detail == said.format("document 0", "document 2")


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_three_copies_of_an_id_are_rejected_in_one_order_whatever_the_input_order(tmp_path, in_process, engine):
    """The rejects file orders a `repeated_id`'s copies by their detail, which now names where each was read: two
    rejected copies of one id came out in the input's order. Their order is the one before places were named."""
    base = "Le conseil municipal a voté le budget mardi soir, après un long débat sur les écoles et les routes"
    copies = [{"id": "t", "text": base + "."}, {"id": "t", "text": base + " de la ville."},
              {"id": "t", "text": base + " de la ville, hier."}, {"id": "u", "text": SEED["002"]}]
    outputs = set()
    for k, order in enumerate((copies, copies[::-1], [copies[2], copies[0], copies[3], copies[1]])):
        path = tmp_path / f"in-{k}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in order), encoding="utf-8")
        out = tmp_path / f"out-{k}"
        flags = ["--engine", "dask", "--workers", "1"] if engine == "dask" else []
        run = run_cli if engine == "dask" else in_process  # a Dask run starts its LocalCluster's processes: not in this one
        assert run("run", str(path), "--out", str(out), "-q", *flags).returncode == 0
        rejects = (out / "rejects.jsonl").read_text(encoding="utf-8")
        assert [json.loads(line)["raw"]["text"] for line in rejects.splitlines()] == [base + ".", base + " de la ville."]
        outputs.add(re.sub(re.escape(str(path)) + r":\d+", "<place>", rejects))
    assert len(outputs) == 1


def test_where_a_repaired_copy_of_an_id_was_does_not_choose_it(tmp_path, in_process):
    """Copies of one id that tie on the keep policy and carry repair warnings, which name their file and
    line: which copy stays (here, which `meta`) does not depend on those, so not on the order of the lines
    nor on the file's name."""
    text = "Le conseil municipal a voté le budget \\ud800 mardi soir, après un long débat sur les écoles."
    twins = [f'{{"id": "twin", "text": "{text}", "v": {v}}}' for v in (1, 2)]
    kept = set()
    for k, order in enumerate((twins, twins[::-1], twins)):
        path = tmp_path / f"{'ab'[k % 2]}-{k}.jsonl"
        path.write_text("\n".join(order) + "\n", encoding="utf-8")
        out = tmp_path / f"out-{k}"
        assert in_process("run", str(path), "--out", str(out), "-q").returncode == 0
        (record,) = _records(out / "corpus.jsonl")
        kept.add(json.dumps(record["meta"]))
    assert kept == {'{"v": 1}'}


LAST_QUESTION = "F.N.H. : Vous allez attendre la sortie de la loi avant de vous prononcer ?\n"
"""A line of seed 000's article: without it, a near copy of it."""


def test_persistent_index_across_runs(tmp_path, in_process):
    index = tmp_path / "shared.sqlite"
    first = tmp_path / "first"
    assert in_process("run", str(SEEDS), "--out", str(first), "--index", str(index), "-q").returncode == 0
    assert len(_records(first / "corpus.jsonl")) == 5
    later = tmp_path / "later.jsonl"
    later.write_text(
        json.dumps({"id": "new-copy", "text": _swap_ticker(SEED["000"], SEED["004"])}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "near-copy", "text": SEED["000"].replace(LAST_QUESTION, "")}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "fresh", "text": "Un tout autre article, sur un tout autre sujet, publié ailleurs."}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    second = tmp_path / "second"
    assert in_process("run", str(later), str(SEEDS), "--out", str(second), "--index", str(index), "-q").returncode == 0
    assert [r["id"] for r in _records(second / "corpus.jsonl")] == ["fresh"]
    reasons = {r["id"]: (r["reason"], r.get("dup_of")) for r in _records(second / "rejects.jsonl")}
    assert reasons["new-copy"] == ("exact_duplicate", "000_60897166cff71104")
    assert reasons["near-copy"] == ("duplicate", "000_60897166cff71104")  # one question dropped
    assert all(reasons[p.stem][0] == "already_indexed" for p in SEEDS.glob("*.txt"))
    assert json.loads((second / "report.json").read_text())["index_documents"] == 6


def test_records_without_ids_are_not_taken_for_indexed_ones(tmp_path, in_process):
    """A record without an id is named by its place and its text (`news:1:<hash>`): a later batch's
    file of the same name, in another folder or rewritten, holds new documents at the same lines, and
    they are kept, not `already_indexed`; two such files in one batch do not clash as `repeated_id`;
    only a record seen before, same place and same text, is `already_indexed`."""
    def jsonl(folder: str, texts: list[str]) -> str:
        path = tmp_path / folder / "news.jsonl"
        path.parent.mkdir()
        path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
        return str(path)

    index = tmp_path / "index.sqlite"
    day1 = jsonl("day1", [SEED["001"], SEED["002"]])
    assert in_process("run", day1, "--out", str(tmp_path / "o1"), "--index", str(index), "-q").returncode == 0
    assert [r["id"] for r in _records(tmp_path / "o1" / "corpus.jsonl")] == sorted(
        [made_id("news:1", SEED["001"]), made_id("news:2", SEED["002"])])
    day2, again = jsonl("day2", [SEED["003"], SEED["004"]]), jsonl("again", [SEED["000"], SEED["002"]])
    assert in_process("run", day2, again, "--out", str(tmp_path / "o2"), "--index", str(index), "-q").returncode == 0
    kept = [r["id"] for r in _records(tmp_path / "o2" / "corpus.jsonl")]
    assert kept == sorted([made_id("news:1", SEED["003"]), made_id("news:2", SEED["004"]), made_id("news:1", SEED["000"])])
    rejects = [(r["id"], r["reason"]) for r in _records(tmp_path / "o2" / "rejects.jsonl")]
    assert rejects == [(made_id("news:2", SEED["002"]), "already_indexed")]


def test_pipeline_runs_of_texts_without_ids_are_not_taken_for_earlier_ones():
    """`Pipeline.run` numbers each call's documents from 0; with the text's hash in the id, a later
    call's new text at the same position is kept, and a text given again is `already_indexed`."""
    with Pipeline(Config.load()) as pipeline:
        first = pipeline.run([SEED["001"]])
        second = pipeline.run([SEED["002"], SEED["003"]])
        third = pipeline.run([SEED["001"]])
    assert [d.id for d in first.kept] == [made_id(0, SEED["001"])]
    assert [d.id for d in second.kept] == sorted([made_id(0, SEED["002"]), made_id(1, SEED["003"])])
    assert [(r.id, r.reason) for r in third.rejected] == [(made_id(0, SEED["001"]), "already_indexed")]


def test_pipeline_api_prepares_and_runs():
    with Pipeline(Config.load(langs=("fr",))) as pipeline:
        tagged = pipeline.prepare(Document(id="x", text=SEED["002"]))
        assert tagged.lang == "fr" and tagged.lang_score > 0.5
        assert pipeline.prepare({"id": "x", "text": SEED["002"]}) == tagged  # a mapping or a string, as `run` takes them
        assert pipeline.prepare(SEED["002"]).text == tagged.text and pipeline.prepare("  ").reason == "bad_input"
        english = "The council approved the budget on Tuesday after a debate."
        result = pipeline.run([{"id": "a", "text": SEED["001"]}, english])
    assert [d.id for d in result.kept] == ["a"]
    assert [(r.id, r.reason) for r in result.rejected] == [(made_id(1, english), "lang_not_allowed")]


def test_the_default_language_backend_knows_african_languages_fasttext_does_not():
    """`--langs ha,ti` is a config the default backend accepts: it keeps a Hausa and a Tigrinya paragraph
    of MasakhaNEWS and drops an Amharic one (written for this test); fastText alone, which has no Tigrinya, called
    the Tigrinya one Amharic, and calls it Tigrinya by the letters Amharic does not write (`lang.TIGRINYA_LETTERS`)."""
    from test_lang import AFRICAN

    amharic = ("ኢትዮጵያ ውስጥ በኮሮናቫይረስ የተያዙ ሰዎች ቁጥር እየጨመረ መሆኑን የጤና ሚኒስቴር አስታወቀ። ሚኒስቴሩ ዛሬ ባወጣው መግለጫ "
               "በአዲስ አበባ ከተማ ብቻ ከመቶ በላይ አዳዲስ ሰዎች መገኘታቸውን ገልጿል።")
    docs = [{"id": "ha", "text": AFRICAN["ha"]}, {"id": "ti", "text": AFRICAN["ti"]}, {"id": "am", "text": amharic}]
    with Pipeline(Config.load(langs=("ha", "ti"))) as pipeline:
        assert [(c.lang, c.lang_score > 0.9) for c in pipeline.prepare_many(docs, gates=False)] == [
            ("ha", True), ("ti", True), ("am", True)]
        result = pipeline.run(docs)
    assert sorted(d.id for d in result.kept) == ["ha", "ti"]
    assert [(r.id, r.reason) for r in result.rejected] == [("am", "lang_not_allowed")]
    with Pipeline(Config.load(lang_backend="fasttext")) as pipeline:
        assert [pipeline.prepare(doc).lang for doc in docs[1:]] == ["ti", "am"]


def test_prepare_many_gives_each_document_what_prepare_gives_it():
    """A worker prepares its chunk with `prepare_many` (the languages read in one batch): the same
    results, in order, as one `prepare` per document, rejections and gated documents included, each
    document without an id named by its position in the list, as `run` names it (every one was
    `document 0`, so one text given twice was one id, a `repeated_id` where `run` saw an
    `exact_duplicate`)."""
    english = "The council approved the budget on Tuesday after a debate."
    docs = [Document(id="a", text=SEED["001"]), "  ", {"id": "b", "text": english}, SEED["003"],
            {"id": "c", "html": "<html><body><p>" + SEED["002"] + "</p></body></html>"}, {"text": 3}, SEED["003"]]
    config = Config.load(langs=("fr",))
    with Pipeline(config) as pipeline:
        alone = [pipeline.prepare(as_document(doc, n, config)) for n, doc in enumerate(docs)]
        assert pipeline.prepare_many(docs) == alone
        assert [type(out).__name__ for out in alone] == ["Cleaned", "Rejected", "Rejected", "Cleaned", "Cleaned", "Rejected",
                                                         "Cleaned"]
        assert [alone[1].detail, alone[5].detail] == ["document 1: empty document", "document 5: 'text' is int, not a string"]
        assert alone[3].id.startswith("3:") and alone[6].id.startswith("6:")
        assert pipeline.prepare_many(docs, gates=False)[2].lang == "en"
        verdicts = pipeline.deduplicate(pipeline.prepare_many(docs), add=False)
        assert [(r.id, r.reason) for r in verdicts.rejected if r.stage == "dedup"] == [(alone[6].id, "exact_duplicate")]
        assert verdicts == pipeline.run(docs)


def test_clean_output_carries_language(in_process):
    proc = in_process("clean", str(SEEDS / "002_ead7cbacd46e4ee7.txt"), "--out", "-", "-q")
    record = json.loads(proc.stdout)
    assert record["lang"] == "fr" and record["lang_score"] > 0.5 and record["langs"] is None


def test_a_records_own_fields_fill_what_the_rules_did_not_find(tmp_path, in_process):
    """A record's `source`, `title`, `published`, `author`, `section` become the fields when the rules find
    none (a given ISO date and time as its day), and are not repeated in `meta`; a rule's value wins, the
    record's stays in `meta`; a `clean` output read again gives the same fields (it lost `source`, and moved
    the rest to `meta`)."""
    src = tmp_path / "in.jsonl"
    plain = "Le conseil municipal a voté mardi le budget de la ville pour l'an prochain."
    records = [
        {"id": "a", "source": "Le Monde", "title": "Le budget", "published": "2024-01-02T10:00:00+01:00",
         "author": "A. B.", "section": "Ville", "extra": 1, "text": plain},
        {"id": "b", "title": "Un autre titre", "published": "hier", "text": SEED["000"]},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    first = tmp_path / "once.jsonl"
    assert in_process("clean", str(src), "--out", str(first), "-q").returncode == 0
    out = {r["id"]: r for r in map(json.loads, first.read_text(encoding="utf-8").splitlines())}
    fields = ("title", "source", "published", "author", "section")
    assert [out["a"][f] for f in fields] == ["Le budget", "Le Monde", "2024-01-02", "A. B.", "Ville"]
    assert out["a"]["meta"] == {"published": "2024-01-02T10:00:00+01:00", "extra": 1}
    assert [out["b"][f] for f in fields] == ["Entretien : «Je rêve d'un service client par Facebook»", "Finances news",
                                              "2014-12-13", None, None]
    assert out["b"]["meta"] == {"title": "Un autre titre", "published": "hier"}
    again = tmp_path / "twice.jsonl"
    assert in_process("clean", str(first), "--out", str(again), "-q").returncode == 0
    twice = {r["id"]: r for r in map(json.loads, again.read_text(encoding="utf-8").splitlines())}
    assert all([twice[i][f] for f in fields] == [out[i][f] for f in fields] for i in "ab")
    # the record's own date-time stays in `meta` beside the day the field made of it, without a word (the
    # field's day replaced it, with a warning on every record); `b`'s rule-found title and date stay the fields
    assert twice["a"]["meta"]["published"] == "2024-01-02T10:00:00+01:00" and "warnings" not in twice["a"]
    assert twice["b"]["warnings"] == [f"{first}:2: meta: 'published', 'title' given both as a field of the record "
                                      "and in its 'meta', with other values: the field's value kept"]


def test_a_records_own_fields_are_trimmed_and_one_left_empty_is_none(tmp_path, in_process):
    """A record's own `title: "  Mon titre\\n"` and `author: "  Jean Dupont "` became the fields as given (found by a
    QA pass). A given text field's whitespace runs, line breaks included, become one space and its ends go; one
    left empty is no field. The value as given stays in `meta` (the field changed it), and a `clean` output read
    again gives the same fields, without a warning."""
    src, once, twice = tmp_path / "in.jsonl", tmp_path / "once.jsonl", tmp_path / "twice.jsonl"
    plain = "Le conseil municipal a voté mardi le budget de la ville pour l'an prochain."
    records = [{"id": "a", "title": "  Mon titre\n", "author": "  Jean Dupont ", "section": "\tMonde ",
                "source": " Le Monde ", "text": plain},
               {"id": "b", "title": "Le budget\nde la ville  ", "author": " \n ", "text": plain}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    fields = ("title", "source", "author", "section")
    for inp, out in ((src, once), (once, twice)):
        assert in_process("clean", str(inp), "--out", str(out), "-q").returncode == 0
        got = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
        assert [got["a"][f] for f in fields] == ["Mon titre", "Le Monde", "Jean Dupont", "Monde"]
        assert [got["b"][f] for f in fields] == ["Le budget de la ville", None, None, None]
        assert got["a"]["meta"]["title"] == "  Mon titre\n" and got["a"]["meta"]["source"] == " Le Monde "
        assert got["b"]["meta"]["author"] == " \n "
        assert "warnings" not in got["a"] and "warnings" not in got["b"], got


def test_a_text_records_own_extracted_is_no_page_metadata(tmp_path, in_process):
    """A text record's own `extracted` was read as a page's metadata (`html.extract_html` puts it there), unchecked:
    `published: "hier"`, `12345`, `"2021-13-45"`, `section: ["a", "b"]` became the fields, `{"foo": "bar"}` gave
    `source` its URL's host, and its `author` fed `generic.author-signature`, which took the text's last line (a QA
    pass). It is a field of the record as any other: kept in `meta` as given, giving no field."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    plain = "Le procès s'ouvre lundi à Lyon. La défense plaide l'acquittement et conteste les faits reprochés."
    extracted = [{"author": "Jean Dupont", "date": "hier", "title": "Mon titre", "section": ["a", "b"]},
                 {"date": 12345, "section": {"x": 1}, "sitename": None}, {"foo": "bar"}, {"date": "2021-13-45"}]
    records = [{"id": "a", "text": plain + "\nJean Dupont", "extracted": extracted[0]},
               {"id": "b", "text": plain, "extracted": extracted[1]},
               {"id": "c", "text": plain, "url": "https://www.lemonde.fr/a", "extracted": extracted[2]},
               {"id": "d", "text": plain, "meta": {"extracted": extracted[3]}}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert in_process("clean", str(src), "--out", str(out), "-q").returncode == 0
    got = _records(out)
    assert [[r[f] for f in ("title", "source", "published", "author", "section")] for r in got] == [[None] * 5] * 4
    assert [r["meta"]["extracted"] for r in got] == extracted
    assert got[0]["text"].endswith("\nJean Dupont"), got[0]["text"]


def test_a_clean_output_read_again_keeps_a_published_that_gave_no_date_in_meta(tmp_path, in_process):
    """A `published` that reads as no date gives a null field and stays in `meta`; read again, the null field
    beat it and it was lost."""
    src, once, twice = tmp_path / "in.jsonl", tmp_path / "once.jsonl", tmp_path / "twice.jsonl"
    src.write_text('{"id": "a", "published": "pas une date", "text": "Un texte assez long pour rester."}\n',
                   encoding="utf-8")
    for inp, out in ((src, once), (once, twice)):
        assert in_process("clean", str(inp), "--out", str(out), "-q").returncode == 0
        record = json.loads(out.read_text(encoding="utf-8"))
        assert record["published"] is None and record["meta"]["published"] == "pas une date", record
        assert "warnings" not in record, record


def test_an_item_that_is_no_document_is_a_rejection_not_the_whole_batch_lost():
    """None, a number or a list among the documents given to `run` (or `clean`) is a `bad_input`
    rejection naming its position; the rest of the batch goes on (it raised, losing the batch). A batch
    size under 1 is an error (0 gave nothing at all)."""
    from cleaner import clean

    text = "Le conseil municipal a voté le budget de la ville mardi soir."
    with Pipeline(Config.load()) as pipeline:
        result = pipeline.run([{"id": "a", "text": text}, None, 5, [("id", "x"), ("text", text)]])
        with pytest.raises(ValueError, match="batch_size must be at least 1"):
            list(pipeline.stream([text], batch_size=0))
        for odd in (1.5, "3", None, True):  # refused when called, not at the first batch with islice's words (True was 1)
            with pytest.raises(TypeError, match=f"batch_size must be a whole number, got {odd!r}"):
                pipeline.stream([text], batch_size=odd)
    assert [d.id for d in result.kept] == ["a"]
    # by reason and raw record (5, the list, then None, which carries none), not by the position its detail names
    assert [r.detail for r in result.rejected] == [f"document {n}: not a document ({kind}; give a mapping, a string or a Document)"
                                                   for n, kind in ((2, "int"), (3, "list"), (1, "NoneType"))]
    assert [getattr(out, "reason", "kept") for out in clean([None, text])] == ["bad_input", "kept"]
    assert clean(memoryview(text.encode())) == clean(text.encode())  # one document, not one per byte


def test_bytes_are_the_text_of_one_document_decoded_as_a_file_is():
    """`clean(b"...")` cleaned each byte as a document (one rejection per byte); bytes are now a text,
    decoded as a `.txt` file is: invalid UTF-8 replaced and flagged, a UTF-16 byte order mark obeyed."""
    from cleaner import clean

    text = "Publié dans Le Matin le 3 mars 2021\n\nLe conseil municipal a voté le budget de la ville mardi soir."
    out = clean(text.encode("utf-8"))
    assert isinstance(out, Cleaned) and out.record() == clean(text).record()
    assert clean(text.encode("utf-16")).text == out.text
    broken = clean(b"Le conseil a vot\xe9 le budget de la ville mardi soir.")
    assert isinstance(broken, Cleaned) and "\ufffd" in broken.text
    assert broken.warnings == ("document 0: invalid UTF-8 at byte 16, replaced with U+FFFD",)
    with Pipeline(Config.load()) as pipeline:
        assert [d.text for d in pipeline.run([bytearray(text.encode())]).kept] == [out.text]


def test_invisible_characters_neither_pass_min_chars_nor_win_the_keep_policy():
    """A run of zero-width spaces is no text: it passed `min_chars`, and a copy padded with them was kept
    as the longest over the clean one. Since session 45 such a text is an empty document when it is read, as a
    blank one is, in `clean` as in `run` (it was `too_short`, after cleaning)."""
    text = "Le conseil municipal a voté mardi le budget de la ville, après un long débat sur les transports publics."
    padded = text.replace(" ", " \u200b\u200b\u200b")
    with Pipeline(Config.load(min_chars=20)) as pipeline:
        result = pipeline.run([{"id": "zwsp", "text": "\u200b" * 50}, {"id": "a-clean", "text": text},
                               {"id": "b-padded", "text": padded}])
    assert [d.id for d in result.kept] == ["a-clean"]
    reasons = {r.id: (r.reason, r.detail) for r in result.rejected}
    assert reasons["zwsp"] == ("bad_input", "document 0: empty document (50 invisible characters alone)")
    with Pipeline(Config.load()) as pipeline:  # white space between them is not counted among them (a review)
        (spaced,) = pipeline.run([{"id": "z", "text": "\u200b\n\n\n\n\u200b"}]).rejected
    assert spaced.detail == "document 0: empty document (2 invisible characters alone)"
    assert reasons["b-padded"] == ("exact_duplicate", "same normalised clean text as a-clean")


def test_accents_written_as_separate_marks_neither_pass_min_chars_nor_win_the_keep_policy():
    """A copy in decomposed form (NFD: `e` + U+0301 for `é`) was longer by a character an accent, so it was
    kept as the longest over the composed one, and a short text passed `min_chars` on its marks."""
    text = "Élément précédé d’éléments élevés : les élèves étaient décidés à étudier après l’été."
    nfd = unicodedata.normalize("NFD", text)
    assert len(nfd) > len(text) + 15
    with Pipeline(Config.load(min_chars=len(text) + 1)) as pipeline:
        assert [(r.id, r.reason, r.detail) for r in pipeline.run([{"id": "nfd", "text": nfd}]).rejected] == [
            ("nfd", "too_short", f"{len(text)} characters of clean text, under min_chars={len(text) + 1} "
                                 "(accents counted with their letters)")]
    with Pipeline(Config.load()) as pipeline:
        result = pipeline.run([{"id": "b-nfd", "text": nfd}, {"id": "a-nfc", "text": text}])
    assert [d.id for d in result.kept] == ["a-nfc"] and result.kept[0].text == text
    assert [(r.id, r.reason) for r in result.rejected] == [("b-nfd", "exact_duplicate")]


EVERYTHING = """rules:
  - id: mine.everything
    kind: regex
    description: removes everything
    scope: span
    flags: [dotall]
    pattern: '.+'
    examples: {remove: ["aaaa"], keep: ["Le texte normal."]}
"""


def test_a_document_the_rules_empty_is_too_short_naming_the_rule_in_clean_and_run(tmp_path, in_process):
    """A pack that removes everything (`.+` dotall): `cleaner run` rejected the text `too_short`, "0 characters of clean
    text, under min_chars=1", naming no rule, and `cleaner clean` kept it, "text": "", without a word (a QA pass).
    The detail names the rules that removed the text, as the API's and the service's do (the gate is theirs); `clean`
    keeps the record, and its `warnings` say which rules emptied it."""
    (tmp_path / "mine.yaml").write_text(EVERYTHING, encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": "Le conseil municipal a voté mardi le budget."}) + "\n", encoding="utf-8")
    rules = ("--rules", str(tmp_path / "mine.yaml"))
    run = in_process("run", str(src), "--out", str(tmp_path / "r"), *rules, "-q")
    assert run.returncode == 0, run.stderr
    (reject,) = [json.loads(line) for line in (tmp_path / "r" / "rejects.jsonl").open()]
    assert (reject["reason"], reject["detail"]) == (
        "too_short", "0 characters of clean text, under min_chars=1; rule mine.everything removed 44 of 44 characters")
    clean = in_process("clean", str(src), "--out", str(tmp_path / "c.jsonl"), *rules)
    (record,) = [json.loads(line) for line in (tmp_path / "c.jsonl").open()]
    assert record["text"] == "" and record["warnings"] == [
        "the rules left no text: rule mine.everything removed 44 of 44 characters"]
    assert "1 document carries warnings" in clean.stderr


def test_a_too_short_detail_names_the_rules_that_removed_most_of_the_text():
    """Of several rules, the two that removed most are named with what each removed; none when no rule removed any."""
    text = ("Partager sur Facebook\nLe conseil a voté.\nPartager sur Twitter\n"
            "Inscrivez-vous à notre newsletter pour recevoir nos articles.\nLire aussi : le budget")
    with Pipeline(Config.load(min_chars=40)) as pipeline:
        (short,) = pipeline.run([{"id": "s", "text": text, "lang": "fr"}]).rejected
        (bare,) = pipeline.run([{"id": "b", "text": "Le conseil a voté."}]).rejected
    assert short.detail == ("18 characters of clean text, under min_chars=40; rules fr.newsletter-call (62), "
                            "fr.share-bar (43) and 1 more removed 128 of 146 characters")
    assert bare.detail == "18 characters of clean text, under min_chars=40"


def test_spaces_doubled_neither_pass_min_chars_nor_win_the_keep_policy():
    """A copy with every space tripled (a scrape's padding) was longer, so it was kept over the clean text (found by
    a QA pass); a run of spaces inside a line counts as one, as a blank line between paragraphs is one line."""
    text = "Le conseil municipal a voté mardi le budget de la ville, après un long débat sur les transports publics."
    padded = text.replace(" ", "   ").replace("budget", "budget\t\u00a0")
    with Pipeline(Config.load(min_chars=len(text) + 1)) as pipeline:
        assert [(r.id, r.detail) for r in pipeline.run([{"id": "padded", "text": padded}]).rejected] == [
            ("padded", f"{len(text)} characters of clean text, under min_chars={len(text) + 1} (runs of spaces counted as one)")]
    with Pipeline(Config.load()) as pipeline:
        result = pipeline.run([{"id": "b-padded", "text": padded}, {"id": "a-clean", "text": text}])
    assert [d.id for d in result.kept] == ["a-clean"], [(r.id, r.reason, r.detail) for r in result.rejected]


def test_texts_without_an_id_posted_one_at_a_time_do_not_share_one(tmp_path):
    """A document without an id is named `<position>:<hash of its text>`; the hash had 4 bytes, so among 100,000
    texts posted one at a time (each `0:<hash>`) two shared an id with a two-in-three chance, and the second was
    answered `already_indexed` (found by a QA pass). These two texts have the same 4-byte BLAKE2b hash."""
    words = [f"mot{k}" for k in range(2000)]

    def text(seed: int) -> str:
        rng = random.Random(seed)
        return " ".join(rng.choice(words) for _ in range(30)) + "."

    a, b = text(98366), text(174003)
    assert hashlib.blake2b(a.encode(), digest_size=4).digest() == hashlib.blake2b(b.encode(), digest_size=4).digest()
    with Pipeline(Config.load(), index=tmp_path / "ix.sqlite") as pipeline:
        first, second = pipeline.run([{"text": a}]), pipeline.run([{"text": b}])
    assert [d.text for d in first.kept] == [a] and [d.text for d in second.kept] == [b], second.rejected
    assert first.kept[0].id != second.kept[0].id


def test_a_pipeline_runs_from_any_thread_one_batch_at_a_time(tmp_path):
    """A `Pipeline` made in one thread runs in others (its SQLite connection refused them), and threads
    sharing it keep each text once: 40 batches, each text posted twice, from 4 threads."""
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(5)
    words = [f"mot{k}" for k in range(400)]
    texts = [" ".join(rng.choice(words) for _ in range(60)) for _ in range(20)]
    with Pipeline(Config.load(), index=tmp_path / "ix.sqlite") as pipeline:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda i: pipeline.run([{"id": f"d{i}", "text": texts[i % 20]}]), range(40)))
        kept = sorted(d.text for r in results for d in r.kept)
        assert kept == sorted(texts) and len(pipeline.dedup.index) == 20
        assert sorted(r.reason for res in results for r in res.rejected) == ["exact_duplicate"] * 20


def test_pipeline_streams_in_batches(tmp_path):
    """Results come out batch by batch; a copy in a later batch is a duplicate of the earlier original. A
    batch is in the index file (as another connection sees it) once it has been taken."""
    copy = _swap_ticker(SEED["000"], SEED["004"])
    docs = [SEED["000"], SEED["001"], "The council approved the budget on Tuesday after a debate.", copy]
    index = tmp_path / "ix.sqlite"

    def indexed() -> int:
        with closing(sqlite3.connect(index)) as other:
            return other.execute("SELECT count(*) FROM docs").fetchone()[0]

    with Pipeline(Config.load(), index=index) as pipeline:
        stream = pipeline.stream(iter(docs), batch_size=2)
        first = [next(stream)]
        assert indexed() == 0  # half taken
        first.append(next(stream))
        ids = [made_id(n, text) for n, text in enumerate(docs)]
        assert [r.id for r in first] == ids[:2] and indexed() == 2  # the first batch, taken whole (at its last result)
        third = next(stream)
        assert third.id == ids[2] and indexed() == 2
        rest = [third, *stream]
        assert indexed() == 3
    assert [(r.id, getattr(r, "reason", "kept")) for r in rest] == [(ids[2], "kept"), (ids[3], "exact_duplicate")]
    assert rest[1].dup_of == ids[0]


def test_pipeline_stream_yields_in_input_order():
    """A pre-step zips its inputs with the results: they come out in input order, copies of one id told
    apart by position, as `in_order` gives them (they came out sorted by id, found by a QA pass)."""
    docs = [{"id": "c", "text": SEED["002"]}, {"id": "a", "text": SEED["000"]}, {"id": "c", "text": SEED["002"] + " Fin."},
            {"id": "b", "text": SEED["001"]}]
    with Pipeline(Config.load()) as pipeline:
        streamed = [(out.id, getattr(out, "reason", "kept")) for out in pipeline.stream(docs, batch_size=10)]
    with Pipeline(Config.load()) as pipeline:
        ran = [(out.id, getattr(out, "reason", "kept")) for out in pipeline.run(docs).in_order]
    assert streamed == ran == [("c", "repeated_id"), ("a", "kept"), ("c", "kept"), ("b", "kept")]


@pytest.mark.parametrize("stop", ["break", "close the pipeline"])
def test_pipeline_stream_stopped_in_a_batch_loses_nothing(tmp_path, stop):
    """A consumer that stops in the middle of a batch has what it took indexed, and gets the rest again
    from a later stream over the same index (not `already_indexed`: they were never delivered)."""
    docs = [{"id": f"d{k}", "text": SEED[f"00{k}"]} for k in range(5)]
    index = tmp_path / "ix.sqlite"
    with Pipeline(Config.load(), index=index) as pipeline:
        taken = []
        stream = pipeline.stream(docs, batch_size=5)
        for out in stream:
            taken.append(out.id)
            if len(taken) == 2:
                break
        if stop == "break":
            stream.close()  # what dropping the last reference does
            assert len(pipeline.dedup.index) == 2
    assert taken == ["d0", "d1"]
    left = _bands_by_id(index)  # the band rows of the two it gave, none of the others'
    alone = tmp_path / "alone.sqlite"
    with Pipeline(Config.load(), index=alone) as pipeline:
        pipeline.run(docs[:2])
    assert left == _bands_by_id(alone)
    with Pipeline(Config.load(), index=index) as pipeline:
        again = [(out.id, getattr(out, "reason", "kept")) for out in pipeline.stream(docs, batch_size=5)]
        assert len(pipeline.dedup.index) == 5
    assert again == [("d0", "already_indexed"), ("d1", "already_indexed"), ("d2", "kept"), ("d3", "kept"), ("d4", "kept")]


def _bands_by_id(index) -> set[tuple[str, int]]:
    with closing(sqlite3.connect(index)) as db:
        return set(db.execute("SELECT docs.id, bands.key FROM bands JOIN docs ON docs.doc = bands.doc"))


def test_a_stream_batch_holds_the_index_while_it_is_taken(tmp_path):
    """Two streams, a stream and a run, or threads on one pipeline never keep one text twice: a batch is
    decided and added under the index's lock, held until it has been taken (a QA pass found the same text
    kept by both, and an id kept twice, when batches were added only once taken)."""
    text = SEED["000"]
    with Pipeline(Config.load(), index=tmp_path / "ix.sqlite") as pipeline:
        one, two = pipeline.stream([{"id": "a", "text": text}]), pipeline.stream([{"id": "b", "text": text}])
        assert next(one).id == "a"
        b = next(two)
        assert (b.id, b.reason, b.dup_of) == ("b", "exact_duplicate", "a")
        three = pipeline.stream([{"id": "c", "text": SEED["001"]}])
        assert next(three).id == "c"
        ran = pipeline.run([{"id": "c", "text": SEED["001"]}, {"id": "d", "text": SEED["001"]}]).in_order
        assert [(r.id, r.reason) for r in ran] == [("c", "already_indexed"), ("d", "exact_duplicate")]
        assert [list(s) for s in (one, two, three)] == [[], [], []]
        assert len(pipeline.dedup.index) == 2

    words = sorted(set(" ".join(SEED.values()).split()))
    docs = [{"id": f"{k}", "text": " ".join(random.Random(k).choices(words, k=80))} for k in range(40)]  # 40 unalike texts
    kept: dict[str, list[str]] = {"A": [], "B": []}
    with Pipeline(Config.load(), index=tmp_path / "threads.sqlite") as pipeline:
        def take(name: str, prefix: str) -> None:
            for out in pipeline.stream([{**d, "id": prefix + d["id"]} for d in docs], batch_size=4):
                if isinstance(out, Cleaned):
                    kept[name].append(out.text)

        threads = [threading.Thread(target=take, args=(name, name)) for name in kept]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(pipeline.dedup.index) == len(kept["A"]) + len(kept["B"])
    assert not set(kept["A"]) & set(kept["B"]) and len(kept["A"]) + len(kept["B"]) == 40


def test_a_batch_on_the_thread_of_a_half_taken_stream_is_refused_and_loses_nothing(tmp_path):
    """On the thread whose stream holds the index, its batch half taken (a consumer loop that raised in a notebook
    cell), a `run`, `index_kept` or another stream cannot wait for it: they decided inside its transaction, so a text
    the stream had not delivered rejected its copy as a duplicate and then left the index with the stream (found by a
    QA pass). They are a `RuntimeError` naming the stream; closed, it frees the index and the run decides as new."""
    a, b = {"id": "a", "text": SEED["000"]}, {"id": "b", "text": SEED["001"]}
    copy = {"id": "a-copy", "text": SEED["000"]}
    with Pipeline(Config.load(), index=tmp_path / "ix.sqlite") as pipeline:
        stream = pipeline.stream([b, a], batch_size=10)
        assert next(stream).id == "b"
        refused = r"stream of this pipeline holds the index on this thread, its batch of documents 0 to 1 half taken"
        with pytest.raises(RuntimeError, match=refused + r" \(1 results left\): close it"):
            pipeline.run([copy])
        with pytest.raises(RuntimeError, match=refused):
            pipeline.index_kept(pipeline.deduplicate(pipeline.prepare_many([copy]), add=False).in_order)
        later = iter([copy])
        with pytest.raises(RuntimeError, match=refused):
            next(pipeline.stream(later))
        assert next(later) == copy  # not read from its input: given again, it is answered
        assert next(stream).id == "a"  # the stream goes on, and taken to its last result it frees the index
        rejected = pipeline.run([copy]).rejected
        assert [(r.id, r.reason, r.dup_of) for r in rejected] == [("a-copy", "exact_duplicate", "a")]
        stream.close()
        assert pipeline.dedup.index.contains("a") and pipeline.dedup.index.contains("b")

        stream = pipeline.stream([{"id": "c", "text": SEED["002"]}, {"id": "d", "text": SEED["003"]}])
        next(stream)
        stream.close()  # closed, it takes its untaken document out: the run keeps d
        assert [r.id for r in pipeline.run([{"id": "d", "text": SEED["003"]}]).kept] == ["d"]


def test_a_stream_refused_its_next_batch_is_answered_once_the_index_is_free(tmp_path):
    """A stream refused a batch (another stream of the pipeline half taken on this thread) ended there for good,
    though the message asked to close the other first: read again, it gave nothing and no error, its whole input
    unanswered (found by a review of session 46). Its first batch and a later one alike: refused, it has read nothing
    from its input, and answers all of it once the other is closed; so does a stream of a closed pipeline, each read."""
    docs = [{"id": f"d{n}", "text": SEED[f"00{n}"]} for n in range(4)]
    with Pipeline(Config.load(), index=tmp_path / "ix.sqlite") as pipeline:
        first = pipeline.stream(docs[:2], batch_size=1)
        assert next(first).id == "d0"  # its batch taken to its end: its next is due
        half = pipeline.stream(docs[2:], batch_size=10)
        assert next(half).id == "d2"
        later = pipeline.stream([{"id": "e", "text": SEED["004"]}])
        for refused in (first, later, first, later):
            with pytest.raises(RuntimeError, match=r"its batch of documents 0 to 1 half taken \(1 results left\)"):
                next(refused)
        half.close()
        assert [out.id for out in first] == ["d1"] and [out.id for out in later] == ["e"]
        unread = pipeline.stream([{"id": "f", "text": "Un texte de plus."}])
    for _ in range(2):
        with pytest.raises(RuntimeError, match=r"^the dedup index was closed"):
            next(unread)


def test_a_process_killed_while_a_stream_batch_is_taken_has_indexed_none_of_it(tmp_path):
    index = tmp_path / "ix.sqlite"
    script = ("import os, sys; from cleaner import Pipeline; from conftest import SEEDS\n"
              f"p = Pipeline(index={str(index)!r})\n"
              "texts = [f.read_text(encoding='utf-8') for f in sorted(SEEDS.glob('*.txt'))]\n"
              "s = p.stream([{'id': f'd{k}', 'text': t} for k, t in enumerate(texts)], batch_size=10)\n"
              "next(s); next(s); sys.stdout.flush(); os._exit(9)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    with closing(sqlite3.connect(index)) as db:
        assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 0


@pytest.mark.parametrize("then", [  # each prints the ids the index must hold: those of the batches that ended
    "a = p.stream(docs[:2], batch_size=2); print(next(a).id, next(a).id, *(d.id for d in p.run(docs[2:]).kept))",
    "a, b = p.stream(docs[:1]), p.stream(docs[1:], batch_size=4); print(next(a).id); next(b); a.close()"])
def test_a_batch_after_a_stream_batch_taken_to_its_end_is_a_transaction_of_its_own(tmp_path, then):
    """The stream's hold and one taken after its last result on the same thread shared one SQLite transaction
    (found by a QA pass): a `run` after it, though it returned, was undone by the kill, and closing one stream
    committed the other's half-taken batch, documents never delivered. A batch is settled before its last result."""
    index = tmp_path / "ix.sqlite"
    script = ("import os, sys; from cleaner import Pipeline; from conftest import SEEDS\n"
              f"p = Pipeline(index={str(index)!r})\n"
              "texts = [f.read_text(encoding='utf-8') for f in sorted(SEEDS.glob('*.txt'))]\n"
              "docs = [{'id': f'd{k}', 'text': t} for k, t in enumerate(texts)]\n"
              f"{then}\nsys.stdout.flush(); os._exit(9)\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent, capture_output=True, text=True)
    assert proc.returncode == 9, proc.stderr
    with closing(sqlite3.connect(index)) as db:
        ids = {doc_id for (doc_id,) in db.execute("SELECT id FROM docs")}
    assert ids == set(proc.stdout.split()) and len(ids) in (1, len(SEED))


def test_pipeline_stream_indexes_as_run_does(tmp_path):
    """Taken to its end, a stream leaves the index `run` leaves: the same documents, numbered in the same order."""
    docs = [{"id": f"d{k}", "text": text} for k, text in enumerate([*SEED.values(), _swap_ticker(SEED["000"], SEED["004"])])]
    tables = []
    for how in ("run", "stream"):
        with Pipeline(Config.load(), index=tmp_path / f"{how}.sqlite") as pipeline:
            if how == "run":
                pipeline.run(docs)
            else:
                list(pipeline.stream(docs, batch_size=len(docs)))
            tables.append(pipeline.dedup.index.connection.execute("SELECT doc, id, length, exact, sig FROM docs ORDER BY doc").fetchall())
    assert len(tables[0]) == 5 and tables[0] == tables[1]


def test_pipeline_stream_signs_each_document_once(monkeypatch):
    """Indexing what was taken reuses the signatures the batch was decided with."""
    from cleaner.dedup.signature import Signer

    signed = []
    sign = Signer.sign
    monkeypatch.setattr(Signer, "sign", lambda self, text: (signed.append(text), sign(self, text))[1])
    docs = [{"id": f"d{k}", "text": text} for k, text in enumerate(SEED.values())]
    with Pipeline(Config.load()) as pipeline:
        kept = [out for out in pipeline.stream(docs, batch_size=3) if isinstance(out, Cleaned)]
        assert len(kept) == 5 and len(pipeline.dedup.index) == 5
    assert len(signed) == 5


def test_a_pipeline_says_once_that_it_does_not_learn_boilerplate():
    """`Pipeline.run` took a config with `learn_boilerplate = true` and cleaned with the packs alone, without a
    word (`cleaner serve` says so at its start): run, stream and deduplicate warn, once per pipeline, naming
    the key and `cleaner run`. A config without it, and the per-document stages, say nothing."""
    import warnings

    docs = [{"id": f"d{k}", "text": text} for k, text in enumerate(SEED.values())]
    for use in (lambda p: p.run(docs), lambda p: list(p.stream(docs, batch_size=2)),
                lambda p: p.deduplicate(p.prepare_many(docs))):
        with Pipeline(Config.load(learn_boilerplate=True)) as pipeline, warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            pipeline.prepare_many(docs)
            assert said == []
            use(pipeline)
            use(pipeline)
        assert [str(w.message) for w in said] == [(
            "learn_boilerplate is for `cleaner run`, which learns each source's boilerplate from the whole corpus; "
            "clean(), Pipeline.run, stream and deduplicate clean each document with the rule packs alone")]
        assert said[0].category is CleanerWarning and said[0].filename == __file__  # the caller's line, not cleaner's
    with Pipeline(Config.load()) as pipeline, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        pipeline.run(docs)
        list(pipeline.stream(docs))
    assert said == []


def test_clean_says_once_that_it_does_not_learn_boilerplate():
    """`clean()` with `learn_boilerplate` said nothing, where `cleaner clean` warns at its start and a `Pipeline`'s run
    and stream warn (a QA pass): it warns as they do, once per config (whose pipeline it keeps), at the caller's
    line."""
    import warnings

    from cleaner import api, clean

    api._pipeline.cache_clear()  # a pipeline another test made for an equal config has said it already
    config = Config.load(learn_boilerplate=True)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        clean(SEED["000"], Config.load())
        clean(SEED["000"], config)
        list(clean([SEED["000"]], config))
    assert [(str(w.message), w.category, w.filename) for w in said] == [(
        "learn_boilerplate is for `cleaner run`, which learns each source's boilerplate from the whole corpus; "
        "clean(), Pipeline.run, stream and deduplicate clean each document with the rule packs alone",
        CleanerWarning, __file__)]
