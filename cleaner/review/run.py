"""Reading a `cleaner run` output folder: the one place that knows its files.

Everything the review needs from a run goes through `load_run`, so a sharded layout later changes
this module alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_FILES = ("corpus.jsonl", "rejects.jsonl", "clusters.jsonl", "raw.jsonl")
"""The files a run folder must hold for a review (`report.json` is read when present)."""


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
    """True when `path` is a folder holding a run's corpus file."""
    return (Path(path) / "corpus.jsonl").is_file()


def load_run(path: str | Path) -> Run:
    """Read the run folder at `path`; raises `RunError` with a one-line message when it is not one."""
    folder = Path(path)
    if not folder.is_dir():
        raise RunError(f"{folder}: no such folder")
    missing = [name for name in RUN_FILES if not (folder / name).is_file()]
    if missing:
        raise RunError(f"{folder}: not a `cleaner run` output folder (missing {', '.join(missing)})")
    report_path = folder / "report.json"
    return Run(
        corpus=_jsonl(folder / "corpus.jsonl"),
        raw={r["id"]: r.get("text", "") for r in _jsonl(folder / "raw.jsonl")},
        rejects=_jsonl(folder / "rejects.jsonl"),
        clusters=_jsonl(folder / "clusters.jsonl"),
        report=_json(report_path) if report_path.is_file() else {},
        name=folder.resolve().name,
    )


def _jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise RunError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return out


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RunError(f"{path}: not JSON ({exc.msg})") from None
