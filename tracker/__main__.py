"""Entry point for `python -m tracker`."""

import sys

from tracker.tools.cli import main

sys.exit(main())
