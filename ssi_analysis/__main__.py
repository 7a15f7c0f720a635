"""``python -m ssi_analysis``: the command line."""

import sys

from .cli import main

sys.exit(main())
