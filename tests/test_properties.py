"""Properties of cleaning, checked with hypothesis on arbitrary text and on text built from real noise.

- the clean text is the raw text with the edited spans cut out (replay), whitespace-normalised;
- cleaning is idempotent: cleaning a clean text changes nothing;
- edits are in bounds, sorted and never overlap;
- no string makes cleaning raise.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Document, replay
from cleaner.kinds import KeepExample, RemoveExample

CLEANER = Cleaner()

NOISE = sorted(
    {
        (ex.text if isinstance(ex, RemoveExample) else ex)
        for rule in CLEANER.rules.rules
        for ex in rule.examples.remove
    }
    | {KeepExample.of(keep).text for rule in CLEANER.rules.rules for keep in rule.examples.keep}
)
"""Every example text of the shipped packs: noise the rules fire on, and article text they must keep."""

ODD = st.sampled_from(["\x00", "\u200f", "\u202e", "\u0301", "\u00a0", "\r", "\n", "\t", "\ufeff", "\u2028", "ـ", "é", " "])
ANY_TEXT = st.text(alphabet=st.one_of(st.characters(), ODD), max_size=400)
LINES = st.lists(st.one_of(st.sampled_from(NOISE), ANY_TEXT, st.sampled_from(["", " ", "\u00a0\u00a0"])), max_size=12)
DOCS = st.one_of(ANY_TEXT, LINES.map("\n".join), LINES.map("\n\n".join))

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_normalised(text: str) -> None:
    assert text == text.strip()
    assert "\n\n\n" not in text
    for line in text.split("\n"):
        assert line == line.strip()


@PROPERTY
@given(DOCS)
def test_clean_text_is_raw_minus_edits_and_whitespace_normalised(raw):
    out = CLEANER.clean(Document(id="p", text=raw))
    assert replay(raw, out.edits) == out.text
    _check_normalised(out.text)


@PROPERTY
@given(DOCS)
def test_edits_are_sorted_in_bounds_and_disjoint(raw):
    out = CLEANER.clean(Document(id="p", text=raw))
    pos = 0
    for edit in out.edits:
        assert pos <= edit.start < edit.end <= len(raw)
        pos = edit.end


@PROPERTY
@given(DOCS)
@example('"Rishabh is stable and undergoing scans," BCCI secretary Jay Shah tweetedexternal-link.\n\xa0\uf900')
@example("Abasuubuzi baggadde oluguudo\n\nBya Jesse Lwanga Mukono Abatuuze wamu n’abasuubuzi b’e Kikooza mu kibuga "
         "Mukono, baggadde oluguudo.\nAuteur : Jean Dupont, Le Monde")  # an extract rule's match, the field filled by another
@example("Published: 10 March 2021\nPublished: 11 March 2021\n\nThe council met on Monday and voted.\n")  # stacked
@example("Par Kerry Torrens - Nutritionniste Par Nicola Shubrook - nutritionniste agréée La nutritionniste dit.")
def test_cleaning_is_idempotent(raw):
    once = CLEANER.clean(Document(id="p", text=raw))
    twice = CLEANER.clean(Document(id="p", text=once.text))
    assert twice.text == once.text
    assert twice.edits == ()


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "\x00" * 100,
        "\n" * 1000,
        "a" * 1_000_000,
        ("mot " * 250_000).strip(),
        ("Titre court    " * 70_000),
        "مرحبا بالعالم " * 1000 + "\u202e",
        "e\u0301" * 50_000,
    ],
    ids=["empty", "nul", "newlines", "1MB-line", "1MB-words", "1MB-ticker-like", "rtl", "combining"],
)
def test_no_exception_on_extreme_strings(raw):
    out = CLEANER.clean(Document(id="x", text=raw))
    assert replay(raw, out.edits) == out.text


@PROPERTY
@given(st.sets(st.text(alphabet="abcé", min_size=1, max_size=4), max_size=8), st.text(alphabet="abcé ", max_size=60))
def test_requires_prefilter_finds_exactly_the_strings_present(words, text):
    from cleaner.prefilter import Requires

    assert Requires(frozenset(words)).present(text) == {w for w in words if w in text}


SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u3000", "\u200b", "\u0301", "é", "a", "\r\n"])


@PROPERTY
@given(st.lists(st.one_of(SPACES, st.characters()), max_size=60).map("".join))
def test_visible_length_is_its_definition(text):
    """`visible_length` counts runs of spaces by a faster search when a text holds no white space but the space and
    the line break; whichever way it goes, and whether it remembers the text or not, it counts as its docstring says."""
    import re
    import unicodedata

    import regex

    from cleaner.text import _visible_length, visible_length

    composed = regex.sub(r"\p{Cf}+", "", unicodedata.normalize("NFC", text))
    expected = len(composed) - sum(len(run) - 1 for run in re.findall(r"[^\S\n]{2,}", composed))
    assert visible_length(text) == _visible_length(text) == expected


def test_other_spaces_are_every_white_space_but_the_space_and_the_line_break():
    """The fast search's test is written out; it must hold what this Python calls white space."""
    import sys

    from cleaner.text import _OTHER_ASCII_SPACES, OTHER_SPACES

    assert set(OTHER_SPACES) == {c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()} - {" ", "\n"}
    assert set(_OTHER_ASCII_SPACES) == {c for c in OTHER_SPACES if c.isascii()}
