"""Shared test helpers: paths of the repo's seeds and fixtures, and the shared data beside the checkout."""

from __future__ import annotations

import gzip
import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    # Started as a background job of a script (`pytest &`), which the shell runs with Ctrl-C ignored: the runs the
    # tests start would inherit that, and the tests that send them Ctrl-C saw them finish instead of stopping.
    signal.signal(signal.SIGINT, signal.default_int_handler)
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


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
    return rows


def made_id(place: str | int, text: str) -> str:
    """The id of a record given without one, worked out here as the README states it: its place (file stem
    and line, or position) and 8 hex digits of the BLAKE2b hash of its text."""
    return f"{place}:{hashlib.blake2b(text.encode('utf-8'), digest_size=4).hexdigest()}"


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


@pytest.fixture(scope="session")
def default_cleaner():
    """A Cleaner with the shipped packs, loaded once."""
    from cleaner import Cleaner

    return Cleaner()
