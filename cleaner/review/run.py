"""Reading a `cleaner run` output folder: the one place that knows its files.

Everything the review needs from a run goes through `load_run`, so a sharded layout later changes
this module alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..edits import replay
from ..io.names import real
from ..io.outputs import STATE, OutputError, output_files, parse_record, read_output
from ..manifest import MANIFEST
from ..models import Edit

RUN_OUTPUTS = ("corpus", "rejects", "clusters", "raw")
"""The outputs a run folder must hold for a review, in any output format (`report.json` is read when present)."""


class RunError(ValueError):
    """A folder that cannot be reviewed: missing, not a run output, or with an unreadable file."""


@dataclass
class Run:
    """A run's output in memory: kept records, their raw texts by id, rejects, clusters and the report."""

    corpus: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)
    pages: frozenset[str] = frozenset()
    """The ids of the kept documents that were pages: their raw record holds `html` (their `meta.extracted` is their
    page's metadata, a text record's own is not)."""
    rejects: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def is_run_dir(path: str | Path) -> bool:
    """True when `path` is a folder holding a run's corpus, or the state of a run that did not finish."""
    folder = Path(path)
    if not folder.is_dir():
        return False
    try:
        return bool(output_files(folder, "corpus")) or (folder / STATE).is_dir()
    except OutputError:  # a damaged manifest: a run folder when a corpus is there (`load_run` says what is wrong)
        return any(folder.glob("corpus*"))


def load_run(path: str | Path) -> Run:
    """Read the run folder at `path`; raises `RunError` with a one-line message when it is not one."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise RunError(f"{folder}: is a file, not a `cleaner run` output folder")
    if not folder.is_dir():
        raise RunError(f"{folder}: no such folder")
    try:
        files = {name: output_files(folder, name) for name in RUN_OUTPUTS}
    except OutputError as exc:
        raise RunError(str(exc)) from None
    if (folder / STATE).is_dir():
        raise RunError(f"{folder}: a `cleaner run` that did not finish (its state is in {STATE}/"
                       f"{_beside(folder, files)}); the same command again goes on from where it stopped")
    unwritten = [f"{name}.jsonl" for name, paths in files.items() if not paths]
    lost = [p.name for paths in files.values() for p in paths if not p.is_file()]  # listed by the manifest
    if unwritten:
        raise RunError(f"{folder}: not a `cleaner run` output folder (missing {', '.join(unwritten)})")
    if lost:
        raise RunError(f"{folder}: missing {', '.join(lost)}, which its manifest.json lists among the run's outputs")
    try:
        raw: dict[str, str] = {}
        pages: set[str] = set()
        for record in read_output(folder, "raw"):  # one pass: a page's raw record holds its HTML, not kept
            raw[record["id"]] = record["text"]
            if isinstance(record.get("html"), str):
                pages.add(record["id"])
        seen: set[str] = set()
        return Run(
            corpus=list(read_output(folder, "corpus", lambda record: once(record, seen)
                                    or edits_problem(record, raw.get(record["id"])))),
            raw=raw,
            pages=frozenset(pages),
            rejects=list(read_output(folder, "rejects")),
            clusters=list(read_output(folder, "clusters", cluster_problem)),
            report=read_report(folder),
            name=real(folder).name,
        )
    except OutputError as exc:
        raise RunError(str(exc)) from None


REPORT_COUNTS = ("read", "kept", "raw_chars", "clean_chars")
"""The counts of `report.json` the review reads (the page's summary says the characters removed from the raw ones)."""


def read_report(folder: Path) -> dict[str, Any]:
    """`folder/report.json`, or {} when there is none; `OutputError` naming it when it is not JSON, not an object, or
    holds a field the review and `diff` read of another type (`report_problem`)."""
    path = folder / "report.json"
    if not path.is_file():
        return {}
    report = parse_record(path.read_bytes(), str(path))
    if problem := report_problem(report):
        raise OutputError(f"{path}: not a report of cleaner's ({problem})")
    return report


def report_problem(report: dict[str, Any]) -> str | None:
    """What makes the fields of `report` that are read impossible to use (None when nothing does): a count of
    `REPORT_COUNTS` that is not a whole number from 0, `clean_chars` missing or over `raw_chars`, `rules` not an
    object. Such a report gave `diff --rule` a traceback and the page `NaN of x characters removed`."""
    if key := next((k for k in REPORT_COUNTS if k in report and not _count(report[k])), None):
        return f"{key!r} is not a count"
    if "raw_chars" in report and not 0 <= report.get("clean_chars", -1) <= report["raw_chars"]:
        return "'clean_chars' is missing or over 'raw_chars'"
    if not isinstance(report.get("rules", {}), dict):
        return "'rules' is not an object"
    return None


def _count(value: Any) -> bool:
    """Whether `value` is a whole number from 0 (true and false are none)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _beside(folder: Path, files: dict[str, list[Path]]) -> str:
    """What the outputs beside an unfinished run's state are, for its message: with a manifest, left as it was stopped,
    an earlier run's (a run that starts over removes them as it begins: stopped before then) or its own (stopped once
    written, its state not yet removed), which go as it goes on (`runner.clear_outputs`); the start of its own; or
    none."""
    if (folder / MANIFEST).is_file():
        return ("; the outputs beside it, with their manifest, were left as it was stopped (an earlier run's, or its "
                "own), and go as it goes on")
    return "; the outputs beside it are not whole" if any(files.values()) else ""


def once(record: dict[str, Any], seen: set[str]) -> str | None:
    """What is wrong with a corpus `record` whose id an earlier one had (`seen`, the ids so far): a run writes each
    kept id once, so the file was added to (it was counted and listed twice)."""
    if record["id"] in seen:
        return f"a second corpus record of {record['id']!r} (a run writes each kept id once)"
    seen.add(record["id"])
    return None


EDIT_KEYS = ("start", "end", "rule", "kind")
"""The keys of an edit that the review reads (an `Edit` gives `kind` a default, cleaner always writes it)."""
_EDITS = TypeAdapter(list[Edit])


def edits_problem(record: dict[str, Any], raw: str | None) -> str | None:
    """What makes the edits of a corpus `record` impossible to show on its `raw` text (None when nothing
    does): no raw text; an edit without a key of `EDIT_KEYS`, or not an `Edit` taken strictly (offsets
    that are integers, 0 <= start <= end; a string rule; a known kind); edits past the end of the raw text
    or overlapping (`replay`)."""
    if raw is None:
        return f"{record['id']!r} is not among the run's raw records, so its edits cannot be shown"
    for n, edit in enumerate(record["edits"], start=1):
        if isinstance(edit, dict) and (key := next((k for k in EDIT_KEYS if k not in edit), None)):
            return f"not a corpus record of cleaner's (edit {n}: no {key!r})"
    try:
        replay(raw, _EDITS.validate_python(record["edits"], strict=True))
    except ValidationError as exc:
        error = exc.errors()[0]
        n, *key = error["loc"]
        what = error["msg"].removeprefix("Value error, ")
        where = f"edit {n + 1} {key[0]!r}" if key else f"edit {n + 1}"
        return f"not a corpus record of cleaner's ({where}: {what[0].lower()}{what[1:]})"
    except ValueError as exc:
        return f"its edits do not fit its raw text: {exc}"
    return None


def cluster_problem(record: dict[str, Any]) -> str | None:
    """What makes a clusters `record` impossible to show (None when nothing does): a member that is not an id,
    `similarities` that are not [id, id, number] triples, a `kept_in_index` that is not true or false. Such a
    record ended the page's build in a traceback, or broke the page."""
    if not all(isinstance(member, str) for member in record["members"]):
        return "not a clusters record of cleaner's ('members' holds something that is not an id)"
    triples = record.get("similarities", [])
    if not isinstance(triples, list) or not all(
            isinstance(t, list) and len(t) == 3 and isinstance(t[0], str) and isinstance(t[1], str)
            and isinstance(t[2], (int, float)) and not isinstance(t[2], bool) for t in triples):
        return "not a clusters record of cleaner's ('similarities' is not a list of [id, id, similarity])"
    if not isinstance(record.get("kept_in_index", False), bool):
        return "not a clusters record of cleaner's ('kept_in_index' is not true or false)"
    return None
