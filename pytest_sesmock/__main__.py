"""``python -m pytest_sesmock``: the command line (``pytest_sesmock.cli``)."""

import sys

from .cli import main

sys.exit(main())
