"""Gates: per-document tests after cleaning and tagging; a document that fails one is a rejection."""

from __future__ import annotations

from .config import Config
from .models import Cleaned, Rejected


def gate(doc: Cleaned, config: Config) -> Rejected | None:
    """The first gate `doc` fails, as a `Rejected` with a stable reason code, or None."""
    if len(doc.text) < config.min_chars:
        return _reject(doc, "too_short", f"{len(doc.text)} characters of clean text, under min_chars={config.min_chars}")
    if config.langs and doc.lang not in config.langs:
        score = f" ({doc.lang_score:.2f})" if doc.lang_score is not None else ""
        return _reject(doc, "lang_not_allowed", f"language {doc.lang or 'unknown'}{score} not in {','.join(config.langs)}")
    return None


def _reject(doc: Cleaned, reason: str, detail: str) -> Rejected:
    return Rejected(id=doc.id, stage="gate", reason=reason, detail=detail, raw=doc.document.model_dump(exclude_defaults=True))
