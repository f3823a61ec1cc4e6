"""`cleaner diff`: every format, the filters, no colour codes when piped, and run-folder mode."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from conftest import DROPPED_FROM_PAGE, DROPPED_PAGE, SEEDS, SHARED, resubmitted_runs, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from test_html import PROSE, STATUS_PAGE
from test_review import PLANTED, SEED_000, SEED_IDS, build_run

from cleaner.cli import main
from cleaner.edits import replay
from cleaner.models import FIELDS, Edit
from cleaner.review import load_run
from cleaner.review.matcher import LineMatcher

SEED_001 = SEED_IDS[1]
TICKER = (SEEDS / f"{SEED_000}.txt").read_text(encoding="utf-8").split("\n", 1)[0].rstrip()
"""Seed 000's headline ticker, without the NBSP run that ends its line (whitespace folding takes that)."""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return build_run(tmp_path_factory.mktemp("diff"))


@pytest.fixture
def diff(capsys):
    """`cleaner diff ARGS` in process: (exit code, stdout, stderr); stdout is not a terminal here."""
    def call(*args: str) -> tuple[int, str, str]:
        code = main(["diff", *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def _docs(text: str) -> list[str]:
    """The terminal output split per document (each starts with its `━━ id` header)."""
    return [block for block in re.split(r"(?m)^(?=━━ )", text) if block]


def test_terminal_marks_each_removal_with_its_rule_and_fields_as_moves(diff):
    code, out, _ = diff(str(SEEDS), "--id", SEED_000)
    assert code == 0 and out.startswith(f"━━ {SEED_000} fr ")
    assert f"[-{TICKER[:150]}" in out and "-]‹generic.ticker›" in out  # long span shortened, still labelled
    assert "[-Merci d'avoir signalé!\nCette image sera" in out and "-]‹maghress.report-banner›" in out
    assert "  published ← '2014-12-13'  ‹fr.published-in›" in out  # an extracted field shown as a move into metadata
    assert "]→published‹fr.published-in›[-\n-]\n" in out  # the line break after it is under its label
    assert "\x1b[" not in out  # not a terminal: no colour codes
    code, full, _ = diff(str(SEEDS), "--id", SEED_000, "--full")
    assert f"[-{TICKER}-]‹generic.ticker›\xa0\xa0\xa0\xa0[-\n-]" in full  # its line break under its label


def test_terminal_text_minus_marked_spans_is_the_clean_text(diff):
    """What is outside the markers is exactly the raw text the edits left (whitespace folding aside)."""
    code, out, _ = diff(str(SEEDS), "--id", SEED_001, "--full")
    assert code == 0
    body = out.split("\n", 1)[1]
    body = "\n".join(line for line in body.split("\n") if not line.startswith(("  title ", "  section ", "  rules: ")))
    kept = re.sub(r"\[-.*?-\](→\w+)?(‹[\w.-]+›)?", "", body, flags=re.DOTALL)  # a blank span may have no label
    (record,) = [json.loads(line) for line in diff(str(SEEDS), "--id", SEED_001, "--format", "json")[1].splitlines()]
    assert " ".join(kept.split()) == " ".join(record_clean(record).split())


def record_clean(record: dict) -> str:
    """The clean text of a `--format json` record of a seed: its edits replayed on the seed file."""
    raw = (SEEDS / f"{record['id']}.txt").read_text(encoding="utf-8")
    return replay(raw, [Edit(**{k: v for k, v in e.items() if k != "text"}) for e in record["edits"]])


def test_json_lines_carry_every_edit_with_its_text(diff):
    code, out, _ = diff(str(SEEDS), "--format", "json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == SEED_IDS
    for record in records:
        raw = (SEEDS / f"{record['id']}.txt").read_text(encoding="utf-8")
        assert all(raw[e["start"] : e["end"]] == e["text"] for e in record["edits"])
        assert sum(record["rules"].values()) == record["raw_chars"] - record["clean_chars"]
    first = records[0]
    assert first["published"] == "2014-12-13" and first["lang"] == "fr" and first["rules"]["generic.ticker"] > 3000
    assert first["edits"][0]["text"].startswith(TICKER)


def test_unified_is_a_real_patch_with_rules_in_hunk_headers(diff):
    code, out, _ = diff(str(SEEDS), "--format", "unified", "--id", SEED_001)
    assert code == 0 and out.startswith(
        f"# section ← 'Economie' ‹generic.section-title›\n# title ← 'Le meilleur est à venir' ‹generic.section-title›\n"
        f"--- {SEED_001}\t(raw)\n+++ {SEED_001}\t(clean)\n@@ -1,"
    )
    headers = re.findall(r"(?m)^@@ .*$", out)
    assert headers[0].endswith("@@ generic.section-title") and headers[-1].endswith("generic.related-list")
    raw = (SEEDS / f"{SEED_001}.txt").read_text(encoding="utf-8")
    record = json.loads(diff(str(SEEDS), "--format", "json", "--id", SEED_001)[1])
    assert _apply_unified(raw, out) == record_clean(record)


def test_unified_applies_with_patch_whatever_breaks_a_line_inside_the_text(diff, tmp_path):
    """NEL, the file and group separators and the like are not line ends for `patch`: the diff splits at LF only (it
    split where `str.splitlines` does, and `patch` refused it); an id holding a newline stays on its header. A text's
    U+2028 is read as LF and its form feed as a blank line, so the raw text the patch is of holds LF there: it applies
    without fuzz."""
    import shutil
    import subprocess

    text = ("Partager sur Facebook\n\nLigne un\x0cpage deux.\n\nTexte\u2028suite\x85fin\x1cici\x1dlà\x1eenfin.\n\n"
            "Articles similaires\n\nUn titre ici\nUn autre titre ici")
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "f\nf", "text": text}) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "unified")
    assert code == 0 and '--- "f\\nf"\t(raw)\n+++ "f\\nf"\t(clean)\n' in out and "No newline" not in out.split("@@", 1)[1][:-60]
    record = json.loads(diff(str(src), "--format", "json")[1])
    if shutil.which("patch"):
        raw = text.replace("\u2028", "\n").replace("\x0c", "\n\n")
        (tmp_path / "raw.txt").write_text(raw, encoding="utf-8", newline="")
        (tmp_path / "p.diff").write_text(out, encoding="utf-8", newline="")
        subprocess.run(["patch", "-s", "-F0", "-o", str(tmp_path / "out.txt"), str(tmp_path / "raw.txt"), str(tmp_path / "p.diff")],
                       check=True)
        clean = replay(raw, [Edit(**{k: v for k, v in e.items() if k != "text"}) for e in record["edits"]])
        assert (tmp_path / "out.txt").read_bytes().decode("utf-8") == clean and clean != raw


def test_unified_leaves_out_unchanged_documents_so_patch_applies(diff, tmp_path):
    """An unchanged document gave a `---`/`+++` header with no hunk, which `patch` refuses ("Only garbage"):
    like `diff -u` of equal texts, it gives nothing; the changed ones beside it still apply."""
    import shutil
    import subprocess

    texts = {"a": "Le gouvernement a présenté mardi un projet de loi.\n\nLe texte sera débattu au parlement.",
             "b": "Partager sur Facebook\n\nLe ministre a annoncé un plan pour les écoles.",
             "c": "Le match a été reporté à cause de la pluie.\n\nLes deux équipes joueront samedi."}
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()), encoding="utf-8")
    assert diff(str(src), "--format", "unified", "--id", "a")[:2] == (0, "")
    code, out, _ = diff(str(src), "--format", "unified")
    assert code == 0 and re.findall(r"(?m)^(?:---|\+\+\+) .*$", out) == ["--- b\t(raw)", "+++ b\t(clean)"]
    if shutil.which("patch"):
        for name, text in texts.items():
            (tmp_path / name).write_text(text, encoding="utf-8", newline="")
        subprocess.run(["patch", "-s", "-p0"], input=out.encode(), cwd=tmp_path, check=True)
        assert (tmp_path / "b").read_text(encoding="utf-8") == "Le ministre a annoncé un plan pour les écoles."
        assert (tmp_path / "a").read_text(encoding="utf-8") == texts["a"]


def test_unified_names_an_id_holding_spaces_so_patch_finds_its_file(diff, tmp_path):
    """`--- une dépêche (raw)`: `patch` read the name up to the space and looked for `une`; a tab ends the
    name, as in `diff -u`, so the whole id is the file patched."""
    import shutil
    import subprocess

    text = "Partager sur Facebook\n\nLe ministre a annoncé un plan pour les écoles."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "une dépêche", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "unified")
    assert code == 0 and out.startswith("--- une dépêche\t(raw)\n+++ une dépêche\t(clean)\n@@ ")
    if shutil.which("patch"):
        (tmp_path / "une dépêche").write_text(text, encoding="utf-8", newline="")
        subprocess.run(["patch", "-s", "-p0"], input=out.encode(), cwd=tmp_path, check=True, capture_output=True)
        assert (tmp_path / "une dépêche").read_text(encoding="utf-8") == "Le ministre a annoncé un plan pour les écoles."


def test_unified_quotes_an_id_holding_a_tab_or_a_control_as_diff_u_does_so_patch_finds_its_file(diff, tmp_path):
    """`--- a<TAB>b<TAB>(raw)`: `patch -p0` read the name up to the first tab and patched the file `a`; an id
    holding a line break or ESC was written as `visible` shows it, a name no file has (found by a QA pass).
    Such a name is written in double quotes with C escapes, as `diff -u` writes it, and `patch` reads it back."""
    import shutil
    import subprocess

    text = "Partager sur Facebook\n\nLe ministre a annoncé un plan pour les écoles."
    ids = {"a\tb": '"a\\tb"', "n\nl": '"n\\nl"', "e\x1bx": '"e\\033x"', "bi\u202edi": '"bi\\342\\200\\256di"',
           '"q': '"\\"q"', 'q"\\': 'q"\\'}  # id: its name in the `---` line (one needing no quotes stays as it is)
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": text}) + "\n" for i in ids), encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "unified")
    assert code == 0 and re.findall(r"(?m)^--- (.*)\t\(raw\)$", out) == list(ids.values())
    assert not re.search("[\x1b\u202e]", out)
    if shutil.which("patch"):
        for name in [*ids, "a"]:
            (tmp_path / name).write_text(text, encoding="utf-8", newline="")
        subprocess.run(["patch", "-s", "-p0"], input=out.encode(), cwd=tmp_path, check=True, capture_output=True)
        assert {(tmp_path / name).read_text(encoding="utf-8") for name in ids} == {"Le ministre a annoncé un plan pour les écoles."}
        assert (tmp_path / "a").read_text(encoding="utf-8") == text


def test_unified_of_dropped_documents_applies_with_patch_and_their_status_is_said(diff, run_dir, tmp_path):
    """Only dropped documents with no hunk gave `# id: status` lines alone, which `patch` refuses ("Only
    garbage was found"): their status goes to stderr, and a dropped one with a hunk keeps its `#` line."""
    import shutil
    import subprocess

    run = load_run(run_dir)
    raws = {**run.raw, **{r["id"]: r["raw"]["text"] for r in run.rejects if r.get("id")}}
    for ids in (["short"], ["short", PLANTED], [SEED_001, "short"], []):
        code, out, err = diff(str(run_dir), "--format", "unified", *[a for i in ids for a in ("--id", i)])
        if shutil.which("patch"):
            folder = tmp_path / "_".join(ids or ["all"])
            folder.mkdir()
            for name, text in raws.items():
                (folder / name).write_text(text, encoding="utf-8", newline="")
            subprocess.run(["patch", "-s", "-p0"], input=out.encode(), cwd=folder, check=True)
        assert code == 0 and "# short:" not in out
        assert re.search(r"cleaner diff: short: fr [\d.]+ · rejected: too_short \(", err)
        assert (f"# {PLANTED}: rejected: exact_duplicate of {SEED_000} " in out) == (PLANTED in ids or not ids)
        assert not ids or out.count("\n--- ") + out.startswith("--- ") == len(ids) - 1
    code, out, err = diff(str(run_dir), "--format", "unified")
    assert err.count("\n") == 2 and "cleaner diff: (no id): rejected: bad_input (" in err and "not cleaned" in err


def test_terminal_shows_control_characters_instead_of_sending_them(diff, tmp_path):
    """Scraped text may hold escape sequences (clear the screen, set the window title): the terminal format
    writes them as `\\x1b…`, coloured or not; only the colour codes themselves are escape sequences."""
    text = "\x1b[2J\x1b]0;pwned\x07Bonjour\x9b31m.\n\nLe gouvernement a présenté mardi un projet de loi sur l'énergie."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "e\x1b[31m", "text": text}) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--color", "never")
    assert code == 0 and "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "━━ e\\x1b[31m " in out and "\\x1b[2J\\x1b]0;pwned\\x07Bonjour\\x9b31m." in out
    code, out, _ = diff(str(src), "--color", "always")
    assert code == 0 and not re.search(r"\x1b(?!\[[0-9;]*m)", out) and "\x9b" not in out


def test_terminal_keeps_an_id_on_its_header_line_and_shows_bidi_controls(diff, tmp_path):
    """An id's line feed went out as it is, so an id could make up a header of its own (`━━ forged …`);
    bidi overrides in the text reached the terminal, coloured or not, and reordered what it showed (found
    by a QA pass). Both are written as escapes, as ESC and U+2028 are."""
    text = "Le conseil municipal a voté \u202eel tegdub\u202c mardi, \u2067après un débat\u2069.\nPartager sur Facebook Partager sur Twitter"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "nl\n━━ forged 1.00 · kept\r", "text": text}) + "\n", encoding="utf-8")
    for color in ("never", "always"):
        code, out, _ = diff(str(src), "--color", color)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert code == 0 and len(_docs(plain)) == 1 and plain.startswith("━━ nl\\n━━ forged 1.00 · kept\\r "), plain
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", out)
        assert "voté \\u202eel tegdub\\u202c mardi, \\u2067après un débat\\u2069." in plain


def _apply_unified(raw: str, patch: str) -> str:
    """Apply a one-file unified diff to `raw` (what `patch` does), to check the hunks are right."""
    lines, out, pos = raw.splitlines(keepends=True), [], 0
    body = patch.split("\n+++ ", 1)[1].splitlines(keepends=True)[1:]
    for n, line in enumerate(body):
        if line.startswith("@@"):
            start = int(re.match(r"@@ -(\d+)", line).group(1))
            start = start - 1 if not re.match(r"@@ -\d+,0 ", line) else start
            out.extend(lines[pos:start])
            pos = start
        elif line.startswith(("-", " ")):
            assert lines[pos].rstrip("\n") == line[1:].rstrip("\n")
            if line[0] == " ":
                out.append(lines[pos])
            pos += 1
        elif line.startswith("+"):
            no_newline = n + 1 < len(body) and body[n + 1].startswith("\\")
            out.append(line[1:].rstrip("\n") if no_newline else line[1:])
    out.extend(lines[pos:])
    return "".join(out)


def test_filters_rule_id_limit(diff):
    _, out, _ = diff(str(SEEDS), "--rule", "generic.related-list")
    assert [b.split()[1] for b in _docs(out)] == [SEED_001]
    _, out, _ = diff(str(SEEDS), "--rule", "generic.ticker", "--format", "json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [SEED_IDS[0], SEED_IDS[4]]
    _, out, _ = diff(str(SEEDS), "--limit", "2", "--format", "json")
    assert len(out.splitlines()) == 2
    _, out, _ = diff(str(SEEDS), "--id", SEED_IDS[3], "--id", SEED_IDS[2], "--format", "json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [SEED_IDS[2], SEED_IDS[3]]
    code, out, err = diff(str(SEEDS), "--rule", "es.share-bar")  # a rule of the packs that fires on no seed
    assert code == 0 and out == "" and "no document matched" in err
    code, out, err = diff(str(SEEDS), "--rule", "no.such-rule")  # a typo: said, not "no document matched"
    assert code == 2 and out == "" and err == ("cleaner diff: --rule 'no.such-rule': no such rule in the loaded packs "
                                               "(`cleaner rules list` shows them)\n")


def test_a_rule_a_run_folder_never_names_is_a_typo_said_exit_2(diff, run_dir):
    """`diff RUNDIR --rule nosuch` said "no document matched", exit 0, where the same typo on inputs is exit 2 (a QA
    pass): a rule in neither the loaded packs nor the run's report is refused; one of the packs that touched none of
    the run's documents, or `whitespace`, still matches nothing without a word of error."""
    code, out, err = diff(str(run_dir), "--rule", "no.such-rule")
    assert (code, out, err) == (2, "", "cleaner diff: --rule 'no.such-rule': no such rule in the loaded packs nor in "
                                       "the run's report (`cleaner rules list` shows the packs')\n")
    for rule in ("es.share-bar", "whitespace"):
        code, _, err = diff(str(run_dir), "--rule", rule, "--limit", "1")
        assert code == 0, err


def test_run_folder_mode_matches_recleaning_and_shows_rejects(diff, run_dir):
    _, from_run, _ = diff(str(run_dir), "--id", SEED_000)
    _, from_input, _ = diff(str(SEEDS), "--id", SEED_000)
    assert from_run == from_input and "‹generic.ticker›" in from_run
    _, out, _ = diff(str(run_dir), "--format", "json")
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert records[PLANTED]["rejected"]["reason"] == "exact_duplicate" and records[PLANTED]["rejected"]["dup_of"] == SEED_000
    assert records["short"]["rejected"]["reason"] == "too_short" and records[None]["rejected"]["reason"] == "bad_input"
    _, out, _ = diff(str(run_dir), "--id", PLANTED)
    assert re.match(rf"━━ {PLANTED} fr [\d.]+ · rejected: exact_duplicate of {SEED_000} \(same normalised clean text",
                    out)
    header = out.splitlines()[0]  # cleaned again, as the review shows it: what dedup compared, not "0 removed"
    assert header.endswith(", cleaned again") and " 0 of " not in header and "‹generic.ticker›" in out
    _, out, err = diff(str(run_dir), "--format", "unified", "--id", "short")  # no hunk: its status on stderr
    assert out == "" and re.match(r"cleaner diff: short: fr [\d.]+ · rejected: too_short", err)  # the gate's language


def test_json_lines_of_a_run_all_have_the_same_keys_and_a_dropped_documents_language(diff, run_dir):
    """A document a gate or dedup dropped had `lang` null, where its header gives the language the run found (its
    rejection's), and a bad input line lacked `lang`, `raw_chars`, `clean_chars`, `rules` and `edits` (KeyError)."""
    _, out, _ = diff(str(run_dir), "--format", "json")
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert len({tuple(r) for r in records.values()}) == 1 and records[SEED_000]["rejected"] is None
    for dropped in (PLANTED, "short"):
        assert records[dropped]["lang"] == records[dropped]["rejected"]["lang"] == "fr"
        assert records[dropped]["lang_score"] == records[dropped]["rejected"]["lang_score"] is not None
    bad = records[None]
    assert (bad["lang"], bad["lang_score"], bad["clean_chars"], bad["rules"], bad["edits"]) == (None, None, None, {}, [])
    assert bad["raw_chars"] == len("{not json") and bad["title"] is None


def test_a_run_that_did_not_finish_or_a_run_folder_among_inputs_is_exit_2(diff, run_dir, tmp_path):
    """An unfinished run folder holds only `.cleaner/`: it was read as an input folder, its state file a
    made-up document, exit 0. A run folder beside other inputs was read as files too."""
    (tmp_path / "stopped" / ".cleaner").mkdir(parents=True)
    (tmp_path / "stopped" / ".cleaner" / "state.sqlite").write_bytes(b"")
    code, out, err = diff(str(tmp_path / "stopped"))
    assert code == 2 and out == "" and err == (f"cleaner diff: {tmp_path / 'stopped'}: a `cleaner run` that did not "
                                               "finish (its state is in .cleaner/); the same command again goes on "
                                               "from where it stopped\n")
    code, out, err = diff(str(run_dir), str(SEEDS))
    assert code == 2 and out == "" and err == (f"cleaner diff: {run_dir}: a `cleaner run` output folder is read alone, "
                                               "not with other inputs\n")


def test_a_quoted_glob_is_read_as_clean_reads_it(diff):
    """Inputs as for `clean`: a glob the shell did not expand matches the seeds."""
    code, out, _ = diff(str(SEEDS / "*.txt"), "--format", "json")
    assert code == 0 and len(out.splitlines()) == len(SEED_IDS)


def test_a_link_loop_or_a_broken_link_is_shown_as_clean_rejects_it(diff, tmp_path):
    """`cleaner diff` said "no such file or folder" (exit 2) of a link loop or a broken link, which are there: it
    shows them as `clean` rejects them, naming what they are (found by a QA pass)."""
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    for name, what in (("a.txt", "a link loop"), ("broken.txt", "a broken link")):
        code, out, _ = diff(str(tmp_path / name))
        assert code == 0 and f"rejected: bad_input ({tmp_path / name}: {what})" in out, out


def test_a_record_without_an_id_is_named_no_id_as_the_review_and_clean_name_it(diff, tmp_path):
    """`cleaner diff` headed a record with no id (a malformed line) `━━ - rejected: …`, which read as an id `-`,
    where the review page and `clean --out -` say `(no id)` (found by a QA pass); its no-hunk note too."""
    src = tmp_path / "bad.jsonl"
    src.write_text('{bad\n{"id": "a", "text": ""}\n', encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "run"), "--quiet", "--workers", "1"]) == 0
    for args in ((str(src),), (str(tmp_path / "run"),)):
        code, out, _ = diff(*args)
        assert code == 0 and f"━━ (no id) rejected: bad_input ({src}:1: malformed JSON" in out and "━━ -" not in out, out
        code, _, err = diff(*args, "--format", "unified")
        assert code == 0 and f"cleaner diff: (no id): rejected: bad_input ({src}:1: malformed JSON" in err, err


def test_bad_input_is_one_line_and_exit_2(diff, tmp_path):
    code, out, err = diff(str(tmp_path / "nope.jsonl"))
    assert (code, out) == (2, "") and err == f"cleaner diff: {tmp_path / 'nope.jsonl'}: no such file or folder\n"
    code, out, err = diff(str(tmp_path / "*.nope"))
    assert (code, out) == (2, "") and err == f"cleaner diff: {tmp_path / '*.nope'}: no such file or folder\n"
    (tmp_path / "corpus.jsonl").write_text("{cut\n", encoding="utf-8")
    code, _, err = diff(str(tmp_path))
    assert code == 2 and "not a `cleaner run` output folder" in err and err.count("\n") == 1


def test_an_empty_folder_is_one_line_and_exit_2_as_a_missing_input_is(diff, tmp_path):
    """`cleaner diff EMPTY/` showed a `bad_input` rejection as its diff and exited 0, where a missing path and a glob
    that matches nothing are one line and exit 2 (found by a QA pass); a folder holding only empty folders is one
    too. A folder holding a file is read as before."""
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    for name in (tmp_path / "empty", tmp_path / "empty" / "sub", tmp_path / "emp*"):
        code, out, err = diff(str(name))
        assert (code, out, err) == (2, "", f"cleaner diff: {name}: an empty folder, no file to read (names starting with a dot are left out)\n")
    (tmp_path / "empty" / "sub" / "a.txt").write_text("Le conseil municipal a voté le budget.", encoding="utf-8")
    code, out, _ = diff(str(tmp_path / "empty"))
    assert code == 0 and "conseil" in out


def test_piped_has_no_colour_unless_asked_and_only_sgr_codes_for_less_r(run_dir, in_process):
    piped = in_process("diff", str(run_dir), "--id", SEED_000)
    assert piped.returncode == 0 and "‹generic.ticker›" in piped.stdout and "\x1b" not in piped.stdout
    coloured = in_process("diff", str(run_dir), "--id", SEED_000, "--color", "always")
    assert coloured.returncode == 0 and "\x1b[" in coloured.stdout
    # `less -R` passes SGR colour sequences (ESC [ ... m) through and nothing else: no cursor moves, no OSC links.
    assert re.findall(r"\x1b[^m]*m", coloured.stdout) and not re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout).count("\x1b")
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == piped.stdout  # same text, colour on top


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["\n", "a\n", "b\n", "c\n", "d\n", "e\n", "f\n"]), max_size=60),
       st.lists(st.sampled_from(["\n", "a\n", "b\n", "c\n", "x\n", "y\n"]), max_size=60))
def test_line_matcher_opcodes_turn_one_text_into_the_other(a, b):
    """Whatever repeats: the opcodes cover both texts in order, `equal` spans are equal, and applying
    them to `a` gives `b` (what `diff -u` and the review print)."""
    ops = LineMatcher(a, b).get_opcodes()
    assert ops[0][1] == ops[0][3] == 0 if ops else a == b == []
    rebuilt = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if k:
            assert (i1, j1) == (ops[k - 1][2], ops[k - 1][4])
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        rebuilt += b[j1:j2]
    if ops:
        assert (ops[-1][2], ops[-1][4]) == (len(a), len(b))
    assert rebuilt == b


def test_line_matcher_anchors_on_unique_lines_so_repeated_blank_lines_stay_cheap_and_minimal():
    """1,000 paragraphs whose doubled blank lines became single (difflib without autojunk: 31 s, every
    blank line matching every other): only the 1,000 extra blank lines are deleted, nothing else changes."""
    raw = [line for i in range(1_000) for line in (f"Paragraphe {i}.\n", "\n", "\n")]
    clean = [line for i in range(1_000) for line in (f"Paragraphe {i}.\n", "\n")]
    ops = LineMatcher(raw, clean).get_opcodes()
    assert {tag for tag, *_ in ops} == {"equal", "delete"}
    assert sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "delete") == 1_000


def test_input_format_reads_inputs_as_clean_reads_them(tmp_path, in_process):
    """`diff` takes its inputs "as for `clean`", but had no `--input-format`: a page piped in, or a text file
    named otherwise than .txt, that `clean --input-format txt` cleans, was read as JSONL, each line bad input."""
    raw = (SEEDS / f"{SEED_000}.txt").read_text(encoding="utf-8")
    (tmp_path / "page.md").write_text(raw, encoding="utf-8")
    clean = run_cli("clean", "-", "--input-format", "txt", "--out", "-", stdin=raw)
    assert clean.returncode == 0, clean.stderr
    record = json.loads(clean.stdout)
    piped = run_cli("diff", "-", "--input-format", "txt", "--format", "json", stdin=raw)
    assert piped.returncode == 0, piped.stderr
    shown = json.loads(piped.stdout)
    assert shown["status"] == "kept" and [{k: v for k, v in e.items() if k != "text"} for e in shown["edits"]] == record["edits"]
    assert shown["title"] == record["title"] and any(e["rule"] == "generic.ticker" for e in shown["edits"])
    named = in_process("diff", str(tmp_path / "page.md"), "--input-format", "txt", "--format", "json")
    assert named.returncode == 0 and json.loads(named.stdout)["edits"] == shown["edits"], named.stderr


def test_lang_backend_tags_inputs_as_clean_tags_them(diff):
    """`diff` cleans inputs with "the same Config and Pipeline as `cleaner clean`", but had no `--lang-backend` (a QA
    pass): its languages were the default backend's whatever `clean` was given. It takes `clean`'s option."""
    from cleaner import Config, clean

    code, out, err = diff(str(SEEDS), "--lang-backend", "fasttext", "--format", "json")
    assert code == 0, err
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]  # in the order of the records
    expected = [d.lang_score for d in clean(texts, Config.load(lang_backend="fasttext"))]
    assert [json.loads(line)["lang_score"] for line in out.splitlines()] == expected
    assert expected != [d.lang_score for d in clean(texts)]  # the default tags otherwise
    code, _, err = diff(str(SEEDS), "--lang-backend", "nope")
    assert code == 2 and "unknown language backend 'nope'" in err


PDF = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n" + "".join(chr(k % 9) if k % 3 else "x" for k in range(3_000))
"""A PDF's head as a page's `html` holds it: binary content, not HTML."""


def test_a_page_whose_html_is_binary_or_empty_is_said_so_not_html_from_which_nothing_was_extracted(diff, tmp_path):
    """A record whose `html` holds a PDF or nothing was "not cleaned (2,636,260 chars of HTML: no text was extracted)",
    "0 chars of HTML" (a QA pass): it says what it holds, "binary content, not HTML" with its size, or "empty HTML"."""
    records = [{"id": "pdf", "html": PDF}, {"id": "empty", "html": ""}, {"id": "blank", "html": " \n "},
               {"id": "menu", "html": "<html><body><div>menu</div></body></html>"}]
    src = tmp_path / "pages.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out, _ = diff(str(src))
    said = [line.rsplit(" · ", 1)[1] for line in out.splitlines() if line.startswith("━━ ")]
    assert code == 0 and said == [f"not cleaned (binary content, not HTML: {len(PDF.replace(chr(0), '')):,} chars)",
                                  "not cleaned (empty HTML)", "not cleaned (empty HTML)",
                                  "not cleaned (41 chars of HTML: no text was extracted)"], said


def test_an_id_the_input_does_not_hold_is_said_exit_2(diff, run_dir):
    """`--id nope` exited 0 saying only "no document matched", as a filter that matched nothing (found by a QA
    pass): a typo in an id reads as a document cleaning left alone. The diffs of the ids found come first; an
    id the input holds that `--rule` leaves out is a filter result, exit 0; with `--limit` reached the rest is
    not read, so not said missing."""
    code, out, err = diff(str(SEEDS), "--id", "nope")
    assert (code, out, err) == (2, "", "cleaner diff: --id 'nope': no such document in the input\n")
    code, out, err = diff(str(SEEDS), "--id", "nope", "--id", SEED_001, "--id", "a\nb", "--id", "nope", "--format", "json")
    assert code == 2 and [json.loads(line)["id"] for line in out.splitlines()] == [SEED_001]
    assert err == "cleaner diff: --id 'nope', 'a\\nb': no such document in the input\n"
    code, out, err = diff(str(run_dir), "--id", "nope")
    assert (code, out, err) == (2, "", f"cleaner diff: --id 'nope': no such document in {run_dir}\n")
    code, out, err = diff(str(SEEDS), "--id", SEED_001, "--rule", "generic.ticker")
    assert (code, out, err) == (0, "", "cleaner diff: no document matched\n")
    code, out, err = diff(str(SEEDS), "--id", SEED_001, "--id", "nope", "--limit", "1", "--format", "json")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [SEED_001] and err == ""


def test_terminal_and_unified_formats_write_under_a_latin1_locale(tmp_path, in_process):
    """A Latin-1 stdout ended the terminal format at its first `━━` and the unified one at its first `←` in a
    UnicodeEncodeError's traceback (JSON was fixed before). The terminal format is for a person: the locale's
    encoding, what it cannot hold as escapes, as stderr writes it; the unified one is a patch of the UTF-8
    texts, so UTF-8, and `patch` applies it."""
    import os
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    raw = (SEEDS / f"{SEED_001}.txt").read_text(encoding="utf-8")
    src = tmp_path / "el.jsonl"
    src.write_text(json.dumps({"id": "Αθήνα", "text": raw}) + "\n", encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}

    def shown(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cleaner", "diff", str(src), *args], cwd=ROOT, env=env,
                              capture_output=True, timeout=300, check=False)

    for color in ("never", "always"):
        proc = shown("--color", color)
        assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode("latin-1")
        out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout.decode("latin-1"))
        assert out.startswith("\\u2501\\u2501 \\u0391\\u03b8\\u03ae\\u03bd\\u03b1 fr ")
        assert "[-Le meilleur est à venir-]\\u2192title\\u2039generic.section-title\\u203a[-\n\n-]" in out
    proc = shown("--format", "unified")
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode("latin-1")
    patch = proc.stdout.decode("utf-8")
    assert "# title ← 'Le meilleur est à venir' ‹generic.section-title›\n--- Αθήνα\t(raw)\n" in patch
    if shutil.which("patch"):
        (tmp_path / "raw.txt").write_text(raw, encoding="utf-8", newline="")
        (tmp_path / "p.diff").write_bytes(proc.stdout)
        subprocess.run(["patch", "-s", "-o", str(tmp_path / "out.txt"), str(tmp_path / "raw.txt"), str(tmp_path / "p.diff")], check=True)
        clean = in_process("clean", str(src), "--out", "-", "--quiet")
        assert (tmp_path / "out.txt").read_text(encoding="utf-8") == json.loads(clean.stdout)["text"]


@pytest.mark.parametrize("score", [None, "missing"])
def test_a_language_without_a_score_is_shown_without_one(diff, run_dir, tmp_path, score):
    """A corpus record may give `lang` with a null `lang_score` (or none): `_summary` formatted it as a number, a
    traceback. It is shown without a score, as the page shows it."""
    import shutil

    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    first = json.loads((folder / "corpus.jsonl").read_text(encoding="utf-8").split("\n", 1)[0])
    record = ({k: v for k, v in first.items() if k != "lang_score"} if score == "missing"
              else {**first, "lang_score": None})
    (folder / "corpus.jsonl").write_text(json.dumps(record) + "\n" + (folder / "corpus.jsonl").read_text(
        encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    code, out, err = diff(str(folder), "--id", first["id"])
    assert code == 0 and out.startswith(f"━━ {first['id']} {first['lang']} · kept · "), err


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_a_limit_under_1_is_refused_as_other_counts_are(limit, in_process):
    """`--limit 0` printed "no document matched", exit 0, as though the filters had found nothing: refused as
    `--shard-docs 0` is, by argparse, exit 2."""
    proc = in_process("diff", str(SEEDS), "--limit", limit)
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.endswith(
        f"cleaner diff: error: argument --limit: must be at least 1, got {limit}\n"), proc.stderr


def test_a_copy_of_a_document_an_earlier_run_kept_says_so_not_this_runs_document_of_that_id(diff, tmp_path):
    """Run B holds again an id X that run A kept (a shared --index), with another text, and a near-copy of A's X:
    "duplicate of X" named the X shown above it, an unrelated text, and the resubmitted X said
    "already_indexed of X"."""
    code, out, _ = diff(str(resubmitted_runs(tmp_path)))
    headers = [line for line in out.splitlines() if line.startswith("━━ ")]
    assert code == 0 and len(headers) == 2, out
    assert re.match(r"━━ X fr [\d.]+ · rejected: already_indexed \(this id is already in the index", headers[0])
    assert re.match(r"━━ copy fr [\d.]+ · rejected: duplicate of X \(near-duplicate of X, kept by an earlier run \(",
                    headers[1])  # said once: "(kept by an earlier run)" stood before the detail that says it


def test_a_copy_whose_detail_names_no_keeper_says_an_earlier_batch_kept_its_original(diff, tmp_path):
    """The detail of a copy written by a cleaner older than `pipeline._kept_by` names no keeper: diff said "(kept by an
    earlier run)", where a service request or a Pipeline call may have kept it. It says what is true of any."""
    folder = resubmitted_runs(tmp_path)
    rejects = [json.loads(line) for line in (folder / "rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    for reject in rejects:
        reject["detail"] = reject["detail"].split(", kept by")[0]
    (folder / "rejects.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rejects), encoding="utf-8")
    code, out, _ = diff(str(folder), "--id", "copy")
    assert code == 0 and "━━ copy fr" in out, out
    assert "· rejected: duplicate of X (kept by an earlier batch) (near-duplicate of X)" in out, out


def test_a_dropped_document_cleaned_again_has_the_fields_it_came_with(diff, tmp_path):
    """A document a gate or dedup dropped was cleaned again without the fields its record and its page gave
    (`given.with_given_fields`): a page dropped by `--langs` had a null title, author, date and site name, and an
    exact copy of a record with its own `title` had none (found by a QA pass). It has what a run would have kept."""
    with gzip.open(SHARED / "dev" / "fr-pages.jsonl.gz", "rt", encoding="utf-8") as fh:
        page = json.loads(next(line for line in fh if '"113763_comedies-romantiques-harcelement-femmes"' in line))
    text = "Le conseil municipal a voté le budget de l'année prochaine, après un long débat sur les écoles."
    records = [page, *({"id": k, "title": " Le budget\nvoté ", "author": "M.A.", "published": "2 mars 2024",
                        "text": text} for k in "ab")]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "run"), "--langs", "fr", "--quiet"]) == 0
    assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "en"), "--langs", "en", "--quiet"]) == 0

    def fields(*args: str) -> dict[str, tuple]:
        out = diff(*args, "--format", "json")[1]
        return {r["id"]: (r["rejected"] and r["rejected"]["reason"], *(r[k] for k in FIELDS))
                for r in map(json.loads, out.splitlines())}

    given, kept, dropped = (fields(str(tmp_path / name)) for name in ("in.jsonl", "run", "en"))
    assert given["a"][1:] == given["b"][1:] == ("Le budget voté", None, "2024-03-02", "M.A.", None)
    assert kept["b"] == ("exact_duplicate", *given["b"][1:]) and kept["a"] == given["a"]
    assert dropped[page["id"]] == ("lang_not_allowed", *given[page["id"]][1:]) and kept[page["id"]] == given[page["id"]]
    assert given[page["id"]][1:] == ("Les comédies romantiques banalisent-elles le harcèlement auprès des femmes?",
                                      "Slate.fr", "2016-02-08", "Vincent Manilève", "Culture")


SLOW_PACK = ("rules:\n  - id: t.alt\n    kind: regex\n    description: backtracks\n    scope: span\n"
             "    pattern: '(?:a|aa)+$'\n    examples: {remove: [aaa], keep: [aab]}\n")
"""A user's rule whose pattern `regex_timeout` stops on a long run of `a`s."""


def test_every_format_says_what_reading_repaired_and_which_rule_was_stopped_as_clean_does(diff, tmp_path, capsys):
    """A rule skipped over its time limit and a repaired input were in `clean`'s `warnings` alone: `diff` showed
    `0 of 50,020 chars removed` and the repaired text without a word, and its JSON had no `warnings` (a QA pass).
    Each format gives them in `clean`'s words: the terminal after the header, unified in `#` lines (on stderr for a
    document with no hunk), JSON as `warnings`."""
    (tmp_path / "bad.txt").write_bytes(b"Texte caf\xe9 invalide.\nBack to top\n")
    (tmp_path / "slow.jsonl").write_text(json.dumps({"id": "slow", "text": "Un texte.\n" + "a" * 50_000 + "b"}) + "\n",
                                         encoding="utf-8")
    (tmp_path / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    (tmp_path / "to.toml").write_text("regex_timeout = 0.2\n", encoding="utf-8")
    args = ("--rules", str(tmp_path / "slow.yaml"), "--config", str(tmp_path / "to.toml"))
    for name in ("bad.txt", "slow.jsonl"):
        src = str(tmp_path / name)
        assert main(["clean", src, *args, "--out", "-", "--quiet"]) == 0
        (warning,) = json.loads(capsys.readouterr().out)["warnings"]
        assert "U+FFFD" in warning if name == "bad.txt" else "rule 't.alt': pattern stopped after 0.2s" in warning
        code, out, _ = diff(src, *args)
        assert code == 0 and out.split("\n")[1] == f"  warning: {warning}", out[:300]
        code, out, _ = diff(src, *args, "--format", "json")
        assert code == 0 and json.loads(out)["warnings"] == [warning]
        code, out, err = diff(src, *args, "--format", "unified")
        if name == "bad.txt":  # a hunk: `#` lines before the patch, which `patch` passes over
            assert code == 0 and out.startswith(f"# warning: {warning}\n--- bad\t(raw)\n") and err == ""
        else:  # cleaning changed nothing: no patch, the warning on stderr
            assert (code, out, err) == (0, "", f"cleaner diff: slow: warning: {warning}\n")


def test_a_hunk_of_whitespace_alone_names_the_whitespace_rule(diff, tmp_path):
    """Hunk headers name the rules behind each hunk, but `whitespace` was left out of them: a hunk of trimmed lines or
    folded blank lines had a bare `@@ -1,5 +1,3 @@` (57 of 146 hunks on a sample, a QA pass). It is named when it is
    the only rule behind a hunk; beside another, it is the blank lines that rule left, and the rule is named alone."""
    src = tmp_path / "ws.jsonl"
    src.write_text(json.dumps({"id": "ws", "text": "Line one   \n\n\n\nLine two"}) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "unified")
    assert code == 0 and re.findall(r"(?m)^@@ .*$", out) == ["@@ -1,5 +1,3 @@ whitespace"], out
    code, out, _ = diff(str(SEEDS), "--format", "unified", "--id", SEED_001)
    assert code == 0 and re.findall(r"(?m)^@@ .*$", out)[0].endswith("@@ generic.section-title")


def test_terminal_shows_the_fields_the_record_or_the_page_gave_marked_as_given(diff, tmp_path):
    """Only fields a rule lifted were listed: a record's own title and date, a page's title, author and site name were
    nowhere in the terminal format, as they were nowhere in the review before it showed where each field came from
    (a QA pass). They are listed after the moves, each with where it came from, as the review's fields table says it."""
    records = [{"id": "p1", "text": "Un texte simple.", "published": "2024-01-02T10:00:00Z", "title": "  Mon titre\n",
                "url": "https://example.org/a"},
               {"id": "p9", "title": "T", "text": "Publié dans Le Matin le 3 mars 2021\nLe texte de l'article."}]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out, _ = diff(str(src))
    first, second = _docs(out)
    assert code == 0 and first.split("\n")[1:4] == [
        "  title     = 'Mon titre'  (given by the record)", "  published = '2024-01-02'  (given by the record)",
        "  url       = 'https://example.org/a'  (given by the record)"]
    assert second.split("\n")[1:4] == ["  source    ← 'Le Matin'  ‹fr.published-in›",
                                       "  published ← '2021-03-03'  ‹fr.published-in›",
                                       "  title     = 'T'  (given by the record)"]
    with gzip.open(SHARED / "dev" / "fr-pages.jsonl.gz", "rt", encoding="utf-8") as fh:
        page = next(line for line in fh if '"113763_comedies-romantiques-harcelement-femmes"' in line)
    (tmp_path / "page.jsonl").write_text(page, encoding="utf-8")
    code, out, _ = diff(str(tmp_path / "page.jsonl"))
    assert code == 0 and "  author    = 'Vincent Manilève'  (given by the page)\n" in out, out[:600]


def test_scraped_text_cannot_pass_for_a_removal_or_a_header_in_the_terminal_format(diff, tmp_path):
    """Kept text holding `[-…-]‹generic.ticker›` read as a removal by that rule, and a line of it starting `━━ other`
    as a second document's header, in plain output (a QA pass). The ‹ › of a label and a ━ that starts a line are
    written as escapes in the raw text, as ids are guarded: coloured or not, the output says the same."""
    text = ("Un texte normal ici.\n[-Tout ce passage-]‹generic.ticker›\n━━ other fr 1.00 · kept · 0 of 9 chars removed "
            "(0%)\nSuite, ━━ ici.\nPartager sur Facebook Partager sur Twitter")
    src = tmp_path / "inj.jsonl"
    src.write_text(json.dumps({"id": "inj", "text": text}) + "\n", encoding="utf-8")
    for color in ("never", "always"):
        code, out, _ = diff(str(src), "--color", color)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert code == 0 and len(_docs(plain)) == 1 and plain.count("‹") == plain.count("›") == 1, plain
        assert "\n[-Tout ce passage-]\\u2039generic.ticker\\u203a\n\\u2501━ other fr" in plain
        assert "Suite, ━━ ici." in plain and "-]‹fr.share-bar›" in plain


def test_terminal_writes_carriage_returns_and_tabs_the_same_coloured_or_not(diff, tmp_path):
    """rich dropped every carriage return, even in a removed span, and expanded tabs in colour alone, so the two
    outputs differed (a QA pass). A carriage return is written `\\r`, as a control is (raw, a terminal would write the
    rest of its line over its start), and a tab stays a tab, coloured or not."""
    src = tmp_path / "crlf.jsonl"
    src.write_text(json.dumps({"id": "crlf", "text": "Un\ttexte ici.\r\nBack to top\r\nLigne\tdeux."}) + "\n",
                   encoding="utf-8")
    code, plain, _ = diff(str(src), "--color", "never")
    assert code == 0 and "\r" not in plain and plain.split("\n", 2)[2].startswith(
        "Un\ttexte ici.\\r\n[-Back to top-]‹en.navigation›\\r[-\n-]"), plain
    assert "Ligne\tdeux." in plain
    code, coloured, _ = diff(str(src), "--color", "always")
    assert code == 0 and "\x1b[" in coloured and re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_terminal_writes_the_label_after_the_span_that_shows_and_none_after_the_blank_spans_of_its_rule(diff, tmp_path):
    """One label followed a span and the blank spans of its rule after it, so `[-\\n-]‹generic.section-title›` stood
    before seed 001's title, as if its label, and the section before it had none (review round 2). The label follows
    the span that shows, as the review page puts it before that span; the blank spans of its rule go unlabelled."""
    code, out, _ = diff(str(SEEDS), "--id", SEED_001)
    assert code == 0 and out.split("\n", 4)[4].startswith(
        "[-Economie-]→section‹generic.section-title›[-\n\n-]"
        "[-Le meilleur est à venir-]→title‹generic.section-title›[-\n\n-]ALM : "), out
    code, out, _ = diff(str(SEEDS), "--id", SEED_000)
    published = "[- le -]‹fr.published-in›[-13 - 12 - 2014-]→published‹fr.published-in›[-\n-]\nMichel"
    assert code == 0 and published in out
    assert "[-\n-]\n[-Cliquez ici pour lire l'article depuis sa source.-]‹maghress.source-link›" in out
    text = ("Le conseil municipal a voté le budget de la commune après un long débat.\r\nPartager sur Facebook\r\n"
            "Partager sur Twitter\r\nLe maire a salué un vote historique pour la commune et ses habitants.")
    src = tmp_path / "crlf.jsonl"
    src.write_text(json.dumps({"id": "crlf", "text": text}) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src))
    assert code == 0 and ("débat.\\r\n[-Partager sur Facebook-]‹fr.share-bar›\\r[-\n-][-Partager sur Twitter-]"
                          "‹fr.share-bar›\\r[-\n-]Le maire") in out, out


SPLIT_PACK = """description: rules whose spans another rule's removal splits
rules:
  - id: x.warn
    kind: regex
    scope: span
    description: removes each WARN line
    flags: [multiline]
    pattern: '^WARN[^\\n]*\\n'
    examples:
      remove: ["WARN a\\n"]
      keep: ["a normal sentence here."]
  - id: x.links
    kind: regex
    scope: span
    description: removes the links block and the line breaks before it
    pattern: '\\n+LINKS[\\s\\S]*'
    examples:
      remove: ["a\\nLINKS b"]
      keep: ["a normal sentence here."]
  - id: x.gap
    kind: regex
    scope: span
    description: removes the line breaks before a NOTE
    pattern: '\\n+(?=NOTE)'
    examples:
      remove: ["a\\n\\nNOTE b"]
      keep: ["a normal sentence here."]
"""
"""x.warn's line splits x.links's span: a line break, then (past the line) its block."""
LEAD = "Le conseil municipal a voté le budget de la commune après un long débat.\r\nKiffe ta race\r\n"
SPLIT_RECORDS = [{"id": "lf", "text": LEAD.replace("\r", "") + "WARN php thing\nLINKS here\nune autre ligne"},
                 {"id": "crlf", "text": LEAD + "\r\nWARN php thing\r\nLINKS here\r\nune autre ligne"},
                 {"id": "gap", "text": LEAD + "\r\nNOTE de la rédaction."}]
"""fr-pages `2_…`: `fr.latest-links` takes a line break, `generic.php-warning` a line, `fr.latest-links` its block;
the CR LF text's two line breaks of x.links in a row, and x.gap's two line breaks that nothing of its rule shows by."""


def test_a_blank_span_has_no_label_where_a_span_of_its_rule_in_its_group_shows(diff, tmp_path):
    """fr-pages `2_…`: the line break `fr.latest-links` takes before `generic.php-warning`'s line and its own block
    had a label of its own, over nothing; so had the first of two blank spans of one rule in a row (review round 2).
    A group of adjacent edits (no kept text that shows between) labels a rule once: at its span that shows, else at
    its first blank span."""
    (tmp_path / "pack.yaml").write_text(SPLIT_PACK, encoding="utf-8")
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in SPLIT_RECORDS), encoding="utf-8")
    code, out, _ = diff(str(src), "--rules", str(tmp_path / "pack.yaml"))
    lf, crlf, gap = (doc.split("\n", 3)[3].rstrip("\n") for doc in _docs(out))
    assert code == 0 and lf.endswith(
        "Kiffe ta race[-\n-][-WARN php thing\n-]‹x.warn›[-LINKS here\nune autre ligne-]‹x.links›"), lf
    assert crlf.endswith("Kiffe ta race\\r[-\n-]\\r[-\n-][-WARN php thing-]‹x.warn›\\r[-\n-]"
                         "[-LINKS here-]‹x.links›\\r[-\nune autre ligne-]‹x.links›"), crlf
    assert gap.endswith("Kiffe ta race\\r[-\n-]‹x.gap›\\r[-\n-]NOTE de la rédaction."), gap


def test_the_share_removed_never_reads_as_none_or_all_when_it_is_not(diff, tmp_path):
    """`13 of 3,912 chars removed (0%)` read as nothing removed (a QA pass), and 480 of 482 as `100%`, everything:
    a share that rounds to 0% or 100% but is not is `<1%` or `>99%`."""
    records = [{"id": "some", "text": "Le conseil municipal a voté le budget. " * 100 + "\nBack to top"},
               {"id": "most", "text": "\n".join(["Back to top"] * 40) + "\nOk"},
               {"id": "none", "text": "Le conseil municipal a voté le budget."}]
    src = tmp_path / "share.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    code, out, _ = diff(str(src))
    headers = [line.split(" · ", 2)[2] for line in out.splitlines() if line.startswith("━━ ")]
    assert code == 0 and headers == ["13 of 3,912 chars removed (<1%)", "480 of 482 chars removed (>99%)",
                                     "0 of 38 chars removed (0%)"], headers


def test_a_runs_summary_says_the_share_removed_to_a_tenth_of_a_percent():
    """A run's summary said `removed 11 of 110,923 characters (0.0%)`, nothing removed (a QA pass), then in whole
    percents as `cleaner diff` does, fr-pages' 1.4% as `(1%)` and MasakhaNEWS's 0.5% as `(<1%)` (a review): it says
    one decimal, and `<0.1%` or `>99.9%` where that would round to none or all."""
    from cleaner.report import Stats

    said = [Stats(raw_chars=raw, clean_chars=clean).summary().splitlines()[1] for raw, clean in
            ((110_923, 110_912), (100_000, 99_999), (482, 2), (100_000, 1), (1_000, 986), (2_000, 1_990), (200, 150))]
    assert said == ["removed 11 of 110,923 characters (<0.1%)", "removed 1 of 100,000 characters (<0.1%)",
                    "removed 480 of 482 characters (99.6%)", "removed 99,999 of 100,000 characters (>99.9%)",
                    "removed 14 of 1,000 characters (1.4%)", "removed 10 of 2,000 characters (0.5%)",
                    "removed 50 of 200 characters (25.0%)"]


def test_an_element_dropped_several_times_before_extraction_is_one_line_with_its_count(diff, tmp_path):
    """The same caption dropped three times (a picture's and its lightbox's) was three lines: it is one, with its count,
    in the terminal (" ×3" after its step), in the patch's `#` lines and in JSON (`count`, absent for one)."""
    caption = "<div><img src='x.jpg'><p class='legende'>Photo DR</p></div>"
    page = DROPPED_PAGE.replace("<h3 role='button'>", caption * 3 + "<h3 role='button'>")
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "page", "html": page}) + "\n", encoding="utf-8")
    assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "run"), "--quiet"]) == 0
    code, out, _ = diff(str(tmp_path / "run"), "--format", "json")
    assert code == 0 and json.loads(out)["removed_before_extraction"][3:] == [
        {"step": "caption", "text": "Photo DR", "count": 3}, DROPPED_FROM_PAGE[3]]
    code, out, _ = diff(str(tmp_path / "run"), "--id", "page")
    assert code == 0 and "  before extraction: 'Photo DR'  ‹caption› ×3" in out.splitlines(), out
    code, out, err = diff(str(tmp_path / "run"), "--id", "page", "--format", "unified")
    assert code == 0 and "before extraction: 'Photo DR' ‹caption› ×3" in out + err, out + err


def test_what_a_page_lost_before_extraction_is_listed_with_its_step_in_every_format(diff, tmp_path):
    """A page's pull quote, caption, pop-up and button, dropped before trafilatura read it, were in no format: the
    header said "0 of 7,296 chars removed" of a page that lost a pull quote of 269 characters (a QA pass). Each is
    listed under the header with its step, in the page's order: in the terminal, in JSON, and in `#` lines of the
    patch (on stderr for a document with no hunk). A text has none."""
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "page", "html": DROPPED_PAGE}) + "\n"
                                       + json.dumps({"id": "text", "text": "Le conseil a voté le budget hier."}) + "\n",
                                       encoding="utf-8")
    assert main(["run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "run"), "--quiet"]) == 0
    code, out, _ = diff(str(tmp_path / "run"), "--format", "json")
    lines = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert code == 0 and lines["page"]["removed_before_extraction"] == DROPPED_FROM_PAGE
    assert lines["text"]["removed_before_extraction"] == []
    said = [f"before extraction: {item['text']!r}  ‹{item['step']}›" for item in DROPPED_FROM_PAGE]
    code, out, _ = diff(str(tmp_path / "run"), "--id", "page")
    assert code == 0 and out.splitlines()[1:5] == [f"  {line}" for line in said], out
    code, out, err = diff(str(tmp_path / "run"), "--id", "page", "--format", "unified")
    shown = [line.replace("  ‹", " ‹") for line in said]
    assert code == 0 and [line for line in (out + err).splitlines() if "before extraction" in line] in (
        [f"# {line}" for line in shown], [f"cleaner diff: page: {line}" for line in shown])


def test_the_terminal_and_unified_formats_show_a_pages_extracted_metadata(diff, tmp_path):
    """A page's metadata as trafilatura read it (`meta.extracted`: its description, tags, the lines the rules read)
    was in the JSON format and the review page alone. The terminal format lists it after the fields, a key a line
    (`page's description: '…'`, a list's items apart, long values shortened but with `--full`), and the patch in its
    `#` lines; a text has none."""
    tags = "".join(f'<meta property="article:tag" content="{tag}">' for tag in ("budget", "conseil"))
    page = DROPPED_PAGE.replace("<head>", f'<head><meta name="description" content="Le budget de la ville">{tags}')
    page = page.replace("</article>", "<p>Partager sur Facebook</p><p>Partager sur Twitter</p></article>")  # a hunk
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "page", "html": page}) + "\n" + json.dumps({
        "id": "text", "text": "Lire aussi\nLe conseil municipal a voté le budget de l'année prochaine, après un débat.",
        "meta": {"extracted": {"description": "not a page's"}}}) + "\n", encoding="utf-8")
    said = ["page's description: 'Le budget de la ville'", "page's tags: 'budget' · 'conseil'", "page's language: 'fr'"]
    code, out, _ = diff(str(src))
    blocks = {block.split()[1]: block.splitlines() for block in _docs(out)}
    assert code == 0 and [f"  {line}" for line in said] == [
        line for line in blocks["page"] if line.startswith("  page's")], out
    assert not any("page's" in line for line in blocks["text"]), out
    code, out, _ = diff(str(src), "--format", "unified", "--id", "page")
    assert code == 0 and [f"# {line}" for line in said] == [line for line in out.splitlines() if "page's" in line], out


def test_json_lines_extracted_leaves_out_what_the_fields_give(diff, tmp_path):
    """`extracted` repeated the title, date, site name, URL and author the fields give (195 of its 726 bytes a page,
    a review), and could contradict them: a status page's raw author, which the tidying made none of. It is the rest
    of the page's metadata alone; a record never cleaned (bad input) has {}."""
    page = STATUS_PAGE.format(*PROSE).replace('data-name="Jeanne Martin"', 'data-name="@jeanne_m"', 1)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "status", "html": page, "url": "https://twitter.com/jeanne_m/status/1"}) + "\n"
                   + "{not json\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "json")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and records[0]["author"] is None and records[0]["title"]
    assert not {"title", "author", "date", "sitename", "url", "section", "dropped"} & records[0]["extracted"].keys()
    assert records[1]["rejected"]["reason"] == "bad_input" and records[1]["extracted"] == {}


def test_json_lines_carry_a_pages_extracted_metadata(diff, tmp_path):
    """A page's metadata as trafilatura read it (`meta.extracted`: its description, tags, the right-aligned lines the
    signature rules read) was in no format (a QA pass). `--format json` gives it as `extracted`, without `dropped`
    (which is `removed_before_extraction`) nor what the fields give (the title, here): {} for a text, even one whose
    record holds an `extracted` of its own."""
    page = DROPPED_PAGE.replace("<head>", '<head><meta name="description" content="Le budget de la ville">')
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "page", "html": page}) + "\n" + json.dumps({
        "id": "text", "text": "Le conseil municipal a voté le budget de l'année prochaine, après un long débat.",
        "meta": {"extracted": {"description": "not a page's"}}}) + "\n", encoding="utf-8")
    code, out, _ = diff(str(src), "--format", "json")
    records = {r["id"]: r for r in map(json.loads, out.splitlines())}
    assert code == 0 and records["page"]["extracted"] == {"description": "Le budget de la ville", "language": "fr"}
    assert records["text"]["extracted"] == {}
