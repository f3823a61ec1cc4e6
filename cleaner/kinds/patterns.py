"""Compiling rule patterns: macros, flags, and a refusal of patterns that can backtrack forever or are
too large to compile (`scan_pattern`).

Patterns are written for the `regex` module (Unicode classes such as `\\p{Lu}`, variable-length
look-behind, possessive quantifiers, atomic groups). Two guards keep a pattern from hanging a run: at
load, a group that holds an unbounded quantifier and is itself repeated without bound (`(a+)+`,
`(\\w+\\s?)*`) is refused unless made possessive or atomic; at run time every match of a user's
pattern has a time limit (`Config.regex_timeout`). A shipped pattern that `re` can read runs on `re`,
faster and without the limit (`compile_fast`): `tests/test_packs.py` runs each over long runs of
spaces, letters and line breaks, and over runs of its own examples' lines, where a pattern that rescans a run
from each of its characters or lines takes time in the square of the run.
"""

from __future__ import annotations

import atexit
import re
import threading
import unicodedata
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

import regex
from pydantic import ValidationInfo

from ..dates import DATE_PATTERN, PLACE_PATTERN, TIME_PATTERN, WEEKDAYS
from ..edits import HIDDEN
from .compiled import CompiledStore, Refused, cache_dir, store_path

COPYRIGHT = (r"(?:©[^\S\n]*+[\p{L}\p{N} .,'’/&+-]{1,60}"
             r"|\(c\)[^\S\n]*+(?=(?-i:[\p{Lu}\p{N}]))(?!(?:[^\n]*?[^\S\n](?-i:\p{Ll})){3})[\p{L}\p{N} .,'’/&+-]{1,60})")
"""A picture's copyright credit (`<<copyright>>`): "© Reuters", "© 2021 Le Monde", and "(c)" before a capital or a
digit with at most two lower-case words after it ("(c) Getty Images via AFP"), as "(c) reduce the working week …", a
list's third item, is no credit (a review found the photo-credit rules of four packs removing it). Whether "(c)" may be
"(C)" is the rule's `ignorecase`."""
MACROS = {"<<date>>": f"(?i:{DATE_PATTERN})", "<<weekday>>": rf"(?i:(?:{WEEKDAYS})\.?)",
          "<<time>>": f"(?i:{TIME_PATTERN})", "<<place>>": PLACE_PATTERN, "<<copyright>>": COPYRIGHT}
"""Named sub-patterns a rule may use: `<<date>>` is any date `cleaner.dates.to_iso` reads, in any case ("13
Décembre 2014", "December 13, 2014"), whatever the rule's flags: without `ignorecase` it took lower-case
month names only, and no English date. `<<weekday>>` is a weekday's name or short form and its dot
(`dates.WEEKDAYS`: "Fri."), `<<time>>` what may follow a date on a dateline, or nothing (`dates.TIME_PATTERN`: a
time, its zone): 11 datelines spelt it out. `<<place>>` is what may stand between a byline's name and its date,
never an update stamp (`dates.PLACE_PATTERN`): four byline rules would each have spelt it out in their own language.
`<<copyright>>` is a picture's "©" or "(c)" credit (`COPYRIGHT`), which four photo-credit rules spelt out alike."""

MAX_SIZE = 100_000
"""The largest size (see `scan_pattern`) a pattern may compile into: `regex` takes ~0.1 s and ~25 MB to
compile 100,000 (`x{100000}`), 0.8 s and 260 MB a million, and runs out of 2 GB at ten million. The largest
shipped pattern is a small part of it (README's "A pattern cannot exhaust memory" gives its size as measured)."""

CACHE_SIZE = 5 * MAX_SIZE
"""The summed size of the compiled patterns kept for reuse (see `_Cache`): ~125 MB at most with `regex` (~25 MB a
pattern at `MAX_SIZE`). The shipped packs' patterns (each checked, and compiled again by `regex` where `re` cannot
read it) take most of it, as README's "A pattern cannot exhaust memory" measures: a user pattern at `MAX_SIZE`
fits beside them, and more push the least recently used out."""

PACK_SIZE = 5 * MAX_SIZE
"""The summed size of one pack's patterns (see `pack_budget`), several times the largest shipped pack's (README's
"A pattern cannot exhaust memory" measures them); a pack at the bound compiles to ~130 MB with `regex`."""

Flag = Literal["ignorecase", "multiline", "dotall"]
_FLAGS = {"ignorecase": regex.IGNORECASE, "multiline": regex.MULTILINE, "dotall": regex.DOTALL}
_RE_FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL}


class _Cache:
    """The most recently used compiled patterns, at most `entries` of them and of summed size (see
    `scan_pattern`) at most `size`: by count alone, a long-lived service checking users' packs kept a
    thousand patterns of up to 25 MB each. Thread-safe (the service checks packs on many threads)."""

    def __init__(self, entries: int, size: int) -> None:
        self.entries, self.size, self.held = entries, size, 0
        self._items: OrderedDict[tuple, tuple[re.Pattern | regex.Pattern, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[re.Pattern | regex.Pattern, int] | None:
        """The pattern kept under `key` (now the most recently used) and its size, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def clear(self) -> None:
        """Keep no pattern."""
        with self._lock:
            self._items.clear()
            self.held = 0

    def put(self, key: tuple, compiled: re.Pattern | regex.Pattern, size: int) -> None:
        """Keep `compiled`, of `size`, dropping the least recently used patterns over either bound."""
        with self._lock:
            if (old := self._items.pop(key, None)) is not None:
                self.held -= old[1]
            self._items[key] = (compiled, size)
            self.held += size
            while len(self._items) > self.entries or self.held > self.size:
                self.held -= self._items.popitem(last=False)[1][1]


_CACHE = _Cache(1024, CACHE_SIZE)


def _source() -> bytes | None:
    """This module's source, which decides what a stored size means (None where it cannot be read, as in a zip)."""
    try:
        return Path(__file__).read_bytes()
    except OSError:
        return None


STORE = CompiledStore(store_path(cache_dir(), _source()))
"""The compiled patterns and sizes kept on disk between processes (`compiled`); `_CACHE` holds a process's own."""


def save_compiled() -> None:
    """Write the patterns checked and compiled so far to the store on disk, for the next process (`compiled`): when
    the packs are loaded, and at exit for those compiled at their first use (a `ticker`'s separators)."""
    STORE.save()


atexit.register(save_compiled)


def forget_compiled() -> None:
    """Drop the compiled patterns this process keeps for reuse (~7 MB for the shipped packs, checked at loading): for
    a process that hands its rules to workers and cleans nothing itself. A pattern used later compiles again (from the
    store, or anew where it holds none)."""
    _CACHE.clear()


class _Budget:
    """The sizes of the patterns one pack has checked so far, each pattern counted once (a line rule's
    pattern is checked bare and as a whole line)."""

    def __init__(self) -> None:
        self.sizes: dict[str, int] = {}
        self.total = 0

    def spend(self, pattern: str, size: int) -> None:
        """Count `pattern`; a ValueError when the pack's patterns then add up to over `PACK_SIZE`."""
        old = self.sizes.get(pattern, 0)
        if size > old:
            self.sizes[pattern] = size
            self.total += size - old
        if self.total > PACK_SIZE:
            raise ValueError(f"the pack's patterns add up to a size of {self.total:,} with this one, over {PACK_SIZE:,} "
                             "(each unit compiles to ~260 bytes with `regex`, and a pack's patterns are held together): "
                             "split the pack, or lower the counts of its repeats")


_BUDGET: ContextVar[_Budget | None] = ContextVar("pack_budget", default=None)


@contextmanager
def pack_budget() -> Iterator[None]:
    """Within the block (one pack's validation), the patterns checked may add up to `PACK_SIZE` at most:
    one pattern is bounded by `MAX_SIZE`, but a pack of many such held them all (a service checking a 16 MB
    pack of them could take gigabytes)."""
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _spend(pattern: str, size: int) -> None:
    if (budget := _BUDGET.get()) is not None:
        budget.spend(pattern, size)


def compile_pattern(pattern: str, flags: tuple[Flag, ...] = (), *, line: bool = False) -> regex.Pattern:
    """Expand macros, refuse nested unbounded repeats, compile with `regex`; `line=True` lets spaces
    surround it. Cached (`_Cache`).

    Raises ValueError with a message that says what is wrong and how to fix it.
    """
    def build(expanded: str) -> regex.Pattern:
        try:
            bits = _bits(flags, _FLAGS)
            return STORE.compile("regex", expanded, bits, lambda: regex.compile(expanded, bits, cache_pattern=False))
        except regex.error as exc:
            raise ValueError(f"invalid pattern: {exc}") from None
        except RecursionError:
            raise ValueError("invalid pattern: groups nested too deeply to compile") from None
    return _cached("regex", pattern, flags, line, build)


def check_pattern(pattern: str, flags: tuple[Flag, ...] = (), *, line: bool = False) -> re.Pattern | regex.Pattern:
    """What `compile_pattern` accepts and refuses, compiled by `re` when `re` can read it: a pack's
    patterns are checked at every load, `re` compiles 3x as fast as `regex` (whose syntax is a superset
    of it), and a shipped pattern then runs from what the check compiled (`compile_fast`). Both are
    cached: checked, then compiled to run, a pattern is expanded, scanned and parsed once."""
    def build(expanded: str) -> re.Pattern | regex.Pattern:
        if _PROPERTY.search(expanded):  # `re` would refuse it, after parsing up to there
            return compile_pattern(pattern, flags, line=line)
        refusals = (re.error, OverflowError, RecursionError)  # a count over `re`'s limit, deep nesting: `regex` names them
        try:
            with warnings.catch_warnings():  # re warns of `[[` and `--` in a class, which regex may read otherwise
                warnings.simplefilter("ignore")
                bits = _bits(flags, _RE_FLAGS)  # `re.compile` but for its own cache (`_CACHE` keeps it):
                return STORE.compile("re", expanded, bits, lambda: re._compiler.compile(expanded, bits), refusals)
        except (*refusals, Refused):
            return compile_pattern(pattern, flags, line=line)
    return _cached("re", pattern, flags, line, build)


_PROPERTY = re.compile(r"(?<!\\)(?:\\\\)*\\[pP]")
"""A `\\p`/`\\P` escape (a Unicode property such as `\\p{Lu}`), which `re` refuses: a third of the shipped patterns
have one, and trying `re` first took a sixth of loading the packs."""


def _cached(engine: str, pattern: str, flags: tuple[Flag, ...], line: bool,
            build: Callable[[str], re.Pattern | regex.Pattern]) -> re.Pattern | regex.Pattern:
    """`pattern` checked (`_checked`), counted against the pack's budget (`pack_budget`) and compiled by
    `build(expanded pattern)`, once per `engine`, flags and form while `_CACHE` keeps it."""
    key = (engine, pattern, flags, line)
    if (held := _CACHE.get(key)) is not None:
        _spend(pattern, held[1])
        return held[0]
    expanded, size = _checked(pattern, line)
    _spend(pattern, size)
    compiled = build(expanded)
    _CACHE.put(key, compiled, size)
    return compiled


def compiles(cls: type, pattern: str, info: ValidationInfo) -> str:
    """Validator for a rule's `pattern`: it must compile with the rule's `flags` (see `compile_pattern`),
    and, unless the rule has `scope: span`, in the whole-line form the rule runs (`(?:pattern)` inside
    the line's spaces)."""
    flags = info.data.get("flags", ())
    check_pattern(pattern, flags)
    if info.data.get("scope", "line") == "line":
        try:
            check_pattern(pattern, flags, line=True)
        except ValueError as exc:
            hint = " (a `#` comment of verbose mode runs to the pattern's end: close it with a newline)" if "#" in pattern else ""
            raise ValueError(f"{exc}, once wrapped as a whole line{hint}") from None
    return pattern


def compile_fast(pattern: str, flags: tuple[Flag, ...] = (), *, shipped: bool = False, line: bool = False) -> re.Pattern | regex.Pattern:
    """`pattern` compiled by `re` when it comes from a shipped pack and `re` can read it (`re` scans up to
    twice as fast as `regex`, but has no time limit: a shipped pattern is known not to backtrack), else by
    `compile_pattern`, so that a user's pattern runs with the time limit (`call`)."""
    return check_pattern(pattern, flags, line=line) if shipped else compile_pattern(pattern, flags, line=line)


def _checked(pattern: str, line: bool) -> tuple[str, int]:
    """(`pattern` with its macros expanded (and wrapped in a line's spaces with `line`), its size), or a
    ValueError for an unknown macro, a character of `edits.HIDDEN` that every match holds (no text the rules read
    has one), a nested unbounded repeat or a size over `MAX_SIZE`."""
    pattern = expanded(pattern)
    size = STORE.size(pattern)
    if size is None:
        unknown = regex.search(r"<<\w+>>", pattern)
        if unknown:
            raise ValueError(f"unknown macro {unknown.group()} (known: {', '.join(MACROS)})")
        if _MAY_HIDE.search(pattern) and (hidden := mandatory_char(pattern, _HIDDEN_CHARS)):
            raise ValueError(f"every match of the pattern holds U+{ord(hidden):04X} {unicodedata.name(hidden, '')}, "
                             "and rules read a text without it (`edits.HIDDEN`: zero-width spaces, soft hyphens, marks "
                             "of direction): it could never match; take it out of the pattern")
        nested, size = scan_pattern(pattern)
        if nested:
            raise ValueError(
                f"the group '{nested}' repeats an unbounded repeat, which can backtrack for minutes on a "
                "long line; make the inner repeat possessive (`a++`, `a*+`) or the group atomic (`(?>...)`)"
            )
        if size <= MAX_SIZE:
            STORE.put_size(pattern, size)
    if size > MAX_SIZE:
        raise ValueError(
            f"the pattern compiles into about {size:,} items, over {MAX_SIZE:,}: `regex` copies what a counted "
            "repeat repeats as many times as its least count (nested counts multiply), and `x{10000000}` takes "
            "gigabytes; lower the count, or count from 0 or 1 (`x{1,n}`): only the least count is copied"
        )
    return (r"[^\S\n]*+(?:" + pattern + r")[^\S\n]*+" if line else pattern), size


_HIDDEN_CHARS = re.sub("(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), HIDDEN)
_MAY_HIDE = re.compile(rf"[{HIDDEN}]|\\[uUxN0-7]")
"""A pattern that may hold a character of `edits.HIDDEN`: one written as itself or by an escape (`mandatory_char`
parses only those, ~1 ms a pattern)."""

_REGEX_ONLY = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:[pP](?:\{[^}]*\}|[A-Za-z])|x\{([0-9a-fA-F]{1,6})\})")
"""A `regex` escape `re` cannot parse that `mandatory_char` reads: a property (`\\p{Lu}`), a `\\x{200b}`."""

_FUZZY = re.compile(r"\{[^\S\n]*[eids][^\S\n]*(?:[<>]=?|=|[,:}])")
"""`regex`'s fuzzy matching (`{e<=1}`, `{i,d}`, `{e}`), under which a character written may be left out."""

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")


def mandatory_char(pattern: str, chars: str) -> str | None:
    """The first of `chars` that every match of `pattern` holds (written in it, or a class of nothing else, outside an
    optional part, an alternative without it and a negative look-around), as `re` parses it; None when there is none,
    or `re` cannot parse it (`regex`'s own syntax but for properties and `\\x{...}`: the check is then left out), or it
    is fuzzy (`(?:\u200b){e<=1}`, which `re` reads as literal text, and `regex` lets match without the character)."""
    parsed = parsed_as_re(pattern)
    return None if parsed is None else _mandatory(parsed, frozenset(map(ord, chars)))


def parsed_as_re(pattern: str) -> Any:
    """`pattern` as `re._parser` parses it, `regex`'s properties (`\\p{Lu}`) read as `\\w` and its `\\x{...}` as
    `\\U...`; None when `re` cannot parse it or it is fuzzy (`(?:\u200b){e<=1}`, which `re` reads as literal text,
    and `regex` lets match without the character)."""
    if _FUZZY.search(pattern):
        return None

    def as_re(m: re.Match) -> str:
        return m.group(1) + (f"\\U{int(m.group(2), 16):08x}" if m.group(2) else "\\w")  # `re` refuses a code too high
    try:
        return re._parser.parse(_REGEX_ONLY.sub(as_re, pattern))
    except (re.error, RecursionError, OverflowError):
        return None


def starts_a_line(pattern: str) -> bool:
    """Whether every match of `pattern` (its macros expanded) starts a line: each of its branches opens with `^` or
    `\\A`, look-arounds aside (True when `re` cannot parse it: `parsed_as_re`)."""
    parsed = parsed_as_re(expanded(pattern))
    return parsed is None or _at_line_start(list(parsed))


def expanded(pattern: str) -> str:
    """`pattern` with its macros (`MACROS`) written out."""
    for name, body in MACROS.items():
        pattern = pattern.replace(name, body)
    return pattern


def _at_line_start(items) -> bool:
    for op, arg in items:
        name = str(op)
        if name == "AT":
            return str(arg) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
        if name in ("ASSERT", "ASSERT_NOT"):  # takes no character: what follows it starts the match
            continue
        if name == "SUBPATTERN":
            return _at_line_start(list(arg[-1]))
        if name == "ATOMIC_GROUP":
            return _at_line_start(list(arg))
        if name == "BRANCH":
            return all(_at_line_start(list(branch)) for branch in arg[1])
        return False
    return False


def _mandatory(items, codes: frozenset[int]) -> str | None:
    """`mandatory_char` on a parsed sequence (`re._parser`'s items)."""
    for op, arg in items:
        name, found = str(op), None
        if name == "LITERAL" and arg in codes:
            found = chr(arg)
        elif name == "IN":
            found = _class_of(arg, codes)
        elif name == "SUBPATTERN":
            found = _mandatory(arg[-1], codes)
        elif name in _REPEATS and arg[0] >= 1:
            found = _mandatory(arg[2], codes)
        elif name == "ATOMIC_GROUP":
            found = _mandatory(arg, codes)
        elif name == "ASSERT":  # a look-around must match too
            found = _mandatory(arg[1], codes)
        elif name == "BRANCH":
            branches = [_mandatory(branch, codes) for branch in arg[1]]
            found = branches[0] if all(branches) else None
        if found:
            return found
    return None


def _class_of(items, codes: frozenset[int]) -> str | None:
    """The first character of a parsed class (`[...]`) when it holds characters of `codes` alone, else None."""
    first = None
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and arg in codes:
            first = first or chr(arg)
        elif name == "RANGE" and arg[1] - arg[0] < len(codes) and all(c in codes for c in range(arg[0], arg[1] + 1)):
            first = first or chr(arg[0])
        else:
            return None
    return first


def _bits(flags: tuple[Flag, ...], table: dict) -> int:
    """The module's flag bits for `flags`, as a plain int: `re`'s compiler tests them at every item of a pattern, and
    on its `RegexFlag` each test was a call (an eighth of loading the packs)."""
    bits = 0
    for flag in flags:
        bits |= table[flag]
    return int(bits)


def call(method, text: str, timeout: float, *args):
    """Call a pattern method on `text` and `args` (such as a start position), with the time limit when
    the pattern is a `regex` one."""
    return method(text, *args) if isinstance(method.__self__, re.Pattern) else method(text, *args, timeout=timeout)


def scan_pattern(pattern: str) -> tuple[str | None, int]:
    """(the first group that contains an unbounded, backtracking repeat and is repeated without bound,
    the size of `pattern`), in one pass; the size is 0 once such a group is found.

    The size is how many items `regex` compiles `pattern` into, roughly: a character, class or escape is
    one, a group what it holds plus one, and a repeat with a least count (`{m}`, `{m,n}`, `{m,}`, `+`)
    copies what it repeats that many times, through nesting (`(?:a{1000}){1000}` is 1,002,000). `regex`
    makes those copies when it compiles (`re` makes none); an upper count costs nothing there.
    """
    stack: list[list] = []  # [start, holds an unbounded repeat, is atomic, size of what it holds]
    size = [0]  # the size of each open level, the whole pattern first
    last = 0  # the size of the item before i (what a quantifier at i repeats)
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "(":
            stack.append([i, False, pattern.startswith("(?>", i)])
            size.append(0)
            i += 1
            continue
        if c == ")" and stack:
            start, holds, atomic = stack.pop()
            end, unbounded, possessive, least = _quantifier(pattern, i + 1)
            if unbounded and holds and not atomic and not possessive:
                return pattern[start:end], 0
            if stack and not atomic and (holds or (unbounded and not possessive)):
                stack[-1][1] = True
            last = size.pop() + 1
            size[-1] += last * max(least, 1)
            i = end
            continue
        end, unbounded, possessive, least = _quantifier(pattern, i)
        if end > i:
            if unbounded and not possessive and stack:
                stack[-1][1] = True
            size[-1] += last * (max(least, 1) - 1)
            i = end
            continue
        end = item_end(pattern, i)
        last = 1
        size[-1] += 1
        i = end
    return None, sum(size)


_NAMED = re.compile(r"\(\?P?<(\w+)>|\(\?'(\w+)'")
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")


def lookaround_group(pattern: str) -> str | None:
    """The name of the first named group of `pattern` that is inside a look-around (`(?=...)`, `(?<=...)`, `(?!...)`,
    `(?<!...)`), or None."""
    inside: list[bool] = []  # for each open group: whether it is, or is in, a look-around
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "(":
            if inside and inside[-1] and (named := _NAMED.match(pattern, i)):
                return named.group(1) or named.group(2)
            inside.append(bool(inside and inside[-1]) or pattern.startswith(_LOOKAROUNDS, i))
        elif c == ")" and inside:
            inside.pop()
        i = item_end(pattern, i)
    return None


def item_end(pattern: str, i: int) -> int:
    """Index just past the item of `pattern` that starts at i: an escape, a class (`[...]`) or one character."""
    c = pattern[i]
    return _escape_end(pattern, i) if c == "\\" else _class_end(pattern, i) if c == "[" else i + 1


def _escape_end(pattern: str, i: int) -> int:
    """Index just past the escape that starts at i: with its braces for `\\x{e9}`, `\\N{NAME}`, `\\p{Lu}`, `\\P{..}` and
    `\\g{1}` (a `{100001}` after `\\x` is no count: it was read as one, and refused as a repeat)."""
    if pattern[i + 1 : i + 2] in ("x", "N", "p", "P", "g") and pattern[i + 2 : i + 3] == "{" and (
            (close := pattern.find("}", i + 3)) >= 0):
        return close + 1
    return i + 2


def _class_end(pattern: str, i: int) -> int:
    """Index just past the character class that opens at i."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "[":
            j = _class_end(pattern, j)
            continue
        if pattern[j] == "]":
            return j + 1
        j += 1
    return j


def _quantifier(pattern: str, j: int) -> tuple[int, bool, bool, int]:
    """(end, unbounded, possessive, least count) of a quantifier starting at j; end == j when there is none."""
    if j >= len(pattern):
        return j, False, False, 1
    if pattern[j] in "*+?":
        end, unbounded, least = j + 1, pattern[j] != "?", int(pattern[j] == "+")
    elif pattern[j] == "{" and (m := regex.match(r"\{(\d*)(,?)(\d*)\}", pattern[j:])):
        end, unbounded, least = j + m.end(), bool(m.group(2)) and not m.group(3), int(m.group(1) or 0)
    else:
        return j, False, False, 1
    if end < len(pattern) and pattern[end] in "+?":
        return end + 1, unbounded, pattern[end] == "+", least
    return end, unbounded, False, least
