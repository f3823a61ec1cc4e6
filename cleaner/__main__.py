"""`python -m cleaner` runs the `cleaner` command."""

import sys

from .cli import console_main

sys.exit(console_main())
