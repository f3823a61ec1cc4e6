"""The review page: one self-contained HTML file (inline CSS and JS, data embedded as JSON)."""

from __future__ import annotations

import json
import re
from html import escape
from importlib import resources
from typing import Any

from ..config import Config
from ..engine import Cleaner
from ..packs import RuleSet
from .payload import payload
from .run import Run

CHUNK = 256
"""Documents per embedded bodies chunk, clusters per diffs chunk: opening a document or a diff parses its chunk
alone."""


def render_review(run: Run, rules: RuleSet, config: Config | None = None) -> str:
    """The review page of `run` as one HTML string: no network, no CDN, everything inline.

    - `run`: a `Run`, from `load_run(folder)` or built in memory (the HTTP service's `GET /review`);
    - `rules`: the `RuleSet` (`cleaner.packs.load_rules(config)`) whose descriptions label the spans
      and whose definitions the flag-as-wrong snippets copy;
    - `config`: the `Config` dropped documents are cleaned again with, to show their removals and the
      diff of a duplicate against its kept copy (default `Config.load()`).

    Returns the page text (UTF-8 when written). The list is virtualised, each document is drawn when
    opened, and the texts and the clusters' diffs sit after the code in chunks parsed on demand, so a run
    of 10,000 documents paints its list before the texts are even parsed.
    """
    index, bodies, diffs = payload(run, rules, Cleaner(config or Config.load(), rules))
    index["chunk"] = CHUNK
    assets = resources.files("cleaner.review")
    parts = {
        "title": escape(f"cleaner review — {run.name}" if run.name else "cleaner review"),
        "css": (assets / "page.css").read_text(encoding="utf-8"),
        "js": (assets / "page.js").read_text(encoding="utf-8"),
        "index": _script_json(index),
        "bodies": _chunks("bodies", bodies),
        "diffs": _chunks("diffs", diffs),
    }
    template = (assets / "page.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(\w+)\}\}", lambda m: parts[m.group(1)], template)  # one pass: data never re-scanned


def _chunks(name: str, rows: list[Any]) -> str:
    """`rows` as JSON scripts of `CHUNK` rows each, `name-0`, `name-1`…, which the page parses when it needs one."""
    return "\n".join(f'<script type="application/json" id="{name}-{n}">{_script_json(rows[at : at + CHUNK])}</script>'
                     for n, at in enumerate(range(0, len(rows), CHUNK)))


def _script_json(data: Any) -> str:
    """JSON safe inside a `<script type="application/json">`: every `<` escaped, so no text can close the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
