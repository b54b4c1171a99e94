"""``python -m graphkeras``: the same as the ``graphkeras`` command."""

import sys

from graphkeras.cli import main

sys.exit(main())
