"""`python main.py levers`: the what-if levers a scenario offers, their defaults and effects.

A lever is set with `--set LEVER=VALUE` on `batch` or `run`. Levers come from shared files, so
some do nothing in a given scenario (their events or records are not in it); those are listed apart,
with what they would need, rather than silently accepted.
"""

from __future__ import annotations

import argparse
import json
import textwrap

from sim.scenario import load_scenario
from sim.scenario.levers import Reach, default_value, reach, value_text
from sim.scenario.model import Lever

EPILOG = """\
examples:
  python main.py levers 1992-winter
  python main.py levers 1992-winter --json
  python main.py batch 1992-winter -n 100 --seed 7 --set lachin-corridor-never-opened=true
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "levers",
        help="list the what-if levers of a scenario, their defaults and what they change",
        description="List the what-if levers a SCENARIO offers: a switch (true/false, off is\n"
        "what happened) or a number (its default changes nothing), and what each changes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or path to its .toml file")
    p.add_argument("--json", action="store_true", help="print the levers as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    reaches = [reach(lever, scenario) for lever in scenario.levers]
    if args.json:
        print(json.dumps([_data(r) for r in reaches], indent=1, ensure_ascii=False))
        return 0
    offered = [r for r in reaches if r.offered]
    absent = [r for r in reaches if not r.offered]
    if not scenario.levers:
        print(f'{scenario.id} declares no levers (add "common/levers.toml" to its include).')
        return 0
    print(
        f"Levers of {scenario.id} (set with --set LEVER=VALUE, e.g. python main.py batch"
        f" {scenario.id} -n N --seed S --set LEVER=VALUE, or on run):"
    )
    for r in offered:
        print()
        print(_describe(r))
    if not offered:
        print("  none does anything in this scenario.")
    if absent:
        print()
        print(f"Not offered in {scenario.id}, because nothing they act on is in it:")
        for r in absent:
            needs = ", ".join(r.missing) or "nothing named"
            print(f"  {r.lever.id} ({r.lever.name}): acts on {needs}")
    return 0


def _kind(lever: Lever) -> str:
    if lever.type == "bool":
        return "switch: true or false, default false"
    return (
        f"number from {value_text(lever.low or 0.0)} to {value_text(lever.high or 0.0)},"
        f" default {value_text(lever.default)}"
    )


def _describe(r: Reach) -> str:
    lever = r.lever
    wrap = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="    ")
    lines = [f"  {lever.id}  ({_kind(lever)})", f"    {lever.name}."]
    lines.extend(wrap.wrap(lever.description))
    lines.extend(wrap.wrap("Changes: " + ", ".join(r.found)))
    if lever.provenance is not None:
        lines.extend(wrap.wrap("Why: " + lever.provenance.cite()))
    return "\n".join(lines)


def _data(r: Reach) -> dict:
    lever = r.lever
    return {
        "id": lever.id,
        "name": lever.name,
        "description": lever.description,
        "type": lever.type,
        "default": default_value(lever),
        "min": lever.low,
        "max": lever.high,
        "offered": r.offered,
        "changes": list(r.found),
        "missing": list(r.missing),
        "source": lever.provenance.cite() if lever.provenance else "",
    }
