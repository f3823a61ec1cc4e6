"""`cleaner rules suggest`: rules proposed from what recurs in a corpus, for a reviewer to accept, edit or drop.

The inputs are cleaned with the loaded packs and counted as `cleaner run --learn-boilerplate`
counts them (`cleaner.boilerplate`: one document per group of copies, per source), plus the *shape*
of each line holding a digit (dates become `<<date>>`, other numbers `\\d+`). Then, per source:

- a boilerplate line that opens a run and, in most of the documents where it does, is followed by nothing but a
  list of short lines to the end (the rest of the run among them: a related list whose headlines recur) becomes a
  `truncate` rule, judged as generic.related-list judges its list (`TRUNCATE_LIST`), with `min_before_chars` of text
  before it anywhere, as the kind reads it; not where the same learned lines follow it on most pages (a footer), nor
  where its list opens with another such line in most of them (a byline above a list's heading: a `line`);
- each run of consecutive boilerplate lines found in at least `min_docs` documents becomes a
  `block` rule (a `line` rule when it is one line);
- each boilerplate line of at least three words outside those runs becomes a `line` rule;
- each shape found in at least `min_docs` documents (and `min_share` of them) in more than one
  wording becomes a `regex` rule ("Publié dans X le <date>" lines);

scoped to the source, with the document count in the description, `remove` examples taken from the
data and a `keep` example: a sentence of the same source's article text (of another source's when it has
none). A line seen in one document
only is never suggested (`min_docs` is at least 2). Every suggestion is checked as `cleaner rules
check` would check it (its own examples, its keep example through the whole rule set); one that
fails is left out and counted.

A line that titles a page (it opens it, or stands first under a site's header) and that the run keeps there
(`boilerplate.boilerplate_lines`: a page's own title, which the other pages list among the day's stories) is no
`line` rule, nor a `block`'s first line, and the shape of a line that titles a page (each page's "Revue de presse du
<date>"; not a label's value, "Dernière modification : <date>") is no `regex` rule: a rule matches anywhere, line 1
included, and took each page's title. Each rule's count is that of the documents where it fires (a second pass over
them), and a rule that fires only inside what the source's `truncate` rules cut is left out.
"""

from __future__ import annotations

import tempfile
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import regex
import yaml

from .boilerplate import (LONG_WORDS, RELATED_LIST, TRUNCATE_LIST, boilerplate_lines, counted_text, document_counts,
                          learned_units, learning_keys, title_line, unit_hash)
from .checks import joining_checker
from .config import Config
from .dates import DATE_PATTERN
from .dedup.cluster import Deduplicator
from .io.readers import read_inputs
from .kinds import KINDS, Context, Rule
from .kinds.shape import shape_ids
from .models import Document
from .packs import RulePackError, load_pack_text, load_rules
from .pipeline import dedup_params
from .report import counted
from .runner import all_cleaned, count_lines
from .runstate import RunState
from .text import ends_sentence, line_key, word_count
from .view import View
from .workers import prepare_stream

_DATE = regex.compile(DATE_PATTERN, regex.IGNORECASE)
_NUMBER = regex.compile(r"\d+")
SHAPE_SOURCE = "\x01shape"
"""Appended to a source for its shape counts, so they never mix with its line counts."""
MAX_EXAMPLES = 3
KEEP_CANDIDATES = 8
TRUNCATE_SHARE = 0.8
"""A line becomes a `truncate` marker when in this share of its documents a list follows it to the end."""


def shape(line: str) -> str | None:
    """The line with its dates as `<<date>>` and other numbers as `<n>`, or None when it has no digit."""
    if not any(c.isdigit() for c in line):
        return None
    return _NUMBER.sub("<n>", _DATE.sub("<<date>>", line.strip()))


def _labelled(line: str) -> bool:
    """Whether `line` is a label and its value, a colon before its first digit ("Dernière modification : <date> à
    10:05", a page's field at its top, not its title)."""
    return ":" in _NUMBER.split(line, 1)[0]


def shape_pattern(line: str) -> str:
    """A `regex` pattern for lines of the shape of `line`: its words literal, `<<date>>` and `\\d+` for the rest."""
    line, out, pos = line.strip(), [], 0
    for m in regex.finditer(_DATE.pattern + r"|\d+", line, flags=regex.IGNORECASE):
        out += [_literal(line[pos : m.start()]), "<<date>>" if _DATE.fullmatch(m.group()) else r"\d+"]
        pos = m.end()
    return "".join([*out, _literal(line[pos:])])


def _literal(text: str) -> str:
    """`text` matched literally, each run of whitespace (a tab, a no-break space) as `\\s+`."""
    return r"\s+".join(regex.escape(part, special_only=True) for part in regex.split(r"\s+", text))


def _units(source: str, published: str | None, text: str, raw: str, clean: str) -> list[tuple[str, set[int]]]:
    """What `cleaner run` counts, and the shapes of the lines (counted with the source's lines)."""
    (_, lines), *headlines = document_counts(source, published, text, raw, clean)
    shapes = {s for s in (shape(line) for line in text.split("\n")) if s}
    return [(source, lines | {unit_hash(source + SHAPE_SOURCE, line_key(s) or s) for s in shapes}), *headlines]


@dataclass
class _Found:
    """What one recurring run of lines, line or shape of one source looks like across its documents."""

    docs: int = 0
    texts: list[tuple[str, ...]] = field(default_factory=list)
    """The smallest few distinct wordings seen."""
    tails: int = 0
    """Documents where a list of short lines follows it to the end."""
    truncate_example: tuple[str, str] | None = None
    nested: int = 0
    """For a marker: documents where the list after it opens with a learned line that is a marker too (a byline above
    a related list's heading): the inner one is the marker, this one a line."""
    learned_tails: list[frozenset[str]] = field(default_factory=list)
    """For a marker: the lines after it where all are learned, a tail its blocks and lines take as well where it is
    the same on most pages (a footer)."""


@dataclass
class Suggestions:
    """The suggested pack (a YAML text) and what was left out."""

    yaml: str
    rules: int
    dropped: list[str]
    documents: int
    """The input records the rules were suggested from: those cleaned (not `unread`)."""
    unread: list[str]
    """Why each input record that could not be cleaned was rejected."""
    sourceless: int = 0
    """The records cleaned that have no source (no URL host, no `source` field): lines are counted per source, so
    nothing was counted in them."""


def suggest(inputs: Iterable[str], config: Config, *, input_format: str = "auto", workers: int = 1) -> Suggestions:
    """Read, clean and count `inputs`, and suggest rules (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="cleaner-suggest-") as tmp, RunState(Path(tmp) / "state.sqlite") as state:
        loaded = load_rules(config)
        start, items = 0, prepare_stream(read_inputs(list(inputs), config, input_format), config, workers=workers, gates=False,
                                         rules=loaded)
        unread: list[str] = []
        while batch := list(islice(items, 256)):
            state.add(start, batch)
            start += len(batch)
            unread += [p.detail for p in batch if p.rejected]
        counts = state.line_counts()
        skip = shape_ids(loaded.rules)
        with Deduplicator(":memory:", dedup_params(config)) as dedup:
            sampled, sourceless = count_lines(state, dedup, counts, skip, config.repeated_min_docs,
                                              config.repeated_min_share, _units)
        frequent = counts.frequent(config.repeated_min_docs, config.repeated_min_share)
        found = _Survey(learned_units(frequent))
        for source, text in _counted(state, sampled, skip):
            found.add(source, text)
        candidates = _fired(_candidates(found, frequent, config), _counted(state, sampled, skip), config)
    rules, dropped = _rules(found, candidates, loaded.rules)
    used = start - len(unread)
    header = (f"# suggested by `cleaner rules suggest` from {counted(used, 'cleaned record')} of {start:,} read; "
              "review each rule: accept, edit or drop,\n# then run `cleaner rules check` on this file.\n")
    pack = {"description": "rules suggested from what recurs in the corpus", "rules": rules}
    return Suggestions(header + _yaml(pack), len(rules), dropped, used, unread, sourceless)


def _counted(state: RunState, sampled: set[int], skip: frozenset[str]) -> Iterable[tuple[str, str]]:
    """(source, text) of each document counted (`sampled`: one per group of copies): its counted text but for the
    lines the loaded rules took (`counted_text`), which they take already."""
    for seq, record, raw in all_cleaned(state):
        if seq in sampled:
            yield Document(**raw).host, counted_text(record, raw["text"], skip, whole_lines=False)


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so a reviewer reads them as the lines they are; a string holding
    another line break (U+0085, U+2028, U+2029) in double quotes, where it is escaped: in any other style
    PyYAML writes it unescaped and reads it back as a line break or a space."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text,
    style='"' if any(c in text for c in "\x85\u2028\u2029") else "|" if "\n" in text else None))


def _yaml(data: Any) -> str:
    """`data` as the suggested pack writes it (`_Dumper`): `_checked` loads each rule from this text."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


class _Survey:
    """One pass over the counted documents: where the boilerplate lines stand, and article sentences."""

    def __init__(self, learned: frozenset[int]):
        self.learned = learned
        self.sources: dict[str, int] = defaultdict(int)
        self.runs: dict[tuple[str, tuple[str, ...]], _Found] = defaultdict(_Found)
        self.lines: dict[tuple[str, str], _Found] = defaultdict(_Found)
        self.shapes: dict[tuple[str, str], _Found] = defaultdict(_Found)
        self.markers: dict[tuple[str, str], _Found] = defaultdict(_Found)
        """Each line that opens a run, with where a list follows it to the end."""
        self.titles: set[tuple[str, str]] = set()
        """The learned lines that title a page (`title_line`: under a site's header if any) where the run keeps them,
        and the shapes (`shape`) of the lines that title a page but for a label's value (`_labelled`): "Revue de
        presse du <<date>>" titled each page, and its `regex` took every title."""
        self.kept: set[tuple[str, str]] = set()
        """The lines learned on their own that the run keeps on some page (a page's title, an article's section
        heading: `boilerplate.section_headings`): a `line` rule would take them there."""
        self.keep: dict[str, list[str]] = defaultdict(list)

    def add(self, source: str, text: str) -> None:
        """Survey one document of `source`."""
        self.sources[source] += 1
        lines = text.split("\n")
        view = View(text, [])
        keys = learning_keys(view)
        marked = boilerplate_lines(source, keys, self.learned, lines)
        boiler = set(marked)
        title = title_line(source, keys, self.learned)
        if title is not None and title not in boiler:
            if unit_hash(source, keys[title] or "") in self.learned:
                self.titles.add((source, keys[title]))
            if keys[title] is not None and (form := shape(lines[title])) and not _labelled(lines[title]):
                self.titles.add((source, form))
        runs, seen, after = _runs(marked), set(), None
        for run in runs:
            key = (source, tuple(keys[i] for i in run))
            found = self.runs[key]
            if key not in seen:
                seen.add(key)
                found.docs += 1
            _example(found, tuple(lines[i].strip() for i in run if keys[i]))
            if (source, "\0", keys[run[0]]) not in seen:
                seen.add((source, "\0", keys[run[0]]))
                after = after or _After(view, boiler)
                self._marker(self.markers[source, keys[run[0]]], after, run[0])
            for i in run:
                if keys[i] and word_count(keys[i]) >= LONG_WORDS and (source, keys[i]) not in seen:
                    seen.add((source, keys[i]))
                    self.lines[source, keys[i]].docs += 1
                    _example(self.lines[source, keys[i]], (lines[i].strip(),))
        for i, line in enumerate(lines):
            if i in boiler:
                continue
            if keys[i] and unit_hash(source, keys[i]) in self.learned:
                self.kept.add((source, keys[i]))
            form = keys[i] is not None and shape(line)
            if form and unit_hash(source + SHAPE_SOURCE, line_key(form) or form) in self.learned:
                found = self.shapes[source, form]
                if (source, form) not in seen:
                    seen.add((source, form))
                    found.docs += 1
                _example(found, (line.strip(),))
            elif word_count(line) >= 12:  # a paragraph too long to have a key gives its sentences
                sentences = [line] if keys[i] is not None else _SENTENCE_START.split(line)
                found_keep = {s.strip() for s in sentences if word_count(s) >= 12 and ends_sentence(s) and line_key(s)}
                self.keep[source] = sorted({*self.keep[source], *found_keep})[:KEEP_CANDIDATES]

    @staticmethod
    def _marker(found: _Found, after: _After, i: int) -> None:
        """Count line `i`, which opens a run, as a `truncate` marker: where a list follows it to the end (the lines of
        its run and of any run after it among them: a related list's headlines recur)."""
        found.docs += 1
        if after.cut(i):
            found.tails += 1
            if example := after.example(i):
                found.truncate_example = min(found.truncate_example or example, example)
            if (tail := after.learned_tail(i)) is not None:
                found.learned_tails.append(tail)
            found.nested += after.nests(i)


class _After:
    """What stands before and after each line of one document, read once for all its markers: read again from each
    marker to the end, a page of 2,000 learned lines, each above a line of its own, took `rules suggest` 12 s (the
    square of its length)."""

    def __init__(self, view: View, marked: set[int]):
        self.view, self.texts = view, [line.text.strip() for line in view.lines]
        self.start, self.lists = RELATED_LIST._article_start(view), RELATED_LIST._lists_after(view, 0)
        self.nonblank = [i for i, text in enumerate(self.texts) if text]
        self.keyed = [i for i, key in enumerate(view.keys) if key is None or key]
        self.marked = marked
        self.unmarked = max((i for i in self.keyed if i not in marked), default=-1)
        """The last line with a key (or too long for one) that is not boilerplate."""

    def nests(self, i: int) -> bool:
        """Whether the list after line `i` opens with a boilerplate line that opens a run of them (`_runs`), where a cut
        could start as well."""
        k = bisect_right(self.keyed, i)
        return (k < len(self.keyed) and (j := self.keyed[k]) in self.marked and j - 1 not in self.marked
                and self.cut(j))

    def cut(self, i: int) -> bool:
        """Whether a suggested `truncate` rule cuts at line `i`: `min_before_chars` of text before it (anywhere, as
        the kind reads it), and a list of at least two lines after it."""
        return i >= self.start and self.lists[i] and len(self.nonblank) - bisect_right(self.nonblank, i) >= 2

    def example(self, i: int) -> tuple[str, str] | None:
        """A `remove` example of a cut at line `i` (its text, and what is left of it): the marker and the rest under
        the last sentences before it that make `min_before_chars` (a paragraph above a short line was all taken);
        None where what stands before it makes too little once blank lines are gone."""
        first = bisect_left(self.nonblank, i)
        lines: list[str] = []
        for k in range(first - 1, -1, -1):
            sentences = _SENTENCE_START.split(self.texts[self.nonblank[k]])
            for n in range(len(sentences) - 1, -1, -1):
                before = "\n".join([" ".join(sentences[n:]), *lines])
                if RELATED_LIST._enough(before):
                    return "\n".join([before, *(self.texts[j] for j in self.nonblank[first:])]), before
            lines.insert(0, self.texts[self.nonblank[k]])
        return None

    def learned_tail(self, i: int) -> frozenset[str] | None:
        """The keys of the lines after line `i` when all are boilerplate, else None."""
        if i < self.unmarked:
            return None
        return frozenset(self.view.keys[j] for j in self.keyed[bisect_right(self.keyed, i):])


_SENTENCE_START = regex.compile(r"(?<=[.!?»”])[^\S\n]+(?=[«“\p{Lu}])")
"""Where a paragraph's next sentence starts: keep examples are taken from the sentences of paragraphs too long for a
line key (a source whose paragraphs are all over 250 characters had no keep example, and no rule suggested)."""


def _runs(marked: list[int]) -> list[list[int]]:
    """Runs of consecutive marked line indexes: a blank line ends a run (a paragraph is a unit to review)."""
    runs: list[list[int]] = []
    for i in marked:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _example(found: _Found, texts: tuple[str, ...]) -> None:
    """Keep the `MAX_EXAMPLES` smallest distinct wordings (whatever the document order)."""
    found.texts = sorted({*found.texts, texts})[:MAX_EXAMPLES]


def _candidates(survey: _Survey, frequent: dict[int, tuple[int, int]],
                config: Config) -> list[tuple[str, dict[str, Any]]]:
    """(source, rule) of each rule to try: `truncate` markers first, then runs, lines and shapes (see the module
    docstring)."""
    min_docs = config.repeated_min_docs
    candidates: list[tuple[str, dict[str, Any]]] = []
    covered: set[tuple[str, str]] = set()
    markers: set[tuple[str, str]] = set()
    for (source, key), found in sorted(survey.markers.items()):
        # where the same learned lines follow it to the end, a block and lines (a footer) read better; a related list
        # drawn from a pool (its headlines learned, or pages' titles) differs from page to page
        fixed = max(Counter(found.learned_tails).values(), default=0)
        if (found.docs >= min_docs and found.truncate_example and found.tails >= TRUNCATE_SHARE * found.docs
                and fixed < TRUNCATE_SHARE * found.tails and found.nested < TRUNCATE_SHARE * found.tails):
            text, clean = found.truncate_example  # the lines before the marker, the marker and its list
            markers.add((source, key))
            candidates.append((source, {"kind": "truncate", "what": "marker line followed by a list to the end",
                                        "markers": [text[len(clean):].split("\n")[1]], **TRUNCATE_LIST,
                                        "remove": [{"text": text, "clean": clean}]}))
    runs: dict[tuple[str, tuple[str, ...]], list[tuple[str, ...]]] = defaultdict(list)
    for (source, keys), found in sorted(survey.runs.items()):
        if found.docs < min_docs:
            continue
        covered.update((source, k) for k in keys)
        cut = next((n for n, k in enumerate(keys) if (source, k) not in survey.titles), len(keys))
        if keys[cut:] and (source, keys[0]) not in markers:  # a block from a page's title took it: it starts under it
            runs[source, keys[cut:]] += [t[cut:] for t in found.texts if len(t) == len(keys)]
    for (source, keys), texts in sorted(runs.items()):
        texts = sorted(set(texts))[:MAX_EXAMPLES]
        if not texts:
            continue
        if len(keys) == 1:
            rule = {"kind": "line", "what": "line", "phrases": [texts[0][0]], "remove": [t[0] for t in texts]}
        else:
            rule = {"kind": "block", "what": f"run of {len(keys)} lines", "lines": list(texts[0]),
                    "remove": ["\n".join(t) for t in texts]}
        candidates.append((source, rule))
    taken = covered | markers | survey.titles | survey.kept
    for (source, key), found in sorted(survey.lines.items()):
        docs = frequent.get(unit_hash(source, key), (0, 0))[0]
        if (source, key) not in taken and docs >= min_docs:
            candidates.append((source, {"kind": "line", "what": "line", "phrases": [found.texts[0][0]],
                                        "remove": [t[0] for t in found.texts]}))
    for (source, form), found in sorted(survey.shapes.items()):
        wordings = len({line_key(t[0]) for t in found.texts})
        if found.docs >= min_docs and wordings > 1 and (source, form) not in survey.titles:
            candidates.append((source, {"kind": "regex", "what": "line shape", "flags": ["ignorecase"],
                                        "pattern": shape_pattern(found.texts[0][0]),
                                        "remove": [t[0] for t in found.texts]}))
    return candidates


def _fired(candidates: list[tuple[str, dict[str, Any]]], documents: Iterable[tuple[str, str]],
           config: Config) -> list[tuple[str, int, dict[str, Any]]]:
    """(source, documents where it fires, rule) of each candidate that fires in at least `min_docs` documents of its
    source, outside what the source's other `truncate` candidates cut there (a related list's recurring headlines, a
    marker under another: each was counted outside, and both were suggested); of two cuts at one place, the first
    candidate's."""
    built = [KINDS[rule["kind"]].model_validate({"id": "suggested", "description": rule["what"],
                                                 "examples": {"remove": ["-"], "keep": ["-"]},
                                                 **{k: v for k, v in rule.items() if k not in ("what", "remove")}})
             for _, rule in candidates]
    by_source: dict[str, list[int]] = defaultdict(list)
    for n, (source, _) in enumerate(candidates):
        by_source[source].append(n)
    fired, outside = [0] * len(candidates), [0] * len(candidates)
    for source, text in documents:
        view, ctx = View(text, []), Context(host=source, timeout=config.regex_timeout)
        hits = {n: _hits(built[n], view, ctx) for n in by_source.get(source, ())}
        cuts = sorted((spans[0][0], n) for n, spans in hits.items() if built[n].kind == "truncate" and spans)
        for n, spans in hits.items():
            fired[n] += bool(spans)
            cut = next((c for c in cuts if c[1] != n), (len(text), n))  # the first cut of another truncate
            outside[n] += any((start, n) < cut for start, _ in spans)
    return [(source, fired[n], rule) for n, (source, rule) in enumerate(candidates)
            if fired[n] >= config.repeated_min_docs and outside[n]]


def _hits(rule: Rule, view: View, ctx: Context) -> list[tuple[int, int]]:
    """The spans `rule` finds in `view` (none when its pattern outlasts the time limit, as a run skips it)."""
    try:
        return [(hit.start, hit.end) for hit in rule.find(view, ctx)]
    except TimeoutError:
        return []


def _rules(survey: _Survey, candidates: list[tuple[str, int, dict[str, Any]]],
           shipped: tuple[Rule, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """The suggested rules as pack entries, each checked against the loaded packs' rules (`shipped`); and what was
    dropped, with why."""
    taken = {r.id for r in shipped}  # with --rules, the suggestions a reviewer kept from an earlier run
    rules, dropped, numbers, check = [], [], defaultdict(int), joining_checker(shipped)
    for source, docs, rule in sorted(candidates, key=lambda c: (c[0], -c[1], c[2]["kind"], str(c[2]["remove"]))):
        slug = _slug(source)
        numbers[slug] += 1  # counted per slug, not per source: two sources may give one slug ("Le Matin", "Le/Matin")
        while f"suggested.{slug}.{numbers[slug]:02d}" in taken:
            numbers[slug] += 1
        rule_id = f"suggested.{slug}.{numbers[slug]:02d}"
        entry = {"id": rule_id, "kind": rule["kind"],
                 "description": f"{rule['what']} in {docs} of {survey.sources[source]} documents of {source} (suggested)",
                 "sources": [source],
                 **{k: v for k, v in rule.items() if k not in ("kind", "what", "remove")}}
        keeps = survey.keep[source] or sorted(k for ks in survey.keep.values() for k in ks)[:KEEP_CANDIDATES]
        accepted = _checked(entry, rule["remove"], keeps, check)
        if isinstance(accepted, str):
            dropped.append(f"{rule_id}: {accepted}")
        else:
            rules.append(accepted)
    return rules, dropped


def _slug(source: str) -> str:
    """`source` as the part of a rule id that names it: its accented letters without their accents (NFKD, combining
    marks dropped, ß as ss: "Le Journal d'Été" was `le-journal-d-t-`, `bücher.de` `b-cher.de`), each run of other
    characters one dash, none at either end; `source` for a name of none of those letters (Arabic script)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", source.casefold()) if not unicodedata.combining(c))
    return regex.sub(r"[^a-z0-9.]+", "-", bare).strip("-.") or "source"


def _checked(entry: dict[str, Any], remove: list[Any], keeps: list[str],
             check: Callable[[Rule], list[str]]) -> dict[str, Any] | str:
    """`entry` with examples that pass `cleaner rules check` (`check`: through the loaded packs' rules), or why no
    keep example could be found."""
    failure = "no article sentence of this source to keep"
    for keep in keeps:
        full = {**entry, "examples": {"remove": remove, "keep": [keep]}}
        try:
            (rule,) = load_pack_text(_yaml({"rules": [full]}), "suggested.yaml")
        except RulePackError as exc:
            return str(exc)
        failures = check(rule)
        if not failures:
            return full
        failure = failures[0]
    return failure
