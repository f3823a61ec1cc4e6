"""File names as text that is the same on every machine, whatever the locale."""

from __future__ import annotations

import os
from pathlib import PurePath


def name_text(path: str | os.PathLike[str]) -> str:
    """`path` as text made from its bytes read as UTF-8 (a byte that is not UTF-8 stays a surrogate escape, as
    on a UTF-8 machine), not in the locale's encoding: the ids, details and order made from file names are the
    same under `LC_ALL=en_US.ISO-8859-1` as under a UTF-8 locale, where `café.txt` gave the id `cafÃ©`."""
    return os.fsencode(path).decode("utf-8", "surrogateescape")


def name_stem(path: str | os.PathLike[str]) -> str:
    """The stem of `path` (`news` for `data/news.txt`) as `name_text` reads it: the id of a file's document."""
    return PurePath(name_text(path)).stem
