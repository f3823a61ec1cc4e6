"""`cleaner serve`: real uvicorn servers in subprocesses on free loopback ports (and an in-process
client where the app itself is the subject): endpoints, concurrency, persistence after SIGKILL,
auth, limits, errors, and a bounded load test."""

from __future__ import annotations

import gzip
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path
from urllib.parse import quote

import httpx2
import pytest
from conftest import DEEP_COLUMN, DROPPED_FROM_PAGE, DROPPED_PAGE, ROOT, SHARED, damaged_index, run_cli

from cleaner.config import Config
from cleaner.io.records import content_hash
from cleaner.service import Service, create_app

ARTICLE = ("Le gouvernement a présenté mardi un nouveau projet de loi sur le logement social. Les associations "
           "de locataires saluent un texte attendu depuis des années, mais les maires des grandes villes "
           "craignent un manque de moyens pour construire les logements promis d'ici la fin de la décennie.")
NOISY = "Publié dans Finances news le 13 - 12 - 2014\n" + ARTICLE
KEY = "s3cret-key"
WORDS = ["le", "la", "les", "un", "une", "des", "ville", "pays", "maison", "école", "gouvernement", "ministre",
         "projet", "loi", "marché", "prix", "pluie", "route", "train", "semaine", "année", "mardi", "président",
         "équipe", "match", "joueurs", "habitants", "travaux", "rapport", "budget", "santé"]


def fresh(seed: str, words: int = 60) -> str:
    """A text of its own (random words seeded by `seed`): no near copy of any other test's text."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m cleaner serve` on a free loopback port, waited for until /readyz answers."""

    def __init__(self, index: Path, *args: str, log: Path | None = None, **env: str) -> None:
        """A server on `index` started with `args` (and `env` added to the environment), its output in a pipe, or in the
        file `log` (for one that writes more than a pipe holds before anyone reads it)."""
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        env.pop("CLEANER_API_KEY", None)
        with open(log, "wb") if log else nullcontext() as file:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "cleaner", "serve", "--port", str(self.port), "--index", str(index),
                 "--log-level", "warning", *args],
                cwd=ROOT, env=env, stdout=file or subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text() if log else self.proc.stdout.read().decode()}")
            try:
                if httpx2.get(self.url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not become ready in 90 s")
            time.sleep(0.2)

    def client(self, **kwargs) -> httpx2.Client:
        return httpx2.Client(base_url=self.url, timeout=120, **kwargs)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("serve") / "index.sqlite", "--max-body-mb", "0.5")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory):
    """A server with `--api-key`, for the tests of the key (neither reads what the other writes)."""
    srv = Server(tmp_path_factory.mktemp("keyed") / "index.sqlite", "--api-key", KEY)
    yield srv
    srv.stop()


def _post_all(url: str, path: str, bodies: list, headers: dict | None = None) -> list[httpx2.Response]:
    """Post every body at once from its own client and thread, released together by a barrier."""
    barrier = threading.Barrier(len(bodies))

    def post(body):
        with httpx2.Client(base_url=url, timeout=120, headers=headers or {}) as c:
            barrier.wait()
            return c.post(path, json=body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


# -- endpoints ------------------------------------------------------------------------------------

def test_clean_one_and_batch_without_state(server):
    with server.client() as c:
        one = c.post("/v1/clean", json={"id": "n1", "text": NOISY})
        assert one.status_code == 200
        body = one.json()
        assert body["status"] == "cleaned"
        assert body["record"]["text"] == ARTICLE
        assert body["record"]["source"] == "Finances news" and body["record"]["published"] == "2014-12-13"
        assert {e["rule"] for e in body["record"]["edits"]} == {"fr.published-in"}
        assert body["record"]["lang"] == "fr"
        batch = c.post("/v1/clean", json=[{"id": "n1", "text": NOISY}, {"id": "n2", "text": ARTICLE}])
        assert [v["status"] for v in batch.json()] == ["cleaned", "cleaned"]
        assert c.get("/v1/documents/n1").status_code == 404  # /v1/clean stores nothing


INTAKE = {  # id: a text that needs taking in with care
    "empty": "",
    "blank": " \n\t ",
    "nul": "Le conseil\x00 municipal a voté le budget mardi soir.",
    "mojibake": "Le conseil municipal a votÃ© le budget mardi soir.",
    "binary": "\x01\x02\x03\x04" * 30,
    "none": None,  # no text at all
    "number": 5,  # not a string
}
ODD_FIELDS = [  # records whose fields are not all strings, taken in as they are on every path
    {"id": "null", "text": None},
    {"id": "odd", "text": "Le conseil municipal a voté le budget mardi soir.", "url": 5, "source": ["a"], "meta": "x"},
]


def test_a_text_is_taken_in_alike_by_the_command_line_the_api_and_the_service(server, tmp_path, in_process):
    """The same record gives the same verdict, clean text and repairs from `cleaner clean`, the Python
    API and `POST /v1/clean`: missing, null, empty and binary texts are `bad_input` at `read`, NUL
    characters and mojibake are repaired with a warning, a `url` that is not a string goes to `meta` (the
    service answered 422). Only the place named in a message differs (file and line, position, id)."""
    from cleaner import clean

    records = [{"id": rid, "text": text} if text is not None else {"id": rid} for rid, text in INTAKE.items()] + ODD_FIELDS
    path = tmp_path / "intake.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = in_process("clean", str(path), "--out", str(tmp_path / "out.jsonl"), "-q")
    assert proc.returncode == 0, proc.stderr
    cli = {r["id"]: r for name in ("out.jsonl", "out.rejects.jsonl")
           for r in map(json.loads, (tmp_path / name).read_text(encoding="utf-8").splitlines())}

    def seen(r: dict) -> tuple:
        """What every entry point must agree on, with the place in each message cut off."""
        if "reason" in r:
            return r["reason"], r["stage"], r["detail"].split(": ", 1)[1]
        return r["text"], r["lang"], [w.split(": ", 1)[1] for w in r.get("warnings", [])], *([r["meta"]] if "meta" in r else [])

    api = {out.id: out.record() for out in clean(records)}
    with server.client() as c:
        answers = c.post("/v1/clean", json=records).json()
    service = {v["id"]: v["record"] if v["status"] == "cleaned" else v for v in answers}
    expected = {
        "empty": ("bad_input", "read", "empty document"),
        "blank": ("bad_input", "read", "empty document"),
        "nul": ("Le conseil municipal a voté le budget mardi soir.", "fr", ["1 NUL character removed"]),
        "mojibake": ("Le conseil municipal a voté le budget mardi soir.", "fr",
                     ["mojibake repaired by ftfy (encode latin-1, decode utf-8)"]),
        "binary": ("bad_input", "read", "binary content, not text"),
        "none": ("bad_input", "read", "no 'text' field"),
        "number": ("bad_input", "read", "'text' is int, not a string"),
        "null": ("bad_input", "read", "'text' is null"),
        "odd": ("Le conseil municipal a voté le budget mardi soir.", "fr", [], {"url": 5, "source": ["a"], "meta": "x"}),
    }
    for name, answers_of in (("cleaner clean", cli), ("the API", api), ("the service", service)):
        assert {rid: seen(r) for rid, r in answers_of.items()} == expected, name
    assert cli["nul"]["warnings"] == [f"{path}:3: 1 NUL character removed"]
    assert api["nul"]["warnings"] == ["document 2: 1 NUL character removed"]
    assert service["nul"]["warnings"] == ["document 'nul': 1 NUL character removed"]


def test_what_a_page_lost_before_extraction_is_in_its_meta_on_every_path(server, tmp_path, in_process):
    """`cleaner clean`, the Python API and `POST /v1/clean` carry the same `meta.extracted.dropped`: the pull quote,
    caption, pop-up and button the HTML path dropped before extraction, each with its step."""
    from cleaner import clean

    record = {"id": "page", "html": DROPPED_PAGE}
    (tmp_path / "page.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    proc = in_process("clean", str(tmp_path / "page.jsonl"), "--out", str(tmp_path / "out.jsonl"), "-q")
    assert proc.returncode == 0, proc.stderr
    cli = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    with server.client() as c:
        service = c.post("/v1/clean", json=record).json()["record"]
    for name, answer in (("cleaner clean", cli), ("the API", clean(record).record()), ("the service", service)):
        assert answer["meta"]["extracted"]["dropped"] == DROPPED_FROM_PAGE, name


def test_an_id_that_is_no_id_names_the_document_by_its_place_on_every_path(server, tmp_path, in_process):
    """An id that is blank, a float, a boolean or a list is no id: `cleaner clean` and the Python API name the
    document by its place and a hash of its text and keep the value in `meta`; the service refused the whole
    batch with a 422, its valid documents too (a QA pass). It now answers each as the command line does."""
    from cleaner import clean

    records = [{"id": "ok-1", "text": "Bonjour à tous."}, {"id": 3.5, "text": "Salut."},
               {"id": True, "text": "Hello."}, {"id": "  ", "text": "Un texte."},
               {"id": [1], "text": "Un autre texte."}, {"id": 7, "text": "Sept."}]
    path = tmp_path / "ids.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert in_process("clean", str(path), "--out", str(tmp_path / "out.jsonl"), "-q").returncode == 0
    cli = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    api = [out.record() for out in clean(records)]
    with server.client() as c:
        answer = c.post("/v1/documents", json=records)
    assert answer.status_code == 200, answer.text
    service = [v["record"] for v in answer.json()]
    assert [v["status"] for v in answer.json()] == ["kept"] * 6

    def seen(r: dict) -> tuple:
        return r["id"].rsplit(":", 1)[-1], r["text"], r.get("meta")

    hashes = [content_hash(r["text"]) for r in records]
    expected = [("ok-1", "Bonjour à tous.", None), (hashes[1], "Salut.", {"id": 3.5}),
                (hashes[2], "Hello.", {"id": True}), (hashes[3], "Un texte.", None),
                (hashes[4], "Un autre texte.", {"id": [1]}), ("7", "Sept.", None)]
    for name, answers_of in (("cleaner clean", cli), ("the API", api), ("the service", service)):
        assert [seen(r) for r in answers_of] == expected, name
    assert [r["id"] for r in service][1:5] == [f"{n}:{hashes[n]}" for n in range(1, 5)]


def test_the_body_id_and_text_are_read_as_such_whatever_the_config_names_a_file_s_fields(tmp_path):
    """`id_field = "url"` (records keyed by their URL, for `cleaner run`) made the service answer and store a
    document under its `url`, not the `id` posted (a GET by that id was a 404); `text_field = "body"` said
    a null `text` was "'body' is null" (found by a QA pass)."""
    from fastapi.testclient import TestClient

    config = Config.load(id_field="url", text_field="body")
    with TestClient(create_app(Service(config, tmp_path / "index.sqlite"))) as c:
        kept = c.post("/v1/documents", json={"id": "a1", "text": ARTICLE, "url": "https://example.ma/a1"}).json()
        assert (kept["id"], kept["status"], kept["record"]["id"], kept["record"]["url"]) == (
            "a1", "kept", "a1", "https://example.ma/a1")
        assert c.get("/v1/documents/a1").json()["raw"] == {"id": "a1", "text": ARTICLE, "url": "https://example.ma/a1"}
        null = c.post("/v1/clean", json={"id": "n", "text": None}).json()
        assert null["detail"] == "document 'n': 'text' is null"


def test_the_service_runs_without_the_disabled_rules_and_names_them(tmp_path):
    """A shipped rule could not be switched off but by dropping every shipped pack: `disabled_rules` does it through
    the config, and `GET /v1/rules` names the rules it leaves out."""
    from fastapi.testclient import TestClient

    config = Config.load(disabled_rules=["fr.published-in"])
    with TestClient(create_app(Service(config, tmp_path / "index.sqlite"))) as c:
        rules = c.get("/v1/rules").json()
        assert rules["disabled"] == ["fr.published-in"]
        assert "fr.published-in" not in {r["id"] for r in rules["rules"]}
        text = "Publié dans Le Matin le 3 mars 2021\n\n" + ARTICLE
        assert c.post("/v1/clean", json={"id": "p", "text": text}).json()["record"]["text"] == text


def test_rules_check_refuses_a_rule_of_a_disabled_rules_id_as_the_command_line_does(tmp_path, in_process):
    """`rules check --config` refuses a pack's rule of the id of a rule the config disables, as a run with that config
    does, where `POST /v1/rules/check` passed it (a review): the service refuses it too, `alone` or not, in the same
    words."""
    from fastapi.testclient import TestClient

    cfg, pack = tmp_path / "c.toml", tmp_path / "mine.yaml"
    cfg.write_text('disabled_rules = ["fr.published-in"]\n', encoding="utf-8")
    text = ("rules:\n  - id: fr.published-in\n    kind: line\n    description: a fix\n    phrases: [Menu]\n"
            "    examples: {remove: [Menu], keep: ['Le texte.']}\n")
    pack.write_text(text, encoding="utf-8")
    cli = in_process("rules", "check", "--config", str(cfg), str(pack))
    said = cli.stderr.removeprefix("cleaner: ").removesuffix("\n")
    assert cli.returncode == 2 and "(disabled: a disabled rule keeps its id; give yours another)" in said, cli.stderr
    with TestClient(create_app(Service(Config.load(cfg), tmp_path / "index.sqlite"))) as c:
        for alone in (False, True):
            answer = c.post("/v1/rules/check", json={"pack": text, "name": str(pack), "alone": alone}).json()
            assert answer == {"ok": False, "rules": 0, "examples": 0, "error": said, "failures": [], "notes": []}


def test_a_trailing_slash_on_a_post_route_is_redirected_as_on_every_route(tmp_path):
    """`POST /v1/documents/` was a 405: the GET route's id, which took every character, took none too, where
    `/v1/clean/` was redirected to `/v1/clean` (found by a QA pass). No id is empty."""
    from fastapi.testclient import TestClient

    with TestClient(create_app(Service(Config.load(), tmp_path / "index.sqlite"))) as c:
        posted = c.post("/v1/documents/", json={"id": "s1", "text": ARTICLE})
        assert (posted.status_code, [r.status_code for r in posted.history]) == (200, [307])
        assert posted.json()["status"] == "kept"
        assert c.get("/v1/documents/s1").json()["record"]["text"] == ARTICLE
        assert c.get("/v1/documents/").status_code == 405  # to /v1/documents, which takes POST only
        assert c.get("/v1/clusters/").status_code == 404


def test_documents_kept_duplicate_rejected_then_read_back(server):
    with server.client() as c:
        kept = c.post("/v1/documents", json={"id": "d1", "text": NOISY, "url": "https://example.ma/a/1"}).json()
        assert kept["status"] == "kept" and kept["cluster"] == "d1"
        batch = c.post("/v1/documents", json=[
            {"id": "d2", "text": ARTICLE + " Fin."},  # near copy of d1's clean text
            {"id": "d3", "text": ""},
            {"id": "d4", "text": ARTICLE},  # the same clean text as d1
        ]).json()
        assert [v["id"] for v in batch] == ["d2", "d3", "d4"]  # input order
        near, empty, exact = batch
        assert near["status"] == "duplicate" and near["reason"] == "duplicate" and near["dup_of"] == "d1"
        assert 0.5 <= near["similarity"] < 1
        assert empty == {"id": "d3", "status": "rejected", "reason": "bad_input", "stage": "read",
                         "detail": "document 'd3': empty document"}  # as the command line rejects an empty record
        assert exact["reason"] == "exact_duplicate" and exact["dup_of"] == "d1" and exact["similarity"] == 1.0
        earlier = ", kept by an earlier service request"  # "an earlier batch (a service request, a Pipeline call …)"
        assert exact["detail"] == f"same normalised clean text as d1{earlier}"  # "as d1" alone (a QA pass)
        assert near["detail"].startswith(f"near-duplicate of d1{earlier} (")
        again = c.post("/v1/documents", json={"id": "d1", "text": "anything"}).json()
        assert again["status"] == "duplicate" and again["reason"] == "already_indexed"
        # it said "kept by an earlier run" of a document this server had kept a moment before (a QA pass)
        assert again["detail"] == f"this id is already in the index{earlier}"

        doc = c.get("/v1/documents/d1").json()
        assert doc["record"]["text"] == ARTICLE and doc["record"]["cluster"] == "d1"
        assert doc["raw"] == {"id": "d1", "text": NOISY, "url": "https://example.ma/a/1"}
        cluster = c.get("/v1/clusters/d1").json()
        assert cluster["kept"] == "d1" and cluster["kept_stored"] is True
        assert [(m["id"], m["reason"]) for m in cluster["duplicates"]] == [("d2", "duplicate"), ("d4", "exact_duplicate")]
        assert c.get("/v1/documents/d2").status_code == 404  # duplicates are linked, not stored
        assert c.get("/v1/clusters/nope").status_code == 404
        stats = c.get("/v1/stats").json()
        assert stats["index_documents"] == stats["stored_documents"] >= 1
        assert stats["since_start"]["read"] >= 5


def test_an_id_that_is_a_url_is_fetched_back(server):
    """Ids are often URLs: `GET /v1/documents/{id}` and `/v1/clusters/{id}` take one with its slashes,
    as it is or percent-encoded."""
    url, query = "https://example.ma/economie/2024/05/budget", "https://example.ma/article?id=7&page=2"
    broken = "titre\ndu/jour"  # a line break: Starlette's `path` parameter stops at one (it was a 404)
    with server.client() as c:
        texts = ("Le budget de la ville pour 2025 prévoit une hausse des dépenses d'entretien des routes et des "
                 "écoles, et une baisse de la dette, a expliqué l'adjoint aux finances devant le conseil municipal.",
                 "Une nouvelle ligne de tramway reliera la gare au campus universitaire d'ici trois ans, a annoncé la "
                 "métropole, pour un coût estimé à deux cents millions d'euros financés en partie par l'État.",
                 "La piscine municipale fermera tout l'été pour des travaux de rénovation de ses bassins et de sa "
                 "toiture, a indiqué la mairie, qui promet une réouverture à la rentrée de septembre.")
        for doc_id, text in zip((url, query, broken), texts):
            assert c.post("/v1/documents", json={"id": doc_id, "text": text}).json()["status"] == "kept"
        for doc_id, path in ((url, url), (url, quote(url, safe="")), (query, quote(query, safe="")),
                             (broken, quote(broken, safe="/"))):
            assert c.get(f"/v1/documents/{path}").json()["record"]["id"] == doc_id
            assert c.get(f"/v1/clusters/{path}").json()["kept"] == doc_id


def test_an_id_kept_after_being_a_duplicate_is_no_longer_linked_as_one(server):
    """`d2` posted as a copy of `d1`, then `d2` posted again with its own text and kept: the cluster of
    `d1` no longer lists `d2` (it listed the unrelated kept document as its copy)."""
    first, own = fresh("relink-first", 80), fresh("relink-own", 80)
    with server.client() as c:
        assert c.post("/v1/documents", json={"id": "rl1", "text": first}).json()["status"] == "kept"
        assert c.post("/v1/documents", json={"id": "rl2", "text": first}).json()["reason"] == "exact_duplicate"
        assert [d["id"] for d in c.get("/v1/clusters/rl1").json()["duplicates"]] == ["rl2"]
        assert c.post("/v1/documents", json={"id": "rl2", "text": own}).json()["status"] == "kept"
        assert c.get("/v1/clusters/rl1").json()["duplicates"] == []


def _review_clusters(html: str) -> dict[str, list[tuple[str, set[str]]]]:
    """The review page's clusters: each kept id's members, with the kinds of line their diff holds (" " alone: the
    copy's clean text is the kept one's)."""
    index = json.loads(re.search(r'<script type="application/json" id="index">(.*?)</script>', html, re.DOTALL)[1])
    chunks = re.findall(r'<script type="application/json" id="diffs-\d+">(.*?)</script>', html, re.DOTALL)
    diffs = [d for chunk in chunks for d in json.loads(chunk)]
    return {c["kept"]: [(m["id"], {kind for kind, _ in diff}) for m, diff in zip(c["members"], lines, strict=True)]
            for c, lines in zip(index["clusters"], diffs, strict=True)}


def test_an_id_posted_again_as_a_copy_of_another_document_stays_linked_to_both(server):
    """`dupX` posted as a copy of `K1`, then as a copy of `K2`: the cluster of `K1` listed it, then nothing (its one
    link, keyed by its id, was replaced, its text with it), and the review showed it under `K2` alone. Each answer's
    link stays, with the text posted then, and the review diffs each cluster against the copy posted into it."""
    first, second = fresh("twice-linked-1", 80), fresh("twice-linked-2", 80)
    with server.client() as c:
        for doc_id, text in (("tl-K1", first), ("tl-K2", second)):
            assert c.post("/v1/documents", json={"id": doc_id, "text": text}).json()["status"] == "kept"
        assert c.post("/v1/documents", json={"id": "tl-dupX", "text": first}).json()["dup_of"] == "tl-K1"
        assert c.post("/v1/documents", json={"id": "tl-dupX", "text": second}).json()["dup_of"] == "tl-K2"
        for kept in ("tl-K1", "tl-K2"):
            assert c.get(f"/v1/clusters/{kept}").json()["duplicates"] == [
                {"id": "tl-dupX", "reason": "exact_duplicate", "similarity": 1.0}]
        clusters = _review_clusters(c.get("/review", params={"limit": 50}).text)
    assert clusters["tl-K1"] == clusters["tl-K2"] == [("tl-dupX", {" "})]


def test_a_store_whose_links_are_keyed_by_id_alone_keeps_them_and_links_an_id_to_two_clusters(tmp_path):
    """A store made before a duplicate's links were keyed by (id, cluster) is given that key when the service opens
    it, its links kept: it went on replacing an id's one link."""
    import sqlite3

    from fastapi.testclient import TestClient

    from cleaner import Pipeline

    index, first, second = tmp_path / "index.sqlite", fresh("old-store-1", 80), fresh("old-store-2", 80)
    with Pipeline(Config.load(), index=index) as pipeline:
        assert len(pipeline.run([{"id": "K1", "text": first}, {"id": "K2", "text": second}]).kept) == 2
    with closing(sqlite3.connect(index)) as db, db:
        db.execute("CREATE TABLE service_duplicates (id TEXT PRIMARY KEY, cluster TEXT NOT NULL, reason TEXT NOT NULL,"
                   " similarity REAL, added REAL NOT NULL, raw TEXT)")
        db.execute("CREATE INDEX service_duplicates_cluster ON service_duplicates (cluster)")
        db.execute("INSERT INTO service_duplicates VALUES ('dupX', 'K1', 'exact_duplicate', 1.0, 0, ?)",
                   (json.dumps({"id": "dupX", "text": first}),))
    with TestClient(create_app(Service(Config.load(), index))) as c:
        assert c.post("/v1/documents", json={"id": "dupX", "text": second}).json()["dup_of"] == "K2"
        assert [[d["id"] for d in c.get(f"/v1/clusters/{k}").json()["duplicates"]] for k in ("K1", "K2")] == [
            ["dupX"], ["dupX"]]
        assert c.get("/v1/stats").json()["duplicate_links"] == 2


def test_an_old_store_locked_by_another_process_is_the_busy_index_not_a_traceback(tmp_path):
    """Giving an old store its new key takes the write lock: held by another process (a long `cleaner run --index`)
    past the wait, the service ended in sqlite3's "database is locked" traceback, exit 1 (a review), where a busy
    index is one line, exit 2."""
    import sqlite3

    from cleaner import Pipeline
    from cleaner.dedup.index import IndexBusyError
    from cleaner.service.store import DocumentStore

    for old in (True, False):  # an old store given its key; an index a run made, the store's tables made (a review)
        index = tmp_path / f"index-{old}.sqlite"
        with Pipeline(Config.load(), index=index) as pipeline:
            assert len(pipeline.run([{"id": "K1", "text": fresh("locked-store", 80)}]).kept) == 1
        with closing(sqlite3.connect(index)) as db, db:
            if old:
                db.execute("CREATE TABLE service_duplicates (id TEXT PRIMARY KEY, cluster TEXT NOT NULL, "
                           "reason TEXT NOT NULL, similarity REAL, added REAL NOT NULL, raw TEXT)")
        holder = sqlite3.connect(index, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(IndexBusyError, match="busy: another process has held the index's write lock for over "
                                                     "0.2 s"):
                DocumentStore(str(index), sqlite3.connect(index, timeout=0.2, isolation_level=None), timeout=0.2)
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_the_cluster_of_a_document_a_run_kept_is_found_with_or_without_links(tmp_path):
    """A document `cleaner run` kept is in the index, not in the service's store: its cluster answered
    200 while the service linked a copy to it and 404 once that link was gone (found by a QA pass)."""
    import sqlite3

    from cleaner import Pipeline
    from cleaner.service.store import DocumentStore

    index = tmp_path / "index.sqlite"
    with Pipeline(Config.load(), index=index) as pipeline:
        assert [d.id for d in pipeline.run([{"id": "by-run", "text": fresh("by-run", 80)}]).kept] == ["by-run"]
    store = DocumentStore(str(index), sqlite3.connect(index))
    assert store.cluster("by-run") == {"id": "by-run", "kept": "by-run", "kept_stored": False, "duplicates": []}
    assert store.cluster("nowhere") is None


def test_copies_of_one_id_in_a_batch_get_their_own_verdicts_in_input_order(server):
    """Verdicts go back by input position, not by id: a rejected copy and the kept one of the same id
    each get their own answer, whichever comes first, and the kept answer carries its own text."""
    short, longer, other = fresh("order-short", 40), fresh("order-long", 80), fresh("order-other", 80)
    with server.client() as c:
        first_empty = c.post("/v1/documents", json=[{"id": "o1", "text": ""}, {"id": "o1", "text": longer}]).json()
        short_first = c.post("/v1/documents", json=[{"id": "o2", "text": short}, {"id": "o2", "text": other}]).json()
    assert [(v["status"], v.get("reason")) for v in first_empty] == [("rejected", "bad_input"), ("kept", None)]
    assert first_empty[1]["record"]["text"] == longer
    assert [(v["status"], v.get("reason")) for v in short_first] == [("duplicate", "repeated_id"), ("kept", None)]
    assert short_first[1]["record"]["text"] == other  # the keep policy keeps the longer copy


def test_a_repeated_id_is_answered_in_the_cluster_its_first_copy_went_to(server):
    """Two copies of `r1` copying a stored document: the first a duplicate of it, the second `repeated_id` named the
    cluster `r1`, which was never kept (its GET a 404; found by a QA pass). It names the first copy's cluster: the
    stored document's, or the id's own when the first copy was kept."""
    copied, own = fresh("repeated-copied"), fresh("repeated-own")
    with server.client() as c:
        assert c.post("/v1/documents", json={"id": "rep-stored", "text": copied}).json()["status"] == "kept"
        as_copy = c.post("/v1/documents", json=[{"id": "rep-r1", "text": copied}, {"id": "rep-r1", "text": copied}])
        as_kept = c.post("/v1/documents", json=[{"id": "rep-r2", "text": own}, {"id": "rep-r2", "text": own}])
        for verdicts, cluster in ((as_copy.json(), "rep-stored"), (as_kept.json(), "rep-r2")):
            went, repeated = sorted(verdicts, key=lambda v: v.get("reason") == "repeated_id")
            assert repeated["reason"] == "repeated_id" and went["cluster"] == repeated["cluster"] == cluster, verdicts
            assert c.get(f"/v1/clusters/{cluster}").status_code == 200


def test_review_page_over_what_the_service_holds(server):
    """`GET /review`: the `cleaner review` page over the stored documents, with a duplicate in its cluster."""
    other = ("La compagnie ferroviaire a annoncé jeudi la réouverture de la ligne entre les deux villes du nord, "
             "fermée depuis les inondations de l'hiver. Les travaux ont coûté plus que prévu, selon le rapport "
             "publié par la région, et les horaires resteront réduits jusqu'à la fin du printemps.")
    with server.client() as c:
        kept = c.post("/v1/documents", json={"id": "rv-kept", "text": "Publié dans Le Matin le 3 - 4 - 2021\n" + other})
        assert kept.json()["status"] == "kept"
        assert c.post("/v1/documents", json={"id": "rv-copy", "text": other + " Fin."}).json()["dup_of"] == "rv-kept"
        page = c.get("/review", params={"limit": 50})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "cleaner review" in html and '"rv-kept"' in html and '"rv-copy"' in html
    assert "fr.published-in" in html  # the removed header line is labelled with its rule
    # no address to load anything from in the page's markup and code; the data blocks hold the rules' examples and
    # the documents' text, which may quote any URL (a SoundCloud pack's sponsor examples do) and is never loaded
    markup = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", html, flags=re.DOTALL)
    assert markup.count('<script type="application/json"') == 0 and len(markup) < len(html)
    assert "http://" not in markup.replace("http://www.w3.org", "") and "src=\"http" not in markup


def test_health_ready_docs_and_rules(server):
    with server.client() as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        assert c.get("/readyz").json()["status"] == "ready"
        assert [c.head(path).status_code for path in ("/healthz", "/readyz")] == [200, 200]  # HEAD was a 405
        assert c.get("/docs").status_code == 200
        paths = c.get("/openapi.json").json()["paths"]
        assert {"/v1/clean", "/v1/documents", "/v1/documents/{doc_id}", "/v1/clusters/{cluster_id}", "/v1/stats",
                "/v1/rules", "/v1/rules/check", "/healthz", "/readyz"} <= set(paths)
        rules = c.get("/v1/rules").json()
        assert "fr.published-in" in {r["id"] for r in rules["rules"]}
        assert "shipped/fr.yaml" in rules["files"] and not any("/" in f.removeprefix("shipped/") for f in rules["files"])


def test_the_html_path_and_the_language_tagger_are_warmed_up_before_the_server_is_ready(tmp_path):
    """The first page after the start took over 5 s (QA pass), the next 2.3 s: trafilatura, lxml, htmldate and the
    language backends were imported at the first request. They are before /readyz says ready: the first page and text
    import none of them (`PYTHONPROFILEIMPORTTIME` logs each import as it happens), and are not counted as cleaned."""
    log = tmp_path / "server.log"
    srv = Server(tmp_path / "index.sqlite", log=log, PYTHONPROFILEIMPORTTIME="1")
    try:
        ready = log.stat().st_size
        with srv.client() as c:
            assert c.post("/v1/clean", json=[{"id": "p", "html": DROPPED_PAGE}, {"id": "t", "text": ARTICLE}]).json()[
                1]["record"]["lang"] == "fr"
            assert c.get("/v1/stats").json()["cleaned_since_start"]["read"] == 2
    finally:
        srv.stop()
    imported = re.findall(r"^import time:.*\|\s+([\w.]+)$", log.read_text()[ready:], re.MULTILINE)
    libraries = {"trafilatura", "lxml", "htmldate", "courlan", "justext", "pycld2", "py3langid", "lingua"}
    assert not {name.partition(".")[0] for name in imported} & libraries, imported


def test_clean_calls_are_counted_and_no_server_path_is_shown(server):
    """`POST /v1/clean` had no count in `/v1/stats` (only `/v1/documents` did), and the stats and the rules
    showed the server's absolute paths to any client."""
    with server.client() as c:
        before = c.get("/v1/stats").json()
        texts = [{"id": "c1", "text": "Le conseil municipal a voté le budget de la ville."}, {"id": "c2", "text": "   "}]
        assert [v["status"] for v in c.post("/v1/clean", json=texts).json()] == ["cleaned", "rejected"]
        after = c.get("/v1/stats").json()
    assert after["cleaned_since_start"]["read"] == before["cleaned_since_start"]["read"] + 2
    assert after["cleaned_since_start"]["kept"] == before["cleaned_since_start"]["kept"] + 1
    assert sum(after["cleaned_since_start"]["rejected"].values()) == sum(before["cleaned_since_start"]["rejected"].values()) + 1
    assert after["since_start"] == before["since_start"]  # /v1/documents' own counts
    assert "/" not in after["index"] and after["index"].endswith(".sqlite")


PACK = """\
rules:
  - id: test.read-also
    kind: line
    description: a "Lire aussi" teaser line
    phrases: ["Lire aussi"]
    examples:
      remove: ["Lire aussi"]
      keep: ["{keep}"]
"""


def test_a_duplicate_names_the_run_that_kept_its_original_by_the_folder_s_name(tmp_path, in_process):
    """A copy of what a `cleaner run -o DIR --index FILE` kept was answered `kept by an earlier run (DIR)`, the run's
    folder as a path on the server, which the stats and rules show no client (QA pass): it is named by its name."""
    text = fresh("kept-by-run-b", 80)
    docs, index = tmp_path / "in.jsonl", tmp_path / "index.sqlite"
    docs.write_text(json.dumps({"id": "by-b", "text": text}) + "\n", encoding="utf-8")
    assert in_process("run", str(docs), "-o", str(tmp_path / "runB"), "--index", str(index)).returncode == 0
    with Service(Config.load(), index) as service:
        copy, again = service.submit([as_doc({"id": "copy", "text": text}), as_doc({"id": "by-b", "text": "x"})])
    assert copy.detail == "same normalised clean text as by-b, kept by an earlier run (runB)"
    assert again.detail == "this id is already in the index, kept by an earlier run (runB)"


def test_a_copy_of_what_a_service_request_kept_says_so_in_a_run_a_pipeline_call_and_the_service(tmp_path, in_process):
    """A copy of a document a service request kept, in a `cleaner run` or a `Pipeline` call on the same index, said
    "kept by an earlier batch (a service request, a Pipeline call or a run of an older cleaner)", and the review page
    "(kept by an earlier run)": the service's store, in the index file, tells that a service request kept it."""
    from cleaner import Pipeline

    text = fresh("kept-by-the-service", 80)
    index = tmp_path / "index.sqlite"
    with Service(Config.load(), index) as service:
        assert [v.status for v in service.submit([as_doc({"id": "served", "text": text})])] == ["kept"]
    docs = tmp_path / "in.jsonl"
    docs.write_text(json.dumps({"id": "copy", "text": text}) + "\n", encoding="utf-8")
    assert in_process("run", str(docs), "-o", str(tmp_path / "out"), "--index", str(index)).returncode == 0
    rejects = [json.loads(line) for line in (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()]
    assert [r["detail"] for r in rejects] == ["same normalised clean text as served, kept by an earlier service request"]
    with Pipeline(Config.load(), index) as pipeline:
        again = pipeline.run([{"id": "served", "text": "x"}]).rejected
    assert [r.detail for r in again] == ["this id is already in the index, kept by an earlier service request"]
    assert in_process("review", str(tmp_path / "out"), "--out", str(tmp_path / "review.html")).returncode == 0
    assert '"earlier":{"served":"an earlier service request"}' in (tmp_path / "review.html").read_text()


def test_a_run_folder_named_like_the_services_mark_is_a_run(tmp_path, in_process):
    """The service names an earlier run by its folder's name, and said of a run's folder named ":service" (the mark
    `keepers` gave a service request's documents) that a service request kept its documents (a review)."""
    text = fresh("kept-by-a-run", 80)
    index = tmp_path / "index.sqlite"
    docs = tmp_path / "in.jsonl"
    docs.write_text(json.dumps({"id": "ran", "text": text}) + "\n", encoding="utf-8")
    assert in_process("run", str(docs), "-o", ":service", "--index", str(index), cwd=tmp_path).returncode == 0
    assert (tmp_path / ":service" / "corpus.jsonl").is_file()
    with Service(Config.load(), index) as service:
        (verdict,) = service.submit([as_doc({"id": "copy", "text": text})])
    assert verdict.detail == "same normalised clean text as ran, kept by an earlier run (:service)"


def test_rules_check_runs_examples_and_never_loads_the_pack(server):
    with server.client() as c:
        before = c.get("/v1/rules").json()["rules"]
        good = c.post("/v1/rules/check", json={"pack": PACK.format(keep="Il faut lire aussi le rapport complet.")}).json()
        assert good == {"ok": True, "rules": 1, "examples": 2, "error": None, "failures": [], "notes": []}
        bad = c.post("/v1/rules/check", json={"pack": PACK.format(keep="Lire aussi")}).json()
        assert bad["ok"] is False and bad["failures"][0].startswith("pack.yaml:2: FAIL test.read-also: keep example 1")
        # at the rule's line, as `rules check` prints a failure (the README said so; the service left out the place)
        broken = c.post("/v1/rules/check", json={"pack": "rules:\n  - id: x\n    kind: nope\n", "name": "mine.yaml"}).json()
        assert broken["ok"] is False and "mine.yaml" in broken["error"] and "kind" in broken["error"]
        assert c.get("/v1/rules").json()["rules"] == before
        cleaned = c.post("/v1/clean", json={"id": "r", "text": "Lire aussi\n" + ARTICLE}).json()
        assert "test.read-also" not in {e["rule"] for e in cleaned["record"]["edits"]}


NOTED = """\
rules:
  - id: fr.photo-credit
    kind: line
    description: a credit line of my own
    phrases: ["Crédit photo maison"]
    examples: {remove: ["Crédit photo maison"], keep: ["Le conseil municipal a voté mardi le budget."]}
  - id: my.shape
    kind: shape
    description: my own shape rule
    examples: {remove: ["Accueil | Contact | Plan du site"], keep: ["Le conseil municipal a voté mardi le budget."]}
  - id: my.read-also
    kind: regex
    description: read-also lines
    requires: [lire aussi]
    pattern: 'Lire(?:[^\\S\\n]++aussi|[^\\S\\n]*+:)[^\\n]{1,80}'
    examples: {remove: ["Lire aussi : la suite"], keep: ["Il aime lire."]}
"""


def test_rules_check_answers_the_notes_rules_check_prints(server, tmp_path, in_process):
    """A rule by a shipped rule's id, an unscoped shape rule that replaces none, and a pattern with a branch that
    holds none of its `requires` strings: the CLI noted them, the service answered ok with no word of the first two
    (found by a QA pass). Its notes are the CLI's, but for the prefix."""
    pack = tmp_path / "mine.yaml"
    pack.write_text(NOTED, encoding="utf-8")
    cli = in_process("rules", "check", str(pack))
    with server.client() as c:
        answer = c.post("/v1/rules/check", json={"pack": NOTED, "name": str(pack)}).json()
        alone = c.post("/v1/rules/check", json={"pack": NOTED, "name": str(pack), "alone": True}).json()
    assert [n.split(": ", 1)[0] for n in answer["notes"]] == [
        "fr.photo-credit has the id of a shipped rule", f"{pack}:7", f"{pack}:11"]
    assert ["note: " + n for n in answer["notes"]] == [line for line in cli.stderr.splitlines() if line.startswith("note")]
    assert "the shape rule my.shape has no `sources`, so it replaces no shape rule" in answer["notes"][1]
    assert answer["notes"][2].startswith(f"{pack}:11: my.read-also: its pattern may match a text that holds none of "
                                         "its `requires` strings, such as 'lire :…'")
    assert alone["notes"] == [answer["notes"][2]]  # of the pack's own rules: no other to clash with


def test_a_pack_nested_too_deeply_is_a_failed_check_not_a_crash(server):
    """A pack of lists 100,000 deep took the service down (a segmentation fault in libyaml); it is a failed check
    naming the pack's depth, and the service goes on."""
    with server.client() as c:
        deep = c.post("/v1/rules/check", json={"pack": "rules: " + "[" * 1_001 + "]" * 1_001, "name": "d.yaml"}).json()
        assert deep == {"ok": False, "rules": 0, "examples": 0, "failures": [], "notes": [],
                        "error": f"d.yaml:1:{DEEP_COLUMN}: YAML error: nested over 500 levels deep (a pack is some "
                                 "five)"}
        assert c.get("/healthz").status_code == 200


def test_a_pack_name_that_is_blank_or_not_unicode_is_422(server):
    """A `name` holding a lone surrogate was a 500 (the answer that names it could not be sent), a blank
    one named nothing in the error (":2:1: YAML error"); both are a 422 at the field, as an `id` is
    (found by a QA pass)."""
    with server.client() as c:
        for name in (b'"a\\ud800.yaml"', b'""', b'"  "'):
            r = c.post("/v1/rules/check", content=b'{"pack": "rules: [", "name": ' + name + b"}",
                       headers={"content-type": "application/json"})
            assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "name"], r.text


def test_a_pack_holding_a_lone_surrogate_is_a_failed_check_at_its_place(server):
    """A lone surrogate in a pack's text (`"\\ud800"`, valid JSON) was "YAML error: 'utf-8' codec can't encode character
    '\\ud800' in position 8: surrogates not allowed", libyaml's reading in UTF-8 (found by a QA pass): it is named
    at its line and column, as YAML names a character it refuses."""
    with server.client() as c:
        for pack, at, code in ((b'"rules: [\\ud800]"', "1:9", "d800"),
                               (b'"rules:\\n  - id: x\\udcff\\n"', "2:10", "dcff")):
            r = c.post("/v1/rules/check", content=b'{"pack": ' + pack + b', "name": "s.yaml"}',
                       headers={"content-type": "application/json"})
            assert r.status_code == 200 and r.json() == {
                "ok": False, "rules": 0, "examples": 0, "failures": [], "notes": [],
                "error": f"s.yaml:{at}: YAML error: unacceptable character #x{code}: a lone surrogate, which is no "
                         "Unicode text"}, r.text


def test_a_pack_check_s_alone_is_a_json_boolean(server):
    """`"alone": "yes"` was taken for true, `"no"` and `0` for false (pydantic's lax reading; found by a QA pass), where
    the pack and its name must be strings: it is a JSON boolean, or a 422 naming it."""
    with server.client() as c:
        for alone in ("yes", "no", "true", 1, 0):
            r = c.post("/v1/rules/check", json={"pack": "rules: []", "alone": alone})
            assert r.status_code == 422 and [e["loc"] for e in r.json()["detail"]] == [["body", "alone"]], r.text
        for alone in (True, False):
            assert c.post("/v1/rules/check", json={"pack": "rules: []", "alone": alone}).json()["ok"] is True


# -- bad requests ---------------------------------------------------------------------------------

def test_bad_requests_get_clear_answers(server):
    with server.client() as c:
        typo = c.post("/v1/documents", json={"id": "t", "txt": "hello"})  # `txt` goes to meta, as on the command line
        assert (typo.status_code, typo.json()) == (200, {"id": "t", "status": "rejected", "reason": "bad_input", "stage": "read",
                                                         "detail": "document 't': no 'text' field"}), typo.text
        for blank in ("", "  "):  # no id, as on the command line: named by its place (it was a 422)
            answer = c.post("/v1/clean", json={"id": blank, "text": "Un texte."})
            assert answer.status_code == 200 and answer.json()["id"] == f"0:{content_hash('Un texte.')}", answer.text
        malformed = c.post("/v1/clean", content=b'{"id": "x", "text": ', headers={"content-type": "application/json"})
        assert malformed.status_code == 422 and malformed.json()["detail"][0]["type"] == "json_invalid"
        form = c.post("/v1/clean", content=b'{"id": "x", "text": "Un texte."}',  # what `curl -d` sends
                      headers={"content-type": "application/x-www-form-urlencoded"})
        assert form.status_code == 422 and form.json()["detail"] == [{
            "type": "content_type", "loc": ["header", "content-type"],
            "msg": "the body must be JSON, sent with Content-Type: application/json (this one was "
                   "'application/x-www-form-urlencoded')"}], form.text
        body = b'{"id": "x", "text": "Un texte."}'  # FastAPI reads a body as JSON only by its type: none, text/json ...
        for kind, sent in ((None, "none was given"), ("text/json", "this one was 'text/json'"),
                           ("application/x-ndjson", "this one was 'application/x-ndjson'")):
            answer = c.post("/v1/clean", content=body, headers={"content-type": kind} if kind else {})
            assert answer.status_code == 422 and answer.json()["detail"] == [{
                "type": "content_type", "loc": ["header", "content-type"],
                "msg": f"the body must be JSON, sent with Content-Type: application/json ({sent})"}], answer.text
        for kind in ("application/json; charset=utf-8", "application/ld+json"):
            assert c.post("/v1/clean", content=body, headers={"content-type": kind}).status_code == 200, kind
        assert c.get("/v1/documents/unknown-id").status_code == 404
        for r in (typo, answer, malformed):
            assert "Traceback" not in r.text


def test_an_empty_body_is_said_to_be_empty(server):
    """An empty body was a 422 "Field required" at `["body"]`, which did not say the body was empty; one of white space
    alone (a client's line end) is empty too (it said "Expecting value at line 1, column 4": a review)."""
    with server.client() as c:
        for path in ("/v1/documents", "/v1/clean", "/v1/rules/check"):
            for headers, body in (({"content-type": "application/json"}, b""), ({}, b""),
                                  ({"content-type": "application/json"}, b" \r\n")):  # white space alone: empty
                answer = c.post(path, content=body, headers=headers)
                said = {"type": "missing", "loc": ["body"], "msg": "empty body: send the request's JSON in it"}
                assert answer.status_code == 422 and answer.json()["detail"] == [said], answer.text


def test_malformed_json_is_said_with_its_place_in_the_message(server):
    """FastAPI's 422 of malformed JSON said "JSON decode error" with its words in `ctx`, cut before the place ("Invalid
    control character at"), the place in `loc` alone, and an empty `input` (found by a QA pass). The message says why
    and where, a raw control character named as the JSONL reader names one; `loc` keeps the offset."""
    with server.client() as c:
        escape = "where JSON writes an escape"
        for body, loc, msg in (
                ('{"id":"ct","text":"Bon\tjour"}', 22,
                 f"a raw tab inside a string at line 1, column 23 (character 22 of the body, from 0), {escape}"),
                ('{"id": "ct",\n "text": "é\x01"}', 24,
                 f"a raw U+0001 inside a string at line 2, column 12 (character 24 of the body, from 0), {escape}"),
                ('{"id":', 6, "Expecting value at line 1, column 7 (character 6 of the body, from 0)")):
            r = c.post("/v1/clean", content=body.encode(), headers={"Content-Type": "application/json"})
            assert r.status_code == 422 and r.json() == {"detail": [{"type": "json_invalid", "loc": ["body", loc],
                                                                     "msg": f"JSON decode error: {msg}"}]}, r.text


def test_a_bad_query_parameter_is_named_not_taken_for_a_body_without_json(server):
    """`GET /review?limit=0` was answered "the body must be JSON, sent with Content-Type: application/json"
    (a GET has neither): the 422 names the parameter (found by a QA pass)."""
    with server.client() as c:
        for limit in ("0", "abc", "100001"):
            r = c.get("/review", params={"limit": limit})
            assert r.status_code == 422 and [e["loc"] for e in r.json()["detail"]] == [["query", "limit"]], r.text


def test_a_compressed_body_is_415_saying_to_send_it_uncompressed(server):
    """A gzip body was read as JSON ("not UTF-8 (byte 1)"), and a plain one labelled gzip was taken; neither is
    stored (found by a QA pass)."""
    body = json.dumps({"id": "gz", "text": fresh("gzip", 80)}).encode()
    with server.client() as c:
        for content, coding in ((gzip.compress(body), "gzip"), (body, "gzip"), (body, "br")):
            r = c.post("/v1/documents", content=content, headers={"content-type": "application/json", "content-encoding": coding})
            assert r.status_code == 415 and r.headers["accept-encoding"] == "identity", r.text
            assert r.json() == {"detail": f"a body with Content-Encoding {coding!r} is not read: send it uncompressed"}
        assert c.get("/v1/documents/gz").status_code == 404
        assert c.post("/v1/documents", content=body, headers={"content-type": "application/json",
                                                               "content-encoding": "identity"}).json()["status"] == "kept"


def test_body_over_the_limit_is_413_with_and_without_content_length(server):
    """Both are the same JSON answer (FastAPI's own limit answered an announced size in plain text)."""
    big = json.dumps({"id": "big", "text": "mot " * 200_000}).encode()  # ~800 kB > 0.5 MB
    with server.client() as c:
        announced = c.post("/v1/documents", content=big, headers={"content-type": "application/json"})

        def chunks():
            for start in range(0, len(big), 8192):
                yield big[start:start + 8192]

        streamed = c.post("/v1/documents", content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" in announced.request.headers and "content-length" not in streamed.request.headers
        for answer in (announced, streamed):
            assert answer.status_code == 413 and answer.headers["content-type"] == "application/json"
            assert answer.json() == {"detail": "the request body is over the limit of 524,288 bytes (--max-body-mb)"}
        assert c.get("/v1/documents/big").status_code == 404
        assert c.post("/v1/clean", json={"id": "small", "text": ARTICLE}).status_code == 200


@pytest.mark.parametrize("chunked", [False, True])
def test_a_body_over_the_limit_to_no_route_is_404_or_405_not_413(server, chunked):
    """An unknown path or a wrong method was a 413 when the body's announced size was over the limit (the size was
    checked before routing): it is the 404 or 405 a smaller body gets, and the trailing slash's redirect too."""
    big = json.dumps({"id": "big", "text": "mot " * 200_000}).encode()  # ~800 kB > 0.5 MB
    with server.client() as c:
        for method, path, code in (("POST", "/v1/documnets", 404), ("POST", "/v1/stats", 405),
                                   ("DELETE", "/v1/stats", 405), ("POST", "/v1/clean/", 307)):
            body = (big[start:start + 65_536] for start in range(0, len(big), 65_536)) if chunked else big
            r = c.request(method, path, content=body, headers={"content-type": "application/json"})
            assert r.status_code == code, (method, path, r.text)
        assert c.post("/v1/documents", content=big, headers={"content-type": "application/json"}).status_code == 413


@pytest.mark.parametrize("chunked", [False, True])
def test_a_client_that_closes_after_its_request_gets_the_413_not_a_reset(server, chunked):
    """Python's urllib says `Connection: close` and sends its whole body before it reads: uvicorn closed the socket
    once the 413 was out, with the body's bytes unread, so the client was reset mid-body and never saw the answer
    (QA pass: a broken pipe every time). The body is now read, and thrown away, before the 413."""
    big = json.dumps({"id": "big", "text": "mot " * 1_500_000}).encode()  # 6 MB > 0.5 MB
    body = (big[start:start + 65_536] for start in range(0, len(big), 65_536)) if chunked else big
    request = urllib.request.Request(server.url + "/v1/documents", data=body,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413 and refused.value.headers["Connection"] == "close"
    assert json.loads(refused.value.read()) == {
        "detail": "the request body is over the limit of 524,288 bytes (--max-body-mb)"}


@pytest.mark.parametrize("path, headers, code, detail", [
    ("/v1/clean", {}, 401, "missing or wrong API key: send `Authorization: Bearer <key>`"),
    ("/v1/documnets", {"Authorization": f"Bearer {KEY}"}, 404, "Not Found"),
    ("/v1/stats", {"Authorization": f"Bearer {KEY}"}, 405, "Method Not Allowed"),
    ("/v1/clean", {"Authorization": f"Bearer {KEY}", "Content-Encoding": "gzip"}, 415,
     "a body with Content-Encoding 'gzip' is not read: send it uncompressed"),
    ("/v1/clean/", {"Authorization": f"Bearer {KEY}"}, 307, None)])
def test_a_client_that_closes_after_its_request_gets_every_early_refusal_not_a_reset(keyed_server, path, headers, code,
                                                                                     detail):
    """Only the 413 was answered once the body was read: a 401, 404, 405, 415 or redirect, answered before the body
    is read, reached urllib (`Connection: close`, the whole body sent before it reads) for a body of a few MB
    (socket buffers), a broken pipe or a reset from 5 MB, the server's log saying it had answered (QA pass)."""
    body = json.dumps({"id": "early", "text": "mot " * 2_500_000}).encode()  # 10 MB, under the 16 MB limit
    request = urllib.request.Request(keyed_server.url + path, data=body,
                                     headers={"Content-Type": "application/json", **headers})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    answer = refused.value.read()
    assert refused.value.code == code and (detail is None or json.loads(answer) == {"detail": detail}), answer


def test_a_body_that_never_ends_is_read_for_drain_seconds_then_answered(tmp_path, monkeypatch):
    """The rest of a body is read before an early answer for `DRAIN_SECONDS` at most: a client that sends without
    end does not hold its request, and the server, for ever."""
    import asyncio

    from cleaner.service import limits

    monkeypatch.setattr(limits, "DRAIN_SECONDS", 0.5)
    service = Service(Config.load(), tmp_path / "index.sqlite")
    sent: list = []

    async def receive():
        await asyncio.sleep(0.001)
        return {"type": "http.request", "body": b"a" * 65_536, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/clean", "raw_path": b"/v1/clean", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"x"), (b"content-type", b"application/json"), (b"connection", b"close"),
                         (b"transfer-encoding", b"chunked")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    start = time.monotonic()
    try:
        asyncio.run(create_app(service, api_key=KEY)(scope, receive, send))
    finally:
        service.close()
    assert sent[0]["status"] == 401 and 0.5 <= time.monotonic() - start < 10


def test_a_client_that_hangs_up_mid_body_is_a_log_line_not_a_trace(tmp_path, caplog):
    """A client that sends half a body and goes away was an internal error: its trace logged by the app and
    again by uvicorn ("Exception in ASGI application"), once per stalled client. Nothing is stored."""
    import asyncio

    service = Service(Config.load(), tmp_path / "index.sqlite")
    app = create_app(service)
    messages = iter([{"type": "http.request", "body": b'{"id": "half", "te', "more_body": True}, {"type": "http.disconnect"}])
    sent: list = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/documents", "raw_path": b"/v1/documents", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"x"), (b"content-type", b"application/json"), (b"content-length", b"200")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))  # raised ClientDisconnect out of the app
    try:
        assert sent[0]["status"] == 400
        assert not [r for r in caplog.records if r.levelno >= 40 or r.exc_info], caplog.text
        assert "hung up before sending the whole body" in caplog.text
        assert service.store.counts()["stored_documents"] == 0
    finally:
        service.close()


def test_an_unexpected_error_is_a_json_500_without_a_trace(tmp_path):
    from fastapi.testclient import TestClient

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert r.json() == {"detail": "internal error; the server log has the details"}
    assert "secret" not in r.text and "Traceback" not in r.text


def test_an_index_another_process_holds_too_long_is_a_503_saying_so(tmp_path):
    """A `cleaner run` deduplicating against the service's index holds its write lock: a store that waits
    longer than the index's timeout is a 503 naming the cause, not an internal error."""
    import sqlite3

    from fastapi.testclient import TestClient

    service = Service(Config.load(), tmp_path / "index.sqlite")
    index = service.pipeline.dedup.index
    service._on_index_thread(index.connection.execute, "PRAGMA busy_timeout = 200")
    index.timeout = 0.2
    holder = sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        service._on_index_thread(index.connection.execute, "PRAGMA busy_timeout = 4000")
        index.timeout = 4.0
        with TestClient(create_app(service), raise_server_exceptions=False) as c:
            posted: list = []
            poster = threading.Thread(target=lambda: posted.append(c.post("/v1/documents", json={"id": "d", "text": ARTICLE})))
            poster.start()
            time.sleep(0.5)  # the post now waits for the lock on the index thread
            start = time.monotonic()
            stats = c.get("/v1/stats")  # read on a connection of its own: it does not queue behind the post
            assert stats.status_code == 200 and stats.json()["index_documents"] == 0 and time.monotonic() - start < 2
            poster.join()
        (r,) = posted
        assert r.status_code == 503 and r.json()["detail"].startswith(  # the wait may have been for its own batches too
            "the index is busy: the batch waited over 4 s for the index, behind the batches this service took before "
            "it or another process's write lock"), r.text
        assert str(tmp_path) not in r.text  # no server path is shown to a client (a QA pass found the index's)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_422_loc_names_the_field_not_pydantic_s_tags(tmp_path):
    """A document alone's 422 said `["body", "one", "id"]`: "one" is the tag pydantic gave the body's shape, no part
    of the body (found by a QA pass). It names the field; a pack check's unknown key named "one" is that key. (An id
    holding a lone surrogate, the 422 of a document's field this tested, is now a rejection in its place.)"""
    from fastapi.testclient import TestClient

    def loc(path: str, body: bytes) -> list:
        r = c.post(path, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        return r.json()["detail"][0]["loc"]

    with TestClient(create_app(Service(Config.load(), tmp_path / "index.sqlite"))) as c:
        assert loc("/v1/rules/check", b'{"pack": "rules: []", "one": 1}') == ["body", "one"]


def test_bad_bodies_the_validator_echoes_are_422_not_500(tmp_path):
    """A body in UTF-16 or UTF-32 is not UTF-8 (it was read). A URL that does not parse is a document without a host. A record
    JSON reads but that is nested too deeply to copy (600 levels), or for pydantic to send back (300: a
    500 after the batch was stored, so a retry found it `already_indexed` and never got its verdicts), is
    a `bad_input` rejection, and the rest of its batch is answered."""
    from fastapi.testclient import TestClient

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/clean", content='{"id": "b", "text": "café"}'.encode("utf-8-sig"), headers={"Content-Type": "application/json"})
        assert r.status_code == 200 and r.json()["record"]["text"] == "café", r.text  # a UTF-8 byte order mark is skipped
        r = c.post("/v1/documents", json={"id": "u", "text": "Un texte à l'adresse cassée.", "url": "http://[::1"})
        assert r.status_code == 200 and r.json()["status"] == "kept", r.text
        utf16 = '{"id": "a", "text": "café"}'.encode("utf-16")  # Python's json took UTF-16 and UTF-32; RFC 8259 says UTF-8
        for body, why in ((b'{"id": "a", "text": "caf\xe9"}', "not UTF-8 (byte 24)"), (b"[" * 100_000, "nested too deeply"),
                          (utf16, "not UTF-8 (byte 0)"), ('{"id": "a"}'.encode("utf-32"), "not UTF-8 (byte 0)"),
                          (b'{"id": "a", "n": ' + b"1" * 5_000 + b"}",  # it said to call set_int_max_str_digits()
                           "JSON decode error: a number of 5,000 digits: over the 4,300 a JSON number may have here")):
            r = c.post("/v1/clean", content=body, headers={"Content-Type": "application/json"})  # FastAPI's answer: a bare 400
            assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"] and why in r.json()["detail"][0]["msg"], r.text
        for depth in (600, 300):  # JSON reads both; copying the first passes Python's stack, pydantic would not send the second
            deep = "[" * depth + "]" * depth
            for path in ("/v1/clean", "/v1/documents"):
                r = c.post(path, content=f'{{"id": "deep{depth}", "text": "Un texte.", "meta": {deep}}}'.encode(),
                           headers={"Content-Type": "application/json"})
                assert r.status_code == 200, r.text
                answer = r.json()
                assert (answer["status"], answer["reason"]) == ("rejected", "bad_input"), answer
                assert answer["detail"] == (f"document 'deep{depth}': nested too deeply (over 200 levels); the rejection "
                                            "carries it as JSON text")
        batch = f'[{{"id": "d", "text": "Un texte.", "meta": {deep}}}, {{"id": "ok", "text": "Un texte à garder ici."}}]'
        r = c.post("/v1/documents", content=batch.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code == 200 and [(a["id"], a["status"]) for a in r.json()] == [("d", "rejected"), ("ok", "kept")], r.text
        assert c.get("/v1/documents/ok").status_code == 200



def test_a_field_whose_name_holds_a_lone_surrogate_goes_to_meta_flagged_as_on_the_command_line(tmp_path):
    """A field the body does not name goes to `meta`; one whose *name* held a lone surrogate made the whole request
    a 422 (pydantic takes no such key; in a batch, every document refused for one), where `cleaner clean` reads the
    same line into `meta` with U+FFFD and a warning (found by a QA pass). The service now answers as the command
    line does, in one document as in a batch."""
    from fastapi.testclient import TestClient

    from cleaner.io.readers import read_inputs

    line = '{"id": "s4", "text": "Le conseil municipal a voté le budget.", "\\ud800": "v", "z": 1}'
    (tmp_path / "in.jsonl").write_text(line + "\n", encoding="utf-8")
    (cli,) = [d for d in read_inputs([str(tmp_path / "in.jsonl")], Config.load(), "auto")]
    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/v1/clean", content=line.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        record = r.json()["record"]
        assert record["meta"] == cli.meta == {"\ufffd": "v", "z": 1}
        assert record["warnings"] == ["document 's4': meta: lone surrogate escapes replaced with U+FFFD"]
        batch = f'[{{"id": "ok", "text": "Un autre texte à garder ici."}}, {line}]'
        r = c.post("/v1/documents", content=batch.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code == 200 and [(a["id"], a["status"]) for a in r.json()] == [("ok", "kept"), ("s4", "kept")], r.text

def test_an_id_holding_a_lone_surrogate_is_rejected_in_its_place_not_a_422_of_the_batch(tmp_path):
    """The store keys documents by id, so an id holding a lone surrogate is refused (made U+FFFD, `a\\ud800` and
    `a\\udc00` would be one document); it was a 422 for the whole batch, where any other bad item is a `bad_input`
    rejection in its place (found by a QA pass)."""
    from fastapi.testclient import TestClient

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"))
    batch = b'[{"id": "ok", "text": "Un autre texte \xc3\xa0 garder ici."}, {"id": "s\\ud800", "text": "un texte"}]'
    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/v1/documents", "/v1/clean"):
            r = c.post(path, content=batch, headers={"Content-Type": "application/json"})
            assert r.status_code == 200, r.text
            ok, refused = r.json()
            assert ok["id"] == "ok" and ok["status"] in ("kept", "cleaned")
            assert (refused["status"], refused["reason"], refused["detail"]) == (
                "rejected", "bad_input", "document 1: its id holds a lone surrogate, which is no Unicode text "
                "(documents are stored by id)")


def test_numbers_json_has_not_are_a_422_whose_answer_is_json(tmp_path):
    """`NaN`, `Infinity` and a number past a float's range (`1e400`) are no JSON (RFC 8259), yet the body was
    read: in `id` the 422 echoed it back, `"input": NaN`, an answer no strict JSON reader takes; in `meta` it was
    written as null in silence, and the document cleaned and stored. Such a body is a 422 `json_invalid` naming
    the number, nothing stored, and every answer is JSON."""
    from fastapi.testclient import TestClient

    def strict(text: str):
        def refuse(name):
            raise ValueError(f"{name} in an answer")
        return json.loads(text, parse_constant=refuse)

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"))
    with TestClient(app, raise_server_exceptions=False) as c:
        for field, number, why in (("id", "NaN", "NaN is not a JSON number"), ("id", "1e400", "1e400 is past a float's range"),
                                   ("meta", '{"x": -Infinity}', "-Infinity is not a JSON number"),
                                   ("score", "1e999", "1e999 is past a float's range")):
            body = f'{{"id": "n", "text": "Bonjour le monde.", "{field}": {number}}}'
            for path in ("/v1/clean", "/v1/documents"):
                for sent in (body, f'[{{"id": "ok", "text": "Un autre texte."}}, {body}]'):
                    r = c.post(path, content=sent.encode(), headers={"Content-Type": "application/json"})
                    (error,) = strict(r.text)["detail"]
                    assert r.status_code == 422 and (error["type"], error["loc"]) == ("json_invalid", ["body"]), r.text
                    assert error["msg"].startswith(f"JSON decode error: {why}"), r.text
        assert [c.get(f"/v1/documents/{i}").status_code for i in ("n", "ok")] == [404, 404]
        r = c.post("/v1/clean", json={"id": "n", "text": "Bonjour le monde.", "score": 1.5e300})
        assert r.status_code == 200 and r.json()["record"]["meta"] == {"score": 1.5e300}, r.text


def test_a_bad_rule_pack_or_index_stops_the_start_with_a_message(tmp_path, in_process):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    kind: nope\n", encoding="utf-8")
    r = run_cli("serve", "--rules", str(bad), "--index", str(tmp_path / "i.sqlite"), "--port", str(_free_port()))
    assert r.returncode == 2 and "bad.yaml" in r.stderr and "kind" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("serve", "--index", ":memory:", "--port", str(_free_port()))
    assert r.returncode == 2 and "index file" in r.stderr
    folder = tmp_path / "a-folder"  # said as `cleaner run` says it, not "unable to open database file"
    folder.mkdir()
    r = run_cli("serve", "--index", str(folder), "--port", str(_free_port()))
    assert r.returncode == 2 and r.stderr == f"cleaner: {folder}: not usable as a dedup index (a folder: give the path of an index file)\n"
    r = run_cli("serve", "--index", f"{tmp_path}/new/", "--port", str(_free_port()))  # a folder still to be made
    assert r.returncode == 2 and r.stderr == f"cleaner: {tmp_path}/new/: not usable as a dedup index (a folder: give the path of an index file)\n"
    assert not (tmp_path / "new").exists()
    # numbers that passed the checks and crashed later, and a port in use (uvicorn's exit 3, the code of --strict)
    for args, says in ((("--max-body-mb", "nan"), "--max-body-mb: must be above 0"), (("--max-body-mb", "inf"), "at most 1000000"),
                       (("--port", "70000"), "--port: must be 0 to 65535")):
        r = run_cli("serve", "--index", str(tmp_path / "i.sqlite"), *args)
        assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = in_process("run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "o"), "--split-mb", "nan")
    assert r.returncode == 2 and "--split-mb: must be above 0" in r.stderr
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        r = run_cli("serve", "--index", str(tmp_path / "i.sqlite"), "--port", str(taken.getsockname()[1]))
    assert r.returncode == 2 and "cannot serve on 127.0.0.1:" in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_an_ipv6_host_is_checked_as_uvicorn_binds_it(tmp_path):
    """`--host ::1` was refused by the port check, bound as IPv4: "Address family for hostname not supported".
    On a machine without an IPv6 loopback (some CI containers) the check still binds it as IPv6 and says
    what the system answered."""
    try:
        taken = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        r = run_cli("serve", "--host", "::1", "--index", str(tmp_path / "i.sqlite"), "--port", str(_free_port()))
        assert r.returncode == 2 and r.stderr.startswith("cleaner: cannot serve on ::1:") and r.stderr.count("\n") == 1
        assert "for hostname" not in r.stderr, r.stderr  # getaddrinfo's answer to ::1 taken for an IPv4 name
        return
    with taken:
        port = taken.getsockname()[1]
        r = run_cli("serve", "--host", "::1", "--index", str(tmp_path / "i.sqlite"), "--port", str(port))
    assert r.returncode == 2 and r.stderr.startswith(f"cleaner: cannot serve on ::1:{port}: Address already in use"), r.stderr
    bad = tmp_path / "bad.yaml"  # a free port passes the check: the start goes on to the rules
    bad.write_text("rules:\n  - id: x\n    kind: nope\n", encoding="utf-8")
    r = run_cli("serve", "--host", "::1", "--rules", str(bad), "--index", str(tmp_path / "i.sqlite"), "--port", str(port))
    assert r.returncode == 2 and "bad.yaml" in r.stderr and "cannot serve" not in r.stderr, r.stderr


# -- access ---------------------------------------------------------------------------------------

def test_api_key_guards_every_write_and_leaves_reads_open(keyed_server):
    doc = {"id": "k1", "text": ARTICLE}
    with keyed_server.client() as c:
        assert c.post("/v1/documents", json=doc).status_code == 401
        assert c.post("/v1/documents", json=doc, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/v1/documents", json=doc, headers={"Authorization": KEY}).status_code == 401
        assert c.post("/v1/clean", json=doc).status_code == 401
        assert c.post("/v1/rules/check", json={"pack": "rules: []"}).status_code == 401
        unauth_bad_body = c.post("/v1/documents", content=b"{", headers={"content-type": "application/json"})
        assert unauth_bad_body.status_code == 401  # checked before the body is read
        assert c.get("/v1/documents/k1").status_code == 404  # nothing got in
        ok = c.post("/v1/documents", json=doc, headers={"Authorization": f"Bearer {KEY}"})
        assert ok.status_code == 200 and ok.json()["status"] == "kept"
        assert c.get("/v1/documents/k1").status_code == 200
        assert c.get("/v1/stats").status_code == 200


def test_a_method_no_route_takes_is_405_without_the_key_too(keyed_server):
    """`DELETE /v1/stats` on a keyed server was a 401: the key was asked of every write method before the request was
    routed. A request no route takes is answered as without a key; the routes' writes still need it."""
    with keyed_server.client() as c:
        for method, path in (("DELETE", "/v1/stats"), ("PUT", "/v1/documents"), ("PATCH", "/v1/rules")):
            assert c.request(method, path).status_code == 405, (method, path)
        assert c.post("/v1/documents", json={"id": "k405", "text": ARTICLE}).status_code == 401


def test_a_body_without_the_key_is_401_whatever_its_size(tmp_path):
    """The key is checked before the body's size: a client without it got 413, and so learned the limit."""
    from fastapi.testclient import TestClient

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"), max_body_bytes=1_000, api_key=KEY)
    with TestClient(app, raise_server_exceptions=False) as c:
        big = json.dumps({"id": "b", "text": "mot " * 1_000}).encode()
        assert c.post("/v1/clean", content=big, headers={"Content-Type": "application/json"}).status_code == 401
        r = c.post("/v1/clean", content=big, headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"})
        assert r.status_code == 413 and "over the limit of 1,000 bytes" in r.json()["detail"]


def test_a_key_given_with_a_line_end_is_the_key_without_it(tmp_path):
    """`CLEANER_API_KEY` read from a key file with its line end: HTTP strips the whitespace around a header's
    value, so no client could send that key, and every write was a 401."""
    from fastapi.testclient import TestClient

    app = create_app(Service(Config.load(), tmp_path / "index.sqlite"), api_key=f" {KEY}\n")
    with TestClient(app, raise_server_exceptions=False) as c:
        doc = {"id": "k1", "text": ARTICLE}
        assert c.post("/v1/clean", json=doc, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
        assert c.post("/v1/clean", json=doc, headers={"Authorization": "Bearer wrong"}).status_code == 401


@pytest.mark.parametrize("key", ["clé", "two words", "tab\there"])
def test_a_key_no_http_client_sends_alike_is_refused_at_start(tmp_path, in_process, monkeypatch, key):
    """`--api-key clé` served: curl sent its UTF-8 bytes and got in, `requests` sent Latin-1 and got 401 for ever, and
    httpx refused to send it (found by a QA pass). A key must be visible ASCII: refused at start, named, exit 2."""
    proc = in_process("serve", "--api-key", key, "--index", str(tmp_path / "i.sqlite"), "--port", str(_free_port()))
    bad = next(c for c in key.strip() if not "!" <= c <= "~")
    assert proc.returncode == 2 and proc.stderr == (
        "cleaner: --api-key: should be letters, digits and ASCII punctuation, which every HTTP client sends alike in "
        f"a header; got {bad!r} in it\n"), proc.stderr
    monkeypatch.setenv("CLEANER_API_KEY", key)
    proc = in_process("serve", "--index", str(tmp_path / "i.sqlite"), "--port", str(_free_port()))
    assert proc.returncode == 2 and proc.stderr.startswith("cleaner: $CLEANER_API_KEY: should be letters"), proc.stderr


def test_health_checks_answer_while_every_request_thread_is_busy(tmp_path):
    """With 40 requests in flight (the pool of threads that cleans them), `/healthz` and `/readyz` waited for one of
    them to end, 43-47 s in a QA pass: a probe with a usual timeout would have restarted a healthy, busy server.
    Here 44 posts wait for the index's lock the test holds, and both checks answer meanwhile."""
    import sqlite3

    index = tmp_path / "index.sqlite"
    srv = Server(index)
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # every post waits for this lock, on a thread of the pool
    answers: list = []
    posters = [threading.Thread(target=lambda k=k: answers.append(httpx2.post(
        srv.url + "/v1/documents", json={"id": f"busy{k}", "text": fresh(f"busy {k}")}, timeout=120))) for k in range(44)]
    try:
        for poster in posters:
            poster.start()
        time.sleep(3)
        assert not answers  # all still waiting for the lock
        for probe in ("/healthz", "/readyz"):
            assert httpx2.get(srv.url + probe, timeout=10).status_code == 200, probe
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        for poster in posters:
            poster.join(120)
        srv.stop()
    assert len(answers) == 44 and all(r.status_code == 200 for r in answers)


@contextmanager
def _served(service: Service) -> Iterator[str]:
    """`service`'s app on a uvicorn server in this process (a thread), on a free loopback port: its URL. For a test
    that sets what no flag of `cleaner serve` sets (the index's timeout)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=_free_port(),
                                           log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(60)


def test_a_posted_batch_is_made_into_documents_off_the_event_loop(tmp_path, monkeypatch):
    """`POST /v1/documents` made its body's documents on the event loop: a body of 3,000 held it 10 s, every other
    request waiting (a review). They are made on the worker thread that cleans them."""
    from fastapi.testclient import TestClient

    import cleaner.service.app as app_module

    on_loop: list[bool] = []
    made = app_module.item_document

    def item_document(*args):
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no loop runs in this thread
            on_loop.append(False)
        return made(*args)

    monkeypatch.setattr(app_module, "item_document", item_document)
    with TestClient(create_app(Service(Config.load(), tmp_path / "index.sqlite"))) as c:
        r = c.post("/v1/documents", json=[{"id": f"d{k}", "text": fresh(f"off-loop-{k}")} for k in range(3)])
    assert r.status_code == 200 and on_loop == [False] * 3


def test_reads_answer_and_queued_writes_fail_by_the_index_timeout_from_their_arrival(tmp_path):
    """A QA pass held the index's lock and sent 42 posts: each waited for it on one of the 40 threads that also
    answer reads, so `/v1/stats`, `/v1/documents/{id}` and even `/v1/rules` hung until the lock was gone; and the
    posts queued for the index waited the index's timeout each in turn (the 45th ~45 minutes), then were stored
    though their clients had given up. Now a post waiting for the index holds no thread, reads answer at once, every
    queued post is a 503 by the index's timeout (here 4 s) from when it was queued, and none of them is stored."""
    import sqlite3

    service = Service(Config.load(), tmp_path / "index.sqlite")
    service.pipeline.dedup.index.timeout = 4.0
    service.clean([as_doc({"id": "warm", "text": fresh("warm")})])  # its first cleaning loads what it needs
    holder = sqlite3.connect(tmp_path / "index.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # held for the whole test: every post waits for it
    answers: dict[int, tuple[int | str, float]] = {}

    def post(k: int) -> None:
        start = time.monotonic()
        try:
            r = client.post("/v1/documents", json={"id": f"late{k}", "text": fresh(f"late {k}")})
            answers[k] = (r.status_code, time.monotonic() - start)
        except httpx2.TransportError as exc:
            answers[k] = (repr(exc), time.monotonic() - start)

    # one client for all (a client each made its TLS context while the server, in this process, wanted the GIL)
    with _served(service) as url, httpx2.Client(base_url=url, timeout=15) as client:
        try:
            posters = [threading.Thread(target=post, args=(k,)) for k in range(45)]
            for poster in posters:
                poster.start()
            time.sleep(2)
            for path in ("/v1/stats", "/v1/documents/late0", "/v1/clusters/late0", "/v1/rules"):
                start = time.monotonic()
                assert client.get(path).status_code in (200, 404), path
                assert time.monotonic() - start < 1, path
            for poster in posters:
                poster.join(30)
        finally:  # before the server stops, which waits for the posts still at work
            holder.execute("ROLLBACK")
            holder.close()
    assert sorted(answers) == list(range(45)) and {code for code, _ in answers.values()} == {503}, answers
    assert max(took for _, took in answers.values()) < 4 + 4, answers
    with closing(sqlite3.connect(tmp_path / "index.sqlite")) as db:
        assert db.execute("SELECT count(*) FROM service_documents").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM docs").fetchone() == (0,)


def test_a_batch_whose_time_for_the_index_ran_out_in_the_queue_is_a_busy_index_and_not_stored(tmp_path):
    """A batch waits for the index its timeout from when it is queued, its turn included: one queued behind longer
    work than that is refused when its turn comes, lock free or not, and not stored (its client has had its 503;
    the QA pass found such batches stored once the lock was freed)."""
    from cleaner.dedup.index import IndexBusyError

    with Service(Config.load(), tmp_path / "index.sqlite") as service:
        service.pipeline.dedup.index.timeout = 0.5
        service._index_thread.submit(time.sleep, 1.5)  # the index thread busy past the batch's time
        with pytest.raises(IndexBusyError):
            service.submit([as_doc({"id": "queued-out", "text": ARTICLE})])
        assert service.store.document("queued-out") is None


# -- concurrency and persistence ------------------------------------------------------------------

def test_eight_clients_posting_the_same_new_document_keep_exactly_one(server):
    text = fresh("eight, one id")
    same_id = _post_all(server.url, "/v1/documents", [{"id": "same", "text": text}] * 8)
    assert all(r.status_code == 200 for r in same_id)
    assert Counter(r.json()["status"] for r in same_id) == {"kept": 1, "duplicate": 7}
    text = fresh("eight ids")
    ids = _post_all(server.url, "/v1/documents", [{"id": f"copy{i}", "text": text} for i in range(8)])
    verdicts = [r.json() for r in ids]
    assert Counter(v["status"] for v in verdicts) == {"kept": 1, "duplicate": 7}
    (kept,) = [v["id"] for v in verdicts if v["status"] == "kept"]
    assert {v["dup_of"] for v in verdicts if v["status"] == "duplicate"} == {kept}
    with server.client() as c:
        assert len(c.get(f"/v1/clusters/{kept}").json()["duplicates"]) == 7


def test_two_servers_on_one_index_keep_a_document_once(tmp_path):
    index = tmp_path / "index.sqlite"
    first = Server(index)
    try:
        second = Server(index)
        try:
            text = fresh("two servers")
            bodies = [{"id": f"two{i}", "text": text} for i in range(8)]
            barrier = threading.Barrier(8)

            def post(i):
                with httpx2.Client(base_url=(first, second)[i % 2].url, timeout=120) as c:
                    barrier.wait()
                    return c.post("/v1/documents", json=bodies[i]).json()

            with ThreadPoolExecutor(8) as pool:
                verdicts = list(pool.map(post, range(8)))
            assert Counter(v["status"] for v in verdicts) == {"kept": 1, "duplicate": 7}
            with httpx2.Client(base_url=second.url) as c:
                assert c.get("/v1/stats").json()["stored_documents"] == 1
        finally:
            second.stop()
    finally:
        first.stop()


def test_index_and_store_survive_sigkill(tmp_path):
    index = tmp_path / "index.sqlite"
    srv = Server(index)
    with srv.client() as c:
        assert c.post("/v1/documents", json={"id": "p1", "text": NOISY}).json()["status"] == "kept"
    srv.kill()
    srv.stop()
    srv = Server(index)
    try:
        with srv.client() as c:
            again = c.post("/v1/documents", json={"id": "p2", "text": ARTICLE}).json()
            assert again["status"] == "duplicate" and again["dup_of"] == "p1"
            assert c.get("/v1/documents/p1").json()["raw"]["text"] == NOISY
            assert c.get("/v1/stats").json()["index_documents"] == 1
    finally:
        srv.stop()


def test_corpus_yields_what_cleaner_run_writes(tmp_path):
    """`Service.corpus()` (for the review page): the corpus record and the raw record of each kept document."""
    from cleaner.pipeline import Pipeline

    docs = [{"id": "c1", "text": NOISY, "url": "https://example.ma/1"}, {"id": "c2", "text": ARTICLE},
            {"id": "c3", "text": "Un tout autre article, sur la pluie qui tombe sans arrêt sur la ville depuis lundi."}]
    with Service(Config.load(), tmp_path / "index.sqlite") as service:
        service.submit([as_doc(d) for d in docs])
        held = list(service.corpus())
    with Pipeline(Config.load(), tmp_path / "run.sqlite") as pipeline:
        run = pipeline.run(docs)
    assert sorted(record["id"] for record, _ in held) == [d.id for d in run.kept] == ["c1", "c3"]
    by_id = {record["id"]: (record, raw) for record, raw in held}
    for doc in run.kept:
        assert by_id[doc.id][0] == doc.record()
        assert by_id[doc.id][1] == doc.document.model_dump(include={"id", "text", "url", "html"}, exclude_none=True)


def as_doc(d: dict):
    from cleaner.service.schemas import DocumentIn

    return DocumentIn(**d).document(Config.load())


# -- load -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_load_eight_clients_by_125_documents(server):
    """8 clients x 125 MasakhaNEWS documents (batches of 25); each client's slice overlaps the next one's by 25
    documents, which one sends first and the other second, so the same ids race in from two clients. Zero errors; every
    document gets exactly one verdict; no id is kept twice; the store holds exactly the kept ones. (Throughput under
    load is `bench/bench_service.py`'s; 8 x 500 here took 31 s of the suite for the same checks.)"""
    with gzip.open(SHARED / "corpus" / "masakhanews.jsonl.gz", "rt", encoding="utf-8") as fh:
        corpus = [json.loads(line) for _, line in zip(range(825), fh)]
    slices = [corpus[k * 100 + 100 : k * 100 + 125] + corpus[k * 100 : k * 100 + 100] for k in range(8)]
    assert all(left[:25] == right[25:50] for left, right in zip(slices, slices[1:]))  # at once: batches 1 and 2
    with server.client() as c:
        before = c.get("/v1/stats").json()

    def client(docs):
        out = []
        with server.client() as c:
            for start in range(0, len(docs), 25):
                body = [{"id": d["id"], "text": d["text"], "url": d["url"]} for d in docs[start:start + 25]]
                r = c.post("/v1/documents", json=body)
                assert r.status_code == 200, r.text
                out += r.json()
        return out

    with ThreadPoolExecutor(8) as pool:
        verdicts = [v for part in pool.map(client, slices) for v in part]
    counts = Counter(v["status"] for v in verdicts)
    assert counts["kept"] + counts["duplicate"] + counts["rejected"] == len(verdicts) == 1000
    kept = [v["id"] for v in verdicts if v["status"] == "kept"]
    assert len(kept) == len(set(kept))
    assert set(kept) <= {d["id"] for d in corpus}
    by_id: dict[str, list[dict]] = {}
    for v in verdicts:
        by_id.setdefault(v["id"], []).append(v)
    twice = [vs for vs in by_id.values() if len(vs) == 2]
    assert len(twice) == 175
    for first, second in twice:  # whichever came second was told the id is already kept
        if "kept" in (first["status"], second["status"]):
            assert {first.get("reason"), second.get("reason")} == {None, "already_indexed"}
    with server.client() as c:
        after = c.get("/v1/stats").json()
    assert after["stored_documents"] - before["stored_documents"] == len(kept)
    assert after["index_documents"] - before["index_documents"] == len(kept)


def test_sigterm_stops_the_server_though_a_client_stalls_mid_body(tmp_path):
    """A client that sent half a body and went quiet kept `cleaner serve` up after SIGTERM for as long as it
    stayed (past systemd's TimeoutStopSec, then SIGKILL); now its connection is closed once
    --shutdown-timeout has passed, with one line in the log, no trace."""
    srv = Server(tmp_path / "index.sqlite", "--shutdown-timeout", "1")
    with socket.create_connection(("127.0.0.1", srv.port)) as stalled:
        stalled.sendall(b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 1000\r\n\r\n{\"id\"")
        time.sleep(0.5)
        log = _stopped(srv, signal.SIGTERM)
    assert srv.proc.returncode == -signal.SIGTERM, log
    assert "POST /v1/documents: closed at shutdown before its whole body came" in log and "Traceback" not in log, log


def test_a_client_that_closes_gets_its_answer_at_shutdown_not_after_its_body(tmp_path):
    """An answer to a client that closes waits for the rest of its body (`limits.DrainUnread`), but not past the
    server's stop: a request stalled mid-body gets its 503 at once, and a 401 still reading the body goes then, where
    the stop's cancel went out of the app as a trace and a plain-text 500."""
    srv = Server(tmp_path / "index.sqlite", "--shutdown-timeout", "1", "--api-key", KEY)
    head = (b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            b"Content-Length: 10000000\r\n")
    with socket.create_connection(("127.0.0.1", srv.port)) as keyed, \
            socket.create_connection(("127.0.0.1", srv.port)) as keyless:
        keyed.sendall(head + f"Authorization: Bearer {KEY}\r\n\r\n".encode() + b'{"id"')
        keyless.sendall(head + b"\r\n" + b'{"id"')
        time.sleep(0.5)
        log = _stopped(srv, signal.SIGTERM)
        answers = []
        for sock in (keyed, keyless):
            sock.settimeout(10)
            answers.append(sock.recv(4096).decode())
    assert answers[0].startswith("HTTP/1.1 503") and "before the whole body came" in answers[0], answers[0]
    assert answers[1].startswith("HTTP/1.1 401") and "missing or wrong API key" in answers[1], answers[1]
    assert "Traceback" not in log, log


def test_ctrl_c_stops_the_server_with_status_0(tmp_path):
    """What the README says of Ctrl-C (SIGTERM's status is checked above): a graceful stop, exit 0, no trace."""
    srv = Server(tmp_path / "index.sqlite")
    log = _stopped(srv, signal.SIGINT)
    assert srv.proc.returncode == 0 and "Traceback" not in log, log


def _stopped(srv: Server, sig: signal.Signals) -> str:
    """The server's log once `sig` has stopped it (a failure when it is still up 20 s later)."""
    srv.proc.send_signal(sig)
    return _ended(srv, sig.name)


def _ended(srv: Server, after: str) -> str:
    """The server's log once it has ended (a failure when it is still up 20 s later)."""
    try:
        srv.proc.wait(20)
    except subprocess.TimeoutExpired:
        srv.kill()
        pytest.fail(f"the server was still up 20 s after {after}")
    log = srv.proc.stdout.read().decode()
    srv.proc.stdout.close()
    return log


@contextmanager
def _posted_while_locked(index: Path, doc_id: str, *args: str) -> Iterator[tuple[Server, list, threading.Thread]]:
    """A server on `index` started with `args`, and a post of ARTICLE as `doc_id` under way on a thread (its answer to
    be put in the list), whose check-and-add waits for the index's lock: another connection holds it to the end of
    the block (up to the index's 60 s busy timeout)."""
    import sqlite3

    srv = Server(index, *args)
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    answers: list = []
    poster = threading.Thread(target=lambda: answers.append(
        httpx2.post(srv.url + "/v1/documents", json={"id": doc_id, "text": ARTICLE}, timeout=60)))
    try:
        poster.start()
        yield srv, answers, poster
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _time_to_end(srv: Server, sig: int, wait: float) -> float:
    """Seconds from sending `sig` to the server to its end (`wait` and a little more: still up after `wait` s)."""
    srv.proc.send_signal(sig)
    start = time.monotonic()
    try:
        srv.proc.wait(wait)
    except subprocess.TimeoutExpired:
        pass
    return time.monotonic() - start


def test_an_integer_id_is_taken_as_its_text_as_the_command_line_takes_it(server):
    """`{"id": 5, ...}` was a 422 where `cleaner clean` reads the same record under id "5" (found by a QA
    pass); a boolean is still no id: the document is named by its place, the value in `meta`."""
    with server.client() as c:
        answer = c.post("/v1/clean", json={"id": 5, "text": "Un texte pour le service, assez long pour rester."})
        assert answer.status_code == 200 and answer.json()["id"] == "5", answer.text
        stored = c.post("/v1/documents", json=[{"id": 90210, "text": "Un autre texte du service, tout aussi long que l'autre."}])
        assert stored.status_code == 200 and stored.json()[0]["id"] == "90210", stored.text
        assert c.get("/v1/documents/90210").status_code == 200
        unnamed = c.post("/v1/clean", json={"id": True, "text": "Un texte."})  # no id, as on the command line
        assert unnamed.status_code == 200 and unnamed.json()["record"]["meta"] == {"id": True}, unnamed.text
        schema = c.get("/openapi.json").json()["components"]["schemas"]["DocumentIn"]["properties"]["id"]
        assert schema["type"] == ["string", "integer", "null"]


def test_a_document_without_an_id_is_named_by_its_position_and_text_as_the_api_names_it(server):
    """A document without an `id` was a 422, the whole batch refused, where `cleaner clean` and the Python
    API name such a record by its place and a hash of its text: a pre-step sending texts alone had to
    make ids up. It is named `<position in the body>:<hash>`, as `cleaner.clean` names it; the same text
    at the same place is the same document again."""
    from cleaner import clean

    texts = ["Le conseil régional a adopté mardi un plan pour les lignes de car scolaires du département.",
             "La bibliothèque municipale rouvre ses portes après six mois de travaux et un nouveau fonds.", ""]
    body = [{"text": texts[0]}, {"id": None, "text": texts[1]}, {"text": texts[2]}, {"id": "named", "text": texts[0]}]
    api = [out.id for out in clean([{k: v for k, v in d.items() if k != "id" or v} for d in body])]
    with server.client() as c:
        cleaned = c.post("/v1/clean", json=body).json()
        assert [v["id"] for v in cleaned] == api == [f"0:{content_hash(texts[0])}", f"1:{content_hash(texts[1])}",
                                                     f"2:{content_hash('')}", "named"]
        assert [v["status"] for v in cleaned] == ["cleaned", "cleaned", "rejected", "cleaned"]
        assert cleaned[2]["detail"] == "document 2: empty document"  # named by its position, as the API names it
        assert cleaned[0]["record"]["id"] == api[0]
        one = c.post("/v1/clean", json={"text": texts[1]}).json()  # one document alone is at position 0
        assert one["id"] == f"0:{content_hash(texts[1])}"
        stored = c.post("/v1/documents", json=body[:2]).json()
        assert [(v["id"], v["status"]) for v in stored] == [(api[0], "kept"), (api[1], "kept")]
        assert c.get(f"/v1/documents/{api[1]}").json()["raw"]["text"] == texts[1]
        again = c.post("/v1/documents", json=body[:1]).json()
        assert (again[0]["id"], again[0]["reason"]) == (api[0], "already_indexed")


def test_a_request_still_unanswered_when_the_shutdown_timeout_ends_is_a_503_saying_so(tmp_path):
    """A request whose handler was still running when --shutdown-timeout ended (here: waiting for the index's
    lock, which a `cleaner run` holds) was cancelled by uvicorn: a trace in the log and a plain-text 500
    (found by a QA pass); now a JSON 503 saying what it may have done, and one line in the log. The batch it
    was storing is still committed once the lock is free (whole, in one transaction), so the 503 says so."""
    import http.client
    import sqlite3

    index = tmp_path / "index.sqlite"
    with _posted_while_locked(index, "late", "--shutdown-timeout", "1") as (srv, answers, poster):
        with socket.create_connection(("127.0.0.1", srv.port)) as stalled:
            stalled.sendall(b"POST /v1/clean HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 1000\r\n\r\n{\"id\"")
            time.sleep(1)  # both requests are in: one waits for the lock, one for the rest of its body
            srv.proc.send_signal(signal.SIGTERM)
            poster.join(30)
            stalled.settimeout(30)
            half = http.client.HTTPResponse(stalled)
            half.begin()
            half_body = half.read().decode()
    log = _ended(srv, "SIGTERM")
    assert srv.proc.returncode == -signal.SIGTERM, log
    (r,) = answers
    assert r.status_code == 503 and r.headers["content-type"] == "application/json", (r.text, log)
    assert r.json() == {"detail": "the server stopped before the answer was ready: documents "
                                  "posted to /v1/documents may be stored all the same (GET /v1/documents/{id} tells)"}
    assert (half.status, json.loads(half_body)) == (503, {"detail": "the server stopped before "
                                                                    "the whole body came: nothing was done"}), half_body
    assert "POST /v1/documents: closed at shutdown before its answer was ready" in log, log
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log
    with sqlite3.connect(index) as db:  # stored once the lock was free, with its index rows
        assert db.execute("SELECT count(*) FROM service_documents WHERE id = 'late'").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM docs WHERE id = 'late'").fetchone() == (1,)


def test_a_graceful_stop_past_the_shutdown_timeout_ends_without_waiting_for_the_requests_it_gave_up(tmp_path):
    """Ctrl-C answered a request still being cleaned (a 10 MB text) with its 503 once --shutdown-timeout had passed,
    then the process waited for that cleaning to end on its thread, 10 s more and longer (found by a QA pass): only a
    second Ctrl-C ended it at once. Now the graceful stop ends the process once the timeout has passed, exit 0. The
    text is ~18 MB: a 10 MB one was cleaned and answered in 3.4 s on a faster machine, before the Ctrl-C came."""
    srv = Server(tmp_path / "index.sqlite", "--shutdown-timeout", "1", "--max-body-mb", "32")
    rng = random.Random("big")
    text = "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(240_000))  # ~18 MB
    answers: list = []
    poster = threading.Thread(target=lambda: answers.append(
        httpx2.post(srv.url + "/v1/clean", json={"id": "big", "text": text}, timeout=120)))
    poster.start()
    time.sleep(2)  # the text is in (within 1 s here) and being cleaned (6-7 s here)
    took = _time_to_end(srv, signal.SIGINT, 15)
    log = _ended(srv, "Ctrl-C")
    poster.join(30)
    assert took < 5, (took, log)
    assert srv.proc.returncode == 0 and "Traceback" not in log, log
    assert "POST /v1/clean: closed at shutdown before its answer was ready" in log, log
    (r,) = answers
    assert r.status_code == 503, r.text


def test_a_batch_waiting_on_the_index_lock_past_the_shutdown_timeout_is_given_up_wholly(tmp_path):
    """SIGTERM past --shutdown-timeout waited for the batch it had given up, still waiting on the index's lock that
    another process held (up to the index's 60 s busy timeout), before the process ended. Now it is treated as a
    second Ctrl-C treats it: it gets FORCED_CLOSE seconds to be stored whole, then it is given up, wholly out, and
    the process ends as killed by SIGTERM."""
    import sqlite3

    from cleaner.service.app import FORCED_CLOSE

    index = tmp_path / "index.sqlite"
    with _posted_while_locked(index, "locked-out", "--shutdown-timeout", "1") as (srv, answers, poster):
        time.sleep(1)
        took = _time_to_end(srv, signal.SIGTERM, 30)
    log = _ended(srv, "SIGTERM")
    poster.join(30)
    assert 1 + FORCED_CLOSE - 1 < took < 1 + FORCED_CLOSE + 3, (took, log)
    assert srv.proc.returncode == -signal.SIGTERM, log
    assert "the index's batch in flight was given up (SQLite rolls it back): not stored" in log, log
    assert "Traceback" not in log, log
    (r,) = answers
    assert r.status_code == 503, r.text
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT count(*) FROM service_documents WHERE id = 'locked-out'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM docs WHERE id = 'locked-out'").fetchone() == (0,)


def test_an_index_file_removed_under_the_server_is_a_503_not_a_document_kept_into_it(tmp_path, in_process):
    """A service on a run's index (`--index out/index.sqlite`) whose folder a `cleaner run --restart` reused:
    the run removed that file, and the service answered the next document `kept`, written to the removed file
    (lost at the restart), while every read was a 500 on the empty file a reader created in its place (found
    by a QA pass). Now every request that needs the index is a 503 saying to restart the server. Such a run is
    refused now while the server has the file open (see
    `test_a_run_does_not_start_over_by_removing_its_own_index_a_server_has_open`): here the file is removed by hand."""
    out, given = tmp_path / "out", tmp_path / "in.jsonl"
    given.write_text(json.dumps({"id": "r1", "text": fresh("removed-run")}) + "\n", encoding="utf-8")
    assert in_process("run", str(given), "--out", str(out), "-j", "1", "-q").returncode == 0
    srv = Server(out / "index.sqlite")
    gone = {"detail": "the index file was removed or replaced while the server ran: restart the server"}
    try:
        with srv.client() as c:
            first = c.post("/v1/documents", json={"id": "s1", "text": fresh("removed-first")})
            assert first.json()["status"] == "kept", first.text
            for end in ("", "-wal", "-shm"):  # `rm out/index.sqlite*`
                Path(f"{out / 'index.sqlite'}{end}").unlink()
            late = c.post("/v1/documents", json={"id": "s2", "text": fresh("removed-late")})
            assert (late.status_code, late.json()) == (503, gone), late.text
            for path in ("/v1/documents/s1", "/v1/clusters/s1", "/v1/stats", "/review"):
                r = c.get(path)
                assert (r.status_code, r.json()) == (503, gone), (path, r.text)
            assert c.get("/readyz").status_code == 503
            assert c.post("/v1/clean", json={"id": "c", "text": ARTICLE}).status_code == 200  # no index: still answered
    except BaseException:
        srv.stop()
        raise
    log = _stopped(srv, signal.SIGTERM)
    assert "the index file was removed or replaced while the server ran; restart it" in log, log
    assert "Traceback" not in log, log
    assert not list(out.glob("index.sqlite*"))  # nothing of the service's went into a new file there


@pytest.mark.parametrize("how", ["page", "table"])
def test_an_index_damaged_inside_is_a_503_and_not_ready(tmp_path, caplog, how):
    """An index that opened well but is damaged inside answered each document a 500, and /readyz said ready (found
    by a QA pass): each request that finds it so is a 503 saying so, without the server's path, and the service is
    not ready from then on; the log names the file once a request, with no trace."""
    from fastapi.testclient import TestClient

    path, later = damaged_index(tmp_path, how)
    with TestClient(create_app(Service(Config.load(), path)), raise_server_exceptions=False) as c:
        assert c.get("/readyz").status_code == 200  # it opens well
        assert c.head("/review").status_code == c.get("/review").status_code  # HEAD reads the index as GET does
        r = c.post("/v1/documents", json=later[:50])
        damaged = {"detail": "the index file is damaged: restart the server on a sound index"}
        assert (r.status_code, r.json()) == (503, damaged)
        assert str(tmp_path) not in r.text
        assert c.get("/readyz").status_code == 503
        assert c.post("/v1/clean", json=later[0]).status_code == 200  # no index: still answered
    logged = [r for r in caplog.records if r.name == "cleaner.service" and "the file is damaged" in r.getMessage()]
    assert len(logged) == 1 and str(path) in logged[0].getMessage() and not logged[0].exc_info


def test_a_blank_or_identity_content_encoding_is_no_encoding(server):
    """`Content-Encoding:` sent blank (no coding at all) was a 415 "a body with Content-Encoding '' is not read",
    and so was `identity, identity` (found by a QA pass); a real coding in a list is still refused."""
    body = json.dumps({"id": "ce", "text": fresh("content-encoding", 70)}).encode()
    with server.client() as c:
        for coding in ("", "identity, identity", "Identity"):
            r = c.post("/v1/clean", content=body, headers={"content-type": "application/json", "content-encoding": coding})
            assert r.status_code == 200 and r.json()["status"] == "cleaned", (coding, r.text)
        r = c.post("/v1/clean", content=body, headers={"content-type": "application/json", "content-encoding": "identity, gzip"})
        assert (r.status_code, r.json()) == (415, {"detail": "a body with Content-Encoding 'identity, gzip' is not read: "
                                                             "send it uncompressed"}), r.text


def test_a_second_ctrl_c_stops_the_server_at_once_without_a_trace(tmp_path):
    """A second Ctrl-C while a request waits (uvicorn's force quit) cancelled the app's lifespan, whose trace
    went to the log ("Traceback … CancelledError", found by a QA pass); now one line, the index closed, and the
    waiting request answered 503."""
    with _posted_while_locked(tmp_path / "index.sqlite", "forced", "--shutdown-timeout", "60") as (srv, answers, poster):
        time.sleep(1)
        srv.proc.send_signal(signal.SIGINT)
        time.sleep(1)  # the first waits for the request (up to --shutdown-timeout); the second does not
        srv.proc.send_signal(signal.SIGINT)
        poster.join(30)
        # answered while the index is still locked: the app's close, waiting for the request's thread, held the event
        # loop when the force quit cancelled the lifespan before the request, and the 503 came once the lock was gone
        assert answers, "no answer to the waiting request while the index stayed locked"
        # and ended while it still is: the interpreter waited for the request's thread, up to the index's 60 s busy
        # timeout (for a request being cleaned, as long as its cleaning took), though the log said it had finished
        srv.proc.wait(20)
    log = _ended(srv, "a second Ctrl-C")
    assert srv.proc.returncode == 0, log
    assert "forced to stop: requests in flight were not waited for" in log, log
    assert "Traceback" not in log, log
    (r,) = answers
    assert r.status_code == 503, r.text


def test_a_field_the_body_does_not_name_goes_to_meta_as_on_the_command_line(server, tmp_path, in_process):
    """`{"id": "a", "text": "…", "category": "sport"}` was a 422 from the service ("Extra inputs are not
    permitted") where `cleaner clean` and the API keep `category` in `meta` (found by a QA pass). Now all three
    give the same record, byte for byte, `meta` in the order the fields were sent; a typo such as `txt` leaves
    no text: the same `bad_input` rejection on every path. `/v1/documents` stores the record with its `meta`."""
    from cleaner import clean

    text = fresh("extra-fields", 70)
    records = [
        {"category": "sport", "id": "x1", "tags": ["a", {"b": 1}], "text": text, "url": 5, "lang": "fr", "n": None},
        {"id": "x2", "txt": text, "source": "Le Matin"},
        {"id": "x3", "text": text + " Encore.", "meta": {"kept": True, "category": "old"}, "category": "new", "_given": 1},
    ]
    path = tmp_path / "extra.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    proc = in_process("clean", str(path), "--out", str(tmp_path / "out.jsonl"), "-q")
    assert proc.returncode == 0, proc.stderr
    kept = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    (rejected,) = [json.loads(line) for line in (tmp_path / "out.rejects.jsonl").read_text(encoding="utf-8").splitlines()]

    def shown(record: dict) -> str:
        """The record as JSON, keys in their order, without the place its warnings name."""
        return json.dumps({**record, "warnings": [w.split(": ", 1)[1] for w in record.get("warnings", [])]},
                          ensure_ascii=False)

    api = [out.record() for out in clean(records)]
    with server.client() as c:
        answers = c.post("/v1/clean", json=records)
        assert answers.status_code == 200, answers.text
        answers = answers.json()
        stored = c.post("/v1/documents", json=records[0]).json()
        assert stored["status"] == "kept", stored
        assert json.dumps(c.get("/v1/documents/x1").json()["record"]["meta"]) == json.dumps(kept[0]["meta"])
        assert c.get("/openapi.json").json()["components"]["schemas"]["DocumentIn"]["additionalProperties"] is True
    assert kept[0]["meta"] == {"category": "sport", "tags": ["a", {"b": 1}], "url": 5, "n": None}
    assert kept[1]["meta"] == {"kept": True, "category": "new", "_given": 1}
    for name, (one, two, three) in (("the API", api), ("the service", answers)):
        if name == "the service":
            assert [one["status"], two["status"], three["status"]] == ["cleaned", "rejected", "cleaned"]
            one, three = one["record"], three["record"]
        assert [shown(one), shown(three)] == [shown(r) for r in kept], name
        assert (two["reason"], two["stage"], two["detail"].split(": ", 1)[1]) == (
            rejected["reason"], rejected["stage"], rejected["detail"].split(": ", 1)[1]) == (
            "bad_input", "read", "no 'text' field"), name


def test_a_batch_of_more_documents_than_max_request_docs_is_413_naming_the_limit(server, tmp_path):
    """100,000 short documents fit in 4 MB, under the body limit, and held the server for a minute, answered
    with 20 MB (found by a QA pass). A batch of more than `max_request_docs` (config, default 10,000, or
    `serve --max-request-docs`) is a 413 naming it, before any is cleaned or stored; one at the limit is answered."""
    def batch(n: int, prefix: str) -> list[dict]:
        return [{"id": f"{prefix}{i}", "text": f"mot {i}"} for i in range(n)]

    def over(n: int, limit: int) -> dict:
        return {"detail": f"the request holds {n:,} documents, over the limit of {limit:,} (max_request_docs): "
                          "send them in smaller batches"}

    with server.client() as c:  # the default, 10,000
        for path in ("/v1/clean", "/v1/documents"):
            r = c.post(path, json=batch(10_001, "big"))
            assert (r.status_code, r.json()) == (413, over(10_001, 10_000)), r.text
        assert c.get("/v1/documents/big0").status_code == 404
    srv = Server(tmp_path / "index.sqlite", "--max-request-docs", "3")
    try:
        with srv.client() as c:
            r = c.post("/v1/documents", json=batch(4, "f"))
            assert (r.status_code, r.json()) == (413, over(4, 3)), r.text
            assert c.get("/v1/stats").json()["since_start"]["read"] == 0
            r = c.post("/v1/documents", json=batch(3, "f"))
            assert r.status_code == 200 and [v["id"] for v in r.json()] == ["f0", "f1", "f2"], r.text
            assert c.post("/v1/clean", json={"id": "one", "text": "Un texte."}).status_code == 200
    finally:
        srv.stop()
    config = tmp_path / "cleaner.toml"
    config.write_text("max_request_docs = 2\n", encoding="utf-8")
    from fastapi.testclient import TestClient

    with TestClient(create_app(Service(Config.load(config), tmp_path / "other.sqlite"))) as c:
        r = c.post("/v1/clean", json=batch(3, "t"))
        assert (r.status_code, r.json()) == (413, over(3, 2)), r.text
    for value, says in (("0", "--max-request-docs: must be at least 1, got 0"), ("x", "--max-request-docs: invalid int value: 'x'")):
        r = run_cli("serve", "--index", str(tmp_path / "i.sqlite"), "--max-request-docs", value)
        assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_dropped_documents_verdict_carries_its_warnings_and_language_as_a_runs_rejects_do(server):
    """A duplicate's or a rejected document's verdict left out what reading repaired or met (a NUL removed, a key
    given twice) and the language the run found, which `cleaner run`'s rejects and the Python API give (a QA pass
    comparing them): they are the verdict's `warnings`, `lang` and `lang_score`."""
    text = fresh("dropped-verdict")
    copy = '{"id": "dropped-copy", "text": "x", "text": ' + json.dumps(text.replace(" ", " \u0000", 1)) + "}"
    with server.client() as c:
        kept = c.post("/v1/documents", json={"id": "dropped-kept", "text": text}).json()
        dup = c.post("/v1/documents", content=copy, headers={"Content-Type": "application/json"}).json()
        empty = c.post("/v1/documents", content='{"id": "dropped-empty", "text": "x", "text": " "}',
                       headers={"Content-Type": "application/json"}).json()
    assert kept["status"] == "kept" and "warnings" not in kept, kept
    assert (dup["status"], dup["reason"], dup["dup_of"], dup["lang"]) == (
        "duplicate", "exact_duplicate", "dropped-kept", kept["record"]["lang"]), dup
    assert dup["lang_score"] == kept["record"]["lang_score"], dup
    assert dup["warnings"] == ["document 'dropped-copy': key 'text' given 2 times, with other values: the last kept",
                               "document 'dropped-copy': 1 NUL character removed"], dup
    assert (empty["status"], empty["reason"], empty["stage"]) == ("rejected", "bad_input", "read"), empty
    assert "given 2 times" in empty["detail"] and "lang" not in empty, empty  # at read: in its detail, no language


def test_a_config_that_learns_boilerplate_is_said_at_start_to_be_for_cleaner_run(tmp_path):
    """A config file shared with `cleaner run` that sets `learn_boilerplate = true` was taken by `serve` without
    a word, though the service cleans each document alone and learns nothing (found by a QA pass): a warning
    at the start says so; its gates still apply."""
    config = tmp_path / "cleaner.toml"
    config.write_text("learn_boilerplate = true\nmin_chars = 50\n", encoding="utf-8")
    srv = Server(tmp_path / "index.sqlite", "--config", str(config))
    try:
        with srv.client() as c:
            short = c.post("/v1/documents", json={"id": "s", "text": "Un texte court."}).json()
            assert (short["status"], short["reason"]) == ("rejected", "too_short"), short
    except BaseException:
        srv.stop()
        raise
    log = _stopped(srv, signal.SIGTERM)
    assert log.startswith("cleaner: warning: learn_boilerplate is for `cleaner run`, which learns each source's "
                          "boilerplate from the whole corpus; the service cleans each document with the rule packs "
                          "alone\n"), log


def test_rules_check_names_a_duplicate_id_at_its_line_as_the_command_line_does(server, tmp_path, in_process):
    """`POST /v1/rules/check` had a check of its own for a repeated rule id, which named no line
    ("dup.yaml: duplicate rule id 't.a'") where `cleaner rules check` names both (found by a QA pass): the
    service loads a pack as the command line does, and says the same line."""
    rule = ("  - id: t.{id}\n    kind: line\n    description: a word\n    phrases: [{p}]\n"
            "    examples: {{remove: [{p}], keep: [Un mot.]}}\n")
    text = "rules:\n" + rule.format(id="a", p="xyzzy") + rule.format(id="b", p="plugh") + rule.format(id="a", p="frob")
    pack = tmp_path / "dup.yaml"
    pack.write_text(text, encoding="utf-8")
    cli = in_process("rules", "check", str(pack))
    said = f"{pack}:12: rule 't.a': field 'id': duplicate id, already defined in {pack}:2"
    assert (cli.returncode, cli.stderr) == (2, f"cleaner: {said}\n")
    with server.client() as c:
        answer = c.post("/v1/rules/check", json={"pack": text, "name": str(pack)}).json()
    assert answer == {"ok": False, "rules": 0, "examples": 0, "error": said, "failures": [], "notes": []}


def test_the_docs_page_loads_everything_from_the_service_itself(server):
    """`/docs` and `/redoc` loaded Swagger UI and ReDoc from a CDN (FastAPI's default: jsdelivr, Google Fonts and
    FastAPI's site for the icon), which an offline machine cannot reach: a blank page (found by a QA pass). Every
    address in `/docs` is the service's own and answers; in Debian's Chromium it renders the API with no request
    to any other host and no script error. `/redoc` is gone (ReDoc loads its logo from its maker's CDN)."""
    from playwright.sync_api import expect, sync_playwright
    from test_review_browser import CHROMIUM, CHROMIUM_ARGS, _install_chromium

    with server.client() as c:
        page = c.get("/docs")
        addresses = re.findall(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)""", page.text)
        assert page.status_code == 200 and len(addresses) == 4 and "http" not in page.text, page.text
        for address in addresses:
            asset = c.get(address)
            assert address.startswith("/") and asset.status_code == 200 and len(asset.content) > 1000, address
        assert c.get("/redoc").status_code == 404
    _install_chromium()
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda req: requests.append(req.url))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(server.url + "/docs")
            expect(page.locator("#operations-default-documents_v1_documents_post")).to_be_visible(timeout=30_000)
            page.close()
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith((server.url + "/", "data:", "blob:"))]
    assert outside == [] and errors == [] and server.url + "/openapi.json" in requests, (outside, errors)


def test_the_openapi_document_names_each_operation_once(server):
    """`/healthz` and `/readyz` answer GET and HEAD as one route, which put two operations of one id in
    `/openapi.json` (OpenAPI wants them unique; code generators refuse the document) and a warning in the server's
    log at its first request (found by a QA pass). HEAD is answered still, outside the document."""
    with server.client() as c:
        paths = c.get("/openapi.json").json()["paths"]
        assert [c.head(p).status_code for p in ("/healthz", "/readyz")] == [200, 200]
    ids = Counter(op["operationId"] for ops in paths.values() for op in ops.values())
    assert ids and max(ids.values()) == 1, ids
    assert set(paths["/healthz"]) == set(paths["/readyz"]) == {"get"}


def test_a_run_does_not_start_over_by_removing_its_own_index_a_server_has_open(tmp_path, in_process):
    """`cleaner serve --index DIR/index.sqlite` on a run's own index, then `cleaner run ... -o DIR --restart`: the run
    removed the file under the server, with the documents the service kept in it (every request a 503 after;
    found by a QA pass). Starting over is refused while another process has the file open (SQLite's lock), on
    either engine, saying so and changing nothing; once the server stops it goes ahead."""
    docs = tmp_path / "in.jsonl"
    docs.write_text(json.dumps({"id": "r1", "text": fresh("restart-r1")}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert in_process("run", str(docs), "-o", str(out)).returncode == 0
    srv = Server(out / "index.sqlite")
    try:
        with srv.client() as c:
            assert c.post("/v1/documents", json={"id": "s1", "text": fresh("restart-s1")}).json()["status"] == "kept"
        for engine in ("local", "dask"):
            r = in_process("run", str(docs), "-o", str(out), "--restart", "--engine", engine)
            assert r.returncode == 2 and r.stderr.splitlines()[-1] == (
                f"cleaner: {out / 'index.sqlite'}: is open in another process (a `cleaner serve --index` on it?), "
                "which keeps using it: starting over would remove it; stop that process first"), (engine, r.stderr)
            assert not (out / ".cleaner").exists()  # no state left, which a rerun took for an interrupted run's
        with srv.client() as c:
            assert c.get("/readyz").json()["stored_documents"] == 1 and c.get("/v1/documents/s1").status_code == 200
        again = in_process("run", str(docs), "-o", str(out))
        assert again.returncode == 0 and "already complete" in again.stderr, again.stderr
    finally:
        srv.stop()
    r = in_process("run", str(docs), "-o", str(out), "--restart")
    assert r.returncode == 0 and (out / "index.sqlite").exists(), r.stderr


def test_a_key_given_twice_is_said_as_the_command_line_says_it(server, tmp_path, in_process):
    """`{"id": "d", "text": "x", "text": "y"}` kept the last text in silence in the service, where `cleaner clean`
    says it in the record's warnings: the first value is lost, and a caller should know. Said the same way, for a
    nested object's key too, for one document and for each of a batch (the warnings of one are not another's)."""
    twice = '{"id": "d", "text": %s, "text": %s, "meta": {"k": 1, "k": 2}}' % (json.dumps(NOISY), json.dumps(ARTICLE))
    said = ["key 'k' of a nested object given 2 times, with other values: the last kept",
            "key 'text' given 2 times, with other values: the last kept"]
    src = tmp_path / "d.jsonl"
    src.write_text(twice + "\n", encoding="utf-8")
    cli = in_process("clean", str(src), "--out", "-", "-q")
    assert json.loads(cli.stdout)["warnings"] == [f"{src}:1: {it}" for it in said]
    with server.client(headers={"content-type": "application/json"}) as c:
        one = c.post("/v1/clean", content=twice).json()
        assert one["record"]["warnings"] == [f"document 'd': {it}" for it in said]
        assert one["record"]["text"] == ARTICLE and one["record"]["meta"] == {"k": 2}
        batch = c.post("/v1/clean", content=f'[{{"id": "e", "text": {json.dumps(ARTICLE)}}}, {twice}]').json()
        assert "warnings" not in batch[0]["record"]
        assert batch[1]["record"]["warnings"] == one["record"]["warnings"]
        same = c.post("/v1/clean", content='{"id": "s", "text": %s, "text": %s}' % ((json.dumps(ARTICLE),) * 2)).json()
        assert "warnings" not in same["record"]  # the same value twice loses nothing


def test_the_openapi_document_declares_the_bearer_key_only_when_the_server_has_one(tmp_path):
    """With `--api-key`, every POST needs `Authorization: Bearer <key>`, but `/openapi.json` declared no scheme, so
    Swagger UI at `/docs` had no Authorize button and each "Try it out" POST was a 401 (found by a QA pass). With a
    key, each POST (and nothing else) names the bearer scheme; without one, there is none."""
    from fastapi.testclient import TestClient

    for key in (None, KEY):
        with TestClient(create_app(Service(Config.load(), tmp_path / "index.sqlite"), api_key=key)) as c:
            doc = c.get("/openapi.json").json()
        secured = {(path, method) for path, ops in doc["paths"].items() for method, op in ops.items() if op.get("security")}
        if key is None:
            assert not secured and "securitySchemes" not in doc.get("components", {})
            continue
        assert doc["components"]["securitySchemes"] == {
            "HTTPBearer": {"type": "http", "scheme": "bearer", "description": "the server's --api-key"}}
        assert secured == {("/v1/clean", "post"), ("/v1/documents", "post"), ("/v1/rules/check", "post")}
        assert all(op["security"] == [{"HTTPBearer": []}] for path, m in secured for op in [doc["paths"][path][m]])


def test_swagger_ui_tries_a_post_with_the_key_given_to_its_authorize_button(keyed_server):
    """In a real browser: `/docs` of a server with a key has the Authorize button; the key given to it goes with
    "Try it out", and the POST is answered 200, where it was a 401."""
    from playwright.sync_api import expect, sync_playwright
    from test_review_browser import CHROMIUM, CHROMIUM_ARGS, _install_chromium

    _install_chromium()
    posts: list[tuple[str | None, int]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("response", lambda r: r.request.method == "POST" and posts.append(
                (r.request.headers.get("authorization"), r.status)))
            page.goto(keyed_server.url + "/docs")
            page.locator("button.authorize").click()
            page.locator(".modal-ux input").first.fill(KEY)
            page.locator(".modal-ux button.authorize").click()
            page.locator(".modal-ux button.btn-done").click()
            op = page.locator("#operations-default-clean_v1_clean_post")
            op.locator(".opblock-summary").click()
            op.locator("button.try-out__btn").click()
            op.locator("textarea.body-param__text").fill(json.dumps({"id": "t1", "text": ARTICLE}))
            op.locator("button.execute").click()
            expect(op.locator(".live-responses-table tbody .response-col_status")).to_have_text("200", timeout=30_000)
        finally:
            browser.close()
    assert posts == [(f"Bearer {KEY}", 200)]


def test_every_get_route_answers_head(server):
    """HTTP has a GET resource answer HEAD (health checkers and `curl -I` send it), but only `/healthz` and `/readyz`
    did: `/review`, `/docs`, `/v1/stats`, `/v1/rules` and a document or cluster were a 405 (found by a QA pass). Each
    answers HEAD now with its GET's status and headers and no body; HEAD stays out of the OpenAPI document."""
    with server.client() as c:
        assert c.post("/v1/documents", json={"id": "h1", "text": fresh("head-h1")}).json()["status"] == "kept"
        paths = c.get("/openapi.json").json()["paths"]
        for path in ("/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/review?limit=5",
                     "/v1/stats", "/v1/rules", "/v1/documents/h1", "/v1/clusters/h1", "/v1/documents/nosuch",
                     "/v1/clusters/nosuch", "/review?limit=0"):
            got, head = c.get(path), c.head(path)
            assert (head.status_code, head.content) == (got.status_code, b""), path
            assert head.headers["content-type"] == got.headers["content-type"], path
            if path not in ("/v1/stats", "/review?limit=5"):  # uptime_s may have grown a digit in between; the page
                assert head.headers["content-length"] == got.headers["content-length"], path  # is not built for HEAD
        assert c.head("/v1/documents").status_code == 405  # a POST route: no GET to answer HEAD for
    assert all("head" not in ops for ops in paths.values())


def test_head_of_the_review_page_does_not_build_it(tmp_path):
    """`HEAD /review` built the whole page (7.8 s for 5,000 documents) for a body thrown away: it answers with GET's
    status and type without building it."""
    from fastapi.testclient import TestClient

    service = Service(Config.load(), tmp_path / "index.sqlite")
    service.review = None  # not to be called
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        head = c.head("/review?limit=5")
        assert (head.status_code, head.content, head.headers["content-type"]) == (200, b"", "text/html; charset=utf-8")
        assert c.head("/review?limit=0").status_code == 422


def test_a_batch_item_that_is_no_object_is_answered_in_its_place_as_the_api_takes_it(server):
    """One item that is no object (`5`, `null`, `[1]`) made the whole batch a 422 in pydantic's words, its good
    documents not cleaned nor stored, where the Python API and `cleaner clean` reject that item alone; a plain
    string, a document to the API, was refused too (found by a QA pass). Each item is now taken in its place: a
    string is a text, as the API takes it, named by its position and hash; anything else a `bad_input` rejection,
    said in JSON's words (the API's `int`, `NoneType` and "a mapping … or a Document" are Python's: a QA pass).
    One such value alone is answered so too."""
    from cleaner import clean

    good, plain = fresh("no-object-good"), fresh("no-object-plain")
    body = [{"id": "no-object-good", "text": good}, 5, None, plain, [1], True, 2.5]
    api = [(out.id, getattr(out, "reason", None)) for out in clean(body)]
    words = [f"document {n}: not a document ({kind}; give an object with a text, or a string)"
             for n, kind in ((1, "a number"), (2, "null"), (4, "an array"), (5, "a boolean"), (6, "a number"))]
    with server.client() as c:
        cleaned = c.post("/v1/clean", json=body)
        stored = c.post("/v1/documents", json=body)
        assert cleaned.status_code == stored.status_code == 200, (cleaned.text, stored.text)
        for answer, kept in ((cleaned.json(), "cleaned"), (stored.json(), "kept")):
            assert [(v.get("id"), v.get("reason")) for v in answer] == api
            assert [v["status"] for v in answer] == [kept, "rejected", "rejected", kept, *["rejected"] * 3]
            assert [v["detail"] for v in answer if v["status"] == "rejected"] == words
        assert c.get("/v1/documents/no-object-good").json()["record"]["text"] == good
        assert c.get(f"/v1/documents/3:{content_hash(plain)}").json()["raw"]["text"] == plain
        alone = c.post("/v1/clean", json=plain)
        assert (alone.status_code, alone.json()["id"]) == (200, f"0:{content_hash(plain)}"), alone.text
        number = c.post("/v1/clean", json=5)
        assert number.status_code == 200 and number.json()["detail"] == words[0].replace("1", "0"), number.text
        shapes = c.get("/openapi.json").json()["paths"]["/v1/clean"]["post"]["requestBody"]["content"]
    one, batch = shapes["application/json"]["schema"]["oneOf"]  # an array is a batch, never one item
    assert [s["not"] for s in (one["oneOf"][1], batch["items"]["oneOf"][1])] == [
        {"type": ["object", "array"]}, {"type": ["object"]}]
    assert "any other JSON value" in one["oneOf"][1]["description"]


def test_an_id_too_long_to_fetch_back_is_rejected_not_stored_and_never_quoted_whole(server):
    """A document with an id of 200,000 characters was answered `kept`, but its `GET /v1/documents/{id}` got no
    answer (uvicorn refuses a request line that long), and a 404 repeated a long id whole (found by a QA pass).
    `POST /v1/documents` rejects an id over `MAX_ID_BYTES` in UTF-8 as `bad_input`, in its place, naming it cut
    short; the longest it keeps, percent-encoded in the widest characters, is fetched back. `/v1/clean` stores
    nothing: it cleans such a document still."""
    from cleaner.kinds.base import shown
    from cleaner.service.backend import MAX_ID_BYTES

    long, widest = "I" * 200_000, "😀" * (MAX_ID_BYTES // 4)  # 4 bytes a character: 12 once percent-encoded
    with server.client() as c:
        answer = c.post("/v1/documents", json=[{"id": long, "text": fresh("long-id")},
                                               {"id": widest, "text": fresh("widest-id")}]).json()
        assert [(v["status"], v.get("reason")) for v in answer] == [("rejected", "bad_input"), ("kept", None)]
        assert answer[0]["detail"] == (f"document {shown(long)}: the id is 200,000 bytes in UTF-8, over the "
                                       f"{MAX_ID_BYTES:,} a stored document's may hold (GET /v1/documents/{{id}} "
                                       "could not carry it)")
        assert c.get(f"/v1/documents/{quote(widest, safe='')}").json()["record"]["id"] == widest
        assert c.get(f"/v1/clusters/{quote(widest, safe='')}").json()["kept"] == widest
        assert c.post("/v1/clean", json={"id": long, "text": fresh("long-id")}).json()["status"] == "cleaned"
        for route in ("documents", "clusters"):
            missing = c.get(f"/v1/{route}/{'J' * 10_000}")
            assert missing.status_code == 404 and len(missing.text) < 300, missing.text[:300]


def test_an_id_with_a_dot_segment_is_rejected_not_stored(server):
    """Ids `.` and `..`, and ids holding `/./` or `/../`, were stored, but clients resolve those segments in the URL of
    `GET /v1/documents/{id}` (httpx, curl): `..` got a 404 that named no id, `a/../b` fetched `b` (a QA pass). `POST
    /v1/documents` rejects them as `bad_input`, in their place, saying why; dots that are no segment are ids as any
    other, fetched back. `/v1/clean` stores nothing: it cleans them still. Browsers also end a segment at a backslash
    and read `%2e` as a dot: `a\\..\\b`, `%2e%2e` and `a/%2E./b` are refused too (a review)."""
    dotted = [".", "..", "dots/../b", "./dots", "dots/.", "dots/./c",
              "dots\\..\\b", "%2e%2e", "dots/%2E./b", "dots\\.%2e", "%2e"]
    plain = ["..dots", "dots.", "dots/.../d", "%2e%2e%2e", "dots%2e"]
    with server.client() as c:
        answer = c.post("/v1/documents", json=[{"id": i, "text": fresh(f"dot-{i}")} for i in dotted + plain]).json()
        assert [v["status"] for v in answer] == ["rejected"] * len(dotted) + ["kept"] * len(plain), answer
        assert {v["detail"] for v in answer[:len(dotted)]} == {
            f"document {i!r}: the id holds '.' or '..' (or '%2e' for a dot) between slashes or backslashes, which "
            "clients resolve in a URL (GET /v1/documents/{id} would fetch another document, or none)" for i in dotted}
        assert all(v["reason"] == "bad_input" and v["stage"] == "read" for v in answer[:len(dotted)])
        for rid in plain:
            assert c.get(f"/v1/documents/{quote(rid, safe='/')}").json()["record"]["id"] == rid
        assert c.get("/v1/documents/b").status_code == 404
        assert c.post("/v1/clean", json={"id": "..", "text": fresh("dot-clean")}).json()["status"] == "cleaned"


def test_the_schema_says_a_verdict_field_without_a_value_is_absent_as_answers_leave_it_out(server):
    """The OpenAPI description of `Verdict` said `similarity` was "null when only the id matched", but answers leave
    out every field without a value: an `already_indexed` or `repeated_id` verdict has no `similarity` key at all
    (found by a QA pass). The schema says so, and no field of the answer is null."""
    text = fresh("absent-similarity")
    with server.client() as c:
        c.post("/v1/documents", json={"id": "absent-sim", "text": text})
        twice = c.post("/v1/documents", json=[{"id": "absent-sim", "text": text},
                                              {"id": "absent-rep", "text": text}, {"id": "absent-rep", "text": text}])
        verdict = c.get("/openapi.json").json()["components"]["schemas"]["Verdict"]
    for answer, reason in zip(twice.json()[::2], ("already_indexed", "repeated_id")):  # the second: a copy of the first
        assert answer["reason"] == reason and "similarity" not in answer and None not in answer.values(), answer
    said = " ".join(verdict["description"].split())
    assert "null" not in said and "absent when only the id matched" in said, said
