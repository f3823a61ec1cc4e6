"""Gates: per-document tests after cleaning and tagging; a document that fails one is a rejection."""

from __future__ import annotations

import unicodedata

from .config import Config
from .edits import removed_by_rules
from .models import Cleaned, Rejected
from .text import INVISIBLE, SPACE_RUN, visible_length


def gate(doc: Cleaned, config: Config) -> Rejected | None:
    """The first gate `doc` fails, as a `Rejected` with a stable reason code, or None."""
    if (length := visible_length(doc.text)) < config.min_chars:
        return _reject(doc, "too_short", f"{length} characters of clean text, under min_chars={config.min_chars}"
                       + _how_counted(doc.text) + _by_rules(doc))
    if config.min_lang_score and (doc.lang_score or 0.0) < config.min_lang_score:
        found = f"language {doc.lang} scored {doc.lang_score:g}" if doc.lang else "no language found"
        return _reject(doc, "lang_uncertain", f"{found}, under min_lang_score={config.min_lang_score:g}")
    if config.langs and doc.lang not in config.langs:
        score = f" ({doc.lang_score:g})" if doc.lang_score is not None else ""
        return _reject(doc, "lang_not_allowed", f"language {doc.lang or 'unknown'}{score} not in {','.join(config.langs)}")
    return None


def _how_counted(text: str) -> str:
    """Why `visible_length(text)` is not `len(text)`, for the detail, or ''."""
    how = [says for says, applies in (("accents counted with their letters", not unicodedata.is_normalized("NFC", text)),
                                      ("invisible ones not counted", INVISIBLE.search(text)),
                                      ("runs of spaces counted as one", SPACE_RUN.search(text))) if applies]
    return f" ({', '.join(how)})" if how else ""


def _by_rules(doc: Cleaned) -> str:
    """Which rules removed how much of `doc`'s text (`removed_by_rules`), for the detail, or '' (a text rules emptied
    was rejected without naming them: a QA pass)."""
    removed = removed_by_rules(doc.edits, len(doc.document.text))
    return f"; {removed}" if removed else ""


def _reject(doc: Cleaned, reason: str, detail: str) -> Rejected:
    return Rejected(id=doc.id, stage="gate", reason=reason, detail=detail, lang=doc.lang, lang_score=doc.lang_score,
                    raw=doc.document.model_dump(exclude_defaults=True))
