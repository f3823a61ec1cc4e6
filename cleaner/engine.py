"""Applies a rule set to one document: edits with rule ids, fields, and the clean text they leave.

0. the text without its invisible characters (`edits.HIDDEN`: soft hyphens, zero-width spaces, direction
   marks) and in NFC (`edits.Composed`), so that a pattern finds "é" however the text writes it, and a
   noise line whatever invisible characters it holds; the edits are taken back to the raw text, and the
   clean text is the raw text less them;
1. whitespace: lines trimmed, blank runs folded (so rules see tidy lines, whatever the line endings);
2. the rules, by phase (removals, truncation, extraction, signature) and pack order, each on the text the rules
   before it left, then whitespace again (removals leave blank lines behind);
3. passes of step 2 repeat while one changes something (at most `max_passes`): each pass sees what a
   second run of the cleaner would see, so cleaning a clean text changes nothing. Within a pass, a
   rule that fired is tried again at once, for noise that stacks; over all passes a rule changes a
   document at most `MAX_FIRINGS` times (one that would change it again is stopped, with a warning); a
   rule that found nothing is not tried again where it would find nothing again (the same text, or
   for a line-local rule the same lines less some), and `requires` strings are looked for across the
   cuts a change made, not in the whole text again; a pass goes through the rules those strings let
   through (`_Plan`), found by string.
4. then the rules that judge what is left by its shape (phase `LAST_PHASE`, `shape`), in passes of
   their own; while they remove something, steps 3 and 4 run again (at most `max_passes` times).

Every span is recorded as an `Edit` in raw-text offsets; `replay(raw, edits)` gives the clean text.
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace

from .config import Config, config_of
from .edits import WHITESPACE_RULE, Composed, removed_by_rules, replay, whitespace_spans
from .given import rule_fields, with_given_fields
from .kinds import Context, Rule
from .kinds.shape import shape_scoped
from .lang import hint_code
from .models import Cleaned, Document, Edit, Rejected
from .packs import RuleSet, load_rules
from .prefilter import Requires, requires_for
from .text import blank, line_key
from .view import Hit, View


class Cleaner:
    """A loaded rule set and the config it runs with (`config_of`: a `Config`, or None for the defaults); `clean` is
    safe to call from many threads."""

    def __init__(self, config: Config | None = None, rules: RuleSet | None = None):
        self.config = config_of(config)
        self.rules = rules if rules is not None else load_rules(self.config)
        self._scope_cache: dict[tuple[str | None, str | None], tuple[list[Rule], Requires]] = {}

    def clean(self, doc: Document) -> Cleaned | Rejected:
        """Run the rule packs over one `Document` (no language, no page extraction: `cleaner.clean` takes a dict or a
        string and does those too), the fields they did not find filled from what it came with
        (`given.with_given_fields`), or reject it (`bad_input`) when it is over `max_doc_chars`."""
        if not isinstance(doc, Document):  # a dict or a string ended in an AttributeError on `.text` (a QA pass)
            raise TypeError(f"Cleaner.clean takes a Document, not {type(doc).__name__}: clean(doc, config) takes a "
                            "dict, a string or bytes, or Document(id=..., text=...) makes one")
        if len(doc.text) > self.config.max_doc_chars:
            return Rejected(
                id=doc.id,
                stage="clean",
                reason="bad_input",
                detail=f"document is {len(doc.text):,} characters, over max_doc_chars={self.config.max_doc_chars:,}",
                raw=doc.model_dump(exclude_defaults=True),
            )
        return with_given_fields(_emptied(doc.text, self._run(doc)))

    def clean_learned(self, cleaned: Cleaned, learned: Rule) -> Cleaned:
        """`cleaned` (what `clean` made of its document) less the lines `learned` (the boilerplate a run learned, a
        `RepeatedRule`) takes from its clean text; where it takes some, the document cleaned again as a text that never
        had them (`_lines_taken`: a rule that looks at the top finds the byline a learned menu sat above), until it
        takes no more (at most `max_passes` rounds). A round that would keep a character the round before and the
        learned lines removed (a byline a rule cut off the learned line glued to it, which no rule finds alone) is not
        taken: that round's `clean_more` is the result. Costs one `clean_more` on a document it takes nothing from."""
        doc, out, lines = cleaned.document, cleaned, []
        ctx = self._context(doc)
        for _ in range(self.config.max_passes):
            more = clean_more(out, [learned], ctx, self.config.max_passes)
            taken = [e for e in more.edits if e.rule == learned.id]
            if (now := _lines_taken(doc.text, taken)) == lines:
                break
            lines = now
            again = self._without(doc, [Edit(start=a, end=b, rule=learned.id, source=taken[0].source)
                                        for a, b in lines])
            if not _removes_all(again.edits, more.edits):
                out = more
                break
            out = again
        return cleaned if out is cleaned else with_given_fields(_emptied(cleaned.text, out))

    def _context(self, doc: Document) -> Context:
        """The context `doc`'s rules run in: its language, host, site's names, given author and page's headings and
        right-aligned lines, and the config's regex timeout."""
        return Context(lang=hint_code(doc.lang), host=doc.host, timeout=self.config.regex_timeout, **rule_fields(doc))

    def _run(self, doc: Document) -> Cleaned:
        """`run_rules` of the rules that apply to `doc`, in the context it gives them."""
        ctx = self._context(doc)
        rules, requires = self._scoped(ctx.lang, ctx.host)
        return run_rules(doc, rules, ctx, self.config.max_passes, requires)

    def _without(self, doc: Document, taken: list[Edit]) -> Cleaned:
        """`doc` cleaned as a text without the spans of `taken` (sorted edits): `_run` on the text less them, its
        edits taken back to `doc`'s text (`View.raw_spans`: one across a span of `taken` goes in pieces, the
        first lifting its field), with `taken`."""
        view = View(doc.text, [(e.start, e.end) for e in taken])
        out = self._run(doc.model_copy(update={"text": view.text}))
        edits = [edit.model_copy(update={"start": start, "end": end} if n == 0 else
                                 {"start": start, "end": end, "kind": "remove", "field": None, "value": None})
                 for edit in out.edits for n, (start, end) in enumerate(view.raw_spans(edit.start, edit.end))]
        return out.model_copy(update={"edits": tuple(sorted([*edits, *taken], key=lambda e: e.start)), "document": doc})

    def _scoped(self, lang: str | None, host: str | None) -> tuple[list[Rule], Requires]:
        """The rules that apply to a document of `lang` from `host`, and their `requires` strings, scanned for
        once per text: only those (a scan costs by the text's length and by the strings it finds: a quarter to a
        third less for one language's rules than for every pack's)."""
        key = (lang, host)
        if key not in self._scope_cache:
            if len(self._scope_cache) > 4096:
                self._scope_cache.clear()
            ctx = Context(lang=lang, host=host)
            scoped = [r for r in self.rules.rules if r.applies(ctx)]
            scoped = shape_scoped(scoped, host, self.config.shape, self.config.shape_off_sources)
            requires = requires_for(frozenset(w for rule in scoped for w in rule.requires))
            self._scope_cache[key] = _Scoped(scoped), requires
        return self._scope_cache[key]


def _lines_taken(raw: str, taken: list[Edit]) -> list[tuple[int, int]]:
    """What a text without the lines `taken` (sorted edits of `raw`, made on the clean text) lacks of `raw`: each line
    of `raw` whose every visible character they cover, whole with its line break (else a blank line would part its
    neighbours; the last line with the one above it where they took that), and of another line what they cover but
    its line break (a line break they took with the blank lines above a footer, a line's whose text a rule had taken,
    joined that line to the next, and the rules found neither); merged, in order."""
    spans: list[tuple[int, int]] = []
    starts, ends = [e.start for e in taken], [e.end for e in taken]
    pos = 0
    while (i := bisect_right(ends, pos)) < len(taken):  # the next line a span reaches into
        start = raw.rfind("\n", 0, max(starts[i], pos)) + 1
        end = raw.find("\n", start)
        end = len(raw) if end < 0 else end
        j = i
        while j < len(taken) and (starts[j] < end or starts[j] == start):  # the spans in the line (slices of them all
            j += 1  # from `i` on, per line, took 2.1 s for 32,000 spans)
        inside = [(max(a, start), min(b, end)) for a, b in zip(starts[i:j], ends[i:j])]
        cuts = [start, *(x for span in inside for x in span), end]
        if inside and not any(raw[a:b].strip() for a, b in zip(cuts[::2], cuts[1::2])):
            above = end == len(raw) and _taken_at(start - 1, starts, ends)  # the last line, taken with the break above
            inside = [(start - above, min(end + 1, len(raw)))]
        spans.extend((a, b) for a, b in inside if b > a)
        pos = end + 1
    return _joined(spans)


def _joined(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted by their start, those that overlap or touch made one."""
    joined: list[tuple[int, int]] = []
    for a, b in spans:
        if joined and joined[-1][1] >= a:
            joined[-1] = (joined[-1][0], max(joined[-1][1], b))
        else:
            joined.append((a, b))
    return joined


def _removes_all(edits: tuple[Edit, ...], before: tuple[Edit, ...]) -> bool:
    """Whether the sorted `edits` remove every character the sorted edits `before` removed (of the same raw text)."""
    merged = _joined((edit.start, edit.end) for edit in edits)
    starts = [a for a, _ in merged]
    return all((i := bisect_right(starts, e.start) - 1) >= 0 and merged[i][1] >= e.end
               for e in before if e.end > e.start)


def _taken_at(pos: int, starts: list[int], ends: list[int]) -> bool:
    """Whether offset `pos` is in one of the sorted spans of `starts` and `ends`."""
    i = bisect_right(ends, pos)
    return pos >= 0 and i < len(starts) and starts[i] <= pos


MAX_FIRINGS = 5
"""How many times one rule may change one document, over all its passes and its tries again at once; one that would
change it again is stopped, with a warning on the document when what it found is still there once every rule has run
(another may have taken it). Noise stacks two deep at most in MasakhaNEWS and fr-pages (a rule changed none of 20,602
documents three times), and five deep stays idempotent; a rule that matches whatever line its last removal laid bare
(`\\A(?P<title>[^\\n]+)\\n`) ate 60 paragraphs of an article under 20 tries again at once in each of up to 3 passes,
without a word."""
LAST_PHASE = 5
"""Rules of this phase or later (`shape`) run once the named rules have finished their passes, on
what they left; if they change anything, both run again."""


def run_rules(doc: Document, rules: list[Rule], ctx: Context, max_passes: int = 3, requires: Requires | None = None) -> Cleaned:
    """Run `rules` over `doc` as described in the module docstring (`requires`: a prefilter that
    knows at least every `requires` string of `rules`)."""
    composed = Composed(doc.text)
    state = _State(composed.text)
    state.tidy()
    _run(state, rules, ctx, max_passes, requires)
    edits = composed.raw_edits(state.edits)
    return Cleaned(
        id=doc.id,
        text=state.view.text if composed.text is doc.text else replay(doc.text, edits),
        edits=tuple(edits),
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
    return _emptied(cleaned.text, cleaned.model_copy(update={
        "text": state.view.text, "edits": tuple(sorted(state.edits, key=lambda e: e.start)),
        "warnings": cleaned.warnings + tuple(state.warnings)}))


def _emptied(before: str, out: Cleaned) -> Cleaned:
    """`out`, warned of when its text showed something `before` the rules and nothing after (`blank`), the warning
    naming the rules that removed it (`removed_by_rules`): `clean` kept a text a rule (`.+` dotall) emptied without a
    word (a QA pass). Not in `run_rules`: a rule's remove example is emptied on purpose."""
    if not blank(out.text) or blank(before) or not (removed := removed_by_rules(out.edits, len(out.document.text))):
        return out
    return out.model_copy(update={"warnings": (*out.warnings, f"the rules left no text: {removed}")})


def _run(state: _State, rules: list[Rule], ctx: Context, max_passes: int, requires: Requires | None) -> None:
    """The named rules' passes, then the last phase's (`shape`) on what they left; again while that
    changes something (at most `max_passes` rounds)."""
    named, last = rules.phases if isinstance(rules, _Scoped) else _phases(rules)
    requires = requires or requires_for(named.words | last.words)
    for _ in range(max_passes):
        _passes(state, rules, named, ctx, max_passes, requires)
        if last.empty or not _passes(state, rules, last, ctx, max_passes, requires):
            break
    for rule in state.stopped:  # said where what it found next is still there (another rule may have taken it)
        try:
            left = any(True for _ in rule.find(state.view, state.context(ctx)))
        except TimeoutError:
            left = True
        if left:
            state.warnings.append(f"rule {rule.id!r}: stopped after changing this document {MAX_FIRINGS} times, "
                                  "finding more each time (a pattern that takes whatever its last removal laid bare "
                                  "would eat the text); what it found next stays")


class _Plan:
    """Where the rules of one phase stand in a rule list, by the `requires` strings that let each be tried: a pass goes
    through the rules a text's strings let through (`tried`), not through each rule to test its strings (~1.5 µs a
    rule: the engine's own time on a short text, where most of ~300 rules need a string it lacks). It holds no rule."""

    def __init__(self, rules: list[Rule], positions: list[int]):
        self.free = [i for i in positions if not rules[i].requires]
        self.by_word: dict[str, list[int]] = {}
        for i in positions:
            for word in rules[i].requires:
                self.by_word.setdefault(word, []).append(i)
        self.words = frozenset(self.by_word)
        self.empty = not positions

    def tried(self, present: frozenset[str], after: int = -1) -> list[int]:
        """The positions after `after` of the rules with one of `present` among their `requires` strings, or (unless
        `after` is given) with none, in order."""
        found = {i for word in self.words.intersection(present) for i in self.by_word[word] if i > after}
        return sorted(found.union(self.free) if after < 0 else found)


def _phases(rules: list[Rule]) -> tuple[_Plan, _Plan]:
    """The plans of `rules`' named phases and of their last phase (`shape`), kept for the last lists of the same rules
    (the same objects, in the same order, still alive: a plan holds none, so it keeps no list's patterns alive).
    `run_rules` is given a list of its own for each text by the tests and `rules check`: made for each call, a plan
    of ~300 rules cost more than their passes over a short text."""
    key = tuple(map(id, rules))
    held = _PLANNED.get(key)
    if held is not None and all(ref() is rule for ref, rule in zip(held[0], rules)):
        return held[1]
    plans = _planned(rules)
    with _PLANNED_LOCK:
        while key not in _PLANNED and len(_PLANNED) >= 8:  # a key made again (others took its ids) keeps its place
            del _PLANNED[next(iter(_PLANNED))]
        _PLANNED[key] = tuple(map(weakref.ref, rules)), plans
    return plans


def _planned(rules: list[Rule]) -> tuple[_Plan, _Plan]:
    """The plans of the named phases of `rules` and of their last phase, made now."""
    return (_Plan(rules, [i for i, r in enumerate(rules) if type(r).phase < LAST_PHASE]),
            _Plan(rules, [i for i, r in enumerate(rules) if type(r).phase >= LAST_PHASE]))


_PLANNED: dict[tuple[int, ...], tuple[tuple[weakref.ref, ...], tuple[_Plan, _Plan]]] = {}
_PLANNED_LOCK = threading.Lock()


class _Scoped(list):
    """A cleaner's rules for one language and host (`Cleaner._scoped`), planned by phase once: split for every
    document, ~200 rules cost a tenth of the engine's time on a short text. Never changed once made (a cache keyed by
    any list's id kept every list checked alive, a pattern of up to 25 MB each, and split a list changed in place as
    it was)."""

    def __init__(self, rules: list[Rule]):
        super().__init__(rules)
        self.phases = _planned(self)


def _passes(state: _State, rules: list[Rule], plan: _Plan, ctx: Context, max_passes: int, requires: Requires) -> bool:
    """Passes of the rules of `plan` (a plan of `rules`) over the state until one changes nothing; True when any
    changed the text.

    A rule is tried where its `requires` strings let it (one a change laid bare later in the pass too). A rule that
    found nothing is not tried again on the same text, nor, when whether it finds anything depends on each line alone
    (`Rule.line_local`), on a text that only lost whole lines since: it would find nothing again, so the output is
    the same."""
    changed_any = False
    for _ in range(max_passes):
        changed = False
        if state.present is None:
            state.present = requires.present(state.view.folded)
        todo = plan.tried(state.present)
        k = 0
        while k < len(todo):
            rule = rules[todo[k]]
            rid = id(rule)
            k += 1
            seen = state.quiet.get(rid)
            if (seen is not None and state.found_nothing(rule, seen)) or state.fired.get(rid, 0) > MAX_FIRINGS:
                continue
            while True:  # again while it fires: stacked lines at the head need it
                state.view.present = state.present
                try:
                    hits = list(rule.find(state.view, state.context(ctx)))
                except TimeoutError:  # skipped for the rest of the document: tried again, it warned again each pass
                    state.warnings.append(f"rule {rule.id!r}: pattern stopped after {ctx.timeout:g}s on this document; rule skipped")
                    state.fired[rid] = MAX_FIRINGS + 1
                    break
                if not hits:
                    state.quiet[rid] = (state.version, state.lines_version)
                    break
                fired = state.fired.get(rid, 0)
                if fired == MAX_FIRINGS:
                    state.fired[rid] = fired + 1  # stopped: not tried again on this document
                    state.stopped.append(rule)
                    break
                if not state.apply(rule.id, hits):
                    break
                state.fired[rid] = fired + 1
                changed = changed_any = True
                if new := requires.present_across(state.view.text, state.cuts) - state.present:
                    state.present |= new  # the rules further on that a string laid bare lets through join the pass
                    todo[k:] = sorted(set(todo[k:]).union(plan.tried(new, todo[k - 1])))
        if state.tidy():
            state.present |= requires.present_across(state.view.text, state.cuts)
        if not changed:
            break
    return changed_any


def rule_context(ctx: Context, fields: dict[str, str]) -> Context:
    """`ctx` as a rule sees it once rules filled `fields`: with the author a rule lifted, which is then the document's
    (`given.with_given_fields`), so it signs the text and the name the document came with does not (a record's "John
    Doe" ending the text went as a signature, `author` being the byline's "Jane Smith"; "Jane Smith" ending it
    stayed); the one it came with where both are the same name (`line_key`), as its record writes it."""
    lifted = fields.get("author")
    if lifted and (not ctx.author or line_key(lifted) != line_key(ctx.author)):
        return replace(ctx, author=lifted)
    return ctx


class _State:
    """The raw text, what has been removed from it, and the view rules see; `version` counts the
    changes to the view's text, `lines_version` those that did more than drop or empty whole lines, and
    `quiet` holds, per rule, both counts when it last found nothing; `fired`, per rule, how many times it changed
    the text (`MAX_FIRINGS` + 1 once it is stopped, or skipped over its time limit), and `stopped` the rules stopped
    after `MAX_FIRINGS`. `present` holds at least the
    `requires` strings the text holds (a string a cut removed may stay: that only costs a rule a try), `cuts` the
    view offsets where the last change cut the text."""

    def __init__(self, raw: str, edits: tuple[Edit, ...] = ()):
        self.raw = raw
        self.removed: list[tuple[int, int]] = sorted((e.start, e.end) for e in edits)
        self.view = View(raw, self.removed)
        self.edits: list[Edit] = list(edits)
        self.fields: dict[str, str] = {}
        self.warnings: list[str] = []
        self.version = self.lines_version = 0
        self.quiet: dict[int, tuple[int, int]] = {}
        self.fired: dict[int, int] = {}
        self.stopped: list[Rule] = []
        self.present: frozenset[str] | None = None
        self.cuts: list[int] = []
        self.tidied: int | None = None
        """The `version` of the text `tidy` last left: it would find nothing more to do in it."""
        self._context: tuple[Context, str | None, Context] | None = None

    def found_nothing(self, rule: Rule, seen: tuple[int, int]) -> bool:
        """True when `rule`, which last found nothing at the counts `seen`, would find nothing now: the
        text is the same, or (line-local rules) has the same non-empty lines less some."""
        return seen[0] == self.version or (seen[1] == self.lines_version and getattr(rule, "line_local", False))

    def context(self, ctx: Context) -> Context:
        """`rule_context(ctx, self.fields)`, made again only when the author a rule lifted changed (each rule's try
        asks for it)."""
        lifted = self.fields.get("author")
        if self._context is None or self._context[0] is not ctx or self._context[1] != lifted:
            self._context = (ctx, lifted, rule_context(ctx, self.fields))
        return self._context[2]

    def tidy(self) -> bool:
        """Trim the lines and fold the blank ones (`whitespace_spans`); False when nothing changed. Not on a text it
        left as it is: it would find nothing to do (each document's text of 1,000,000 short lines was read three times
        over, 3.5 s, where no rule changed it)."""
        if self.tidied == self.version:
            return False
        changed = self.apply(WHITESPACE_RULE, [Hit(a, b) for a, b in whitespace_spans(self.view.text)])
        self.tidied = self.version
        return changed

    def apply(self, rule_id: str, hits: list[Hit]) -> bool:
        """Record one rule's hits as edits and rebuild the view; False when nothing changed."""
        added, last, cuts, gone = [], 0, [], 0
        text = self.view.text
        whole = True
        for hit in sorted(hits):
            if hit.end <= hit.start or hit.start < last:
                continue  # empty, or overlaps a span this rule already took
            last = hit.end
            cuts.append(hit.start - gone)
            gone += hit.end - hit.start
            whole = whole and _drops_whole_lines(text, hit.start, hit.end)
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
        self.view = View(self.raw, self.removed, self.view.memo)
        self.cuts = cuts
        self.version += 1
        if not whole:
            self.lines_version += 1
        return True


def _drops_whole_lines(text: str, start: int, end: int) -> bool:
    """True when cutting `text[start:end]` leaves only lines `text` already had, and empty lines: the
    span runs from a line start or a newline to a line start or a line end (or the end of the text)."""
    return (start == 0 or text[start - 1] == "\n" or text[start] == "\n") and (
        end == len(text) or text[end - 1] == "\n" or text[end] == "\n"
    )
