"""The store of compiled patterns (`cleaner.kinds.compiled`): a process that finds the shipped packs' patterns stored
compiles none of them, and cleans exactly as one that compiled them all; it holds the store's index, not its records;
a store or a record that cannot be read, written or trusted is passed over without a word; a refused pattern is never
stored."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys

import pytest
import regex._main
from conftest import ROOT, SEEDS, at_once

from cleaner import Config, Document, RulePackError
from cleaner.engine import run_rules
from cleaner.kinds import Context, KeepExample, RemoveExample, compiled, patterns
from cleaner.packs import load_files, load_rules, shipped_packs


@pytest.fixture
def store(tmp_path, monkeypatch):
    """Start this process afresh on a store at tmp_path (none compiled, none checked): `open()` gives a new store on
    the same file, as the next process would, each with an empty memory of compiled patterns."""
    path = tmp_path / "cache" / "patterns.bin"

    def open_store() -> compiled.CompiledStore:
        fresh = compiled.CompiledStore(path)
        monkeypatch.setattr(patterns, "STORE", fresh)
        monkeypatch.setattr(patterns, "_CACHE", patterns._Cache(1024, patterns.CACHE_SIZE))
        return fresh

    open_store.path = path
    open_store()
    return open_store


@pytest.fixture
def compiles(monkeypatch):
    """The patterns `re` and `regex` compile from now on, counted (`re` compiles what its own cache misses through
    `_compiler.compile`, `regex` parses what its cache misses with `_parse_pattern`)."""
    counted = {"re": 0, "regex": 0}
    re_compile, regex_parse = re._compiler.compile, regex._main._parse_pattern

    def counting(engine, real):
        def compile(*args, **kwargs):
            counted[engine] += 1
            return real(*args, **kwargs)
        return compile
    monkeypatch.setattr(re._compiler, "compile", counting("re", re_compile))
    monkeypatch.setattr(regex._main, "_parse_pattern", counting("regex", regex_parse))
    return counted


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for rule in load_rules(Config()).rules:
        texts += [e.text if isinstance(e, RemoveExample) else e for e in rule.examples.remove]
        texts += [KeepExample.of(e).text for e in rule.examples.keep]
    return texts


TEXTS = _texts()


def _cleaned(rules) -> list[tuple]:
    out = []
    for n, text in enumerate(TEXTS):
        result = run_rules(Document(id=str(n), text=text), list(rules), Context())
        out.append((result.text, result.edits))
    return out


def _shipped():
    return load_files(shipped_packs(), len(shipped_packs()))


def _stored(path) -> tuple[dict, dict]:
    """The sizes and recipes of the store file at `path`, each intact record read (none when it is not a store)."""
    file, sizes, recipes = compiled._File(path), {}, {}
    for digest in file.digests():
        if record := file.record(digest):
            key, value = compiled.marshal.loads(record)
            if key[0] == "size":
                sizes[key[1]] = value
            else:
                recipes[key] = value
    file.close()
    return sizes, recipes


@pytest.fixture(scope="module")
def compiled_out():
    """What the shipped packs, every pattern compiled (no store), make of `TEXTS`."""
    saved = patterns.STORE, patterns._CACHE
    patterns.STORE, patterns._CACHE = compiled.CompiledStore(None), patterns._Cache(1024, patterns.CACHE_SIZE)
    try:
        return _cleaned(_shipped().rules)
    finally:
        patterns.STORE, patterns._CACHE = saved


def test_a_process_that_finds_the_patterns_stored_compiles_none_and_cleans_the_same(store, compiles, compiled_out):
    cold = _shipped()
    assert compiles["re"] > 100 and compiles["regex"] > 50
    assert store.path.exists()
    assert _cleaned(cold.rules) == compiled_out  # and what compiles at its first use (a ticker's separators)
    patterns.save_compiled()  # as at the process's exit

    store()  # the next process
    compiles.update(re=0, regex=0)
    warm_out = _cleaned(_shipped().rules)
    assert compiles == {"re": 0, "regex": 0}
    assert warm_out == compiled_out
    stored_re = [p for p, _ in patterns._CACHE._items.values() if isinstance(p, re.Pattern)]
    assert len(stored_re) > 100
    for pattern in stored_re:  # `re` compares patterns by their code: the replayed ones are the compiled ones
        assert pattern == re._compiler.compile(pattern.pattern, pattern.flags)


@pytest.mark.parametrize("damage", ["a byte of its index flipped", "a folder"])
def test_a_damaged_store_is_passed_over_and_written_anew(store, compiles, damage):
    _shipped()
    data = store.path.read_bytes()
    if damage == "a folder":
        store.path.unlink()
        store.path.mkdir()
    else:
        store.path.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    store()
    compiles.update(re=0, regex=0)
    _shipped()
    assert compiles["re"] > 100
    if damage != "a folder":  # written anew: the next process compiles nothing
        store()
        compiles.update(re=0, regex=0)
        _shipped()
        assert compiles == {"re": 0, "regex": 0}


def _word_store(path) -> compiled.CompiledStore:
    """A store at `path` of one pattern's size and recipe, saved."""
    made = compiled.CompiledStore(path)
    made.put_size(r"\bword\b", 9)
    made.compile("re", r"\bword\b", 0, lambda: re._compiler.compile(r"\bword\b", 0))
    made.save()
    return made


@pytest.mark.parametrize("damage", ["a byte of its head flipped", "a byte of its index flipped", "cut in its index",
                                    "empty", "not a store", "the old format", "another format"])
def test_a_store_file_that_is_not_whole_or_not_of_this_format_reads_as_empty(tmp_path, monkeypatch, damage):
    path = tmp_path / "patterns.bin"
    _word_store(path)
    sizes, recipes = _stored(path)
    assert sizes == {r"\bword\b": 9} and list(recipes) == [("re", r"\bword\b", 0)]
    data = path.read_bytes()
    if damage == "another format":  # whole, with its checksum, but of a format this code does not read
        monkeypatch.setattr(compiled, "_FORMAT", compiled._FORMAT + 1)
        _word_store(path.with_name("other.bin"))
        monkeypatch.undo()
        path.with_name("other.bin").replace(path)
    elif damage == "the old format":  # a checksum of the body, then the body: (format, sizes, recipes) marshalled
        body = compiled.marshal.dumps((1, sizes, {k: compiled.marshal.dumps(v) for k, v in recipes.items()}))
        path.write_bytes(compiled.hashlib.blake2b(body, digest_size=16).digest() + body)
    else:
        path.write_bytes({"a byte of its head flipped": data[:5] + bytes([data[5] ^ 1]) + data[6:],
                          "a byte of its index flipped": data[:40] + bytes([data[40] ^ 1]) + data[41:],
                          "cut in its index": data[:40], "empty": b"",
                          "not a store": b"\x00" * 16 + b"rules: []\n"}[damage])
    assert _stored(path) == ({}, {})
    fresh = compiled.CompiledStore(path)
    assert fresh.size(r"\bword\b") is None
    assert fresh.compile("re", r"\bword\b", 0, lambda: re._compiler.compile(r"\bword\b", 0)).search("a word")
    fresh.save()  # written anew, whole
    assert list(_stored(path)[1]) == [("re", r"\bword\b", 0)]


def test_a_damaged_record_is_compiled_anew_the_others_replayed(store, compiles, compiled_out):
    """A byte flipped in one recipe: that pattern alone is compiled again (its record's checksum fails), it cleans as
    compiled patterns do, and the saved store holds it whole again."""
    _cleaned(_shipped().rules)  # what compiles at its first use too
    patterns.save_compiled()
    file = compiled._File(store.path)
    digest, key = next((d, key) for d in file.digests() if file.length(d) > 1000  # a compiled pattern's, not a size's
                       and (key := compiled.marshal.loads(file.record(d))[0])[0] in compiles)
    _, offset, length, _ = file._entry(digest)
    file.close()
    data = bytearray(store.path.read_bytes())
    data[offset + length - 3] ^= 1
    store.path.write_bytes(data)
    store()
    compiles.update(re=0, regex=0)
    assert _cleaned(_shipped().rules) == compiled_out
    assert compiles[key[0]] == 1 and sum(compiles.values()) == 1
    patterns.save_compiled()
    assert _stored(store.path)[1][key][0] == key[1]
    store()
    compiles.update(re=0, regex=0)
    _shipped()
    assert compiles == {"re": 0, "regex": 0}


def test_a_record_under_another_keys_digest_is_not_trusted(tmp_path, monkeypatch):
    """Two keys of one digest (as if blake2b collided): the record holds its key, and the other key finds nothing."""
    path = tmp_path / "patterns.bin"
    _word_store(path)
    digest, word = compiled._digest, ("size", r"\bword\b")
    monkeypatch.setattr(compiled, "_digest", lambda key: digest(word if key[1] == r"\bother\b" else key))
    other = compiled.CompiledStore(path)
    assert other.size(r"\bother\b") is None and other.size(r"\bword\b") == 9


def test_a_record_of_the_wrong_kind_is_not_trusted(tmp_path):
    """Whole, with its checksums, but not what a store holds: a size not an int, a recipe not a tuple."""
    path = tmp_path / "patterns.bin"
    made = compiled.CompiledStore(path)
    made._keep(("size", r"\bword\b"), "9")
    made._keep(("re", r"\bword\b", 0), b"recipe")
    made.save()
    fresh = compiled.CompiledStore(path)
    assert fresh.size(r"\bword\b") is None
    assert fresh.compile("re", r"\bword\b", 0, lambda: re._compiler.compile(r"\bword\b", 0)).search("a word")


def test_a_stored_pattern_the_engine_refuses_is_compiled_anew(store):
    first = patterns.check_pattern(r"Publi(?:é|e) dans \w+")
    key = next(k for k, _ in map(compiled.marshal.loads, patterns.STORE._pending.values()) if k[0] == "re")
    patterns.STORE._keep(key, (key[1], key[2], [1, 2, 3], 0, {}, ()))  # code _sre refuses
    patterns.save_compiled()
    store()
    again = patterns.check_pattern(r"Publi(?:é|e) dans \w+")
    assert again == first and again.search("Publié dans Libération")
    # the recipe made anew replaces the refused one in the bytes held too (they were counted twice: a store near
    # its bound then refused patterns it had room for)
    held = patterns.STORE._held
    patterns.save_compiled()
    assert compiled._File(store.path).held == held


def test_an_unwritable_store_changes_nothing_and_says_nothing(tmp_path, monkeypatch, capfd):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder would be")
    monkeypatch.setattr(patterns, "STORE", compiled.CompiledStore(blocker / "patterns.bin"))
    monkeypatch.setattr(patterns, "_CACHE", patterns._Cache(1024, patterns.CACHE_SIZE))
    assert len(_shipped().rules) == len(load_rules(Config()).rules)
    assert capfd.readouterr() == ("", "")
    assert blocker.read_text() == "a file where the store's folder would be"


def test_a_refused_pattern_is_refused_each_time_and_never_stored(store, tmp_path):
    pack = tmp_path / "slow.yaml"
    pack.write_text("rules:\n  - id: t.slow\n    kind: regex\n    description: nested repeat\n    pattern: '(a+)+$'\n"
                    "    examples: {remove: [a], keep: [b]}\n", encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(RulePackError) as caught:
            load_files([pack])
        messages.append(str(caught.value))
        store()
    assert messages[0] == messages[1] and "(a+)+" in messages[0]
    sizes, recipes = _stored(store.path)
    assert not any("(a+)+" in p for p in sizes) and not any("(a+)+" in k[1] for k in recipes)


def test_past_its_bound_a_store_keeps_what_this_process_used(store, monkeypatch):
    """Process B read the store of alpha, beta and gamma, used gamma and compiled delta; meanwhile process C added
    epsilon. Together they are over the bound, so B's save keeps what B used: gamma and delta."""
    for word in ("alpha", "beta", "gamma"):
        patterns.check_pattern(rf"\b{word}\b")
    patterns.save_compiled()
    b = store()
    patterns.check_pattern(r"\bgamma\b")  # replayed from the store
    patterns.check_pattern(r"\bdelta\b")  # compiled, and stored
    c = compiled.CompiledStore(store.path)
    c.put_size(r"\bepsilon\b", 2)
    c.compile("re", r"\bepsilon\b", 0, lambda: re._compiler.compile(r"\bepsilon\b", 0))
    c.save()
    monkeypatch.setattr(compiled, "MAX_BYTES", b._held)
    patterns.save_compiled()
    sizes, recipes = _stored(store.path)
    assert sorted(sizes) == [r"\bdelta\b", r"\bgamma\b"] and sorted(k[1] for k in recipes) == [r"\bdelta\b", r"\bgamma\b"]


def test_threads_loading_the_packs_at_once_onto_an_empty_store_store_what_they_compiled(store, compiled_out):
    """Three threads check and compile the packs at once (a service does, on many threads): each gets every rule, and
    what they stored, replayed by the next process, cleans as compiled patterns do."""
    sets, errors = at_once(_shipped, 3)
    assert errors == [] and [len(s.rules) for s in sets] == [len(load_rules(Config()).rules)] * 3
    _cleaned(sets[0].rules)  # what compiles at its first use too
    patterns.save_compiled()
    store()
    assert _cleaned(_shipped().rules) == compiled_out


def _loads_packs(env: dict[str, str], cwd) -> subprocess.Popen:
    code = "from cleaner import Config, load_rules\nload_rules(Config())\n"
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLEANER_CACHE_DIR", "XDG_CACHE_HOME")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def test_processes_at_once_leave_one_whole_store_where_the_environment_says(tmp_path):
    """Three processes load the packs at once into an empty folder (`XDG_CACHE_HOME`): one whole store is left, and
    one rule set kept (`packs._kept_files`), which a fourth process reads whole. `CLEANER_CACHE_DIR` names the folder
    itself; empty, it turns the store off."""
    procs = [_loads_packs(_env(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "xdg")), tmp_path) for _ in range(3)]
    procs.append(_loads_packs(_env(HOME=str(tmp_path / "home"), CLEANER_CACHE_DIR=""), tmp_path))
    procs.append(_loads_packs(_env(HOME=str(tmp_path / "home"), CLEANER_CACHE_DIR=str(tmp_path / "mine")), tmp_path))
    for proc in procs:
        code, err = proc.wait(timeout=120), proc.stderr.read()
        assert (code, err) == (0, ""), err
    store_file, kept = sorted((tmp_path / "xdg" / "cleaner").iterdir())
    assert store_file.name.startswith("patterns-") and store_file.suffix == ".bin"
    assert kept.name.startswith("rules-") and kept.suffix == ".pickle"
    sizes, recipes = _stored(store_file)
    assert len(sizes) > 100 and len(recipes) > 150
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [store_file.name, kept.name]
    assert not (tmp_path / "home").exists()  # neither ~/.cache (XDG_CACHE_HOME and CLEANER_CACHE_DIR were given)
    assert {p.name for p in tmp_path.iterdir()} == {"xdg", "mine"}


def test_what_a_process_compiles_after_the_load_is_stored_at_its_exit(tmp_path):
    """A ticker's separators compile when the rule first runs, after the load's save: the process's exit stores them."""
    code = ("from cleaner import Config, load_rules\nfrom cleaner.engine import Cleaner\nrules = load_rules(Config())\n"
            "import sys\nif sys.argv[1] == 'clean':\n    from cleaner import Document\n    Cleaner(rules=rules).clean(Document(id='s', text=open(sys.argv[2], encoding='utf-8').read()))\n")
    seed = next(p for p in sorted(SEEDS.glob("*.txt")) if "generic.ticker" in _fired(p.read_text(encoding="utf-8")))
    for what in ("load", "clean"):
        done = subprocess.run([sys.executable, "-c", code, what, str(seed)], env=_env(CLEANER_CACHE_DIR=str(tmp_path / what)),
                              capture_output=True, text=True, timeout=120)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
    (loaded,), (cleaned,) = (tmp_path / "load").glob("patterns-*"), (tmp_path / "clean").glob("patterns-*")
    only_loaded, also_cleaned = _stored(loaded)[1], _stored(cleaned)[1]
    assert set(only_loaded) < set(also_cleaned)


def _fired(text: str) -> set[str]:
    return {e.rule for e in run_rules(Document(id="s", text=text), list(load_rules(Config()).rules), Context()).edits}


def test_the_store_is_named_by_what_its_contents_depend_on(tmp_path):
    assert compiled.store_path(tmp_path, b"source one") != compiled.store_path(tmp_path, b"source two")
    assert compiled.store_path(None, b"source one") is None
    assert compiled.store_path(tmp_path, None) is None  # `patterns`' source unknown (read from a zip)


def test_where_the_compilers_are_laid_out_otherwise_every_pattern_is_compiled(store, compiles, monkeypatch):
    """Another Python or `regex` may not call its C module as these do: nothing is stored, and the packs load."""
    monkeypatch.setattr(compiled, "_ENGINES", {})
    assert len(_shipped().rules) == len(load_rules(Config()).rules)
    assert compiles["re"] > 100 and compiles["regex"] > 50
    patterns.save_compiled()
    assert _stored(store.path)[1] == {}


_FILL = """import random, sys
from cleaner import Config, load_rules
from cleaner.kinds import patterns
load_rules(Config())
rng = random.Random(1)
for _ in range(int(sys.argv[1])):  # patterns of 20 kB, each of ~420 kB of code
    patterns.check_pattern("".join(rng.choice("abcdefghij klmnop") for _ in range(20_000)))
"""

_HELD = """import tracemalloc
from cleaner.kinds import compiled
from cleaner.packs import load_files, shipped_packs
files = shipped_packs()
tracemalloc.start()
load_files(files, len(files))
held = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(True, compiled.__file__)])
print(sum(s.size for s in held.statistics("filename")))
"""


def test_a_process_holds_the_index_of_a_full_store_not_its_records(tmp_path):
    """A store filled with ~10 MB of other, large patterns (as a service checking users' packs fills it), besides the
    shipped packs' ~3 MB: a process that checks the packs holds no more in `compiled` than one that finds a store of the
    shipped packs' patterns alone. Reading the whole file, it held 11.4 MB more. (Traced from the load on, after the
    imports: the whole process traced took 26 s, with the baseline compiling every pattern under the tracer.)"""
    for folder, extra in (("full", "24"), ("shipped", "0")):
        fill = subprocess.run([sys.executable, "-c", _FILL, extra], env=_env(CLEANER_CACHE_DIR=str(tmp_path / folder)),
                              capture_output=True, text=True, timeout=300)
        assert (fill.returncode, fill.stderr) == (0, ""), fill.stderr
    (full,), (shipped,) = (tmp_path / "full").glob("patterns-*"), (tmp_path / "shipped").glob("patterns-*")
    assert full.stat().st_size - shipped.stat().st_size > 10_000_000
    held = {}
    for folder in ("shipped", "full"):
        done = subprocess.run([sys.executable, "-c", _HELD], env=_env(CLEANER_CACHE_DIR=str(tmp_path / folder)),
                              capture_output=True, text=True, timeout=300)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        held[folder] = int(done.stdout)
    assert held["full"] - held["shipped"] < 1_000_000, held


def _described(rules) -> list[tuple[str, str]]:
    return [(rule.id, rule.description) for rule in rules.rules]


def test_a_process_that_finds_the_shipped_rule_set_kept_reads_no_pack_and_cleans_the_same(store, monkeypatch):
    """The shipped packs' checked rule set is kept beside the store (`packs._kept_files`): the next process unpickles
    it (~7 ms) instead of reading and checking the packs again (~0.2 s of CPU), and its rules clean as checked ones."""
    from cleaner import packs

    first = load_rules(Config())
    (kept,) = store.path.parent.glob("rules-*.pickle")
    store()  # the next process
    monkeypatch.setattr(packs, "load_files", lambda *args, **kwargs: pytest.fail("the packs were read again"))
    again = load_rules(Config())
    assert _described(again) == _described(first)
    assert (again.files, again.digests, again.places) == (first.files, first.digests, first.places)
    for path in sorted(SEEDS.glob("*.txt")):
        doc = Document(id=path.name, text=path.read_text(encoding="utf-8"))
        assert run_rules(doc, list(again.rules), Context()) == run_rules(doc, list(first.rules), Context())


def test_a_kept_rule_set_is_passed_over_when_a_pack_or_the_disabled_ids_changed_or_it_is_damaged(store, monkeypatch,
                                                                                                 tmp_path):
    """What a kept rule set depends on changes its key: a pack edited, other disabled ids; a kept file damaged (a
    byte flipped) fails its checksum and is written anew. A user's packs are checked at every load, never kept."""
    from cleaner import packs

    copies = tmp_path / "packs"
    copies.mkdir()
    for path in shipped_packs():
        (copies / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(packs, "shipped_packs", lambda: sorted(copies.glob("*.yaml")))
    monkeypatch.setattr(packs, "_shipped_folder", lambda: str(copies))  # where `file_stamps` looks
    first = load_rules(Config())
    (kept,) = store.path.parent.glob("rules-*.pickle")
    generic = copies / "generic.yaml"
    text = generic.read_text(encoding="utf-8")
    assert text.count("      a headline ticker: ") == 1
    generic.write_text(text.replace("      a headline ticker: ", "      Edited: "), encoding="utf-8")
    store()
    assert load_rules(Config()).by_id("generic.ticker").description.startswith("Edited: one long line")
    assert len(list(store.path.parent.glob("rules-*.pickle"))) == 2
    off = load_rules(Config(disabled_rules=("generic.email-line",)))
    assert [rule.id for rule in off.disabled] == ["generic.email-line"] and len(off.rules) == len(first.rules) - 1
    edited = _described(load_rules(Config()))
    for path in store.path.parent.glob("rules-*.pickle"):  # a byte of each flipped, past its checksum
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    store()
    assert _described(load_rules(Config())) == edited
    assert len(load_rules(Config(disabled_rules=("generic.email-line",))).rules) == len(first.rules) - 1
    kept_now = {path: path.read_bytes() for path in store.path.parent.glob("rules-*.pickle")}
    whole = [path for path, data in kept_now.items() if data[:16] == hashlib.blake2b(data[16:], digest_size=16).digest()]
    assert len(kept_now) == 3 and kept not in whole and len(whole) == 2  # written anew; the unedited packs' is not
    mine = tmp_path / "mine.yaml"
    mine.write_text("rules:\n  - id: mine.x\n    kind: regex\n    description: mine\n    pattern: 'zzz'\n"
                    "    examples: {remove: [zzz], keep: [y]}\n", encoding="utf-8")
    load_rules(Config(rules_dirs=(mine,)))
    assert set(store.path.parent.glob("rules-*.pickle")) == set(kept_now)


def test_a_cache_folder_keeps_the_last_rule_sets_written(store, monkeypatch):
    """Each list of disabled ids (and each edit of a pack) keeps a rule set of its own: a folder holds the
    `KEPT_RULE_SETS` most recently written, not one more a change."""
    from cleaner import packs

    monkeypatch.setattr(packs, "KEPT_RULE_SETS", 2)
    ids = [rule.id for rule in load_rules(Config()).rules][:3]
    for rule_id in ids:
        load_rules(Config(disabled_rules=(rule_id,)))
    kept = list(store.path.parent.glob("rules-*.pickle"))
    assert len(kept) == 2
    assert load_rules(Config(disabled_rules=(ids[-1],))).disabled[0].id == ids[-1]


def test_a_kept_rule_set_others_may_write_or_of_code_since_changed_is_not_read(store, monkeypatch):
    """Unpickling runs what the pickle says: a kept rule set that others may write (a shared cache folder) is passed
    over and written anew. And its key holds cleaner's modules as this process imported them (`packs._CODE`), not as
    they are when it loads: a process started before an upgrade kept what its old code checked under the new key."""
    from cleaner import packs

    load_rules(Config())
    (kept,) = store.path.parent.glob("rules-*.pickle")
    kept.chmod(0o666)
    loads = []
    real_load = packs.load_files
    monkeypatch.setattr(packs, "load_files", lambda *args, **kwargs: loads.append(args) or real_load(*args, **kwargs))
    umask = os.umask(0o022)
    try:
        load_rules(Config())
    finally:
        os.umask(umask)
    assert len(loads) == 1 and not kept.stat().st_mode & 0o022  # loaded anew, written anew with the umask's mode
    load_rules(Config())
    assert len(loads) == 1
    monkeypatch.setattr(packs, "_code_stamps", lambda: pytest.fail("the code's stamps were taken again"))
    assert packs._kept_path(Config()) == kept
    monkeypatch.setattr(packs, "_CODE", (("cleaner/kinds/base.py", 1, 2, 3),))
    assert packs._kept_path(Config()) != kept
