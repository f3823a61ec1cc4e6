"""Reading back what `cleaner run` wrote, whatever its output options: plain, `.gz` or `.zst` JSONL,
Parquet, one file or shards. The manifest names the files; a folder without one (an older run, or
files put there by hand) is read from `NAME.jsonl`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .jsonl import open_jsonl
from .records import json_type
from .writers import parquet_record

STATE = ".cleaner"
"""The folder inside a run's output folder that holds its state until it finishes."""


class OutputError(ValueError):
    """An output file that cannot be read back; the message names the file (and line)."""


def output_file_pattern(*names: str) -> re.Pattern[str]:
    """The file names of the outputs `names` in any form a run writes them (`ShardedOutput`): one file or shards
    (`-00003`: five digits, more from shard 100,000 on), JSONL (`.gz`, `.zst`) or Parquet."""
    return re.compile(rf"(?:{'|'.join(map(re.escape, names))})(?:-\d{{5,}})?\.(?:parquet|jsonl(?:\.gz|\.zst)?)")


def output_files(folder: Path, name: str) -> list[Path]:
    """The files of output `name` (`corpus`, `raw`, `rejects`, `clusters`) in `folder`, in order;
    `OutputError` for a damaged manifest (`run_manifest`)."""
    manifest = run_manifest(folder)
    if manifest is not None:
        pattern = output_file_pattern(name)
        return [folder / o["file"] for o in manifest.get("outputs", []) if pattern.fullmatch(o["file"])]
    plain = folder / f"{name}.jsonl"
    return [plain] if plain.is_file() else []


def run_manifest(folder: Path) -> dict[str, Any] | None:
    """`folder/manifest.json`, or None when there is none; `OutputError` naming it when it is not a
    manifest as cleaner writes it: not JSON, not an object, `outputs` not a list of objects each naming
    a `file`, or `rules` not a list of [file name, SHA-256] pairs."""
    path = folder / "manifest.json"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: unreadable ({exc.strerror or exc})") from None
    manifest = parse_record(data, str(path))
    outputs, rules = manifest.get("outputs"), manifest.get("rules", [])  # every manifest cleaner writes lists them
    if not (isinstance(outputs, list) and all(isinstance(o, dict) and isinstance(o.get("file"), str) for o in outputs)):
        raise OutputError(f"{path}: not a manifest of cleaner's ('outputs' is not a list of files)")
    if not (isinstance(rules, list) and all(isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r)
                                            for r in rules)):
        raise OutputError(f"{path}: not a manifest of cleaner's ('rules' is not a list of [file, SHA-256] pairs)")
    return manifest


REQUIRED = {
    "corpus": {"id": str, "text": str, "edits": list},
    "raw": {"id": str, "text": str},
    "rejects": {"stage": str, "reason": str},
    "clusters": {"kept": str, "members": list},
}
"""The fields each output's records must hold, and their types: what reading a run back relies on (a run
writes every id as text: an input's `5` is `"5"`)."""
OPTIONAL = {
    "corpus": {"lang": str, "lang_score": (int, float), "title": str, "source": str, "url": str},
    "rejects": {"id": str, "detail": str, "dup_of": str, "similarity": (int, float), "lang": str,
                "lang_score": (int, float)},
}
"""The types of fields an output's records may hold (or hold as null) that reading a run back relies on."""


def read_output(folder: Path, name: str,
                check: Callable[[dict[str, Any]], str | None] | None = None) -> Iterator[dict[str, Any]]:
    """Every record of output `name`, in file order; `OutputError` for a file that cannot be read back,
    a record without the fields `REQUIRED` names, or one `check` finds a problem with (what it returns)."""
    for path in output_files(folder, name):
        for where, record in read_records(path):
            missing = [key for key, kind in REQUIRED.get(name, {}).items() if not isinstance(record.get(key), kind)]
            missing += [key for key, kind in OPTIONAL.get(name, {}).items()
                        if not isinstance(record.get(key), (kind, type(None)))]
            if missing:
                raise OutputError(f"{where}: not a {name} record of cleaner's (no {missing[0]!r} of the right type)")
            if check is not None and (problem := check(record)):
                raise OutputError(f"{where}: {problem}")
            yield record


def read_records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The records of one output file, by its suffix, each with where it is (`file:line`, `file:row`);
    `OutputError` naming the file for one that is damaged (truncated, not UTF-8, not JSONL of objects,
    not Parquet)."""
    try:
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            n = 0
            for batch in pq.ParquetFile(path).iter_batches():
                for row in batch.to_pylist():
                    n += 1
                    yield f"{path}:row {n}", parquet_record(row)  # as a row read as input is named
            return
        with open_jsonl(path) as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield f"{path}:{n}", parse_record(line, f"{path}:{n}")
    except OutputError:
        raise
    except (OSError, EOFError, ValueError, *_library_errors()) as exc:  # a truncated or damaged file
        raise OutputError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None


def parse_record(data: bytes, where: str) -> dict[str, Any]:
    """One JSON object from `data` (a line of an output, or `report.json`); `OutputError` naming
    `where` when it is not UTF-8, not JSON or not an object."""
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise OutputError(f"{where}: not UTF-8 (byte {exc.start + 1} of the line)") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise OutputError(f"{where}: not JSON ({getattr(exc, 'msg', 'nested too deeply')})") from None
    if not isinstance(record, dict):
        raise OutputError(f"{where}: not a record ({json_type(record)}, not an object)")
    return record


def _library_errors() -> tuple[type[Exception], ...]:
    """The errors of the Parquet reader that are no OSError or ValueError (pyarrow is imported by then:
    the file being read was opened with it)."""
    return (sys.modules["pyarrow"].lib.ArrowException,) if "pyarrow" in sys.modules else ()
