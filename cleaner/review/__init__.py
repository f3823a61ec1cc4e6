"""The review side: `cleaner diff` in the terminal and the `cleaner review` HTML page.

`load_run` reads a run folder (the one place that does), `render_review` turns it into the page.
"""

from .page import render_review
from .run import Run, RunError, load_run

__all__ = ["Run", "RunError", "load_run", "render_review"]
