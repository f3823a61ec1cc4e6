"""File names as text that is the same on every machine, whatever the locale."""

from __future__ import annotations

import os
from pathlib import Path, PurePath


def name_text(path: str | os.PathLike[str]) -> str:
    """`path` as text made from its bytes read as UTF-8 (a byte that is not UTF-8 stays a surrogate escape, as
    on a UTF-8 machine), not in the locale's encoding: the ids, details and order made from file names are the
    same under `LC_ALL=en_US.ISO-8859-1` as under a UTF-8 locale, where `café.txt` gave the id `cafÃ©`."""
    return os.fsencode(path).decode("utf-8", "surrogateescape")


def name_stem(path: str | os.PathLike[str]) -> str:
    """The stem of `path` (`news` for `data/news.txt`) as `name_text` reads it: the id of a file's document."""
    return PurePath(name_text(path)).stem


class Listed(type(Path())):  # type: ignore[misc]  # Path's concrete class (PosixPath): Path itself cannot be subclassed
    """A file a folder or a glob lists, which knows how many of its leading parts name that folder or the glob's
    fixed folder (`depth`): what is below them names its document (`file_id`)."""

    depth: int = 0


def listed(path: str | os.PathLike[str], depth: int) -> Listed:
    """`path` as a `Listed` file below its first `depth` parts."""
    found = Listed(path)
    found.depth = depth
    return found


def file_id(path: str | os.PathLike[str]) -> str:
    """The id of a `.txt` or `.html` file's document: its stem (`news` for `data/news.txt`), or for a file a folder
    or a glob lists its path below that folder without the extension, so that `site/a/index.html` and
    `site/b/index.html` read as the folder `site` are `a/index` and `b/index`, not two `index`."""
    if not isinstance(path, Listed):
        return name_stem(path)
    *folders, name = PurePath(name_text(path)).parts[path.depth:] or (name_text(path),)
    return "/".join([*folders, PurePath(name).stem])
