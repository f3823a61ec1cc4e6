"""The YAML a reviewer copies when a removal was wrong: the rule as a pack, with one more `keep` example.

`rule_pack_prefix` gives a one-rule pack that ends in its `keep:` list, so appending one line
`    - "<text>"` (the text as a JSON string, which YAML reads as a double-quoted scalar) adds the
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
    return text + "    keep:\n" + "".join(KEEP_ITEM + quoted(keep) + "\n" for keep in examples["keep"])


def quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar (JSON's escapes, plus those of what YAML reads as a line break
    or refuses)."""
    out = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in "\x85\u2028\u2029\ufeff\ufffe\uffff" or "\x7f" <= c <= "\x9f" else c for c in out)
