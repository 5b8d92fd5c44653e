"""The `python main.py <command>` interface: one module per command, each with `register`.

Commands are a contract other tools rely on (batch scripts, CI, the window), so their names,
options and JSON output stay stable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim import __version__
from sim.cli import (
    batch_cmd,
    compare_cmd,
    history_cmd,
    levers_cmd,
    map_cmd,
    play_cmd,
    replay_cmd,
    run_cmd,
    scenarios_cmd,
    show_cmd,
    validate_cmd,
)
from sim.errors import UserError

COMMANDS = (scenarios_cmd, show_cmd, validate_cmd, map_cmd, run_cmd, replay_cmd, history_cmd,
            compare_cmd, batch_cmd, levers_cmd, play_cmd)

DESCRIPTION = """\
Karabakh 1992-94: a turn-based historical simulation of the First Nagorno-Karabakh War
on a hex map of the real terrain.

examples:
  python main.py scenarios
  python main.py show 1992-winter
  python main.py validate scenarios/*.toml
  python main.py map 1992-winter --png map.png
  python main.py run 1992-winter --seed 7 --save game.json
  python main.py replay game.json
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
