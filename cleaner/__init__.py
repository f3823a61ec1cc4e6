"""cleaner: rule-based cleaning and deduplication of scraped text, every removal attributed.

    from cleaner import clean
    result = clean("Publié dans Le Matin le 3 mars 2021\\n\\nLe texte de l'article.")
    result.text, result.published, result.edits
"""

from importlib import import_module
from typing import Any

_HOMES = {"clean": "api", "CleanerWarning": "config", "Config": "config", "ConfigError": "config",
          "ForkedIndexError": "dedup.index", "IndexBusyError": "dedup.index", "IndexMismatchError": "dedup.index",
          "replay": "edits", "Cleaner": "engine", "Cleaned": "models", "Document": "models", "Edit": "models",
          "Rejected": "models", "RulePackError": "packs", "load_rules": "packs", "Pipeline": "pipeline"}
"""The module each public name comes from: imported when the name is first used (PEP 562), not with the package, so
that `python -m cleaner` and the `cleaner` command load pydantic, numpy and the rest inside their Ctrl-C handling."""

__all__ = ["Cleaned", "Cleaner", "CleanerWarning", "Config", "ConfigError", "Document", "Edit", "ForkedIndexError",
           "IndexBusyError", "IndexMismatchError", "Pipeline", "Rejected", "RulePackError", "clean", "load_rules",
           "replay"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """A public name, imported from its module at its first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The package's names, the public ones not yet imported too."""
    return sorted({*globals(), *__all__})
