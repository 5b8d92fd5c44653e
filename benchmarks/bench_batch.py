"""Whole-war runs per second in a batch, and the peak memory of each worker process.

    python benchmarks/bench_batch.py [--runs N] [--workers W] [--control SIDE=KIND,...]
                                     [SCENARIO]

Plays a batch of N runs (default 8) of SCENARIO (default: the whole war, 1992-1994-war, else
the longest scenario there is) with W worker processes (default 2) through the same code as
`python main.py batch`, into a temporary folder, and reports runs per second (including the
workers' start-up, as a user would see it) and the largest resident memory of any worker,
sampled every 50 ms. Target: at least 0.5 runs/s with the historical plan on 2 cores.

The machine may be shared, so it also reports the CPU seconds the workers spent per run (their
user + system time, sampled like the memory): that figure hardly moves when other work
competes for the cores, and W divided by it is what W free cores would give.

    python benchmarks/bench_batch.py --control armenian=historical,azerbaijani=historical
    python benchmarks/bench_batch.py --control armenian=ai,azerbaijani=ai
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.batch import BatchSpec, run_batch  # noqa: E402
from sim.batch.executor import local_backend  # noqa: E402
from sim.cli.args import control_arg  # noqa: E402
from sim.scenario import ScenarioError, load_scenario, scenario_files  # noqa: E402


def default_scenario() -> str:
    try:
        load_scenario("1992-1994-war")
        return "1992-1994-war"
    except ScenarioError:
        pass
    best = max(scenario_files(), key=lambda p: load_scenario(p).turns)
    return best.stem


class MemoryWatch:
    """Peak resident memory of each child process of this one (psutil, if installed)."""

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.peak: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()
        try:
            import psutil
        except ImportError:
            self.me = None
            return
        self.me = psutil.Process()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        while not self.stop.is_set():
            for child in self.me.children(recursive=True):
                try:
                    rss = child.memory_info().rss
                    times = child.cpu_times()
                except Exception:  # noqa: BLE001 - a child that just ended
                    continue
                self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
                self.cpu[child.pid] = max(self.cpu.get(child.pid, 0.0), times.user + times.system)
            time.sleep(self.every)

    def close(self) -> None:
        self.stop.set()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", nargs="?", default=None)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--control", type=control_arg, default={})
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    name = args.scenario or default_scenario()
    scenario = load_scenario(name)
    watch = MemoryWatch()
    with tempfile.TemporaryDirectory() as folder:
        backend = local_backend(args.workers)
        start = time.perf_counter()
        try:
            result = run_batch(
                BatchSpec(
                    scenario, args.seed, args.runs, Path(folder) / "out", controllers=args.control
                ),
                backend,
                stream=open("/dev/null", "w"),  # noqa: SIM115 - the bar is not wanted here
            )
        finally:
            backend.close()
        elapsed = time.perf_counter() - start
    watch.close()
    controls = ", ".join(f"{s}={k}" for s, k in args.control.items()) or "idle"
    print(
        f"{scenario.id} ({scenario.turns} turns max), {controls}, {args.workers} workers,"
        f" {args.runs} runs"
    )
    print(
        f"  {result.finished} finished, {result.failed} failed; endings {dict(result.end_reasons)}"
    )
    print(
        f"  {elapsed:.1f} s: {args.runs / elapsed:.2f} runs/s (target >= 0.5 with the"
        " historical plan)"
    )
    for run, error in result.failures[:3]:
        print(f"  run {run} failed: {error}")
    if watch.peak:
        peaks = sorted(watch.peak.values(), reverse=True)
        workers, helpers = peaks[: args.workers], peaks[args.workers :]
        print(
            f"  peak memory per worker: {', '.join(f'{p / 2**20:.0f} MB' for p in workers)}"
            f" (start-up helpers: {', '.join(f'{p / 2**20:.0f} MB' for p in helpers)})"
        )
        per_run = sum(watch.cpu.values()) / args.runs
        print(
            f"  CPU per run: {per_run:.2f} s (workers' CPU time, start-up included); on"
            f" {args.workers} free cores about {args.workers / per_run:.2f} runs/s"
        )
    else:
        print("  (install psutil to measure the workers' memory)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
