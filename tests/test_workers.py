"""The rule set a run applies: the one it loaded, checked and fingerprinted, in this process and in its workers."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time

import pytest
from conftest import ROOT, masakhanews

from cleaner.io.outputs import STATE

pytestmark = pytest.mark.slow

PACK = """rules:
  - id: t.marker
    kind: line
    description: a marker line planted in every test document
    phrases: ["{phrase}"]
    examples: {{remove: ["{phrase}"], keep: ["Un article."]}}
"""


@pytest.mark.parametrize("records", [20, 80], ids=["in this process", "on two workers"])  # a pool for over 64 (`CHUNK`)
def test_a_pack_edited_while_a_run_goes_on_is_not_applied_to_its_documents(tmp_path, records):
    """The run loaded the packs for its fingerprint, and then again where the documents were cleaned (in this
    process when it first cleaned one, in each worker as it started): a pack edited meanwhile was applied to the
    documents, and the manifest named the pack as it was. The documents are now cleaned with the rule set the run
    loaded first, which its workers are handed."""
    rules = tmp_path / "rules"
    rules.mkdir()
    pack = rules / "mine.yaml"
    pack.write_text(PACK.format(phrase="Ligne marqueur du test"), encoding="utf-8")
    loaded = hashlib.sha256(pack.read_bytes()).hexdigest()
    lines = [json.dumps({"id": r["id"], "text": r["text"] + "\nLigne marqueur du test"}, ensure_ascii=False)
             for r in masakhanews(("fra", "eng"), records // 2)]
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", "-", "--out", str(out), "--rules", str(rules),
                             "--workers", "2", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while not (out / STATE / "state.sqlite").exists():  # made once the packs are loaded for the fingerprint
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    pack.write_text(PACK.format(phrase="Une autre ligne"), encoding="utf-8")
    _, err = proc.communicate("\n".join(lines) + "\n", timeout=300)
    assert proc.returncode == 0, err
    corpus = [json.loads(x) for x in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(corpus) > records // 2
    assert not [r["id"] for r in corpus if "Ligne marqueur du test" in r["text"]]
    assert all(any(e["rule"] == "t.marker" for e in r["edits"]) for r in corpus)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert ["mine.yaml", loaded] in manifest["rules"]


def test_a_dask_runs_workers_apply_the_packs_the_client_loaded(tmp_path):
    """Each Dask worker loaded the rule packs from the files when it first prepared a split, so a pack edited
    after the client had fingerprinted it was applied to the documents. The client now scatters the rule set it
    loaded to the workers."""
    rules = tmp_path / "rules"
    rules.mkdir()
    pack = rules / "mine.yaml"
    pack.write_text(PACK.format(phrase="Ligne marqueur du test"), encoding="utf-8")
    loaded = hashlib.sha256(pack.read_bytes()).hexdigest()
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": r["id"], "text": r["text"] + "\nLigne marqueur du test"}, ensure_ascii=False)
                           + "\n" for r in masakhanews(("fra",), 10)), encoding="utf-8")
    from cleaner import Config
    from cleaner.distributed.engine import DaskRunner
    from cleaner.runner import RunOptions

    runner = DaskRunner(Config.load(rules_dirs=(str(rules),)), [str(src)], tmp_path / "out", RunOptions(workers=1))
    assert runner.rules.files[-1] == str(pack)  # loaded, as the run's fingerprint loads them first
    pack.write_text(PACK.format(phrase="Une autre ligne"), encoding="utf-8")
    runner.run()
    corpus = [json.loads(x) for x in (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(corpus) == 10 and not [r["id"] for r in corpus if "Ligne marqueur du test" in r["text"]]
    assert ["mine.yaml", loaded] in json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))["rules"]


def test_a_finished_run_whose_pack_was_made_invalid_says_so_and_changes_nothing(tmp_path, in_process):
    """A run found complete is told by its packs' hashes alone, without loading them; a pack changed since is loaded
    and checked before the run does anything, so a broken one is named and the finished run's files stay as they
    were."""
    from conftest import SEEDS

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text(PACK.format(phrase="Ligne marqueur du test"), encoding="utf-8")
    out = tmp_path / "out"
    args = ("run", str(SEEDS), "--out", str(out), "--rules", str(rules), "--workers", "1")
    assert in_process(*args).returncode == 0
    again = in_process(*args)
    assert again.returncode == 0 and "already complete" in again.stderr, again.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (rules / "mine.yaml").write_text(PACK.format(phrase="Ligne marqueur du test").replace("kind: line", "kind: lines"),
                                     encoding="utf-8")
    broken = in_process(*args)
    assert broken.returncode == 2 and f"{rules / 'mine.yaml'}:2" in broken.stderr and "unknown kind" in broken.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(before)


def test_a_process_whose_workers_clean_keeps_no_compiled_pattern():
    """Checking the packs compiles their patterns (~7 MB); once a pool cleans, this process drops them, so a run's main
    process holds dedup's memory and not theirs. Cleaning here again compiles them anew, to the same result."""
    from cleaner import workers
    from cleaner.config import Config
    from cleaner.kinds import patterns
    from cleaner.models import Document
    from cleaner.packs import load_rules

    config = Config.load(lang_backend="fasttext")
    load_rules(config)
    assert patterns._CACHE.held > 0
    docs = [Document(id=f"d{k}", text=f"Publié dans Le Matin le 3 mars 2021\n\nLe conseil a voté le budget {k}.")
            for k in range(100)]
    pooled = list(workers.prepare_stream(iter(docs), config, workers=2, gates=False, sign=False))
    assert patterns._CACHE.held == 0 and len(pooled) == 100
    here = workers.prepare_many(docs[:1], config, gates=False, sign=False)
    assert here[0].record == pooled[0].record and "Publié dans" not in here[0].record["text"]
    assert patterns._CACHE.held > 0
