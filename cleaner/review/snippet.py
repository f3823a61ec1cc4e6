"""The YAML a reviewer copies when a removal was wrong: the rule as a pack, with one more `keep` example.

`rule_pack_prefix` gives a one-rule pack that ends in its `keep:` list, so appending one line
`    - "<text>"` (the text as a JSON string, which YAML reads as a double-quoted scalar), or
`    - {text: "<text>", author: "<author>"}` for a rule that reads the document's author, adds the
new example; the review page does that in the browser.
`cleaner rules check FILE` then runs the rule's examples, the new one included.
"""

from __future__ import annotations

import json

import yaml

from ..kinds import Rule

KEEP_ITEM = "    - "
"""How an item of the `keep:` list starts in `rule_pack_prefix`'s layout."""


def rule_pack_prefix(rule: Rule) -> str:
    """A one-rule pack of `rule` (all its parameters and examples) ending with its `keep:` items."""
    data = rule.model_dump(mode="json", exclude_defaults=True)
    examples = data.pop("examples")
    data["examples"] = {"remove": examples["remove"]}
    text = yaml.safe_dump({"rules": [data]}, allow_unicode=True, sort_keys=False, width=1000)
    return text + "    keep:\n" + "".join(KEEP_ITEM + keep_item(keep) + "\n" for keep in examples["keep"])


def keep_item(keep: str | dict[str, str]) -> str:
    """A keep example on one line: its text `quoted`, or a mapping's keys and `quoted` values in braces."""
    if isinstance(keep, str):
        return quoted(keep)
    return "{" + ", ".join(f"{key}: {quoted(value)}" for key, value in keep.items()) + "}"


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's escapes, plus those of what YAML reads as a line break
    or refuses)."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in "\x85\u2028\u2029\ufeff\ufffe\uffff" or "\x7f" <= c <= "\x9f" else c for c in out)
