"""Time loading and validating the largest scenario, cold and warm. Target: under 0.5 s.

    python benchmarks/bench_load.py [--runs N] [SCENARIO]

Cold: a fresh interpreter imports the code, loads the theatre map and loads the scenario (the
interpreter's own start-up is not counted). Warm: the same process loads the scenario again
with the map already cached, as the window and a batch worker do for every new game.
"Largest" is by the bytes of the scenario and the files it includes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.scenario import load_scenario, scenario_files  # noqa: E402

TARGET_S = 0.5
COLD = """\
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from sim.scenario import load_scenario
load_scenario({path!r})
print(time.perf_counter() - t0)
"""


def largest_scenario() -> Path:
    files = scenario_files()
    if not files:
        sys.exit("no scenarios in scenarios/ to time")
    return max(files, key=lambda p: sum(f.stat().st_size for f in load_scenario(p).files))


def cold_run(path: Path) -> float:
    code = COLD.format(root=str(ROOT), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return float(out.stdout.strip())


def warm_run(path: Path) -> float:
    t0 = time.perf_counter()
    load_scenario(path)
    return time.perf_counter() - t0


def report(label: str, times: list[float]) -> None:
    mean, best = statistics.mean(times), min(times)
    verdict = "ok" if mean < TARGET_S else f"over the {TARGET_S} s target"
    print(f"{label:<5} mean {mean * 1000:7.1f} ms   min {best * 1000:7.1f} ms   ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario id or path (default: the largest)")
    parser.add_argument("--runs", type=int, default=10, help="runs of each kind (default 10)")
    args = parser.parse_args()
    path = Path(load_scenario(args.scenario).path) if args.scenario else largest_scenario()
    scenario = load_scenario(path)
    size = sum(f.stat().st_size for f in scenario.files)
    print(
        f"{scenario.id}: {len(scenario.files)} files, {size / 1024:.0f} KiB, "
        f"{len(scenario.units)} units, {len(scenario.events)} events; {args.runs} runs each"
    )
    report("cold", [cold_run(path) for _ in range(args.runs)])
    report("warm", [warm_run(path) for _ in range(args.runs)])


if __name__ == "__main__":
    main()
