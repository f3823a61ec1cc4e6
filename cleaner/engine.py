"""Applies a rule set to one document: edits with rule ids, fields, and the clean text they leave.

1. whitespace: lines trimmed, blank runs folded (so rules see tidy lines, whatever the line endings);
2. the rules, by phase (removals, truncation, extraction) and pack order, each on the text the rules
   before it left, then whitespace again (removals leave blank lines behind);
3. passes of step 2 repeat while one changes something (at most `max_passes`): each pass sees what a
   second run of the cleaner would see, so cleaning a clean text changes nothing.

Every span is recorded as an `Edit` in raw-text offsets; `replay(raw, edits)` gives the clean text.
"""

from __future__ import annotations

from .config import Config
from .edits import WHITESPACE_RULE, whitespace_spans
from .kinds import Context, Rule
from .models import Cleaned, Document, Edit, Rejected
from .packs import RuleSet, load_rules
from .view import Hit, View


class Cleaner:
    """A loaded rule set and the config it runs with; `clean` is safe to call from many threads."""

    def __init__(self, config: Config | None = None, rules: RuleSet | None = None):
        self.config = config or Config.load()
        self.rules = rules if rules is not None else load_rules(self.config)

    def clean(self, doc: Document) -> Cleaned | Rejected:
        """Clean one document, or reject it (`bad_input`) when it is over `max_doc_chars`."""
        if len(doc.text) > self.config.max_doc_chars:
            return Rejected(
                id=doc.id,
                stage="clean",
                reason="bad_input",
                detail=f"document is {len(doc.text):,} characters, over max_doc_chars={self.config.max_doc_chars:,}",
                raw=doc.model_dump(exclude_defaults=True),
            )
        ctx = Context(lang=doc.lang, host=doc.host, timeout=self.config.regex_timeout)
        rules = [r for r in self.rules.rules if r.applies(ctx)]
        return run_rules(doc, rules, ctx, self.config.max_passes)


def run_rules(doc: Document, rules: list[Rule], ctx: Context, max_passes: int = 3) -> Cleaned:
    """Run `rules` over `doc` as described in the module docstring."""
    state = _State(doc.text)
    state.apply(WHITESPACE_RULE, _spans_as_hits(whitespace_spans(state.view.text)))
    for _ in range(max_passes):
        changed = False
        for rule in rules:
            if not rule.may_fire(state.view):
                continue
            try:
                hits = list(rule.find(state.view, ctx))
            except TimeoutError:
                state.warnings.append(f"rule {rule.id!r}: pattern stopped after {ctx.timeout:g}s on this document; rule skipped")
                continue
            changed |= state.apply(rule.id, hits)
        state.apply(WHITESPACE_RULE, _spans_as_hits(whitespace_spans(state.view.text)))
        if not changed:
            break
    return Cleaned(
        id=doc.id,
        text=state.view.text,
        edits=tuple(sorted(state.edits, key=lambda e: e.start)),
        warnings=doc.warnings + tuple(state.warnings),
        document=doc,
        **state.fields,
    )


def _spans_as_hits(spans: list[tuple[int, int]]) -> list[Hit]:
    return [Hit(a, b) for a, b in spans]


class _State:
    """The raw text, what has been removed from it, and the view rules see."""

    def __init__(self, raw: str):
        self.raw = raw
        self.removed: list[tuple[int, int]] = []
        self.view = View(raw, [])
        self.edits: list[Edit] = []
        self.fields: dict[str, str] = {}
        self.warnings: list[str] = []

    def apply(self, rule_id: str, hits: list[Hit]) -> bool:
        """Record one rule's hits as edits and rebuild the view; False when nothing changed."""
        added, last = [], 0
        for hit in sorted(hits):
            if hit.end <= hit.start or hit.start < last:
                continue  # empty, or overlaps a span this rule already took
            last = hit.end
            field = hit.field if hit.field and hit.field not in self.fields else None
            if field:
                self.fields[field] = hit.value
            for n, (start, end) in enumerate(self.view.raw_spans(hit.start, hit.end)):
                if field and n == 0:
                    self.edits.append(Edit(start=start, end=end, rule=rule_id, kind="extract", field=field, value=hit.value))
                else:
                    self.edits.append(Edit(start=start, end=end, rule=rule_id))
                added.append((start, end))
        if not added:
            return False
        self.removed = sorted(self.removed + added)
        self.view = View(self.raw, self.removed)
        return True
