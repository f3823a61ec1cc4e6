"""Shared test helpers: paths of the repo's seeds and fixtures, and the shared data beside the checkout."""

from __future__ import annotations

import compileall
import gc
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

SESSION_CACHE = None if "CLEANER_CACHE_DIR" in os.environ else tempfile.mkdtemp(prefix="cleaner-tests-cache-")
"""The store of compiled patterns of the session's tests and of the processes they start (set here, before any
`cleaner` module reads it, and inherited by xdist's workers): they filled the developer's `~/.cache/cleaner` with
test patterns. A `CLEANER_CACHE_DIR` given by the caller is kept."""
if SESSION_CACHE is not None:
    os.environ["CLEANER_CACHE_DIR"] = SESSION_CACHE

from cleaner.cli import BLAS_THREADS  # noqa: E402 (after CLEANER_CACHE_DIR is set; cli imports no other module)

for _name, _value in BLAS_THREADS.items():  # as the `cleaner` command sets them, for the xdist workers and the
    os.environ.setdefault(_name, _value)  # `python -c` probes the tests start too: OpenBLAS's threads, ~0.1 s of CPU

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # Started as a background job of a script (`pytest &`), which the shell runs with Ctrl-C ignored: the runs the
    # tests start would inherit that, and the tests that send them Ctrl-C saw them finish instead of stopping.
    signal.signal(signal.SIGINT, signal.default_int_handler)
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
_PROSE = "Le conseil municipal a voté hier soir le budget de l'année prochaine, après un long débat sur {}."
DROPPED_PAGE = (
    "<html lang='fr'><head><title>Le budget voté</title></head><body><article><h1>Le budget voté</h1>"
    f"<p>{_PROSE.format('les écoles')} La maire a défendu un texte <span class='definition'>"
    "<span class='close-definition'>Fermer</span>Le budget primitif fixe les dépenses et les recettes prévues pour "
    "l'année</span> qu'elle juge équilibré.</p>"
    "<div class='aside_blockquote'><p>Nous ne fermerons aucune école cette année</p><p>La maire</p></div>"
    f"<p>{_PROSE.format('les transports')}</p>"
    "<figure><img src='x.jpg'><p class='legende'>La salle du conseil municipal</p></figure>"
    f"<p>{_PROSE.format('les logements')}</p><h3 role='button'>Afficher la transcription</h3>"
    f"<p>{_PROSE.format('les parcs')}</p></article></body></html>")
"""A page holding a pop-up, a pull quote, a caption and a button, in that order, each of which the HTML path drops
before extraction (`given.DROPPED`)."""
DROPPED_FROM_PAGE = [
    {"step": "pop-up", "text": "FermerLe budget primitif fixe les dépenses et les recettes prévues pour l'année"},
    {"step": "pull-quote", "text": "Nous ne fermerons aucune école cette année La maire"},
    {"step": "caption", "text": "La salle du conseil municipal"},
    {"step": "button", "text": "Afficher la transcription"},
]
"""What `DROPPED_PAGE` loses before extraction, as `meta.extracted.dropped` lists it: each text as a browser shows it
("FermerLe budget", no space between two `<span>`s)."""


def pytest_configure(config: pytest.Config) -> None:
    """Compile `cleaner` to bytecode once, in the controlling process, before any test starts a `cleaner` process.
    Where PYTHONDONTWRITEBYTECODE is set (as on the machines the suite runs on here), each of the suite's several
    hundred processes otherwise compiled cleaner's modules from source: ~0.18 s of CPU each."""
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(ROOT / "cleaner", quiet=1)


CACHES = ("__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache")
"""Folders of caches a test run writes in the checkout, among the files git ignores, not counted (`_untracked`)."""


def _untracked() -> dict[str, int] | None:
    """The checkout's files git does not track, ignored ones too (`out/`, the service's `cleaner-index.sqlite`), each
    with its modification time (a link's own), but for caches (`CACHES`, `*.egg-info`, `bench/.cache`) and ignored
    virtualenvs, which are not walked (a virtualenv's 60,000 files took 1.5 s), nor is a linked folder; None outside a
    git checkout, or without git: what a test that wrote through a relative path leaves, and a commit may take in."""
    names = []
    for ignored in ("no", "traditional"):  # ignored folders as folders: walked here, but for caches and virtualenvs
        try:
            listed = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "-z", f"--ignored={ignored}",
                                     "--untracked-files=" + ("all" if ignored == "no" else "normal")],
                                    capture_output=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        names += [entry[3:].decode("utf-8", "surrogateescape") for entry in listed.split(b"\0")
                  if entry[:3] == (b"?? " if ignored == "no" else b"!! ")]
    found: dict[str, int] = {}
    for name in names:
        path = ROOT / name
        if _cache(name) or (path / "pyvenv.cfg").exists():
            continue
        walked = os.walk(path) if path.is_dir() and not path.is_symlink() else [("", [], [str(path)])]
        for folder, subfolders, files in walked:  # a link is itself, not what it names: a link to /usr was walked
            subfolders[:] = [sub for sub in subfolders if not _cache(sub) and not os.path.exists(
                os.path.join(folder, sub, "pyvenv.cfg"))]
            for file in files:
                full = os.path.join(folder, file)
                try:
                    found[os.path.relpath(full, ROOT)] = os.lstat(full).st_mtime_ns
                except FileNotFoundError:  # gone since git listed it (a journal file)
                    pass
    return found


def _cache(name: str) -> bool:
    """Whether the path `name` (relative to the checkout) is in a cache a test run writes (`CACHES`)."""
    return name.startswith("bench/.cache/") or any(part in CACHES or part.endswith(".egg-info")
                                                  for part in name.rstrip("/").split("/"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controlling process alone checks
        session.config.stash[_UNTRACKED] = _untracked()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when its tests wrote files in the checkout that git does not track (new, or written again;
    `_untracked`): a test that wrote `b.jsonl` and the service's default `cleaner-index.sqlite` in the top folder,
    through relative paths, had them committed with other work. What pytest was told to write there (`--junitxml`) and
    a dot-file in the top folder (a tool's own: `.coverage`) are not counted."""
    before = session.config.stash.get(_UNTRACKED, None)
    if hasattr(session.config, "workerinput") or before is None or (after := _untracked()) is None:
        return
    asked = {os.path.relpath(path, ROOT) for path in (session.config.getoption("xmlpath", None),) if path}
    left = sorted(name for name, mtime in after.items() if before.get(name) != mtime
                  and name not in asked and not name.startswith("."))
    if left:
        print(f"\nthe tests wrote files git does not track in {ROOT}: {', '.join(left)} (a test wrote through a "
              "relative path?)", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_UNTRACKED = pytest.StashKey[dict | None]()


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION_CACHE is not None and not hasattr(config, "workerinput"):
        shutil.rmtree(SESSION_CACHE, ignore_errors=True)


def footer_articles(n: int) -> list[tuple[str, str]]:
    """`n` short articles (id, text), each a distinct 30-word stretch of MasakhaNEWS English and the same 55-word
    footer: every pair shares a true Jaccard of 0.4-0.46, under the dedup threshold, and many are LSH candidates."""
    words = " ".join(a["text"] for a in masakhanews(("eng",), 200)).split()
    footer = ("About us: The Daily Courier is an independent news organisation founded in 1998 and based in "
              "Nairobi. We cover politics, business, sport and culture across East Africa. Our journalism is funded "
              "by readers like you. Support us today with a monthly contribution and get exclusive newsletters, "
              "podcasts and events.")
    assert len(words) >= 30 * n
    return [(f"b{k:04d}", " ".join(words[30 * k : 30 * k + 30]) + "\n\n" + footer) for k in range(n)]


def masakhanews(langs: tuple[str, ...], per_lang: int) -> list[dict]:
    """The first `per_lang` articles of each of `langs` (fra, eng, hau, ...) of ../shared's MasakhaNEWS, in file order."""
    rows: list[dict] = []
    taken = dict.fromkeys(langs, 0)
    with gzip.open(SHARED / "corpus" / "masakhanews.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if taken.get(record["lang"], per_lang) < per_lang:
                taken[record["lang"]] += 1
                rows.append(record)
                if min(taken.values()) == per_lang:  # the rest of the file has none to give
                    break
    return rows


def made_id(place: str | int, text: str) -> str:
    """The id of a record given without one, worked out here as the README states it: its place (file stem
    and line, or position) and 16 hex digits of the BLAKE2b hash of its text."""
    return f"{place}:{hashlib.blake2b(text.encode('utf-8'), digest_size=8).hexdigest()}"


def run_cli(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m cleaner ARGS` as a real subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=300,
    )


def at_once(call: Callable[[], Any], threads: int) -> tuple[list[Any], list[BaseException]]:
    """`call()` on `threads` threads started together: what the calls returned and what they raised (a thread's
    exception is otherwise printed and lost)."""
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - returned, for the test to assert on
            errors.append(exc)

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return results, errors


def linear_time(run: Callable[[Any], Any], short: Any, long: Any) -> bool:
    """Whether `run(long)` takes less than 3 times as long as `run(short)` (on twice as much, as most callers give
    it: linear 2, square 4; or on a page with what must cost it little), or under 30 ms (below that, noise decides);
    when the first try is over, the middle ratio of 5 pairs of tries, each pair taken in turn, so that a burst of load
    on the machine weighs on both (3 tries of the long one, then 3 of the short one, failed a linear survey in a full
    run of the suite: 2.1 times as long alone; the least of 5 tries of each, compared, failed a page's blocks left open
    in one: alone, its pairs were 1.5 to 3 times and the least of each 2.8 times, one short try a third under the
    others). The garbage collector is off while a try runs: in a test process that holds thousands of tests' objects,
    a full collection a try set off was its time.
    """
    def seconds(arg: Any) -> float:
        gc.disable()
        try:
            start = time.process_time()
            run(arg)
            return time.process_time() - start
        finally:
            gc.enable()

    if (took := seconds(long)) < 0.03 or took < 3 * seconds(short):
        return True
    ratios = sorted(seconds(long) / max(seconds(short), 1e-6) for _ in range(5))
    return ratios[2] < 3


@pytest.fixture
def in_process(capfd, monkeypatch):
    """`cleaner ARGS` run by `cleaner.cli.main` in this process, from the folder `run_cli` runs it in, for a test of
    what a command writes and says and its exit code, not of a process (signals, stdin, the environment): a
    CompletedProcess as `run_cli` gives, an argparse refusal's SystemExit read as its exit code, and the warnings
    the interpreter would print on stderr added to it."""
    from cleaner.cli import main

    def call(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        monkeypatch.chdir(cwd or ROOT)
        capfd.readouterr()
        with warnings.catch_warnings(record=True) as caught:
            warnings.resetwarnings()  # the interpreter's default filters, not pytest's
            for ignored in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                warnings.simplefilter("ignore", ignored)
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code
        out, err = capfd.readouterr()
        err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught)
        return subprocess.CompletedProcess(["cleaner", *args], code, out, err)

    return call


@pytest.fixture(scope="session")
def default_cleaner():
    """A Cleaner with the shipped packs, loaded once."""
    from cleaner import Cleaner

    return Cleaner()


def damaged_index(tmp_path: Path, how: str) -> tuple[Path, list[dict]]:
    """An index of 400 kept documents, then damaged `how` (`page`: its fourth page overwritten; `table`: its band
    table dropped; `cut`: cut short after two pages, as a copy stopped half-way), and 400 other records to run
    against it."""
    import random
    import sqlite3

    from cleaner import Config, Pipeline

    path = tmp_path / "index.sqlite"
    records = [{"id": f"d{k}", "text": " ".join(f"mot{n}" for n in random.Random(k).sample(range(100_000), 60))}
               for k in range(800)]
    with Pipeline(Config.load(), index=path) as pipeline:
        assert len(pipeline.run(records[:400]).kept) == 400
    if how == "page":
        with open(path, "r+b") as fh:
            fh.seek(4096 * 3)
            fh.write(b"\xff" * 4096)
    elif how == "cut":
        os.truncate(path, 8192)
    else:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE bands")
    return path, records[400:]


def resubmitted_runs(tmp_path: Path) -> Path:
    """Run A keeps X into a shared index; run B, into the same index, holds X again with another text (an
    `already_indexed` reject) and "copy", a near-copy of A's X. Gives B's folder."""
    from cleaner.cli import main

    text = ("Le conseil municipal a voté le budget de l'année prochaine, après un long débat sur les écoles et les "
            "routes de la commune, qui attendent des travaux depuis longtemps.")
    other = "Un tout autre texte sur la météo de demain, qui sera pluvieuse dans le nord et ensoleillée dans le sud."
    for name, rows in (("a", [("X", text)]), ("b", [("X", other), ("copy", text + " Fin.")])):
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows))
        assert main(["run", str(tmp_path / f"{name}.jsonl"), "--out", str(tmp_path / name), "--index",
                     str(tmp_path / "index.sqlite"), "--quiet"]) == 0
    return tmp_path / "b"


def _libyaml_depth_limit() -> bool:
    """Whether the installed PyYAML's libyaml refuses over 1,000 nested flow lists of its own (6.0.4 does)."""
    try:
        yaml.compose("[" * 1_001 + "]" * 1_001, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return True
    return False


DEEP_COLUMN = 1007 if _libyaml_depth_limit() else 507
"""Where `rules: [[[…` is refused: at its 501st list, or where libyaml, reading ahead, stops at its 1,000th."""
