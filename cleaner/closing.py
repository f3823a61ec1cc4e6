"""`with` support for the objects that hold a file open (index, deduplicator, pipeline)."""

from __future__ import annotations

from typing import Self


class Closing:
    """Mixin: `with obj:` closes `obj` at the end; subclasses define `close()`."""

    def close(self) -> None:
        """Release what the object holds."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
