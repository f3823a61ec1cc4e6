"""`python -m cleaner` runs the `cleaner` command."""

import sys

from .cli import main

sys.exit(main())
