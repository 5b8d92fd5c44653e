"""Running a batch: plan the runs, hand them to a backend, store each result as it comes.

The order runs are submitted in is fixed (by run), but the order they finish in is not; it
does not matter, because each run's result depends on its task alone and the tables are
sorted by run. A few more runs than there are workers are kept in flight, so a stopped batch
loses little and the parent never holds thousands of pending futures.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sim.batch.executor import Backend
from sim.batch.progress import Progress
from sim.batch.results import (
    RUNS_DIR,
    Layout,
    ResultStore,
    check_resume,
    new_manifest,
    read_manifest,
)
from sim.batch.run_one import RunTask, failed_record, run_one, scenario_for
from sim.batch.seeds import run_seed
from sim.errors import UserError
from sim.saves import PROJECT_ROOT
from sim.scenario import Scenario
from sim.scenario.levers import LeverValue
from sim.sides import SIDE_IDS


@dataclass(frozen=True)
class BatchSpec:
    """What decides a batch's results (and where they go)."""

    scenario: Scenario
    root_seed: int
    runs: int
    out: Path
    levers: Mapping[str, LeverValue] = field(default_factory=dict)
    controllers: Mapping[str, str] = field(default_factory=dict)
    sources: str = "draw"
    formats: tuple[str, ...] = ("csv",)
    resume: bool = False
    ai_level: int | None = None
    """Strength of any "ai" controller (None: its default); recorded only when given."""

    def controller_kinds(self) -> dict[str, str]:
        return {side: self.controllers.get(side, "idle") for side in SIDE_IDS}

    def scenario_record(self) -> dict[str, str]:
        path = self.scenario.path.resolve()
        shown = (path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT)
                 else path.as_posix())
        return {"id": self.scenario.id, "sha256": self.scenario.sha256, "path": shown}

    def task(self, run: int) -> RunTask:
        return RunTask(
            scenario_path=str(self.scenario.path.resolve()),
            scenario_sha256=self.scenario.sha256,
            run=run,
            seed=run_seed(self.root_seed, run),
            levers=dict(self.levers),
            controllers=self.controller_kinds(),
            sources=self.sources,
            ai_level=self.effective_ai_level(),
        )

    def effective_ai_level(self) -> int | None:
        """The level, if an "ai" controller plays a side at all (else it changes nothing)."""
        return self.ai_level if "ai" in self.controller_kinds().values() else None


@dataclass
class BatchResult:
    out: Path
    total: int
    finished: int
    failed: int
    ran: int
    """Runs played by this call (the rest were already on disk)."""
    elapsed: float
    backend: str
    failures: list[tuple[int, str]]
    end_reasons: Counter


def run_batch(
    spec: BatchSpec,
    backend: Backend,
    stream: TextIO | None = None,
    flush_every: float = 5.0,
) -> BatchResult:
    """Play every run of the batch not yet on disk; the tables are complete when it returns."""
    if spec.runs < 1:
        raise UserError(f"-n must be 1 or more, not {spec.runs}")
    manifest = new_manifest(spec.scenario_record(), spec.root_seed, spec.runs, spec.levers,
                            spec.controller_kinds(), spec.sources, spec.formats,
                            spec.effective_ai_level())
    _prepare(spec, manifest)
    _, theatre = scenario_for(str(spec.scenario.path.resolve()))
    layout = Layout(tuple(spec.levers), tuple(d.id for d in theatre.districts))
    store = ResultStore(spec.out, layout, manifest)
    if spec.resume:
        store.load_existing({r: run_seed(spec.root_seed, r) for r in range(1, spec.runs + 1)})
    parquet = "parquet" in spec.formats
    store.write_tables(parquet)
    todo = [r for r in range(1, spec.runs + 1) if r not in store.done]
    progress = Progress(spec.runs, spec.runs - len(todo), stream)
    in_flight: dict[Future, RunTask] = {}
    last_flush = time.monotonic()
    ran = 0
    try:
        queue = iter(todo)
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < backend.slots:
                run = next(queue, None)
                if run is None:
                    exhausted = True
                    break
                task = spec.task(run)
                in_flight[backend.executor.submit(run_one, task)] = task
            if not in_flight:
                break
            done, _ = wait(list(in_flight), timeout=flush_every, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: in_flight[f].run):
                task = in_flight.pop(future)
                rows = store.add(_result(future, task))
                ran += 1
                progress.update(rows.failed)
            if time.monotonic() - last_flush >= flush_every:
                store.write_tables()
                last_flush = time.monotonic()
    except BaseException:
        progress.close()
        backend.close(cancel=True)
        store.write_tables()
        raise
    progress.close()
    store.write_tables(parquet)
    failures = [(r.run, r.error) for r in store.failed]
    return BatchResult(
        out=spec.out,
        total=spec.runs,
        finished=len(store.done) - len(failures),
        failed=len(failures),
        ran=ran,
        elapsed=progress.elapsed,
        backend=backend.description,
        failures=failures,
        end_reasons=_end_reasons(store),
    )


def _result(future: Future, task: RunTask) -> dict[str, Any]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise UserError(
            "a worker process died (out of memory, or killed); the runs finished so far are"
            " saved: go on with the same command and --resume"
        ) from None
    except Exception as err:  # noqa: BLE001 - e.g. a cluster worker lost: the run failed
        return failed_record(task, err)


def _prepare(spec: BatchSpec, manifest: Mapping[str, Any]) -> None:
    out = spec.out
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file, not a directory")
    if spec.resume:
        check_resume(read_manifest(out), manifest, out)
    elif (out / "manifest.json").exists() or any((out / RUNS_DIR).glob("run-*.json")):
        raise UserError(
            f"{out} already holds a batch; add --resume to finish it, or give another --out"
        )
    (out / RUNS_DIR).mkdir(parents=True, exist_ok=True)


def _end_reasons(store: ResultStore) -> Counter:
    return Counter(store.rows[run].end_reason for run in sorted(store.rows))
