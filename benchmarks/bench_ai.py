"""Time the operational AI: one side's turn on the largest scenario with about 150 units.

    python benchmarks/bench_ai.py [SCENARIO] [--units N] [--turns N] [--level 1|2|3] [--seed N]

Targets: an AI side's turn under 50 ms mean; a whole AI-vs-AI war under 20 s on one core.

Both sides are played by the AI. "Largest" is the scenario with the most units, then the most
turns (`bench_turn.largest_scenario`); units on the map on the first day are duplicated
(`bench_turn.with_units`) until `--units` are on the map. Timed: each controller's
`orders(state, rng)` call (view, objectives, supply trace, plan, legality check), per side;
then, separately, whole games of the unpadded scenario from the first day to the end, rules
included.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_turn import largest_scenario, with_units  # noqa: E402

from sim.controllers import controller_rng, make_controller  # noqa: E402
from sim.orders import order_from_dict  # noqa: E402
from sim.rules.turn import resolve_turn  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.session import Session  # noqa: E402
from sim.sides import SIDE_IDS  # noqa: E402

TURN_TARGET_MS = 50.0
WAR_TARGET_S = 20.0


def time_turns(scenario, level: int, turns: int, seed: int) -> dict[str, list[float]]:
    """Per side, the seconds each AI turn took, over `turns` turns (restarting ended games)."""
    times: dict[str, list[float]] = {side: [] for side in SIDE_IDS}
    games = 0

    def new_game() -> Session:
        controllers = {s: make_controller("ai", s, level=level) for s in SIDE_IDS}
        return Session.new(scenario, seed + games, "midpoint", controllers)

    session = new_game()
    session.play_turn()  # warm the caches (step costs, objectives) outside the timing
    for _ in range(turns):
        if session.finished:
            games += 1
            session = new_game()
        orders = {}
        for side in session.sides:
            controller = session.controllers[side]
            state = session.state.copy()
            rng = controller_rng(session.seed, side, session.state.turn)
            t0 = time.perf_counter()
            given = controller.orders(state, rng)
            times[side].append(time.perf_counter() - t0)
            orders[side] = [order_from_dict(o.to_dict()) for o in given]
        resolve_turn(session.state, orders, session.rng)
    return times


def time_wars(scenario, level: int, wars: int, seed: int) -> list[tuple[float, int, str]]:
    """(seconds, turns, why it ended) for whole AI-vs-AI games from the first day."""
    out = []
    for k in range(wars):
        controllers = {s: make_controller("ai", s, level=level) for s in SIDE_IDS}
        t0 = time.perf_counter()
        session = Session.new(scenario, seed + k, "draw", controllers)
        session.play()
        out.append((time.perf_counter() - t0, len(session.turns), session.end_reason))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario id or path (default: the largest)")
    parser.add_argument("--units", type=int, default=150, help="units on the map (default 150)")
    parser.add_argument("--turns", type=int, default=60, help="turns to time (default 60)")
    parser.add_argument("--wars", type=int, default=3, help="whole games to time (default 3)")
    parser.add_argument("--level", type=int, choices=(1, 2, 3), default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = load_scenario(args.scenario) if args.scenario else largest_scenario()
    padded = with_units(base, args.units)
    on_map = len(Session.new(padded, args.seed, "midpoint").state.active_units())
    print(
        f"{base.id}: {on_map} units on the map on the first day ({len(base.units)} in the"
        f" scenario), AI level {args.level}, timing {args.turns} turns a side"
    )
    times = time_turns(padded, args.level, args.turns, args.seed)
    for side, samples in times.items():
        mean = statistics.mean(samples) * 1000
        verdict = "ok" if mean < TURN_TARGET_MS else f"over the {TURN_TARGET_MS:g} ms target"
        print(
            f"  {side:<12} AI turn  mean {mean:6.2f} ms   median"
            f" {statistics.median(samples) * 1000:6.2f} ms   max {max(samples) * 1000:6.2f} ms"
            f"   ({verdict})"
        )
    if args.wars:
        wars = time_wars(base, args.level, args.wars, args.seed)
        mean = statistics.mean(w[0] for w in wars)
        verdict = "ok" if mean < WAR_TARGET_S else f"over the {WAR_TARGET_S:g} s target"
        print(
            f"whole game AI vs AI ({base.id}, {len(base.units)} units, rules included):"
            f" mean {mean:.2f} s over {len(wars)} games ({verdict});"
            f" {statistics.mean(w[1] for w in wars):.0f} turns;"
            f" ended by {', '.join(sorted({w[2] for w in wars}))}"
        )


if __name__ == "__main__":
    main()
