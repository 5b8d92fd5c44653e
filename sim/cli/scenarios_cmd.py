"""`python main.py scenarios`: the scenarios on offer, for a person or (with --json) a script.

Each scenario is loaded and validated, so the list holds only scenarios that will start; a
broken file is named on stderr with the command that shows its problems.
"""

from __future__ import annotations

import argparse
import json
import sys

from sim.scenario import list_scenarios
from sim.scenario.paths import display_path

EPILOG = """\
examples:
  python main.py scenarios
  python main.py scenarios --json

--json prints a list of objects with id, title, start, end (ISO dates), turn_days and path.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenarios",
        help="list the scenarios in scenarios/",
        description="List the scenarios in scenarios/ with their dates and turn length.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    summaries = list_scenarios()
    good = [s for s in summaries if s.ok]
    if args.json:
        print(json.dumps([s.as_dict() for s in good], indent=2, ensure_ascii=False))
    elif good:
        width = max(len(s.id) for s in good)
        for s in good:
            print(f"{s.id:<{width}}  {s.start} to {s.end}  {s.turn_days:>2} days a turn  {s.title}")
    elif not summaries:
        print("no scenarios found")
    for s in summaries:
        if not s.ok:
            path = display_path(s.path)
            count = len(s.problems)
            print(
                f"warning: {path} cannot be loaded ({count} problem{'s' if count > 1 else ''}; "
                f"see: python main.py validate {path})",
                file=sys.stderr,
            )
    return 0
