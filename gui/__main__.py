"""``python -m gui``, the ``leadloader`` script and the frozen app all start here."""

from __future__ import annotations

import sys

from gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
