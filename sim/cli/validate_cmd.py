"""`python main.py validate FILE...`: check scenario files and report every problem at once.

Valid files get one "ok" line each on stdout; problems go to stderr, one per line, as
`file:line: key.path: what is wrong`, and the exit status is 2 if there were any.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.history import load_timeline
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.paths import NOT_SCENARIOS, display_path

EPILOG = """\
examples:
  python main.py validate scenarios/*.toml
  python main.py validate 1992-winter

scenarios/timeline.toml, the historical timeline, is checked as a timeline (its quotes
against the source text), so scenarios/*.toml may name it.

A problem reads like:
  scenarios/1992-winter.toml:48: units[3].place: "Shushaa" is not a place on the map
  (did you mean "Shusha"?)   [on one line]
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files and list every problem",
        description="Check scenario files (and the files they include) against the format in\n"
        "docs/scenario-format.md and the map. Exits 2 if any file has a problem.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="scenario file, or scenario id (e.g. 1992-winter)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    failed = problems = 0
    for name in args.files:
        if Path(name).name in NOT_SCENARIOS:
            try:
                timeline = load_timeline(name)
            except ScenarioError as err:
                failed += 1
                problems += len(err.problems)
                for problem in err.problems:
                    print(problem, file=sys.stderr)
                continue
            print(f"{display_path(Path(name))}: ok ({len(timeline)} historical events)")
            continue
        try:
            scenario = load_scenario(name)
        except ScenarioError as err:
            failed += 1
            problems += len(err.problems)
            for problem in err.problems:
                print(problem, file=sys.stderr)
            continue
        print(
            f"{display_path(scenario.path)}: ok ({len(scenario.units)} units, "
            f"{len(scenario.events)} events, {scenario.turns} turns)"
        )
    if failed:
        plural = "s" if problems > 1 else ""
        print(f"{problems} problem{plural} in {failed} of {len(args.files)} files", file=sys.stderr)
        return 2
    return 0
