"""Memory of one whole game of the largest scenario with about 150 units. Target < 200 MB.

    python benchmarks/bench_memory.py [--units N] [--orders busy|idle] [SCENARIO]

Run it as its own process (it is one): the peak resident set size (`getrusage`) then counts
the interpreter, numpy, the map, the scenario and the game together, which is what a batch
worker or the window pays per game. Also reported: the resident size before the game (the
fixed cost of the program and its data) and the peak of the game's own Python and numpy
allocations (`tracemalloc`), which is what more games in one process would add each.
The game is played to its end with the same units and orders as `bench_turn.py`, keeping its
whole log, orders and checksums as a session does.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_turn import BusyController, largest_scenario, with_units  # noqa: E402

from sim.scenario import load_scenario  # noqa: E402
from sim.session import Session  # noqa: E402
from sim.sides import SIDE_IDS  # noqa: E402

TARGET_MB = 200.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario id or path (default: the largest)")
    parser.add_argument("--units", type=int, default=150, help="units on the map (default 150)")
    parser.add_argument("--orders", choices=("busy", "idle"), default="busy")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base = load_scenario(args.scenario) if args.scenario else largest_scenario()
    scenario = with_units(base, args.units)
    before = peak_rss_mb()

    controllers = (
        {side: BusyController(side) for side in SIDE_IDS} if args.orders == "busy" else None
    )
    tracemalloc.start()
    t0 = time.perf_counter()
    session = Session.new(scenario, args.seed, "midpoint", controllers)
    session.play()
    seconds = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak = peak_rss_mb()

    verdict = "ok" if peak < TARGET_MB else f"over the {TARGET_MB:g} MB target"
    print(
        f"{scenario.id}: {len(session.state.active_units())} units at the end,"
        f" {session.state.turn} turns played ({session.end_reason or 'not ended'}),"
        f" {len(session.log):,} log entries, {seconds:.1f} s (with tracemalloc on)"
    )
    print(f"resident before the game    {before:7.1f} MB   (program, numpy, map, scenario)")
    print(f"peak resident, whole game   {peak:7.1f} MB   ({verdict})")
    print(f"game's own allocations peak {traced_peak / 2**20:7.1f} MB   (tracemalloc)")


if __name__ == "__main__":
    main()
