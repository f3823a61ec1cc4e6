"""File names as text that is the same on every machine, whatever the locale."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path, PurePath


def real(path: str | os.PathLike[str]) -> Path:
    """`path` absolute, its links followed as far as they go: a link loop stays as it is (`Path.resolve` raises a
    RuntimeError on one in Python 3.11, which ended `clean` and `run` in a traceback when an input or an output was
    one), and is read or written later as the error it is."""
    return Path(os.path.realpath(path))


Identity = Path | tuple[int, int]
"""What makes a path one file (`identity`)."""


def identity(path: str | os.PathLike[str]) -> Identity:
    """What makes `path` one file: its device and inode, so that a hard link to a file is that file, as a symbolic
    link is by its `real` path (the identity of a file that cannot be read: a link loop, a file removed)."""
    try:
        found = os.stat(path)
    except OSError:
        return real(path)
    return found.st_dev, found.st_ino


def loops(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is a link that leads back to itself (a loop), not to a file or to nothing."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def name_text(path: str | os.PathLike[str]) -> str:
    """`path` as text made from its bytes read as UTF-8 (a byte that is not UTF-8 stays a surrogate escape, as
    on a UTF-8 machine), not in the locale's encoding: the ids, details and order made from file names are the
    same under `LC_ALL=en_US.ISO-8859-1` as under a UTF-8 locale, where `café.txt` gave the id `cafÃ©`."""
    return os.fsencode(path).decode("utf-8", "surrogateescape")


def name_stem(path: str | os.PathLike[str]) -> str:
    """The stem of `path` (`news` for `data/news.txt`) as `name_text` reads it: the id of a file's document."""
    return PurePath(name_text(path)).stem


def base_stem(name: str) -> str:
    """A file's name (as `name_text` gives it) without its compression and format extensions, as a Parquet file's
    or a page's stem: `news.2024-05-01` for `news.2024-05-01.jsonl.gz`, `crawl` for `crawl.warc.gz`; where a
    record without an id of its own was, it names it (`records.record_id`)."""
    name = PurePath(name).name
    for ext in (".gz", ".zst"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
    return PurePath(name).stem


class Listed(type(Path())):  # type: ignore[misc]  # Path's concrete class (PosixPath): Path itself cannot be subclassed
    """A file a folder or a glob lists, which knows how many of its leading parts name that folder or the glob's
    fixed folder (`depth`): what is below them names its document (`file_id`); or a file whose id another file
    read with it would share, given one of its own. `ident`: its id once `distinct_ids` has worked it out."""

    depth: int = 0
    ident: str | None = None


def listed(path: str | os.PathLike[str], depth: int, ident: str | None = None) -> Listed:
    """`path` as a `Listed` file below its first `depth` parts (with the id `ident`, when given)."""
    found = Listed(path)
    found.depth, found.ident = depth, ident
    return found


def file_id(path: str | os.PathLike[str]) -> str:
    """The id of a `.txt` or `.html` file's document: its stem (`news` for `data/news.txt`), or for a file a folder
    or a glob lists its path below that folder without the extension, so that `site/a/index.html` and
    `site/b/index.html` read as the folder `site` are `a/index` and `b/index`, not two `index`; or the id
    `distinct_ids` gave it."""
    if not isinstance(path, Listed):
        return name_stem(path)
    if path.ident is not None:
        return path.ident
    *folders, name = PurePath(name_text(path)).parts[path.depth:] or (name_text(path),)
    return "/".join([*folders, PurePath(name).stem])


def whole_name_id(path: str | os.PathLike[str]) -> str:
    """`file_id` with the file's whole name, extensions and all: the id of a file no reader takes, so that
    `a.jsonl.bz2` and `a.jsonl.xz` are not two `a.jsonl`."""
    return str(PurePath(file_id(path)).with_name(PurePath(name_text(path)).name))


def distinct_ids(files: list[Path]) -> list[Path]:
    """`files` (each read as one document), those whose `file_id` another of them shares given one of their own:
    files of one folder keep their extension (`a/x.txt` and `a/x.html`, not two `a/x`), and files of other folders
    are named by their path below the common parent of these folders and of those their ids were below
    (`one/index.html two/index.html` give `one/index` and `two/index`), again until no two ids are alike. A file
    whose id no other shares keeps it. The ids depend on the files alone, not on their order nor on how their
    paths are spelt, so a resumed run and both engines give the same. A file a folder or a glob lists carries its
    id from here on (`Listed.ident`, set in place: worked out once, not again by its reader)."""
    ids = [file_id(path) for path in files]
    renamed: dict[int, _Name] = {}
    while clashes := [group for group in _by_id(ids) if len(group) > 1]:
        for group in clashes:
            names = [renamed.setdefault(k, _Name(files[k])) for k in group]
            folders = {name.folder for name in names}
            base = os.path.commonpath([*folders, *(name.base for name in names)]) if len(folders) > 1 else None
            for k, name in zip(group, names):
                ids[k] = name.rename(base)
    for k, path in enumerate(files):
        if isinstance(path, Listed) and k not in renamed:
            path.ident = ids[k]
    return [renamed[k].path if k in renamed else path for k, path in enumerate(files)]


def _by_id(ids: list[str]) -> Iterator[list[int]]:
    """The positions of `ids`, grouped by id."""
    groups: dict[str, list[int]] = {}
    for k, one in enumerate(ids):
        groups.setdefault(one, []).append(k)
    return iter(groups.values())


class _Name:
    """A file's id as `distinct_ids` makes it: its path below the folder `base` (absolute), with its extension or
    not."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.absolute = name_text(os.path.abspath(path))
        self.folder = os.path.dirname(self.absolute)
        self.base = str(PurePath(self.absolute).parents[len(PurePath(file_id(path)).parts) - 1])  # its id's last parts
        self.suffix = False

    def rename(self, base: str | None) -> str:
        """Name the file below `base`, or with its extension when None (another file of its folder has its id)."""
        self.base, self.suffix = base or self.base, self.suffix or base is None
        *folders, name = PurePath(self.absolute).relative_to(self.base).parts
        ident = "/".join([*folders, name if self.suffix else PurePath(name).stem])
        depth = self.path.depth if isinstance(self.path, Listed) else len(self.path.parts) - 1
        self.path = listed(self.path, depth, ident)
        return ident
