"""A batch's files: one small file per finished run, and the tables rebuilt from them.

Each finished run is written at once to `DIR/runs/run-NNNNNN.json` (temporary file, then
rename), so a run is either wholly on disk or not at all, whatever moment the batch is killed.
The tables (`runs.csv`, `events.csv`, `timeseries.csv`) and `manifest.json` are rebuilt from
the runs held, sorted by run, and each replaced atomically: they never depend on the order in
which runs finished, and a resumed batch rewrites them exactly as an uninterrupted one would.
Nothing in them records a time, a path on this machine or the number of workers.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.atomic import write_bytes_atomic, write_text_atomic
from sim.errors import UserError
from sim.scenario.levers import value_text
from sim.scenario.model import FORCE_FIELDS
from sim.sides import SIDE_IDS

BATCH_FORMAT = "karabakh-1992-94-batch"
BATCH_VERSION = 1
RUNS_DIR = "runs"
CONTROL_FILE = "final_control.npz"
TABLES = ("runs", "events", "timeseries")
EVENT_COLUMNS = ("run", "seed", "turn", "date", "place", "district", "from_side", "to_side",
                 "kind", "detail")
RESUME_KEYS = ("scenario", "root_seed", "levers", "controllers", "ai_level", "sources")
"""Manifest keys that must match for `--resume`: they decide every run's result."""


def run_file(out: Path, run: int) -> Path:
    return out / RUNS_DIR / f"run-{run:06d}.json"


def number(x: float | int) -> str:
    """A number as the tables write it: integers plain, other values to 6 decimals."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    y = round(float(x), 6)
    if y.is_integer():
        return str(int(y))
    return repr(y)


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of the three tables for one batch (its levers and its map's districts)."""

    levers: tuple[str, ...]
    districts: tuple[str, ...]

    @property
    def runs(self) -> tuple[str, ...]:
        losses = tuple(f"{k}_lost_{s}" for s in SIDE_IDS for k in FORCE_FIELDS)
        shares = tuple(f"share_{d}_{s}" for d in self.districts for s in SIDE_IDS)
        extra = ("turns", *(f"morale_{s}" for s in SIDE_IDS), "error")
        return ("run", "seed", *self.levers, "end_date", "end_reason", *losses, *shares, *extra)

    @property
    def events(self) -> tuple[str, ...]:
        return EVENT_COLUMNS

    @property
    def timeseries(self) -> tuple[str, ...]:
        per_side = tuple(
            f"{what}_{s}" for s in SIDE_IDS for what in ("area_km2", "hexes", "men")
        )
        return ("run", "seed", "turn", "date", *per_side, *(f"morale_{s}" for s in SIDE_IDS),
                *(f"men_lost_{s}" for s in SIDE_IDS))


@dataclass(frozen=True, slots=True)
class RunRows:
    """One run's lines of each table, already formatted."""

    run: int
    failed: bool
    error: str
    end_reason: str
    runs: str
    events: str
    timeseries: str
    control: str = ""
    """Final control of every hex, one digit a hex (empty for a failed run)."""


def _csv(rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def format_run(record: Mapping[str, Any], layout: Layout, levers: Mapping[str, Any]) -> RunRows:
    """The lines a run record contributes to each table."""
    run, seed = int(record["run"]), int(record["seed"])
    lever_cells = [value_text(levers[k]) for k in layout.levers]
    if record.get("status") != "ok":
        blanks = [""] * (len(layout.runs) - 3 - len(lever_cells) - 2)
        row = [run, seed, *lever_cells, "", "failed", *blanks, record.get("error", "")]
        return RunRows(run, True, str(record.get("error", "")), "failed", _csv([row]), "", "")
    s = record["summary"]
    losses = [number(s["losses"][side].get(k, 0.0)) for side in SIDE_IDS for k in FORCE_FIELDS]
    shares = [number(s["shares"].get(d, {}).get(side, 0.0))
              for d in layout.districts for side in SIDE_IDS]
    extra = [s["turns"], *(number(s["morale"].get(side, 0.0)) for side in SIDE_IDS), ""]
    row = [run, seed, *lever_cells, s["end_date"], s["end_reason"], *losses, *shares, *extra]
    events = [[run, seed, *(e[k] for k in EVENT_COLUMNS[2:])] for e in record["events"]]
    series = [
        [run, seed, t["turn"], t["date"],
         *(number(t[what][side]) for side in SIDE_IDS for what in ("area_km2", "hexes", "men")),
         *(number(t["morale"][side]) for side in SIDE_IDS),
         *(number(t["men_lost"][side]) for side in SIDE_IDS)]
        for t in record["timeseries"]
    ]
    return RunRows(run, False, "", s["end_reason"], _csv([row]), _csv(events), _csv(series),
                   s["control"])


class ResultStore:
    """The batch's directory: run files written as runs finish, tables rebuilt on demand."""

    def __init__(self, out: Path, layout: Layout, manifest: Mapping[str, Any]) -> None:
        self.out = out
        self.layout = layout
        self.manifest = dict(manifest)
        self.rows: dict[int, RunRows] = {}

    # --- runs ------------------------------------------------------------------------------

    def load_existing(self, expected_seeds: Mapping[int, int]) -> None:
        """Take in the runs already on disk (a resumed batch); clear half-written temporaries."""
        folder = self.out / RUNS_DIR
        if not folder.is_dir():
            return
        for stale in folder.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        for stale in self.out.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
        for path in sorted(folder.glob("run-*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                run, seed = int(record["run"]), int(record["seed"])
            except (OSError, ValueError, KeyError, TypeError) as err:
                raise UserError(f"{path}: not a run of this batch ({err})") from None
            if run not in expected_seeds:
                raise UserError(
                    f"{path}: run {run} is beyond this batch's {len(expected_seeds)} runs;"
                    " resume with at least as many runs as the batch already has"
                )
            if expected_seeds[run] != seed:
                raise UserError(f"{path}: run {run} has seed {seed}, this batch gives it"
                                f" {expected_seeds[run]}: not a run of this batch")
            self.rows[run] = format_run(record, self.layout, self.manifest["levers"])

    def add(self, record: Mapping[str, Any]) -> RunRows:
        """Write a finished run's file (atomically) and keep its rows for the tables."""
        text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        write_text_atomic(run_file(self.out, int(record["run"])), text + "\n")
        rows = format_run(record, self.layout, self.manifest["levers"])
        self.rows[rows.run] = rows
        return rows

    @property
    def done(self) -> set[int]:
        return set(self.rows)

    @property
    def failed(self) -> list[RunRows]:
        return [self.rows[r] for r in sorted(self.rows) if self.rows[r].failed]

    # --- tables ----------------------------------------------------------------------------

    def write_tables(self, parquet: bool = False) -> None:
        """Rebuild the tables and the manifest from every run held, sorted by run."""
        ordered = [self.rows[r] for r in sorted(self.rows)]
        layout = self.layout
        tables = {
            "runs": _csv([layout.runs]) + "".join(r.runs for r in ordered),
            "events": _csv([layout.events]) + "".join(r.events for r in ordered),
            "timeseries": _csv([layout.timeseries]) + "".join(r.timeseries for r in ordered),
        }
        for name, text in tables.items():
            write_text_atomic(self.out / f"{name}.csv", text)
        write_bytes_atomic(self.out / CONTROL_FILE, control_npz(ordered))
        if parquet:
            write_parquet(self.out, layout)
        write_text_atomic(self.out / "manifest.json", manifest_text(self.manifest_now()))

    def manifest_now(self) -> dict[str, Any]:
        failed = self.failed
        data = dict(self.manifest)
        data["finished"] = len(self.rows) - len(failed)
        data["failed"] = len(failed)
        data["complete"] = len(self.rows) == int(self.manifest["runs"])
        data["failures"] = [{"run": r.run, "error": r.error} for r in failed]
        return data


def control_npz(rows: Sequence[RunRows]) -> bytes:
    """`control` (finished runs x hexes, int8 side codes) and `run`, as a NumPy .npz archive.

    Written by hand rather than with `numpy.savez` so that the archive holds no timestamp: the
    same runs give the same bytes.
    """
    done = [r for r in rows if not r.failed and r.control]
    width = len(done[0].control) if done else 0
    control = np.frombuffer("".join(r.control for r in done).encode("ascii"), dtype=np.uint8)
    control = (control - ord("0")).astype(np.int8).reshape(len(done), width)
    arrays = {"control": control, "run": np.array([r.run for r in done], dtype=np.int64)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def manifest_text(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def new_manifest(
    scenario: Mapping[str, str],
    root_seed: int,
    runs: int,
    levers: Mapping[str, Any],
    controllers: Mapping[str, str],
    sources: str,
    formats: Sequence[str],
    ai_level: int | None = None,
) -> dict[str, Any]:
    """The manifest; `ai_level` appears only when set, so batches made without it read as
    before and still resume."""
    manifest = {
        "format": BATCH_FORMAT,
        "version": BATCH_VERSION,
        "program_version": __version__,
        "scenario": dict(scenario),
        "root_seed": root_seed,
        "runs": runs,
        "levers": dict(levers),
        "controllers": dict(controllers),
        "sources": sources,
        "files": [f"{t}.{ext}" for ext in formats for t in TABLES]
        + [CONTROL_FILE, "manifest.json"],
    }
    if ai_level is not None:
        manifest["ai_level"] = ai_level
    return manifest


def read_manifest(out: Path) -> dict[str, Any]:
    path = out / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"nothing to resume in {out}: it has no manifest.json") from None
    except (OSError, ValueError) as err:
        raise UserError(f"{path} cannot be read: {err}") from None
    if not isinstance(data, dict) or data.get("format") != BATCH_FORMAT:
        raise UserError(f"{path} is not the manifest of a batch")
    return data


def check_resume(old: Mapping[str, Any], new: Mapping[str, Any], out: Path) -> None:
    """A batch resumes only with the settings that made its runs (and at least its runs)."""
    differ = [k for k in RESUME_KEYS if old.get(k) != new.get(k)]
    if differ:
        details = "; ".join(
            f"{k}: {json.dumps(old.get(k))} there, {json.dumps(new.get(k))} now" for k in differ
        )
        raise UserError(
            f"{out} holds a different batch, so --resume cannot go on with it ({details});"
            " give the same scenario, --seed, --set, --control, --ai-level and --sources,"
            " or another --out"
        )
    if int(new["runs"]) < int(old.get("runs", 0)):
        raise UserError(
            f"{out} holds a batch of {old['runs']} runs; resume it with -n {old['runs']} or more"
        )


# --- Parquet ----------------------------------------------------------------------------------


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def write_parquet(out: Path, layout: Layout) -> None:
    """Parquet copies of the three tables, typed (text columns stay text), written atomically."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    text = {"end_date", "end_reason", "error", "date", "place", "district", "from_side",
            "to_side", "kind", "detail"}
    for name in TABLES:
        columns = getattr(layout, name)
        types = {c: pa.string() for c in columns if c in text}
        types.update({"run": pa.int64(), "seed": pa.int64()})
        table = pacsv.read_csv(
            out / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False),
        )
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        write_bytes_atomic(out / f"{name}.parquet", sink.getvalue().to_pybytes())
