"""Shared test helpers: paths of the repo's seeds and fixtures, and the shared data beside the checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


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
