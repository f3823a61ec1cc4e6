"""Reading a `cleaner run` output folder: the one place that knows its files.

Everything the review needs from a run goes through `load_run`, so a sharded layout later changes
this module alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io.outputs import STATE, OutputError, output_files, parse_record, read_output

RUN_OUTPUTS = ("corpus", "rejects", "clusters", "raw")
"""The outputs a run folder must hold for a review, in any output format (`report.json` is read when present)."""


class RunError(ValueError):
    """A folder that cannot be reviewed: missing, not a run output, or with an unreadable file."""


@dataclass
class Run:
    """A run's output in memory: kept records, their raw texts by id, rejects, clusters and the report."""

    corpus: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def is_run_dir(path: str | Path) -> bool:
    """True when `path` is a folder holding a run's corpus, or the state of a run that did not finish."""
    folder = Path(path)
    return folder.is_dir() and (bool(output_files(folder, "corpus")) or (folder / STATE).is_dir())


def load_run(path: str | Path) -> Run:
    """Read the run folder at `path`; raises `RunError` with a one-line message when it is not one."""
    folder = Path(path)
    if not folder.is_dir():
        raise RunError(f"{folder}: no such folder")
    files = {name: output_files(folder, name) for name in RUN_OUTPUTS}
    missing = [f"{name}.jsonl" for name, paths in files.items() if not paths or not all(p.is_file() for p in paths)]
    if missing and (folder / STATE).is_dir():
        raise RunError(f"{folder}: a `cleaner run` that did not finish (its state is in {STATE}/); the same command "
                       "again goes on from where it stopped")
    if missing:
        raise RunError(f"{folder}: not a `cleaner run` output folder (missing {', '.join(missing)})")
    report_path = folder / "report.json"
    try:
        return Run(
            corpus=list(read_output(folder, "corpus")),
            raw={r["id"]: r.get("text", "") for r in read_output(folder, "raw")},
            rejects=list(read_output(folder, "rejects")),
            clusters=list(read_output(folder, "clusters")),
            report=parse_record(report_path.read_bytes(), str(report_path)) if report_path.is_file() else {},
            name=folder.resolve().name,
        )
    except OutputError as exc:
        raise RunError(str(exc)) from None
