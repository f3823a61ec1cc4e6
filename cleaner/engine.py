"""Applies a rule set to one document: edits with rule ids, fields, and the clean text they leave.

1. whitespace: lines trimmed, blank runs folded (so rules see tidy lines, whatever the line endings);
2. the rules, by phase (removals, truncation, extraction) and pack order, each on the text the rules
   before it left, then whitespace again (removals leave blank lines behind);
3. passes of step 2 repeat while one changes something (at most `max_passes`): each pass sees what a
   second run of the cleaner would see, so cleaning a clean text changes nothing. Within a pass, a
   rule that fired is tried again at once (at most `MAX_REPEATS` times), for noise that stacks.
4. then the rules that judge what is left by its shape (phase `LAST_PHASE`, `shape`), in passes of
   their own; while they remove something, steps 3 and 4 run again (at most `max_passes` times).

Every span is recorded as an `Edit` in raw-text offsets; `replay(raw, edits)` gives the clean text.
"""

from __future__ import annotations

from functools import cached_property

from .config import Config
from .edits import WHITESPACE_RULE, whitespace_spans
from .kinds import Context, Rule
from .kinds.shape import shape_scoped
from .models import Cleaned, Document, Edit, Rejected
from .prefilter import Requires, requires_for
from .packs import RuleSet, load_rules
from .view import Hit, View


class Cleaner:
    """A loaded rule set and the config it runs with; `clean` is safe to call from many threads."""

    def __init__(self, config: Config | None = None, rules: RuleSet | None = None):
        self.config = config or Config.load()
        self.rules = rules if rules is not None else load_rules(self.config)
        self._scope_cache: dict[tuple[str | None, str | None], list[Rule]] = {}

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
        return run_rules(doc, self._scoped(ctx.lang, ctx.host), ctx, self.config.max_passes, self.requires)

    @cached_property
    def requires(self) -> Requires:
        """The `requires` strings of every rule, scanned for once per text."""
        return requires_for(frozenset(w for rule in self.rules.rules for w in rule.requires))

    def _scoped(self, lang: str | None, host: str | None) -> list[Rule]:
        key = (lang, host)
        if key not in self._scope_cache:
            if len(self._scope_cache) > 4096:
                self._scope_cache.clear()
            ctx = Context(lang=lang, host=host)
            scoped = [r for r in self.rules.rules if r.applies(ctx)]
            self._scope_cache[key] = shape_scoped(scoped, host, self.config.shape, self.config.shape_off_sources)
        return self._scope_cache[key]


MAX_REPEATS = 20
"""How many times in a row one rule may fire on one document in one pass."""
LAST_PHASE = 4
"""Rules of this phase or later (`shape`) run once the named rules have finished their passes, on
what they left; if they change anything, both run again."""


def run_rules(doc: Document, rules: list[Rule], ctx: Context, max_passes: int = 3, requires: Requires | None = None) -> Cleaned:
    """Run `rules` over `doc` as described in the module docstring (`requires`: a prefilter that
    knows at least every `requires` string of `rules`)."""
    state = _State(doc.text)
    state.apply(WHITESPACE_RULE, _spans_as_hits(whitespace_spans(state.view.text)))
    _run(state, rules, ctx, max_passes, requires)
    return Cleaned(
        id=doc.id,
        text=state.view.text,
        edits=tuple(sorted(state.edits, key=lambda e: e.start)),
        warnings=doc.warnings + tuple(state.warnings),
        document=doc,
        **state.fields,
    )


def clean_more(cleaned: Cleaned, rules: list[Rule], ctx: Context, max_passes: int = 3) -> Cleaned:
    """`cleaned` after `rules` ran on its clean text as `run_rules` runs them; its edits, fields and
    language are kept, and the new edits too point into the raw text."""
    state = _State(cleaned.document.text, cleaned.edits)
    state.fields = {k: v for k, v in cleaned.fields().items() if v is not None}
    if state.view.text != cleaned.text:
        raise ValueError(f"{cleaned.id}: the edits do not replay to the clean text")
    _run(state, rules, ctx, max_passes, None)
    return cleaned.model_copy(update={"text": state.view.text, "edits": tuple(sorted(state.edits, key=lambda e: e.start)),
                                      "warnings": cleaned.warnings + tuple(state.warnings)})


def _run(state: _State, rules: list[Rule], ctx: Context, max_passes: int, requires: Requires | None) -> None:
    """The named rules' passes, then the last phase's (`shape`) on what they left; again while that
    changes something (at most `max_passes` rounds)."""
    requires = requires or requires_for(frozenset(w for rule in rules for w in rule.requires))
    named = [r for r in rules if type(r).phase < LAST_PHASE]
    last = [r for r in rules if type(r).phase >= LAST_PHASE]
    for _ in range(max_passes):
        _passes(state, named, ctx, max_passes, requires)
        if not (last and _passes(state, last, ctx, max_passes, requires)):
            break


def _passes(state: _State, rules: list[Rule], ctx: Context, max_passes: int, requires: Requires) -> bool:
    """Passes of `rules` over the state until one changes nothing; True when any changed the text."""
    changed_any = False
    for _ in range(max_passes):
        changed = False
        present = requires.present(state.view.folded)
        for rule in rules:
            if rule.requires and present.isdisjoint(rule.requires):
                continue
            for _ in range(MAX_REPEATS):  # again while it fires: stacked lines at the head need it
                try:
                    hits = list(rule.find(state.view, ctx))
                except TimeoutError:
                    state.warnings.append(f"rule {rule.id!r}: pattern stopped after {ctx.timeout:g}s on this document; rule skipped")
                    break
                if not state.apply(rule.id, hits):
                    break
                changed = changed_any = True
                present = requires.present(state.view.folded)
        state.apply(WHITESPACE_RULE, _spans_as_hits(whitespace_spans(state.view.text)))
        if not changed:
            break
    return changed_any


def _spans_as_hits(spans: list[tuple[int, int]]) -> list[Hit]:
    return [Hit(a, b) for a, b in spans]


class _State:
    """The raw text, what has been removed from it, and the view rules see."""

    def __init__(self, raw: str, edits: tuple[Edit, ...] = ()):
        self.raw = raw
        self.removed: list[tuple[int, int]] = sorted((e.start, e.end) for e in edits)
        self.view = View(raw, self.removed)
        self.edits: list[Edit] = list(edits)
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
                    self.edits.append(Edit(start=start, end=end, rule=rule_id, source=hit.source, why=hit.why))
                added.append((start, end))
        if not added:
            return False
        self.removed = sorted(self.removed + added)
        self.view = View(self.raw, self.removed)
        return True
