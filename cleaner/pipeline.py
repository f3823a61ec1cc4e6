"""The corpus pipeline: clean → language → gates → dedup, from one `Config`.

`Pipeline.prepare` runs the per-document stages; `Pipeline.run` takes a whole batch through them and
then through dedup against the index, and returns every input exactly once: kept documents and
rejections, each sorted by id, so the output does not depend on input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .closing import Closing
from .dedup.cluster import Cluster, Deduplicator, Item
from .dedup.signature import DedupParams
from .engine import Cleaner
from .gates import gate
from .lang import Tagger, make_tagger
from .models import Cleaned, Document, Rejected

DocLike = Document | Mapping[str, Any] | str
"""What the API and the pipeline accept as a document."""


def as_document(doc: DocLike, index: int = 0, config: Config | None = None) -> Document:
    """A `Document` from a Document, a mapping (`id`/`text` by the config's field names) or a plain string."""
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return Document(id=str(index), text=doc)
    config = config or Config.load()
    data = dict(doc)
    data.setdefault(config.id_field, str(index))
    fields = {"id": str(data.pop(config.id_field)), "text": data.pop(config.text_field, "")}
    fields.update({k: data.pop(k) for k in ("url", "source", "html", "lang", "meta") if k in data})
    if data:
        fields["meta"] = {**fields.get("meta", {}), **data}
    return Document(**fields)


_DEDUP_DETAIL = {
    "duplicate": "near-duplicate of {dup_of} (estimated Jaccard {similarity:.3f})",
    "exact_duplicate": "same normalised clean text as {dup_of}",
    "already_indexed": "this id is already in the index (kept by an earlier run)",
    "repeated_id": "this id appears more than once in the input; the copy ranked first by the keep policy stays",
}


@dataclass
class RunResult:
    """What one batch gave: kept documents and rejections (sorted by id), and the duplicate groups."""

    kept: list[Cleaned] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    clusters: tuple[Cluster, ...] = ()

    def results(self) -> Iterator[Cleaned | Rejected]:
        """Kept and rejected together, by id."""
        items: list[Cleaned | Rejected] = [*self.kept, *self.rejected]
        return iter(sorted(items, key=_order))


def _order(item: Cleaned | Rejected) -> tuple:
    return (item.id is None, item.id or "", isinstance(item, Rejected), getattr(item, "detail", ""))


class Pipeline(Closing):
    """A pipeline built from `config`: a `Cleaner`, a language `Tagger` and a `Deduplicator` over an index file.

    `index` is the SQLite file that dedup reads and adds to (":memory:" for none that lasts).
    """

    def __init__(self, config: Config | None = None, index: str | Path = ":memory:"):
        self.config = config or Config.load()
        self.cleaner = Cleaner(self.config)
        self.tagger: Tagger = make_tagger(self.config.lang_backend)
        params = DedupParams(num_perm=self.config.num_perm, threshold=self.config.dedup_threshold, shingle_size=self.config.shingle_size)
        self.dedup = Deduplicator(index, params)

    def close(self) -> None:
        """Close the index file."""
        self.dedup.close()

    def tag(self, doc: Cleaned) -> Cleaned:
        """The document with `lang`, `lang_score` and `langs` set from its clean text."""
        found = self.tagger.tag(doc.text)
        return doc.model_copy(update={"lang": found.lang, "lang_score": found.score, "langs": found.langs})

    def prepare(self, doc: Document | Rejected, gates: bool = True) -> Cleaned | Rejected:
        """Clean, tag and (with `gates`) gate one document; a rejection passes through."""
        if isinstance(doc, Rejected):
            return doc
        out = self.cleaner.clean(doc)
        if isinstance(out, Rejected):
            return out
        out = self.tag(out)
        return (gate(out, self.config) or out) if gates else out

    def run(self, docs: Iterable[Document | Rejected | DocLike]) -> RunResult:
        """One batch through every stage, deduplicated against (and added to) the index."""
        return self.deduplicate(
            self.prepare(doc if isinstance(doc, (Document, Rejected)) else as_document(doc, n, self.config))
            for n, doc in enumerate(docs))

    def deduplicate(self, prepared: Iterable[Cleaned | Rejected]) -> RunResult:
        """The dedup stage of `run` alone, over the results of `prepare` (so a caller can prepare
        documents outside the index's write lock and hold it only for this step)."""
        result = RunResult()
        survivors: list[Cleaned] = []
        for out in prepared:
            (result.rejected if isinstance(out, Rejected) else survivors).append(out)
        unique = self._one_per_id(survivors, result.rejected)
        batch = self.dedup.run(Item(id=d.id, text=d.text, published=d.published) for d in unique.values())
        for decision in batch.decisions:
            doc = unique[decision.id]
            if decision.kept:
                result.kept.append(doc.model_copy(update={"cluster": decision.cluster}))
            else:
                result.rejected.append(_dedup_reject(doc, decision.status, decision.dup_of, decision.similarity))
        result.kept.sort(key=_order)
        result.rejected.sort(key=_order)
        result.clusters = batch.clusters
        return result

    @staticmethod
    def _one_per_id(docs: list[Cleaned], rejected: list[Rejected]) -> dict[str, Cleaned]:
        """One document per id, chosen by the keep policy (not by input order); the others rejected."""
        groups: dict[str, list[Cleaned]] = {}
        for doc in docs:
            groups.setdefault(doc.id, []).append(doc)
        unique = {}
        for doc_id, group in groups.items():
            group.sort(key=lambda d: (-len(d.text), d.published is None, d.published or "", d.text))
            unique[doc_id] = group[0]
            rejected.extend(_dedup_reject(d, "repeated_id", doc_id, None) for d in group[1:])
        return unique


def _dedup_reject(doc: Cleaned, status: str, dup_of: str | None, similarity: float | None) -> Rejected:
    detail = _DEDUP_DETAIL[status].format(dup_of=dup_of, similarity=similarity or 1.0)
    raw = doc.document.model_dump(exclude_defaults=True)
    return Rejected(id=doc.id, stage="dedup", reason=status, detail=detail, dup_of=dup_of, similarity=similarity, raw=raw)
