"""Learned boilerplate (`repeated`) in `cleaner run`, and `cleaner rules suggest`.

The corpus: real French pages of one site from ../shared/dev/fr-pages.jsonl.gz (through the HTML
path), and two synthetic sites whose articles are real French news texts from MasakhaNEWS wrapped in
a template (menu, share bar, footer, a dated "Publié dans" line, a related list), with syndicated
copies of one article on the same site.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, SHARED, linear_time

from cleaner import clean
from cleaner.boilerplate import LineCounts, document_hashes, is_quotation, opening_hash, unit_hash
from cleaner.config import Config, ConfigError
from cleaner.dedup.signature import Signer
from cleaner.edits import REPEATED_RULE
from cleaner.engine import Cleaner
from cleaner.kinds.repeated import RepeatedRule
from cleaner.lang import make_tagger
from cleaner.manifest import fingerprint
from cleaner.models import Document
from cleaner.packs import load_rules
from cleaner.pipeline import dedup_params
from cleaner.review import load_run, render_review
from cleaner.runner import STATE, Runner, RunOptions
from cleaner.runstate import RunState

MENU = ["Accueil", "Politique", "Économie", "Sport", "Culture"]
SHARE = ["Partagez cet article", "Facebook", "Twitter", "LinkedIn"]
FOOTER = "© Le Quotidien du Test 2024. Toute reproduction interdite sans autorisation écrite de la rédaction."
UNIQUE = "Note de la rédaction : cet article a été mis à jour après la publication du rapport."
SITE_A, SITE_B = "quotidien.example", "hebdo.example"
COPIES = 9


def _articles(n: int) -> list[list[str]]:
    """`n` real French news articles (MasakhaNEWS), each as its paragraphs, none of which the shipped
    packs edit: the tests below tell what `repeated` removes from article text alone."""
    out, config = [], Config.load()
    with gzip.open(SHARED / "corpus" / "masakhanews.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["lang"] != "fra":
                continue
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])", rec["text"].split("\n\n", 1)[-1])
            paragraphs = [" ".join(sentences[k : k + 2]).strip() for k in range(0, len(sentences), 2)]
            paragraphs = [p for p in paragraphs if len(p) > 80][:6]
            # article text alone: a paragraph the packs edit (a flattened "Lire aussi :" marker) holds noise
            if len(paragraphs) >= 3 and all(clean(p, config).text == p for p in paragraphs):
                out.append(paragraphs)
                if len(out) == n:
                    return out


def _synthetic() -> tuple[list[dict], list[list[str]]]:
    """Site A: menu, share bar and footer around each article, plus `COPIES` syndicated copies of
    article 0; site B: a "Publié dans X le <date>" line (the packs' `fr.published-in`), a
    "Dernière modification : <date> à <time>" line and a related list."""
    articles = _articles(34)
    docs = []
    for i, paragraphs in enumerate(articles[:20]):
        text = "\n".join(MENU) + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(SHARE) + "\n\n" + FOOTER
        if i == 3:
            text = text.replace(paragraphs[0], paragraphs[0] + "\n\n" + UNIQUE)
        docs.append({"id": f"a{i:02d}", "url": f"https://www.{SITE_A}/article/{i}", "text": text})
    for j in range(COPIES):  # the same article again, under the same template: syndicated copies
        docs.append({"id": f"copy{j}", "url": f"https://{SITE_A}/fil/{j}", "text": docs[0]["text"]})
    papers = ["Le Matin", "L'Economiste", "Finances news"]
    for i, paragraphs in enumerate(articles[20:34]):
        related = "À découvrir sur Hebdo\n" + "\n".join(f"{a[0][:60]}…" for a in articles[(i + 1) % 14 : (i + 1) % 14 + 3])
        text = (f"Publié dans {papers[i % 3]} le {1 + i} - 0{1 + i % 9} - 2014\n"
                f"Dernière modification : {1 + i}/0{1 + i % 9}/2014 à 10:{i:02d}\n\n" + "\n\n".join(paragraphs)
                + "\n\n" + related)
        docs.append({"id": f"b{i:02d}", "url": f"https://{SITE_B}/{i}", "text": text})
    return docs, articles


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Path, list[dict], list[list[str]]]:
    docs, articles = _synthetic()
    folder = tmp_path_factory.mktemp("synthetic")
    path = folder / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path, docs, articles


def _run(inputs: list[Path], out: Path, workers: int = 1, **config) -> dict[str, dict]:
    Runner(Config.load(**config), [str(p) for p in inputs], out, RunOptions(workers=workers, progress="quiet")).run()
    return {json.loads(line)["id"]: json.loads(line) for line in (out / "corpus.jsonl").open(encoding="utf-8")}


def _removed(record: dict, raw: str, rule: str = REPEATED_RULE) -> list[str]:
    return [raw[e["start"] : e["end"]] for e in record["edits"] if e["rule"] == rule]


@pytest.fixture(scope="module")
def learned(synthetic, tmp_path_factory):
    path, _, _ = synthetic
    out = tmp_path_factory.mktemp("learned") / "run"
    # shape off: with it on, the menu's short lines go to `shape` first (see the test after the next)
    return out, _run([path], out, learn_boilerplate=True, shape=False)


def test_menus_share_bars_and_footers_of_a_site_are_removed_as_repeated(learned, synthetic):
    out, corpus = learned
    _, docs, _ = synthetic
    raw = {d["id"]: d["text"] for d in docs}
    for doc_id in (f"a{i:02d}" for i in range(20)):
        record = corpus[doc_id]
        removed = "\n".join(_removed(record, raw[doc_id]))
        for line in MENU + SHARE[1:] + [FOOTER]:
            assert line in removed, (doc_id, line)
            assert line not in record["text"].split("\n")
        assert all(e["source"] == SITE_A for e in record["edits"] if e["rule"] == REPEATED_RULE)
    report = json.loads((out / "report.json").read_text())
    assert report["rules"][REPEATED_RULE]["docs"] >= 20


def test_with_shape_on_the_menu_goes_all_the_same(synthetic, tmp_path):
    path, docs, _ = synthetic
    raw = {d["id"]: d["text"] for d in docs}
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for doc_id in (f"a{i:02d}" for i in range(20)):
        record = corpus[doc_id]
        by_shape = "\n".join(_removed(record, raw[doc_id], "shape"))
        by_repeated = "\n".join(_removed(record, raw[doc_id]))
        for line in MENU + SHARE[1:] + [FOOTER]:
            assert line in by_shape + "\n" + by_repeated, (doc_id, line)
            assert line not in record["text"].split("\n")
        assert FOOTER in by_repeated  # a sentence: shape never takes it


def test_article_paragraphs_stay_and_syndicated_copies_keep_their_text(learned, synthetic):
    _, corpus = learned
    _, _, articles = synthetic
    # the copies would pass both thresholds if each were counted: 10 of 29 documents of site A
    defaults = Config.load()
    assert COPIES + 1 >= defaults.repeated_min_docs and (COPIES + 1) / (20 + COPIES) >= defaults.repeated_min_share
    kept_copy = next(r for r in corpus.values() if r["id"] == "a00" or r["id"].startswith("copy"))
    for paragraph in articles[0]:
        assert paragraph in kept_copy["text"]
    for i, paragraphs in enumerate(articles[:20]):
        record = corpus.get(f"a{i:02d}")
        if record is not None:
            assert all(p in record["text"] for p in paragraphs), i
    assert UNIQUE in corpus["a03"]["text"]  # in one document only: never boilerplate


def test_pages_of_real_sites(tmp_path):
    """fr-pages of arteradio.com and blogs.mediapart.fr (and the pages linking to them): the sites'
    furniture goes; a removed line is always one seen in several documents of its source. Learned
    alone (no shipped pack: `mediapart.yaml` names the Club's disclaimer now, and `arte.yaml` ARTE
    Radio's playlist notice, and they take them first); with the packs, each goes to its named rule."""
    pages = tmp_path / "pages.jsonl"
    with gzip.open(SHARED / "dev" / "fr-pages.jsonl.gz", "rt", encoding="utf-8") as fh, pages.open("w") as out:
        out.writelines(line for line in fh if "arteradio.com" in line or "blogs.mediapart.fr" in line)
    with_packs = _run([pages], tmp_path / "packs", learn_boilerplate=True)
    disclaimer = "Le Club est l'espace de libre expression des abonnés de Mediapart. Ses contenus n'engagent pas la rédaction."
    raw_texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in (tmp_path / "packs" / "raw.jsonl").open()}
    named = [span for i, r in with_packs.items() for span in _removed(r, raw_texts[i], "mediapart.club-disclaimer")]
    arte = [span for i, r in with_packs.items() for span in _removed(r, raw_texts[i], "arte.radio-page-end")]
    assert any(disclaimer in span for span in named) and any("Le son a bien été ajouté" in span for span in arte)
    corpus = _run([pages], tmp_path / "run", learn_boilerplate=True, default_rules=False)
    raws = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "run" / "raw.jsonl").open()}
    hosts = {doc_id: Document(id=doc_id, url=raw.get("url")).host for doc_id, raw in raws.items()}
    lines_of = {doc_id: {line.strip() for line in raw["text"].split("\n")} for doc_id, raw in raws.items()}
    removed = {}
    for doc_id, record in corpus.items():
        for span in _removed(record, raws[doc_id]["text"]):
            removed.update({line.strip(): hosts[doc_id] for line in span.split("\n") if line.strip()})
    assert disclaimer in removed
    assert "Le son a bien été ajouté à la liste de lecture" in removed
    min_docs = Config.load().repeated_min_docs
    for line, host in removed.items():
        docs = sum(line in lines_of[d] for d in raws if hosts[d] == host)
        assert docs >= min_docs, (line, host, docs)


def test_run_takes_the_learning_thresholds_as_flags(synthetic, tmp_path, in_process):
    """`repeated_min_docs` and `repeated_min_share`, which `cleaner run --learn-boilerplate` reads, had flags on `rules
    suggest` alone: `run` takes them too, by the same names, and refuses them without learning (they did nothing)."""
    path, _, _ = synthetic
    out = tmp_path / "run"
    args = ("run", str(path), "--out", str(out), "-q", "-j", "1")
    proc = in_process(*args, "--min-docs", "7")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: --min-docs needs --learn-boilerplate (or learn_boilerplate "
                                                 "= true in the config)\n")
    assert not out.exists()
    assert in_process(*args, "--learn-boilerplate", "--min-share", "2").stderr == ("cleaner: --min-share: should be at "
                                                                                   "most 1.0, got 2.0\n")
    assert in_process(*args, "--learn-boilerplate", "--min-docs", "7", "--min-share", "0.5").returncode == 0
    config = json.loads((out / "manifest.json").read_text())["config"]
    assert (config["repeated_min_docs"], config["repeated_min_share"]) == (7, 0.5)


def test_off_means_no_repeated_edits_and_the_fingerprint_differs(synthetic, tmp_path, in_process):
    path, _, _ = synthetic
    corpus = _run([path], tmp_path / "off", learn_boilerplate=False)
    assert not any(e["rule"] == REPEATED_RULE for r in corpus.values() for e in r["edits"])
    on = json.loads((tmp_path / "off" / "manifest.json").read_text())["config"]
    assert on["learn_boilerplate"] is False
    result = in_process("run", str(path), "--out", str(tmp_path / "off"), "--learn-boilerplate", "-q", "-j", "1")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "off" / "manifest.json").read_text())
    assert manifest["config"]["learn_boilerplate"] is True
    assert any(e["rule"] == REPEATED_RULE for line in (tmp_path / "off" / "corpus.jsonl").open() for e in json.loads(line)["edits"])


def test_output_is_identical_whatever_the_worker_count_and_input_order(synthetic, tmp_path):
    _, docs, _ = synthetic
    mirror = [{**d, "id": d["id"] + "-m", "url": d["url"].replace(".example", "-miroir.example")} for d in docs]
    rows = docs + mirror  # over 64 records: the worker pool is used
    ordered, shuffled = tmp_path / "ordered.jsonl", tmp_path / "shuffled.jsonl"
    ordered.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in rows), encoding="utf-8")
    random.Random(7).shuffle(rows)
    shuffled.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in rows), encoding="utf-8")
    one = _run([ordered], tmp_path / "one", workers=1, learn_boilerplate=True)
    _run([shuffled], tmp_path / "two", workers=2, learn_boilerplate=True)
    assert sum(e["rule"] == REPEATED_RULE for r in one.values() for e in r["edits"]) > 40
    for name in ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


def test_the_copy_of_an_id_counted_does_not_depend_on_input_order(tmp_path):
    """Lines are counted over one document per source and group of copies; of two copies of one id
    that tie on the keep policy (the same text but for a capital), the same one is counted whichever
    comes first: its raw text feeds the day's headline counts."""
    from cleaner.dedup import Deduplicator
    from cleaner.runner import count_lines
    from cleaner.runstate import RunState
    from cleaner.workers import prepare_many

    config = Config.load(learn_boilerplate=True)
    text = ("le conseil municipal a voté le budget mardi soir, après un long débat sur les écoles, "
            "les routes et les transports de la ville.")
    copies = [Document(id="x", url="https://site.example/x", text=text),
              Document(id="x", url="https://site.example/x", text="L" + text[1:])]
    counted = []
    for k, order in enumerate((copies, copies[::-1])):
        raws: list[str] = []
        with RunState(tmp_path / f"state-{k}.sqlite") as state, \
                Deduplicator(tmp_path / f"index-{k}.sqlite", dedup_params(config)) as dedup:
            state.add(0, prepare_many(list(order), config))
            count_lines(state, dedup, state.line_counts(), frozenset(), 5, 0.3,
                        lambda source, published, text, raw, clean: raws.append(raw) or [])
        counted.append(raws)
    assert counted[0] == counted[1] and len(counted[0]) == 1


def test_the_review_cleans_dropped_copies_with_what_the_run_learned(tmp_path, in_process):
    """The review cleans a dropped document again to show its removals: with the run's learned
    boilerplate too, so an exact duplicate of a kept document diffs as identical to it (it showed the
    site's menu as an added line) and shows the same `repeated` removal."""
    from cleaner.engine import Cleaner
    from cleaner.review.payload import payload

    def body(k: int) -> str:
        return " ".join(f"mot{k}x{i}" for i in range(60)) + "."

    rows = [{"id": f"n{k}", "url": f"https://news.example/{k}", "text": "Menu du site Actualités et rubriques\n\n" + body(k)}
            for k in range(8)]
    rows.append({"id": "c0", "url": "https://news.example/c0", "text": rows[0]["text"]})
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert in_process("run", str(src), "--out", str(tmp_path / "run"), "--learn-boilerplate", "-q").returncode == 0
    config = Config.load()
    rules = load_rules(config)
    index, _, diffs = payload(load_run(tmp_path / "run"), rules, Cleaner(config, rules))
    (cluster,) = index["clusters"]
    (member,) = cluster["members"]
    assert member["status"] == "exact_duplicate" and all(op == " " for op, _ in diffs[0][0]), member
    removed = {d["id"]: d["removed"] for d in index["docs"]}
    assert removed[member["id"]] == removed[cluster["kept"]] > 0


MENU_LINE = "Home News Sport Business Contact us today"
NAMES = ["Nicola Shubrook", "Zaria Gorvett", "Kerry Torrens", "Juan Martinez"]


def _bylined(n: int = 8) -> list[dict]:
    """`n` French articles of one site, each under the site's menu line: a headline of its own, then a byline glued
    to the first sentence (one that opens with a capital), which `fr.byline-glued` takes only from the text's first
    paragraph under its headline."""
    articles = [paragraphs for paragraphs in _articles(2 * n) if paragraphs[0][0].isupper()][:n]
    return [{"id": f"d{i}", "lang": "fra", "url": f"https://daily.example/a/{i}",
             "text": f"{MENU_LINE}\n\nLe dossier numéro {i} du jour\n\nPar {NAMES[i % 4]} - nutritionniste agréée "
                     + "\n\n".join(paragraphs)}
            for i, paragraphs in enumerate(articles)]


@pytest.fixture(scope="module")
def bylined(tmp_path_factory) -> tuple[Path, list[dict]]:
    """A `--learn-boilerplate` run of `_bylined` and an exact copy of its first article (dropped by dedup)."""
    docs = _bylined()
    docs.append({**docs[0], "id": "copy", "url": "https://daily.example/b/0"})
    out = tmp_path_factory.mktemp("bylined") / "run"
    path = out.parent / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    _run([path], out, learn_boilerplate=True)
    return out, docs


def test_a_byline_under_a_learned_menu_goes_as_from_a_text_that_never_had_the_menu(bylined):
    """The menu line above each headline is learned: the rules run again on the text without it, so the byline under
    the headline goes and gives the author, as from the same text with no menu line (a QA pass: `repeated` alone ran
    on the clean text, and `fr.byline-glued`, which looks under the text's first line, never saw it there)."""
    out, docs = bylined
    corpus = {json.loads(line)["id"]: json.loads(line) for line in (out / "corpus.jsonl").open(encoding="utf-8")}
    assert len(corpus) == len(docs) - 1  # the copy or its article
    for i, doc in enumerate(docs[:-1]):
        record = corpus.get(doc["id"], corpus.get("copy"))
        alone = clean({**doc, "text": doc["text"].split("\n\n", 1)[1]})
        assert (record["text"], record["author"]) == (alone.text, alone.author) == (alone.text, NAMES[i % 4])
        assert _removed(record, doc["text"]) == [MENU_LINE + "\n"]
        lifted = [e for e in record["edits"] if e["kind"] == "extract"]
        assert [(e["rule"], doc["text"][e["start"] : e["end"]]) for e in lifted] == [("fr.byline-glued", NAMES[i % 4])]


def test_the_review_cleans_a_dropped_copy_again_as_the_run_cleaned_the_article(bylined):
    """`recleaned`, which shows a dropped document's removals, takes the learned menu and runs the rules again as the
    run does: the copy's byline goes and gives the author, as it did from the article it copies."""
    from cleaner.review.entries import learned_in, recleaned, run_entries

    out, docs = bylined
    run = load_run(out)
    (kept, dropped) = sorted((e for e in run_entries(run) if e.id in ("d0", "copy")), key=lambda e: e.record is None)
    record, kept = recleaned(dropped, Cleaner(), learned_in(run)).record, kept.record
    assert (record["text"], record["author"]) == (kept["text"], kept["author"]) == (kept["text"], NAMES[0])


def test_clean_learned_leaves_a_document_it_takes_nothing_from_as_it_is():
    doc = Document(id="x", lang="fra", url="https://daily.example/a/x", text=_bylined(1)[0]["text"])
    cleaner = Cleaner()
    cleaned = cleaner.clean(doc)
    elsewhere = RepeatedRule(frozenset(document_hashes("other.example", MENU_LINE)))
    assert cleaner.clean_learned(cleaned, elsewhere) is cleaned
    taken = cleaner.clean_learned(cleaned, RepeatedRule(frozenset(document_hashes(doc.host, MENU_LINE))
                                                        | opening_hash(doc.host, MENU_LINE)))
    assert taken.author == NAMES[0] and not taken.text.startswith(MENU_LINE)


def test_a_byline_a_rule_cut_off_a_learned_line_goes_with_its_author():
    """A learned line glued under a byline is a whole line of the clean text only because `fr.byline-glued` cut the
    byline off it: the text without that line had a bare byline no rule takes, so 'Par Zaria Gorvett *' stayed and the
    author was lost (a review). A cleaning again that would keep what the first cleaning removed is not taken."""
    learned = "Cet article a été réalisé en partenariat avec la rédaction régionale du journal."
    text = f"Le titre du jour\n\nPar Zaria Gorvett * {learned}\n\nLe corps de l'article commence ici avec une phrase."
    doc = Document(id="x", lang="fra", url="https://d.example/a", text=text)
    cleaner = Cleaner()
    out = cleaner.clean_learned(cleaner.clean(doc), RepeatedRule(frozenset(document_hashes(doc.host, learned))))
    assert (out.text, out.author) == ("Le titre du jour\n\nLe corps de l'article commence ici avec une phrase.",
                                      "Zaria Gorvett")
    assert [(e.rule, text[e.start : e.end]) for e in out.edits if e.rule != "whitespace"] == [
        ("fr.byline-glued", "Par "), ("fr.byline-glued", "Zaria Gorvett"), ("fr.byline-glued", " * "),
        ("repeated", learned + "\n")]


def test_a_document_left_too_short_is_rejected_by_the_gate_and_counted_once(tmp_path):
    docs = [{"id": f"d{i}", "url": f"https://menu.example/{i}", "text": "\n".join(MENU) + "\n\n" + paragraphs[0]}
            for i, paragraphs in enumerate(_articles(6))]
    docs.append({"id": "only-menu", "url": "https://menu.example/x", "text": "\n".join(MENU)})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    rejects = [json.loads(line) for line in (tmp_path / "run" / "rejects.jsonl").open()]
    assert sorted([*corpus, *(r["id"] for r in rejects)]) == sorted(d["id"] for d in docs)
    assert [(r["id"], r["stage"], r["reason"]) for r in rejects] == [("only-menu", "gate", "too_short")]
    assert all(not rec["text"].startswith(MENU[0]) for rec in corpus.values())


def test_the_language_is_that_of_the_text_left_once_the_boilerplate_is_gone(tmp_path):
    """Short French articles under a long English cookie banner on one site: the banner is learned and
    removed, and `lang` is the clean text's, French, where it stayed the banner's English (a QA pass found
    it), so `--langs fr` dropped every one of them as `lang_not_allowed`."""
    banner = ("We use cookies to give you the best possible experience on our website and to analyse our traffic.\n"
              "By continuing to browse this site you agree to our use of cookies and to our privacy policy.\n"
              "You can change your cookie settings at any time by visiting the privacy centre of this website.\n"
              "Our partners may also collect information about your visit to show you advertising that interests you.")
    docs = [{"id": f"d{i}", "url": f"https://cookies.example/{i}", "text": banner + "\n\n" + paragraphs[0]}
            for i, paragraphs in enumerate(_articles(8))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True, langs=("fr",))
    assert sorted(corpus) == sorted(d["id"] for d in docs)
    assert all(rec["lang"] == "fr" and "cookies" not in rec["text"] for rec in corpus.values())


def test_short_pages_under_one_long_template_are_no_copies_of_each_other(tmp_path):
    """Short French texts under a long English template: near-duplicates by their whole text, so counted as one
    copy the template was never learned, and dedup dropped 9 of the 10 (a QA pass found it). Copies are grouped
    by what is left once the lines in many pages are set aside; a syndicated copy still counts once (above)."""
    template = ("Riverside Gazette is an independent community newspaper serving the valley since 1952, funded "
                "entirely by our readers and local businesses across the region.\nOur newsroom of twelve reporters "
                "covers councils, courts, schools, sport and culture in the towns of the upper valley every day.")
    news = ["Le maire a inauguré la nouvelle bibliothèque municipale ce samedi matin.",
            "Les travaux du pont reprendront lundi après deux semaines d'arrêt.",
            "Le marché hebdomadaire est déplacé place de la République.",
            "La piscine olympique rouvre ses portes après rénovation complète.",
            "Un concert gratuit aura lieu dimanche au parc des expositions.",
            "Les agriculteurs manifestent contre la baisse des prix du lait.",
            "La mairie lance une consultation sur le plan de circulation.",
            "Le lycée technique accueille une nouvelle filière numérique."]
    docs = [{"id": f"d{i}", "url": f"https://ville.example/{i}", "text": template + "\n" + line}
            for i, line in enumerate(news)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True, langs=("fr",))
    assert {k: rec["text"] for k, rec in corpus.items()} == {d["id"]: line for d, line in zip(docs, news)}
    assert all(rec["lang"] == "fr" for rec in corpus.values())


def test_copies_of_an_article_that_differ_by_a_byline_still_count_once(tmp_path):
    """Ten copies of one article among 30 pages, each under a byline of its own: what tells copies apart once the
    lines in many pages are set aside is their own sentences, not such a line, so the article is counted once
    and keeps its text (it was learned in 10 of 30 pages and removed)."""
    articles = _articles(21)
    names = ["Jean", "Marie", "Paul", "Sophie", "Luc", "Anne", "Marc", "Julie", "Louis", "Emma"]
    docs = [{"id": f"a{i}", "url": f"https://relais.example/{i}", "text": "\n\n".join(articles[i])} for i in range(20)]
    copy_text = "\n\n".join(articles[20])
    docs += [{"id": f"c{j}", "url": f"https://relais.example/c{j}", "text": f"Relayé par {name}\n\n{copy_text}"}
             for j, name in enumerate(names)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    assert not any(e["rule"] == REPEATED_RULE for rec in corpus.values() for e in rec["edits"])
    (copy,) = [rec for key, rec in corpus.items() if key.startswith("c")]
    assert all(p in copy["text"] for p in articles[20])


def test_a_relative_url_leaves_the_source_field_as_the_source(tmp_path):
    """A URL that names no host (`/news/3`: every English MasakhaNEWS record has one) overrode `source`, so the
    documents had no source and nothing was learned for them (a QA pass found it)."""
    footer = "Retrouvez toutes nos informations locales sur notre site"
    docs = [{"id": f"r{i}", "source": "Le Quotidien", "url": f"/news/{i}", "text": p[0] + "\n" + footer}
            for i, p in enumerate(_articles(6))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for d in docs:
        assert _removed(corpus[d["id"]], d["text"]) == ["\n" + footer], d["id"]
        assert {e["source"] for e in corpus[d["id"]]["edits"] if e["rule"] == REPEATED_RULE} == {"le quotidien"}


def test_a_long_urls_host_is_read_and_not_kept():
    """`url_host` keeps the hosts of the last 4,096 URLs it read, each URL held with it: 4,096 links of 100 kB (inline
    `data:` links hold `//`) held 405 MB (a review). One longer than `KEPT_URL_CHARS` is read each time, not kept."""
    from cleaner.models import KEPT_URL_CHARS, _kept_host, url_host

    kept = _kept_host.cache_info().currsize
    assert url_host("https://www.example.com/" + "x" * 100_000) == "example.com"
    assert _kept_host.cache_info().currsize == kept
    assert url_host("https://www.example.com/" + "y" * (KEPT_URL_CHARS - 24)) == "example.com"
    assert _kept_host.cache_info().currsize in (kept + 1, 4096)


def test_a_placeholder_url_is_no_source(tmp_path):
    """"N/A" read as a URL had host `n`, and "not available" (every Xhosa MasakhaNEWS record's) was a host, so
    unrelated records pooled their counts as one source and lost a line they shared (a QA pass found it)."""
    from cleaner.models import url_host

    assert [url_host(u) for u in ("N/A", "n/a", "not available", "see website", "/news/1")] == [None] * 5
    assert [url_host(u) for u in ("http://localhost:8000/", "http://[::1]/x", "x.com")] == ["localhost", "::1", "x.com"]
    line = "Merci de votre lecture attentive et à bientôt."
    docs = [{"id": f"n{i}", "url": ("N/A", "n/a", "not available")[i % 3], "text": p[0] + "\n" + line}
            for i, p in enumerate(_articles(9))]  # 6 of "N/A" or "n/a": once one source, over `repeated_min_docs`
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    assert len(corpus) == 9 and all(line in rec["text"].split("\n") for rec in corpus.values())
    assert Document(id="s", url="N/A", source="Le Quotidien").host == "le quotidien"


def test_a_one_line_footer_in_a_script_without_spaces_is_learned(tmp_path):
    """A line counts on its own from `LONG_WORDS` words; a Chinese line was one "word" by spaces, so a site's
    one-line footer under every article (its neighbour, the article's last line, differs) was never learned.
    Letters count as words there now (`text.word_count`)."""
    sents = (FIXTURES / "scripts" / "zh.txt").read_text(encoding="utf-8").split("\n")[:-1]
    footer = "本文版权归本报所有，未经书面许可不得转载。"
    docs = [{"id": f"z{i}", "url": f"https://news.example.cn/{i}", "text": "".join(sents[10 * i : 10 * i + 8]) + "\n" + footer}
            for i in range(8)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    raw = {d["id"]: d["text"] for d in docs}
    assert sorted(corpus) == sorted(raw)
    assert all([s.strip() for s in _removed(rec, raw[i])] == [footer] and not rec["text"].endswith(footer) for i, rec in corpus.items())


def test_a_footer_a_rule_takes_from_most_pages_is_learned_and_goes_from_the_others(tmp_path):
    """`en.trailing-headline` takes a site's footer from the 9 of 12 pages it ends: only the `shape` kind's removals
    were put back for counting, so the footer was in 3 counted pages, too few, and stayed on those (a QA pass: 7 of
    300). A line any rule took whole still counts; the rule keeps its removals, `repeated` takes the others."""
    footer, articles = "Follow us on Facebook, Twitter and YouTube for more news", _articles(12)
    docs = [{"id": f"f{i:02d}", "url": f"https://suivez.example/{i}",
             "text": "\n\n".join([*articles[i], footer, *([f"Le dossier {i} sera publié la semaine prochaine."]
                                                           if i >= 9 else [])])} for i in range(12)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    raw = {d["id"]: d["text"] for d in docs}
    assert not any(footer in rec["text"] for rec in corpus.values()), corpus
    assert {i: [s.strip() for s in _removed(rec, raw[i])] for i, rec in corpus.items() if i >= "f09"} == {
        i: [footer] for i in ("f09", "f10", "f11")}
    assert all(_removed(corpus[f"f{i:02d}"], raw[f"f{i:02d}"], "en.trailing-headline") for i in range(9))


QUOTES = ["“Nous ne céderons rien sur les droits de chacun”, a déclaré le président de la région.",
          "Le ministre a répété « nous tiendrons nos engagements envers tous » devant la presse."]


def test_a_recurring_quotation_is_article_text_neither_learned_nor_suggested(tmp_path, in_process):
    """A running story quotes the same words in 6 of 12 pages: the line went as `repeated` from all 6, and `rules
    suggest` made it a `line` rule (a QA pass). A line that opens with a quotation mark and holds its closing one, or
    quotes 4 words or more, is never learned; the site's footer beside it still goes."""
    articles = _articles(12)
    docs = [{"id": f"q{i:02d}", "url": f"https://citations.example/{i}",
             "text": "\n\n".join([articles[i][0], *(QUOTES if i < 6 else []), *articles[i][1:], FOOTER])}
            for i in range(12)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    raw = {d["id"]: d["text"] for d in docs}
    assert all([s.strip() for s in _removed(rec, raw[i])] == [FOOTER] for i, rec in corpus.items()), corpus
    assert sum(all(q in rec["text"] for q in QUOTES) for rec in corpus.values()) == 6
    rules = _suggested(tmp_path, docs, in_process)
    assert [(r["kind"], r.get("phrases")) for r in rules] == [("line", [FOOTER])], rules


RELATED = ["Nos articles similaires", "Les élections régionales en cinq questions", "Le budget de la ville adopté",
           "Une nouvelle ligne de tramway en 2026"]


def test_a_section_heading_over_differing_text_stays_and_one_over_the_same_list_goes(tmp_path, in_process):
    """cafaitgenre.org's "Pour aller plus loin" heads each article's own reading list on 5 of its 16 pages: it went as
    `repeated` and `rules suggest` made it a `line` rule (a QA pass). A learned heading between lines that are not
    learned stays (5 pages); one under the footer (2 pages) or over the same list on each page goes, and no `line`
    rule is suggested for a heading the run keeps somewhere. The heading is on 7 of the site's 16 pages: under half,
    no template's (`boilerplate.TEMPLATE_SHARE`)."""
    articles = _articles(16)
    reading = ["Pour aller plus loin"]
    docs = [{"id": f"h{i:02d}", "url": f"https://lectures.example/{i}",
             "text": "\n\n".join([articles[i][0][:50], articles[i][0], *(reading if i < 5 else []), *articles[i][1:],
                                   "\n".join(RELATED), FOOTER, *(reading if i in (6, 7) else [])])
             + ("\n" + "\n".join(f"{a[0][:40]}…" for a in articles[i - 2 : i]) if i in (6, 7) else "")}
            for i in range(16)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    assert [i for i, rec in corpus.items() if "Pour aller plus loin" in rec["text"]] == [f"h0{i}" for i in range(5)]
    assert not any(line in rec["text"] for rec in corpus.values() for line in [*RELATED, FOOTER]), corpus
    rules = _suggested(tmp_path, docs, in_process)
    assert not any("Pour aller plus loin" in str(r) for r in rules), rules
    assert ("block", RELATED) in [(r["kind"], r.get("lines")) for r in rules], rules


def test_a_templates_heading_over_differing_text_goes_from_every_page(tmp_path, in_process):
    """A theme's "Laisser un commentaire" over each page's own comments, on every page of two sites, stayed on all 24
    as a section heading (a review): a heading on half its source's pages or more is a template's
    (`boilerplate.TEMPLATE_SHARE`), and goes, and `rules suggest` offers it (the shipped `fr` pack takes it: neither
    loads the packs; `rules check` does, and an inline "A lire aussi :" in a keep example fails it)."""
    articles = [a for a in _articles(32) if "lire aussi" not in " ".join(a).lower()][:24]
    docs = [{"id": f"{site}{i:02d}", "url": f"https://{site}.example/{i}",
             "text": "\n\n".join([articles[n][0][:50], *articles[n][:2], "Laisser un commentaire", *articles[n][2:4],
                                   FOOTER])}
            for n, (site, i) in enumerate((site, i) for site in ("blog", "revue") for i in range(12))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True, default_rules=False)
    assert len(corpus) == 24 and not any("Laisser un commentaire" in rec["text"] for rec in corpus.values()), corpus
    rules = _suggested(tmp_path, docs, in_process, "--no-default-rules")
    assert any("Laisser un commentaire" in (r.get("phrases") or []) for r in rules), rules


PROSE = "Le conseil municipal a voté mardi soir le plan présenté par le maire, après un long débat sur le budget."


@pytest.mark.parametrize("lines, learned, gone", [
    (["Titre", "Un paragraphe.", "Pour aller plus loin", PROSE, PROSE.upper()], [2], []),
    (["Titre", "Pour aller plus loin", "Un paragraphe.", "Un autre."], [1], [1]),
    (["Titre", "Un paragraphe.", "Pour aller plus loin", "Un autre.", "Le dernier."], [2, 3], [2, 3]),
    (["Titre", "Le texte.", "Partie 1 : Introduction", "Partie 2 : La suite", "Sa suite."], [2, 3], [2, 3]),
    (["Titre", "Un paragraphe.", "Le site recrute des journalistes.", "Un autre."], [2], [2]),
    (["Titre", "Un paragraphe.", "Pour aller plus loin"], [2], [2])])
def test_a_learned_heading_stays_only_alone_between_lines_not_learned(lines, learned, gone):
    """A heading (8 words at most, no sentence end) between two lines not learned stays; one under the page's title,
    over a learned line or a list to the end, a learned list's last line, a sentence, or a text's last line goes."""
    from cleaner.boilerplate import boilerplate_lines

    keys = [line.lower() for line in lines]
    hashes = frozenset(unit_hash("src", keys[i]) for i in learned)
    pairs = frozenset(unit_hash("src", f"{keys[i]}\n{keys[i + 1]}") for i in learned if i + 1 in learned)
    assert boilerplate_lines("src", keys, hashes | pairs, lines) == gone


@pytest.mark.parametrize("line, quotation", [
    ("“Hatizoregi kurwira kodzero,” akadaro Mutungamiri.", True), ("« Lire aussi » : la suite", True),
    ("Il a dit « nous tiendrons nos engagements » hier.", True), ('Accueil | "Sport" | Culture | Économie', False),
    ("Suivez « Le Monde » sur Facebook et Twitter", False), ("Follow us on Facebook, Twitter and YouTube", False)])
def test_a_quotation_is_a_line_that_opens_with_one_or_quotes_four_words(line, quotation):
    assert is_quotation(line) is quotation


def test_counts_are_exact_whatever_the_memory_bound():
    texts = [("s.example", "\n".join(MENU) + f"\n\nTexte {i} avec quelques mots ici") for i in range(30)]
    frequent = []
    for max_keys in (1, 7, 1_000_000):
        counts = LineCounts(sqlite3.connect(":memory:", isolation_level=None), max_keys=max_keys)
        for source, text in texts:
            counts.add(source, document_hashes(source, text))
        frequent.append(counts.frequent(5, 0.3))
    assert frequent[0] == frequent[1] == frequent[2]
    assert len(frequent[0]) == len(MENU) - 1  # the pairs of menu lines; no single short line, no article line
    assert all(v == (30, 30) for v in frequent[0].values())


@pytest.mark.parametrize("docs, share", [(7, 0.14), (7, 0.28), (7, 0.07)])
def test_a_line_in_exactly_the_share_of_documents_is_boilerplate(docs, share):
    """`min_share` times the documents was compared: 0.14 * 50 is 7.000000000000001, so a line in 7 of 50
    documents, a share of 0.14, was not boilerplate at `min_share = 0.14`."""
    total = round(docs / share)
    counts = LineCounts(sqlite3.connect(":memory:", isolation_level=None))
    for i in range(total):
        counts.add("s.example", {unit_hash("s.example", "footer")} if i < docs else set())
    assert counts.frequent(2, share) == {unit_hash("s.example", "footer"): (docs, total)}


def test_bad_thresholds_are_a_config_error():
    with pytest.raises(ConfigError, match="repeated_min_docs"):
        Config.load(repeated_min_docs=1)
    with pytest.raises(ConfigError, match="repeated_min_share"):
        Config.load(repeated_min_share=1.5)


def test_review_page_shows_repeated_removals(learned):
    out, _ = learned
    config = Config.load()
    page = render_review(load_run(out), load_rules(config), config)
    assert '"id": "repeated"' in page or '"id":"repeated"' in page
    assert "boilerplate learned from the corpus" in page


def test_suggest_proposes_checked_rules_from_what_recurs(synthetic, tmp_path, in_process):
    path, _, articles = synthetic
    out = tmp_path / "suggested.yaml"
    result = in_process("rules", "suggest", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    pack = yaml.safe_load(out.read_text(encoding="utf-8"))
    by_kind = {}
    for rule in pack["rules"]:
        by_kind.setdefault(rule["kind"], []).append(rule)
        assert rule["sources"] in ([SITE_A], [SITE_B])
        assert rule["examples"]["remove"] and rule["examples"]["keep"]
    blocks = [r["lines"] for r in by_kind["block"]]
    assert MENU in blocks and SHARE[1:] in blocks  # the packs' fr.share-bar takes "Partagez cet article"
    assert [FOOTER] in [r["phrases"] for r in by_kind["line"]]
    assert any("<<date>>" in r["pattern"] and r["sources"] == [SITE_B] for r in by_kind["regex"])
    assert ["À découvrir sur Hebdo"] in [r["markers"] for r in by_kind["truncate"]]
    assert UNIQUE not in out.read_text(encoding="utf-8")
    paragraphs = [p for a in articles for p in a]
    for rule in by_kind["line"] + by_kind["block"] + by_kind["regex"]:
        matter = json.dumps([rule.get("phrases"), rule.get("lines"), rule["examples"]["remove"]], ensure_ascii=False)
        assert not any(json.dumps(p, ensure_ascii=False)[1:-1] in matter for p in paragraphs), rule["id"]
    check = in_process("rules", "check", str(out))
    assert check.returncode == 0, check.stdout
    assert "0 failures" in check.stdout


_WORDS = ("le gouvernement a annoncé mardi que la banque centrale maintiendra son taux directeur pendant "
          "plusieurs mois afin de soutenir la croissance des régions rurales selon le ministre").split()


def _sentence(rng: random.Random, words: int) -> str:
    """A sentence of `words` words of a news vocabulary, drawn by `rng`."""
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def test_suggested_ids_are_unique_when_two_sources_give_one_name(tmp_path, in_process):
    """Sources whose names make the same id part (two in Arabic script, "Le Matin" and "Le/Matin") get
    numbers of one series: the pack passes `rules check` (it was refused for duplicate ids)."""
    rng = random.Random(4)

    def prose() -> str:
        return "\n\n".join(_sentence(rng, 25) for _ in range(3))

    path = tmp_path / "clash.jsonl"
    path.write_text("".join(
        json.dumps({"id": f"{src}{k}", "source": src, "text": f"Bloc de navigation propre au site\n\n{prose()}\n\n"
                    "Mentions légales et conditions du site"}, ensure_ascii=False) + "\n"
        for k in range(6) for src in ("مغرس", "عربي", "Le Matin", "Le/Matin")), encoding="utf-8")
    out = tmp_path / "suggested.yaml"
    assert in_process("rules", "suggest", str(path), "--out", str(out)).returncode == 0
    ids = [r["id"] for r in yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]]
    assert len(ids) >= 4 and len(set(ids)) == len(ids)
    check = in_process("rules", "check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr


def test_suggested_ids_spell_a_source_without_its_accents(tmp_path, in_process):
    """"Le Journal d'Été" gave `suggested.le-journal-d-t-.01`, `bücher.de` `suggested.b-cher.de.01` (QA pass)."""
    rng = random.Random(4)
    path = tmp_path / "accents.jsonl"
    path.write_text("".join(
        json.dumps({"id": f"{src}{k}", "source": src, "text": "Bloc de navigation propre au site\n\n"
                    + "\n\n".join(_sentence(rng, 25) for _ in range(3))}, ensure_ascii=False) + "\n"
        for k in range(6) for src in ("Le Journal d'Été", "bücher.de")), encoding="utf-8")
    out = tmp_path / "suggested.yaml"
    assert in_process("rules", "suggest", str(path), "--out", str(out)).returncode == 0
    ids = [r["id"] for r in yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]]
    assert ids == ["suggested.bucher.de.01", "suggested.le-journal-d-ete.01"], ids


def test_suggest_takes_keep_examples_from_the_sentences_of_long_paragraphs(tmp_path, in_process):
    """A source whose paragraphs are all over 250 characters (no line key) gave no keep example, and every rule of
    it was left out, `no article sentence of this source to keep` (found by a QA pass): its sentences give them."""
    rng = random.Random(7)

    def paragraph() -> str:
        return " ".join(_sentence(rng, 20) for _ in range(3))

    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{k}", "url": f"https://long.example/{k}", "text": f"{paragraph()}\n\n"
                                        f"{paragraph()}\n\nPartagez cet article avec vos amis sur les réseaux"},
                                       ensure_ascii=False) + "\n" for k in range(12)), encoding="utf-8")
    assert all(len(p) > 250 for line in path.read_text(encoding="utf-8").splitlines()
               for p in json.loads(line)["text"].split("\n\n")[:2])
    out = tmp_path / "suggested.yaml"
    proc = in_process("rules", "suggest", str(path), "--out", str(out))
    assert proc.returncode == 0 and "(0 left out)" in proc.stderr, proc.stderr
    (rule,) = yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]
    assert rule["phrases"] == ["Partagez cet article avec vos amis sur les réseaux"]
    (keep,) = rule["examples"]["keep"]
    assert len(keep.split()) == 20 and keep.endswith(".") and keep in path.read_text(encoding="utf-8")
    check = in_process("rules", "check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr


def test_suggest_refuses_an_out_that_is_an_input_or_no_file(tmp_path, in_process):
    """`rules suggest X --out X` wrote its YAML over the input it had read (exit 0); an --out that is an
    input, inside an input folder or matched by an input glob is refused as `cleaner clean` refuses it,
    and so are an empty --out and a folder, before anything is read."""
    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "source": "x.ma", "text": "Un texte."}) + "\n", encoding="utf-8")
    before = src.read_bytes()
    cases = {(str(src), str(src)): "is an input", (str(folder), str(folder / "s.yaml")): "is inside the input folder",
             (f"{tmp_path}/**/*.jsonl", str(folder / "s.jsonl")): "the input glob", (str(src), ""): "--out is empty",
             (str(src), str(tmp_path)): "is a folder, not a file to write"}
    for (inp, out), says in cases.items():
        proc = in_process("rules", "suggest", inp, "--out", out)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, (inp, out, proc.stderr)
    assert src.read_bytes() == before and sorted(p.name for p in tmp_path.rglob("*")) == ["a.jsonl", "in"]


def test_suggest_counts_the_records_it_read_apart_from_those_it_could_not(tmp_path, in_process, synthetic):
    """An input that cannot be read is one record not used, not one the rules were suggested from (the summary
    said "0 rules suggested from 1 records")."""
    path, docs, _ = synthetic
    result = in_process("rules", "suggest", str(tmp_path / "nosuch.jsonl"), str(path),
                        "--out", str(tmp_path / "s.yaml"))
    lines = result.stderr.splitlines()
    assert f"1 input record not used (first: {tmp_path / 'nosuch.jsonl'}: no such file or folder)" in lines
    assert lines[-1].endswith(f"suggested from {len(docs)} records (0 left out) -> {tmp_path / 's.yaml'}"), lines
    alone = in_process("rules", "suggest", str(tmp_path / "nosuch.jsonl"), "--out", str(tmp_path / "t.yaml"))
    assert alone.stderr.splitlines()[-1] == f"0 rules suggested from 0 records (0 left out) -> {tmp_path / 't.yaml'}"
    assert (tmp_path / "t.yaml").read_text().startswith(
        "# suggested by `cleaner rules suggest` from 0 cleaned records of 1 read;")
    made = (tmp_path / "s.yaml").read_text()
    # the header counted the records used as "input records", where more were read (a QA pass: 429 of 743)
    read = len(docs) + 1
    assert made.startswith(f"# suggested by `cleaner rules suggest` from {len(docs)} cleaned records of {read} read;")


def test_suggest_says_how_many_records_have_no_source_to_count_their_lines_under(tmp_path, in_process, synthetic):
    """Lines are counted per source (a URL's host, or a `source` field): a dump without either gave "0 rules suggested"
    and no word of why (a review). The records without a source are counted and said; with a source each, nothing is
    said."""
    path, docs, _ = synthetic
    bare = tmp_path / "bare.jsonl"
    bare.write_text("".join(json.dumps({**d, "url": "/article"} if i % 4 else {k: d[k] for k in d if k != "url"},
                                       ensure_ascii=False) + "\n" for i, d in enumerate(docs)), encoding="utf-8")
    result = in_process("rules", "suggest", str(bare), "--out", str(tmp_path / "s.yaml"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{len(docs)} of {len(docs)} records have no source (no URL with a host, no `source` field): lines are counted "
        "per source, so none was counted in them",
        f"0 rules suggested from {len(docs)} records (0 left out) -> {tmp_path / 's.yaml'}"]
    sourced = in_process("rules", "suggest", str(path), "--out", str(tmp_path / "t.yaml"))
    assert "no source" not in sourced.stderr and "0 rules" not in sourced.stderr, sourced.stderr


def test_a_learning_run_says_how_many_documents_have_no_source_to_learn_under(tmp_path, in_process, synthetic):
    """`--learn-boilerplate` learns lines per source: documents without one learn and lose nothing, which the summary
    and the report now say (a run on a dump without sources learned nothing, without a word)."""
    path, docs, _ = synthetic
    bare = tmp_path / "bare.jsonl"
    bare.write_text("".join(json.dumps(d if i % 4 else {k: v for k, v in d.items() if k != "url"}, ensure_ascii=False)
                            + "\n" for i, d in enumerate(docs)), encoding="utf-8")
    none = len(range(0, len(docs), 4))
    result = in_process("run", str(bare), "--out", str(tmp_path / "bare"), "--learn-boilerplate")
    assert result.returncode == 0, result.stderr
    assert (f"learned boilerplate: {none} of {len(docs)} documents have no source (no URL with a host, no `source` "
            "field): lines are learned per source, so none was learned from them, nor removed") in result.stderr
    assert json.loads((tmp_path / "bare" / "report.json").read_text())["boilerplate"] == {"without_source": none}
    whole = in_process("run", str(path), "--out", str(tmp_path / "whole"), "--learn-boilerplate")
    assert "learned boilerplate" not in whole.stderr
    assert json.loads((tmp_path / "whole" / "report.json").read_text())["boilerplate"] == {"without_source": 0}
    plain = in_process("run", str(path), "--out", str(tmp_path / "plain"))
    assert "boilerplate" not in json.loads((tmp_path / "plain" / "report.json").read_text())


def test_suggest_offers_no_strict_that_it_would_ignore(tmp_path, in_process):
    """`rules suggest --strict` was taken and ignored, exit 0, though its help said it stops (exit 3) at
    the first bad input: suggest reads every input first and names the records it could not use."""
    src, out = tmp_path / "a.jsonl", tmp_path / "s.yaml"
    src.write_text('{"id": "n", "text": 5}\n{"id": "a", "source": "x.ma", "text": "Un texte."}\n', encoding="utf-8")
    proc = in_process("rules", "suggest", str(src), "--out", str(out), "--strict")
    assert proc.returncode == 2 and "unrecognized arguments: --strict" in proc.stderr and not out.exists(), proc.stderr


HEADLINES = ["Le Parlement adopte la réforme des retraites", "Botola : les résultats de la 18e journée",
             "La Bourse de Casablanca termine en hausse", "Fortes pluies attendues sur le nord du pays",
             "Le port de Tanger bat un nouveau record", "Exclusif : un ancien ministre témoigne",
             "Rabat accueille la conférence africaine", "Les FAR récupèrent 40 km de territoire",
             "Le festival de Fès dévoile sa programmation", "Un nouveau TGV relie Marrakech à Agadir",
             "La saison touristique dépasse les attentes", "Les enseignants reprennent les cours lundi"]


def test_headlines_recurring_in_the_tickers_of_a_day(tmp_path):
    """Six pages of 13 December carry the day's ticker (removed by generic.ticker) and, at the end, two of
    its headlines as lines: those go as `repeated`; each page's own headline above its article stays, and so
    do the same headline lists on pages of another day that had no ticker."""
    articles = _articles(12)
    docs = []
    for i in range(12):  # each headline is in three pages' text: too few to be boilerplate as a line
        day, ticker = (13, "   ".join(HEADLINES[i:] + HEADLINES[:i]) + "\n") if i < 6 else (14, "")
        text = (f"Publié dans Le Site le {day} - 12 - 2014\n{ticker}\n{HEADLINES[i]}\n\n" + "\n\n".join(articles[i])
                + f"\n\n{HEADLINES[(i + 4) % 12]}\n{HEADLINES[(i + 8) % 12]}")
        docs.append({"id": f"n{i:02d}", "url": f"https://site-du-jour.example/{i}", "text": text})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for i in range(12):
        record = corpus[f"n{i:02d}"]
        lines = record["text"].split("\n")
        assert lines[0] == HEADLINES[i], i  # the page's own headline
        removed = "\n".join(_removed(record, docs[i]["text"]))
        if i < 6:
            assert removed.split() == f"{HEADLINES[(i + 4) % 12]}\n{HEADLINES[(i + 8) % 12]}".split(), i
            assert HEADLINES[(i + 4) % 12] not in lines
        else:
            assert not removed and lines[-1] == HEADLINES[(i + 8) % 12], i


def test_a_pages_own_title_stays_though_other_pages_list_it_and_a_sites_header_goes(tmp_path):
    """Each page opens with its own title, one of the day's stories that the other pages list under "Les titres
    du jour": as a line of most pages it was learned and went from the top of the page it titles (a QA pass found
    it). The line a text opens with goes alone only when it opens enough pages: a site's header still goes."""
    articles = _articles(20)
    heads = HEADLINES[:4]
    header = "Le Journal de la Vallée, toute l'actualité de la région"
    docs = [{"id": f"t{i}", "url": f"https://titres.example/{i}", "text": f"{heads[i % 4]}\n" + "\n".join(articles[i])
             + "\n\nLes titres du jour\n" + "\n".join(h for h in heads if h != heads[i % 4])} for i in range(10)]
    docs += [{"id": f"v{i}", "url": f"https://vallee.example/{i}", "text": f"{header}\n" + "\n".join(articles[10 + i])}
             for i in range(10)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for i, d in enumerate(docs):
        lines = corpus[d["id"]]["text"].split("\n")
        if i < 10:
            assert lines[0] == heads[i % 4] and "Les titres du jour" not in lines, d["id"]
        else:
            assert header not in lines and lines[0] == articles[i][0], d["id"]


def _titled_under_a_header(n: int = 12) -> list[dict]:
    """`n` pages under a two-line site header, each with its own title, its article and a list of four other pages'
    titles."""
    header = "Le Quotidien du Soir\nVotre journal indépendant depuis toujours"
    return [{"id": f"h{i:02d}", "url": f"https://soir.example/{i}",
             "text": f"{header}\n\n{HEADLINES[i]}\n\n" + "\n\n".join(paragraphs) + "\n\nLes titres du jour\n"
             + "\n".join(HEADLINES[(i + k) % n] for k in range(1, 5))} for i, paragraphs in enumerate(_articles(n))]


def test_a_pages_own_title_under_a_sites_header_stays(tmp_path):
    """The header opens every page and goes; the title under it, listed by other pages, went too (a QA pass): only the
    first line was kept as the title. The first line under the header is."""
    docs = _titled_under_a_header()
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for i, d in enumerate(docs):
        lines = corpus[d["id"]]["text"].split("\n")
        assert lines[0] == HEADLINES[i] and "Le Quotidien du Soir" not in lines, d["id"]


def test_a_pages_own_title_stays_with_the_headline_other_pages_list_under_it(tmp_path):
    """Each page opens with its own title and, under it, a teaser of the next story; the other pages list the day's
    stories in the same order, so the title and the headline under it are a pair of most pages' lists. The opening
    alone was checked: the pair took the title from 9 of 12 pages (a QA pass found it). The title stays; the teaser,
    a line of the lists, goes with them."""
    articles, heads = _articles(12), HEADLINES[:4]
    docs = [{"id": f"t{i:02d}", "url": f"https://titres.example/{i}",
             "text": f"{heads[i % 4]}\n{heads[(i + 1) % 4]}\n\n" + "\n".join(articles[i])
             + "\n\nLes titres du jour\n" + "\n".join(h for h in heads if h != heads[i % 4])} for i in range(12)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    for i, d in enumerate(docs):
        lines = corpus[d["id"]]["text"].split("\n")
        assert lines[:3] == [heads[i % 4], "", articles[i][0]] and "Les titres du jour" not in lines, d["id"]


def test_the_line_a_text_opens_with_goes_in_a_pair_only_where_the_pair_is_learned_as_an_opening():
    """A pair of lines that covers the line a text opens with is an opening too: learned as a pair of other pages'
    lines, it leaves that line; learned as what pages open with, it takes it, a short first line too (a menu's)."""
    from cleaner.boilerplate import boilerplate_lines, opening_hash
    from cleaner.text import line_key

    keys = [line_key(line) for line in (MENU[0], MENU[1], "", UNIQUE)]
    pair = unit_hash(SITE_A, f"{keys[0]}\n{keys[1]}")
    assert boilerplate_lines(SITE_A, keys, frozenset({pair})) == []
    assert boilerplate_lines(SITE_A, keys, frozenset({pair}) | opening_hash(SITE_A, "\n".join(MENU))) == [0, 1]


def test_a_one_line_header_that_shape_takes_from_pages_with_prose_goes_from_those_without(tmp_path, in_process):
    """A site's one-line header opens every page; `shape` takes it from the pages with prose and leaves it on the
    galleries (no prose). It was counted as the opening of the clean text, which it opens on the galleries alone
    (5 of 20: under the share), so it stayed there, and `rules suggest` proposed nothing (a QA pass found it). It is
    counted as the opening of the text with `shape`'s removals put back, as the other lines are."""
    header = "Accueil de vallee.example | Actualités | Sport | Nous contacter"
    articles = _articles(15)
    docs = [{"id": f"p{i:02d}", "url": f"https://vallee.example/{i}", "text": f"{header}\n\n" + "\n\n".join(a)}
            for i, a in enumerate(articles)]
    rng = random.Random(5)
    docs += [{"id": f"g{i}", "url": f"https://vallee.example/galerie/{i}", "text": f"{header}\n\n" + "\n".join(
        " ".join(rng.sample(_WORDS, 4)).capitalize() for _ in range(6))} for i in range(5)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    raw = {d["id"]: d["text"] for d in docs}
    assert [i for i in corpus if i.startswith("g")] == [f"g{i}" for i in range(5)]
    for doc_id, record in corpus.items():
        assert header not in record["text"], doc_id
        rule = "shape" if doc_id.startswith("p") else REPEATED_RULE
        assert _removed(record, raw[doc_id], rule)[0].startswith(header), doc_id
    out = tmp_path / "suggested.yaml"
    assert in_process("rules", "suggest", str(path), "--out", str(out)).returncode == 0
    assert header in out.read_text(encoding="utf-8")


def test_a_headers_second_line_that_shape_leaves_goes_as_the_opening_of_the_clean_text(tmp_path):
    """Under the one-line header `shape` takes, a tagline that it leaves opens the clean text of every page: counted
    only as the opening of the text with `shape`'s removals put back, it was learned as no opening and stayed on all
    20 pages (a review of the fix above found it). Both openings count."""
    header = "Accueil de vallee.example | Actualités | Sport | Nous contacter"
    tagline = "Le quotidien indépendant de la vallée, au service de ses lecteurs depuis 1985"
    docs = [{"id": f"p{i:02d}", "url": f"https://vallee.example/{i}",
             "text": f"{header}\n{tagline}\n\n" + "\n\n".join(a)} for i, a in enumerate(_articles(20))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True)
    raw = {d["id"]: d["text"] for d in docs}
    for doc_id, record in corpus.items():
        assert tagline not in record["text"] and header not in record["text"], doc_id
        assert any(tagline in span for span in _removed(record, raw[doc_id])), doc_id


def test_a_labelled_ticker_of_the_days_headlines_goes_from_every_page(tmp_path):
    """"À la une : A | B | C | D": the label stuck to the first headline, so on the pages whose ticker opens with
    a headline that opens few others' that one was not learned, 3 of 4 were under the 80 %, and the ticker stayed
    (on 2 of 10 pages; a QA pass found it). A headline's key leaves out a label before a colon."""
    articles, heads = _articles(10), HEADLINES[5:10]
    docs = []
    for i in range(10):
        ticker = "À la une : " + " | ".join(h for h in heads if h != heads[i % 5])
        text = f"{heads[i % 5]}\n{ticker}\n" + "\n".join(articles[i])
        docs.append({"id": f"u{i}", "url": f"https://une.example/{i}", "published": "2023-03-01", "text": text})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    corpus = _run([path], tmp_path / "run", learn_boilerplate=True, default_rules=False)
    for i, d in enumerate(docs):
        assert corpus[d["id"]]["text"].split("\n")[:2] == [heads[i % 5], articles[i][0]], d["id"]


def test_a_run_stopped_while_removing_boilerplate_resumes_to_the_same_bytes(tmp_path, in_process):
    """Stopped after the counts and the first chunk of removals (more than one chunk of documents):
    the rerun resumes at the next chunk, and its output is the uninterrupted run's, byte for byte."""
    docs = [{"id": f"r{i:03d}", "url": f"https://site{i % 3}.example/{i}",
             "text": f"Rubrique {i % 3}\n" + "\n".join(MENU) + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + FOOTER}
            for i, paragraphs in enumerate(_articles(270))]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    config = Config.load(learn_boilerplate=True)
    _run([path], tmp_path / "reference", learn_boilerplate=True)
    out = tmp_path / "stopped"
    out.mkdir()
    runner = Runner(config, [str(path)], out, RunOptions(workers=1, progress="quiet"))
    with RunState(out / STATE / "state.sqlite") as state:
        runner._resume_point(state, fingerprint(config, runner.inputs, runner.options.output_options()), True)
        runner._prepare(state, 0)
        runner._count(state)
        rule = RepeatedRule(frozenset(state.line_counts().frequent(config.repeated_min_docs, config.repeated_min_share)))
        cleaner = Cleaner(config, runner.rules)
        assert runner._apply_chunk(state, cleaner, rule, Signer(dedup_params(config)), make_tagger(config.lang_backend))
        assert 0 <= int(state.get("applied")) < len(docs) - 1
    proc = in_process("run", str(path), "--out", str(out), "--learn-boilerplate", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "stage apply" in proc.stderr
    for name in ("corpus.jsonl", "raw.jsonl", "rejects.jsonl", "clusters.jsonl", "report.json", "manifest.json"):
        assert (out / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name


def test_a_pages_own_title_stays_with_a_headline_of_the_day_right_under_it():
    """A page's own title (a headline of the day, in other pages' tickers) went with the teaser headline right under
    it, as a list of the day's headlines (found by a QA pass): the line a text opens with stays; the teaser goes,
    and so does a list further down."""
    from cleaner.boilerplate import boilerplate_lines, day_source, unit_hash
    from cleaner.text import line_key

    lines = ["Le maire annonce un nouveau plan pour le centre-ville", "La piscine municipale rouvre ses portes", "",
             "Le conseil municipal a voté mardi soir le plan présenté par le maire, après un long débat.", "",
             "Le marché de Noël ouvre samedi sur la place", "Les travaux du tramway reprennent en janvier"]
    keys = [line_key(line) for line in lines]
    day = day_source("quotidien.example", "2024-01-02")
    learned = frozenset(unit_hash(day, keys[i]) for i in (0, 1, 5, 6))
    assert boilerplate_lines("quotidien.example", keys, learned, lines, "2024-01-02") == [1, 5, 6]


def test_a_line_whose_headline_scan_times_out_is_not_counted_and_stops_nothing():
    """Learning the day's headlines scans raw lines with the loose ticker reading; a line that outlasts
    the pattern time limit was a `TimeoutError` that ended the whole run ("regex timed out", exit 2,
    naming nothing). It now counts no headline, as the rule engine skips a rule that times out."""
    from cleaner.boilerplate import boilerplate_lines, headline_hashes

    line = " - ".join(["Un titre de la journée ici"] * 4000)
    assert headline_hashes("src\x022024-01-02", line, timeout=1e-9) == set()
    assert boilerplate_lines("src", ["a"], frozenset(), [line], "2024-01-02", timeout=1e-9) == []
    assert len(headline_hashes("src\x022024-01-02", line, timeout=5.0)) == 1


def _prose_pages(path: Path, source: str, lines: list[str], n: int = 8) -> None:
    """`n` pages of `source`, each three paragraphs of random French prose and then `lines` ({k}: the page's number)."""
    rng = random.Random(5)
    words = ("le gouvernement a annoncé mardi que la banque centrale maintiendra son taux directeur pendant "
             "plusieurs mois afin de soutenir la croissance des régions rurales selon le ministre").split()
    pages = []
    for k in range(n):
        prose = "\n\n".join(" ".join(rng.choice(words) for _ in range(25)).capitalize() + "." for _ in range(3))
        pages.append({"id": f"p{k}", "source": source,
                      "text": prose + "\n\n" + "\n\n".join(line.format(k=k + 2) for line in lines)})
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8")


def test_suggested_regex_of_a_line_with_a_tab_or_a_no_break_space_matches_it(tmp_path, in_process):
    """A line of one shape holding a tab or a no-break space: its pattern read the escaped whitespace
    (`\\<tab>`) as a backslash before `\\s+`, matched none of its lines, and the rule was left out."""
    src, out = tmp_path / "in.jsonl", tmp_path / "suggested.yaml"
    _prose_pages(src, "tabs.example", ["Vues\u00a0: {k}00 fois depuis la mise en ligne", "Réf.\t{k} (archives) du site"])
    proc = in_process("rules", "suggest", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    patterns = [r["pattern"] for r in yaml.safe_load(out.read_text(encoding="utf-8"))["rules"] if r["kind"] == "regex"]
    assert sorted(patterns) == [r"Réf\.\s+\d+\s+\(archives\)\s+du\s+site", r"Vues\s+:\s+\d+\s+fois\s+depuis\s+la\s+mise\s+en\s+ligne"]


def test_suggested_ids_skip_those_of_the_loaded_packs(tmp_path, in_process):
    """Suggesting again with the rules kept from an earlier suggestion loaded (`--rules`) numbered from 01
    again: a new rule took a kept rule's id, and `clean` refused the two files together."""
    src, first, second = tmp_path / "in.jsonl", tmp_path / "first.yaml", tmp_path / "kept" / "second.yaml"
    _prose_pages(src, "kept.example", ["Bloc de navigation propre au site", "Mentions légales et conditions du site"])
    assert in_process("rules", "suggest", str(src), "--out", str(first)).returncode == 0
    pack = yaml.safe_load(first.read_text(encoding="utf-8"))
    assert [r["id"] for r in pack["rules"]] == ["suggested.kept.example.01", "suggested.kept.example.02"]
    second.parent.mkdir()
    (second.parent / "kept.yaml").write_text(yaml.safe_dump({**pack, "rules": pack["rules"][:1]}, allow_unicode=True),
                                             encoding="utf-8")
    proc = in_process("rules", "suggest", str(src), "--rules", str(second.parent), "--out", str(second))
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in yaml.safe_load(second.read_text(encoding="utf-8"))["rules"]] == ["suggested.kept.example.02"]
    check = in_process("rules", "check", str(second.parent))
    assert check.returncode == 0 and "2 rules" in check.stdout, check.stdout + check.stderr


def test_a_suggested_pack_with_a_next_line_character_passes_rules_check_as_written(tmp_path, in_process):
    """A menu line holding U+0085 (NEL, what cp1252's "…" becomes read as Latin-1): PyYAML wrote it raw in
    the literal block of the remove example and read it back as a line break, so the file failed `rules
    check` though its rule had passed the check, done on YAML written another way."""
    src, out = tmp_path / "in.jsonl", tmp_path / "suggested.yaml"
    _prose_pages(src, "nel.example", ["Accueil\nMonde\x85infos\nSport et loisirs\u2028du jour"])
    assert in_process("rules", "suggest", str(src), "--out", str(out)).returncode == 0
    (rule,) = yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]
    assert rule["lines"] == ["Accueil", "Monde\x85infos", "Sport et loisirs", "du jour"]  # a text's U+2028 is read as LF
    assert rule["examples"]["remove"] == ["Accueil\nMonde\x85infos\nSport et loisirs\ndu jour"]
    check = in_process("rules", "check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr


def test_suggest_names_its_out_on_a_full_disk_and_keeps_a_link(tmp_path, in_process):
    """`rules suggest … --out /dev/full` said `[Errno 28] No space left on device`, naming no file (found by a QA
    pass): the pack is now written as the other outputs are (`write_atomic`), so the error names --out and
    leaves no temporary file; an --out that is a symbolic link keeps the link and writes its target."""
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "source": "x.ma", "text": "Un texte."}) + "\n", encoding="utf-8")
    proc = in_process("rules", "suggest", str(src), "--out", "/dev/full")
    assert (proc.returncode, proc.stderr) == (2, "cleaner: /dev/full: No space left on device\n"), proc.stderr
    target, link = tmp_path / "packs" / "s.yaml", tmp_path / "s.yaml"
    target.parent.mkdir()
    link.symlink_to(target)
    assert in_process("rules", "suggest", str(src), "--out", str(link)).returncode == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("# suggested by `cleaner rules suggest`")


def test_suggest_refuses_an_out_that_is_a_loaded_pack_or_compressed(tmp_path, in_process):
    """`rules suggest IN --rules R/ --out R/site.yaml`, run again over the pack the README says to keep, replaced the
    rules kept there with what was left to learn past them (near nothing), and `--out s.yaml.gz` wrote plain YAML
    under a compressed name (found by QA passes). Both are refused before anything is read, the pack untouched."""
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "source": "x.ma", "text": "Un texte."}) + "\n", encoding="utf-8")
    packs = tmp_path / "packs"
    packs.mkdir()
    kept = packs / "site.yaml"
    kept.write_text(yaml.safe_dump({"description": "kept", "rules": [{
        "id": "site.newsletter", "kind": "line", "description": "a newsletter prompt",
        "phrases": ["Abonnez-vous à notre lettre"],
        "examples": {"remove": ["Abonnez-vous à notre lettre"], "keep": ["Le conseil a voté le budget."]}}]},
        allow_unicode=True), encoding="utf-8")
    before = kept.read_bytes()
    for out, says in ((kept, "is a rule pack this command loads"), (tmp_path / "s.yaml.gz", "a rule pack is plain YAML")):
        proc = in_process("rules", "suggest", str(src), "--rules", str(packs), "--out", str(out))
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, (out, proc.stderr)
    assert kept.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "packs"]


def _suggested(tmp_path: Path, docs: list[dict], in_process, *flags: str) -> list[dict]:
    """The rules `rules suggest` writes for `docs` (given `flags` too), checked by `rules check`."""
    path, out = tmp_path / "in.jsonl", tmp_path / "suggested.yaml"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    assert in_process("rules", "suggest", str(path), "--out", str(out), *flags).returncode == 0
    check = in_process("rules", "check", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    return yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]


def test_suggest_leaves_each_pages_title_that_other_pages_list_and_cuts_the_list(tmp_path, in_process):
    """Each page's title is in 4 other pages' list of the day's stories: `rules suggest` wrote a `line` rule for each
    ("line in 5 of 12"), and each took its page's title, which `run --learn-boilerplate` keeps (a QA pass). No rule
    takes a title now; the lists go with a `truncate` rule of their marker."""
    articles, heads = _articles(12), HEADLINES[:12]
    docs = [{"id": f"h{i:02d}", "url": f"https://journal.example/{i}",
             "text": f"{heads[i]}\n\n" + "\n\n".join(articles[i]) + "\n\nLes titres du jour\n"
             + "\n".join(heads[(i + k) % 12] for k in range(1, 5))} for i in range(12)]
    (rule,) = _suggested(tmp_path, docs, in_process)
    assert rule["kind"] == "truncate" and rule["markers"] == ["Les titres du jour"], rule
    assert rule["description"].startswith("marker line followed by a list to the end in 12 of 12 documents"), rule


def test_suggest_leaves_each_pages_title_under_a_sites_header(tmp_path, in_process):
    """Under a site's header, each page's title (in other pages' lists) got a `line` rule of its own (a QA pass)."""
    rules = _suggested(tmp_path, _titled_under_a_header(), in_process)
    assert [(r["kind"], r.get("lines"), r.get("markers")) for r in rules] == [
        ("block", ["Le Quotidien du Soir", "Votre journal indépendant depuis toujours"], None),
        ("truncate", None, ["Les titres du jour"])], rules


def test_suggest_leaves_each_pages_dated_title_that_the_run_keeps(tmp_path, in_process):
    """12 pages titled "Revue de presse du N mars 2021": `rules suggest` made their shape a `regex` rule, which took
    every page's title where `run --learn-boilerplate` keeps them (a QA pass). A label's value at a page's top
    ("Dernière modification : <date>") is still one (`test_suggest_proposes_checked_rules_from_what_recurs`)."""
    articles = _articles(12)
    docs = [{"id": f"r{i:02d}", "url": f"https://revue.example/{i}",
             "text": f"Revue de presse du {i + 1} mars 2021\n\n" + "\n\n".join(articles[i])} for i in range(12)]
    assert _suggested(tmp_path, docs, in_process) == []


def test_a_suggested_rule_counts_the_copy_dedup_keeps(tmp_path, in_process):
    """Of two copies of an article, the one with the smaller id counted for both, and the longer one dedup keeps holds
    the site's blurb: the rule said "line in 6 of 12 documents" where it fired on 7 kept ones (a QA pass: 99 and 100).
    The copy dedup keeps counts now."""
    blurb, articles = "Abonnez-vous à notre lettre pour recevoir chaque matin nos meilleurs articles", _articles(12)
    docs = [{"id": f"p{i:02d}", "url": f"https://lettre.example/{i}",
             "text": "\n\n".join([*articles[i], *([blurb] if i < 6 else [])])} for i in range(12)]
    docs.append({**docs[6], "id": "p06b", "text": docs[6]["text"] + "\n\n" + blurb})
    rules = _suggested(tmp_path, docs, in_process)
    assert [r["description"] for r in rules] == ["line in 7 of 12 documents of lettre.example (suggested)"], rules


def test_a_suggested_block_starts_under_the_line_that_opens_some_pages_and_counts_where_it_fires(tmp_path, in_process):
    """A series' navigation is in 6 pages' text and opens 4 others, where the run keeps its first line (their title):
    the block suggested from the 6 held that line, took it from the top of the 4 too, and said "in 6 of 10
    documents" where it fired in 10 (fr-pages' antisexisme.net, a QA pass). It starts under that line now, and its
    count is that of the documents where it fires."""
    nav = ["Sommaire du dossier corps et société", "Le corps dans l'espace public", "Le regard porté sur les corps",
           "La mode et les normes du corps", "Le sport et la performance des corps",
           "Le travail et la fatigue des corps"]
    articles = _articles(10)
    docs = [{"id": f"s{i}", "url": f"https://serie.example/{i}",
             "text": ("\n\n".join(articles[i][:1]) + "\n\n" + "\n".join(nav) if i < 6 else "\n".join(nav))
             + "\n\n" + "\n\n".join(articles[i][1:])} for i in range(10)]
    rules = _suggested(tmp_path, docs, in_process)
    blocks = [r for r in rules if r["kind"] == "block"]
    assert [r["lines"] for r in blocks] == [nav[1:]], rules
    assert blocks[0]["description"].startswith("run of 5 lines in 10 of 10 documents"), blocks


def test_suggest_proposes_truncate_over_a_list_holding_long_question_headlines(tmp_path, in_process):
    """A marker followed by 4 headlines unique to each page, some of them questions of 12 to 15 words: one such line
    disqualified the list, and the marker was suggested as a `line` rule (a QA pass). A suggested `truncate` rule
    judges its list as generic.related-list does (no prose under 16 words)."""
    rng = random.Random(3)
    docs = []
    for i, paragraphs in enumerate(_articles(20)):
        heads = [" ".join(rng.sample(_WORDS, 13)).capitalize() + " ?", " ".join(rng.sample(_WORDS, 6)).capitalize(),
                 " ".join(rng.sample(_WORDS, 14)).capitalize() + " ?", " ".join(rng.sample(_WORDS, 5)).capitalize()]
        docs.append({"id": f"q{i:02d}", "url": f"https://reco.example/{i}",
                     "text": "\n\n".join(paragraphs) + "\n\nNos recommandations de la semaine\n" + "\n".join(heads)})
    rules = _suggested(tmp_path, docs, in_process)
    assert [(r["kind"], r.get("markers")) for r in rules] == [("truncate", ["Nos recommandations de la semaine"])], \
        rules


def _bylined_lists(pool: int) -> list[dict]:
    """20 pages, each a byline, then a related list's heading and five headlines drawn from a `pool` of them."""
    rng = random.Random(7)
    heads = [" ".join(rng.sample(_WORDS, 7)).capitalize() for _ in range(pool)]
    return [{"id": f"l{i:02d}", "url": f"https://lectures.example/{i}",
             "text": "\n\n".join(paragraphs) + "\n\nÉcrit par la rédaction du Quotidien du Soir\n\n"
             + "Nos autres lectures du jour\n" + "\n".join(rng.sample(heads, 5))}
            for i, paragraphs in enumerate(_articles(20))]


@pytest.mark.parametrize("pool", [8, 60])
def test_suggest_cuts_a_related_list_at_its_heading_and_leaves_the_byline_above_it_a_line(pool, tmp_path, in_process):
    """A related list drawn from a small pool, its headlines learned, got a `line` rule for each (the list, all learned
    lines, was read as a footer: a QA pass); from a large pool, under a byline, two `truncate` rules, the byline one
    and the heading's that fires only inside its cut. One truncate at the heading now, and the byline a `line`."""
    rules = _suggested(tmp_path, _bylined_lists(pool), in_process)
    assert [(r["kind"], r.get("phrases"), r.get("markers")) for r in rules] == [
        ("line", ["Écrit par la rédaction du Quotidien du Soir"], None),
        ("truncate", None, ["Nos autres lectures du jour"])], rules


def test_suggest_surveys_a_page_of_many_learned_lines_in_time_linear_in_its_length():
    """Each line that opens a run of learned lines is tried as a `truncate` marker: what follows it was read from it
    to the end, for each, and a page of 2,000 learned lines, each above a line of its own, took `rules suggest` 12 s,
    of 4,000 over 4 minutes (a QA pass). The survey reads a page once for all its markers."""
    from cleaner.suggest import _Survey
    from cleaner.text import line_key

    source, heads = "liste.example", [f"Rubrique {k} du journal exemple" for k in range(600)]
    learned = frozenset(unit_hash(source, line_key(head)) for head in heads)

    def page(n: int) -> str:
        return "\n".join(f"{head}\nTexte unique {k} de la page, avec encore quelques mots pour que la ligne soit longue."
                         for k, head in enumerate(heads[:n]))

    assert linear_time(lambda text: _Survey(learned).add(source, text), page(300), page(600))


def test_suggest_proposes_truncate_over_a_list_under_a_short_line(tmp_path, in_process):
    """A related list under a short "Dernière modification" line at the end of each page: the marker was counted as
    one only where the line just above it was 80 characters, and was suggested as a `line` rule, its list left in
    place (a QA pass). The text before it counts, anywhere, as for the `truncate` kind (`min_before_chars`), and the
    rule's example holds the sentences before it that make enough. The marker is one no shipped rule knows: "À lire
    sur Modif" became `generic.related-list`'s, which then took the list itself, and nothing was left to suggest."""
    rng = random.Random(5)
    docs = [{"id": f"m{i:02d}", "url": f"https://modif.example/{i}",
             "text": "\n\n".join(paragraphs) + f"\n\nDernière modification : {1 + i}/03/2021\n\nAilleurs chez Modif\n"
             + "\n".join(" ".join(rng.sample(_WORDS, 7)).capitalize() for _ in range(5))}
            for i, paragraphs in enumerate(_articles(20))]
    rules = _suggested(tmp_path, docs, in_process)
    assert [(r["kind"], r.get("markers")) for r in rules] == [("regex", None), ("truncate", ["Ailleurs chez Modif"])], \
        rules  # the date line's shape, a `regex`
    (example,) = rules[1]["examples"]["remove"]
    before, line = example["clean"].rsplit("\n", 1)
    assert line.startswith("Dernière modification : ") and "\n" not in before and len(before) < 400, example


def test_suggest_makes_what_runs_on_each_site_once(tmp_path, in_process, monkeypatch):
    """Each suggested rule's keep examples were checked through what runs on each site of the loaded packs, made again
    for each rule and keep example tried (~25 ms each: 37 s of 67 on 1,000 pages, a QA pass). It is made once a run,
    then joined by each rule where it runs (`checks._Sites.joined`)."""
    from cleaner import checks

    made, make = [], checks._Sites.__init__
    monkeypatch.setattr(checks._Sites, "__init__", lambda self, *args: made.append(1) or make(self, *args))
    src, out = tmp_path / "in.jsonl", tmp_path / "suggested.yaml"
    _prose_pages(src, "once.example", ["Bloc de navigation propre au site", "Mentions légales et conditions du site"])
    assert in_process("rules", "suggest", str(src), "--out", str(out)).returncode == 0
    assert len(yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]) == 2 and len(made) == 1, made
