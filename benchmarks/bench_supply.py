"""Time the supply phase (and the events phase) on the largest scenario. Target: supply <= 8 ms.

    python benchmarks/bench_supply.py [--runs N] [--units N] [SCENARIO]

Three timings per case: `trace` is the pure trace of both sides (what the window and the AI
call), `supply` the whole phase (trace, shortages, ammunition, log entries), `events` the
events phase of the first turn. Each phase runs on a fresh copy of the state; the copy is
timed apart and subtracted. The second case adds copies of the scenario's units at random
hexes their side holds until there are `--units` units (150 by default, the size of the
whole war), since supply cost grows with the units and the channels they draw on.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.game import initial_state, make_rng  # noqa: E402
from sim.rules import events, supply  # noqa: E402
from sim.rules.context import TurnContext  # noqa: E402
from sim.rules.supply import trace_all  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.sides import SIDE_CODES  # noqa: E402

TARGET_MS = 8.0


def crowded(state, n_units: int, seed: int = 1):
    """The state with copies of its units at random hexes their side holds, up to n_units."""
    state = state.copy()
    rng = np.random.default_rng(seed)
    originals = [u for u in state.units.values() if u.active]
    passable = state.theatre.passable()
    k = 0
    while len(state.units) < n_units:
        template = originals[k % len(originals)]
        k += 1
        held = np.flatnonzero(passable & (state.control == SIDE_CODES[template.side]))
        clone = copy.copy(template)
        clone.id = f"{template.id}-copy-{k}"
        clone.index = int(rng.choice(held))
        state.units[clone.id] = clone
    return state


def timed(fn, runs: int) -> list[float]:
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def measure(state, runs: int) -> dict[str, list[float]]:
    copies = timed(state.copy, runs)
    base = statistics.median(copies)

    def phase(run):
        def go():
            run(TurnContext(state=state.copy(), orders={}, rng=make_rng(0)))
        return [t - base for t in timed(go, runs)]

    return {
        "trace": timed(lambda: trace_all(state), runs),
        "supply": phase(supply.run),
        "events": phase(events.run),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="1992-winter")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--units", type=int, default=150)
    args = parser.parse_args(argv)

    scenario = load_scenario(args.scenario)
    state = initial_state(scenario, make_rng(0), sources="midpoint")
    cases = {
        f"{args.scenario} ({len(state.active_units())} units on the map)": state,
        f"{args.scenario} with {args.units} units": crowded(state, args.units),
    }
    worst = 0.0
    for name, case in cases.items():
        print(name)
        for what, times in measure(case, args.runs).items():
            median = statistics.median(times)
            if what == "supply":
                worst = max(worst, median)
            print(f"  {what:7s} median {median:6.2f} ms   min {min(times):6.2f} ms")
    verdict = "ok" if worst <= TARGET_MS else "over target"
    print(f"supply phase: worst median {worst:.2f} ms (target {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
