"""Ctrl-C, SIGTERM and worker pools: a command stopped at any moment says one line and exits with the
shell's code, whatever its processes were doing, and a pool left early does not run its queued work."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from conftest import ROOT, masakhanews

from cleaner.workers import spawn_pool

INTERRUPTED = "cleaner: interrupted\n"

# signal `sig` (Ctrl-C unless said) sent by the process to itself once `module` is first imported, then the command
# run as `how` says
_CTRL_C_ON_IMPORT = """
import os, runpy, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{sig})
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv[0] = "cleaner"
if {how!r} == "python -m cleaner":
    runpy.run_module("cleaner", run_name="__main__", alter_sys=True)
else:  # what the `cleaner` console script pip writes does
    from cleaner.cli import main
    sys.exit(main())
"""


@pytest.mark.parametrize("how", ["python -m cleaner", "cleaner"])
@pytest.mark.parametrize("module", ["pydantic", "numpy", "regex"])
def test_ctrl_c_while_the_command_loads_is_one_line(how, module, tmp_path):
    """A Ctrl-C in the first second of a command, while it imported pydantic, numpy and the rest (the
    package's `__init__` imported them all before `main` could catch it), printed a KeyboardInterrupt
    traceback and exited 1 or by the signal; now the command's own line and 130."""
    code = _CTRL_C_ON_IMPORT.format(module=module, how=how, sig="SIGINT")
    proc = subprocess.run([sys.executable, "-c", code, "clean", str(ROOT / "seeds"), "--out", str(tmp_path / "o.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stderr) == (130, INTERRUPTED)
    assert not (tmp_path / "o.jsonl").exists()


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    """1,200 MasakhaNEWS articles: enough for a command to start its pool."""
    path = tmp_path_factory.mktemp("signals") / "news.jsonl"
    rows = masakhanews(("fra", "eng", "hau", "swa"), 300)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _spawned(pid: int, started: bool = True) -> list[int]:
    """The pids of the live processes `pid` has spawned (pool workers, lingua server); with `started`, only those
    whose Python has set its Ctrl-C handler (before, a Ctrl-C ends a process in silence): importing, or at work."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != pid or fields[0] == "Z" or b"spawn_main" not in (stat.parent / "cmdline").read_bytes():
                continue
            caught = next(line for line in (stat.parent / "status").read_text().splitlines() if line.startswith("SigCgt:"))
            if not started or int(caught.split()[1], 16) & 1 << (signal.SIGINT - 1):
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return found


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("args", [
    ("run", "--out", "{tmp}/out", "--workers", "2"),  # the lingua server starts first, then the workers
    ("clean", "--out", "{tmp}/o.jsonl", "--workers", "2", "--lang-backend", "fasttext"),  # the pool's workers alone
])
def test_ctrl_c_while_the_pool_starts_is_the_commands_one_line(articles, tmp_path, args, sig):
    """A terminal's Ctrl-C reaches the whole process group: the processes the command had just spawned,
    still importing before they could set Ctrl-C aside, each printed a KeyboardInterrupt traceback under
    the command's line. Now they start with it blocked, and only the command's line is printed. A SIGTERM to the
    group (a container stopped) kills them as they unblock it, and the command says its line and exits 143."""
    cmd = [sys.executable, "-m", "cleaner", args[0], str(articles), *(a.format(tmp=tmp_path) for a in args[1:]), "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while not _spawned(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline, "the command never started a process"
        time.sleep(0.005)
    os.killpg(proc.pid, getattr(signal, sig))  # as a terminal sends it: the spawned process has only begun to import
    _, err = proc.communicate(timeout=120)
    again = " (run the same command again to go on from where it stopped)" if args[0] == "run" else ""
    how = " by SIGTERM" if sig == "SIGTERM" else ""
    assert (proc.returncode, err) == ({"SIGINT": 130, "SIGTERM": 143}[sig], f"cleaner: interrupted{how}{again}\n")


def test_a_command_killed_while_its_workers_start_leaves_them_nothing_to_print(articles, tmp_path):
    """`kill -9` of a command while its pool's workers were starting: each worker, orphaned, printed a traceback
    (`UnpicklingError: pickle data was truncated`) on the terminal before any of cleaner's code ran in it. What starts a
    worker (its process object, 312 kB with the rule set) outgrew the pipe it is sent through: the command's write
    waited for the worker to read, which the worker did only between imports, for a second, and a command killed
    meanwhile left it half a message. The rule set now goes through an in-memory file, the pipe holds a few kB and is
    written at once, and an orphaned worker ends in silence (`init_child`)."""
    cmd = [sys.executable, "-m", "cleaner", "clean", str(articles), "--out", str(tmp_path / "o.jsonl"), "--workers", "2",
           "--lang-backend", "fasttext", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not _spawned(proc.pid, started=False):
        assert proc.poll() is None and time.monotonic() < deadline, "the command never started a process"
        time.sleep(0.005)
    time.sleep(0.3)  # the worker imports what its process object names, reading it as it goes
    proc.kill()
    _, err = proc.communicate(timeout=120)  # once the orphans have ended too: they hold its stderr
    assert proc.returncode == -signal.SIGKILL
    assert "Traceback" not in err and "Error" not in err, err


def test_a_system_without_memfd_hands_the_rule_set_to_the_workers_in_their_message(monkeypatch):
    """The rule set goes to a pool's workers through an in-memory file, which only Linux has (`os.memfd_create`):
    elsewhere every run with workers raised AttributeError. There it goes in the workers' start-up message, as before,
    and they clean as the command does."""
    from cleaner import Cleaner, workers
    from cleaner.config import Config
    from cleaner.models import Document

    monkeypatch.delattr(workers.os, "memfd_create")
    text = "Publié dans Le Matin le 3 mars 2021\n\nLe conseil municipal a voté le budget de la ville mardi soir."
    docs = [Document(id=f"d{k}", text=text) for k in range(300)]
    stream = workers.prepare_stream(iter(docs), Config.load(lang_backend="fasttext"), workers=2, gates=False, sign=False)
    texts = {p.record["text"] for p in stream}
    assert texts == {Cleaner().clean(docs[0]).text} and "Publié" not in texts.pop()


def test_a_run_of_stdin_stopped_does_not_promise_to_go_on(tmp_path):
    """A run reading stdin, stopped by SIGTERM, said "run the same command again to go on from where it stopped"
    (found by a QA pass): stdin cannot be read again, and the same command starts over."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "run", "-", "--out", str(out), "--workers", "1", "-q"],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdin.write(json.dumps({"id": "a", "text": "Le conseil municipal a voté le budget mardi."}) + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 120
    while not (out / ".cleaner").exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (143, "cleaner: interrupted by SIGTERM (a run that reads stdin cannot go on from "
                                           "where it stopped: run it again to start over)\n")


def _note(path: str, k: int) -> None:
    """A task of a pool: say it ran, then work a while."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{k}\n")
    time.sleep(0.5)


@pytest.mark.parametrize("stop", [KeyboardInterrupt, GeneratorExit, RuntimeError])
def test_a_pool_left_early_does_not_run_its_queued_work(tmp_path, stop):
    """The pool of a command stopped early (Ctrl-C, `--strict`, a consumer that stopped reading) ran every
    chunk queued for it (up to 16 a worker) before the command could end: seconds after a Ctrl-C. Now its
    queued work is dropped: 40 tasks queued, a few ran."""
    ran = tmp_path / "ran"
    ran.touch()
    with pytest.raises(stop), spawn_pool(2) as pool:
        futures = [pool.submit(_note, str(ran), k) for k in range(40)]
        futures[0].result()  # the workers have started and are at work
        started = len(ran.read_text().split())
        raise stop
    assert len(ran.read_text().split()) - started <= 4  # handed to the workers ahead (workers + 1), one just taken
    assert not multiprocessing.active_children()


def test_a_pool_that_ends_normally_runs_all_its_work(tmp_path):
    ran = tmp_path / "ran"
    ran.touch()
    with spawn_pool(2) as pool:
        for k in range(6):
            pool.submit(_note, str(ran), k)
    assert sorted(map(int, ran.read_text().split())) == list(range(6))



def _half_a_result() -> None:
    """A task of a pool: send half a result larger than a pipe holds, then die, as a worker killed while it sent one
    does (a SIGTERM to the process group, the out-of-memory killer)."""
    frame = sys._getframe()
    while frame.f_code.co_name != "_process_worker":  # the pool's loop in the worker, which holds its result queue
        frame = frame.f_back
    os.write(frame.f_locals["result_queue"]._writer.fileno(), struct.pack("!i", 1 << 20) + b"x" * 1000)
    os.kill(os.getpid(), signal.SIGKILL)


_LEFT_WITH_HALF_A_RESULT = """
import multiprocessing, sys, time
sys.path.insert(0, {tests!r})
from test_signals import _half_a_result
from cleaner.workers import spawn_pool

try:
    with spawn_pool(2) as pool:
        pool.submit(_half_a_result)
        while multiprocessing.active_children():  # the worker sends half its result, and dies
            time.sleep(0.05)
        raise KeyboardInterrupt  # the command's SIGTERM, a moment after its workers': the block is left
except KeyboardInterrupt:
    print("left")
"""


def test_a_pool_left_early_ends_though_a_worker_died_sending_a_result():
    """`cleaner run` hung for good after a SIGTERM to its process group (a QA pass, once): a worker killed while it
    sent a result left half a message in the pipe, which the pool's thread waited for the rest of (this process holds
    the pipe's writing end too), and the pool's shutdown joined that thread, with the run's folder locked. A pool
    left early now kills its workers and closes its end of that pipe: the thread reads the end of it, and the block is
    left at once."""
    code = _LEFT_WITH_HALF_A_RESULT.format(tests=str(ROOT / "tests"))
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "left\n", "")


def test_a_worker_killed_while_it_sent_a_result_breaks_the_pool():
    """A worker killed alone while it sent a result (the out-of-memory killer's pick) left half a message, which the
    pool's thread waited for the rest of for good: `future.result()` never returned, and `cleaner run` hung with its
    folder locked. The pool's watchdog now sees a worker die, kills the others and closes this process's end of the
    pipe: the pool is broken (`BrokenProcessPool`, the CLI's one line and exit 4), at once."""
    with spawn_pool(2) as pool:
        future = pool.submit(_half_a_result)
        with pytest.raises(BrokenProcessPool):
            future.result(timeout=30)
        with pytest.raises(BrokenProcessPool):
            pool.submit(_note, "unused", 0)
    assert not multiprocessing.active_children()


_CTRL_C_IN_A_DEL = """
import os, signal, sys

class Collected:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs in here
            pass

class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "cleaner.workers":
            sys.meta_path.remove(self)
            Collected()
        return None

sys.meta_path.insert(0, Hook())
from cleaner.cli import main
sys.exit(main())
"""


def test_a_ctrl_c_that_comes_while_an_object_is_collected_is_not_lost(tmp_path):
    """Python drops an exception raised in a `__del__` (the `regex` module has some, run while rule packs
    compile) with an "Exception ignored" traceback: a Ctrl-C then was lost, and the command went on to its
    end and exit 0. Now it is sent again a moment later, and the command stops with its one line."""
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_IN_A_DEL, "clean", str(ROOT / "seeds"), "--out",
                           str(tmp_path / "o.jsonl")], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stderr) == (130, INTERRUPTED)
    assert not (tmp_path / "o.jsonl").exists()


_CTRL_C_IN = """
import os, signal, sys, weakref

def ctrl_c(*_):
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(1000):  # the handler runs in here
        pass

class Named:
    def __set_name__(self, owner, name):
        ctrl_c()

class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == "cleaner.workers":
            sys.meta_path.remove(self)
            if sys.argv[1] == "__set_name__":
                type("Owner", (), {"x": Named()})
            else:  # a weak reference's callback, as the import system's module locks have at every import
                callback = lambda ref: ctrl_c()
                callback.__code__ = callback.__code__.replace(co_qualname="_get_module_lock.<locals>.cb")
                held = Named()
                ref = weakref.ref(held, callback)
                del held
        return None

sys.meta_path.insert(0, Hook())
from cleaner.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("where", ["__set_name__", "cb"])
def test_a_ctrl_c_in_a_weak_references_callback_or_a_set_name_is_not_lost(tmp_path, where):
    """Two more places where a Ctrl-C's exception was not one line and exit 130 (a QA pass sent 300 Ctrl-C in the
    first half second of `clean`): raised in a weak reference's callback (the import system's module locks), it was
    dropped as "Exception ignored", and the command cleaned all its input and exited 0; raised in a `__set_name__`
    (pydantic's, as the rule kinds' classes are made), Python wrapped it in a RuntimeError: a traceback, exit 1.
    It is now sent again a moment later, as in a `__del__`."""
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_IN, where, "clean", str(ROOT / "seeds"), "--out",
                           str(tmp_path / "o.jsonl")], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stderr) == (130, INTERRUPTED)
    assert not (tmp_path / "o.jsonl").exists()

@pytest.mark.parametrize("command", [("clean", "{seeds}", "--out", "{tmp}/o.jsonl"), ("review", "{tmp}", "--out", "{tmp}/r.html")])
def test_sigterm_while_the_command_loads_is_one_line(command, tmp_path):
    """SIGTERM (`kill`, `timeout`) in the first second of a command ended it in silence (killed by the signal),
    where later it says one line and exits 143: now the same line at any moment."""
    code = _CTRL_C_ON_IMPORT.format(module="numpy", how="cleaner", sig="SIGTERM")
    args = [a.format(seeds=ROOT / "seeds", tmp=tmp_path) for a in command]
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stderr) == (143, "cleaner: interrupted by SIGTERM\n")
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize("color", ["always", "never"])
def test_a_diff_whose_reader_quits_early_ends_with_exit_0(articles, color):
    """`cleaner diff ... --color always | less -R` quit on the first page: rich's console, meeting the closed
    pipe, exited 1 (without colour it was 0, as a closed pipe is for every command)."""
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "diff", str(articles), "--color", color], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()  # as `head -1` or a pager quit does
    err = proc.stderr.read().decode()
    assert (proc.wait(timeout=120), err) == (0, "")


class _CtrlCWhenSent:
    """An argument whose sending to a new process (pickling, in the middle of its start) meets a Ctrl-C."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGINT)
        return (_CtrlCWhenSent, ())


def test_a_ctrl_c_while_a_process_is_spawned_leaves_no_process_behind():
    """A Ctrl-C during a worker's spawn is held until the spawn is done (the worker starts with it blocked),
    then raised: the process just made, no pool's yet, must go with it, not start on its own after the run
    (it printed a traceback, its pool's queues gone)."""
    from cleaner.children import SPAWN

    process = SPAWN.Process(target=print, args=(_CtrlCWhenSent(),))
    with pytest.raises(KeyboardInterrupt):
        process.start()
    assert not multiprocessing.active_children() and not _spawned(os.getpid(), started=False)


# `cleaner ARGS` that SIGKILLs itself as `cleaner.runner.NAME` is called (`at` "call") or once it has returned
_KILLED_AT = """
import os, signal, sys
from cleaner import runner

at, name = sys.argv[1:3]
real = getattr(runner, name)

def killed(*args, **kwargs):
    if at == "call":
        os.kill(os.getpid(), signal.SIGKILL)
    real(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)

setattr(runner, name, killed)
from cleaner.cli import main
sys.exit(main(sys.argv[3:]))
"""


def killed_at(at: str, name: str, *args: str, cwd: Path = ROOT) -> None:
    """`cleaner ARGS` killed by SIGKILL as `cleaner.runner.NAME` is called (`at` "call") or once it has returned."""
    proc = subprocess.run([sys.executable, "-c", _KILLED_AT, at, name, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


@pytest.mark.parametrize("at", ["call", "return"])
@pytest.mark.parametrize("again", [(), ("--min-chars", "10")])
def test_a_start_over_killed_before_its_state_says_so_loses_no_document(tmp_path, at, again):
    """A run that starts over on the same inputs into a shared index, killed once it had made its state file but before
    it had taken the finished run's documents out of the index (found by a QA pass): its rerun, which went on from an
    interrupted run that had not decided anything, took nothing out, and gave a corpus of none of them, every one
    already_indexed against the run it replaced. Now every start-over asks what the finished run left in the index."""
    src = tmp_path / "news.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in masakhanews(("fra", "eng"), 25)), "utf-8")
    run = ("run", str(src), "--out", str(tmp_path / "out"), "--index", str(tmp_path / "index.sqlite"), "-q")
    assert subprocess.run([sys.executable, "-m", "cleaner", *run], cwd=ROOT, timeout=120, check=False).returncode == 0
    kept = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8")
    killed_at(at, "take_out_replaced", *run, "--min-chars", "10")
    proc = subprocess.run([sys.executable, "-m", "cleaner", *run, *again], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8") == kept and len(kept.splitlines()) == 50


def test_a_start_over_takes_out_both_the_finished_run_and_an_interrupted_one(tmp_path):
    """A finished run of inputs X, then one of inputs Y into its folder (the finished run's documents stay) killed once
    it had named its batch, then X again: the start-over took out the interrupted run's batch in place of the finished
    run's, not beside it, and X's documents all came out already_indexed against the run being replaced."""
    rows = masakhanews(("fra", "eng", "hau"), 25)
    x, y = tmp_path / "x.jsonl", tmp_path / "y.jsonl"
    x.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[:50]), "utf-8")
    y.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows[50:]), "utf-8")
    shared = ("--out", str(tmp_path / "out"), "--index", str(tmp_path / "index.sqlite"), "-q")
    assert subprocess.run([sys.executable, "-m", "cleaner", "run", str(x), *shared], cwd=ROOT, timeout=120,
                          check=False).returncode == 0
    kept = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8")
    killed_at("call", "clear_outputs", "run", str(y), *shared)
    proc = subprocess.run([sys.executable, "-m", "cleaner", "run", str(x), *shared], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8") == kept and len(kept.splitlines()) == 50
