"""Time the reachability search and the movement phase. Target: the phase within 6 ms.

    python benchmarks/bench_movement.py [--runs N] [--units N] [--seed N] [SCENARIO]

1. `reachable()` for every ground unit of the scenario (default 1992-winter), as the window
   and the AI call it: per unit and for all of them.
2. The movement phase with about `--units` ground units (150): the scenario's units are
   duplicated onto random hexes their side holds within 30 hexes of Stepanakert (at most four
   to a hex, none on enemy troops), then the phase runs with (a) every ground unit ordered to
   a random hex it can reach, the worst case, and (b) a third of them, closer to a real turn.
   Each run starts from a fresh copy of the state; the copy is not timed.
3. For reference, one whole turn (`resolve_turn`, all phases) of the same state with the
   orders of (b), when the other phases run; the turn's budget is 25 ms.

Reports the median and best of N runs. Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from sim.game import initial_state, make_rng  # noqa: E402
from sim.hexgrid import distance_array  # noqa: E402
from sim.orders import Move  # noqa: E402
from sim.rules import movement  # noqa: E402
from sim.rules.context import TurnContext, season_of  # noqa: E402
from sim.rules.reach import STACK_UNITS, Positions, reachable  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.sides import SIDE_CODES, SIDE_IDS  # noqa: E402

TARGET_PHASE_MS = 6.0
TARGET_TURN_MS = 25.0
FRONT_RADIUS = 30


def crowd(state, n_units: int, rng: np.random.Generator) -> None:
    """Add copies of the scenario's ground units on random hexes their side holds."""
    theatre = state.theatre
    centre = theatre.places["stepanakert"].hex
    near = distance_array(theatre.q, theatre.r, centre.q, centre.r) <= FRONT_RADIUS
    ground = [u for u in state.units.values() if u.active and not u.is_air]
    count: dict[int, int] = {}
    for u in ground:
        count[u.index] = count.get(u.index, 0) + 1
    occupancy = state.occupancy()
    k = 0
    while len(ground) < n_units:
        model = ground[k % len(ground)]
        k += 1
        code = SIDE_CODES[model.side]
        free = np.flatnonzero(
            near
            & theatre.passable()
            & (state.control == code)
            & ((occupancy == 0) | (occupancy == code))
        )
        index = int(rng.choice(free))
        if count.get(index, 0) >= STACK_UNITS:
            continue
        unit = copy.copy(model)
        unit.id = f"{model.id}-copy{k}"
        unit.index = index
        state.units[unit.id] = unit
        ground.append(unit)
        count[index] = count.get(index, 0) + 1
        occupancy[index] = code


def random_orders(state, rng: np.random.Generator, share: float) -> dict[str, list[Move]]:
    pos = Positions.of(state)
    orders: dict[str, list[Move]] = {side: [] for side in SIDE_IDS}
    for unit in state.active_units():
        if unit.is_air or rng.random() >= share:
            continue
        options = [i for i in reachable(state, unit.id, positions=pos) if i != unit.index]
        if options:
            target = options[int(rng.integers(len(options)))]
            orders[unit.side].append(Move(unit.id, state.theatre.hex_of(target)))
    return orders


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def report(label: str, times: list[float], target: float | None = None) -> None:
    med, best = statistics.median(times), min(times)
    verdict = "" if target is None else ("  ok" if med <= target else f"  OVER {target:g} ms")
    print(f"  {label:<52} median {med:7.2f} ms   best {best:7.2f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="1992-winter")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    base = initial_state(scenario, make_rng(args.seed), sources="midpoint")
    season = season_of(base.date)
    ground = [u for u in base.active_units() if not u.is_air]
    print(f"{args.scenario}: {len(ground)} ground units on the map, {season}")

    pos = Positions.of(base)
    sizes = [len(reachable(base, u.id, positions=pos)) for u in ground]
    times = timed(lambda: [reachable(base, u.id, positions=pos) for u in ground], args.runs)
    mean, most = statistics.mean(sizes), max(sizes)
    print(f"reachable(): {mean:.0f} hexes a unit on average, {most} at most")
    report(f"all {len(ground)} units", times)
    report("per unit", [t / len(ground) for t in times])

    rng = np.random.default_rng(args.seed)
    crowded = base.copy()
    crowd(crowded, args.units, rng)
    n = sum(1 for u in crowded.active_units() if not u.is_air)
    print(f"movement phase, {n} ground units:")
    for label, share in (("every unit ordered to move", 1.0), ("a third ordered to move", 1 / 3)):
        orders = random_orders(crowded, np.random.default_rng(args.seed), share)
        n_orders = sum(len(v) for v in orders.values())
        times = []
        for _ in range(args.runs):
            state = crowded.copy()
            ctx = TurnContext(state=state, orders=orders, rng=make_rng(args.seed))
            t0 = time.perf_counter()
            movement.run(ctx)
            times.append((time.perf_counter() - t0) * 1e3)
        refused = sum(e.kind == "order_rejected" for e in ctx.log)
        report(f"{label} ({n_orders} moves, {refused} refused)", times, TARGET_PHASE_MS)

    try:
        from sim.rules.turn import resolve_turn

        times = []
        for _ in range(args.runs):
            state = crowded.copy()
            rng_turn = make_rng(args.seed)
            t0 = time.perf_counter()
            resolve_turn(state, orders, rng_turn)
            times.append((time.perf_counter() - t0) * 1e3)
        print("whole turn, all phases (for reference):")
        report(f"a third ordered to move ({n} ground units)", times, TARGET_TURN_MS)
    except Exception as error:  # the other phases may not run yet
        print(f"whole turn: not measured ({type(error).__name__}: {error})")


if __name__ == "__main__":
    main()
