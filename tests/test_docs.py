"""The README's summaries against the code they summarise: the layout's modules."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str) -> str:
    """The first ```text block after the line `after` in the README."""
    start = README.index("```text\n", README.index(after)) + len("```text\n")
    return README[start:README.index("```", start)]


def test_the_layout_names_every_module_of_the_package():
    layout = _block("## Layout")
    named = {p.name + "/" if p.is_dir() else p.name for p in (ROOT / "cleaner").iterdir()
             if p.suffix == ".py" or p.is_dir() and (p / "__init__.py").exists()}
    # rulepacks/ is the link to rules/, which has its own line
    assert {name for name in named if not re.search(rf"(?<![\w.]){re.escape(name)}", layout)} == {"rulepacks/"}
