"""MinHash signatures, LSH band keys and the exact-text hash.

`DedupParams` holds everything that shapes a signature or a band key (num_perm, seed, permutation
scheme, shingle hash, shingle size, normal form, bands x rows) plus the verification `threshold`. It
is checked when built, and stored in the index so an index is never read with other parameters.

Signatures are datasketch `MinHash`es (scheme `affine32`, fixed seed) over 32-bit shingle hashes:
each word (`shingle.words`) gets a 64-bit polynomial hash of its UTF-8 bytes (computed for all words at once from
prefix sums; stable across processes and runs, unlike `hash()`), and the n words of a shingle are
combined with fixed odd multipliers and a 64-bit mixer. No string per shingle is built and there is
no Python loop per word: this is what makes signing fast. A
signature is kept as a `numpy.uint32` array of `num_perm` values; `to_minhash` rebuilds the
datasketch object, with the scheme (see DESIGN pitfalls: `hashvalues=` needs the same `scheme=`).

Band keys: the signature is cut into `bands` bands of `rows` values; each band (with its band
number) is hashed to one signed 64-bit integer (multiply-add with fixed odd constants, then the
MurmurHash3 64-bit finaliser), so the index stores 8 bytes per band and two documents are LSH
candidates when they share any key. A chance collision only adds a candidate, which verification
then rejects.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import threading
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING

import numpy as np

from .shingle import DEFAULT_SHINGLE_SIZE, NORMALISATION, SHINGLE_HASH, normalise, words

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

SCHEME = "affine32"
DEFAULT_NUM_PERM = 128
DEFAULT_THRESHOLD = 0.5
DEFAULT_SEED = 1


KNOWN_BANDS = {(DEFAULT_THRESHOLD, DEFAULT_NUM_PERM, 0.3, 0.7): (25, 5)}
"""`optimal_bands` of the default parameters, so that a process that only reads signatures never imports
datasketch, which loads scipy for `_optimal_param` (~40 MB a process); a test pins it to datasketch."""


@lru_cache(maxsize=64)
def optimal_bands(threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) with bands*rows <= num_perm minimising the weighted false-positive and
    false-negative areas of the LSH S-curve around `threshold` (datasketch's `_optimal_param`)."""
    known = KNOWN_BANDS.get((threshold, num_perm, fp_weight, fn_weight))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    return tuple(int(v) for v in _optimal_param(threshold, num_perm, fp_weight, fn_weight))


@dataclass(frozen=True)
class DedupParams:
    """Dedup parameters. `bands`/`rows` default to `optimal_bands(threshold, num_perm, *weights)`.

    `weights` = (false positive, false negative): candidates are verified, so a false positive
    costs only a comparison while a false negative is a missed duplicate; the default leans to recall.
    """

    num_perm: int = DEFAULT_NUM_PERM
    threshold: float = DEFAULT_THRESHOLD
    shingle_size: int = DEFAULT_SHINGLE_SIZE
    seed: int = DEFAULT_SEED
    weights: tuple[float, float] = (0.3, 0.7)
    bands: int = 0
    rows: int = 0
    scheme: str = field(default=SCHEME, init=False)
    shingle_hash: str = field(default=SHINGLE_HASH, init=False)
    normalisation: str = field(default=NORMALISATION, init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.num_perm, int) or not 16 <= self.num_perm <= 1024:
            raise ValueError(f"num_perm must be an integer from 16 to 1024, got {self.num_perm!r}; 128 is the default")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must be between 0 and 1 (exclusive), got {self.threshold!r}; "
                             f"{DEFAULT_THRESHOLD} is the default")
        if not isinstance(self.shingle_size, int) or not 1 <= self.shingle_size <= 20:
            raise ValueError(f"shingle_size must be an integer from 1 to 20 words, got {self.shingle_size!r}")
        if (self.bands == 0) != (self.rows == 0):
            raise ValueError("give both bands and rows, or neither (they are then chosen from the threshold)")
        if self.bands == 0:
            b, r = optimal_bands(self.threshold, self.num_perm, *self.weights)
            object.__setattr__(self, "bands", b)
            object.__setattr__(self, "rows", r)
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows must be at most num_perm: {self.bands} x {self.rows} > {self.num_perm}")

    def stored(self) -> dict[str, str]:
        """What an index must agree on (everything that shapes a stored signature or band key)."""
        return {
            "num_perm": str(self.num_perm), "seed": str(self.seed), "scheme": self.scheme,
            "shingle_hash": self.shingle_hash, "shingle_size": str(self.shingle_size),
            "normalisation": self.normalisation, "bands": str(self.bands), "rows": str(self.rows),
            "threshold": repr(self.threshold),
        }


class Signer:
    """Turns clean text into (exact hash, signature, band keys) for one `DedupParams`."""

    def __init__(self, params: DedupParams | None = None) -> None:
        self.params = params or DedupParams()

    @cached_property
    def _new_minhash(self) -> Callable[[], MinHash]:
        """A maker of empty MinHashes sharing one set of permutations, generated on the first signing
        (a process that only reads signatures never loads datasketch)."""
        MinHash = minhash_class()
        template = MinHash(num_perm=self.params.num_perm, seed=self.params.seed, scheme=SCHEME)
        return partial(MinHash, num_perm=self.params.num_perm, seed=self.params.seed, hashfunc=_identity,
                       permutations=template.permutations, scheme=SCHEME)

    def shingle_hashes(self, normal: str | bytes) -> np.ndarray:
        """32-bit hashes of the shingles of a normal-form text, or of the UTF-8 of its `words` (see `shingle.shingles`).
        Each step works in place on one array: a news article's arrays are a few hundred values, where numpy's
        cost is per call and per array made more than per value."""
        hashes = _word_hashes(words(normal).encode("utf-8") if isinstance(normal, str) else normal)
        if hashes.size == 0:
            return np.empty(0, dtype=np.uint32)
        n = min(self.params.shingle_size, len(hashes))
        m = len(hashes) - n + 1
        h = np.full(m, np.uint64(n), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(n):
                h += hashes[k : k + m]
                h *= _MULT[k]
            _fmix64(h)
        halves = h.view(np.uint32).reshape(-1, 2)  # the high and the low 32 bits of each, xored
        return np.bitwise_xor(halves[:, 0], halves[:, 1])

    def shingle_set(self, text: str) -> np.ndarray:
        """The distinct shingle hashes of `text`, sorted: the set its signature samples (`exact_jaccards`)."""
        return np.unique(self.shingle_hashes(normalise(text)))

    def minhash_normal(self, normal: str | bytes) -> MinHash | None:
        hv = self.shingle_hashes(normal)
        if hv.size == 0:
            return None
        m = self._new_minhash()
        for start in range(0, hv.size, SIGN_BLOCK):  # each a "value" whose hash is a whole block of shingles
            m.update_batch([hv[start : start + SIGN_BLOCK]])
        return m

    def minhash(self, text: str) -> MinHash | None:
        """The MinHash of `text`'s shingles, or None when it has none (empty or punctuation only)."""
        return self.minhash_normal(normalise(text))

    def signature(self, text: str) -> np.ndarray | None:
        """The MinHash values of `text` as a uint32 array of `num_perm`, or None (no shingles)."""
        m = self.minhash(text)
        return None if m is None else m.hashvalues.astype(np.uint32, copy=False)

    def sign(self, text: str) -> tuple[int, np.ndarray | None]:
        """(exact hash, signature or None) of `text`, normalising it once."""
        normal = normalise(text)
        split = words(normal)
        data = split.encode("utf-8")
        exact = _exact(data if split is normal else normal.encode("utf-8")) if normal else _bare(text)
        m = self.minhash_normal(data)
        return exact, None if m is None else m.hashvalues.astype(np.uint32, copy=False)

    def to_minhash(self, signature: np.ndarray) -> LeanMinHash:
        """A datasketch sketch rebuilt from stored values (with the scheme it was made with)."""
        from datasketch import LeanMinHash, MinHash

        return LeanMinHash(MinHash(seed=self.params.seed, hashvalues=signature, scheme=SCHEME))


SIGN_BLOCK = 8_192
"""Shingles hashed into a sketch at a time: datasketch permutes a block into a (block x num_perm) array of
64-bit values (8 MB at 128), where a whole 20 MB document at once needed gigabytes. The minimum over
blocks is the minimum over all, so the sketch is the same."""


def minhash_class() -> type[MinHash]:
    """datasketch's `MinHash` class, loaded without the rest of datasketch when the package is not loaded
    yet. `import datasketch` imports every sketch it has and, for `MinHashLSH`, scipy: ~46 MB in each
    process that signs, where signing needs only `datasketch.minhash` (and the `hashfunc` it imports).
    These two are loaded under a bare stand-in for the package, and then every name put in `sys.modules`
    meanwhile is taken out again, so a later `import datasketch` anywhere in the process loads the whole
    package as usual (with its own copy of the class). Loaded once per process, under a lock (a program
    may sign from several threads)."""
    global _MINHASH
    with _MINHASH_LOCK:
        if _MINHASH is None:
            _MINHASH = _load_minhash()
        return _MINHASH


_MINHASH: type[MinHash] | None = None
_MINHASH_LOCK = threading.Lock()


def _load_minhash() -> type[MinHash]:
    if "datasketch" in sys.modules:
        from datasketch import MinHash

        return MinHash
    spec = importlib.util.find_spec("datasketch")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("signing needs datasketch: pip install datasketch")
    before = set(sys.modules)
    bare = types.ModuleType("datasketch")
    bare.__path__ = list(spec.submodule_search_locations)
    sys.modules["datasketch"] = bare
    try:
        from datasketch.minhash import MinHash
    finally:
        for name in set(sys.modules) - before:
            if name == "datasketch" or name.startswith("datasketch."):
                del sys.modules[name]
    return MinHash


_MULT = [np.uint64(c) for c in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                                   0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x27D4EB2F165667C5, 0x85EBCA77C2B2AE63,
                                   0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0x2545F4914F6CDD1D, 0x9FB21C651E98DF25,
                                   0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3,
                                   0x1D8E4E27C47D124F, 0xDB4F0B9175AE2165, 0x4C8D35E4B3A19F2B, 0x7A0D5E3D5F0B1C39)]


def _identity(x: np.ndarray) -> np.ndarray:
    return x


_P = 0x100000001B3 * 0x9E3779B97F4A7C15 % 2**64 | 1  # odd: invertible modulo 2^64
_POWERS = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
_POWERS_LOCK = threading.Lock()


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """P^k and P^-k modulo 2^64 for k < n (grown by doubling, kept for the process). The pair is one
    object, replaced whole under a lock, so a thread signing meanwhile sees the old pair or the new one."""
    global _POWERS
    powers = _POWERS
    if len(powers[0]) < n:
        with _POWERS_LOCK:
            powers = _POWERS
            if len(powers[0]) < n:
                size = max(n, 2 * len(powers[0]), 4096)
                with np.errstate(over="ignore"):
                    powers = tuple(np.cumprod(np.r_[np.uint64(1), np.full(size - 1, base, dtype=np.uint64)],
                                              dtype=np.uint64) for base in (_P, pow(_P, -1, 2**64)))
                _POWERS = powers
    return powers


def _word_hashes(normal: bytes) -> np.ndarray:
    """A 64-bit hash per word of the UTF-8 of a normal-form text (words split by single spaces),
    vectorised: polynomial prefix sums of the bytes modulo 2^64, then the MurmurHash3 finaliser."""
    data = np.frombuffer(normal, dtype=np.uint8)
    if data.size == 0:
        return np.empty(0, dtype=np.uint64)
    pw, ipw = _powers(data.size + 1)
    with np.errstate(over="ignore"):
        terms = np.add(data, np.uint64(1), dtype=np.uint64)
        terms *= pw[: data.size]
        prefix = np.zeros(data.size + 1, dtype=np.uint64)
        np.cumsum(terms, out=prefix[1:])
        spaces = np.flatnonzero(data == 32)
        starts = np.empty(spaces.size + 1, dtype=np.intp)
        starts[0] = 0
        np.add(spaces, 1, out=starts[1:])
        ends = np.empty(spaces.size + 1, dtype=np.intp)
        ends[:-1] = spaces
        ends[-1] = data.size
        h = prefix[ends]
        h -= prefix[starts]
        h *= ipw[starts]
        h ^= (ends - starts).astype(np.uint64)
        return _fmix64(h)


def _fmix64(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 64-bit finaliser of each value of `h`, in place; `h` itself is returned."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def band_keys_matrix(signatures: np.ndarray, bands: int, rows: int, block: int = 8_192) -> np.ndarray:
    """Band keys of many signatures at once: an (n, bands) int64 array (computed `block` signatures at
    a time, so that the 64-bit working copies stay small whatever n)."""
    signatures = np.asarray(signatures).reshape(-1, signatures.shape[-1])
    out = np.empty((len(signatures), bands), dtype=np.int64)
    for start in range(0, len(signatures), block):
        sig = signatures[start : start + block, : bands * rows].astype(np.uint64).reshape(-1, bands, rows)
        with np.errstate(over="ignore"):
            h = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _MULT[0], (len(sig), bands)).copy()
            for j in range(rows):
                h = (h ^ sig[:, :, j]) * _MULT[(j + 1) % len(_MULT)]
                h = h ^ (h >> np.uint64(29))
            out[start : start + block] = _fmix64(h).view(np.int64)
    return out


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band (see `band_keys_matrix`)."""
    return band_keys_matrix(np.asarray(signature)[None, :], bands, rows)[0].tolist()


def _exact(normal: bytes) -> int:
    digest = hashlib.blake2b(normal, digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _bare(text: str) -> int:
    """The exact hash of a text whose normal form is empty (no letter or digit: "!!!", "(...)"): of the text itself,
    stripped, personalised so that it meets no normal form's. Hashed by their empty normal form, "!!!" and "«»" were
    exact duplicates of each other."""
    digest = hashlib.blake2b(text.strip().encode("utf-8", "surrogatepass"), digest_size=8, person=b"bare").digest()
    return int.from_bytes(digest, "little", signed=True)


def exact_hash(text: str) -> int:
    """Signed 64-bit blake2b hash of the normal form (texts equal after `normalise` collide; one whose normal form is
    empty, of itself: `_bare`)."""
    normal = normalise(text)
    return _exact(normal.encode("utf-8")) if normal else _bare(text)


def estimate_jaccard(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values (None = no shingles)."""
    if a is None or b is None:
        return 1.0 if a is None and b is None else 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def exact_jaccards(a: np.ndarray, others: list[np.ndarray]) -> np.ndarray:
    """The Jaccard similarity of the set `a` with each of `others` (at least one; `Signer.shingle_set`s, none
    empty), in one pass over them all rather than one per set."""
    sizes = np.array([len(b) for b in others], dtype=np.int64)
    values = np.concatenate(others)
    shared = a[np.minimum(np.searchsorted(a, values), len(a) - 1)] == values  # `a` is sorted
    common = np.add.reduceat(shared, np.r_[0, np.cumsum(sizes)[:-1]], dtype=np.int64)
    return common / (len(a) + sizes - common)
