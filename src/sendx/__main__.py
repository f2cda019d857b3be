"""``python -m sendx`` runs the ``sendx`` command."""

import sys

from sendx.cli import main

sys.exit(main())
