"""Progress of a long run on stderr: a rich bar on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING

from .report import counted, per_second

if TYPE_CHECKING:
    from rich.progress import Progress


class RunProgress:
    """`update(docs, chars)` as documents are done. `total` documents (None: unknown) give the bar and the ETA.

    Modes: `bar` (rich, for a terminal), `log` (a line every `every` seconds, for logs and CI) or `quiet`.
    """

    def __init__(self, label: str, total: int | None = None, mode: str | None = None, every: float = 10.0):
        self.label, self.total, self.every = label, total, every
        self.mode = mode or ("bar" if sys.stderr.isatty() else "log")
        self.docs = 0
        self.chars = 0
        """Raw characters of the documents on the bar and the line, a resumed run's done before this process too
        (`start_at`)."""
        self.before = 0
        """Documents a resumed run had done before this process (`start_at`): on the bar and the line, not in the
        rate."""
        self.start = self._last = time.monotonic()
        self._first: tuple[float, int] | None = None
        """When the first documents came, and how many: the ETA's rate counts from there, not from a pool's start."""
        self._bar: Progress | None = None

    def __enter__(self) -> RunProgress:
        if self.mode == "bar":  # rich only here: ~45 ms of imports that a run in a log or a pipe never uses
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            # on stderr, as every message of a run: rich's own console is stdout's, where `run … | head -1` ended the
            # run at the reader's going (rich's exit 1, without a word) and `run … > log` took the bar's lines
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                                 TextColumn("{task.fields[docs]:,} docs  {task.fields[mb]:.1f} M chars  "
                                            "{task.fields[rate]} docs/s"),
                                 TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), transient=True,
                                 console=Console(stderr=True))
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, docs=0, mb=0.0, rate=per_second(0))
        return self

    @property
    def rate(self) -> float:
        """Documents per second so far (the bar's rate)."""
        return self.docs / max(time.monotonic() - self.start, 1e-9)

    def update(self, docs: int, chars: int) -> None:
        """Count `docs` more documents of `chars` raw characters."""
        self.docs += docs
        self.chars += chars
        if self._first is None:
            self._first = (time.monotonic(), self.docs)
        done = self.before + self.docs
        if self._bar is not None:
            self._bar.update(self._task, completed=done, docs=done, mb=self.chars / 1e6, rate=per_second(self.rate))
        elif self.mode == "log" and time.monotonic() - self._last >= self.every:
            self._last = time.monotonic()
            pace = self._pace()
            rate = f", {per_second(pace)} docs/s" if pace else ""
            eta = f", ETA {max((self.total - self.docs) / pace, 0):,.0f} s" if pace and self.total else ""
            self.log(f"{counted(done, 'document')}, {self.chars / 1e6:.1f} M characters{rate}{eta}")

    def _pace(self) -> float | None:
        """Documents per second since the first documents came (None before more came), the line's rate and its
        ETA's: counted from the run's start, the workers' start (models loaded, the first batch's round trip) made the
        first line's ETA 10,665 s for a 58 s run, and its rate 0.059 docs/s (then 150); a line before has neither."""
        if self._first is None or self.docs == self._first[1]:
            return None
        since, docs = self._first
        return (self.docs - docs) / max(time.monotonic() - since, 1e-9)

    def start_at(self, docs: int, total: int | None, chars: int = 0) -> None:
        """Set the total, with `docs` of it already done (a resumed run), of `chars` raw characters: the rate counts
        only new work, the characters those documents' too (they counted this process's alone, beside every document
        done: `1,024 documents, 1.3 M characters` where a run that never stopped said 2.6 M)."""
        self.before, self.chars = docs, chars
        if self._bar is not None:  # no speed sample
            self._bar.reset(self._task, total=total, completed=docs, docs=docs, mb=chars / 1e6, rate=per_second(0))
        self.total = None if total is None else total - docs

    def log(self, message: str) -> None:
        """A plain line on stderr, unless quiet."""
        if self._bar is not None:
            self._bar.console.print(f"{self.label}: {message}")
        elif self.mode != "quiet":
            print(f"{self.label}: {message}", file=sys.stderr, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
