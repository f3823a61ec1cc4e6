"""Loading rule packs: YAML files of rules, validated before any document is read.

A pack is a mapping with a `rules:` list, an optional `description:` and an optional `order:`
(default 100). Packs run by `order`, ties in load order: the shipped packs sorted by file name,
then the user's folders or files in the order given. Any problem stops the load with one
`RulePackError` naming the file, the line, the rule id and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .config import Config
from .kinds import KINDS, Rule


class RulePackError(ValueError):
    """A rule pack that cannot be used; the message names the file, the rule and the field."""

    def __init__(self, file: str, message: str, rule: str | None = None, field: str | None = None, line: int | None = None):
        self.file, self.rule, self.field, self.line = file, rule, field, line
        where = f"{file}:{line}" if line else file
        parts = [where]
        if rule:
            parts.append(f"rule {rule!r}")
        if field:
            parts.append(f"field {field!r}")
        super().__init__(": ".join(parts) + ": " + message)


@dataclass(frozen=True)
class RuleSet:
    """The loaded rules in the order they run (by phase, then load order), and what they came from."""

    rules: tuple[Rule, ...]
    files: tuple[str, ...]

    def by_id(self, rule_id: str) -> Rule:
        """The rule with that id."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def shipped_packs() -> list[Path]:
    """The packs shipped with cleaner (the repo's `rules/`, installed as `cleaner.rulepacks`)."""
    folder = Path(str(resources.files("cleaner.rulepacks")))
    return sorted(folder.glob("*.yaml"))


def pack_files(paths: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Expand folders into their `.yaml`/`.yml` files (any case), sorted; keep files as given. A folder
    without one is an error: its packs would be missing without a word."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
            if not found:
                raise RulePackError(str(path), "no rule pack in this folder (a pack is a .yaml or .yml file)")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise RulePackError(str(path), "no such rule pack file or folder")
    return out


def load_rules(config: Config) -> RuleSet:
    """Load the shipped packs (unless `default_rules` is off) and the config's `rules_dirs`."""
    shipped = shipped_packs() if config.default_rules else []
    return load_files(shipped + pack_files(config.rules_dirs), shipped=len(shipped))


def load_files(files: list[Path], shipped: int = 0) -> RuleSet:
    """Load and validate the given pack files into one rule set; ids must be unique across them. The
    first `shipped` files are packs shipped with cleaner (`Rule.shipped`)."""
    rules: list[tuple[int, Rule]] = []
    seen: dict[str, str] = {}
    for k, path in enumerate(files):
        text = _read(path)
        order, located = _load_pack(text, str(path), k < shipped)
        for rule, line in located:
            if rule.id in seen:
                raise RulePackError(str(path), f"duplicate id, already defined in {seen[rule.id]}", rule.id, "id", line)
            seen[rule.id] = str(path)
            rules.append((order, rule))
    ordered = [rule for _, rule in sorted(rules, key=lambda r: (type(r[1]).phase, r[0]))]  # stable: load order on ties
    return RuleSet(tuple(ordered), tuple(str(p) for p in files))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RulePackError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise RulePackError(str(path), exc.strerror or str(exc)) from None


def load_pack_text(text: str, name: str) -> list[Rule]:
    """Parse and validate one pack's YAML text; `name` is used in error messages."""
    return [rule for rule, _ in _load_pack(text, name)[1]]


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (several times faster: every worker loads the packs)."""


def _load_pack(text: str, name: str, shipped: bool = False) -> tuple[int, list[tuple[Rule, int | None]]]:
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RulePackError(name, f"YAML error: {problem}", line=mark.line + 1 if mark else None) from None
    except (ValueError, RecursionError) as exc:  # YAML that Python will not hold: an integer of over 4,300 digits, deep nesting
        raise RulePackError(name, f"YAML error: {exc or 'nested too deeply'}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulePackError(name, "a rule pack is a mapping with a `rules:` list", field="rules")
    extra = [key for key in data if key not in ("rules", "description", "order")]
    if extra:
        raise RulePackError(name, f"unknown top-level key {extra[0]!r} (allowed: rules, description, order)")
    order = data.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise RulePackError(name, f"order must be a whole number, got {order!r}", field="order")
    lines = _item_lines(node)
    located = [(item, lines[i] if i < len(lines) else None) for i, item in enumerate(data["rules"])]
    return order, [(_build(item, name, line, i, shipped), line) for i, (item, line) in enumerate(located)]


def _item_lines(node: Any) -> list[int]:
    for key, value in getattr(node, "value", []):
        if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _build(item: Any, name: str, line: int | None, index: int, shipped: bool) -> Rule:
    if not isinstance(item, dict):
        raise RulePackError(name, f"rule #{index + 1} is not a mapping", line=line)
    rule_id = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        msg = "missing" if kind is None else f"unknown kind {kind!r}"
        raise RulePackError(name, f"{msg}; known kinds: {', '.join(sorted(KINDS))}", rule_id, "kind", line)
    try:
        return KINDS[kind].model_validate(item, context={"shipped": shipped})
    except ValidationError as exc:
        errors = exc.errors()  # of a union (an example: a string or a mapping), the error that is not "not a string"
        err = next((e for e in errors if e["type"] != "string_type"), errors[0])
        field = ".".join(str(p) for p in err["loc"]) or None
        msg = err["msg"].removeprefix("Value error, ")
        raise RulePackError(name, msg, rule_id, field, line) from None
