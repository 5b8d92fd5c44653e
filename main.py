"""Entry point: `python main.py <command>`; `python main.py --help` lists the commands."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
