"""The keep policy on a chunk of candidate components, run on a worker.

A component (`shuffle.components`) holds every document a verdict on its members depends on: the other
copies of an id, the other documents of an exact text, every LSH candidate, and the index documents any
of them shares an id, a text or a band with. So the local engine's `dedup_batch` over the component's
documents, against an in-memory index holding only the component's index documents, gives exactly the
verdicts and clusters it gives over the whole corpus against the whole index: verification by estimated
Jaccard, and by exact Jaccard of the texts for near-threshold pairs (read from the parts, as the local engine
reads them from its run state), exact groups, repeated and already-indexed ids, the keep policy and the clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from ..dedup.cluster import Decision, Item, dedup_batch, repeated, sign_items
from ..dedup.index import DedupIndex
from ..dedup.signature import DedupParams, Signer
from .parts import NODE_BITS, POSITION, load_copies, load_texts


def decide(nodes: list[int], params: DedupParams, items: list[list[tuple[int, Item]]],
           index_rows: list[dict[int, tuple]], part_paths: list[Path]) -> tuple[list[tuple[int, Decision]], list[dict[str, Any]]]:
    """Verdicts (node, decision) for the run's documents among `nodes`, and their clusters.

    `items` are `parts.load_items` results and `index_rows` `mirror.index_rows` results holding (at
    least) the nodes of these components; copies of one id get their `tiebreak` and `place` from their split's
    part (`part_paths`), one read per part."""
    wanted = set(nodes)
    found = {node: item for chunk in items for node, item in chunk if node in wanted}
    run_nodes = [node for node in nodes if node in found]
    tied: dict[int, list[int]] = {}
    for pos in repeated([found[node].id for node in run_nodes]):
        tied.setdefault(run_nodes[pos] >> NODE_BITS, []).append(run_nodes[pos] & POSITION)
    for k, positions in tied.items():
        for pos, (tie, place) in load_copies(part_paths[k], positions).items():
            node = (k << NODE_BITS) | pos
            found[node] = replace(found[node], tiebreak=tie, place=place)
    batch = replace(sign_items([found[node] for node in run_nodes], Signer(params)),
                    texts=_texts(run_nodes, part_paths))
    with DedupIndex(":memory:", params) as index:
        index.add_many(row for rows in index_rows for node, row in rows.items() if node in wanted)
        result = dedup_batch(batch, index, add=False)
    verdicts = [(run_nodes[pos], decision) for pos, decision in zip(result.positions, result.decisions)]
    return verdicts, [asdict(c) for c in result.clusters]


def _texts(nodes: list[int], part_paths: list[Path]) -> Callable[[list[int]], list[str | None]]:
    """`Signed.texts` of a batch of these nodes: their clean texts, read from their parts, one read per part."""

    def texts(rows: list[int]) -> list[str | None]:
        by_part: dict[int, list[int]] = {}
        for row in rows:
            by_part.setdefault(nodes[row] >> NODE_BITS, []).append(nodes[row] & POSITION)
        read = {(k << NODE_BITS) | pos: text for k, positions in by_part.items()
                for pos, text in load_texts(part_paths[k], positions).items()}
        return [read.get(nodes[row]) for row in rows]

    return texts
