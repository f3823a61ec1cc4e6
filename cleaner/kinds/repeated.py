"""`repeated`: the lines `cleaner run` learned as boilerplate of the document's source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from ..boilerplate import boilerplate_lines, learning_keys
from ..edits import REPEATED_RULE
from ..view import Hit, View
from .base import Context, run_hits


@dataclass(frozen=True)
class RepeatedRule:
    """Removes the lines of a document that `learned` (unit keys, see `cleaner.boilerplate`) calls
    boilerplate of its source (or headlines of its source on its `published` day); consecutive ones
    go as one span, each span names the source.

    Not a pack kind: its lines come from the corpus, not from YAML (`cleaner rules suggest` turns
    them into `line`, `block`, `truncate` and `regex` rules a reviewer can keep)."""

    learned: frozenset[int]
    published: str | None = None
    """The document's `published` date: with a day, the headlines of that day are looked for too."""
    id: str = REPEATED_RULE
    kind: str = "repeated"
    requires: tuple[str, ...] = ()
    phase: ClassVar[int] = 1
    """Run with the named rules (see `Rule.phase`)."""

    def applies(self, ctx: Context) -> bool:
        """Only documents with a source (URL host or `source` field) have learned boilerplate."""
        return ctx.host is not None

    def find(self, view: View, ctx: Context) -> Iterator[Hit]:
        """Yield each run of boilerplate lines (blank lines between them included) as one hit."""
        if not self.learned or ctx.host is None:
            return
        lines = view.lines
        found = boilerplate_lines(ctx.host, learning_keys(view), self.learned, [line.text for line in lines],
                                  self.published, ctx.timeout)
        for hit in run_hits(view, found):
            yield hit._replace(source=ctx.host)
