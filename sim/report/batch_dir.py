"""Reading a batch directory: the CSV files `python main.py batch` writes, checked as they load.

The files are the contract between the batch and the report (docs/batch-format.md): one row
per run (`runs.csv`), one per change of control or other notable event (`events.csv`), one
per run and turn (`timeseries.csv`), the batch's facts (`manifest.json`) and, when present,
every run's final control of every hex (`final_control.npz`). Column names are matched in one
place (the patterns below), so a renamed column is a one-line change. A file that does not fit
is a UserError naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import UserError
from sim.scenario import load_scenario
from sim.sides import SIDE_IDS

__all__ = ["Batch", "Series", "SimEvent", "read_batch"]

RUNS_FILE = "runs.csv"
EVENTS_FILE = "events.csv"
SERIES_FILE = "timeseries.csv"
MANIFEST_FILE = "manifest.json"
CONTROL_FILE = "final_control.npz"

_SIDE = "(?P<side>" + "|".join(SIDE_IDS) + ")"
# runs.csv: run, seed, one column per lever (named by its id), end_date, end_reason,
# <field>_lost_<side>, share_<district>_<side>, then turns, morale_<side>, error.
LOSS = re.compile(rf"^(?P<field>[a-z]+)_lost_{_SIDE}$")
DISTRICT_SHARE = re.compile(rf"^share_(?P<district>[a-z0-9-]+)_{_SIDE}$")
# timeseries.csv: run, seed, turn, date, <measure>_<side> (area_km2, hexes, men, morale...).
SERIES = re.compile(rf"^(?P<measure>[a-z0-9_]+?)_{_SIDE}$")
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SimEvent:
    """A change of control (or another notable event) in one run."""

    run: int
    turn: int
    date: date
    kind: str
    place: str
    district: str
    from_side: str
    to_side: str


@dataclass(frozen=True)
class Series:
    """Per-turn measures on a common calendar: `values[measure][side]` is runs x dates.

    A run that ended early keeps its last value to the batch's last date: territory a run ended
    with is still held after its ceasefire, so the band over time compares like with like.
    """

    dates: tuple[date, ...]
    values: Mapping[str, Mapping[str, np.ndarray]]

    def measure(self, name: str, side: str) -> np.ndarray | None:
        return self.values.get(name, {}).get(side)


@dataclass(frozen=True)
class Batch:
    """One batch directory, its runs in order of `run` number (the pairing key between batches)."""

    path: Path
    manifest: Mapping[str, Any]
    runs: np.ndarray
    seeds: np.ndarray
    levers: Mapping[str, tuple[str, ...]]
    end_dates: tuple[date, ...]
    end_reasons: tuple[str, ...]
    losses: Mapping[str, Mapping[str, np.ndarray]]
    district_shares: Mapping[str, Mapping[str, np.ndarray]]
    events: tuple[SimEvent, ...]
    series: Series
    final_control: np.ndarray | None = None
    notes: tuple[str, ...] = field(default=())
    start: date | None = None
    end: date | None = None

    @property
    def n(self) -> int:
        return int(self.runs.size)

    @property
    def label(self) -> str:
        """What the batch changed, for headings: its levers, else its directory name."""
        set_levers = [
            f"{k}={v[0]}" for k, v in self.levers.items() if len(set(v)) == 1 and v[0] != ""
        ]
        return ", ".join(set_levers) if set_levers else self.path.name

    @property
    def scenario(self) -> str:
        value = self.manifest.get("scenario")
        if isinstance(value, Mapping):
            value = value.get("id")
        return str(value) if value else "?"

    def captures(self) -> list[SimEvent]:
        return [e for e in self.events if e.kind == "capture" and e.place]


def read_batch(directory: str | Path) -> Batch:
    """Load and check one batch directory; raises UserError naming what is wrong and where."""
    path = Path(directory)
    if not path.is_dir():
        raise UserError(f"{path}: not a directory (expected the output of python main.py batch)")
    if not (path / RUNS_FILE).is_file():
        raise UserError(
            f"{path}: no {RUNS_FILE}; is this a batch directory? "
            "(make one with: python main.py batch SCENARIO --runs N --out DIR)"
        )
    manifest = _read_manifest(path / MANIFEST_FILE)
    runs = _RunsTable(path / RUNS_FILE)
    notes = list(runs.notes)
    index = {int(r): i for i, r in enumerate(runs.runs)}
    events = _read_events(path / EVENTS_FILE, index)
    series = _read_series(path / SERIES_FILE, runs.runs, index)
    control, missing = _read_final_control(path / CONTROL_FILE, runs.runs)
    notes += missing
    start, end = _scenario_dates(manifest)
    return Batch(
        path=path,
        manifest=manifest,
        runs=runs.runs,
        seeds=runs.seeds,
        levers=runs.levers,
        end_dates=runs.end_dates,
        end_reasons=runs.end_reasons,
        losses=runs.losses,
        district_shares=runs.shares,
        events=events,
        series=series,
        final_control=control,
        notes=tuple(notes),
        start=start,
        end=end,
    )


def _scenario_dates(manifest: Mapping[str, Any]) -> tuple[date | None, date | None]:
    """The scenario's first and last day, when the manifest names a scenario that loads (the
    runs alone cannot say how far a scenario reaches when they all ended early)."""
    scenario = manifest.get("scenario")
    ident = scenario.get("id") if isinstance(scenario, Mapping) else scenario
    if not isinstance(ident, str) or not ident:
        return None, None
    try:
        loaded = load_scenario(ident)
    except (UserError, OSError):
        return None, None
    return loaded.start, loaded.end


# --- the files -----------------------------------------------------------------------------


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise UserError(f"{path}: cannot read the manifest: {err}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object, found {type(data).__name__}")
    return data


def _rows(path: Path, required: Iterable[str]) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and (line number, row) pairs; missing required columns are an error."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise UserError(f"{path}: cannot read: {err}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)} (found: {', '.join(header) or 'none'})"
        )
    return header, rows


def _int(path: Path, line: int, column: str, text: str | None) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise UserError(
            f"{path}: line {line}: column {column!r}: expected a whole number, found {text!r}"
        ) from None


def _float(path: Path, line: int, column: str, text: str | None) -> float:
    """A number; an empty cell is NaN (a measure the run did not record)."""
    if text is None or str(text).strip() == "":
        return float("nan")
    try:
        return float(str(text).strip())
    except ValueError:
        raise UserError(
            f"{path}: line {line}: column {column!r}: expected a number, found {text!r}"
        ) from None


def _date(path: Path, line: int, column: str, text: str | None) -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise UserError(
            f"{path}: line {line}: column {column!r}: expected a date like 1992-05-09, "
            f"found {text!r}"
        ) from None


class _RunsTable:
    """runs.csv, column by column; runs sorted by number."""

    def __init__(self, path: Path) -> None:
        header, rows = _rows(path, ("run", "seed", "end_date", "end_reason"))
        failed = [r for _, r in rows if (r["end_reason"] or "").strip() == FAILED]
        rows = [(n, r) for n, r in rows if (r["end_reason"] or "").strip() != FAILED]
        self.notes = [f"{len(failed)} failed run(s) left out"] if failed else []
        if not rows:
            raise UserError(f"{path}: no finished runs"
                            + (f" ({len(failed)} failed)" if failed else ""))
        rows.sort(key=lambda lr: _int(path, lr[0], "run", lr[1].get("run")))
        self.runs = np.array([_int(path, n, "run", r["run"]) for n, r in rows], dtype=np.int64)
        dup = self.runs[1:][self.runs[1:] == self.runs[:-1]]
        if dup.size:
            raise UserError(f"{path}: run {int(dup[0])} is listed twice")
        self.seeds = np.array([_int(path, n, "seed", r["seed"]) for n, r in rows], dtype=object)
        self.end_dates = tuple(_date(path, n, "end_date", r["end_date"]) for n, r in rows)
        self.end_reasons = tuple((r["end_reason"] or "").strip() for _, r in rows)
        self.levers: dict[str, tuple[str, ...]] = {}
        self.losses: dict[str, dict[str, np.ndarray]] = {}
        self.shares: dict[str, dict[str, np.ndarray]] = {}
        first, last = header.index("seed") + 1, header.index("end_date")
        for column in header[first:last]:
            self.levers[column] = tuple((r[column] or "").strip() for _, r in rows)
        for column in header[last:]:
            if m := LOSS.match(column):
                values = [_float(path, n, column, r[column]) for n, r in rows]
                self.losses.setdefault(m["side"], {})[m["field"]] = np.array(values)
            elif m := DISTRICT_SHARE.match(column):
                values = [_float(path, n, column, r[column]) for n, r in rows]
                self.shares.setdefault(m["district"], {})[m["side"]] = np.array(values)


def _read_events(path: Path, index: Mapping[int, int]) -> tuple[SimEvent, ...]:
    if not path.is_file():
        return ()
    _, rows = _rows(path, ("run", "turn", "date", "place", "from_side", "to_side"))
    out = []
    for line, r in rows:
        run = _int(path, line, "run", r["run"])
        if run not in index:
            continue  # a failed run's partial record
        kind = (r.get("kind") or "capture").strip() or "capture"
        out.append(SimEvent(
            run=run,
            turn=_int(path, line, "turn", r["turn"]),
            date=_date(path, line, "date", r["date"]),
            kind=kind,
            place=(r.get("place") or "").strip(),
            district=(r.get("district") or "").strip(),
            from_side=(r.get("from_side") or "").strip(),
            to_side=(r.get("to_side") or "").strip(),
        ))
    out.sort(key=lambda e: (e.run, e.turn, e.date))
    return tuple(out)


def _read_series(path: Path, runs: np.ndarray, index: Mapping[int, int]) -> Series:
    if not path.is_file():
        return Series((), {})
    header, rows = _rows(path, ("run", "turn", "date"))
    columns = [(c, m["measure"], m["side"]) for c in header if (m := SERIES.match(c))]
    days = sorted({_date(path, n, "date", r["date"]) for n, r in rows})
    col = {d: j for j, d in enumerate(days)}
    values = {
        measure: {side: np.full((runs.size, len(days)), np.nan) for _, mm, side in columns
                  if mm == measure}
        for _, measure, _ in columns
    }
    for line, r in rows:
        run = _int(path, line, "run", r["run"])
        if run not in index:
            continue
        i, j = index[run], col[_date(path, line, "date", r["date"])]
        for column, measure, side in columns:
            values[measure][side][i, j] = _float(path, line, column, r[column])
    for by_side in values.values():
        for grid in by_side.values():
            _carry_forward(grid)
    return Series(tuple(days), values)


def _carry_forward(grid: np.ndarray) -> None:
    """Fill each row's gaps with its last recorded value, in place."""
    for row in grid:
        seen = ~np.isnan(row)
        if not seen.any():
            continue
        last = np.where(seen, np.arange(row.size), 0)
        np.maximum.accumulate(last, out=last)
        filled = row[last]
        filled[: int(np.argmax(seen))] = np.nan
        row[:] = filled


def _read_final_control(path: Path, runs: np.ndarray) -> tuple[np.ndarray | None, list[str]]:
    """Final control per run and hex (`control`, runs x hexes; `run` gives the row order)."""
    if not path.is_file():
        return None, [f"no {CONTROL_FILE}: the map of who held each hex at the end is unavailable"]
    try:
        with np.load(path, allow_pickle=False) as data:
            control = np.asarray(data["control"])
            order = np.asarray(data["run"]) if "run" in data.files else runs
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise UserError(f"{path}: cannot read final control (expected arrays "
                        f"'control' runs x hexes and 'run'): {err}") from None
    if control.ndim != 2 or control.shape[0] != order.size:
        raise UserError(f"{path}: 'control' has shape {control.shape}, expected "
                        f"({order.size}, hexes)")
    rows = {int(r): i for i, r in enumerate(order)}
    missing = [int(r) for r in runs if int(r) not in rows]
    if missing:
        raise UserError(f"{path}: no final control for run {missing[0]}")
    return control[[rows[int(r)] for r in runs]], []
