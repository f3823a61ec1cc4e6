"""What a process imports is what it pays for: a run's main process and its output writers read
signatures and records, so they must not load scipy (via datasketch), pyarrow, trafilatura, lxml,
justext or ftfy (~150 MB a process between them); a worker loads each only once its work needs it, and signing
never loads scipy."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("scipy", "datasketch", "pyarrow", "trafilatura", "lxml", "justext", "ftfy")


def _loaded(code: str) -> list[str]:
    """The heavy packages imported by a fresh interpreter after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_reading_signatures_and_writing_outputs_loads_none_of_them():
    assert _loaded("import cleaner\nfrom cleaner.runner import write_part\nfrom cleaner.dedup import Deduplicator, DedupParams\n"
                   "Deduplicator(':memory:', DedupParams()).close()") == []


def test_cleaning_plain_text_loads_no_html_parser():
    assert _loaded("import cleaner\ncleaner.clean('Publié dans Le Matin le 3 mars 2021\\n\\nLe texte.')") == []


def test_the_command_on_texts_loads_no_html_path(tmp_path):
    """`cleaner.html` (4,000 lines, ~50 ms of import time, mostly regexes compiled) is the HTML path's: `cleaner clean`
    and `cleaner run` of text records (learning boilerplate too), one with a page's `meta.extracted` too (a corpus made
    from pages), never load it."""
    texts = tmp_path / "a.jsonl"
    texts.write_text('{"id": "1", "text": "Le conseil a voté le budget."}\n'
                     '{"id": "2", "text": "Le texte.", "meta": {"extracted": {"headings": ["Le texte."]}}}\n',
                     encoding="utf-8")
    code = (f"import sys\nfrom cleaner.cli import main\n"
            f"assert main(['clean', {str(texts)!r}, '--out', '-', '-q']) == 0\n"
            f"assert main(['run', {str(texts)!r}, '--out', {str(tmp_path / 'out')!r}, '--workers', '1', '-q']) == 0\n"
            f"assert main(['run', {str(texts)!r}, '--out', {str(tmp_path / 'learn')!r}, '--workers', '1', '-q',\n"
            "              '--learn-boilerplate', '--min-docs', '2']) == 0\n"
            "assert 'cleaner.html' not in sys.modules, 'loaded'")
    _loaded(code)


def test_reading_jsonl_loads_no_warc_reader():
    """warcio loads fsspec (~50 ms of every process start, workers included): only a WARC input loads it."""
    code = ("import sys, tempfile, pathlib\nfrom cleaner import Config\nfrom cleaner.io.readers import read_inputs\n"
            "p = pathlib.Path(tempfile.mkdtemp()) / 'a.jsonl'\np.write_text('{\"id\": 1, \"text\": \"Un texte.\"}\\n')\n"
            "assert len(list(read_inputs([str(p)], Config.load()))) == 1\n"
            "assert not {m.split('.')[0] for m in sys.modules} & {'warcio', 'fsspec'}, 'loaded'")
    _loaded(code)


def test_signing_uses_datasketchs_minhash_without_loading_scipy():
    """A signing process loads `datasketch.minhash` alone and leaves no trace of it in `sys.modules`;
    its signatures are the ones datasketch gives once loaded whole, as a later import loads it."""
    text = "un texte de plusieurs mots ici et encore quelques autres mots là"
    code = (f"import sys\nfrom cleaner.dedup import Signer\nsigner = Signer()\n_, sig = signer.sign({text!r})\n"
            "assert signer._new_minhash().__module__ == 'datasketch.minhash'\n"
            "assert not {m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}, 'signing loaded them'\n"
            "import datasketch\nfrom cleaner.dedup.shingle import normalise\n"
            "whole = datasketch.MinHash(num_perm=128, seed=1, scheme='affine32', hashfunc=lambda v: v)\n"
            f"whole.update_batch([signer.shingle_hashes(normalise({text!r}))])\n"
            "assert (whole.hashvalues.astype('uint32') == sig).all()\n"
            "assert datasketch.minhash.MinHash is datasketch.MinHash and datasketch.MinHashLSH\n")
    assert _loaded(code) == ["datasketch", "scipy"]  # the whole package, loaded by the import after signing


def test_a_page_loads_trafilatura_and_a_shape_loads_justext():
    page = "<html><body><article><p>" + "Le conseil municipal a voté le budget de la ville mardi soir. " * 8 + "</p></article></body></html>"
    loaded = _loaded(f"import cleaner\nfrom cleaner.html import extract_html\nfrom cleaner.models import Document\n"
                     f"from cleaner.config import Config\nextract_html(Document(id='p', html={page!r}), Config.load())\n"
                     f"from cleaner.kinds.shapefeatures import stoplist_for\nstoplist_for('le la les de des et', None)")
    assert {"trafilatura", "lxml", "justext"} <= set(loaded)


def test_the_command_line_loads_the_rule_suggester_only_to_suggest():
    """`cleaner.suggest` compiles a large date pattern when imported (~50 ms of every process that built the parser)."""
    code = ("import sys\nfrom cleaner.cli import build_parser\nbuild_parser()\n"
            "assert 'cleaner.suggest' not in sys.modules, 'the parser loaded it'\n"
            "from cleaner.commands.rules import cmd_rules_suggest")
    _loaded(code)


def test_a_command_loads_rich_only_to_draw_a_bar_or_colour_a_diff():
    """rich (~45 ms of imports) draws the progress bar on a terminal and colours `cleaner diff`: a run writing to a log
    or a pipe, as in a pipeline or a test, never uses it."""
    code = ("import sys\nfrom cleaner.cli import build_parser\nbuild_parser()\nimport cleaner.runner, cleaner.progress\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'rich'], 'loaded'\n")
    _loaded(code)


def _threads_after_numpy(env: dict[str, str], call: str) -> tuple[str, int]:
    """`OPENBLAS_NUM_THREADS` as a process that calls `call` (of `cleaner.cli`) with `--version` leaves it, and the
    threads it has once numpy is imported."""
    probe = (f"import os\nfrom cleaner.cli import {call}\ntry:\n    {call}(['--version'])\nexcept SystemExit:\n    pass\n"
             "import numpy\nprint(os.environ.get('OPENBLAS_NUM_THREADS'), len(os.listdir('/proc/self/task')))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    value, threads = proc.stdout.splitlines()[-1].split()
    return value, int(threads)


def test_the_command_starts_no_blas_threads_unless_asked():
    """cleaner makes no BLAS call: numpy's OpenBLAS thread per core cost each process ~0.1 s of CPU at import. The
    command (`console_main`) sets it; a program calling `main` itself keeps its own environment (a review)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _threads_after_numpy(env, "console_main") == ("1", 1)
    assert _threads_after_numpy({**env, "OPENBLAS_NUM_THREADS": "2"}, "console_main")[0] == "2"  # the user's stands
    assert _threads_after_numpy(env, "main")[0] == "None"


def test_the_packed_stopword_index_leaves_little_beside_its_arrays():
    """The index's own data is ~5.4 MB (a string of 154,000 words, three arrays, ~2,400 name tuples); its build goes
    through every word of justext's 100 lists. Name tuples made among those words kept ~11 MB of freed pages alive
    around them (a process grew 21 MB); made once the words are freed, a process grows ~11 MB."""
    probe = ("import gc, justext, numpy\nfrom cleaner.kinds import shapefeatures\n"
             "def rss():\n    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])\n"
             "before = rss()\nindex = shapefeatures._index()\ngc.collect()\nprint(rss() - before)\n"
             "assert index.lookup(['le', 'the', 'xyzzy'])[2] == ()")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) < 16 * 1024, f"{int(proc.stdout) / 1024:.1f} MB"


def test_the_pools_lingua_server_loads_neither_numpy_nor_pydantic_nor_the_rule_engine():
    """The lingua server a pool of `cleaner run` starts runs lingua alone: spawned as a worker is, it imported the
    whole pipeline (its process class and its first function were in `workers`), ~37 MB of PSS that sat idle for a
    corpus fastText was sure of. Started as a run starts it and asked a shortlist, it has mapped neither numpy's nor
    pydantic's library (which every module of the pipeline imports, one way or another)."""
    import multiprocessing
    import os
    from functools import partial
    from pathlib import Path

    from cleaner import linguaserver
    from cleaner.children import SPAWN, init_child

    before = set(multiprocessing.active_children())
    server = linguaserver.start(SPAWN, partial(init_child, os.getpid()))
    try:
        [process] = set(multiprocessing.active_children()) - before
        answer = server.lingua().shortlists([(("en", "fr"), True, "le chat est noir")], 8)
        maps = Path(f"/proc/{process.pid}/maps").read_text()
    finally:
        server.shutdown()
    assert answer[0][0] == "fr"
    assert "lingua" in maps and "_multiarray_umath" not in maps and "pydantic_core" not in maps
