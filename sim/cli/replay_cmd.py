"""`python main.py replay SAVE`: check that a saved game still plays the same.

A save is scenario + seed + orders + a checksum of the state after every turn. Replaying
re-resolves the orders from the first day and stops at the first turn whose state differs,
which tells a player whether an old save still loads, and a developer whether a change to the
rules altered games already played (and from which turn).
"""

from __future__ import annotations

import argparse

from sim.chronicle import write_jsonl
from sim.saves import read_save
from sim.session import Session

EPILOG = """\
examples:
  python main.py replay game.json
  python main.py replay game.json --log replayed.jsonl

Exit status: 0 every checksum matches, 1 the replay differs from the save (the message names
the first turn that differs), 2 the save cannot be read or its scenario is missing.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "replay",
        help="re-run a saved game from its orders and check every turn's state",
        description="Re-run a saved game from its seed and orders, checking the state after\n"
        "each turn against the checksum in the save; stop at the first turn that differs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("save", metavar="SAVE", help="a save file written by run --save")
    p.add_argument("--log", metavar="FILE.jsonl", help="write the replayed log as JSON Lines")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    save = read_save(args.save)
    session = Session.replayed(save)
    if args.log:
        write_jsonl(session.log, args.log)
    n = len(save.turns)
    print(f"replayed {n} turn{'s' * (n != 1)}, all checksums match")
    return 0
