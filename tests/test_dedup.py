"""Dedup: exact and near duplicates, verification, keep policy, order independence, the SQLite index."""

from __future__ import annotations

import gzip
import json
import random
import re
import tracemalloc
import unicodedata
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import regex
from conftest import damaged_index, footer_articles
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup import (
    DedupIndex,
    Deduplicator,
    DedupParams,
    IndexMismatchError,
    Item,
    Signed,
    Signer,
    dedup_batch,
    estimate_jaccard,
    exact_hash,
    jaccard,
    normalise,
    shingles,
)
from cleaner.dedup.cluster import _buckets, sign_items, sure_above
from cleaner.dedup.shingle import tokens, words
from cleaner.dedup.signature import KNOWN_BANDS, band_keys, band_keys_matrix
from cleaner.text import INVISIBLE, SPACELESS, SPACELESS_BLOCKS

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "masakhanews.jsonl.gz"
SENT = re.compile(r"(?<=[.!?])\s+")
FOOTER = ("Suivez-nous sur Facebook, Twitter et Instagram pour ne rien manquer de l'actualité. "
          "Abonnez-vous à notre newsletter. Tous droits réservés. Reproduction interdite sans autorisation.")


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    """80 real French and English articles of 1,500 to 5,000 characters."""
    assert CORPUS.exists(), f"{CORPUS} not found: the tests read ../shared beside the checkout"
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["lang"] in ("fra", "eng") and 1500 <= len(r["text"]) <= 5000:
                out.append(r)
                if len(out) == 80:
                    break
    return out


def near_copy(text: str) -> str:
    """A syndicated copy: one sentence dropped, punctuation and spacing changed, a footer added."""
    sents = SENT.split(text)
    del sents[len(sents) // 2]
    return "  ".join(sents).replace(", ", " , ") + "\n\n" + FOOTER


def test_normal_form_folds_case_unicode_punctuation_whitespace():
    assert normalise("  L’ÉTÉ,\u00a0à   Paris !\n") == normalise("l'été à paris") == "l été à paris"
    assert normalise("ＡＢＣ") == "abc"  # NFKC
    assert normalise("gouver\u00adnement\u200bd\u2019État \u200d") == normalise("gouvernement d'État")  # invisible format
    assert shingles("a b c d", 3) == {"a b c", "b c d"}
    assert shingles("a b", 3) == {"a b"} and shingles("...", 3) == set()


def _normal_form(text: str) -> str:
    """The normal form as `shingle`'s docstring defines it, step by step, for every text alike."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold().replace("\u200b", " "))
    return " ".join(regex.sub(r"\p{P}", " ", text).split())


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=40)
       | st.text(st.sampled_from([*map(chr, range(128)), "É", "ﬁ", "Ａ", "\u00a0", "\u200b", "\u00ad", "’", "«", "ſ",
                                  "İ", "\u2028", "\u0301"]), max_size=40))
def test_the_normal_form_of_any_text_is_the_one_its_steps_give(text):
    """ASCII texts take a path of their own (one byte table); any text, ASCII or not, has the normal form the steps
    give: every ASCII punctuation mark and whitespace character a space, capitals small, the spaces folded."""
    assert normalise(text) == _normal_form(text)
    assert normalise(text + " " + text.upper()) == _normal_form(text + " " + text.upper())


SCRIPTS = Path(__file__).resolve().parents[1] / "fixtures" / "scripts"


def test_letters_of_scripts_without_spaces_are_words():
    assert tokens("Python の開発は、1990 年ごろから") == ["python", "の", "開", "発", "は", "1990", "年", "ご", "ろ", "か", "ら"]
    assert tokens("รัฐบาลไทย ๒๕๖๙") == ["รั", "ฐ", "บ", "า", "ล", "ไ", "ท", "ย", "๒๕๖๙"]  # marks stay with their letter
    assert tokens("ｶﾀｶﾅ テスト") == ["カ", "タ", "カ", "ナ", "テ", "ス", "ト"]  # NFKC first: half-width kana
    assert tokens("서울 시청에서 회의가") == ["서울", "시청에서", "회의가"]  # Korean puts spaces between words
    normal = normalise("L'été à Paris, 20 °C")
    assert words(normal) is normal  # no such letter: the text itself, not a copy
    assert shingles("中国经济", 3) == {"中 国 经", "国 经 济"}


def test_the_blocks_looked_for_hold_every_letter_set_apart():
    """`words` and `text.word_count` look for `SPACELESS` letters only where `SPACELESS_BLOCKS` finds one: a letter
    outside those blocks would stay inside its run of letters. Every code point, and its normal form, is checked
    (half-width katakana, `ｶﾀｶﾅ`, were outside them in raw text: `word_count` took such a line for one word)."""
    outside = [hex(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000
               for m in (*SPACELESS.finditer(normalise(chr(cp))), *SPACELESS.finditer(chr(cp)))
               if not SPACELESS_BLOCKS.match(m[0])]
    assert outside == []


@pytest.mark.parametrize("lang", ["zh", "ja", "th"])
def test_a_near_copy_in_a_script_without_spaces_is_found(lang):
    """With what spaces and punctuation separate as words (v1), a Chinese or Japanese word was a clause
    and a Thai one a phrase: a copy with a few letters changed in half of its sentences (a name, a figure)
    shared few shingles with its original. Letters as words make it a near-copy; an article of other
    sentences stays apart."""
    sents = (SCRIPTS / f"{lang}.txt").read_text(encoding="utf-8").split("\n")[:-1]
    sep = " " if lang == "th" else ""
    original = sents[0] + "\n" + sep.join(sents[1:12])
    edited = list(sents[:12])
    for i in range(1, 7):  # three letters changed in each of six sentences
        edited[i] = edited[i][:5] + sents[i + 20][:3] + edited[i][8:]
    copy = edited[0] + "\n" + sep.join(edited[1:]) + "\n" + sents[40]  # and a line added
    other = sents[60] + "\n" + sep.join(sents[61:72])
    clauses = [normalise(t).split() for t in (original, copy)]  # v1's words
    assert jaccard(*({" ".join(w[i:i + 3]) for i in range(len(w) - 2)} for w in clauses)) < 0.5  # the case v1 missed
    assert jaccard(shingles(original), shingles(copy)) >= 0.6
    res = dedup_batch([("o", original), ("c", copy), ("x", other)], DedupIndex(":memory:")).by_id()
    assert res["o"].status == "duplicate" and res["o"].dup_of == "c" and res["o"].similarity >= 0.5  # c is longer
    assert res["c"].kept and res["x"].kept and res["x"].dup_of is None


def test_exact_duplicates_keep_the_longest(articles):
    text = articles[0]["text"]
    variants = [("x1", text), ("x2", text.upper()), ("x3", text.replace(".", " ."))]
    res = dedup_batch(variants, DedupIndex(":memory:")).by_id()
    assert res["x3"].status == "kept"  # longest clean text
    for i in ("x1", "x2"):
        assert res[i].status == "exact_duplicate" and res[i].dup_of == "x3" and res[i].similarity == 1.0



def test_texts_without_a_letter_or_digit_are_copies_of_their_own_text_alone():
    """Their normal form is empty, and all were exact duplicates of each other: "???" of "!!!", "(...)" of "«»"
    (QA pass). They are hashed by their own text; the same text twice is still one."""
    index = DedupIndex(":memory:")
    res = dedup_batch([("p1", "!!!"), ("p2", "???"), ("p3", "«»"), ("p4", "(...)"), ("p5", "!!!")], index).by_id()
    assert {k: (d.status, d.dup_of) for k, d in res.items()} == {
        "p1": ("kept", None), "p2": ("kept", None), "p3": ("kept", None), "p4": ("kept", None),
        "p5": ("exact_duplicate", "p1")}
    assert exact_hash("???") != exact_hash("!!!") == exact_hash("!!! ") != exact_hash("")
    later = dedup_batch([("q1", "???"), ("q2", "--")], index).by_id()  # across batches, through the index
    assert (later["q1"].status, later["q1"].dup_of, later["q2"].status) == ("exact_duplicate", "p2", "kept")

def test_near_duplicates_found_and_verified(articles):
    params = DedupParams()
    items = [(a["id"], a["text"]) for a in articles[:20]]
    items += [(a["id"] + "-copy", near_copy(a["text"])) for a in articles[:10]]
    res = dedup_batch(items, DedupIndex(":memory:", params))
    by_id = res.by_id()
    for a in articles[:10]:
        pair = {by_id[a["id"]], by_id[a["id"] + "-copy"]}
        kept = [d for d in pair if d.kept]
        dup = [d for d in pair if d.status == "duplicate"]
        assert len(kept) == 1 and len(dup) == 1, pair
        assert dup[0].dup_of == kept[0].id and dup[0].similarity >= params.threshold
        # the verdict holds on the exact Jaccard of the shingles too
        assert jaccard(shingles(a["text"], params.shingle_size), shingles(near_copy(a["text"]), params.shingle_size)) >= params.threshold
    assert all(by_id[a["id"]].kept for a in articles[10:20])
    assert res.counts == {"duplicate": 10, "kept": 20}
    assert len(res.clusters) == 10 and all(len(c.members) == 2 for c in res.clusters)


def test_different_articles_sharing_boilerplate_are_not_duplicates(articles):
    # short articles under the same long ticker and footer: the shared part is a large share of each
    ticker = " | ".join(a["text"].split("\n", 1)[0][:70] for a in articles[40:48])
    shorts = [a for a in articles if len(a["text"]) < 2500][:6]
    items = [(a["id"], ticker + "\n" + a["text"][:1200] + "\n\n" + FOOTER) for a in shorts]
    res = dedup_batch(items, DedupIndex(":memory:"))
    assert res.counts == {"kept": len(shorts)}, res.decisions


def test_candidates_are_verified_not_trusted():
    # a tiny index with 1 band of 1 row makes any shared minimum a candidate; verification must refuse
    params = DedupParams(num_perm=16, threshold=0.9, bands=16, rows=1)
    a = "the quick brown fox jumps over the lazy dog near the river bank today"
    b = "the quick brown fox sleeps under the old oak tree far from town tomorrow"
    res = dedup_batch([("a", a), ("b", b)], DedupIndex(":memory:", params))
    assert res.counts == {"kept": 2}


def test_output_does_not_depend_on_input_order(articles):
    items = [Item(a["id"], a["text"], published=f"2021-0{1 + i % 9}-1{i % 10}" if i % 3 else None)
             for i, a in enumerate(articles[:40])]
    items += [Item(a["id"] + "-c1", near_copy(a["text"])) for a in articles[:15]]
    items += [Item(a["id"] + "-c2", a["text"].lower()) for a in articles[5:12]]
    items += [Item("same-length-a", articles[50]["text"], published="2020-01-01"),
              Item("same-length-b", articles[50]["text"], published="2019-01-01")]
    outputs = set()
    for seed in range(4):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        outputs.add(dedup_batch(shuffled, DedupIndex(":memory:")).to_json())
    assert len(outputs) == 1
    by_id = json.loads(outputs.pop())
    by_id = {d["id"]: d for d in by_id["decisions"]}
    assert by_id["same-length-b"]["status"] == "kept"  # same length: earliest published wins
    assert by_id["same-length-a"]["dup_of"] == "same-length-b"


def test_copies_of_an_id_that_tie_on_the_keep_policy_are_ordered_by_their_tiebreak():
    """Two copies of one id with the same length, date and normal form: the one with the smaller
    `tiebreak` (by default its text) is kept, in either order; a given tiebreak overrides the text."""
    texts = ["the mayor opened the new bridge on Monday morning", "The Mayor opened the new bridge on Monday morning"]
    for tiebreak in (None, [b"1", b"2"]):
        kept = set()
        for order in ((0, 1), (1, 0)):
            items = [Item("twin", texts[k], tiebreak=tiebreak[k] if tiebreak else b"") for k in order]
            result = dedup_batch(items, DedupIndex(":memory:"))
            assert sorted(d.status for d in result.decisions) == ["kept", "repeated_id"]
            (pos,) = [p for p, d in zip(result.positions, result.decisions) if d.kept]
            kept.add(items[pos].text)
        assert kept == {texts[1] if tiebreak is None else texts[0]}  # b"T" < b"t"; b"1" < b"2"


def test_a_batch_given_as_columns_is_decided_as_its_items(articles, tmp_path):
    """A run hands dedup its documents as columns (`Signed`: one signature matrix, no object per
    document); the verdicts, clusters and index are those of the same documents given as items."""
    signer = Signer(DedupParams())
    texts = [a["text"] for a in articles[:40]] + [near_copy(a["text"]) for a in articles[:15]]
    texts += [a["text"].lower() for a in articles[5:12]] + ["", "…", articles[3]["text"]]
    ids = [f"d{k:03d}" for k in range(len(texts))][::-1]
    published = [None if k % 3 else f"2021-0{1 + k % 9}-11" for k in range(len(texts))]
    items = [Item(i, t, published=p) for i, t, p in zip(ids, texts, published)]
    columns = _columns(signer, ids, texts, published)
    sigs = columns.signatures
    with DedupIndex(tmp_path / "items.sqlite") as a, DedupIndex(tmp_path / "columns.sqlite") as b:
        from_items, from_columns = dedup_batch(items, a), dedup_batch(columns, b)
        rows = [ix.connection.execute("SELECT d.id, d.exact, d.sig, b.key FROM docs d JOIN bands b USING (doc)"
                                      " ORDER BY d.id, b.key").fetchall() for ix in (a, b)]
    assert from_columns.to_json() == from_items.to_json()
    assert from_columns.positions == from_items.positions
    assert from_items.counts["duplicate"] and from_items.counts["exact_duplicate"]
    assert rows[0] == rows[1] and rows[0]
    with pytest.raises(ValueError, match="the index uses 128"):
        dedup_batch(Signed(ids, columns.lengths, published, columns.exact, sigs[:, :64], columns.has_sig),
                    DedupIndex(":memory:"))


def _columns(signer: Signer, ids: list[str], texts: list[str], published: list[str | None]) -> Signed:
    """The texts signed, as columns (`Signed`)."""
    signed = [signer.sign(t) for t in texts]
    sigs = np.zeros((len(texts), signer.params.num_perm), dtype=np.uint32)
    for k, (_, sig) in enumerate(signed):
        if sig is not None:
            sigs[k] = sig
    return Signed(ids, [len(t) for t in texts], published, [e for e, _ in signed], sigs,
                  np.array([sig is not None for _, sig in signed]))


def test_a_batch_that_loads_its_signatures_reads_only_those_it_compares(articles, tmp_path):
    """A run's batch comes with its band keys and reads signatures on demand (`Signed.load`): dedup
    reads those of candidate pairs, exact groups and index hits only, and decides as with all of them
    held: near and exact copies of indexed documents, of each other, an empty text, unique texts."""
    params = DedupParams()
    signer = Signer(params)
    with DedupIndex(tmp_path / "index.sqlite", params) as index:
        dedup_batch([Item(f"old{k}", a["text"]) for k, a in enumerate(articles[:20])], index)
        texts = ([near_copy(a["text"]) for a in articles[:6]] + [articles[6]["text"]]  # copies of indexed ones
                 + [a["text"] for a in articles[20:60]] + [near_copy(a["text"]) for a in articles[20:26]]
                 + [articles[30]["text"].upper(), articles[31]["text"], "", "…"])
        ids = [f"n{k:03d}" for k in range(len(texts))][::-1]
        published = [None if k % 4 else "2022-05-01" for k in range(len(texts))]
        held = _columns(signer, ids, texts, published)
        read: list[int] = []

        def load(rows: np.ndarray) -> np.ndarray:
            assert (np.diff(rows) > 0).all()  # sorted, each row once
            read.extend(rows.tolist())
            return held.signatures[rows]

        keys = band_keys_matrix(held.signatures, params.bands, params.rows)
        loading = Signed(held.ids, held.lengths, published, held.exact, held.signatures[:0], held.has_sig,
                         keys=keys, load=load)
        eager, lazy = dedup_batch(held, index, add=False), dedup_batch(loading, index, add=False)
        with pytest.raises(ValueError, match="band keys"):
            dedup_batch(Signed(held.ids, held.lengths, published, held.exact, held.signatures[:0], held.has_sig,
                               load=load), index, add=False)
    assert lazy.to_json() == eager.to_json() and lazy.positions == eager.positions
    assert {"duplicate", "exact_duplicate", "kept"} <= set(eager.counts)
    assert any(c.kept_in_index for c in eager.clusters) and any(not c.kept_in_index for c in eager.clusters)
    unrelated = set(range(7 + 12, 7 + 40))  # the texts of articles[32:60]: no copy of them anywhere
    assert len(read) == len(set(read)) and read and not unrelated & set(read)


def test_signing_from_many_threads_gives_what_one_thread_gives(monkeypatch):
    """The word-hash power tables grow as longer texts come; threads signing meanwhile get the signatures
    one thread gets (a thread used to read a grown table beside the other, not yet grown: IndexError)."""
    from concurrent.futures import ThreadPoolExecutor

    from cleaner.dedup import signature

    signer = Signer()
    texts = [" ".join(f"mot{k}" for k in range(n)) for n in (5, 900, 2_000, 5_000, 9_000, 20_000, 3, 40_000)]
    alone = [signer.sign(t) for t in texts]
    for _ in range(30):
        monkeypatch.setattr(signature, "_POWERS", (np.ones(1, np.uint64), np.ones(1, np.uint64)))  # as in a new process
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(signer.sign, texts * 2))
        assert all(e == a[0] and (sig == a[1]).all() for (e, sig), a in zip(got, alone * 2))


def test_known_bands_are_datasketchs_own_choice():
    """The default parameters' bands x rows are kept in a table (so that a process reading signatures
    never loads scipy); they must be what datasketch's `_optimal_param` chooses."""
    from datasketch.lsh import _optimal_param

    for (threshold, num_perm, fp, fn), bands in KNOWN_BANDS.items():
        assert tuple(_optimal_param(threshold, num_perm, fp, fn)) == bands
    assert (DedupParams().bands, DedupParams().rows) in KNOWN_BANDS.values()


def test_greedy_never_calls_a_document_a_copy_of_something_it_does_not_resemble():
    # a chain: a ~ b (0.70), b ~ c (0.70), a !~ c (0.48); many small bands so LSH surely pairs them
    params = DedupParams(num_perm=256, threshold=0.6, bands=64, rows=4)
    words = [f"w{i:03d}" for i in range(300)]  # same width: length follows word count
    a, b, c = (" ".join(words[k : k + 200]) for k in (0, 35, 70))

    def run(*items):
        return dedup_batch(items, DedupIndex(":memory:", params)).by_id()

    res = run(("a", a), ("b", b + " more"), ("c", c))  # b longest: both are copies of it
    assert res["b"].kept and res["a"].dup_of == "b" and res["c"].dup_of == "b"
    res = run(("a", a + " more"), ("b", b), ("c", c))  # a longest: b is its copy, c resembles only b
    assert res["a"].kept and res["b"].dup_of == "a" and res["c"].kept


def test_persistent_index_second_batch(tmp_path, articles):
    path = tmp_path / "dedup.sqlite"
    first = [(a["id"], a["text"]) for a in articles[:20]]
    with Deduplicator(path) as d:
        r1 = d.run(first)
        assert r1.counts == {"kept": 20}
        assert len(d.index) == 20 and d.index.contains(articles[0]["id"])
    with Deduplicator(path) as d:  # a fresh object on the same file
        second = [(articles[0]["id"], articles[0]["text"]),  # re-submitted: never emitted twice
                  ("copy-of-1", near_copy(articles[1]["text"])),
                  ("exact-of-2", articles[2]["text"].upper()),
                  (articles[30]["id"], articles[30]["text"])]
        r2 = d.run(second).by_id()
        assert r2[articles[0]["id"]].status == "already_indexed"
        assert r2["copy-of-1"].status == "duplicate" and r2["copy-of-1"].dup_of == articles[1]["id"]
        assert r2["exact-of-2"].status == "exact_duplicate" and r2["exact-of-2"].dup_of == articles[2]["id"]
        assert r2[articles[30]["id"]].kept
        assert len(d.index) == 21
        clusters = {c.kept: c for c in d.run([("copy2-of-1", near_copy(articles[1]["text"]) + " Fin.")]).clusters}
        assert clusters[articles[1]["id"]].kept_in_index
    stored = DedupIndex.stored_params(path)
    assert stored["num_perm"] == str(DedupParams().num_perm)


def test_parameter_mismatch_is_a_clear_error(tmp_path):
    path = tmp_path / "dedup.sqlite"
    DedupIndex(path, DedupParams()).close()
    with pytest.raises(IndexMismatchError, match=r"num_perm: index has '128', asked for '64'.*new index path"):
        DedupIndex(path, DedupParams(num_perm=64))
    with pytest.raises(IndexMismatchError, match="shingle_size"):
        DedupIndex(path, DedupParams(shingle_size=5))
    DedupIndex(path, DedupParams()).close()  # the same parameters still open it


def test_an_index_built_with_v1_shingles_is_refused_as_another_versions(tmp_path):
    """v1 shingles took what spaces separate as the words of every script; an index holding them would take
    a near-copy in Chinese for a new text. No setting chooses the shingle hash, so the message says to rebuild."""
    import sqlite3

    path = tmp_path / "dedup.sqlite"
    DedupIndex(path, DedupParams()).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'poly64-words-mix64-v1' WHERE key = 'shingle_hash'")
    db.close()
    message = (f"dedup index {path} was built by another version of cleaner (shingle_hash: index has "
               f"'poly64-words-mix64-v1', this version uses '{DedupParams().shingle_hash}'); run the corpus again "
               "into a new index path, or use the version that built it")
    with pytest.raises(IndexMismatchError, match=re.escape(message)):
        DedupIndex(path, DedupParams())
    with pytest.raises(IndexMismatchError, match=re.escape(message)):  # a setting that differs too is not the cause
        DedupIndex(path, DedupParams(num_perm=64))


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="threshold"):
        DedupParams(threshold=1.5)
    with pytest.raises(ValueError, match="bands x rows"):
        DedupParams(num_perm=16, bands=5, rows=5)


def test_empty_texts():
    """Empty and blank texts are one text; "..." is another since session 38 (all three were one: their normal form
    is empty)."""
    res = dedup_batch([("e1", ""), ("e2", "  \n "), ("e3", "..."), ("t", "some real words here")],
                      DedupIndex(":memory:")).by_id()
    assert res["t"].kept and res["e3"].kept
    kept = [i for i in ("e1", "e2") if res[i].kept]
    assert len(kept) == 1
    assert all(res[i].status == "exact_duplicate" and res[i].dup_of == kept[0] for i in ("e1", "e2") if i not in kept)


def test_signatures_match_datasketch(articles):
    signer = Signer()
    a, b = articles[0]["text"], near_copy(articles[0]["text"])
    sa, sb = signer.signature(a), signer.signature(b)
    assert estimate_jaccard(sa, sb) == signer.to_minhash(sa).jaccard(signer.to_minhash(sb))
    exact, sig = signer.sign(a)
    assert exact == exact_hash(a) and (sig == sa).all()
    est, true = estimate_jaccard(sa, sb), jaccard(shingles(a), shingles(b))
    assert abs(est - true) < 0.15


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(1, 6), st.integers(1, 30), st.integers(2, 5), st.randoms(use_true_random=False))
def test_buckets_give_every_pair_sharing_a_key_once(n, bands, values, small, rnd):
    """Every pair of the given rows (taken in any order) with a common key in some band is either listed,
    once, as (earlier, later) in the order given, when they share a bucket of at most `small` rows, or
    found through the (band, key) both hold in a larger bucket; no other pair is either."""
    keys = np.array([[rnd.randrange(values) for _ in range(bands)] for _ in range(n)], dtype=np.int64).reshape(n, bands)
    rows = rnd.sample(range(n), rnd.randint(0, n))
    a, b, big = _buckets(keys, np.array(rows, dtype=np.int64), small)
    listed = list(zip(a.tolist(), b.tolist()))
    assert len(listed) == len(set(listed))
    found = set(listed) | {(p, q) for p in rows for q in rows if rows.index(p) < rows.index(q)
                           and set(big.get(p, ())) & set(big.get(q, ()))}
    expected = {(rows[p], rows[q]) for p in range(len(rows)) for q in range(p + 1, len(rows))
                if (keys[rows[p]] == keys[rows[q]]).any()}
    assert found == expected
    assert all(rows.index(p) < rows.index(q) for p, q in listed)
    for row, held in big.items():
        for band, key in held:
            assert keys[row, band] == key and sum(keys[r, band] == key for r in rows) > small


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from("abcdefgh"), min_size=3, max_size=9), min_size=1, max_size=40))
def test_near_duplicates_are_the_greedy_choice_over_every_pair(texts):
    """Against a plain reading of the policy that compares every pair: in rank order, an item with a
    text of its own is a duplicate of the first better-ranked *kept* item, by estimate (ties to the better-ranked),
    that shares a band key and is estimated at least `sure_above`, or at least the threshold with an exact Jaccard
    (then its similarity) at least the threshold too; else kept. Tiny vocabularies make buckets crowded and chains
    common."""
    signer = Signer()
    items = [(f"d{k:02d}", " ".join(words)) for k, words in enumerate(texts)]
    res = dedup_batch(items, DedupIndex(":memory:")).by_id()
    ranked = sorted(items, key=lambda it: (-len(it[1]), it[0]))
    kept: list[tuple[str, np.ndarray]] = []
    seen: set[int] = set()
    for doc_id, text in ranked:
        exact, sig = signer.sign(text)
        if exact in seen:
            continue  # exact copies follow their representative (tested elsewhere)
        seen.add(exact)
        keys = band_keys(sig, signer.params.bands, signer.params.rows)
        found = [(estimate_jaccard(sig, other), r, other_id) for r, (other_id, other) in enumerate(kept)
                 if set(zip(range(len(keys)), keys)) & set(zip(range(len(keys)), band_keys(other, signer.params.bands, signer.params.rows)))]
        found = [f for f in sorted(found, key=lambda f: (-f[0], f[1])) if f[0] >= signer.params.threshold]
        texts = dict(items)
        for sim, _, other_id in found:
            if sim < sure_above(signer.params):
                sim = jaccard(shingles(text), shingles(texts[other_id]))
            if sim >= signer.params.threshold:
                assert (res[doc_id].status, res[doc_id].dup_of, res[doc_id].similarity) == ("duplicate", other_id,
                                                                                             round(sim, 4))
                break
        else:
            assert res[doc_id].status == "kept"
            kept.append((doc_id, sig))


def test_documents_sharing_a_long_footer_are_no_duplicates_by_a_lucky_estimate():
    """Each of these documents is compared with every kept one, at a true Jaccard of 0.4-0.46: on the estimate
    alone (SD 0.044), one comparison in a few hundred came out at 0.5 or more, and a quarter of 1,000 such
    documents were called duplicates (56 of these 300). A near-threshold estimate is now checked against the exact
    Jaccard of the two texts, which the duplicate then reports (and its detail says so); the batch's verdicts do
    not depend on its order."""
    items = footer_articles(300)
    texts = dict(items)
    res = dedup_batch(items, DedupIndex(":memory:"))
    duplicates = [d for d in res.decisions if d.status == "duplicate"]
    exact = {d.id: jaccard(shingles(texts[d.id]), shingles(texts[d.dup_of])) for d in duplicates}
    assert all(j >= 0.5 for j in exact.values()), sorted(exact.values())[:5]
    assert all(d.similarity == round(exact[d.id], 4) for d in duplicates if d.exact_similarity)
    assert res.counts["kept"] >= 290
    assert dedup_batch(items[::-1], DedupIndex(":memory:")).to_json() == res.to_json()


def test_the_shingle_sets_let_go_past_their_bound_change_no_verdict(monkeypatch):
    """`_ShingleSets` keeps the sets it read up to `_SET_VALUES` values, the least recently used let go first: a bound
    that holds one item's sets alone reads them again and again, and gives the same verdicts (a review)."""
    from cleaner.dedup import cluster

    items = footer_articles(120)
    held = dedup_batch(items, DedupIndex(":memory:")).to_json()
    monkeypatch.setattr(cluster, "_SET_VALUES", 50)
    assert dedup_batch(items, DedupIndex(":memory:")).to_json() == held


def test_the_texts_of_the_checks_to_come_are_read_at_once(monkeypatch):
    """Dedup reads the texts of near-threshold pairs for the checks to come in one read, not one read a check: a Dask
    chunk of 4,100 documents made 1,470 reads of its part (Parquet, 12 ms each), 17 of the 21 s it took to decide. A
    read holds about `_SET_VALUES` // 2 characters of texts at most (beyond a check's own); no verdict changes."""
    from cleaner.dedup import cluster

    items = footer_articles(300)
    batch = sign_items(items, Signer())
    reads: list[list[int]] = []

    def texts(rows: list[int]) -> list[str | None]:
        reads.append(rows)
        return batch.texts(rows)

    held = dedup_batch(items, DedupIndex(":memory:")).to_json()
    assert dedup_batch(replace(batch, texts=texts), DedupIndex(":memory:")).to_json() == held
    assert len(reads) == 1 and len(reads[0]) > 200
    monkeypatch.setattr(cluster, "_SET_VALUES", 20 * max(len(text) for _, text in items))  # 10 texts a read
    reads.clear()
    assert dedup_batch(replace(batch, texts=texts), DedupIndex(":memory:")).to_json() == held
    assert len(reads) > 10 and all(sum(batch.lengths[row] for row in rows) <= cluster._SET_VALUES // 2 for rows in reads)


def test_texts_read_ahead_are_held_within_the_bound_by_their_characters(monkeypatch):
    """The texts read ahead for the checks to come were counted by `lengths`, the keep policy's, which may say less
    than the text (a record's own `length`, words here): their sets went past the bound and were let go, oldest
    first, before their checks came, so they were read and made again (a review: 11 times the sets). A text read
    ahead is held only within the bound, by its characters; no verdict changes."""
    from cleaner.dedup import cluster

    items = [Item(doc_id, text, length=len(text.split())) for doc_id, text in footer_articles(300)]
    held = dedup_batch(items, DedupIndex(":memory:")).to_json()
    made = []
    shingle_set = Signer.shingle_set
    monkeypatch.setattr(Signer, "shingle_set", lambda self, text: made.append(text) or shingle_set(self, text))
    monkeypatch.setattr(cluster, "_SET_VALUES", 20 * max(len(item.text) for item in items))
    assert dedup_batch(items, DedupIndex(":memory:")).to_json() == held
    made.clear()
    assert dedup_batch(items, DedupIndex(":memory:")).to_json() == held
    assert 0 < len(made) <= 1.1 * len(set(made)), (len(made), len(set(made)))  # 584 sets of 206 texts before


def test_a_duplicate_verified_exactly_says_so_in_its_detail():
    from cleaner.pipeline import dedup_detail
    from cleaner.dedup import Decision

    estimated = Decision("a", "duplicate", cluster="b", dup_of="b", similarity=0.7031)
    measured = Decision("a", "duplicate", cluster="b", dup_of="b", similarity=0.5217, exact_similarity=True)
    assert dedup_detail(estimated) == "near-duplicate of b (estimated Jaccard 0.703)"
    assert dedup_detail(measured) == "near-duplicate of b (Jaccard 0.522 of their shingles, verified exactly)"


def test_a_copy_of_a_document_an_earlier_batch_kept_says_who_kept_it():
    """A duplicate of a document an earlier batch kept said only "near-duplicate of b": nothing told that b is in no
    output of this batch (a QA pass). Its detail names the run folder the index records, or says it records none."""
    from cleaner.dedup import Decision
    from cleaner.dedup.index import SERVED
    from cleaner.pipeline import dedup_detail

    near = Decision("a", "duplicate", cluster="b", dup_of="b", similarity=0.8281)
    exact = Decision("c", "exact_duplicate", cluster="b", dup_of="b", similarity=1.0)
    assert dedup_detail(near, {"b": "/data/day1"}) == ("near-duplicate of b, kept by an earlier run (/data/day1) "
                                                       "(estimated Jaccard 0.828)")
    assert dedup_detail(exact, {"b": "/data/day1"}) == ("same normalised clean text as b, kept by an earlier run "
                                                        "(/data/day1)")
    assert dedup_detail(exact, {"b": ""}) == "same normalised clean text as b, kept by an earlier run"
    assert dedup_detail(exact, {"b": SERVED}) == "same normalised clean text as b, kept by an earlier service request"
    assert dedup_detail(exact, {"b": None}) == ("same normalised clean text as b, kept by an earlier batch (a Pipeline "
                                                "call or a run of an older cleaner)")
    assert dedup_detail(near, {"other": "/d"}) == "near-duplicate of b (estimated Jaccard 0.828)"  # this batch kept b


def test_index_candidates_are_compared_without_an_object_each(monkeypatch):
    """An item is compared with all of its index candidates at once, from their stacked signatures: with an
    `IndexedDoc` and a comparison each, 500 items against an index of 8,000 documents that all share bands took
    44 ms an item. The verdicts are those of the estimates one at a time."""
    from cleaner.dedup import index as index_module

    items = footer_articles(320)
    index = DedupIndex(":memory:")
    dedup_batch(items[:300], index)
    made = []
    monkeypatch.setattr(index_module, "IndexedDoc", lambda **kw: made.append(kw) or SimpleNamespace(**kw))
    res = dedup_batch(items[300:], index, add=False)
    assert made == []
    signer = Signer()
    for doc_id, text in items[300:]:
        sig = signer.signature(text)
        best = max((estimate_jaccard(sig, doc.signature) for doc in index.candidates(band_keys(sig, 25, 5))),
                   default=0.0)
        assert best < 0.5 or res.by_id()[doc_id].status == "duplicate"


def test_verdicts_do_not_depend_on_which_buckets_count_as_large(articles, monkeypatch):
    """Pairing a small bucket out in full and looking a large one up among its kept members are two ways
    to the same candidates: every bucket large, every bucket small, or the default, the same result."""
    from cleaner.dedup import cluster

    rnd = random.Random(11)
    items = [(a["id"], a["text"]) for a in articles[:60]]
    items += [(a["id"] + f"-c{k}", near_copy(a["text"]) + f" {k}") for a in articles[:8] for k in range(rnd.randint(1, 40))]
    items += [(a["id"] + "-x", a["text"]) for a in articles[10:14]]
    index = DedupIndex(":memory:")
    dedup_batch([(a["id"], a["text"]) for a in articles[60:70]] + [("old-copy", near_copy(articles[3]["text"]))], index)
    results = set()
    for small in (1, cluster.SMALL_BUCKET, 10**9):
        monkeypatch.setattr(cluster, "SMALL_BUCKET", small)
        results.add(dedup_batch(items, index, add=False).to_json())
    assert len(results) == 1
    assert json.loads(results.pop())["counts"]["duplicate"] > 100


def test_a_large_cluster_of_near_copies_costs_memory_in_proportion_to_its_size():
    """A paywall stub or a wire story can come thousands of times. Each copy is looked up against the
    kept documents sharing one of its band keys (one here), not paired with every other copy: listing
    the pairs of 2,000 copies took ~400 MB (and 6,000 ran out of memory)."""
    rnd = random.Random(3)
    words = [f"w{rnd.randrange(5000)}" for _ in range(300)]
    items = []
    for k in range(2_000):
        copy = list(words)
        for _ in range(6):
            copy[rnd.randrange(len(copy))] = f"x{rnd.randrange(10**6)}"
        items.append((f"d{k:05d}", " ".join(copy)))
    batch = sign_items(items, Signer())
    tracemalloc.start()
    try:
        res = dedup_batch(batch, DedupIndex(":memory:"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.counts == {"duplicate": 1_999, "kept": 1}
    (cluster,) = res.clusters
    assert len(cluster.members) == 2_000 and len(cluster.similarities) == 1_999  # each against the kept one
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB"


def test_deciding_a_batch_holds_little_beyond_its_columns():
    """What dedup holds for a batch given as columns (a run's: numbers in arrays, signatures loaded as
    compared) besides them: its verdicts, the signatures it compares, the order of the keep policy. It
    was 917 bytes a document here (a key tuple per document to sort, sets and dicts of every id and hash
    kept to the end, 9 MB of pairs compared at once); 607 since."""
    rng = np.random.default_rng(3)
    n, copies = 20_000, 5_000
    params = DedupParams()
    sigs = rng.integers(0, 2**32, size=(n, params.num_perm), dtype=np.uint32)
    sigs[n - copies :] = sigs[rng.integers(0, n - copies, size=copies)]
    changed = rng.random((copies, params.num_perm)) < 0.1
    sigs[n - copies :][changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint32)
    dates = [None, "2024-01-02", "2024-03-04"]
    batch = Signed([f"doc-{k:06d}" for k in range(n)], rng.integers(500, 5_000, size=n), [dates[k % 3] for k in range(n)],
                   rng.integers(-(2**63), 2**63 - 1, size=n), np.zeros((0, params.num_perm), np.uint32), np.ones(n, bool),
                   keys=band_keys_matrix(sigs, params.bands, params.rows), load=lambda rows: sigs[rows])
    tracemalloc.start()
    try:
        result = dedup_batch(batch, DedupIndex(":memory:", params), add=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.counts == {"duplicate": copies, "kept": n - copies}
    assert peak / n < 700, f"{peak / n:.0f} bytes a document"


def test_band_keys_are_the_same_computed_in_blocks():
    """`band_keys_matrix` works a block of signatures at a time (its 64-bit copies stay small): the keys
    do not depend on the block size, across the blocks' edges, and one signature gives its own row."""
    sigs = np.random.default_rng(7).integers(0, 2**32, size=(23, 128), dtype=np.uint32)
    whole = band_keys_matrix(sigs, 25, 5)
    assert whole.shape == (23, 25) and whole.dtype == np.int64
    assert len({tuple(row) for row in whole.tolist()}) == 23
    for block in (1, 4, 22, 23, 100):
        assert (band_keys_matrix(sigs, 25, 5, block=block) == whole).all()
    assert band_keys(sigs[5], 25, 5) == whole[5].tolist()


def test_band_keys_given_or_computed_by_the_index_are_the_same_rows(tmp_path, articles):
    """`add_many` keys the signatures it gets without band keys itself, a block of 2,000 documents at
    a time: the index it builds is the one built from keys computed by the signer, mixed or not, across
    the blocks' edges (4,500 documents)."""
    params = DedupParams()
    signer = Signer(params)
    signed = []
    for a in articles[:30]:
        exact, sig = signer.sign(a["text"])
        signed.append((a, exact, sig, band_keys_matrix(sig[None, :], params.bands, params.rows)[0]))
    rows = [(f"{a['id']}-{k}", len(a["text"]), None, exact, sig, keys)
            for k, (a, exact, sig, keys) in ((k, signed[k % 30]) for k in range(4_500))]
    tables = []
    for name, keep_keys in (("given", lambda k: True), ("computed", lambda k: False), ("mixed", lambda k: k % 3 == 0)):
        with DedupIndex(tmp_path / f"{name}.sqlite", params) as index:
            assert index.add_many((*row[:5], row[5] if keep_keys(k) else ()) for k, row in enumerate(rows)) == 4_500
            tables.append(index.connection.execute("SELECT key, doc FROM bands ORDER BY key, doc").fetchall())
    assert len(tables[0]) == 4_500 * params.bands
    assert tables[0] == tables[1] == tables[2]


def test_a_batch_added_under_a_name_is_taken_out_whole_and_alone(tmp_path, articles):
    """`add_batch` numbers its documents by batch; `withdraw_batch` takes out that batch's documents and
    band rows and its name, and nothing else. An index made before documents were numbered by batch
    gains the column with its first batch, and says it cannot tell the documents of a batch named
    without it (None)."""
    params = DedupParams()
    signer = Signer(params)
    rows = [(a["id"], len(a["text"]), None, *signer.sign(a["text"]), ()) for a in articles[:40]]
    with DedupIndex(tmp_path / "i.sqlite", params) as index:
        index.add_many(rows[:10])  # as an older cleaner, or the service, adds: no batch
        index.connection.execute("CREATE TABLE batches (name TEXT PRIMARY KEY)")
        index.connection.execute("INSERT INTO batches VALUES ('old')")  # named by an older cleaner
        assert index.add_batch("a", rows[10:25]) == 15 and index.add_batch("b", rows[25:]) == 15
        assert index.has_batch("a") and index.withdraw_batch("old") is None
        bands = index.connection.execute("SELECT count(*) FROM bands").fetchone()[0]
        assert index.withdraw_batch("a") == 15 and not index.has_batch("a") and index.withdraw_batch("a") == 0
        assert len(index) == 25 and not any(index.contains(r[0]) for r in rows[10:25])
        assert all(index.contains(r[0]) for r in rows[:10] + rows[25:])
        assert index.connection.execute("SELECT count(*) FROM bands").fetchone()[0] == bands - 15 * params.bands
        left = {doc for (doc,) in index.connection.execute("SELECT doc FROM bands")}
        assert left == {doc for (doc,) in index.connection.execute("SELECT doc FROM docs")}
        assert index.remove_many((r[0], r[4]) for r in rows[30:] + rows[:2]) == 12  # by id, as a stream takes its batch back
        assert len(index) == 13 and index.connection.execute("SELECT count(*) FROM bands").fetchone()[0] == 13 * params.bands
        left = {doc for (doc,) in index.connection.execute("SELECT doc FROM bands")}
        assert left == {doc for (doc,) in index.connection.execute("SELECT doc FROM docs")}


def test_a_batch_an_older_cleaner_added_is_renamed_with_its_folder(tmp_path, articles):
    """A batch added before batches named their folder, renamed by this cleaner (a run `--continue`d with other rules,
    or resumed in its folder moved), failed: "no such column: folder", the index said to be damaged (a review)."""
    signer = Signer(DedupParams())
    rows = [(a["id"], len(a["text"]), None, *signer.sign(a["text"]), ()) for a in articles[:3]]
    with DedupIndex(tmp_path / "i.sqlite") as index:
        index.add_batch("old", rows)
        index.connection.execute("ALTER TABLE batches DROP COLUMN folder")  # as the cleaner before it made the table
        index.rename_batch("old", "new", tmp_path / "run")
        assert index.connection.execute("SELECT name, folder FROM batches").fetchall() == [
            ("new", str((tmp_path / "run").resolve()))]
        assert index.withdraw_batch("new") == 3


def test_the_index_says_which_run_kept_a_document(tmp_path, articles):
    """`keepers`: the folder of the run whose batch added a document, "" for a batch that recorded none (an older
    cleaner's), None for a document no run's batch added (a service request's, a Pipeline call's) or not held; an
    index no batch was added to answers None for all."""
    signer = Signer(DedupParams())
    rows = [(a["id"], len(a["text"]), None, *signer.sign(a["text"]), ()) for a in articles[:4]]
    ids = [r[0] for r in rows]
    with DedupIndex(tmp_path / "i.sqlite") as index:
        index.add_many(rows[:1])
        assert index.keepers(ids[:1] + ["nowhere"]) == {ids[0]: None, "nowhere": None}
        index.add_batch("a", rows[1:2], folder=tmp_path / "a")
        index.add_batch("b", rows[2:3])
        assert index.keepers(ids[:3] + ["nowhere"]) == {ids[0]: None, ids[1]: str((tmp_path / "a").resolve()),
                                                        ids[2]: "", "nowhere": None}
        assert index.keepers([]) == {}


def test_the_stamp_changes_when_documents_are_taken_out_and_differs_between_index_files(tmp_path, articles):
    """`stamp`, by which the Dask engine's mirror tells whether the documents it copied are still the index's: the
    same while documents are only added, another once some are taken out (their numbers are given again), and
    another in a new file at the same path; an index made without one (by an older cleaner) gets one, kept."""
    signer = Signer(DedupParams())
    rows = [(a["id"], len(a["text"]), None, *signer.sign(a["text"]), ()) for a in articles[:6]]
    path = tmp_path / "i.sqlite"
    with DedupIndex(path) as index:
        first = index.stamp()
        index.add_batch("a", rows[:3])
        index.add_many(rows[3:5])
        assert index.stamp() == first and index.withdraw_batch("none") == 0 and index.stamp() == first
        assert index.withdraw_batch("a") == 3 and index.stamp() != first
        second = index.stamp()
        assert index.remove_many([(rows[5][0], rows[5][4])]) == 0 and index.stamp() == second  # not there
        assert index.remove_many([(rows[4][0], rows[4][4])]) == 1 and index.stamp() != second
        index.connection.execute("DELETE FROM meta WHERE key = 'stamp'")
        made = index.stamp()
        assert made not in (first, second) and index.stamp() == made
    for leftover in tmp_path.glob("i.sqlite*"):
        leftover.unlink()
    with DedupIndex(path) as index:
        assert index.stamp() != made


def test_an_index_another_process_writes_opens_and_says_busy_when_a_write_waits_too_long(tmp_path):
    """Opening an existing index only reads it, so it opens while another process holds the write lock (a
    run deduplicating); a write that waits longer than `timeout` gets a message saying the index is busy,
    not that it is unusable."""
    import sqlite3

    from cleaner.dedup.index import IndexBusyError

    path = tmp_path / "ix.sqlite"
    DedupIndex(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with DedupIndex(path, timeout=0.2) as index:
            assert len(index) == 0
            with pytest.raises(IndexBusyError, match=r"ix\.sqlite: busy: another process has held the index's write lock for over 0.2 s"):
                with index.write_lock():
                    pass
        with pytest.raises(IndexBusyError, match="busy"):  # a new index cannot even be created meanwhile
            _hold_and_create(tmp_path / "new.sqlite")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _hold_and_create(path):
    """Open a new index at `path` while another connection is creating a database there."""
    import sqlite3

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE t (x)")
    try:
        DedupIndex(path, timeout=0.2).close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_signing_a_long_document_takes_memory_by_block_not_by_document():
    """Signing permuted every shingle of a document at once, a (shingles x num_perm) array of 64-bit values:
    a 20 MB document under the size limit needed ~7 GB and a run died of it. It now goes by blocks of
    `SIGN_BLOCK` shingles, with the sketch the minimum over all of them, as before."""
    import random
    import tracemalloc

    from cleaner.dedup.signature import SIGN_BLOCK

    rng = random.Random(1)
    words = [rng.choice("abcdefghijklmnopqrstuvwxyz") * rng.randint(2, 6) + str(rng.randint(0, 999)) for _ in range(200_000)]
    text = " ".join(words)
    signer = Signer()
    tracemalloc.start()
    _, signature = signer.sign(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 120 * 2**20, peak  # all at once: 200,000 x 128 x 8 bytes = 205 MB for one array alone
    hashes = signer.shingle_hashes(normalise(text))
    assert hashes.size > 20 * SIGN_BLOCK
    one = signer._new_minhash()
    one.update_batch([hashes])  # the whole document at once, as before
    assert np.array_equal(signature, one.hashvalues.astype(np.uint32))


def test_an_index_path_that_is_not_a_file_is_refused_before_sqlite_opens_it(tmp_path):
    """A device was read as an empty database, and the run wrote `/dev/null-journal`; a path under a file
    failed with "File exists" once every document was prepared: each is refused, naming why."""
    from cleaner.dedup.index import check_index

    (tmp_path / "notes.txt").write_text("not a folder", encoding="utf-8")
    for path, why in ((Path("/dev/null"), "a FIFO, socket or device, not a file"),
                      (tmp_path / "notes.txt" / "index.sqlite", f"{tmp_path / 'notes.txt'} is a file, not a folder")):
        with pytest.raises(IndexMismatchError, match=re.escape(f"{path}: not usable as a dedup index ({why}")):
            check_index(path, DedupParams())
        with pytest.raises(IndexMismatchError, match=re.escape(why)):
            DedupIndex(path)


def test_an_index_that_cannot_be_written_is_refused_before_the_run_reads_a_document(tmp_path, monkeypatch, capsys):
    """A read-only index ended the run in a traceback once every document was decided (`attempt to write a
    readonly database`); a new index in a folder without write permission said "unable to open database
    file" then. Both are refused before `DIR` is made (write permission refused here, as the tests may run
    as root), and so by `DedupIndex` (the Python API)."""
    import os

    from cleaner.cli import main

    index, locked = tmp_path / "index.sqlite", tmp_path / "locked"
    DedupIndex(index).close()
    locked.mkdir()
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: not (mode & os.W_OK and Path(path) in (index, locked))
                        and access(path, mode, **kw))
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "Un texte."}\n', encoding="utf-8")
    sqlite = "where SQLite writes the index and its -wal and -shm files"
    for path, why in ((index, "read only, and kept documents are added to it"),
                      (locked / "index.sqlite", f"no write permission in {locked}, {sqlite}"),
                      (locked / "sub" / "index.sqlite", f"no write permission in {locked}, {sqlite}")):
        message = f"{path}: not usable as a dedup index ({why})"
        with pytest.raises(IndexMismatchError, match=re.escape(message)):
            DedupIndex(path)
        out = tmp_path / "out"
        assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(out), "--index", str(path), "--workers", "1",
                     "--quiet"]) == 2
        assert capsys.readouterr().err == f"cleaner: {message}\n"
        assert not out.exists()


def test_a_full_disk_while_adding_to_the_index_is_an_oserror_naming_it_and_adds_nothing(tmp_path):
    """A full disk while a batch's kept documents went into the index ended in SQLite's `database or disk is
    full` traceback (and a failed ROLLBACK: SQLite had rolled back already). It is an OSError naming the index
    (the CLI's one line, exit 2), nothing of the batch is in the index, and the index works on."""
    import errno

    from cleaner import Config, Pipeline

    path = tmp_path / "index.sqlite"
    texts = [f"Article {k}: " + " ".join(f"mot{(k * 7919 + j) % 5003}" for j in range(60)) for k in range(400)]
    with Pipeline(Config.load(), index=path) as pipeline:
        pages = pipeline.dedup.index.connection.execute("PRAGMA page_count").fetchone()[0]
        pipeline.dedup.index.connection.execute(f"PRAGMA max_page_count = {pages + 8}")  # SQLite's own limit: SQLITE_FULL
        with pytest.raises(OSError) as full:
            pipeline.run([{"id": f"d{k}", "text": t} for k, t in enumerate(texts)])
        assert (full.value.errno, full.value.filename) == (errno.ENOSPC, str(path))
        assert len(pipeline.dedup.index) == 0
        assert [d.id for d in pipeline.run([{"id": "x", "text": texts[0]}]).kept] == ["x"]


@pytest.mark.parametrize(("how", "why"), [("page", "database disk image is malformed"),
                                          ("table", "no such table: bands")])
def test_an_index_damaged_inside_is_refused_naming_it_not_a_traceback(tmp_path, capsys, how, why):
    """An index that opens well but is damaged inside (a page overwritten, a table dropped) ended a run in SQLite's
    traceback, exit 1, and the Python API raised sqlite3's error (found by a QA pass): it is `IndexMismatchError`
    naming the file, the CLI's one line and exit 2."""
    from cleaner import Config, Pipeline
    from cleaner.cli import main

    path, later = damaged_index(tmp_path, how)
    message = (f"{path}: not usable as a dedup index ({why}): the file is damaged; run the corpus again into a new "
               "index path, or restore the file from a copy")
    with Pipeline(Config.load(), index=path) as pipeline, pytest.raises(IndexMismatchError) as caught:
        pipeline.run(later)
    assert str(caught.value) == message
    src = tmp_path / "later.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in later), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out"), "--index", str(path), "--workers", "1", "-q"]) == 2
    assert capsys.readouterr().err == f"cleaner: {message}\n"


def test_an_index_cut_short_is_refused_when_opened_saying_it_is_damaged_and_what_to_do(tmp_path, capsys):
    """An index cut short (a copy stopped half-way) was refused on opening in SQLite's words alone, `not usable as
    a dedup index (database disk image is malformed)`, where one damaged inside, found later, said what to do (a QA
    pass): refused when checked, when opened and by a run, in the same words as the latter."""
    from cleaner.cli import main
    from cleaner.dedup.index import check_index

    path, later = damaged_index(tmp_path, "cut")
    message = (f"{path}: not usable as a dedup index (database disk image is malformed): the file is damaged; run the "
               "corpus again into a new index path, or restore the file from a copy")
    for open_it in (lambda: check_index(path, DedupParams()), lambda: DedupIndex(path)):
        with pytest.raises(IndexMismatchError) as caught:
            open_it()
        assert str(caught.value) == message
    src = tmp_path / "later.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in later), encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out"), "--index", str(path), "--workers", "1", "-q"]) == 2
    assert capsys.readouterr().err == f"cleaner: {message}\n" and not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [b"x", b"\n", b"SQLite format 2\x00"])
def test_a_short_file_that_is_not_sqlite_is_refused_not_replaced_by_an_index(tmp_path, content):
    """SQLite opens a file shorter than its 100-byte header as an empty database: a one-byte file given to
    `--index` was written over with an index (exit 0) and the user's file was gone (found by a QA pass). A file
    that holds anything but an SQLite header is refused, by `check_index`, `DedupIndex` and a run's own
    `DIR/index.sqlite`; an empty file is still a fresh index."""
    from cleaner.cli import main
    from cleaner.dedup.index import check_index

    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)
    with pytest.raises(IndexMismatchError, match=re.escape(f"{path}: not usable as a dedup index (file is not a database)")):
        check_index(path, DedupParams())
    with pytest.raises(IndexMismatchError, match=re.escape("(file is not a database)")):
        DedupIndex(path)
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "Un texte."}\n', encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.sqlite").write_bytes(content)
    assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(out), "--workers", "1", "--quiet"]) == 2
    assert path.read_bytes() == content and (out / "index.sqlite").read_bytes() == content
    path.write_bytes(b"")
    DedupIndex(path).close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_signatures_keep_their_values():
    """What an index stores (the exact hash and the MinHash values) is pinned: signing was made faster
    (in-place numpy steps, the normal form encoded once), and an index written before must still match
    the documents signed after. Texts: fewer words than a shingle, French, mixed scripts with format characters,
    and one of three `SIGN_BLOCK`s of shingles (the same digest since before session 38). A text without a letter
    or digit (empty, "...": its normal form is empty) is hashed by its own text since session 38 (`_bare`): all such
    texts had one hash, so "???" was an exact duplicate of "!!!"; they are pinned apart."""
    import hashlib

    from cleaner.dedup.signature import SIGN_BLOCK

    texts = ["un", "deux mots", "Le gouvernement a présenté son budget hier soir devant les députés.",
             "ＡＢＣ gouver\u00adnement\u200bd\u2019État — 2014 ! ሰላም ዓለም مرحبا بالعالم",
             " ".join(f"w{k % 997}" for k in range(3 * SIGN_BLOCK))]
    digest = hashlib.sha256()
    for text in texts:
        exact, sig = Signer().sign(text)
        assert exact == exact_hash(text)
        digest.update(exact.to_bytes(8, "little", signed=True) + (b"" if sig is None else sig.tobytes()))
    assert digest.hexdigest() == "27c13b41270ba02f82ba93e9d160d860338fe8ea303c2805ecf1a13c9362a350"
    assert [Signer().sign(text) for text in ("", "...")] == [(825720313290992394, None), (3171127029207473691, None)]
