"""Text as a terminal or a log line shows it: the characters a terminal would act on written as escapes."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal would act on (ESC starts a sequence that clears the screen or sets the title; C1
codes such as CSI do the same on some terminals; form feeds and line separators break lines; bidi
embeddings, overrides and isolates reorder the text after them, so a span could read as another), shown
as `\\x1b` or `\\u202e` instead. Line feeds, tabs and carriage returns stay."""


def visible(text: str) -> str:
    """`text` with the characters a terminal would act on written as escapes (see `CONTROL`)."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def one_line(text: str) -> str:
    """`text` on one line, for a header, a label or a message (`visible`, and its line feeds and carriage returns
    as `\\n` and `\\r`: an id holding one would break its line, or make one up)."""
    return visible(text).replace("\n", "\\n").replace("\r", "\\r")


def shown_id(doc_id: str | None) -> str:
    """A document's id as a header or a message says it (`one_line`), one without an id (a malformed line) as
    `(no id)`, as the review page says it (page.js `named`): `cleaner diff` wrote `-`, which read as an id."""
    return one_line(doc_id) if doc_id else "(no id)"


_DIGITS_OVER = re.compile(r"Exceeds the limit \((\d+) digits\) for integer string conversion: value has (\d+) digits")
"""Python's words for a number of more digits than it makes an integer of (`sys.set_int_max_str_digits`), which end
in advice to raise that limit: no sender of a body or writer of a file can follow it."""


def too_many_digits(exc: ValueError, what: str) -> str | None:
    """Python's refusal of a number of over 4,300 digits (`exc`) in the input's terms, `what` being what the input
    calls it ("a JSON number": `a number of 5,000 digits: over the 4,300 a JSON number may have here`); None for
    another ValueError."""
    if not (over := _DIGITS_OVER.match(str(exc))):
        return None
    limit, digits = map(int, over.groups())
    return f"a number of {digits:,} digits: over the {limit:,} {what} may have here"
