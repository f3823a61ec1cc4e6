"""Reading back what `cleaner run` wrote, whatever its output options: plain, `.gz` or `.zst` JSONL,
Parquet, one file or shards. The manifest names the files; a folder without one (an older run, or
files put there by hand) is read from `NAME.jsonl`."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .writers import parquet_record


STATE = ".cleaner"
"""The folder inside a run's output folder that holds its state until it finishes."""


class OutputError(ValueError):
    """An output file that cannot be read back; the message names the file (and line)."""


def output_files(folder: Path, name: str) -> list[Path]:
    """The files of output `name` (`corpus`, `raw`, `rejects`, `clusters`) in `folder`, in order."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    if manifest is not None:
        pattern = re.compile(rf"{re.escape(name)}(-\d{{5}})?\.(jsonl(\.gz|\.zst)?|parquet)")
        return [folder / o["file"] for o in manifest.get("outputs", []) if pattern.fullmatch(o["file"])]
    plain = folder / f"{name}.jsonl"
    return [plain] if plain.is_file() else []


def read_output(folder: Path, name: str) -> Iterator[dict[str, Any]]:
    """Every record of output `name`, in file order."""
    for path in output_files(folder, name):
        yield from read_records(path)


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one output file, by its suffix."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches():
            for row in batch.to_pylist():
                yield parquet_record(row)
        return
    opener = {".gz": gzip.open, ".zst": _zst_open}.get(path.suffix, open)
    with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise OutputError(f"{path}:{n}: not JSON ({exc.msg})") from None


def _zst_open(path: Path, mode: str):
    import zstandard

    return zstandard.ZstdDecompressor().stream_reader(open(path, mode), closefd=True)
