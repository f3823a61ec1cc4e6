"""Near-duplicate detection on clean text: exact hash, MinHash LSH, verified candidates, SQLite index.

    shingle.py    normal form (exact hashing) and word n-gram shingles
    signature.py  DedupParams, MinHash signatures, LSH band keys, exact hash
    index.py      DedupIndex: the persistent SQLite index of kept documents
    cluster.py    dedup_batch / Deduplicator: one batch against the index, deterministic keep policy
"""

from .cluster import BatchResult, Cluster, Decision, Deduplicator, Item, Signed, dedup_batch
from .index import DedupIndex, ForkedIndexError, IndexBusyError, IndexedDoc, IndexMismatchError
from .shingle import jaccard, normalise, shingles
from .signature import DedupParams, Signer, band_keys, estimate_jaccard, exact_hash, optimal_bands

__all__ = [
    "BatchResult", "Cluster", "Decision", "DedupIndex", "DedupParams", "Deduplicator", "ForkedIndexError", "IndexBusyError", "IndexMismatchError",
    "IndexedDoc", "Item", "Signed", "Signer", "band_keys", "dedup_batch", "estimate_jaccard", "exact_hash", "jaccard",
    "normalise", "optimal_bands", "shingles",
]
