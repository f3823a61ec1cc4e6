"""Whether every match of a pattern holds one of a rule's `requires` strings, read from the pattern itself.

A rule is not tried on a text that holds none of its `requires` strings, so a branch of its pattern whose matches
hold none of them is never tried where it alone would match: `de.agency-credit`'s "Mit Informationen von …" branch
lacked its string and was dead until an example showed it. `uncovered` finds such a branch without an example.

The pattern is read as `re` parses it (`regex`'s properties read as `\\w`; a pattern `re` cannot parse is not
read). Each part of it gives the texts it may match, as `requires` strings are looked for in them (`prefilter.folded`:
case-folded, a run of spaces one space), with a mark where the text is not known (`\\w`, `.`, a class of many
characters, a repeat); a sequence gives each way of joining its parts' texts. A text that holds a `requires` string
is marked as such and goes no further. A look-ahead adds nothing to the match's text, but a string it always holds
counts (it is in the text the rule is tried on), and what it names limits what follows; a look-behind of one
character limits what stands before. The reading never says a branch holds a string it may lack; it may say a branch
lacks one where a class or repeat it cannot spell out writes it (`[a-z]+` for "par").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from ..prefilter import folded
from .patterns import item_end, parsed_as_re

GAP = "\x00"
"""Text not known (any characters, or none)."""

HELD = "\x01"
"""A text that holds one of the `requires` strings: whatever comes before or after it, it still does."""

MAX_TEXTS = 256
"""The most texts a part of a pattern is read as (`_Reader.squeezed`): a date's month names joined to its weekdays
are thousands."""

MAX_BRANCHES = 64
"""The most texts a branch is read as (`<<date>>`'s month names are more)."""

NEXT = "\x02"
"""Ends a text whose next characters a look-ahead names: the texts it names follow, `ONE_OF` between them."""

ONE_OF = "\x03"

AFTER = "\x04"
"""Opens and closes the characters one of which must stand before a text (a look-behind at its start, as in
`[\\sNP](?:(?<=N)o media|(?<=P)op-out)`), for the text before it to meet."""


def uncovered(pattern: str, requires: Iterable[str]) -> str | None:
    """A text that a match of `pattern` (its macros expanded) may hold, as `requires` strings are looked for in it
    (`GAP` written "…"), that holds none of `requires` (folded); None when every match holds one, or `pattern` cannot
    be read (`patterns.parsed_as_re`). Kept for the next asking, by the pattern's digest (a service checks packs
    again and again, and a pattern may be long)."""
    words = tuple(requires)
    key = (hashlib.blake2b(pattern.encode("utf-8", "surrogatepass"), digest_size=16).digest(), words)
    if key not in _READ:
        if len(_READ) >= 4096:
            _READ.clear()
        _READ[key] = _uncovered(pattern, words)
    return _READ[key]


_READ: dict[tuple[bytes, tuple[str, ...]], str | None] = {}
"""What `uncovered` read, by the pattern's digest and the strings."""


def _uncovered(pattern: str, words: tuple[str, ...]) -> str | None:
    if not words:
        return None
    parsed = parsed_as_re(_readable(pattern))
    if parsed is None:
        return None
    texts = (_behind(t)[1].partition(NEXT)[0].strip(" ") for t in _Reader(words).sequence(parsed))  # as shown
    lacking = [t for t in texts if t != HELD and t.strip()]  # an empty match is no match
    return max(lacking, key=_known).replace(GAP, "…") if lacking else None


def _known(text: str) -> tuple[int, str]:
    """How much of `text` is known, to show the text that says most (then the first in order, for the same answer)."""
    return len(text) - 2 * text.count(GAP), "".join(chr(0x10FFFF - ord(c)) for c in text)


class _Reader:
    """The texts the parts of a pattern may match, for one rule's `requires` strings."""

    def __init__(self, words: tuple[str, ...]):
        self.holds = re.compile("|".join(map(re.escape, words))).search
        self.keep = max(map(len, words)) - 1
        """The characters kept at each end of a long text: a string may start in the one and end in the next."""

    def shortened(self, text: str, joint: int | None = None) -> str:
        """`text` marked `HELD` when it holds a string, and with its middle left out (a `GAP`) when it is long. With
        `joint`, where two texts read so were joined, only a string across it is looked for."""
        seen = text if joint is None else text[max(0, joint - self.keep) : joint + self.keep]
        if HELD in text or self.holds(seen):  # no string holds a `GAP` or `AFTER`: none is found across one
            return HELD
        before, text = _behind(text)
        text, mark, ahead = text.partition(NEXT)
        if len(text) > 2 * self.keep + 1:
            text = text[: self.keep] + GAP + text[len(text) - self.keep:] if self.keep else GAP
        return _after_one_of(before, text) + mark + ahead

    def joined(self, lefts: set[str], rights: set[str]) -> set[str]:
        """Each of `lefts` followed by each of `rights` (`squeezed` first where there would be too many)."""
        if len(lefts) * len(rights) > 8 * MAX_TEXTS:
            lefts, rights = self.squeezed(lefts, MAX_BRANCHES), self.squeezed(rights, MAX_BRANCHES)
        out = set()
        for left in lefts:
            if left == HELD:
                out.add(HELD)
                continue
            left, _, ahead = left.partition(NEXT)
            left_before, left_text = _behind(left)
            for right in rights:
                before, right = _behind(right)
                first = left
                if before is not None and left_text and not left_text.endswith((GAP, *before)):
                    continue  # what must stand before `right` is not what `left` ends with
                if before is not None and not left_text:  # nothing before it yet: it is what stands before both
                    both = before if left_before is None else "".join(sorted(set(before) & set(left_before)))
                    first = _after_one_of(both, "")
                if ahead and right != HELD and (right := _after(ahead.split(ONE_OF), right)) is None:
                    continue  # not what the look-ahead let through
                if first.endswith((" ", GAP)) and right[:1] == first[-1]:
                    right = right[1:]  # a run of spaces is one space; unknown text then unknown text is one
                out.add(self.shortened(first + right, len(first)))
        return self.squeezed(out, MAX_TEXTS, heads_first=True)

    def squeezed(self, texts: set[str], most: int, heads_first: bool = False) -> set[str]:
        """`texts`, or when they are more than `most`, each read with fewer characters known at its ends (the
        middle unknown) until they are no more, a look-ahead's names forgotten: what may hold a string across the
        ends stays, and unknown text holds none. The tails go first (what follows a branch's first words is what
        differs), or the heads (a sequence read so far goes on from its tail)."""
        if len(texts) <= most:
            return texts
        texts = {t.partition(NEXT)[0] for t in texts}
        kept = {t for t in texts if t in ("", HELD)}
        parts = [(before, text, len(text)) for t in texts - kept for before, text in (_behind(t),)]

        def cut(head: int, tail: int) -> set[str]:
            return kept | {_after_one_of(before, text if size <= head + tail + 1 else
                                         text[:head] + GAP + text[size - tail:]) for before, text, size in parts}

        # the ends kept, most first; the fewer characters kept, the fewer texts: the first that are few enough, found
        # by halving
        ends = [(self.keep, n) for n in range(self.keep, -1, -1)] + [(n, 0) for n in range(self.keep - 1, -1, -1)]
        if heads_first:
            ends = [(tail, head) for head, tail in ends]
        low, high = 0, len(ends)
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if len(cut(*ends[mid])) <= most else (mid + 1, high)
        return cut(*ends[low]) if low < len(ends) else kept | {GAP}

    def sequence(self, items) -> set[str]:
        texts = {""}
        for op, arg in items:
            if str(op) == "ASSERT" and arg[0] < 0:  # a look-behind of one character: what may stand before
                chars = self.sequence(arg[1])
                if all(len(c) == 1 and c not in (GAP, HELD) for c in chars):
                    texts = self.joined(texts, {_after_one_of("".join(sorted(chars)), "")})
                continue
            texts = self.joined(texts, self.item(str(op), arg))
        return texts

    def item(self, name: str, arg) -> set[str]:
        if name == "LITERAL":
            return {self.shortened(folded(chr(arg)))}
        if name == "IN":
            return {self.shortened(c) for c in _class(arg)}
        if name in ("SUBPATTERN", "ATOMIC_GROUP"):
            return self.sequence(arg[-1] if name == "SUBPATTERN" else arg)
        if name == "BRANCH":
            texts = set().union(*(self.sequence(branch) for branch in arg[1]))
            return self.squeezed(texts, MAX_BRANCHES)
        if name == "GROUPREF_EXISTS":
            return self.sequence(arg[1]) | (self.sequence(arg[2]) if arg[2] is not None else {""})
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(*arg)
        if name == "ASSERT":  # in the text, not in the match: the match goes on where it stands, with what it names
            ahead = self.sequence(arg[1])
            if HELD in ahead or any(GAP in t or NEXT in t or not t for t in ahead) or len(ahead) > MAX_BRANCHES:
                return {t if t == HELD else "" for t in ahead}
            return {NEXT + ONE_OF.join(sorted(ahead))}
        if name in ("ASSERT_NOT", "AT"):
            return {""}
        return {GAP}

    def repeat(self, least: int, most: int, items) -> set[str]:
        once = self.sequence(items)
        if most == 0:
            return {""}
        if once == {" "}:  # a run of spaces
            return {" "} if least else {"", " "}
        if least == 0:  # none, or once or more: unknown text unless each time holds a string
            return ({""} | once) if most == 1 else {"", *({HELD} & once), *({GAP} if once - {HELD} else ())}
        texts = once
        for _ in range(min(least, 3) - 1):
            texts = self.joined(texts, once)
        return texts if most == least and least <= 3 else self.joined(texts, {GAP})


def _class(items) -> set[str]:
    """The texts a class (`[...]`) matches: its characters folded, when there are a few; a space for a class of
    spaces (`[^\\S\\n]`, `\\s` also a line break); else unknown text."""
    names = [str(op) for op, _ in items]
    if names == ["NEGATE", "CATEGORY", "LITERAL"] and str(items[1][1]) == "CATEGORY_NOT_SPACE":
        return {" "}  # [^\S\n]: a space, not a line break
    chars = set()
    for op, arg in items:
        if str(op) == "LITERAL":
            chars.add(folded(chr(arg)))
        elif str(op) == "CATEGORY" and str(arg) == "CATEGORY_SPACE":
            chars.update((" ", "\n"))
        elif str(op) == "RANGE" and arg[1] - arg[0] < 8:
            chars.update(folded(chr(c)) for c in range(arg[0], arg[1] + 1))
        else:
            return {GAP}
    return chars if len(chars) <= 8 else {GAP}


def _behind(text: str) -> tuple[str | None, str]:
    """(the characters one of which must stand before `text`, or None; `text` without them)."""
    if not text.startswith(AFTER):
        return None, text
    end = text.index(AFTER, 1)
    return text[1:end], text[end + 1:]


def _after_one_of(chars: str | None, text: str) -> str:
    """`text`, after one of `chars` (None: after anything)."""
    return text if chars is None else f"{AFTER}{chars}{AFTER}{text}"


def _after(ahead: list[str], right: str) -> str | None:
    """`right` after a look-ahead that names the texts `ahead`: None when it begins with none of them; with what it
    still names when `right` is known and shorter."""
    known = right.partition(GAP)[0].partition(NEXT)[0]
    fits = [a for a in ahead if a.startswith(known) or known.startswith(a)]
    if not fits:
        return None
    if known == right and (rest := [a[len(known):] for a in fits if len(a) > len(known)]) and len(rest) == len(fits):
        return right + NEXT + ONE_OF.join(rest)
    return right


_NAMED = re.compile(r"\(\?P?<(?![=!])(\w+)>")
_OTHER_SYNTAX = re.compile(r"\(\?(?:P=\w+|&\w+|R|[+-]?\d+)\)|\\g<\w+>")
_VERBS = re.compile(r"\(\*[A-Z]+(?::[^)]*)?\)|\\K")


def _readable(pattern: str) -> str:
    """`pattern` as `re` can parse it, for what `uncovered` reads: a named group plain (`regex` lets two share a name),
    a condition on a name on group 1 and one on a look-around (`(?(?<=a)b|c)`) a group of both branches, a call of a
    named group what the group holds, a reference or recursion unknown text, a branch reset (`(?|...)`) a group, verbs
    (`(*SKIP)`) and `\\K` left out."""
    bodies = {m.group(1): pattern[m.end() : _group_end(pattern, m.start()) - 1] for m in _NAMED.finditer(pattern)}
    pattern = re.sub(r"\(\?(?:&|P>)(\w+)\)", lambda m: f"(?:{bodies[m.group(1)]})" if m.group(1) in bodies
                     else m.group(), pattern)  # a call of a named group is what the group holds
    pattern = _OTHER_SYNTAX.sub(r"(?:\\w)", _VERBS.sub("", _NAMED.sub("(", pattern)))
    pattern = re.sub(r"(?<!\\)((?:\\\\)*)\(\?\|", r"\1(?:", pattern)
    return _without_lookaround_conditions(re.sub(r"\(\?\((?!\d)\w+\)", "(?(1)", pattern))


def _without_lookaround_conditions(pattern: str) -> str:
    """`pattern` with each condition that is a look-around (`(?(?<=a)b|c)`, which `re` does not know) a group of both
    branches (`(?:b|c)`)."""
    out, i, skip_from = [], 0, None  # skip_from: the depth at which a condition's look-around opened
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        end = item_end(pattern, i)
        if c == "(" and skip_from is None and pattern.startswith("(?(?", i):
            out.append("(?:")
            depth += 1
            skip_from, i = depth, i + 2  # from its look-around, which opens next, to where that closes
            continue
        depth += c == "("
        if c == ")" and depth:
            depth -= 1
            if skip_from == depth:
                skip_from = None
                i = end
                continue
        if skip_from is None:
            out.append(pattern[i:end])
        i = end
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    """Where the group that opens at `start` ends (past its `)`), or the pattern's end."""
    depth, i = 0, start
    while i < len(pattern):
        c = pattern[i]
        depth += c == "("
        depth -= c == ")"
        i = item_end(pattern, i)
        if depth == 0:
            return i
    return len(pattern)
