"""The engine's shortcuts change no output: rules that found nothing are not tried again where they
would find nothing again, and the `requires` strings are updated across cuts instead of rescanned."""

from __future__ import annotations

import gzip
import json
import unicodedata

import pytest
import yaml
from conftest import FIXTURES, SEEDS, SHARED
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Document, clean
from cleaner.edits import Composed, replay, whitespace_spans
from cleaner.engine import MAX_FIRINGS, _drops_whole_lines, _lines_taken, _State, clean_more, run_rules
from cleaner.kinds import Context
from cleaner.models import Edit
from cleaner.packs import RuleSet
from cleaner.prefilter import Requires, folded
from cleaner.view import View


@pytest.mark.parametrize(
    "text, start, end, whole",
    [
        ("A\nB\nC", 2, 4, True),  # "B\n": a line with its newline
        ("A\nB\nC", 1, 3, True),  # "\nB": the newline before a line and the line
        ("A\nB\nC", 2, 3, True),  # "B": the line goes, an empty line stays
        ("A\nB\nC", 2, 5, True),  # to the end
        ("A\nBB\nC", 3, 5, False),  # the end of a line only
        ("A\nBB\nC", 2, 3, False),  # the start of a line only
        ("AB", 0, 1, False),
    ],
)
def test_drops_whole_lines(text, start, end, whole):
    assert _drops_whole_lines(text, start, end) is whole


@pytest.mark.parametrize(
    "raw, taken, left",
    [
        ("A\nMENU\nB", [(2, 7)], "A\nB"),  # a line with its line break
        ("M1\n\nM2\nBody", [(0, 7)], "Body"),  # lines and the blank line between them
        ("Body.\nFOOT", [(5, 10)], "Body."),  # the last line, with the line break above it it was taken with
        ("Body.\nFOOT", [(6, 10)], "Body.\n"),
        ("  MENU  \nB", [(2, 6), (8, 9)], "B"),  # the spaces around it (`whitespace`'s) too: no blank line is left
        ("Par X - MENU\nB", [(8, 13)], "Par X - \nB"),  # what is left of a line a rule had cut keeps its line break
        # the line break of a line a rule emptied, taken with the blank lines above a footer, joined it to the next
        ("x\nPlease ways:\nIf you\n\nFOOT", [(14, 15), (22, 27)], "x\nPlease ways:\nIf you\n"),
    ],
)
def test_the_lines_taken_are_whole_lines_and_join_none(raw, taken, left):
    """`Cleaner.clean_learned` cleans the text without what the learned lines took (`_lines_taken`) again: lines of
    the raw text, not the raw spans behind the clean text's lines, which can end another line or start in one."""
    spans = _lines_taken(raw, [Edit(start=a, end=b, rule="repeated") for a, b in taken])
    assert View(raw, spans).text == left


def test_the_lines_taken_from_many_spans_are_each_line_they_cover():
    """32,000 spans, one on every other line: the spans in a line were looked for in copies of all the spans
    from that line on (2.1 s, a review). Each covered line goes whole, and the one a span covers a part of keeps the
    rest."""
    lines = [f"Post {i} says something of its own." if i % 2 else "Reply to this comment" for i in range(64_000)]
    raw = "\n".join(lines) + "\nlast Reply"
    taken, pos = [], 0
    for i, line in enumerate(lines):
        if i % 2 == 0:
            taken.append((pos, pos + len(line)))
        pos += len(line) + 1
    taken.append((pos + 5, pos + 10))
    spans = _lines_taken(raw, [Edit(start=a, end=b, rule="repeated") for a, b in taken])
    assert View(raw, spans).text == "".join(line + "\n" for line in lines[1::2]) + "last "
    assert len(spans) == 32_001


@pytest.mark.parametrize("space", [" ", "\u00a0", "\t"])
def test_a_window_takes_a_run_of_spaces_whole(monkeypatch, space):
    """The window around a cut reached across a run of spaces `longest` characters at a time, folding it anew at
    each step: 80,000 spaces next to a cut took 2 s, 300,000 took 27 s (a review). It takes the run whole."""
    from cleaner import prefilter

    text = "lire" + space * 100_000 + "aussi"
    requires = Requires(frozenset({"lire aussi"}))
    assert requires.present_across(text, [50_000]) == {"lire aussi"}  # the string a cut in the run may hold
    folds = []
    monkeypatch.setattr(prefilter, "folded", lambda part: folds.append(len(part)) or folded(part))
    assert requires.present_across(text, [50_000]) == {"lire aussi"}
    assert len(folds) <= 8, folds  # steps of 10 characters: some 10,000 folds


def _cut(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """`text` without the (start, length) `spans` (clipped, overlaps merged), and the offsets in it where they were."""
    cuts, kept, pos, gone = [], [], 0, 0
    for start, length in sorted(spans):
        start = max(start, pos)
        if start >= len(text):
            break
        end = min(start + length, len(text))
        kept.append(text[pos:start])
        cuts.append(start - gone)
        gone += end - start
        pos = end
    kept.append(text[pos:])
    new = "".join(kept)
    return new, cuts


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text(alphabet="abßs", min_size=1, max_size=4), min_size=1, max_size=8),
    st.text(alphabet="abABßSs \n", max_size=60),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=5),
)
def test_present_across_finds_every_string_a_cut_can_make(words, text, spans):
    requires = Requires(frozenset(words))
    new, cuts = _cut(text, spans)
    before = requires.present(text.casefold())
    assert requires.present(new.casefold()) <= before | requires.present_across(new, cuts)


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text(alphabet="abß ", min_size=1, max_size=5).map(folded).filter(str.strip), min_size=1, max_size=8),
    st.lists(st.sampled_from(["a", "b", "A", "ß", " ", "\n", "\t", "\u00a0\u202f", "    ", " \t \u00a0 "]),
             max_size=30).map("".join),
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 6)), max_size=5),
)
@example(words={"a b"}, text="ab\u00a0 \t b", spans=[(1, 1)])  # "a" meets "b" 5 characters on, 1 once folded
def test_present_across_finds_every_string_a_cut_can_make_whatever_its_spaces(words, text, spans):
    """`requires` strings are looked for in the text with each run of spaces one space: the window around a cut
    reaches as far as the runs of spaces in it need to hold the longest string once folded."""
    requires = Requires(frozenset(words))
    new, cuts = _cut(text, spans)
    assert requires.present(folded(new)) <= requires.present(folded(text)) | requires.present_across(new, cuts)


def test_folded_makes_every_run_of_spaces_one_space_and_keeps_the_lines():
    """Every character `\\s` takes but the line break is a space to `requires` (the prefilter tests a text for them
    by a class of its own, for speed), and a run of them is one space."""
    spaces = [c for c in map(chr, range(0x110000)) if c.isspace() and c != "\n"]
    assert [folded(f"Lire{c}{c} Aussi") for c in spaces] == ["lire aussi"] * len(spaces)
    assert folded("Straße  A\n \t\nB\u00a0 C") == "strasse a\n \nb c"


def test_lines_holding_finds_the_lines_whatever_their_spaces_and_case():
    """A `scope: line` rule is tried on the lines holding one of its `requires` strings: found in the folded text,
    whose lines are the text's though shorter (runs of spaces) or longer ("ß" is "ss"); it gave up on a text where
    case-folding changed lengths, and found no "lire aussi" in "Lire\\u00a0aussi"."""
    view = View("STRASSE  Lire\u00a0aussi\nLire aussi\nRien\nGroße\tLire  AUSSI : x\nlire", [])
    assert view.lines_holding(("lire aussi",)) == [0, 1, 3]
    assert view.lines_holding(("lire",)) == [0, 1, 3, 4]


def _texts() -> list[str]:
    """Seeds, case texts, MasakhaNEWS articles and full-page dumps of fr-pages (when ../shared has them)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [yaml.safe_load(p.read_text(encoding="utf-8"))["text"] for p in sorted((FIXTURES / "cases").glob("*/*.yaml"))]
    corpus = SHARED / "corpus" / "masakhanews.jsonl.gz"
    if corpus.exists():
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for _, line in zip(range(1000), fh)]
    pages = SHARED / "dev" / "fr-pages.jsonl.gz"
    if pages.exists():
        from inscriptis import get_text

        with gzip.open(pages, "rt", encoding="utf-8") as fh:
            htmls = [json.loads(line).get("html") or "" for _, line in zip(range(60), fh)]
        texts += [get_text(html) for html in htmls if html.strip() and not html.lstrip().startswith("%PDF")]
    return texts


def test_skipping_rules_that_found_nothing_changes_no_output(monkeypatch):
    cleaner = Cleaner()
    texts = _texts()
    fast = [cleaner.clean(Document(id=str(n), text=t)) for n, t in enumerate(texts)]
    monkeypatch.setattr(_State, "found_nothing", lambda self, rule, seen: False)
    for n, (text, out) in enumerate(zip(texts, fast)):
        slow = cleaner.clean(Document(id=str(n), text=text))
        assert (out.text, out.edits, out.warnings) == (slow.text, slow.edits, slow.warnings), text[:200]


def test_a_line_that_a_cut_changed_is_tried_again():
    """The share bar only becomes a line of its own once the date before it is extracted: the share-bar
    rule, which found nothing on the first pass, must run on the second."""
    text = (
        "Publié le 13 décembre 2014 Partager sur Facebook Partager sur Twitter\n\n"
        "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."
    )
    out = Cleaner().clean(Document(id="t", text=text))
    assert out.text == "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine."
    assert out.published == "2014-12-13" and "fr.share-bar" in {e.rule for e in out.edits}


ARTICLE = "Le budget voté\n\n" + "\n\n".join(f"Paragraphe numéro {i} de l'article, une phrase." for i in range(100))
"""A title line over 100 paragraphs, for a rule that takes the first line."""


def _first_line_rule(kind: str, pattern: str) -> list:
    from cleaner.packs import load_pack_text

    return load_pack_text(yaml.safe_dump({"rules": [{"id": "t.first", "kind": kind, "description": "the first line",
                                                     "pattern": pattern, **({"scope": "span"} if kind == "regex" else {}),
                                                     "examples": {"remove": ["Le budget voté\nLe conseil."],
                                                                  "keep": ["Le conseil a voté."]}}]}), "t.yaml")


@pytest.mark.parametrize(("kind", "pattern"), [("extract", "\\A(?P<title>[^\\n]{5,120})\\n"), ("regex", "\\A[^\\n]{5,120}\\n+")])
def test_a_rule_that_takes_whatever_line_it_laid_bare_is_stopped_after_max_firings_with_a_warning(kind, pattern):
    """Found by a QA pass: a rule that takes the first line, whatever it is (`\\A(?P<title>[^\\n]{5,120})\\n`: the title,
    then each paragraph its removal laid bare, the title filled), was tried again at once up to 20 times in each pass
    and ate 60 of the 100 paragraphs, without a word. A rule changes a document `MAX_FIRINGS` times at most; the one
    that would change it again is stopped and the document warns of it, naming the rule."""
    out = run_rules(Document(id="t", text=ARTICLE), _first_line_rule(kind, pattern), Context())
    paragraphs = ARTICLE.split("\n\n")
    assert out.text == "\n\n".join(paragraphs[MAX_FIRINGS:]) and MAX_FIRINGS == 5
    assert out.title == ("Le budget voté" if kind == "extract" else None)
    assert [w for w in out.warnings if "t.first" in w] == [
        f"rule 't.first': stopped after changing this document {MAX_FIRINGS} times, finding more each time (a pattern "
        "that takes whatever its last removal laid bare would eat the text); what it found next stays"]


@pytest.mark.parametrize("depth", [2, MAX_FIRINGS])
def test_noise_stacked_at_the_head_goes_whole_and_cleaning_again_changes_nothing(depth):
    """A review of session 45's first fix (an extract rule leaving a match whose fields were filled) found stacked
    "Published" lines left after the first, and a second cleaning removing them; with a rule changing a document 3 times
    at most, the fourth of four stacked "Description" lines stayed. Stacked up to `MAX_FIRINGS` deep, they all go, the
    first one's date lifted, and cleaning the clean text changes nothing."""
    body = "The council met on Monday and voted the budget for next year after a long debate about the city's schools."
    for head, field in ((["Published: 1{} March 2021"], "published"), (["Description"], None)):
        text = "\n".join(head[0].format(k) for k in range(depth)) + "\n\n" + body
        once = Cleaner().clean(Document(id="t", text=text, lang="en" if field else "fr"))
        assert once.text == body, (depth, once.text)
        assert field is None or once.published == "2021-03-10"
        again = Cleaner().clean(Document(id="t", text=once.text, lang="en" if field else "fr"))
        assert again.text == once.text and again.edits == ()


def test_a_rule_stopped_whose_next_find_another_rule_took_is_not_warned_of():
    """Six stacked "Publié le" lines: `generic.date-prefix` is stopped after five, and `fr.published-line` takes the
    sixth; the warning said of a clean text that what the stopped rule found next stayed (found by a review). It is
    given only when that is so once every rule has run."""
    body = "Le conseil municipal a voté mardi le budget de la ville pour l'année prochaine, après un long débat."
    text = "\n".join(f"Publié le 1{k} mars 2021" for k in range(6)) + "\n\n" + body
    out = Cleaner().clean(Document(id="t", text=text, lang="fr"))
    assert out.text == body and not [w for w in out.warnings if "stopped" in w], out.warnings


def test_a_rule_over_its_time_limit_is_skipped_for_the_rest_of_the_document_and_warned_of_once():
    """A rule stopped by `regex_timeout` was tried again in each later pass (another rule changed the text), each try
    another wait of the whole limit, and the document listed the same warning once per pass (found by a QA pass)."""
    from cleaner.packs import load_pack_text

    rules = load_pack_text(yaml.safe_dump({"rules": [
        {"id": "t.alt", "kind": "regex", "description": "backtracks", "scope": "span", "pattern": "(?:a|aa)+$",
         "examples": {"remove": ["aaa"], "keep": ["aab"]}},
        {"id": "t.drop", "kind": "regex", "description": "a line", "pattern": "Partager", "scope": "line",
         "examples": {"remove": ["Partager"], "keep": ["Le conseil."]}}]}), "t.yaml")
    out = run_rules(Document(id="x", text="Partager\n" + "a" * 50_000 + "b"), rules, Context(timeout=0.2))
    assert out.text == "a" * 50_000 + "b" and "t.drop" in {e.rule for e in out.edits}
    assert out.warnings == ("rule 't.alt': pattern stopped after 0.2s on this document; rule skipped",)


@pytest.mark.parametrize("hint", ["fr", "FR", "fr-FR", "fr_CA", "fra", "fre", "french", None])
def test_a_language_hint_in_any_common_spelling_scopes_the_packs_as_its_code(hint):
    """A record's `lang` hint scopes the language packs. Spelled otherwise than a lower-case ISO 639-1 code
    (`fra`, as MasakhaNEWS has it, `fr-FR`, `FR`), it switched every language pack off without a trace;
    now it is read as its code, and one that names no language (`french`) scopes nothing, as no hint."""
    text = ("Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles.\n\n"
            "Inscrivez-vous à notre newsletter pour recevoir nos articles.\n")
    out = Cleaner().clean(Document(id="d", text=text, lang=hint))
    assert out.text == text.split("\n\n")[0]
    assert "fr.newsletter-call" in {e.rule for e in out.edits}
    english = Cleaner().clean(Document(id="e", text=text, lang="eng"))
    assert "Inscrivez-vous" in english.text  # a French pack does not run on a text said to be English


def _english_menu_rule() -> RuleSet:
    from cleaner.packs import load_text

    return load_text(yaml.safe_dump({"rules": [{
        "id": "t.en-menu", "kind": "line", "langs": ["en"], "description": "an English site's menu word",
        "phrases": ["Page suivante"], "examples": {"remove": ["Page suivante"], "keep": ["The next page."]}}]}), "t.yaml")


PAGE_TEXT = "Le conseil municipal a voté mardi le budget.\nPage suivante\nLa suite du budget."


@pytest.mark.parametrize(("lang", "stated", "removed"), [
    (None, "fr", True), (None, "en-US", True), (None, None, True),  # no record `lang`: every pack runs
    ("en", "fr", True), ("fr", "en", False), ("fr-FR", None, False),  # the record's own `lang` scopes them
    ("xx", "fr", True),  # a record's `lang` that names no language is as none
])
def test_only_the_records_lang_scopes_the_packs_not_the_pages_stated_language(lang, stated, removed):
    """The language a page states (`meta.extracted.language`, `<html lang>`) scoped the packs when the record gave no
    `lang`, and WordPress states `en-US` by default: 25 of the 45 fr-pages pages stating English are French, and ran
    without the French rules (a review). Only the record's `lang` scopes them; without one every pack runs."""
    extracted = {"extracted": {"language": stated}} if stated is not None else {}
    cleaner = Cleaner(rules=_english_menu_rule())
    out = cleaner.clean(Document(id="p", text=PAGE_TEXT, lang=lang, meta=extracted))
    assert ("Page suivante" not in out.text) is removed, out.text


def test_a_french_page_stating_en_us_keeps_its_french_rules():
    """A French page with WordPress's default `<html lang="en-US">` kept "Publié dans Le Matin le 3 mars 2021"
    (`fr.published-in`, scoped `langs: [fr]`; a review); it goes, as from the page stating `fr`."""
    from cleaner.pipeline import Pipeline

    para = "<p>Le conseil municipal a voté mardi le budget de l'année prochaine, avec des hausses pour les écoles.</p>"
    page = (f'<html lang="{{}}"><head><title>Budget</title></head><body><article><p>Publié dans Le Matin le 3 mars '
            f'2021</p>{para * 3}</article></body></html>')
    with Pipeline() as pipeline:
        outs = [pipeline.prepare({"id": code, "html": page.format(code)}, gates=False) for code in ("en-US", "fr")]
    for out in outs:
        assert "Publié dans" not in out.text and "fr.published-in" in {e.rule for e in out.edits}, out.text


@pytest.mark.parametrize("hint, code", [("ibo", "ig"), ("hau", "ha"), ("orm", "om"), ("run", "rn"), ("amh", "am"),
                                        ("tir", "ti"), ("lin", "ln"), ("lug", "lg"), ("kin", "rw"), ("fre", "fr"),
                                        ("ger", "de"), ("tgl", "tl"), ("pcm", None), ("xyz", None),
                                        ("iw", "he"), ("in", "id"), ("xx", None), ("zz", None)])
def test_three_letter_hints_of_languages_no_backend_knows_name_their_code(hint, code):
    """MasakhaNEWS's `ibo`, `hau`, `orm`, `run`, `amh`, `tir` and `lin` named no language when the table
    was lingua's (it knows none of them), so their records' packs were not scoped; a code with no
    two-letter form (`pcm`, Nigerian Pidgin) still scopes nothing, nor do two letters that are no language's
    code (`xx`, once taken as one); a withdrawn code is its successor's (`iw` is `he`)."""
    from cleaner.lang import hint_code

    assert hint_code(hint) == code
    assert hint_code(hint.upper() + "-NG") == code


def test_a_text_in_nfd_meets_the_patterns_written_in_nfc():
    """A text whose accents are combining marks (NFD, as macOS writes it) met no pattern or `requires`
    string holding an accent ("Publié dans"), while `line` phrases, compared without accents, matched: the
    rules read it in NFC, and its edits point into the raw text, which the clean text keeps the form of."""
    text = ("Titre\nPublié dans L'Économiste le 13 décembre 2014\n\n"
            "Le gouvernement a présenté son budget hier soir devant les députés réunis.")
    cleaner = Cleaner()
    composed = cleaner.clean(Document(id="c", text=text))
    raw = unicodedata.normalize("NFD", text)
    out = cleaner.clean(Document(id="d", text=raw))
    assert (out.title, out.source, out.published) == ("Titre", "L'Économiste", "2014-12-13")
    assert [(e.rule, e.kind, e.field) for e in out.edits] == [(e.rule, e.kind, e.field) for e in composed.edits]
    assert out.text == unicodedata.normalize("NFD", composed.text) == replay(raw, out.edits)


def test_a_letter_nfc_changes_alone_is_not_taken_with_the_space_before_it():
    """U+F900, a CJK compatibility ideograph, is U+8C48 in NFC whatever comes before it; the mapping back to the raw
    text took the character before it along, so the whitespace pass trimming a no-break space before it deleted the
    ideograph too (found by hypothesis: cleaning was not idempotent)."""
    out = Cleaner().clean(Document(id="c", text="Un texte sur deux lignes.\n\xa0\uf900 suite"))
    assert out.text == "Un texte sur deux lignes.\n\uf900 suite"
    assert [(e.rule, e.start, e.end) for e in out.edits] == [("whitespace", 26, 27)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ae\u0301\u0323\u0308 \nq\u0303\u212b\u1100\u1161\u11a8\xa0\uf900", max_size=20), st.data())
def test_edits_on_the_nfc_text_are_edits_on_the_raw_text(raw, data):
    """Cuts between composed characters keep, in the raw text, what the NFC text keeps; a cut inside one
    (the dot below of "ẹ́", composed, with the accent after it) takes it whole: the edits never overlap."""
    composed = Composed(raw)
    assert composed.text == unicodedata.normalize("NFC", raw)
    n = len(composed.text)
    cuts = sorted(data.draw(st.sets(st.integers(0, n), max_size=6)))
    edits = [Edit(start=a, end=b, rule="r") for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    kept = replay(composed.text, edits)
    out = replay(raw, composed.raw_edits(edits))
    if all(composed._raw(p, False) == composed._raw(p, True) for p in cuts):
        assert unicodedata.normalize("NFC", out) == unicodedata.normalize("NFC", kept)


def test_a_scope_scans_for_its_own_rules_requires_strings_only():
    """A document's `requires` strings are looked for among those of the rules of its scope (language,
    host) only, not every pack's: a scan costs by the text's length and the strings it finds. The output
    is the one a scan for every rule's strings gives."""
    from cleaner.engine import run_rules
    from cleaner.kinds import Context
    from cleaner.prefilter import requires_for

    cleaner = Cleaner()
    everything = frozenset(w for rule in cleaner.rules.rules for w in rule.requires)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts.append("Subscribe to our newsletter\nThe minister spoke on Tuesday.\nShare this with Facebook Twitter Email")
    for lang in ("fr", "en", "sw", None):
        rules, requires = cleaner._scoped(lang, None)
        assert set(requires.automaton.keys()) == {w for rule in rules for w in rule.requires}
        if lang is not None:
            assert set(requires.automaton.keys()) < everything
        for text in texts:
            doc = Document(id="t", text=text, lang=lang)
            ctx = Context(lang=lang, timeout=cleaner.config.regex_timeout)
            assert cleaner.clean(doc) == run_rules(doc, rules, ctx, cleaner.config.max_passes, requires_for(everything))


def test_a_rule_list_is_split_by_phase_as_it_is_and_not_kept():
    """A cache of the phase split keyed by a list's id kept every list the engine was given alive (`rules check` and
    the service's checks make one a rule: each held its compiled pattern, ~12 MB a check in a review's test) and split
    a list changed in place as it was before (the rule added never ran). A cleaner's own scoped lists are split once."""
    import sys

    from cleaner.engine import run_rules
    from cleaner.kinds import Context
    from cleaner.packs import load_pack_text

    (rule,) = load_pack_text("rules:\n  - id: u.menu\n    kind: line\n    description: a menu\n    phrases: [Menu]\n"
                             "    examples: {remove: [Menu], keep: ['Le conseil a voté.']}\n", "p.yaml")
    doc = Document(id="d", text="Le conseil a voté.\nMenu")
    rules: list = []
    held = sys.getrefcount(rules)
    assert run_rules(doc, rules, Context()).text == "Le conseil a voté.\nMenu"
    assert sys.getrefcount(rules) == held
    rules.append(rule)
    assert run_rules(doc, rules, Context()).text == "Le conseil a voté."


_GLUE_AND_READ_ALSO = """rules:
  - id: u.glue
    kind: regex
    scope: span
    description: a marker inside a phrase
    pattern: '\\[x\\]'
    examples: {remove: ['Lire[x] aussi'], keep: ['Le conseil a voté.']}
  - id: u.read-also
    kind: regex
    description: a read-also line
    pattern: 'Lire aussi.*'
    requires: [lire aussi]
    examples: {remove: ['Lire aussi : le budget'], keep: ['Le conseil a voté.']}
"""


def test_a_rule_whose_string_a_cut_lays_bare_is_tried_in_the_same_pass():
    """A pass tries the rules the text's `requires` strings let through (`_Plan.tried`), and joins to it those further
    on that a cut lets through: "Lire[x] aussi" holds no "lire aussi" until `u.glue` cuts "[x]", and one pass then
    takes the line. A list in another order plans its own positions: `u.read-also` first finds nothing in that pass."""
    from cleaner.packs import load_pack_text

    glue, read_also = load_pack_text(_GLUE_AND_READ_ALSO, "p.yaml")
    doc = Document(id="d", text="Le conseil a voté.\nLire[x] aussi : le budget")
    assert run_rules(doc, [glue, read_also], Context(), max_passes=1).text == "Le conseil a voté."
    later = run_rules(doc, [read_also, glue], Context(), max_passes=1)
    assert later.text == "Le conseil a voté.\nLire aussi : le budget"
    assert run_rules(doc, [read_also, glue], Context(), max_passes=2).text == "Le conseil a voté."


def test_the_plans_kept_for_lists_of_rules_keep_no_rule_alive():
    """The engine keeps the plan of a list it was given for the next list of the same rules, but not the rules: a
    service's checks of users' packs each made rules holding their compiled patterns."""
    import gc
    import weakref

    from cleaner.packs import load_pack_text

    rules = load_pack_text(_GLUE_AND_READ_ALSO, "p.yaml")
    doc = Document(id="d", text="Le conseil a voté.\nLire[x] aussi : le budget")
    assert run_rules(doc, list(rules), Context()).text == run_rules(doc, list(rules), Context()).text
    refs = [weakref.ref(rule) for rule in rules]
    del rules
    gc.collect()
    assert [ref() for ref in refs] == [None, None]


def test_the_whitespace_pass_reads_a_text_only_when_a_rule_changed_it(monkeypatch):
    """It ran at the start and after each round of passes, and read a text no rule changed three times (1,000,000 short
    lines: 3.5 s of 30, session 47): on the text it left it finds nothing. A rule that changes the text has it read
    again, to the same output."""
    from cleaner import engine

    read = []
    monkeypatch.setattr(engine, "whitespace_spans", lambda text: read.append(text) or whitespace_spans(text))
    cleaner = Cleaner()
    text = "Un titre\n\n" + " ".join(["Le conseil municipal a voté mardi le budget de l'année prochaine."] * 3)
    assert cleaner.clean(Document(id="a", text=text, lang="fr")).text == text and len(read) == 1
    read.clear()
    out = cleaner.clean(Document(id="b", text=f"{text}\n\nPublicité - La suite après cette publicité\n\n{text}", lang="fr"))
    assert out.text == f"{text}\n\n{text}" and 1 < len(read) < 4


def test_a_records_own_author_is_what_a_rule_knows_of_it():
    """`Context.author` is the author the document came with, a record's too: its signature line goes, mid-text the
    name stays."""
    text = "Le conseil a voté le budget mardi, après trois heures de débat.\nJean Dupont\n"
    assert clean({"id": "a", "text": text, "author": "Jean Dupont"}).text.endswith("débat.")
    kept = "Jean Dupont\nLe conseil a voté le budget mardi, après trois heures de débat.\n" + "Une ligne.\n" * 5
    assert clean({"id": "b", "text": kept, "author": "Jean Dupont"}).text.startswith("Jean Dupont")


def test_a_cleaner_gives_the_fields_the_document_came_with_as_clean_does():
    """`Cleaner.clean` fills the fields the rules did not find from the document's own, as `clean` does: the signature
    line went by the record's author, and the author was left empty, the name lost (a QA pass)."""
    doc = Document(id="a", text="Le conseil a voté le budget mardi, après trois heures de débat.\n\nSophie Gourion",
                   meta={"author": "Sophie Gourion"})
    out = Cleaner().clean(doc)
    assert out.text.endswith("débat.") and out.author == "Sophie Gourion"
    assert out.record() == clean(doc).record() | {"lang": None, "lang_score": None}


ARTICLE_END = "Le conseil a voté le budget mardi, après trois heures de débat."
INTERVIEW = ("Sophie Gourion\nEt vous, que ferez-vous demain ?\nMadonna\nJe continuerai le combat.\nSophie Gourion\n"
             "Merci beaucoup.")


@pytest.mark.parametrize("text", [
    # an interview: the author's name is a speaker's label, followed by a question and another name alone
    f"{ARTICLE_END}\nSophie Gourion\nEt vous, que ferez-vous demain ?\nJean Dupont\nJe continuerai le combat.",
    f"{ARTICLE_END}\nSophie Gourion\nEt vous, que ferez-vous demain ?",
    f"{ARTICLE_END}\nSophie Gourion\nJean Dupont\nMerci.",
    # a list of names: the author's a bulleted item, or after a line ending with ":"
    f"{ARTICLE_END}\nLe jury réunissait :\n- Claire Levenson\n- Sophie Gourion",
    f"{ARTICLE_END}\n• Sophie Gourion",
    f"{ARTICLE_END}\nLe jury réunissait :\nSophie Gourion",
    # a list of names without bullets or a colon, a tribune's signatories (a QA pass: the last name went)
    f"{ARTICLE_END}\nLe jury réunissait trois personnalités.\nClaire Levenson\nSophie Gourion",
    f"{ARTICLE_END}\nLes signataires\nMarie Curie\nPaul Langevin\nSophie Gourion",
    # French "Prénom NOM" lists (a review)
    f"{ARTICLE_END}\nClaire LEVENSON\nSophie GOURION",
    f"{ARTICLE_END}\nLe jury :\nClaire LEVENSON\nSophie GOURION",
    # the interviewee's label: after a question, before the answer, or written with a colon (a QA pass)
    f"{ARTICLE_END}\nJean Dupont\nQue ferez-vous demain ?\nSophie Gourion\nJe continuerai le combat.",
    f"{ARTICLE_END}\nSophie Gourion :\nJe continuerai le combat.",
    # the interviewer's label, the other speaker's a word alone or a name with a particle (a QA pass)
    f"{ARTICLE_END}\nSophie Gourion\nMerci beaucoup.\nMadonna\nMerci à vous.",
    f"{ARTICLE_END}\nSophie Gourion\nMerci beaucoup.\nCharles de Gaulle\nMerci à vous.",
    # the interviewer's last label, the other speaker's label and answer above it (a review)
    f"{ARTICLE_END}\n{INTERVIEW}",
])
def test_the_authors_name_in_an_interview_or_a_list_is_no_signature(text):
    """The author's name ending a text is the article's when it is a speaker's label (a question or another name
    alone follows it) or a list's item (a bullet before it, or after a line ending with ":" or written as an item):
    `generic.author-signature` took "Sophie Gourion" from both (a review)."""
    out = clean({"id": "a", "text": text, "author": "Sophie Gourion"})
    assert out.text == text and out.edits == (), out.edits


def test_the_interviewers_last_label_stays_where_a_byline_names_the_author():
    """The author fr.byline lifts is the interviewer's: their last label, under the other's label and answer, went as a
    signature (a review)."""
    out = clean({"id": "a", "text": f"Par Sophie Gourion\n\n{ARTICLE_END}\n{INTERVIEW}", "lang": "fr"})
    assert (out.text, out.author) == (f"{ARTICLE_END}\n{INTERVIEW}", "Sophie Gourion")


@pytest.mark.parametrize("text", [
    f"Titre\n\n{ARTICLE_END}\nJean Dupont\nLa défense plaide l'acquittement.\nJean Dupont",
    "Titre\n\nUn.\nJean Dupont\nDeux.\nJean Dupont\nTrois.\nJean Dupont",
    f"Entretien\n\nJean Dupont\nQue ferez-vous ?\nMadonna\nJe chanterai.\nJean Dupont\nMerci.\nMadonna\nMerci à vous.",
])
def test_the_authors_name_alone_on_two_lines_is_no_signature(text):
    """A name alone on two lines is a label of the text's (an interviewer's): `generic.author-signature` took the last,
    then, tried again and in a second run, the one before it, each in turn laid bare as the last (a QA pass)."""
    out = clean({"id": "a", "text": text, "author": "Jean Dupont"})
    assert out.text == text and out.edits == (), out.edits


@pytest.mark.parametrize("text", [
    "Jean Dupont\n\nIl a été élu maire dimanche avec 54 % des voix.",
    "Jean Dupont",
])
def test_a_name_with_no_article_above_it_is_no_signature(text):
    """A signature ends the article it signs: a headline naming the author went as one (a QA pass), as did a text
    of the name alone."""
    out = clean({"id": "a", "text": text, "author": "Jean Dupont", "lang": "fr"})
    assert out.text == text and out.edits == (), out.edits


@pytest.mark.parametrize("author", [
    "Le ministre a démenti.",
    "le ministre de l'Intérieur a démenti toutes les accusations",
])
def test_an_author_that_is_no_name_signs_nothing(author):
    """A signature is a short name: an author field holding a sentence took the text's last line equal to it (a QA
    pass)."""
    text = f"Titre\n\n{ARTICLE_END}\n{author}"
    out = clean({"id": "a", "text": text, "author": author, "lang": "fr"})
    assert out.text == text and out.edits == (), out.edits


@pytest.mark.parametrize("author", [
    "Jean Dupont, journaliste", "Jean Dupont et Marie Curie", "Mohamed ould Abdel Aziz",
])
def test_an_author_with_a_role_two_names_or_a_particle_is_a_name(author):
    """A role after a comma, names joined by "et", a particle as "ould" made the author field a sentence, and its
    signature stayed (a review)."""
    out = clean({"id": "a", "text": f"Titre\n\n{ARTICLE_END}\n{author}", "author": author, "lang": "fr"})
    assert out.text.endswith(ARTICLE_END), out.text


@pytest.mark.parametrize("author", ["John Smith Jr.", "jean dupont.", "Maria de la Luz García y Pérez"])
def test_an_author_with_an_abbreviations_stop_or_seven_words_is_a_name(author):
    """A name may end with a stop ("Jr.", a field's "jean dupont.") and hold seven words: each was read as no name, a
    sentence or too long, and signed nothing (a review); a sentence mixes capitalised and lower-case words."""
    name = author.rstrip(".") if author.islower() else author
    out = clean({"id": "a", "text": f"Titre\n\n{ARTICLE_END}\n{name}", "author": author, "lang": "fr"})
    assert out.text.endswith(ARTICLE_END), out.text


BIO = "Sociologue et militant du Front Uni des Immigrations et des Quartiers Populaires."


@pytest.mark.parametrize("author, signed", [
    ("Said Bouamama", "Said Bouamama"), ("Bouamama Said", "Said Bouamama"), ("Said Bouamama", "Bouamama Said"),
    ("Jean Paul Dupont", "Dupont Jean Paul"),
])
def test_a_signature_writes_the_authors_words_in_either_order(author, signed):
    """A Mediapart post signed "Said Bouamama" over its author's biography, its byline "Par Bouamama Said": the
    signature matched the name in the same word order only, and stayed (a QA pass, fr-pages 609)."""
    out = clean({"id": "a", "text": f"Titre\n\n{ARTICLE_END}\n{signed}\n{BIO}", "author": author, "lang": "fr"})
    assert out.text.endswith(f"{ARTICLE_END}\n{BIO}"), out.text


@pytest.mark.parametrize("author, line", [
    ("Jean Dupont", "Jean"), ("Jean Dupont", "Dupont Jean Dupont"),
    ("Jean Paul Dupont Martin", "Martin Dupont Paul Jean"),
])
def test_a_name_of_other_words_or_of_over_three_words_reordered_signs_nothing(author, line):
    """Only the author's own words, two or three, may stand in another order: another set of words, or four words
    reordered, is no signature."""
    text = f"Titre\n\n{ARTICLE_END}\n{line}"
    out = clean({"id": "a", "text": text, "author": author, "lang": "fr"})
    assert out.text == text and out.edits == (), out.edits


BYLINE_TEXT = ("Council to close library\n\nBy Jane Smith, BBC News\nThe council voted on Monday to close the library, "
               "citing rising energy costs and falling visitor numbers across the county.")


def test_the_records_author_is_no_signature_where_a_rule_lifts_another():
    """The document's author is a rule's where one lifts it (`with_given_fields`): the record's "John Doe" ending the
    text went as a signature, `author` being the byline's "Jane Smith" (a QA pass); the byline's name still goes."""
    other = clean({"id": "a", "text": f"{BYLINE_TEXT}\nJohn Doe", "author": "John Doe", "lang": "en"})
    assert (other.text.splitlines()[-1], other.author) == ("John Doe", "Jane Smith")
    same = clean({"id": "b", "text": f"{BYLINE_TEXT}\nJane Smith", "author": "Jane Smith", "lang": "en"})
    assert (same.text.endswith("county."), same.author) == (True, "Jane Smith")


def test_the_author_a_rule_lifts_signs_the_text():
    """The author a rule lifts is the document's (`rule_context`): "Jane Smith" ending a text whose byline names her
    stayed where the record had no author (a review); `author` keeps the name."""
    out = clean({"id": "a", "text": f"{BYLINE_TEXT}\nJane Smith", "lang": "en"})
    assert (out.text.endswith("county."), out.author) == (True, "Jane Smith")


def test_a_rules_context_is_made_again_only_when_a_rule_lifts_an_author(monkeypatch):
    """Each rule's try asked for the context (`rule_context`), comparing the authors' `line_key` each time (a
    review): the state makes it once, and again when the lifted author changes."""
    from cleaner import engine

    made = []
    monkeypatch.setattr(engine, "rule_context", lambda ctx, fields: made.append(fields.get("author")) or ctx)
    Cleaner().clean(Document(id="a", text=f"{BYLINE_TEXT}\nJane Smith", lang="en", meta={"author": "John Doe"}))
    assert made == [None, "Jane Smith"]
