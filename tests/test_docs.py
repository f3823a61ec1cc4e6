"""The README's summaries against the code they summarise: the command line's flags, the layout's modules."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shutil

from conftest import FIXTURES, ROOT, run_cli

from cleaner.cli import build_parser
from cleaner.config import Config
from cleaner.io.records import jsonable

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str) -> str:
    """The first ```text block after the line `after` in the README."""
    start = README.index("```text\n", README.index(after)) + len("```text\n")
    return README[start:README.index("```", start)]


def _commands(parser: argparse.ArgumentParser, name: str = "cleaner") -> dict[str, set[str]]:
    """Every (sub)command of `parser` by its full name, with the option strings --help shows for it."""
    options = {opt for action in parser._actions for opt in action.option_strings if opt not in ("-h", "--help")}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {name: options}
    found = {name: options}
    for sub, child in subs[0].choices.items():
        found |= _commands(child, f"{name} {sub}")
    return found


def _summary(names: set[str]) -> dict[str, str]:
    """The command-line summary's lines by command (one of `names`): a `cleaner …` line and the indented lines under
    it, `--[no-]x` written out as `--x --no-x`."""
    text = re.sub(r"--\[no-\]([\w-]+)", r"--\1 --no-\1", _block("### Command line"))
    found: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line.startswith("cleaner "):
            words = line.split()
            name = max((n for n in names if words[:len(n.split())] == n.split()), key=len)
        found[name] = found.get(name, "") + line + "\n"
    return found


def test_the_command_line_summary_names_every_flag_of_every_command():
    commands = _commands(build_parser())
    summary = _summary(set(commands))
    missing = {name: [opt for opt in sorted(options) if not re.search(rf"(?<![\w-]){opt}(?![\w-])", summary[name])]
               for name, options in commands.items() if name != "cleaner rules"}
    assert {name: opts for name, opts in missing.items() if opts} == {}


def test_the_diff_and_review_sections_name_every_flag_of_their_command():
    """`cleaner diff`'s usage block left out `--disable-rule`, and `cleaner review`'s section named `--rules`/`--config`
    alone (a QA pass): each names every flag its command's --help shows."""
    commands = _commands(build_parser())
    said = {"cleaner diff": _block("### `cleaner diff`"), "cleaner review": _section("### `cleaner review`")}
    said = {name: re.sub(r"--\[no-\]([\w-]+)", r"--\1 --no-\1", text) for name, text in said.items()}
    missing = {name: [opt for opt in sorted(commands[name]) if not re.search(rf"(?<![\w-]){opt}(?![\w-])", text)]
               for name, text in said.items()}
    assert missing == {"cleaner diff": [], "cleaner review": []}


def test_the_layout_names_every_module_of_the_package():
    layout = _block("## Layout")
    named = {p.name + "/" if p.is_dir() else p.name for p in (ROOT / "cleaner").iterdir()
             if p.suffix == ".py" or p.is_dir() and (p / "__init__.py").exists()}
    # rulepacks/ is the link to rules/, which has its own line
    assert {name for name in named if not re.search(rf"(?<![\w.]){re.escape(name)}", layout)} == {"rulepacks/"}


def _section(heading: str) -> str:
    """The README's section under the line `heading`, to the next heading of its level or a higher one (a line of a
    code block, a shell comment, is none)."""
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    level, fenced, at = len(heading.split()[0]), False, start
    for line in README[start:].splitlines(keepends=True):
        fenced = fenced != line.startswith("```")
        if not fenced and re.match(r"#{1,%d} " % level, line):
            return README[start:at]
        at += len(line)
    return README[start:]


def test_the_python_api_example_runs_as_written(tmp_path, monkeypatch):
    """The example named a config file, a pack folder and rows it never made: it ended in a traceback."""
    monkeypatch.chdir(tmp_path)
    section = _section("### Python API")
    start = section.index("```python\n") + len("```python\n")
    exec(compile(section[start:section.index("```", start)], "README.md", "exec"), {})
    assert not list(tmp_path.iterdir())


def test_the_readme_writes_a_set_in_meta_as_the_code_does():
    """The README said a set in `meta` is written as its text; `jsonable` writes a sorted list."""
    said = re.findall(r"a set as ([^,;:)]+)", README)
    assert said and set(said) == {"a sorted list"}, said
    assert jsonable({"y", "x"}) == ["x", "y"]


def test_the_quick_start_says_the_ci_script_installs_chromium():
    """`.ci/run` installs Chromium before the command the Quick start calls the same as it."""
    assert "chromium" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "Chromium" in _section("## Quick start")


def test_the_bad_input_folder_readme_is_named_as_a_case(tmp_path):
    """`fixtures/bad-input/README.md` is rejected as any file cleaner does not read, where the README said the
    folder holds one file per case."""
    folder = tmp_path / "bad"
    folder.mkdir()
    shutil.copy(FIXTURES / "bad-input" / "README.md", folder)
    proc = run_cli("clean", str(folder), "--out", str(tmp_path / "o.jsonl"), "--quiet")
    rejects = (tmp_path / "o.rejects.jsonl").read_text(encoding="utf-8")
    assert proc.returncode == 0 and "README.md: unsupported file type" in rejects, proc.stderr
    assert re.search(r"`README\.md`[^|]*`unsupported file type`", _section("### Bad input is data"))


def test_the_strict_example_is_what_strict_prints(tmp_path):
    """The README's `--strict` example, on the shipped `malformed.jsonl`, said `column 22`."""
    (tmp_path / "in").mkdir()
    shutil.copy(FIXTURES / "bad-input" / "malformed.jsonl", tmp_path / "in")
    proc = run_cli("clean", "in/", "--out", "o.jsonl", "--strict", "--quiet", cwd=tmp_path)
    assert proc.returncode == 3
    assert " ".join(proc.stderr.split()) in " ".join(_section("### Bad input is data").split()), proc.stderr


def test_the_manifest_options_the_readme_lists_are_those_a_run_writes(tmp_path, in_process):
    (tmp_path / "in.jsonl").write_text('{"id": "a", "text": "Un texte assez long pour être gardé."}\n')
    assert in_process("run", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "run"), "-q", "--workers", "1",
                      "--lang-backend", "fasttext").returncode == 0
    written = json.loads((tmp_path / "run" / "manifest.json").read_text())["options"]
    listed = re.search(r"`options` \(([^)]*)\)", _section("## The corpus pipeline: `cleaner run`")).group(1)
    assert re.findall(r"`(\w+)`", listed) == list(written)


def test_what_the_readme_says_of_a_number_in_a_clean_body_is_what_the_service_answers(tmp_path):
    from starlette.testclient import TestClient

    from cleaner.service import Service, create_app
    row = next(line for line in _section("## The service: `cleaner serve`").splitlines()
               if line.startswith("| `POST /v1/clean` |"))
    with TestClient(create_app(Service(Config(), tmp_path / "index.sqlite"))) as client:
        named = client.post("/v1/clean", json={"id": 5, "text": "Un texte assez long pour être gardé."}).json()
        not_text, not_document = (client.post("/v1/clean", json=body).json()["detail"] for body in ({"text": 5}, 5))
    assert named["id"] == "5" and '`"id": 5` as `"5"`' in row
    assert not_text in row and not_document in row


def test_a_one_word_change_in_a_five_word_text_is_a_near_duplicate_as_the_readme_warns():
    """The README warns that very short texts differing in one word are near-duplicates with 3-word shingles (a QA
    pass: titles and captions were rejected as copies, and nothing said why), and names the settings that keep them."""
    from cleaner import Pipeline

    docs = [{"id": "a", "text": "one two three four five"}, {"id": "b", "text": "one two three four six"}]
    with Pipeline(Config()) as pipeline:
        (rejected,) = pipeline.run(docs).rejected
    assert (rejected.id, rejected.reason, rejected.similarity) == ("b", "duplicate", 0.5)
    for setting in ({"shingle_size": 4}, {"dedup_threshold": 0.6}):
        with Pipeline(Config(**setting)) as pipeline:
            assert len(pipeline.run(docs).kept) == 2, setting
    warned = _section("## The corpus pipeline: `cleaner run`")
    assert '"one two three four five" and "one two three four six" share 2 of 4 (Jaccard 0.5)' in warned
    assert f"`{rejected.detail}`" in " ".join(warned.split())


def test_a_null_text_beside_an_html_is_the_page_on_every_surface_as_the_readme_says(tmp_path):
    """A null `text` counts as absent: beside an `html` the page is read, on the command line, the API and the
    service alike; alone it is `'text' is null`. The service's table said a null `text` was a `bad_input` rejection,
    whatever stood beside it (found by a QA pass)."""
    from starlette.testclient import TestClient

    from cleaner.api import clean
    from cleaner.service import Service, create_app
    row = next(line for line in _section("## The service: `cleaner serve`").splitlines()
               if line.startswith("| a `text` or `html` that is not a string"))
    assert "a null `text` without an `html`" in row and '`"text": null` beside an `html` is that page' in row
    page = "<html><body><article><p>" + "Le conseil municipal a voté le budget de la ville hier soir. " * 4
    records = [{"id": "p", "text": None, "html": page + "</p></article></body></html>"}, {"id": "n", "text": None}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = run_cli("clean", str(tmp_path / "in.jsonl"), "--out", str(tmp_path / "out.jsonl"))
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in (tmp_path / "out.jsonl").read_text().splitlines()] == ["p"]
    assert [json.loads(x)["detail"] for x in (tmp_path / "out.rejects.jsonl").read_text().splitlines()] == [
        f"{tmp_path / 'in.jsonl'}:2: 'text' is null"]
    assert [getattr(out, "detail", out.id) for out in clean(records)] == ["p", "document 1: 'text' is null"]
    with TestClient(create_app(Service(Config(), tmp_path / "index.sqlite"))) as client:
        answers = client.post("/v1/clean", json=records).json()
    assert [a.get("detail", a["status"]) for a in answers] == ["cleaned", "document 'n': 'text' is null"]


def test_the_classes_the_run_and_serve_sections_call_are_imported_there():
    for heading in ("## The corpus pipeline: `cleaner run`", "## The service: `cleaner serve`"):
        text = _section(heading)
        imported = {name.strip(): module for module, names in re.findall(r"`from ([\w.]+) import ([\w, ]+)`", text)
                    for name in names.split(",")}
        called = set(re.findall(r"(?<![\w.])([A-Z]\w+)\.\w+\(", text))
        assert called - set(imported) == set(), heading
        for name, module in imported.items():
            assert hasattr(importlib.import_module(module), name), f"from {module} import {name}"


def test_the_readme_pack_example_loads_beside_the_shipped_packs(tmp_path):
    """The example reused the shipped id `fr.published-in`: copied as a pack, it stopped `clean` as a duplicate id."""
    from cleaner.packs import load_rules
    start = README.index("```yaml\n", README.index("is refused, not read as the current folder.")) + len("```yaml\n")
    (tmp_path / "mine.yaml").write_text(README[start:README.index("```", start)], encoding="utf-8")
    assert len(load_rules(Config(rules_dirs=(tmp_path,))).rules) > len(load_rules(Config()).rules)


RESULTS = (ROOT / "bench" / "RESULTS.md").read_text(encoding="utf-8")


def _results(name: str) -> str:
    """The section of bench/RESULTS.md its script writes between `<!-- name -->` and `<!-- /name -->`."""
    return RESULTS[RESULTS.index(f"<!-- {name} -->"):RESULTS.index(f"<!-- /{name} -->")]


def _columns(table: str, *columns: int) -> list[tuple[str, ...]]:
    """The given columns (0 the first) of a Markdown table's rows, the header and its rule apart."""
    rows = [line.strip("|").split("|") for line in table.splitlines() if line.startswith("|")][2:]
    return [tuple(row[c].strip() for c in columns) for row in rows]


def test_the_cleaning_table_is_the_one_bench_results_holds():
    """The Benchmarks' table gave session 47's 6.0 / 8.8 / 2.3 MB/s where RESULTS.md and the prose gave 4.2 / 6.3 /
    1.7."""
    section = _section("## Benchmarks")
    start = section.index("| input | MB/s | docs/s |", section.index("**Cleaning**"))
    readme = _columns(section[start:section.index("\n\n", start)], 1, 2)
    assert readme == _columns(_results("bench_clean"), 4, 5)


def test_the_across_runs_figures_are_the_ones_bench_results_holds():
    """The README said the estimate decides across runs, with no figure for pairs under the threshold (a QA pass
    measured them with a script of its own): its figures are bench_dedup_across.py's, none within one run."""
    said = " ".join(_section("## The corpus pipeline: `cleaner run`").split())
    rows = {target: (true.split("-")[0], within, across)
            for target, true, within, across in _columns(_results("bench_dedup_across"), 0, 1, 2, 3)}
    for target in ("0.45", "0.48"):
        true, within, across = rows[target]
        assert within == "0/40" and f"{across.replace('/', ' of ')} at {true}" in said, (target, rows[target])


def test_the_shape_throughput_is_the_one_bench_results_holds():
    """"Shape" gave 6.18 MB/s for the engine on articles with shape on, the Benchmarks 4.13."""
    section = _section("### Shape")
    said = re.findall(r"(\d+\.\d+) MB/s", section[section.index("Throughput ("):])
    measured = re.findall(r"(\d+\.\d+) MB/s", _results("bench_shape").split("Throughput, CPU time")[1])
    assert said and set(said) <= set(measured), said


def test_the_learned_boilerplate_sample_is_the_one_bench_results_holds():
    """The README read an old run's sample, 46 of 50 lines noise, where the current run's 5 lines are article text."""
    noise, article = re.search(r"\*\*(\d+) noise\*\*, (\d+) article text", _results("bench_repeated")).groups()
    section = _section("### Learned boilerplate: `--learn-boilerplate` and `cleaner rules suggest`")
    assert re.findall(r"(\d+) were noise, (\d+) article text", section) == [(noise, article)]


def test_the_two_workers_ratio_is_the_one_bench_results_holds():
    """The README said 2 workers against 1 met its 1.8× target, "about 1.8-1.9×"; the bench's run gave 1.57×."""
    found = re.search(r"2 workers run ([\d.]+)x as fast as one \(target ([\d.]+)x", _results("run-scale"))
    ratio, target = found.groups()
    said = next(line for line in _section("## Benchmarks").splitlines() if line.startswith("Two workers against one"))
    assert f"{ratio}×" in said and (("not met" in said) == (float(ratio) < float(target))), said


def test_the_pattern_sizes_the_readme_gives_are_the_shipped_packs(monkeypatch):
    """The README gave ~18,000 for fr.yaml's patterns, measured at 70,970 by the pack's own budget."""
    from cleaner.kinds import patterns
    from cleaner.packs import load_files, shipped_packs
    budgets: list = []

    class Counted(patterns._Budget):
        def __init__(self) -> None:
            super().__init__()
            budgets.append(self)

    monkeypatch.setattr(patterns, "_Budget", Counted)
    load_files(shipped_packs())
    assert len(budgets) == len(shipped_packs())
    sizes = {path.name: budget.total for path, budget in zip(shipped_packs(), budgets)}
    said = re.search(r"`fr\.yaml`, `generic\.yaml` and `en\.yaml`, come to ~([\d,]+), ~([\d,]+) and\s+~([\d,]+), "
                     r"all of them to ~([\d,]+)\)", _section("### Patterns")).groups()
    measured = [sizes["fr.yaml"], sizes["generic.yaml"], sizes["en.yaml"], sum(sizes.values())]
    assert all(abs(int(s.replace(",", "")) - m) < 0.05 * m for s, m in zip(said, measured)), (said, measured)
    assert max(sizes, key=sizes.get) == "fr.yaml"


def test_the_rule_counts_the_readme_gives_for_now_are_the_shipped_packs():
    """It said `requires` keeps "80 rules above 10 MB/s", where 223 rules run at 4.2 MB/s (bench_clean). A count of the
    rules that "ship now" must be the packs' (the Benchmarks section gave one, stale at the next rule added: gone)."""
    from cleaner.packs import load_rules
    shipped = len(load_rules(Config()).rules) + len(load_rules(Config()).disabled)
    assert {n for n in re.findall(r"(\d+) ship now", README) if n != str(shipped)} == set(), "README: rules that ship now"
    best = max(float(mb) for (mb,) in _columns(_results("bench_clean"), 4))
    assert all(float(mb) <= best for mb in re.findall(r"\d+ rules above ([\d.]+) MB/s", README))


def test_the_tests_section_names_every_test_file():
    """It named 29 of the 32: test_docs.py, test_json_lines.py and test_signals.py were not there."""
    section = _section("## Tests")
    assert {p.name for p in (ROOT / "tests").glob("test_*.py") if f"`tests/{p.name}`" not in section} == set()


def test_every_shipped_rule_the_readme_names_is_a_shipped_rule():
    """It named `pcm.refresh- prompt`, an id cut in two."""
    from cleaner.packs import load_rules, shipped_packs
    ids = set(load_rules(Config()).places)
    packs = "|".join(path.stem for path in shipped_packs())
    named = set(re.findall(rf"`((?:{packs})\.[a-z0-9._-]*)[^`]*`", README))
    assert {name for name in named if name not in ids and not name.endswith((".yaml", ".yml"))} == set()


def test_the_readme_names_every_shipped_pack_order_but_the_default():
    """It named `generic.yaml`'s order 10 and not `soundcloud.yaml`'s 5, which runs before it."""
    import yaml

    from cleaner.packs import shipped_packs
    orders = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")).get("order") for path in shipped_packs()}
    said = dict(re.findall(r"`(\w+\.yaml)` (?:has )?(\d+)", _section("### Kinds")))
    assert {name: str(order) for name, order in orders.items() if order is not None} == said


def test_the_ticker_row_names_every_mark_its_default_separators_split_on():
    """The row gave ` - ` alone; the separators split on `–` and `—` too."""
    from cleaner.kinds.ticker import TickerRule
    row = next(line for line in README.splitlines() if line.startswith("| `ticker` |"))
    marks = "".join(re.findall(r"\[([^\]^\\]+)\]", "".join(TickerRule.model_fields["separators"].default)))
    assert marks and [mark for mark in marks if f"` {mark} `".replace("|", "\\|") not in row] == []


def test_the_readme_says_rules_list_shows_the_rules_under_the_shipped_packs():
    """"`cleaner rules list` shows them all" stood 150 lines on, after the pull quote's costs."""
    section = _section("## Rule packs")
    assert section.index("`cleaner rules list` shows them all") < section.index("`generic.php-warning`")
