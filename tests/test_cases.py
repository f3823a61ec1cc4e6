"""Test cases as data: every `fixtures/cases/<family>/<slug>.yaml` run through `cleaner.clean`.

Families (after ftfy's test data):
- `synthetic`: noise built by hand around article text; the clean text and fields must be exact.
- `negative`: article text that must come through untouched (only whitespace may be trimmed).
- `wild`: short excerpts of real pages; exact clean text and fields, as a careful editor wants them.
- `known-failures`: what the cleaner still gets wrong, with the right answer and a `why`;
  they run as strict xfails, so a fix shows up as an XPASS telling us to move the case.
A case may give its page's `url`, so that the packs scoped to that site (`sources:`) run on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cleaner import clean
from cleaner.config import Config
from cleaner.edits import WHITESPACE_RULE, whitespace_spans
from cleaner.models import FIELDS, Cleaned

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "cases"
MIN_COUNTS = {"synthetic": 15, "negative": 15, "wild": 10, "known-failures": 4}
REQUIRED = {"description", "source", "text", "expect"}
ALLOWED = REQUIRED | {"why", "url"}
EXPECT_KEYS = {"clean", "fields", "rules"}


def case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.yaml"))


def case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def load_case(path: Path) -> dict:
    """Read and check one case file; any problem raises with the file's name in the message."""
    try:
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise AssertionError(f"{case_id(path)}: not valid YAML: {exc}") from None
    name = case_id(path)
    family = path.parent.name
    assert isinstance(case, dict), f"{name}: a case file is a mapping"
    missing = REQUIRED - case.keys()
    assert not missing, f"{name}: missing keys {sorted(missing)}"
    extra = case.keys() - ALLOWED
    assert not extra, f"{name}: unknown keys {sorted(extra)}"
    for key in ("description", "source", "text"):
        assert isinstance(case[key], str) and case[key].strip(), f"{name}: `{key}` must be a non-empty string"
    assert isinstance(case.get("url", ""), str), f"{name}: `url` (the page's, for packs scoped to its site) must be a string"
    expect = case["expect"] if case["expect"] is not None else {}
    assert isinstance(expect, dict), f"{name}: `expect` must be a mapping"
    extra = expect.keys() - EXPECT_KEYS
    assert not extra, f"{name}: unknown keys in expect: {sorted(extra)}"
    if family == "negative":
        assert "clean" not in expect, f"{name}: a negative case has no expect.clean (the input is the answer)"
    else:
        assert isinstance(expect.get("clean"), str), f"{name}: expect.clean (a string) is required in {family}"
    fields = expect.get("fields") or {}
    assert isinstance(fields, dict), f"{name}: expect.fields must be a mapping"
    unknown = fields.keys() - set(FIELDS)
    assert not unknown, f"{name}: unknown fields {sorted(unknown)} (fields are {FIELDS})"
    for field, value in fields.items():
        assert isinstance(value, str), f"{name}: expect.fields.{field} must be a string (quote dates)"
    rules = expect.get("rules") or []
    assert isinstance(rules, list) and all(isinstance(r, str) for r in rules), f"{name}: expect.rules is a list of rule ids"
    if family == "known-failures":
        assert isinstance(case.get("why"), str) and case["why"].strip(), f"{name}: a known failure needs a `why`"
    else:
        assert "why" not in case, f"{name}: `why` belongs to known-failures only"
    case["expect"] = {"clean": expect.get("clean"), "fields": fields, "rules": rules}
    return case


def tidy(text: str) -> str:
    """The text with lines trimmed and blank runs folded: what the whitespace pass alone gives."""
    out, pos = [], 0
    for start, end in whitespace_spans(text):
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


@pytest.fixture(scope="module")
def config() -> Config:
    return Config.load()


def run(case: dict, config: Config) -> Cleaned:
    result = clean({"id": "case", "text": case["text"], "url": case.get("url")}, config)
    assert isinstance(result, Cleaned), f"rejected: {result}"
    return result


def check_exact(case: dict, result: Cleaned) -> None:
    expect = case["expect"]
    assert result.text.strip() == expect["clean"].strip()
    wanted = {f: expect["fields"].get(f) for f in FIELDS}
    assert result.fields() == wanted
    fired = {e.rule for e in result.edits}
    missing = [r for r in expect["rules"] if r not in fired]
    assert not missing, f"rules did not fire: {missing} (fired: {sorted(fired)})"


def check_untouched(case: dict, result: Cleaned) -> None:
    assert result.text == tidy(case["text"])
    other = sorted({e.rule for e in result.edits} - {WHITESPACE_RULE})
    assert not other, f"rules edited article text: {other}"
    assert result.fields() == {f: None for f in FIELDS}


def params() -> list:
    out = []
    for path in case_files():
        marks = []
        if path.parent.name == "known-failures":
            try:
                why = load_case(path)["why"]
            except AssertionError:
                why = "malformed case file"  # test_case_files_are_well_formed names the problem
            # a wrong answer is an AssertionError; a crash on the case is a failure, not the known one
            marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=why))
        out.append(pytest.param(path, id=case_id(path), marks=marks))
    return out


@pytest.mark.parametrize("path", params())
def test_case(path: Path, config: Config) -> None:
    case = load_case(path)
    result = run(case, config)
    if path.parent.name == "negative":
        check_untouched(case, result)
    else:
        check_exact(case, result)


@pytest.mark.parametrize("path", [pytest.param(p, id=case_id(p)) for p in case_files()])
def test_case_files_are_well_formed(path: Path) -> None:
    load_case(path)


def test_families_and_counts() -> None:
    families = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert families == set(MIN_COUNTS), f"families are {sorted(families)}, expected {sorted(MIN_COUNTS)}"
    stray = [p.name for p in CASES.rglob("*") if p.is_file() and p.suffix != ".yaml"]
    assert not stray, f"files that are not cases (a case is a .yaml file): {stray}"
    counts = {f: len(list((CASES / f).glob("*.yaml"))) for f in MIN_COUNTS}
    short = {f: n for f, n in counts.items() if n < MIN_COUNTS[f]}
    assert not short, f"too few cases: {short} (need at least {MIN_COUNTS})"
