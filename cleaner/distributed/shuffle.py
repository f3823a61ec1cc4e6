"""The dedup shuffle: (key, node) rows by key → candidate edges → connected components.

Every cleaned document contributes rows keyed by its id hash, its exact hash and each LSH band key
(`parts.part_keys`); every document of the index contributes the same rows (`mirror`). A map task cuts
its rows into `buckets` by key, written to one file in bucket order in the run's shared work folder; a
reduce task reads its bucket's rows from every map's file (no graph of maps x buckets, no rows through
the scheduler), and for each key held by two or more nodes, at least one from this run, links them
(first node to each other one: linear in the group, however large). Those edges are what the client receives: they grow with the number of
candidate duplicates, not with the corpus. Its union-find then gives the connected components; every
document outside them has no same id, no same text and no LSH candidate anywhere, so it is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

ID_TAG = np.int64(0x5BD1E9955BD1E995)
EXACT_TAG = np.int64(0x2545F4914F6CDD1D)
"""XORed into id and exact hashes so they do not meet band keys (a chance meeting only adds a candidate)."""

INDEX_NODE = 1 << 62
"""Nodes at or above this are index documents (`INDEX_NODE | doc`)."""


def write_buckets(keys: np.ndarray, nodes: np.ndarray, buckets: int, path: Path) -> list[int]:
    """Write the (key, node) rows to `path` (an (n, 2) int64 .npy file) in order of bucket (key modulo
    `buckets`); return where each bucket starts (`buckets + 1` offsets), which is all a reduce task needs
    to read its bucket of this file (`read_bucket`)."""
    rows = np.stack([keys.astype(np.int64), nodes.astype(np.int64)], axis=1)
    which = keys.view(np.uint64) % np.uint64(buckets)
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(buckets + 1, dtype=np.uint64))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, rows[order])
    return bounds.tolist()


def read_bucket(path: Path, start: int, end: int) -> np.ndarray:
    """Rows `start:end` of a file `write_buckets` wrote (one bucket), read alone."""
    return np.array(np.load(path, mmap_mode="r")[start:end])


def bucket_edges(pieces: list[tuple[Path, int, int]]) -> tuple[np.ndarray, int]:
    """`candidate_edges` of one bucket, read from every map's file: (path, start, end) each."""
    return candidate_edges(*(read_bucket(*piece) for piece in pieces))


def candidate_edges(*pieces: np.ndarray) -> tuple[np.ndarray, int]:
    """(edges as an (m, 2) array, bytes received) for one bucket: every node of a shared key linked to the
    key's first node, for keys with at least one node of this run."""
    received = sum(p.nbytes for p in pieces)
    rows = np.unique(np.concatenate([p.reshape(-1, 2) for p in pieces] or [np.empty((0, 2), np.int64)]), axis=0)
    if len(rows) < 2:
        return np.empty((0, 2), np.int64), received
    keys, nodes = rows[:, 0], rows[:, 1]  # sorted by key, then node
    start = np.r_[True, keys[1:] != keys[:-1]]
    group = np.cumsum(start) - 1
    size = np.bincount(group)
    has_run_node = np.bincount(group, weights=nodes < INDEX_NODE) > 0
    first = nodes[np.flatnonzero(start)][group]
    keep = ~start & (size[group] > 1) & has_run_node[group]
    return np.unique(np.stack([first[keep], nodes[keep]], axis=1), axis=0), received


def components(edges: Iterable[np.ndarray]) -> dict[int, list[int]]:
    """The connected components of the edge lists: root → sorted member nodes (index nodes included)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for array in edges:
        for a, b in array.tolist():
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    out: dict[int, list[int]] = {}
    for node in sorted(parent):
        out.setdefault(find(node), []).append(node)
    return out
