"""Parquet: one document a row, streamed row group by row group, batch by batch (never the whole file).

Columns map as JSONL fields do (`config.id_field`, `config.text_field` or `html`, `url`, `source`,
`lang`; the others go to `meta`), once read as `writers.parquet_record` reads a cleaner output's row
(its JSON-text columns decoded), so a Parquet corpus read back gives what the JSONL corpus gives. A
file without a text or html column, or with two columns of one name, is one `bad_input` rejection naming
its columns and row count; an unreadable file is one rejection naming the last row read, if any.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import Config
from ..report import counted
from .names import name_stem, name_text
from .records import Item, bad, record_document
from .writers import parquet_record

BATCH_ROWS = 1024


def read_parquet(path: Path, config: Config, batch_rows: int = BATCH_ROWS) -> Iterator[Item]:
    """Every row of a Parquet file, in order; row numbers in details start at 1."""
    row, where, stem = 0, name_text(path), name_stem(path)
    try:
        fh = path.open("rb")  # not the name: pyarrow opens a name as UTF-8, whatever the locale
    except OSError as exc:
        yield bad(None, f"{where}: {exc.strerror or exc}")
        return
    try:
        with fh, pq.ParquetFile(fh) as pf:
            columns = pf.schema_arrow.names
            if config.text_field not in columns and "html" not in columns:
                yield bad(None, f"{where}: no {config.text_field!r} or 'html' column (columns: {', '.join(columns)}); "
                          f"{counted(pf.metadata.num_rows, 'row')} not read")
                return
            if twice := sorted({name for name in columns if columns.count(name) > 1}):  # a row holds one value a name
                yield bad(None, f"{where}: more than one column named {', '.join(map(repr, twice))}; "
                          f"{counted(pf.metadata.num_rows, 'row')} not read")
                return
            for group in range(pf.num_row_groups):  # one row group at a time: pyarrow would read ahead
                for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group]):
                    for record in _rows(batch):
                        row += 1
                        yield record_document(parquet_record(record), f"{where}:row {row}", f"{stem}:{row}", config)
    except (OSError, pa.ArrowException) as exc:  # "after row 0" read as if part of the file was: none was
        yield bad(None, f"{where}: unreadable Parquet after row {row}: {exc}" if row else
                  f"{where}: not a readable Parquet file: {exc}")


_UNHELD = (ValueError, OverflowError, KeyError)
"""What pyarrow raises for a value Python cannot hold (a time zone it does not know is a KeyError)."""


def _rows(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    """The rows of a batch as Python mappings; a column Python cannot hold as it is goes through `_values`."""
    try:
        return batch.to_pylist()
    except _UNHELD:
        columns = [_values(column) for column in batch.columns]
        return [dict(zip(batch.schema.names, row)) for row in zip(*columns)]


def _values(column: pa.Array) -> list[Any]:
    """A column's values in Python. What Python cannot hold ended the run in a traceback: nanoseconds
    (pyarrow wants pandas for them) are cut to microseconds, and a date or time past Python's range (year
    9999) is Arrow's text of it (`<value out of range: …>`); what Arrow cannot write either (a time
    zone it does not know) raises its `ArrowException`."""
    kind = column.type
    if getattr(kind, "unit", None) == "ns":
        micro = (pa.timestamp("us", kind.tz) if pa.types.is_timestamp(kind) else
                 pa.time64("us") if pa.types.is_time64(kind) else pa.duration("us"))
        column = column.cast(micro, safe=False)
    try:
        return column.to_pylist()
    except _UNHELD:
        import pyarrow.compute as pc  # not loaded with pyarrow.parquet: only for such a column

        return [_value(value, text) for value, text in zip(column, pc.cast(column, pa.string()))]


def _value(value: pa.Scalar, text: pa.Scalar) -> Any:
    """One value in Python, or `text` (Arrow's) when Python cannot hold it."""
    try:
        return value.as_py()
    except _UNHELD:
        return text.as_py()
