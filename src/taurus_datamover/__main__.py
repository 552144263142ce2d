"""``python -m taurus_datamover``: the ``taurus-datamover`` command."""

from __future__ import annotations

import sys

from taurus_datamover.cli import main

if __name__ == "__main__":
    sys.exit(main())
