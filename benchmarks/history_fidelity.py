"""How often the historical plan reproduces history: N seeds of a scenario on 2 processes.

    python benchmarks/history_fidelity.py 1992-winter --seeds 1-20
    python benchmarks/history_fidelity.py 1992-1994-war --seeds 1-20 --workers 2

Prints, for each historical change of control in the scenario's dates, the share of seeds on
which it happened within 21 days of its window, on which it happened at all, and the median
days off; how often Stepanakert held; and for a scenario that runs to the ceasefire, each
district's Armenian-held share at the end against history-notes §c2. Also the wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.fidelity import (  # noqa: E402
    ceasefire_shares,
    measure,
    play_seed,
    reaches_ceasefire,
    seeds_of,
)
from sim.scenario import load_scenario  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="1992-winter")
    parser.add_argument("--seeds", default="1-20", help='e.g. "1-20" or "1,4,9"')
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sources", default="draw", choices=("draw", "midpoint"))
    parser.add_argument("--misses", action="store_true",
                        help="list every key event missed, seed by seed")
    args = parser.parse_args()
    seeds = seeds_of(args.seeds)
    scenario = load_scenario(args.scenario)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        records = list(pool.map(partial(play_seed, args.scenario, sources=args.sources), seeds))
    wall = time.perf_counter() - started
    ceasefire = ceasefire_shares() if reaches_ceasefire(scenario) else None
    fidelity = measure(args.scenario, records, ceasefire)
    print(fidelity.table())
    if args.misses:
        from sim.fidelity import divergence_message

        print()
        for f in fidelity.events:
            if not f.event.key:
                continue
            for record in records:
                if not record.reproduced(f.event):
                    print(divergence_message(record, f.event))
    print(f"\n{len(seeds)} seeds on {args.workers} processes in {wall:.1f} s "
          f"({wall / len(seeds):.2f} s a seed of wall time)")


if __name__ == "__main__":
    main()
