"""`cleaner diff` output: each document's raw text with every removal marked and labelled by its rule.

Three formats, one function each, all fed the same `Entry`s:

- `terminal`: the raw text inline, removed spans as `[-text-]‹rule›` (red, struck through when in
  colour), extracted spans as `[-text-]→field‹rule›`, a blank span unlabelled beside its rule's span that shows
  (`_own_labels`, as on the review page), the warnings (what reading repaired, a rule stopped)
  and what the HTML path removed from a page before extraction (`entries.dropped_before_extraction`) under the
  header, the fields listed as moves into metadata, then those the record or the page gave, then the rest of a
  page's metadata (`entries.extracted_metadata`), a key a line;
  whitespace folding (rule `whitespace`) is left unmarked. The markers are plain text, so the output
  says the same thing without colour (piped, or `--color never`), character for character; what in the raw text
  could pass for a marker or a header is written as an escape (`_shown`).
- `unified`: a `diff -u` of raw against clean lines; each hunk header names the rules behind it (`whitespace`
  when it is the only one), and
  `#` lines before it (which `patch` ignores) give a dropped document's status, its warnings, what was removed
  before extraction, the fields moved into metadata and a page's metadata. A document with no hunk has its status
  (when dropped), warnings and removals before extraction on stderr: `#` lines alone are not a patch.
- `json`: one JSON line per document, all with the same keys: fields, language, chars per rule, every edit
  with its text, the warnings, what was removed before extraction, and a page's metadata.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from ..edits import WHITESPACE_RULE
from ..escapes import CONTROL, one_line, shown_id, visible
from ..io.writers import dumps, text_stream, utf8_stream
from ..models import FIELDS
from ..report import share_of
from .entries import Entry, dropped_before_extraction, extracted_metadata, field_origins
from .matcher import LineMatcher

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

FORMATS = ("terminal", "unified", "json")
ELIDE = 240
"""Removed spans longer than this are shortened in the terminal format (unless `full`)."""


def segments(raw: str, edits: list[dict[str, Any]]) -> Iterator[tuple[str, int | None]]:
    """The raw text in order as (piece, the position in `edits` of the edit that took it, or None for kept text)."""
    pos = 0
    for k, edit in enumerate(edits):
        if edit["start"] > pos:
            yield raw[pos : edit["start"]], None
        yield raw[edit["start"] : edit["end"]], k
        pos = max(pos, edit["end"])
    if pos < len(raw):
        yield raw[pos:], None


def clean_text(entry: Entry) -> str:
    """The clean text of an entry ("" for a document that was never cleaned)."""
    return (entry.record or {}).get("text", "")


def _status(entry: Entry) -> str:
    if entry.rejected is None:
        return "kept"
    rej = entry.rejected
    if rej["reason"] == "already_indexed" or not rej.get("dup_of"):  # an already_indexed one's dup_of is its own id
        dup = ""
    else:
        said = entry.kept_by and "kept by an earlier" not in rej.get("detail", "")  # said once: the detail says it (dedup_detail)
        dup = f" of {rej['dup_of']}{f' (kept by {entry.kept_by})' if said else ''}"
    return f"rejected: {rej['reason']}{dup} ({rej.get('detail', '')})"


def _summary(entry: Entry) -> str:
    """Language (a kept document's, or the run's for one a gate or dedup dropped), status, and what cleaning
    removed: for a dropped document, what its raw record cleans to now (`entries.recleaned`), or "not cleaned"
    when it never was (bad input)."""
    tagged = entry.tagged
    if tagged.get("lang"):  # a score may be null or missing (outputs allow it): the language alone, as the page says
        score = tagged.get("lang_score")
        lang = f"{tagged['lang']}{'' if score is None else f' {score:.2f}'} · "
    else:  # a document dropped before the language stage was never tagged (cleaned again here, untagged)
        lang = "" if entry.rejected else "lang ? · "
    if entry.record is None:
        return f"{lang}{_status(entry)} · not cleaned" + ("" if entry.unread else f" ({_uncleaned(entry)})")
    removed = len(entry.raw) - len(clean_text(entry))
    share = f" ({share_of(removed, len(entry.raw))})" if entry.raw else ""
    again = ", cleaned again" if entry.rejected else ""
    return f"{lang}{_status(entry)} · {removed:,} of {len(entry.raw):,} chars removed{share}{again}"


def _uncleaned(entry: Entry) -> str:
    """What a document never cleaned holds: its characters, its page's HTML from which no text was extracted, or, for
    a page whose HTML is none (`Entry.no_page`), that and its size."""
    if entry.no_page == "empty HTML":
        return entry.no_page
    if entry.no_page:
        return f"{entry.no_page}: {len(entry.raw):,} chars"
    return f"{len(entry.raw):,} chars{' of HTML: no text was extracted' if entry.html else ''}"


def _elided(piece: str, full: bool) -> str:
    if full or len(piece) <= ELIDE:
        return piece
    return f"{piece[:150]} …[{len(piece) - 210:,} chars]… {piece[-60:]}"


_MARKS = re.compile("(?m)[\r‹›]|^━")
"""What the terminal format writes as escapes in the raw text, beside `visible`'s: a carriage return (rich drops it,
and a terminal would write the rest of its line over the line's start), the ‹ › of a rule's label and a ━ that starts
a line, with which scraped text could label a span of its own as removed or make up a document's header."""


def _shown(piece: str, line_start: bool) -> str:
    """`piece` of the raw text as the terminal format writes it (`visible`, and `_MARKS` as `\\r`, `\\u2039`);
    `line_start` when it starts a line of the raw text, where a ━ is escaped too."""
    def escape(m: re.Match[str]) -> str:
        if m.group() == "\r":
            return "\\r"
        return m.group() if m.start() == 0 and m.group() == "━" and not line_start else f"\\u{ord(m.group()):04x}"
    return _MARKS.sub(escape, visible(piece))


def terminal(entry: Entry, full: bool = False) -> Text:
    """One document as a rich `Text`: header, warnings, fields moved into metadata and given, rules, the marked raw
    text."""
    from rich.text import Text  # rich only for this format: every `cleaner` command imports this module

    out = Text()
    out.append(f"━━ {shown_id(entry.id)} ", style="bold cyan")
    out.append(one_line(_summary(entry)) + "\n", style="cyan")
    for warning in entry.warnings:
        out.append(f"  warning: {one_line(warning)}\n", style="red")
    for step, text, count in dropped_before_extraction(entry):
        out.append("  before extraction: ", style="red")
        out.append(repr(_elided(text, full)), style="red strike")
        out.append(f"  ‹{one_line(step)}›{_times(count)}\n", style="magenta")
    extracts = [e for e in entry.edits if e["kind"] == "extract"]
    for edit in extracts:
        out.append(f"  {edit['field']:<9} ← ", style="yellow")
        out.append(repr(edit.get("value")), style="bold yellow")
        out.append(f"  ‹{one_line(edit['rule'])}›\n", style="magenta")
    for name, value, by, lifted in field_origins(entry):  # as the review's fields say where they came from
        if not lifted:
            out.append(f"  {name:<9} = ", style="yellow")
            out.append(repr(value), style="bold yellow")
            out.append(f"  (given by the {by})\n", style="magenta")
    for line in _page_metadata(entry, full):
        out.append(f"  {line}\n", style="yellow")
    rules = [(rule, n) for rule, n in entry.rule_chars().most_common() if rule != WHITESPACE_RULE]
    if rules:
        out.append("  rules: " + " · ".join(f"{one_line(rule)} {n:,}" for rule, n in rules) + "\n", style="magenta")
    if entry.record is None:
        return out
    at, edits, own = 0, entry.edits, _own_labels(entry.raw, entry.edits)
    for piece, k in segments(entry.raw, edits):
        line_start, at = at == 0 or entry.raw[at - 1] == "\n", at + len(piece)
        edit = None if k is None else edits[k]
        if edit is None or edit["rule"] == WHITESPACE_RULE:
            out.append(_shown(piece, line_start))
            continue
        style = "red strike" if edit["kind"] == "remove" else "yellow strike"
        out.append("[-" + _shown(_elided(piece, full), False) + "-]", style=style)
        if edit["kind"] == "extract":
            out.append(f"→{edit['field']}", style="bold yellow")
        if own[k]:
            out.append(f"‹{one_line(edit['rule'])}›", style="bold magenta")
    if not out.plain.endswith("\n"):
        out.append("\n")
    return out


def _own_labels(raw: str, edits: list[dict[str, Any]]) -> list[bool]:
    """Per edit, whether a label of its own goes with it, as on the review page (`ownLabels`): a span that shows
    has one; a blank span has none when its group (`_groups`) holds a span of its rule that shows (whose label is
    theirs: `fr.latest-links` takes a line break, then past `generic.php-warning`'s line, its block) or an earlier
    blank span of its rule: a label of its own stood over nothing."""
    own = [bool(raw[edit["start"] : edit["end"]].strip()) for edit in edits]
    for group in _groups(raw, edits):
        shown, seen = {edits[k]["rule"] for k in group if own[k]}, set()
        for k in group:
            own[k] = own[k] or edits[k]["rule"] not in shown | seen
            seen.add(edits[k]["rule"])
    return own


def _groups(raw: str, edits: list[dict[str, Any]]) -> Iterator[range]:
    """The positions in `edits` of each group of adjacent edits: no kept text that shows between them."""
    first = reach = 0
    for k, edit in enumerate(edits):
        if k and raw[reach : edit["start"]].strip():
            yield range(first, k)
            first = k
        reach = max(reach, edit["end"])
    if edits:
        yield range(first, len(edits))


@cache
def _console() -> type[Console]:
    """rich's console, but a closed pipe (`| less -R` quit early) is a BrokenPipeError, which the `cleaner` command
    ends with exit 0, as it does without colour: rich's own `on_broken_pipe` exited 1."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError
    return _Console


def write_terminal(entries: Iterable[Entry], stream: TextIO, color: bool, full: bool = False) -> int:
    """Write `terminal` for each entry; ANSI colour codes only with `color`. Returns the count."""
    from rich.segment import Segments
    from rich.text import Text

    console = _console()(file=stream, force_terminal=True, color_system="256", soft_wrap=True, highlight=False, emoji=False, markup=False) if color else None
    n = 0
    for n, entry in enumerate(entries, start=1):
        text = terminal(entry, full)
        if console:  # its lines as segments: printing the `Text` expanded its tabs, which the plain text keeps
            console.print(Segments(Text("\n").join(text.split("\n", allow_blank=True)).render(console)), end="")
        else:
            stream.write(text.plain)
        stream.write("\n")
    return n


def unified(entry: Entry, context: int = 3) -> str:
    """A `diff -u` of the raw lines against the clean lines; each hunk header names its rules, and `#` lines
    before the `---` header give a dropped document's status, its warnings and the moves. A document cleaning left
    unchanged (or never cleaned) gives "", as in `diff -u`: `patch` refuses a header without a hunk, or `#`
    lines alone."""
    if entry.record is None:
        return ""
    raw_lines, clean_lines = _lines(entry.raw), _lines(clean_text(entry))
    groups = list(LineMatcher(raw_lines, clean_lines).get_grouped_opcodes(context))
    if not groups:
        return ""
    rejected = f"# {shown_id(entry.id)}: {one_line(_status(entry))}\n" if entry.rejected else ""
    warnings = [f"# warning: {one_line(warning)}\n" for warning in entry.warnings]
    warnings += [f"# {line}\n" for line in _before_extraction(entry)]
    starts = [0]
    for line in raw_lines:
        starts.append(starts[-1] + len(line))
    moves = [f"# {e['field']} ← {e.get('value')!r} ‹{one_line(e['rule'])}›\n" for e in entry.edits if e["kind"] == "extract"]
    moves += [f"# {line}\n" for line in _page_metadata(entry, full=True)]
    name = _patch_name(entry.id or "-")  # a tab ends it, as in `diff -u`: `patch` reads a name up to a tab, or else a space
    out = [rejected, *warnings, *moves, f"--- {name}\t(raw)\n", f"+++ {name}\t(clean)\n"]
    for group in groups:
        i1, j1, i2, j2 = group[0][1], group[0][3], group[-1][2], group[-1][4]
        lo, hi = starts[i1], starts[i2]
        rules = _hunk_rules([e["rule"] for e in entry.edits if e["start"] < hi and e["end"] > lo])
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@ {' '.join(rules)}".rstrip() + "\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out.extend(_line(" ", line) for line in raw_lines[a1:a2])
                continue
            out.extend(_line("-", line) for line in raw_lines[a1:a2])
            out.extend(_line("+", line) for line in clean_lines[b1:b2])
    return "".join(out)


def _before_extraction(entry: Entry) -> list[str]:
    """A line for each element the HTML path removed from the page before extraction, as the unified format's `#`
    lines and notes say it: `before extraction: 'text' ‹step›`, ` ×3` after it when three such went."""
    return [f"before extraction: {text!r} ‹{one_line(step)}›{_times(count)}"
            for step, text, count in dropped_before_extraction(entry)]


def _page_metadata(entry: Entry, full: bool) -> list[str]:
    """A line for each key of a page's metadata that no field gives (`entries.extracted_metadata`), as the terminal
    format and the patch's `#` lines say it: `page's tags: 'budget' · 'conseil'`, shortened as a removed span is
    but with `full`; none for a text."""
    return [f"page's {one_line(key)}: {_elided(_meta_value(value), full)}"
            for key, value in extracted_metadata(entry).items()]


def _meta_value(value: Any) -> str:
    """A value of a page's metadata on one line, as the review page shows it (`metaItem`): a string as a Python
    literal, a list's items apart (` · `), anything else as JSON."""
    if isinstance(value, list):
        return " · ".join(map(_meta_item, value))
    return _meta_item(value)


def _meta_item(value: Any) -> str:
    return repr(value) if isinstance(value, str) else one_line(json.dumps(value, ensure_ascii=False))


def _times(count: int) -> str:
    """How many times an element went before extraction, as its line ends: " ×3", nothing for once."""
    return f" ×{count}" if count > 1 else ""


def _hunk_rules(rules: list[str]) -> list[str]:
    """The rules a hunk header names: those behind its edits, `whitespace` only when it is the one (a hunk of trimmed
    lines or folded blank lines named none; beside a rule, it is the blank lines that rule's removal left)."""
    named = {one_line(rule) for rule in rules}
    return sorted(named - {WHITESPACE_RULE} or named)


_QUOTED = re.compile(rf'^"|[\t\n\r]|{CONTROL.pattern}')
"""What makes `diff -u` write a file name in double quotes: a tab would end it and a leading quote start a quoted
one, for `patch`; a line break or a control character (`CONTROL`) would reach the terminal."""
_C_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _patch_name(name: str) -> str:
    """`name` for the `---`/`+++` lines as `diff -u` writes it and `patch` reads it back: as it is, or, when
    `_QUOTED` finds something, in double quotes with C escapes (`"a\\tb"`; a control as the octal bytes of its
    UTF-8, `\\033`). An id holding a tab had `patch -p0` patch the file named by the id's part before it."""
    if not _QUOTED.search(name):
        return name
    escaped = (_C_ESCAPES.get(c) or ("".join(f"\\{b:03o}" for b in c.encode()) if CONTROL.match(c) else c) for c in name)
    return '"' + "".join(escaped) + '"'


def _lines(text: str) -> list[str]:
    """The lines of `text` as `patch` reads them, each with its LF: split at LF only (`str.splitlines`
    also splits at form feeds, U+2028 and others, which would make the patch one `patch` refuses)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _line(prefix: str, line: str) -> str:
    return prefix + line if line.endswith("\n") else prefix + line + "\n\\ No newline at end of file\n"


def _range(start: int, stop: int) -> str:
    """`diff -u`'s range: 1-based start and length; an empty range names the line before it."""
    length = stop - start
    first = start + 1 if length else start
    return f"{first}" if length == 1 else f"{first},{length}"


def as_json(entry: Entry) -> dict[str, Any]:
    """A JSON-ready record, every line with the same keys (a consumer's `r["lang"]` raised KeyError on bad input):
    status, the rejection (null when kept), fields, language (the run's for a document a gate or dedup dropped, as
    the terminal header says it: `Entry.tagged`), chars per rule, each edit with its raw text, the warnings, and what
    the HTML path removed from the page before extraction (`entries.dropped_before_extraction`, empty for none) and
    the rest of the page's metadata (`entries.extracted_metadata`: what no field gives, {} for a text). A
    document never cleaned (bad input) has null fields and `clean_chars`, no rule, no edit and `extracted` {}."""
    record, tagged = entry.record or {}, entry.tagged
    return {
        "id": entry.id,
        "status": "kept" if entry.rejected is None else "rejected",
        "rejected": entry.rejected,
        **{name: record.get(name) for name in FIELDS},
        "lang": tagged.get("lang"),
        "lang_score": tagged.get("lang_score"),
        "raw_chars": len(entry.raw),
        "clean_chars": None if entry.record is None else len(clean_text(entry)),
        "rules": dict(entry.rule_chars()),
        "edits": [{**edit, "text": entry.raw[edit["start"] : edit["end"]]} for edit in entry.edits],
        "warnings": entry.warnings,
        "removed_before_extraction": [{"step": step, "text": text, **({"count": count} if count > 1 else {})}
                                      for step, text, count in dropped_before_extraction(entry)],
        "extracted": extracted_metadata(entry),
    }


def write_unified(entries: Iterable[Entry], stream: TextIO, notes: TextIO) -> int:
    """Write `unified` for each entry, so `stream` is a patch (or empty); a document with no hunk gets its status
    line (when dropped, with what cleaning removed) and its warnings on `notes` instead. Returns the count."""
    n = 0
    for n, entry in enumerate(entries, start=1):
        if patch := unified(entry):
            stream.write(patch)
            continue
        if entry.rejected:
            notes.write(f"cleaner diff: {shown_id(entry.id)}: {one_line(_summary(entry))} · no hunk\n")
        notes.writelines(f"cleaner diff: {shown_id(entry.id)}: warning: {one_line(w)}\n" for w in entry.warnings)
        notes.writelines(f"cleaner diff: {shown_id(entry.id)}: {line}\n" for line in _before_extraction(entry))
    return n


def write(entries: Iterable[Entry], stream: TextIO, fmt: str, color: bool = False, full: bool = False, notes: TextIO | None = None) -> int:
    """Write the entries in format `fmt` (one of `FORMATS`); `notes` (default stderr) takes the unified
    format's status lines for dropped documents with no hunk. Returns how many were written."""
    if fmt == "terminal":
        return write_terminal(entries, text_stream(stream), color, full)
    if fmt == "unified":
        return write_unified(entries, utf8_stream(stream), notes or sys.stderr)  # a patch of UTF-8 texts, as they are
    n = 0
    utf8_stream(stream)
    for n, entry in enumerate(entries, start=1):
        stream.write(dumps(as_json(entry)) + "\n")
    return n
