"""``python -m core_models``: the command line without Qt."""

import sys

from core_models.cli import main

sys.exit(main())
