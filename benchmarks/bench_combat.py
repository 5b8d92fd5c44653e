"""Time the combat, control and politics phases of one busy turn. Target: under 8 ms together.

    python benchmarks/bench_combat.py [--runs N] [--units N] [--attacks N]

The 1992 order of battle is copied until there are about 150 units, the ground units are set
out on both sides of a straight front through Stepanakert (Armenians west, Azerbaijanis east),
and up to 24 attacks are ordered across it, half by each side (19 of them find defenders and
free units next to them). Each run resolves the three phases on a fresh copy of that state
(the copy is not timed), so every run fights the same battles.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.game import initial_state, make_rng  # noqa: E402
from sim.orders import Attack  # noqa: E402
from sim.rules import combat, control, politics  # noqa: E402
from sim.rules.context import TurnContext  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.sides import ARMENIAN, AZERBAIJANI, SIDE_IDS  # noqa: E402

TARGET_MS = 8.0


def busy_state(n_units: int, seed: int = 0):
    """About `n_units` units facing each other across a front through Stepanakert."""
    scenario = load_scenario("1992-winter")
    state = initial_state(scenario, make_rng(seed), sources="midpoint")
    theatre = state.theatre
    rng = np.random.default_rng(seed)
    centre = theatre.places["stepanakert"].hex
    passable = theatre.passable()
    region = [i for i in range(theatre.n)
              if passable[i] and theatre.hex_of(i).distance(centre) <= 14]
    west = [i for i in region if theatre.hex_of(i).q < centre.q]
    east = [i for i in region if theatre.hex_of(i).q >= centre.q]
    state.control[west] = ARMENIAN
    state.control[east] = AZERBAIJANI
    # Those near the front first, so most units have an enemy next to them.
    west.sort(key=lambda i: -theatre.hex_of(i).q)
    east.sort(key=lambda i: theatre.hex_of(i).q)
    originals = [u for u in state.units.values() if u.active]
    copies = {}
    k = 0
    while len(copies) < n_units:
        for u in originals:
            if len(copies) >= n_units:
                break
            clone = replace(u, id=f"{u.id}-{k}")
            if not clone.is_air:
                side_hexes = west if clone.side == "armenian" else east
                clone.index = int(side_hexes[int(rng.integers(0, min(len(side_hexes), 40)))])
            copies[clone.id] = clone
        k += 1
    state.units = copies
    return state


def front_attacks(state, n_attacks: int) -> dict[str, list[Attack]]:
    """Up to `n_attacks` attacks across the front, half a side, Armenians attacking north of
    Stepanakert and Azerbaijanis south of it; no unit both attacks and is attacked, so every
    order meets its defenders (a unit that advances leaves its hex empty)."""
    theatre = state.theatre
    ground = [u for u in state.units.values() if u.active and not u.is_air]
    at: dict[int, list] = {}
    for u in ground:
        at.setdefault(u.index, []).append(u)
    centre_r = theatre.places["stepanakert"].hex.r
    sector = {"armenian": lambda r: r < centre_r, "azerbaijani": lambda r: r >= centre_r}
    chosen: dict[str, list[int]] = {}
    for side in SIDE_IDS:
        targets = sorted({
            int(n) for u in ground if u.side == side for n in theatre.neighbours[u.index]
            if n >= 0 and any(v.side != side for v in at.get(int(n), []))
            and sector[side](int(theatre.r[n]))
        })
        chosen[side] = targets[: n_attacks // 2]
    attacked = {t for ts in chosen.values() for t in ts}
    orders: dict[str, list[Attack]] = {side: [] for side in SIDE_IDS}
    used: set[str] = set()
    for side in SIDE_IDS:
        for t in chosen[side]:
            units = [u.id for n in theatre.neighbours[t] if int(n) not in attacked
                     for u in at.get(int(n), []) if u.side == side and u.id not in used]
            if units:
                used.update(units)
                orders[side].append(Attack(theatre.hex_of(t), tuple(units)))
    return orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--attacks", type=int, default=24)
    args = parser.parse_args()

    base = busy_state(args.units)
    orders = front_attacks(base, args.attacks)
    n_attacks = sum(len(v) for v in orders.values())
    times = {"combat": [], "control": [], "politics": [], "total": []}
    kinds: dict[str, int] = {}
    for run in range(args.runs):
        state = base.copy()
        ctx = TurnContext(state, orders, make_rng(run))
        t0 = time.perf_counter()
        combat.run(ctx)
        t1 = time.perf_counter()
        control.run(ctx)
        t2 = time.perf_counter()
        politics.run(ctx)
        t3 = time.perf_counter()
        times["combat"].append(t1 - t0)
        times["control"].append(t2 - t1)
        times["politics"].append(t3 - t2)
        times["total"].append(t3 - t0)
        if run == 0:
            for e in ctx.log:
                kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(f"{len(base.units)} units, {n_attacks} attacks ordered; first run logged {kinds}")
    for name, values in times.items():
        ms = [v * 1000 for v in values]
        print(f"{name:<9} mean {statistics.mean(ms):6.2f} ms   median {statistics.median(ms):6.2f}"
              f" ms   min {min(ms):6.2f} ms")
    mean_total = statistics.mean(times["total"]) * 1000
    verdict = "ok" if mean_total < TARGET_MS else f"over the {TARGET_MS} ms target"
    print(f"total: {mean_total:.2f} ms ({verdict})")


if __name__ == "__main__":
    main()
