"""Line diffs that stay fast on long texts: difflib's opcodes over matches found the patience way.

`SequenceMatcher(autojunk=False)` takes time far beyond the square of the lines when lines repeat: a
text of 1,000 paragraphs whose blank lines changed took 31 s (every blank line matches every other).
`LineMatcher` keeps difflib's interface (`get_opcodes`, `get_grouped_opcodes`) but finds its matching
blocks as patience diff does: lines that occur once in each text anchor the match (their longest
increasing run, by patience sorting), the lines between two anchors are matched the same way, and a
stretch with no such line is left to difflib when it is small, and to difflib with its popular lines
set aside (`autojunk`) when it is not.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from difflib import Match, SequenceMatcher

SMALL = 40_000
"""A stretch with no anchor is matched by plain difflib up to this many line pairs (its a x b)."""


class LineMatcher(SequenceMatcher):
    """A `SequenceMatcher` of two lists of lines whose matching blocks are found the patience way."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)

    def get_matching_blocks(self) -> list[Match]:
        if self.matching_blocks is None:
            pairs: list[tuple[int, int]] = []
            stack = [(0, len(self.a), 0, len(self.b))]
            while stack:
                pairs += _match(self.a, self.b, *stack.pop(), stack)
            self.matching_blocks = _blocks(sorted(pairs)) + [Match(len(self.a), len(self.b), 0)]
        return self.matching_blocks


def _match(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int,
           todo: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """The matched line pairs of a[alo:ahi] and b[blo:bhi] found now; stretches between anchors go on `todo`."""
    pairs = []
    while alo < ahi and blo < bhi and a[alo] == b[blo]:  # common head
        pairs.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:  # common tail
        ahi, bhi = ahi - 1, bhi - 1
        pairs.append((ahi, bhi))
    if alo == ahi or blo == bhi:
        return pairs
    anchors = _anchors(a, b, alo, ahi, blo, bhi)
    if not anchors:
        small = (ahi - alo) * (bhi - blo) <= SMALL
        matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=not small)
        return pairs + [(alo + i + k, blo + j + k) for i, j, size in matcher.get_matching_blocks() for k in range(size)]
    for i, j in anchors:
        todo.append((alo, i, blo, j))
        pairs.append((i, j))
        alo, blo = i + 1, j + 1
    todo.append((alo, ahi, blo, bhi))
    return pairs


def _anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """The lines that occur once in a[alo:ahi] and once in b[blo:bhi], as (i, j), the longest run of
    them in the same order in both (patience sorting)."""
    once_a, once_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if once_b[b[j]] == 1}
    common = [(i, where_b[a[i]]) for i in range(alo, ahi) if once_a[a[i]] == 1 and a[i] in where_b]
    tops: list[int] = []  # the j ending the best run of each length
    ends: list[int] = []  # its index in `common`
    back = [-1] * len(common)
    for k, (_, j) in enumerate(common):
        at = bisect_left(tops, j)
        back[k] = ends[at - 1] if at else -1
        if at == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[at], ends[at] = j, k
    run = []
    k = ends[-1] if ends else -1
    while k >= 0:
        run.append(common[k])
        k = back[k]
    return run[::-1]


def _blocks(pairs: list[tuple[int, int]]) -> list[Match]:
    """Sorted matched pairs as difflib's blocks: runs of consecutive pairs."""
    blocks: list[Match] = []
    for i, j in pairs:
        if blocks and blocks[-1].a + blocks[-1].size == i and blocks[-1].b + blocks[-1].size == j:
            last = blocks[-1]
            blocks[-1] = Match(last.a, last.b, last.size + 1)
        else:
            blocks.append(Match(i, j, 1))
    return blocks
