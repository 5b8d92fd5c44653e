"""Time one full turn (every phase) of the largest scenario with about 150 units. Target < 25 ms.

    python benchmarks/bench_turn.py [--turns N] [--units N] [--orders busy|idle] [SCENARIO]

"Largest" is the scenario with the most units, then the most turns (the whole war once it
exists). Units on the map on the first day are duplicated, each copy on the nearest free hex
its side holds, until `--units` are on the map. With `--orders busy` (the default) every side
attacks each enemy hex next to its units and sends half of its other units to a neighbouring
hex, so movement, combat and control have work to do; the rules refuse what they do not allow,
as they would a player's orders. Games restart from the first day when they end.

Reported: the rules' turn (`resolve_turn`, all phases), each phase on its own, and what the
game loop adds around it (asking the controllers with state copies, the state checksum).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import deque
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.orders import Attack, Move, Order, order_from_dict  # noqa: E402
from sim.rules import turn as turn_module  # noqa: E402
from sim.scenario import (  # noqa: E402
    Scenario,
    ScenarioError,
    initial_control,
    load_scenario,
    scenario_files,
)
from sim.session import Session  # noqa: E402
from sim.sides import SIDE_CODES, SIDE_IDS  # noqa: E402
from sim.state import GameState  # noqa: E402
from sim.theatre import load_theatre  # noqa: E402

TARGET_MS = 25.0


def largest_scenario() -> Scenario:
    """The scenario with the most units, then the most turns; files that do not load are skipped."""
    scenarios = []
    for path in scenario_files():
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError:
            continue
    if not scenarios:
        sys.exit("no scenario in scenarios/ loads; nothing to time")
    return max(scenarios, key=lambda s: (len(s.units), s.turns))


def with_units(scenario: Scenario, target: int) -> Scenario:
    """The scenario with first-day units duplicated until `target` are on the map."""
    theatre = load_theatre(scenario.theatre_dir)
    control = initial_control(scenario, theatre)
    passable = theatre.passable()
    on_map = [u for u in scenario.units_at_start() if theatre.index_of(u.hex) is not None]
    if not on_map:
        return scenario
    taken = {theatre.index_of(u.hex) for u in scenario.units}
    copies = []
    k = 0
    while len(on_map) + len(copies) < target:
        original = on_map[k % len(on_map)]
        k += 1
        spot = _free_hex(theatre, control, passable, taken, original)
        if spot is None:
            continue
        taken.add(spot)
        copies.append(
            replace(
                original,
                id=f"{original.id}~{k}",
                name=f"{original.name} ({k})",
                hex=theatre.hex_of(spot),
                place=None,
            )
        )
    return replace(scenario, units=scenario.units + tuple(copies))


def _free_hex(theatre, control, passable, taken, unit) -> int | None:
    """The nearest passable hex the unit's side holds with no unit on it (breadth first)."""
    start = theatre.index_of(unit.hex)
    code = SIDE_CODES[unit.side]
    seen, queue = {start}, deque([start])
    while queue:
        i = queue.popleft()
        if i not in taken and control[i] == code and passable[i]:
            return i
        for j in theatre.neighbours[i]:
            j = int(j)
            if j >= 0 and j not in seen and len(seen) < 400:
                seen.add(j)
                queue.append(j)
    return None


class BusyController:
    """Attacks every enemy hex next to its units; sends half of the rest one hex onward."""

    kind = "busy"

    def __init__(self, side: str) -> None:
        self.side = side

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        theatre = state.theatre
        occupancy = state.occupancy()
        enemy = SIDE_CODES[SIDE_IDS[1 - SIDE_IDS.index(self.side)]]
        attacks: dict[int, list[str]] = {}
        movers = []
        for unit in state.active_units(self.side):
            if unit.is_air or unit.index < 0:
                continue
            near = [int(j) for j in theatre.neighbours[unit.index] if j >= 0]
            targets = [j for j in near if occupancy[j] == enemy]
            if targets:
                attacks.setdefault(min(targets), []).append(unit.id)
            elif near and rng.random() < 0.5:
                movers.append(Move(unit.id, theatre.hex_of(near[int(rng.integers(len(near)))])))
        out: list[Order] = [
            Attack(theatre.hex_of(i), tuple(units)) for i, units in sorted(attacks.items())
        ]
        return out + movers


def timed_phases() -> dict[str, list[float]]:
    """Wrap each phase so its time is recorded; resolve_turn itself is left untouched."""
    times: dict[str, list[float]] = {name: [] for name, _ in turn_module.PHASES}

    def wrap(name, phase):
        def run(ctx):
            t0 = time.perf_counter()
            phase(ctx)
            times[name].append(time.perf_counter() - t0)

        return run

    turn_module.PHASES = tuple((name, wrap(name, phase)) for name, phase in turn_module.PHASES)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario id or path (default: the largest)")
    parser.add_argument("--turns", type=int, default=100, help="turns to time (default 100)")
    parser.add_argument("--units", type=int, default=150, help="units on the map (default 150)")
    parser.add_argument("--orders", choices=("busy", "idle"), default="busy")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = load_scenario(args.scenario) if args.scenario else largest_scenario()
    scenario = with_units(base, args.units)
    kind = BusyController if args.orders == "busy" else None

    def new_game(seed: int) -> Session:
        controllers = {side: kind(side) for side in SIDE_IDS} if kind else None
        return Session.new(scenario, seed, "midpoint", controllers)

    session = new_game(args.seed)
    on_map = len(session.state.active_units())
    print(
        f"{scenario.id}: {on_map} units on the map on the first day ({len(base.units)} in the"
        f" scenario), {scenario.turns} turns of {scenario.turn_days} days; {args.orders} orders;"
        f" timing {args.turns} turns"
    )
    phases = timed_phases()
    rules, loop, entries, orders_given, games = [], [], 0, 0, 1
    new_game(args.seed).play_turn()  # warm the caches (step costs, paths) outside the timing
    for _ in range(args.turns):
        if session.finished:
            games += 1
            session = new_game(args.seed + games)
        t0 = time.perf_counter()
        orders = session.ask_orders()
        parsed = {s: [order_from_dict(o) for o in given] for s, given in orders.items()}
        t1 = time.perf_counter()
        log = turn_module.resolve_turn(session.state, parsed, session.rng)
        t2 = time.perf_counter()
        session.state.checksum()
        t3 = time.perf_counter()
        rules.append(t2 - t1)
        loop.append((t1 - t0) + (t3 - t2))
        entries += len(log)
        orders_given += sum(len(o) for o in orders.values())
    mean, best = statistics.mean(rules) * 1000, min(rules) * 1000
    verdict = "ok" if mean < TARGET_MS else f"over the {TARGET_MS:g} ms target"
    print(
        f"turn (all phases)  mean {mean:6.2f} ms   min {best:6.2f} ms   max"
        f" {max(rules) * 1000:6.2f} ms   ({verdict})"
    )
    for name, samples in phases.items():
        if samples:
            print(
                f"  {name:<10}       mean {statistics.mean(samples) * 1000:6.2f} ms   min"
                f" {min(samples) * 1000:6.2f} ms"
            )
    print(
        f"game loop adds     mean {statistics.mean(loop) * 1000:6.2f} ms (controllers with state"
        " copies, checksum)"
    )
    print(
        f"{games} game(s), {orders_given / args.turns:.0f} orders and {entries / args.turns:.0f}"
        " log entries a turn"
    )


if __name__ == "__main__":
    main()
