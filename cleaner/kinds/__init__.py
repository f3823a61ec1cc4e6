"""Rule kinds, one small class each, registered by name in `KINDS`."""

from . import (  # noqa: F401 - registers the kinds
    block, doubled, extract, line, pullquote, regexp, shape, signature, thread, ticker, truncate)
from .base import KINDS, Context, Examples, KeepExample, RemoveExample, Rule

__all__ = ["KINDS", "Context", "Examples", "KeepExample", "RemoveExample", "Rule"]
