"""Rule kinds, one small class each, registered by name in `KINDS`."""

from . import block, doubled, extract, line, regexp, shape, thread, ticker, truncate  # noqa: F401 - registers the kinds
from .base import KINDS, Context, Examples, RemoveExample, Rule

__all__ = ["KINDS", "Context", "Examples", "RemoveExample", "Rule"]
