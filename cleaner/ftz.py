"""A supervised fastText model (`.ftz`: quantized and pruned, as the bundled `lid.176.ftz`) read from
its file and run in numpy, a batch of texts at a time.

fasttext-predict reads a text byte by byte and looks each of its words' character n-grams up in a
hash map: about 0.3 ms per 500-character paragraph on the benchmark machine, the largest single cost of
a run. This module gives the same answers from the same file, computed differently:

- a token's input vector (the sum of its rows: its own when in the vocabulary, and its kept character
  n-grams') is computed once and kept, for up to `TOKEN_CACHE` tokens: news text repeats its words;
- the n-grams of the tokens it has not kept are hashed (FNV-1a, as fastText hashes them) all at once;
- the hierarchical softmax runs for a whole batch of texts at once.

A text's answer does not depend on the batch or on what the cache holds. Its labels are fastText's and
its probabilities agree to about 1e-6: a text's vector is summed here from float32 token sums in float64,
where fastText adds float32 rows one by one; the softmax rounds as fastText's does (tests compare the
two on real text and on any text). Only what `lid.176.ftz` uses is read (version 12, supervised,
hierarchical softmax, character n-grams of 2 or more characters, no word n-grams, pruned); another model
is refused with a `ValueError`. The layout and the arithmetic follow fastText's `Dictionary`,
`QuantMatrix`, `ProductQuantizer` and `HierarchicalSoftmaxLoss` (`computeSubwords`, `hash`, `dfs`).
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

_MAGIC, _VERSION = 793712314, 12
_MODEL_SUPERVISED, _LOSS_HS = 3, 1
_FNV_OFFSET, _FNV_PRIME = np.uint32(2166136261), np.uint32(16777619)
_EOS = "</s>"
"""The word fastText reads at the end of each line (and stops reading at)."""
_KSUB = 256
"""Centroids per sub-quantizer (8-bit codes)."""
_MIN_LOG = np.float32(np.log(1e-5))
"""fastText's `std_log(0)`: a label whose path score falls under it at any node is not returned."""
_SPACES = "\n\r\t\v\f\0"
"""The bytes besides the space at which fastText's `readWord` ends a word."""
_SIGN_EXTENDED = np.array([c if c < 0x80 else c | 0xFFFFFF00 for c in range(256)], dtype=np.uint32)
"""Each byte as fastText's `hash` mixes it in: `uint32_t(int8_t(c))`."""

TOKEN_CACHE = 1 << 16
"""Most tokens outside the vocabulary whose vectors a model keeps (~10 MB); when full it forgets them
all. 8,000 articles of the benchmark corpus in batches of 64 took 6.4 s with 16k, 5.4 s with 64k and
4.6 s with 128k or 256k (fasttext-predict: ~11 s)."""


BATCH_CHARS = 1 << 20
"""Characters read as one batch at most: a batch's new tokens (~150,000 at most in that much news text)
go in the token table even past `TOKEN_CACHE`, until the next batch."""

SCORE_BATCH = 4096
"""Texts whose label scores `best` computes at once: each takes ~6 kB while scored (a node's dot product,
sigmoid and log terms, a label's score), so the 240,000 lines of one 19 MB document (under `max_doc_chars`),
all scored at once, took 1.5 GB. A text's numbers do not depend on its batch."""


def _log_term(x: np.ndarray) -> np.ndarray:
    """fastText's `std_log` of float32 values: `log(x + 1e-5)` in double, rounded to float32."""
    return np.log(x.astype(np.float64) + 1e-5).astype(np.float32)


class _Reader:
    """Little-endian fields read in order from a model file's bytes (a `ValueError` where it ends early)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def _advance(self, size: int) -> int:
        if self.pos + size > len(self.data):
            raise ValueError(f"the file ends early (byte {len(self.data):,}; {self.pos + size:,} needed)")
        at, self.pos = self.pos, self.pos + size
        return at

    def take(self, fmt: str) -> tuple:
        fmt = "<" + fmt
        return struct.unpack_from(fmt, self.data, self._advance(struct.calcsize(fmt)))

    def array(self, dtype: str, count: int) -> np.ndarray:
        return np.frombuffer(self.data, dtype, count, self._advance(np.dtype(dtype).itemsize * count))

    def word(self) -> str:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise ValueError("the file ends early (in the dictionary)")
        return self.data[self._advance(end + 1 - self.pos):end].decode("utf-8", "surrogateescape")


def _matrix(r: _Reader, quantized: bool) -> np.ndarray:
    """A fastText matrix as float32 rows; a quantized one decoded (each row: its sub-quantizers'
    centroids side by side, times its quantized norm)."""
    if not quantized:
        m, n = r.take("2q")
        return r.array("<f4", m * n).reshape(m, n)
    qnorm, = r.take("?")
    m, n = r.take("2q")
    codesize, = r.take("i")
    codes = r.array("u1", codesize).reshape(m, -1)
    dim, nsubq, dsub, lastdsub = r.take("4i")
    centroids = r.array("<f4", dim * _KSUB)
    parts = []
    for k in range(nsubq):
        width = lastdsub if k == nsubq - 1 else dsub
        block = centroids[k * _KSUB * dsub: k * _KSUB * dsub + _KSUB * width].reshape(_KSUB, width)
        parts.append(block[codes[:, k]])
    rows = np.concatenate(parts, axis=1)
    if qnorm:
        norm_codes = r.array("u1", m)
        ndim, _, _, _ = r.take("4i")
        rows = rows * r.array("<f4", ndim * _KSUB)[norm_codes][:, None]
    return rows.astype(np.float32)


class _Slots(dict):
    """Token -> its row in a model's token table. A token not there yet is given the next free row and
    listed in `pending`, for the model to fill the row; a label token (`__label__...`) counts for nothing."""

    def __init__(self, vocab: dict[str, int], skip: int) -> None:
        super().__init__(vocab)
        self.skip, self.next, self.pending = skip, skip + 1, []

    def __missing__(self, token: str) -> int:
        if token.startswith("__label__"):
            return self.skip
        self.pending.append(token)
        self[token] = row = self.next
        self.next += 1
        return row


class FtzModel:
    """A supervised fastText model: `best(texts)` and `ranked(text)`, as fastText's `predict` with
    k=1 and k=-1 (one line of text each, its words split at whitespace)."""

    def __init__(self, data: bytes) -> None:
        r = _Reader(data)
        magic, version = r.take("2i")
        if magic != _MAGIC or version != _VERSION:
            raise ValueError(f"not a fastText model of version {_VERSION}")
        (self.dim, _ws, _epoch, _min_count, _neg, word_ngrams, loss, model, self.bucket, self.minn, self.maxn,
         _lr_update) = r.take("12i")
        r.take("d")
        size, nwords, _nlabels = r.take("3i")
        _ntokens, pruned = r.take("2q")
        kind = (model, loss, word_ngrams) == (_MODEL_SUPERVISED, _LOSS_HS, 1)
        if not kind or not 2 <= self.minn <= self.maxn or pruned < 0:
            raise ValueError("only pruned supervised models with hierarchical softmax, character n-grams and no "
                             "word n-grams are read (as lid.176.ftz)")
        words, counts = [], []
        for _ in range(size):
            words.append(r.word())
            count, _type = r.take("qb")
            counts.append(count)
        prune = r.array("<i4", 2 * pruned).reshape(-1, 2)
        quantized, = r.take("?")
        rows = _matrix(r, quantized)
        qout, = r.take("?")
        out = _matrix(r, quantized and qout)
        if r.pos != len(data):
            raise ValueError(f"{len(data) - r.pos:,} bytes left after the model")
        if _EOS not in words[:nwords]:
            raise ValueError(f"no end-of-line word {_EOS!r} in the dictionary")

        self.nwords = nwords
        self.labels = tuple(w.removeprefix("__label__") for w in words[nwords:])
        self._rows = np.vstack([rows, np.zeros((1, self.dim), np.float32)])
        self._none = len(rows)  # the zero row: where a dropped n-gram points
        self._bucket_rows = np.full(self.bucket, self._none, dtype=np.uint16 if self._none < 0xFFFF else np.int32)
        self._bucket_rows[prune[:, 0]] = nwords + prune[:, 1]  # the n-grams pruning kept; the others have none
        self._build_tree(counts[nwords:], out)

        self._vocab = {w: i for i, w in enumerate(words[:nwords])}
        sums, lengths = self._ngram_sums(words[:nwords])
        sums += self._rows[:nwords]  # a vocabulary word's own row
        lengths += 1
        eos = self._vocab[_EOS]
        sums[eos], lengths[eos] = self._rows[eos], 1  # the end of the line: its own row, no n-grams
        self._skip = nwords  # a label token's row: no vector, no count
        self._sums = np.zeros((nwords + 1 + TOKEN_CACHE, self.dim), np.float32)
        self._lengths = np.zeros(nwords + 1 + TOKEN_CACHE)
        self._sums[:nwords], self._lengths[:nwords] = sums, lengths
        self._lock = threading.Lock()
        self._forget()

    @classmethod
    def load(cls, path: str | Path) -> FtzModel:
        """The model in the file at `path` (a `ValueError` naming it when it is not one this module reads)."""
        try:
            return cls(Path(path).read_bytes())
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def _forget(self) -> None:
        """Empty the token cache (the vocabulary stays)."""
        self._slots = _Slots(self._vocab, self._skip)

    def _build_tree(self, counts: list[int], out: np.ndarray) -> None:
        """fastText's Huffman tree over the labels (`buildTree`), kept as each label's path from the root:
        the index of each node's term (left or right) in `_scores`' terms, padded with the zero term."""
        osz = len(counts)
        count = list(counts) + [10 ** 15] * (osz - 1)
        parent, right = [-1] * (2 * osz - 1), [False] * (2 * osz - 1)
        leaf, node = osz - 1, osz
        for i in range(osz, 2 * osz - 1):
            pick = []
            for _ in range(2):
                if leaf >= 0 and count[leaf] < count[node]:
                    pick.append(leaf)
                    leaf -= 1
                else:
                    pick.append(node)
                    node += 1
            count[i] = count[pick[0]] + count[pick[1]]
            parent[pick[0]] = parent[pick[1]] = i
            right[pick[1]] = True
        paths = []
        for label in range(osz):
            path, at = [], label
            while parent[at] != -1:
                path.append((parent[at] - osz, right[at]))
                at = parent[at]
            paths.append(path[::-1])
        depth = max(map(len, paths))
        self._path = np.full((osz, depth), 2 * (osz - 1))  # into [log(1-f) | log(f) | 0]
        for label, path in enumerate(paths):
            self._path[label, :len(path)] = [inner + (osz - 1 if is_right else 0) for inner, is_right in path]
        self._out = out[: osz - 1].astype(np.float64)

    def _ngram_sums(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For each token, the sum of its kept character n-grams' rows and their number (fastText's
        `computeSubwords` on `<token>`, n = minn..maxn characters, hashed over UTF-8 bytes)."""
        k = len(tokens)
        sums, lengths = np.zeros((k, self.dim)), np.zeros(k)
        if not k:
            return sums, lengths
        data = np.frombuffer("".join(["<" + t + ">" for t in tokens]).encode("utf-8", "surrogatepass"), np.uint8)
        starts = np.flatnonzero((data & 0xC0) != 0x80)  # each character's first byte
        size = len(starts)
        chars = np.fromiter(map(len, tokens), np.int64, k) + 2
        owner = np.repeat(np.arange(k), chars)
        first = np.cumsum(chars) - chars
        last = (first + chars - 1)[owner]  # each character's token's `>`
        at = np.arange(size)
        if len(data) == size:
            lanes, nbytes = [_SIGN_EXTENDED[data]], None
        else:
            nbytes = np.diff(starts, append=len(data))
            lanes = [_SIGN_EXTENDED[data[np.minimum(starts + b, len(data) - 1)]] for b in range(4)]
        h = np.full(size, _FNV_OFFSET, dtype=np.uint32)
        kept = []
        for n in range(1, self.maxn + 1):
            j = np.minimum(at + (n - 1), size - 1)
            h = (h ^ lanes[0][j]) * _FNV_PRIME
            if nbytes is not None:
                width = nbytes[j]
                for b in range(1, 4):
                    more = np.flatnonzero(width > b)
                    if not len(more):
                        break
                    h[more] = (h[more] ^ lanes[b][j[more]]) * _FNV_PRIME
            if n >= self.minn:
                within = at + (n - 1) <= last
                kept.append(np.where(within, self._bucket_rows[h % np.uint32(self.bucket)], self._none))
        rows = np.stack(kept, axis=1).ravel()  # in token order
        hit = rows != self._none
        rows, whose = rows[hit], np.repeat(owner, len(kept))[hit]
        lengths[:] = np.bincount(whose, minlength=k)
        has = lengths > 0
        if has.any():
            sums[has] = np.add.reduceat(self._rows[rows], (np.cumsum(lengths) - lengths)[has].astype(np.int64),
                                        dtype=np.float64)
        return sums, lengths

    def hidden(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's hidden vector: the mean of its words' rows, the end of the line's included (read
        `BATCH_CHARS` characters at a time, which bounds what one batch adds to the token table)."""
        with self._lock:  # the token cache is shared: one batch at a time (the service tags from many threads)
            return self._hidden_all(texts)

    def _hidden_all(self, texts: Sequence[str]) -> np.ndarray:
        parts, part, size = [], [], 0
        for text in texts:
            part.append(text)
            size += len(text)
            if size >= BATCH_CHARS:
                parts.append(self._hidden(part))
                part, size = [], 0
        if part:
            parts.append(self._hidden(part))
        return np.concatenate(parts) if parts else np.zeros((0, self.dim))

    def _hidden(self, texts: Sequence[str]) -> np.ndarray:
        if self._slots.next > self.nwords + 1 + TOKEN_CACHE:
            self._forget()
        slots, ids, bounds = self._slots, [], []
        first_new = slots.next
        for text in texts:
            for space in _SPACES:
                if space in text:
                    text = text.replace(space, " ")
            tokens = text.split(" ")
            if "" in tokens:
                tokens = [t for t in tokens if t]
            if _EOS in tokens:  # fastText stops reading a line at an end-of-line word
                del tokens[tokens.index(_EOS) + 1:]
            else:
                tokens.append(_EOS)
            bounds.append(len(ids))
            ids += map(slots.__getitem__, tokens)
        if slots.pending:
            self._store(first_new, *self._ngram_sums(slots.pending))
            slots.pending = []
        occ = np.array(ids, dtype=np.int64)
        total = np.add.reduceat(self._sums[occ], bounds, axis=0, dtype=np.float64)
        count = np.add.reduceat(self._lengths[occ], bounds)
        return total / np.maximum(count, 1.0)[:, None]

    def _store(self, at: int, sums: np.ndarray, lengths: np.ndarray) -> None:
        """Put new tokens' vectors in their rows from `at` (the table grows past `TOKEN_CACHE` for one
        batch's new tokens when needed; the next batch starts with an empty cache)."""
        end = at + len(sums)
        if end > len(self._sums):
            self._sums = np.concatenate([self._sums, np.zeros((end - len(self._sums), self.dim), np.float32)])
            self._lengths = np.concatenate([self._lengths, np.zeros(end - len(self._lengths))])
        self._sums[at:end], self._lengths[at:end] = sums, lengths

    def _scores(self, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each label's log-probability for each hidden vector, and the per-node terms behind it.

        As fastText's `dfs`: each node's sigmoid (`exp` and `1 + exp` in float32, the division in
        double) and log term rounded to float32 (near 1, that rounding decides the tiny probabilities,
        hence which labels the search reaches), the score a float32 sum
        from the root down. Sums are added term by term in a fixed order (numpy's reductions and matrix
        products may round differently with the batch's shape), so a text gets the same numbers in any batch."""
        dot = np.zeros((len(hidden), len(self._out)))
        for k in range(self.dim):
            dot += hidden[:, k, None] * self._out[:, k]
        with np.errstate(over="ignore"):  # exp of a large -dot is inf, and the sigmoid 0, as in fastText's C++
            f = (1.0 / (np.float32(1.0) + np.exp(-dot.astype(np.float32))).astype(np.float64)).astype(np.float32)
        terms = np.concatenate([_log_term(np.float32(1.0) - f), _log_term(f),
                                np.zeros((len(hidden), 1), np.float32)], axis=1)
        scores = np.zeros((len(hidden), len(self.labels)), np.float32)
        for step in self._path.T:
            scores += terms[:, step]
        return scores, terms

    def _reached(self, terms: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Whether fastText's search reaches each text's `labels` (rows of the same length): it stops
        wherever the path's score falls under `_MIN_LOG`."""
        paths = terms[np.arange(len(terms))[:, None, None], self._path[labels]]
        return np.cumsum(paths, axis=-1).min(axis=-1) >= _MIN_LOG

    def best(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Each text's most likely label and its probability (fastText's `predict(text, k=1)`), scored
        `SCORE_BATCH` texts at a time."""
        hidden, out = self.hidden(texts), []
        for at in range(0, len(hidden), SCORE_BATCH):
            scores, _ = self._scores(hidden[at:at + SCORE_BATCH])
            # the best label is always reached: its probability is at least 1/176, and no path's score
            # falls more than ~1e-4 below its end, far above the cut at 1e-5
            top = scores.argmax(axis=1).tolist()
            out += [(self.labels[label], float(np.exp(scores[i, label]))) for i, label in enumerate(top)]
        return out

    def _order(self, scores: np.ndarray, terms: np.ndarray) -> list[int]:
        """The labels fastText's search reaches for one text, most likely first."""
        every = np.arange(len(self.labels))
        reached = self._reached(terms[None, :], every[None, :])[0]
        return [int(i) for i in np.argsort(-scores, kind="stable") if reached[i]]

    def ranked(self, text: str) -> list[tuple[str, float]]:
        """Every label fastText gives `text`, most likely first, with its probability (`predict(text, k=-1)`)."""
        scores, terms = self._scores(self.hidden([text]))
        return [(self.labels[i], float(np.exp(scores[0, i]))) for i in self._order(scores[0], terms[0])]
