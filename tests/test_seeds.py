"""Golden tests: the five seed pages clean to exactly the paragraphs and fields in fixtures/seeds-expected."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SEEDS

from cleaner import Document, replay

SEED_FILES = sorted(SEEDS.glob("*.txt"))
FIELDS = ("title", "source", "published", "author", "section")


def test_five_seeds_and_their_expectations_are_in_the_repo():
    assert len(SEED_FILES) == 5
    assert sorted(p.stem for p in (FIXTURES / "seeds-expected").glob("*.json")) == [p.stem for p in SEED_FILES]


@pytest.fixture(scope="module", params=SEED_FILES, ids=lambda p: p.stem)
def seed(request, default_cleaner):
    path = request.param
    doc = Document(id=path.stem, text=path.read_text(encoding="utf-8"))
    expected = json.loads((FIXTURES / "seeds-expected" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return doc, default_cleaner.clean(doc), expected


def test_seed_paragraphs(seed):
    _, out, expected = seed
    got = [line.strip() for line in out.text.split("\n") if line.strip()]
    assert got == expected["paragraphs"]


def test_seed_fields(seed):
    _, out, expected = seed
    assert out.fields() == {name: expected.get(name) for name in FIELDS}


def test_seed_replay(seed):
    """Replay takes `Edit`s and the edits of an output line as they are (mappings: it raised AttributeError)."""
    doc, out, _ = seed
    assert replay(doc.text, out.edits) == out.text
    assert replay(doc.text, json.loads(json.dumps(out.record()))["edits"]) == out.text


def test_seed_noise_lines_are_removed_by_a_rule(seed):
    """The first visible character of every noise line the expectation names is removed by a rule."""
    doc, out, expected = seed
    for kind, lines in expected["removed_lines"].items():
        for prefix in lines:
            if not prefix.strip():
                continue
            found = doc.text.find(prefix)
            assert found >= 0, (kind, prefix)
            start = found + len(prefix) - len(prefix.lstrip())
            covering = [e for e in out.edits if e.start <= start < e.end and e.rule != "whitespace"]
            assert covering, f"{kind} line {prefix!r} is not removed by any rule"
