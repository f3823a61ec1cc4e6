"""Reading inputs into `Document`s; a record that cannot be read becomes a `Rejected`, never an exception.

An input is a file, a folder (read recursively, files in sorted path order, names starting with a dot left out), a
glob (expanded here, sorted, so a quoted `'dumps/*.warc.gz'` works), or `-` (stdin). Each file is read by its extension,
or by `input_format` when it is not `auto`:

| format | extensions | one document is |
|---|---|---|
| `txt` | `.txt` | the file (id = its stem; in a folder or a glob's, its path below it: `names.file_id`; `names.distinct_ids`) |
| `html` | `.html`, `.htm` | the page (id as for `txt`, `html` set, text extracted later) |
| `jsonl` | `.jsonl`, `.ndjson`, with `.gz` or `.zst` | a line |
| `parquet` | `.parquet` | a row, read batch by batch |
| `warc` | `.warc`, `.wet`, with `.gz` | an HTML response or a WET conversion record |

stdin is JSONL (a page or a WARC file there one rejection saying so: `jsonl.other_format`), or one `txt`/`html`
document with `input_format`. The order is deterministic: inputs as given, folder and glob entries sorted, records in
file order.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..config import Config, ConfigError
from ..models import Rejected
from .files import read_html, read_path, read_text
from .jsonl import Line, decompressed, read_jsonl, read_jsonl_file
from .names import Identity, Listed, distinct_ids, file_id, identity, listed, loops, name_text, real, whole_name_id
from .records import Item, ReadStats, bad

FORMATS = ("auto", "txt", "html", "jsonl", "parquet", "warc")
"""The values of `--input-format`."""

EXTENSIONS = {
    ".txt": "txt",
    ".html": "html", ".htm": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl", ".ndjson.gz": "jsonl", ".jsonl.zst": "jsonl",
    ".ndjson.zst": "jsonl",
    ".parquet": "parquet",
    ".warc": "warc", ".warc.gz": "warc", ".wet": "warc", ".wet.gz": "warc",
}


def read_inputs(
    inputs: Iterable[str | Path], config: Config, input_format: str = "auto", stats: ReadStats | None = None,
    lazy: bool = False,
) -> Iterator[Item | Line]:
    """Every record of every input, in order: a `Document`, or a `Rejected` saying what is wrong where.

    `stats`, when given, is filled as the iterator runs (files by format, skipped WARC records). With
    `lazy`, a JSONL record comes as its unparsed `Line` (`workers.prepare_many` parses it).
    """
    stats = stats if stats is not None else ReadStats()
    for source in named_sources(inputs, input_format):
        if source == "-":
            yield from _read_stdin(config, input_format, stats, lazy)
        elif isinstance(source, Path):
            yield from read_file(source, config, input_format, stats, lazy)
        else:
            yield source


def named_sources(inputs: Iterable[str | Path], input_format: str = "auto") -> list[Path | Rejected | str]:
    """`input_sources`, the files read as one document each (by `input_format`) named: those whose ids would be
    alike given ids of their own (`names.distinct_ids`). The ids depend on every input, so all are listed first."""
    sources = list(input_sources(inputs))
    whole = [k for k, source in enumerate(sources) if isinstance(source, Path) and _one_document(source, input_format)]
    for k, path in zip(whole, distinct_ids([sources[k] for k in whole])):
        sources[k] = path
    return sources


def _one_document(path: Path, input_format: str) -> bool:
    """Whether `path` is read as one document (`txt`, `html`), named by its file (`file_id`)."""
    return (format_of(path) if input_format == "auto" else input_format) in ("txt", "html")


def input_sources(inputs: Iterable[str | Path]) -> Iterator[Path | Rejected | str]:
    """The files the inputs name, in reading order (`input_paths`), `"-"` for stdin, each file (and stdin) once:
    one that an earlier input named too (`data/*.jsonl data/a.jsonl`, `- -`), or a link to a file read already,
    is a rejection saying so, not read again (every one of its records would be a `repeated_id`); not that the
    input was "earlier": `run` reads its inputs sorted, so the one named first on its command line may be the
    rejection (`run data/a.jsonl 'data/*.jsonl'` reads the glob first). Of the paths the inputs list to a file,
    the file itself is read, a link to it is the rejection, whatever their order and whichever input lists them:
    `run`, reading `d/sub/link.txt` before `d/x.txt`, kept the link's document where `clean` kept the file's."""
    names = list(map(str, inputs))
    found = {name: [(source, identity(source) if isinstance(source, Path) else None) for source in input_paths(name)]
             for name in names if name != "-"}
    read_as = _read_as([pair for pairs in found.values() for pair in pairs])
    seen: dict[Identity, tuple[Path, str]] = {}  # each file read, by its `identity`: as first named, and by which input
    stdin = False
    for name in names:
        if name == "-":  # read to its end once: named again, it was a second rejection, `holds no records`
            yield bad(None, "<stdin>: named by an earlier input too ('-' again): read once") if stdin else name
            stdin = True
            continue
        for source, where in found[name]:
            if where is None:
                yield source
                continue
            if where in seen:
                first, earlier = seen[where]
                why = (f"read for the input {name_text(earlier)!r}, also named by {name_text(name)!r}"
                       if first == source else f"the same file as {name_text(first)}, read already")
            elif read_as[where] != source:
                why = f"the same file as {name_text(read_as[where])}, which is read instead"
            else:
                seen[where] = source, name
                yield source
                continue
            yield bad(file_id(source), f"{name_text(source)}: {why}: read once")


def _read_as(found: list[tuple[Path | Rejected, Identity | None]]) -> dict[Identity, Path]:
    """The path each file the inputs list is read by, by its `identity` (`found`: each path and its identity): the
    first that is not a link, else the first; so a link is not read in the place of the file it leads to, which
    was then the rejection for coming after it in path order (`a_copy.txt` -> `story.txt`)."""
    chosen: dict[Identity, Path] = {}
    for source, where in found:
        if where is not None and (where not in chosen or (chosen[where].is_symlink() and not source.is_symlink())):
            chosen[where] = source
    return chosen


def input_paths(name: str) -> Iterator[Path | Rejected]:
    """The files one input (not stdin) names, in reading order, each once (a glob such as `data/**`
    matches folders and the files in them), or a `bad_input` rejection when it names none."""
    seen: set[Path | str] = set()
    for path in expand(name):
        if isinstance(path, Rejected):
            found: Iterable[Path | Rejected] = [path]
        elif path.is_dir():
            found = _folder(path)
        elif path.is_file():
            found = [path]
        elif path.exists() or path.is_symlink():
            found = [_not_a_file(path)]
        elif glob.has_magic(name):
            found = [bad(None, f"{name_text(name)}: no file matches")]
        else:
            found = [bad(None, f"{name_text(path)}: no such file or folder")]
        for source in found:
            key = source if isinstance(source, Path) else source.detail
            if key not in seen:
                seen.add(key)
                yield source


def _folder(folder: Path) -> Iterator[Path | Rejected]:
    """The files under `folder` in sorted path order, those whose names (or a folder's on their path) start with a
    dot left out as a glob leaves them (`_walk`); a subfolder that cannot be listed, a link to a folder (not followed:
    it may loop) and an entry that is not a file (a broken link, a FIFO, which would block the read) are rejections,
    not left out, and so is a folder with nothing else in it."""
    if holds_nothing(folder):
        yield bad(None, f"{name_text(folder)}: {EMPTY_FOLDER}")
        return
    found: list[tuple[Path, Rejected | None]] = []

    def unlisted(exc: OSError) -> None:
        found.append((Path(exc.filename), bad(None, f"{name_text(exc.filename)}: folder not read: {exc.strerror}")))

    depth = folder.depth if isinstance(folder, Listed) else len(folder.parts)  # a folder a glob lists: below the glob's
    for root, folders, files in _walk(folder, unlisted):
        found.extend((listed(Path(root, f), depth), None) for f in files)
        links = (listed(Path(root, f), depth) for f in folders if Path(root, f).is_symlink())
        found.extend((link, _link_to_folder(link)) for link in links)
    for path, rejected in sorted(found, key=lambda entry: Path(name_text(entry[0]))):
        yield rejected or (path if path.is_file() else _not_a_file(path))


EMPTY_FOLDER = "an empty folder, no file to read (names starting with a dot are left out)"
"""Why a folder that `holds_nothing` is a rejection."""


def holds_nothing(folder: Path) -> bool:
    """Whether `folder` holds nothing to read or to reject, at any depth: no file, no link, no subfolder that cannot
    be listed (each is a record or a rejection of `_folder`'s). It stops at the first thing found."""
    unlisted: list[OSError] = []
    for root, folders, files in _walk(folder, unlisted.append):
        if unlisted or files or any(Path(root, f).is_symlink() for f in folders):
            return False
    return not unlisted


def _walk(folder: Path, onerror: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(folder)` without the entries whose names start with a dot, files and folders, as a glob leaves them
    out: a folder read `.ipynb_checkpoints/story.txt`, whose copy made the user's `story` its `exact_duplicate`, and
    `.git/HEAD` or macOS's `._story.txt` were rejections, where `'d/**/*.txt'` read `story` alone."""
    for root, folders, files in os.walk(folder, onerror=onerror):
        folders[:] = [name for name in folders if not name.startswith(".")]  # in place: os.walk does not enter them
        yield root, folders, [name for name in files if not name.startswith(".")]


def _link_to_folder(path: Path) -> Rejected:
    """A link to a folder a folder or a glob lists, refused with the id a file there would have, as a broken link is
    (it had none: `(no id)`)."""
    return bad(file_id(path), f"{name_text(path)}: a link to a folder, not followed (give it as an input of its own)")


def _not_a_file(path: Path) -> Rejected:
    what = ("not a regular file (a FIFO, socket or device; pipe it to -)" if path.exists()
            else "a link loop" if loops(path) else "a broken link")
    return bad(file_id(path), f"{name_text(path)}: {what}")


def expand(name: str) -> list[Path | Rejected]:
    """The paths a glob matches, sorted (`**` crosses folders); a name that exists, or no glob, as is.

    As in a folder, links to folders are not followed (they may loop): `**` does not enter one (`_glob`), a match
    another part reached through one is left out, and the link is a rejection of its own, once, where following it
    would have matched something (Python's glob, which followed links, passed over one that matched nothing)."""
    if not glob.has_magic(name) or Path(name).exists():
        return [Path(name)]
    fixed = len(Path(_fixed_head(name)).parts)  # named as such
    out: list[Path | Rejected] = []
    links: set[Path] = set()
    linked = functools.cache(lambda path: path.is_symlink() and path.is_dir())  # a folder is asked once, not per match
    for match in map(Path, sorted(_glob(name), key=name_text)):
        through = next((Path(*match.parts[:k]) for k in range(fixed + 1, len(match.parts) + 1)
                        if linked(Path(*match.parts[:k]))), None)
        if through is None:
            out.append(listed(match, fixed))
        elif through not in links:
            links.add(through)
            out.append(_link_to_folder(listed(through, fixed)))
    return out or [Path(name)]


def _fixed_head(name: str) -> str:
    """The folder a glob starts in: what `name` names before its first glob part ("" for the current folder)."""
    prefix = name[: min(name.find(c) for c in "*?[" if c in name)]
    return prefix if prefix.endswith(("/", os.sep)) else os.path.dirname(prefix)


def _glob(name: str) -> list[str]:
    """What `glob.glob(name, recursive=True)` lists, but a `**` does not enter a link to a folder: it lists the link
    (for `expand` to reject) where glob, entering it, would have listed something, and goes on. Python's glob entered
    such links, and two links back to their folder (`d/x -> .`, `d/y -> .`) made `d/**/*.txt` list `d/x/y/x/...`
    without end: `run` hung before reading."""
    parts = name.split(os.sep)
    if "**" not in parts:
        return glob.glob(name)
    k = parts.index("**")
    head, rest = os.sep.join(parts[:k]) or (os.sep if k else ""), os.sep.join(parts[k + 1:])  # `/**`: below the root
    more = k + 1 < len(parts)
    found: list[str] = []
    for top in glob.glob(head) if head else [""]:
        for path, link in _recursive(top, folders_only=more):
            if not more:  # `**` alone lists what is below the current folder, not the folder itself
                found.extend([path] if path else [])
            elif not link:  # a `**` before more parts stands for the folders they are matched in
                found.extend(_glob(os.path.join(glob.escape(path), rest)))
            elif _holds_a_match(path, rest):  # `**` would have gone on in its folder
                found.append(path)
    return found


def _holds_a_match(link: str, rest: str) -> bool:
    """Whether `**/rest` (the `**` that met `link`, a link to a folder, and the parts after it) matches the link or
    anything in its folder: where glob.glob, following the link, listed something. The folder is walked without
    entering the links in it (they may loop: the walk ends), each matched by its name as a file is; it stops at the
    first match."""
    pattern = os.path.join(glob.escape(link), "**", rest)
    folders_only = rest.endswith(os.sep)  # as glob, a pattern ending in a separator matches folders only
    below = (os.path.join(root, entry) for root, folders, files in os.walk(link)
             for entry in (folders if folders_only else folders + files))
    return _glob_matches(pattern, Path(link)) or any(_glob_matches(pattern, Path(path)) for path in below)


def _recursive(folder: str, folders_only: bool) -> Iterator[tuple[str, bool]]:
    """What `**` matches from `folder` (`""`: the current one): it, and below it its folders and, unless
    `folders_only`, its other entries, names starting with a dot left out as glob leaves them; each with whether
    it is a link to a folder, which is matched but not entered (it may loop)."""
    yield folder, False
    try:
        with os.scandir(folder or os.curdir) as listing:
            entries = [entry for entry in listing if not entry.name.startswith(".")]
    except OSError:  # not a folder, or not listable: glob lists nothing below it either
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        if entry.is_dir(follow_symlinks=False):
            yield from _recursive(path, folders_only)
        elif _links_to_folder(entry):
            yield path, True
        elif not folders_only:
            yield path, False


def _links_to_folder(entry: os.DirEntry[str]) -> bool:
    """Whether `entry` is a link to a folder; a link loop is not (`DirEntry.is_dir` raises on one, which ended
    `clean 'd/**/*.txt'` with exit 2, nothing read): it is listed as a file is, and rejected as the loop it is
    (`_not_a_file`)."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:
        return False


def named_paths(names: Iterable[str]) -> Iterator[Path]:
    """The files and folders input names stand for, globs expanded (stdin and refused links left out)."""
    for name in names:
        if name != "-":
            yield from (path for path in expand(name) if isinstance(path, Path))


def input_folder_holding(target: Path, names: Iterable[str]) -> Path | None:
    """The input folder (as named) that is `target` or holds it, where an output would be read as input."""
    where = real(target)
    return next((path for path in named_paths(names)
                 if path.is_dir() and (real(path) == where or real(path) in where.parents)), None)


def glob_matching(target: Path, names: Iterable[str]) -> str | None:
    """The input glob (as named) that would read `target`, whether or not it is there yet (`_glob_reads`): a
    file written there would be read as input when the same inputs are given again."""
    return next((name for name in names if name != "-" and glob.has_magic(name) and not Path(name).exists()
                 and _glob_reads(name, target)), None)


def _glob_reads(pattern: str, target: Path) -> bool:
    """Whether the glob `pattern` would read `target`: match it, or match a folder above it, which is read whole
    (`_read_through`); with both paths as named, or with the links in `target` and in the pattern's fixed head
    followed (`expand` follows those, not a link its glob parts meet). `run 'data/*' --out data/r9` went, and the
    same command again read the run's folder as input."""
    forms = ((pattern, Path(os.path.abspath(target))), (_head_followed(pattern), real(target)))
    return any(_glob_matches(named, folder) for named, path in forms for folder in _read_through(path))


def _head_followed(pattern: str) -> str:
    """The glob `pattern` with the links in its fixed head followed."""
    head = _fixed_head(pattern)
    return os.path.join(glob.escape(str(real(head))), pattern[len(head):].lstrip(os.sep))


def _read_through(path: Path) -> Iterator[Path]:
    """`path` and the folders above it whose reading reaches it: up to a name starting with a dot, which a
    folder's reading leaves out."""
    yield path
    for name, folder in zip(reversed(path.parts), path.parents):
        if name.startswith("."):
            return
        yield folder


def _glob_matches(pattern: str, target: Path) -> bool:
    """Whether `glob.glob(pattern, recursive=True)` would list `target` were it there: `**` stands for any
    number of folders, and a name starting with a dot is matched only by a part starting with one."""
    want, have = Path(os.path.abspath(pattern)).parts, Path(os.path.abspath(target)).parts

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(have)
        if want[i] == "**":
            return match(i + 1, j) or (j < len(have) and not have[j].startswith(".") and match(i, j + 1))
        return (j < len(have) and fnmatch.fnmatchcase(have[j], want[i])
                and (want[i].startswith(".") or not have[j].startswith(".")) and match(i + 1, j + 1))

    return match(0, 0)


def not_an_input(out: Path, inputs: list[str]) -> None:
    """A ConfigError naming `out` when it is one of the inputs (writing it would replace or remove what is
    read), lies in an input folder (the output, and its temporary file, would be read as input) or is
    matched by an input glob (it would be read as input by the same command run again)."""
    if (held := input_folder_holding(out, inputs)) is not None:
        raise ConfigError(f"{out}: is inside the input folder {held}, where it would be read as input; "
                          "give an output outside the inputs")
    target = identity(out)
    if any(identity(path) == target for path in named_paths(inputs)):
        raise ConfigError(f"{out}: is an input; give the output a path of its own")
    if (pattern := glob_matching(out, inputs)) is not None:
        raise ConfigError(f"{out}: the input glob {pattern} matches it, so the same command run again would read "
                          "it as input; give an output outside the glob")


def format_of(path: Path) -> str | None:
    """The input format of a file by its extension, or None when it has none we read."""
    name = path.name.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return EXTENSIONS[ext]
    return None


def read_file(path: Path, config: Config, input_format: str = "auto", stats: ReadStats | None = None,
              lazy: bool = False) -> Iterator[Item | Line]:
    """The records of one file, by its extension (or `input_format`); `lazy` as in `read_inputs`."""
    stats = stats if stats is not None else ReadStats()
    fmt = format_of(path) if input_format == "auto" else input_format
    if fmt is None:
        known = ", ".join(EXTENSIONS)
        yield bad(whole_name_id(path), f"{name_text(path)}: unsupported file type (expected {known})")
        return
    stats.files[fmt] += 1
    if fmt == "txt":
        yield read_path(path, config, read_text)
    elif fmt == "html":
        yield read_path(path, config, read_html)
    elif fmt == "jsonl":
        yield from _rejected_if_empty(read_jsonl_file(path, config, lazy), path, stats)
    elif fmt == "parquet":
        from .parquet import read_parquet  # pyarrow is ~40 MB a process: loaded when a Parquet file is met

        yield from _rejected_if_empty(read_parquet(path, config), path, stats)
    else:
        from .warc import read_warc  # warcio loads fsspec: ~50 ms a process, paid when a WARC file is met

        yield from _rejected_if_empty(read_warc(path, config, stats), path, stats)


def _rejected_if_empty(records: Iterator[Item | Line], path: Path | str, stats: ReadStats) -> Iterator[Item | Line]:
    """The records of a file of records, or, when it gives none and skips none (an empty file, blank
    lines, a Parquet file of no rows), a `bad_input` rejection saying so: no input passes unnoticed."""
    skipped = sum(stats.skipped.values())
    found = False
    for record in records:
        found = True
        yield record
    if not found and sum(stats.skipped.values()) == skipped:
        yield bad(None, f"{name_text(path)}: holds no records")


def _stdin_bytes() -> BinaryIO:
    """stdin's bytes through a reader of their own, not `sys.stdin.buffer`: a thread blocked reading stdin
    (`cleaner clean -` with workers) holds its reader's lock, and the interpreter, closing `sys.stdin` as it
    shut down after Ctrl-C or SIGTERM, aborted on that lock ("Fatal Python error: _enter_buffered_busy",
    exit 134, where 130 or 143 is due). A stdin without a file descriptor (a program replaced it) is read
    as it is, and a closed one (`<&-`: Python's `sys.stdin` is None) as empty."""
    if sys.stdin is None:
        return io.BytesIO()
    try:
        return open(sys.stdin.fileno(), "rb", closefd=False)  # noqa: SIM115 - read to the end by the reader
    except (AttributeError, OSError, ValueError):
        return sys.stdin.buffer


def _read_stdin(config: Config, input_format: str, stats: ReadStats, lazy: bool) -> Iterator[Item | Line]:
    """stdin's records: JSONL (`auto`, `jsonl`) or one `txt` or `html` document."""
    stats.files[input_format if input_format != "auto" else "jsonl"] += 1
    if input_format in ("parquet", "warc"):
        yield bad(None, f"<stdin>: {input_format} cannot be read from stdin (jsonl, txt and html can); give a file")
        return
    fh = _stdin_bytes()
    jsonl = input_format in ("auto", "jsonl")
    _said_at_a_terminal(fh, "JSONL" if jsonl else f"one {input_format} document")
    if jsonl:
        records = read_jsonl(decompressed(fh), "<stdin>", config, lazy=lazy, unnamed=True)
        yield from _rejected_if_empty(records, "<stdin>", stats)
    else:
        yield (read_text if input_format == "txt" else read_html)(fh, "stdin", "<stdin>", config)


def _said_at_a_terminal(fh: BinaryIO, what: str) -> None:
    """One line on stderr when stdin is a terminal, read to its end as a pipe is: `cleaner clean -` waited for the
    typing without a word, and `run -`'s bar showed "0 docs", as if it hung (a QA pass)."""
    if fh.isatty():
        print(f"cleaner: reading {what} from stdin (Ctrl-D to end)", file=sys.stderr, flush=True)
