"""`python main.py batch`: many independent games of one scenario, summarised in tables.

The analyst's question is rarely one game: it is how often, how far, at what cost, and what
changes when one thing in history had gone otherwise (`--set`). Runs play in parallel on every
core (or on a Dask cluster), each from its own seed derived from the root seed, and the tables
in DIR are the same whatever ran them. The format is in docs/batch-format.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.batch.executor import (
    CLUSTER_HINT,
    check_scheduler,
    dask_backend,
    default_workers,
    local_backend,
)
from sim.batch.results import parquet_available
from sim.batch.runner import BatchResult, BatchSpec, run_batch
from sim.cli.args import (
    add_ai_level_option,
    add_set_option,
    control_arg,
    lever_settings,
    runs_arg,
    seed_arg,
    workers_arg,
)
from sim.controllers import KINDS
from sim.errors import UserError
from sim.game import SOURCES_MODES
from sim.scenario import load_scenario
from sim.scenario.levers import lever_values, value_text

EPILOG = """\
examples:
  python main.py batch 1992-winter -n 200 --seed 7
  python main.py batch 1992-winter -n 200 --seed 7 --out results/winter --workers 2 \\
      --control armenian=idle,azerbaijani=idle
  python main.py batch 1992-winter -n 200 --seed 7 --set winter=1 --set azerbaijani-stability=1.5
  python main.py batch 1992-winter -n 200 --seed 7 --out results/winter --resume
  python main.py batch 1992-winter -n 2000 --seed 7 --scheduler tcp://10.0.0.5:8786

Run r plays with a seed derived from the root seed and r alone, so the same command gives the
same files whatever --workers or backend; `python main.py run SCENARIO --seed <its seed>`
replays any run. A batch stopped at any moment (Ctrl-C, a crash, kill -9) goes on where it
stopped with the same command and --resume. Levers: python main.py levers SCENARIO.
Controller kinds: {kinds}. Exit status: 0 every run finished, 1 some runs failed (recorded in
runs.csv and manifest.json), 2 bad input, 130 interrupted.
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="play many games of a scenario in parallel and write tables of the results",
        description="Play N independent games of a SCENARIO, in parallel, and write one row per\n"
        "game (runs.csv), the places that changed hands (events.csv), a turn-by-turn series\n"
        "(timeseries.csv) and a manifest to DIR.",
        epilog=EPILOG.format(kinds=", ".join(KINDS)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario id or path to its .toml file")
    p.add_argument(
        "-n", "--runs", type=runs_arg, required=True, metavar="N", help="number of games to play"
    )
    p.add_argument(
        "--seed",
        type=seed_arg,
        required=True,
        metavar="S",
        help="the root seed every run's seed is derived from",
    )
    p.add_argument(
        "--workers",
        "-w",
        type=workers_arg,
        metavar="W",
        help=f"worker processes on this machine (default: all cores, here"
        f" {default_workers()}; 1 plays the runs in this process)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        help="directory for the results (default: batch-SCENARIO-seedS)",
    )
    p.add_argument(
        "--control",
        type=control_arg,
        metavar="SIDE=KIND,...",
        help="who plays each side, e.g. armenian=idle,azerbaijani=idle (default: idle)",
    )
    add_ai_level_option(p)
    add_set_option(p)
    p.add_argument(
        "--sources",
        choices=SOURCES_MODES,
        default="draw",
        help="resolve the sources' ranges by a draw from each run's seed (default)"
        " or at their midpoints",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        type=scheduler_arg,
        help=f"run on an existing Dask cluster, e.g. tcp://HOST:8786 (needs: {CLUSTER_HINT})",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="finish a batch in DIR that was stopped: play only the missing runs",
    )
    p.add_argument(
        "--format",
        choices=("csv", "parquet"),
        default="csv",
        help="csv (default), or parquet: Parquet copies of the tables as well (needs pyarrow)",
    )
    p.set_defaults(run=run)


# --- argument types ---------------------------------------------------------------------------


def scheduler_arg(text: str) -> str:
    try:
        return check_scheduler(text)
    except UserError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


# --- the command ------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    given = lever_settings(args.levers)
    if args.scheduler and args.workers is not None:
        raise UserError(
            "--workers sets the processes on this machine; with --scheduler the cluster's"
            " workers play the runs (leave --workers out)"
        )
    if args.format == "parquet" and not parquet_available():
        raise UserError(
            "--format parquet needs pyarrow: pip install -e '.[parquet]' (or: pip install pyarrow)"
        )
    scenario = load_scenario(args.scenario)
    levers = lever_values(scenario, given)
    out = args.out or Path(f"batch-{scenario.id}-seed{args.seed}")
    formats = ("csv", "parquet") if args.format == "parquet" else ("csv",)
    spec = BatchSpec(
        scenario,
        args.seed,
        args.runs,
        out,
        levers,
        dict(args.control or {}),
        args.sources,
        formats,
        args.resume,
        args.ai_level,
    )
    backend = (
        dask_backend(args.scheduler)
        if args.scheduler
        else local_backend(args.workers or default_workers())
    )
    try:
        result = run_batch(spec, backend)
    except KeyboardInterrupt:
        print(
            f"Interrupted; the runs finished so far are in {out}: go on with the same"
            " command and --resume.",
            file=sys.stderr,
        )
        raise
    finally:
        backend.close()
    print(summary(spec, result))
    return 1 if result.failed else 0


def summary(spec: BatchSpec, result: BatchResult) -> str:
    lines = []
    levers = ", ".join(f"{k}={value_text(v)}" for k, v in spec.levers.items()) or "none"
    controllers = ", ".join(f"{s}={k}" for s, k in spec.controller_kinds().items())
    if spec.effective_ai_level() is not None:
        controllers += f", ai level {spec.effective_ai_level()}"
    lines.append(
        f"Batch of {result.total} runs of {spec.scenario.id}, root seed {spec.root_seed}"
        f" (levers: {levers}; {controllers}; sources {spec.sources})."
    )
    already = result.total - result.ran
    resumed = f" ({already} already done)" if already else ""
    rate = result.ran / result.elapsed if result.elapsed > 0 else 0.0
    lines.append(
        f"Played {result.ran} runs{resumed} in {result.elapsed:.1f} s, {rate:.2f} runs/s, on"
        f" {result.backend}."
    )
    reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(result.end_reasons.items()))
    lines.append(f"Finished {result.finished}, failed {result.failed}. Endings: {reasons}.")
    for run, error in result.failures[:5]:
        lines.append(f"  run {run} failed: {error}")
    if len(result.failures) > 5:
        lines.append(f"  ... and {len(result.failures) - 5} more (see manifest.json)")
    files = ", ".join(
        f"{t}.{ext}" for ext in spec.formats for t in ("runs", "events", "timeseries")
    )
    lines.append(f"Results in {result.out}: {files}, final_control.npz, manifest.json.")
    return "\n".join(lines)
