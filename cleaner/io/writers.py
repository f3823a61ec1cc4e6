"""Writing JSON lines to a file (atomically: a temporary file renamed into place) or to stdout."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO


def dumps(record: dict[str, Any]) -> str:
    """One JSON line, non-ASCII kept as is; keys keep their order so equal input gives equal bytes."""
    return json.dumps(record, ensure_ascii=False)


class JsonlWriter:
    """A context manager writing one JSON object a line; `-` is stdout. The file appears only on success.

    With `keep_empty=False` a file that got no record is not created.
    A lone surrogate (which UTF-8 cannot hold) is written as its JSON escape, so the line stays valid.
    """

    def __init__(self, path: str | Path, keep_empty: bool = True):
        self.path = str(path)
        self.keep_empty = keep_empty
        self.count = 0
        self._fh: TextIO | None = None
        self._tmp: str | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == "-":
            sys.stdout.reconfigure(errors="backslashreplace")
            self._fh = sys.stdout
        else:
            target = Path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, self._tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            self._fh = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
        return self

    def write(self, record: dict[str, Any]) -> None:
        """Write one record."""
        assert self._fh is not None
        self._fh.write(dumps(record) + "\n")
        self.count += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        assert self._fh is not None
        if self._tmp is None:
            self._fh.flush()
            return
        self._fh.close()
        if exc_type is None and (self.count or self.keep_empty):
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)
