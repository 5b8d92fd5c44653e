"""`python main.py show SCENARIO`: what a scenario sets up on its first day.

The JSON form is a contract for scripts and tests (ids, dates, the map's size, every place on
the map with its hex and first-day owner, and each side's starting strength); the plain form
is the same summary for reading.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from datetime import date

import numpy as np

from sim.scenario import FORCE_FIELDS, Quantity, Scenario, Unit, initial_control, load_scenario
from sim.scenario.paths import display_path
from sim.sides import SIDE_NAMES
from sim.theatre import Theatre, load_theatre

EPILOG = """\
examples:
  python main.py show 1992-winter
  python main.py show scenarios/1992-winter.toml --json

Strengths are those of the units on the map on the first day; a figure the sources give as
a range counts at its midpoint.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "show",
        help="summarise a scenario: dates, sides, places and who holds them",
        description="Summarise a scenario: its dates and turns, each side's strength on the\n"
        "first day, supply, blockades, and every place on the map with its owner.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "scenario",
        metavar="SCENARIO",
        help="scenario id (e.g. 1992-winter) or path to its .toml file",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    theatre = load_theatre(scenario.theatre_dir)
    data = overview(scenario, theatre)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(as_text(data))
    return 0


def number(x: float) -> int | float:
    """Whole numbers as integers in JSON, the rest to three decimals."""
    return int(x) if float(x).is_integer() else round(float(x), 3)


def _quantity(q: Quantity) -> int | float | list[int | float]:
    """An exact figure as a number, a range as [low, high]."""
    if q.value is not None:
        return number(q.value)
    return [number(q.low or 0.0), number(q.high or 0.0)]


def _day(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def overview(scenario: Scenario, theatre: Theatre) -> dict:
    """The scenario's first day as plain data (the `show --json` contract)."""
    control = initial_control(scenario, theatre)
    totals = scenario.start_totals()
    held = {SIDE_NAMES[c]: int(np.count_nonzero(control == c)) for c in SIDE_NAMES}
    return {
        "id": scenario.id,
        "title": scenario.title,
        "summary": scenario.summary,
        "start": scenario.start.isoformat(),
        "end": scenario.end.isoformat(),
        "turn_days": scenario.turn_days,
        "turns": scenario.turns,
        "sha256": scenario.sha256,
        "files": [display_path(f) for f in scenario.files],
        "map": {"hexes": theatre.n, "hex_km": round(theatre.hex_km, 4), "held": held},
        "sides": {side: {k: number(v) for k, v in t.items()} for side, t in totals.items()},
        "units": [_unit(u) for u in scenario.units],
        "supply": _supply(scenario),
        "blockades": [
            {
                "id": b.id,
                "by": b.by,
                "target": b.target,
                "from": _day(b.start),
                "until": _day(b.until),
                "reduction": _quantity(b.reduction),
            }
            for b in scenario.blockades
        ],
        "events": [
            {
                "id": e.id,
                "kind": e.kind,
                "date": _day(e.date),
                "trigger": e.trigger.kind if e.trigger else None,
                "text": e.text,
            }
            for e in scenario.events
        ],
        "places": _places(theatre, control),
    }


def _unit(u: Unit) -> dict:
    return {
        "id": u.id,
        "name": u.name,
        "side": u.side,
        "type": u.type,
        "place": u.place,
        "hex": u.hex.as_list(),
        "arrives": _day(u.arrives),
        "withdraws": _day(u.withdraws),
        **{k: _quantity(u.force(k)) for k in FORCE_FIELDS},
    }


def _supply(scenario: Scenario) -> dict:
    supply = scenario.supply
    sources = [
        {"id": s.id, "side": s.side, "name": s.name, "place": s.place}
        | {"capacity": _quantity(s.capacity)}
        for s in supply.sources
    ]
    lines = [
        {"id": ln.id, "side": ln.side, "from": ln.supply_source, "route": ln.route}
        | {"capacity": _quantity(ln.capacity), "opens": _day(ln.opens), "closes": _day(ln.closes)}
        for ln in supply.lines
    ]
    airlifts = [
        {"id": a.id, "side": a.side, "from": a.supply_source, "to": a.to}
        | {"capacity": _quantity(a.capacity), "until": _day(a.until)}
        for a in supply.airlifts
    ]
    return {"sources": sources, "lines": lines, "airlifts": airlifts}


def _places(theatre: Theatre, control: np.ndarray) -> list[dict]:
    """Every place on the map with its hex, terrain and owner on the first day."""
    rows = []
    for p in theatre.places.values():
        if p.index is None or p.hex is None:
            continue
        hex_lat, hex_lon = theatre.latlon_of(p.index)
        rows.append(
            {
                "id": p.id,
                "name": p.name,
                "aliases": list(p.aliases),
                "lat": p.lat,
                "lon": p.lon,
                "hex": p.hex.as_list(),
                "hex_lat": round(hex_lat, 5),
                "hex_lon": round(hex_lon, 5),
                "terrain": theatre.terrain_names[int(theatre.terrain[p.index])],
                "owner": SIDE_NAMES[int(control[p.index])],
                "district": p.district,
            }
        )
    return rows


def _amount(value: int | float | list, percent: bool = False) -> str:
    """A figure or a range as read aloud: 1,200 or 1,000-2,000, or 50% for a fraction."""
    low, high = value if isinstance(value, list) else (value, value)
    fmt = (lambda x: f"{x * 100:g}%") if percent else (lambda x: f"{x:,}")
    return fmt(low) if low == high else f"{fmt(low)}-{fmt(high)}"


def as_text(data: dict) -> str:
    """The overview for reading in a terminal."""
    title = data["title"]
    out = [title, "=" * len(title)]
    out.append(
        f"{data['start']} to {data['end']}: {data['turns']} turns of {data['turn_days']} days"
        f"  (scenario {data['id']}; map of {data['map']['hexes']:,} hexes,"
        f" {data['map']['hex_km']:.2f} km across)"
    )
    if data["summary"]:
        out += ["", textwrap.fill(data["summary"], width=96)]
    out += ["", "On the map on the first day (ranges at their midpoints):"]
    for side, totals in data["sides"].items():
        out.append(f"  {side:<12} " + ", ".join(f"{totals[k]:,} {k}" for k in FORCE_FIELDS))
    out.append("  hexes held: " + ", ".join(f"{n:,} {s}" for s, n in data["map"]["held"].items()))
    out += _supply_text(data["supply"]) + _blockades_text(data["blockades"])
    dated = sum(1 for e in data["events"] if e["date"])
    out += ["", f"Events: {dated} dated, {len(data['events']) - dated} triggered"]
    out += ["", "Places on the map and who holds them on the first day:"]
    for p in sorted(data["places"], key=lambda p: p["name"]):
        label = p["name"] + (f" ({', '.join(p['aliases'])})" if p["aliases"] else "")
        out.append(f"  {label:<40} {p['owner']:<12} {p['terrain']:<14} {p['district'] or ''}")
    return "\n".join(out)


def _supply_text(supply: dict) -> list[str]:
    records = supply["sources"] + supply["lines"] + supply["airlifts"]
    if not records:
        return []
    width = max(len(r["id"]) for r in records)
    out = ["", "Supply (points a turn):"]
    for s in supply["sources"]:
        out.append(
            f"  {s['id']:<{width}}  {s['side']:<12} {_amount(s['capacity'])} at {s['place']}"
        )
    for ln in supply["lines"]:
        dates = "".join(f", {w} {ln[w]}" for w in ("opens", "closes") if ln[w] is not None)
        out.append(
            f"  {ln['id']:<{width}}  {ln['side']:<12} {_amount(ln['capacity'])} from {ln['from']}"
            f" along {ln['route']}{dates}"
        )
    for a in supply["airlifts"]:
        until = f", until {a['until']}" if a["until"] else ""
        out.append(
            f"  {a['id']:<{width}}  {a['side']:<12} {_amount(a['capacity'])} by air from"
            f" {a['from']} to {a['to']}{until}"
        )
    return out


def _blockades_text(blockades: list[dict]) -> list[str]:
    if not blockades:
        return []
    width = max(len(b["id"]) for b in blockades)
    out = ["", "Blockades:"]
    for b in blockades:
        until = f" until {b['until']}" if b["until"] else ""
        out.append(
            f"  {b['id']:<{width}}  by {b['by']} on {b['target']}, -{_amount(b['reduction'], True)}"
            f" from {b['from']}{until}"
        )
    return out
