"""Parquet: one document a row, streamed row group by row group, batch by batch (never the whole file).

Columns map as JSONL fields do (`config.id_field`, `config.text_field` or `html`, `url`, `source`,
`lang`; the others go to `meta`), once read as `writers.parquet_record` reads a cleaner output's row
(its JSON-text columns decoded), so a Parquet corpus read back gives what the JSONL corpus gives. A
file without a text or html column is one `bad_input` rejection naming its columns and row count; an
unreadable file is one rejection naming the last row read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import Config
from .records import Item, bad, record_document
from .writers import parquet_record

BATCH_ROWS = 1024


def read_parquet(path: Path, config: Config, batch_rows: int = BATCH_ROWS) -> Iterator[Item]:
    """Every row of a Parquet file, in order; row numbers in details start at 1."""
    row = 0
    try:
        with pq.ParquetFile(path) as pf:
            columns = pf.schema_arrow.names
            if config.text_field not in columns and "html" not in columns:
                yield bad(None, f"{path}: no {config.text_field!r} or 'html' column (columns: {', '.join(columns)}); "
                          f"{pf.metadata.num_rows:,} rows not read")
                return
            for group in range(pf.num_row_groups):  # one row group at a time: pyarrow would read ahead
                for batch in pf.iter_batches(batch_size=batch_rows, row_groups=[group]):
                    for record in batch.to_pylist():
                        row += 1
                        yield record_document(parquet_record(record), f"{path}:row {row}", f"{path.stem}:{row}", config)
    except (OSError, pa.ArrowException) as exc:
        yield bad(None, f"{path}: unreadable Parquet after row {row}: {exc}")
