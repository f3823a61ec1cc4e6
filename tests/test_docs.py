"""The README's summaries against the code they summarise: the command line's flags, the layout's modules."""

from __future__ import annotations

import argparse
import re

from conftest import ROOT

from cleaner.cli import build_parser

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str) -> str:
    """The first ```text block after the line `after` in the README."""
    start = README.index("```text\n", README.index(after)) + len("```text\n")
    return README[start:README.index("```", start)]


def _commands(parser: argparse.ArgumentParser, name: str = "cleaner") -> dict[str, set[str]]:
    """Every (sub)command of `parser` by its full name, with the option strings --help shows for it."""
    options = {opt for action in parser._actions for opt in action.option_strings if opt not in ("-h", "--help")}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {name: options}
    found = {name: options}
    for sub, child in subs[0].choices.items():
        found |= _commands(child, f"{name} {sub}")
    return found


def _summary(names: set[str]) -> dict[str, str]:
    """The command-line summary's lines by command (one of `names`): a `cleaner …` line and the indented lines under
    it, `--[no-]x` written out as `--x --no-x`."""
    text = re.sub(r"--\[no-\]([\w-]+)", r"--\1 --no-\1", _block("### Command line"))
    found: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line.startswith("cleaner "):
            words = line.split()
            name = max((n for n in names if words[:len(n.split())] == n.split()), key=len)
        found[name] = found.get(name, "") + line + "\n"
    return found


def test_the_command_line_summary_names_every_flag_of_every_command():
    commands = _commands(build_parser())
    summary = _summary(set(commands))
    missing = {name: [opt for opt in sorted(options) if not re.search(rf"(?<![\w-]){opt}(?![\w-])", summary[name])]
               for name, options in commands.items() if name != "cleaner rules"}
    assert {name: opts for name, opts in missing.items() if opts} == {}


def test_the_layout_names_every_module_of_the_package():
    layout = _block("## Layout")
    named = {p.name + "/" if p.is_dir() else p.name for p in (ROOT / "cleaner").iterdir()
             if p.suffix == ".py" or p.is_dir() and (p / "__init__.py").exists()}
    # rulepacks/ is the link to rules/, which has its own line
    assert {name for name in named if not re.search(rf"(?<![\w.]){re.escape(name)}", layout)} == {"rulepacks/"}
