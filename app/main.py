"""The ``attention-workbench`` entry point: no command opens the GUI, ``render`` draws a view
offscreen, every other command goes to ``core_models.cli``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from core_models.cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
