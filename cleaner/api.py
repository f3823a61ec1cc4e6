"""The Python API: `clean` one document or a stream of them with the same config as the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any, overload

from .config import Config
from .engine import Cleaner
from .models import Cleaned, Document, Rejected

DocLike = Document | Mapping[str, Any] | str


@lru_cache(maxsize=8)
def cleaner_for(config: Config) -> Cleaner:
    """A `Cleaner` per config, built once (rule packs are loaded and validated on first use)."""
    return Cleaner(config)


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


@overload
def clean(doc: DocLike, config: Config | None = None, **overrides: Any) -> Cleaned | Rejected: ...
@overload
def clean(doc: Iterable[DocLike], config: Config | None = None, **overrides: Any) -> Iterator[Cleaned | Rejected]: ...


def clean(doc, config=None, **overrides):
    """Clean one document (a `Document`, a dict or a string) or lazily clean an iterable of them.

    `config` defaults to `Config.load(**overrides)`, the same object the CLI builds from its flags.
    Returns a `Cleaned` (or a `Rejected` for an oversized document); for an iterable, an iterator.
    """
    config = config or Config.load(**overrides)
    cleaner = cleaner_for(config)
    if isinstance(doc, (Document, str, Mapping)):
        return cleaner.clean(as_document(doc, 0, config))
    return (cleaner.clean(as_document(d, i, config)) for i, d in enumerate(doc))
