"""Running rules' own examples: a rule pack tests itself.

Each rule alone: a `remove` example given as a string must be removed entirely; one given as a
mapping must leave exactly its `clean` text and fill its `fields`; a `keep` example must get no edit
from the rule. An example given as a mapping may name the `author` its document came with, which a
`signature` rule reads: without it, such a rule removes nothing from an example (a text of no page and no site).
Then every `keep` example goes through the whole rule set (a site's rule's, through what runs on that
site), with its author, because a keep example is a promise that article text survives the cleaner,
not just one rule. An example on which a pattern is stopped by the time limit fails too: on a document
like it, a run skips the rule.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from .edits import WHITESPACE_RULE
from .engine import run_rules
from .kinds import Context, KeepExample, RemoveExample, Rule
from .kinds.shape import shape_scoped
from .models import Document


def check_rule(rule: Rule, timeout: float = 1.0) -> list[str]:
    """Failures of one rule's own examples, as messages naming the rule and the example."""
    ctx = Context(timeout=timeout)
    failures = []
    for n, example in enumerate(rule.examples.remove, start=1):
        spec = RemoveExample.of(example)
        out = run_rules(Document(id="example", text=spec.text), [rule], replace(ctx, author=spec.author))
        fired = any(e.rule == rule.id for e in out.edits)
        if out.warnings:
            failures.append(f"{rule.id}: remove example {n}: {'; '.join(out.warnings)}: {_short(spec.text)}")
        elif not fired:
            tidied = any(e.rule == WHITESPACE_RULE for e in out.edits)  # what no pattern can see: say so
            why = (f"rules see it as {_short(out.text)}: lines are trimmed and blank runs folded before any rule runs"
                   if tidied else rule.why_untouched(spec.text, spec.author))
            failures.append(f"{rule.id}: remove example {n} is not touched: {_short(spec.text)}"
                            + (f" ({why})" if why else ""))
        elif out.text != spec.clean.strip():
            failures.append(f"{rule.id}: remove example {n} leaves "
                            f"{', expected '.join(_apart(out.text, spec.clean.strip()))}")
        for name, value in spec.fields.items():
            if getattr(out, name, None) != value:
                failures.append(f"{rule.id}: remove example {n} gives {name}={getattr(out, name, None)!r}, expected {value!r}")
    for n, keep in enumerate(map(KeepExample.of, rule.examples.keep), start=1):
        out = run_rules(Document(id="example", text=keep.text), [rule], replace(ctx, author=keep.author))
        if out.warnings:
            failures.append(f"{rule.id}: keep example {n}: {'; '.join(out.warnings)}: {_short(keep.text)}")
        elif any(e.rule == rule.id for e in out.edits):
            apart = _apart(_as_read(keep.text), out.text)
            failures.append(f"{rule.id}: keep example {n} is changed: {' -> '.join(apart)}")
    return failures


def check_keep_against(rules: Iterable[Rule], all_rules: Iterable[Rule], timeout: float = 1.0) -> list[str]:
    """Failures of `rules`' keep examples when the whole of `all_rules` runs on them as it runs on a document:
    a rule scoped by `sources`, on its hosts' documents; any other, on a document without a host and on the
    documents of each host a rule of `all_rules` is scoped to (a site's rules run there alone, and a `shape`
    rule tuned for a site in place of the unscoped one, as `shape_scoped` has it). A rule that changes an
    example only on some sites is named with them. One changed by its own rule alone is left to `check_rule`,
    which reports it (it was counted twice)."""
    rules = list(rules)
    sites = _Sites(all_rules, rules)
    return [failure for rule in rules for failure in sites.keep_failures(rule, timeout)]


class _Sites:
    """What runs on a document without a host and on each host's documents, built once for a check of many rules
    (it was built again for each rule), the hosts whose documents meet the same rules, run once for all of them, and
    for each host the rules that run there and not on a document without a host (`extra`)."""

    def __init__(self, all_rules: Iterable[Rule], rules: Iterable[Rule] = ()) -> None:
        self.everything = list(all_rules)
        self.anywhere = (None, *sorted({host for r in (*self.everything, *rules) for host in r.sources}))
        self.runs = {host: self._run_at(host) for host in self.anywhere}
        self.extra = self._extra(self.anywhere)

    def _run_at(self, host: str | None) -> list[Rule]:
        """What runs on the documents of `host` (None: without a host)."""
        return shape_scoped([r for r in self.everything if r.applies(Context(host=host))], host)

    def _extra(self, hosts: Iterable[str | None]) -> dict[str | None, list[Rule]]:
        """For each of `hosts`, the rules that run on its documents and not on one without a host."""
        nowhere = set(map(id, self.runs[None]))
        return {host: [r for r in self.runs[host] if id(r) not in nowhere] for host in hosts}

    def joined(self, rule: Rule) -> _Sites:
        """These sites with `rule` first among their rules, as `_Sites([rule, *all_rules], [rule])` has them, made
        again only where `rule` runs: made whole for each rule `rules suggest` checked (~25 ms, for up to 8 keep
        examples a rule), they took half its time."""
        sites = copy.copy(self)
        sites.everything = [rule, *self.everything]
        sites.anywhere = (None, *sorted({*self.anywhere[1:], *rule.sources}))
        changed = [host for host in sites.anywhere if host not in self.runs or rule.applies(Context(host=host))]
        sites.runs = {**self.runs, **{host: sites._run_at(host) for host in changed}}
        sites.extra = sites._extra(sites.anywhere) if None in changed else {**self.extra, **sites._extra(changed)}
        return sites

    def keep_failures(self, rule: Rule, timeout: float) -> list[str]:
        """`check_keep_against` of one rule. An example that what runs without a host leaves alone is run on a
        site's documents only when one of the site's own rules changes it alone: until the first edit, each other
        rule reads the text it left alone without a host (so checking the shipped packs costs ~1 s, not one run
        a site)."""
        alike: dict[tuple[int, ...], list[str | None]] = {}
        for host in rule.sources or self.anywhere:
            alike.setdefault(tuple(map(id, self.runs[host])), []).append(host)
        failures = []
        for n, keep in enumerate(map(KeepExample.of, rule.examples.keep), start=1):
            culprits: dict[str, list[str | None]] = {}
            changed = None  # what the first run that another rule edited made of it
            for hosts in alike.values():
                if None not in hosts and not rule.sources and not culprits and not self._changed(
                        keep, self.extra[hosts[0]], timeout)[0]:
                    continue
                edited, out = self._changed(keep, self.runs[hosts[0]], timeout)
                for culprit in edited:
                    culprits.setdefault(culprit, []).extend(hosts)
                if changed is None and edited - {rule.id}:
                    changed = out
            if changed is not None:
                named = ", ".join(_where(culprit, sorted(culprits[culprit], key=lambda h: h or ""), rule)
                                  for culprit in sorted(culprits))
                failures.append(f"{rule.id}: keep example {n} is changed by {named}: "
                                f"{' -> '.join(_apart(_as_read(keep.text), changed))}")
        return failures

    @staticmethod
    def _changed(keep: KeepExample, rules: list[Rule], timeout: float) -> tuple[set[str], str]:
        """The rules of `rules` that edit `keep`'s text when they run on it, with its author (whitespace tidying
        apart), and what they make of it."""
        if not rules:
            return set(), keep.text
        out = run_rules(Document(id="example", text=keep.text), rules, Context(timeout=timeout, author=keep.author))
        return {e.rule for e in out.edits if e.rule != WHITESPACE_RULE}, out.text


def _where(culprit: str, hosts: list[str | None], rule: Rule) -> str:
    """`culprit`, and the sites on whose documents it changed an example of `rule` when that is not on all that
    `rule` was run for (a rule without `sources`: on a document without a host too)."""
    if None in hosts or len(hosts) == len(rule.sources):
        return culprit
    shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    return f"{culprit} (on {shown} documents)"


def check_examples(rule: Rule, all_rules: Iterable[Rule], timeout: float = 1.0) -> list[str]:
    """All of one rule's failures together: its own examples' (`check_rule`), then its keep examples' through
    `all_rules` (`check_keep_against`)."""
    return check_rule(rule, timeout) + check_keep_against([rule], all_rules, timeout)


def joining_checker(all_rules: Iterable[Rule], timeout: float = 1.0) -> Callable[[Rule], list[str]]:
    """`check_examples` of a rule through itself and `all_rules` (`check_examples(rule, [rule, *all_rules])`), for
    many rules that would each join `all_rules`: what runs on each site is made once, then again only where the rule
    runs (`_Sites.joined`)."""
    sites = _Sites(all_rules)
    return lambda rule: check_rule(rule, timeout) + sites.joined(rule).keep_failures(rule, timeout)


def pack_failures(rules: Iterable[Rule], places: dict[str, str], all_rules: Iterable[Rule],
                  timeout: float = 1.0) -> Iterator[str]:
    """The failures of each of `rules` (`check_examples` through `all_rules`), rule by rule, as `rules check` prints
    them: at the rule's file and line (`places`, as `RuleSet.places`), `k.yaml:3: FAIL k.one: …`, as a load error is."""
    rules = list(rules)
    sites = _Sites(all_rules, rules)
    for rule in rules:
        for failure in check_rule(rule, timeout) + sites.keep_failures(rule, timeout):
            yield f"{places[rule.id]}: FAIL {failure}"


def _as_read(text: str) -> str:
    """`text` as the rules read it: lines trimmed and blank runs folded (by no rule but the tidying)."""
    return run_rules(Document(id="example", text=text), [], Context()).text


def _short(text: str, width: int = 70, start: int = 0) -> str:
    text = ("…" if start else "") + text[start:].replace("\n", "⏎")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _apart(one: str, other: str, width: int = 70) -> tuple[str, str]:
    """`_short` of two texts, each from a little before where they first differ when their openings are alike ("is
    changed: 'Current Chancellor…' -> 'Current Chancellor…'", by the rule or by another: a removal at the end was not
    seen). A keep example is shown as the rules read it, lines trimmed and blank runs folded, or they would differ
    there first."""
    same = len(os.path.commonprefix([one, other]))
    start = same - 20 if same > width - 20 else 0
    return _short(one, width, start), _short(other, width, start)
