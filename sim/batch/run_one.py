"""One run of a batch: play one game to its end and boil it down to the batch's table rows.

`run_one` is what a worker executes. Its result is a pure function of the task (scenario file
and hash, run number, seed, levers, controllers, sources): it reads no clock and no global
state, so any worker, local or on a cluster, returns the same record for the same task. A run
that raises is returned as a failed record with its error; it never takes the batch down.

The record is plain JSON-ready data (see docs/batch-format.md):

    {"run": 3, "seed": ..., "status": "ok", "error": "",
     "summary": {"end_date", "end_reason", "turns", "losses", "shares", "morale"},
     "events": [{"turn", "date", "place", "district", "from_side", "to_side", "kind",
                 "detail"}, ...],
     "timeseries": [{"turn", "date", "hexes": {side: n}, "area_km2": {side: km2},
                     "men": {side: men}, "morale": {side: m}, "men_lost": {side: men}}, ...]}

`summary.control` holds who held each hex at the end, one digit a hex in map order.
"""

from __future__ import annotations

import datetime as dt
import math
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.chronicle import Entry
from sim.controllers import level_options, make_controller
from sim.rules.control import district_control
from sim.scenario import Scenario, load_scenario
from sim.session import Session
from sim.sides import SIDE_CODES, SIDE_IDS
from sim.state import GameState
from sim.theatre import Theatre, load_theatre


@dataclass(frozen=True, slots=True)
class RunTask:
    """Everything one run depends on; small and picklable, sent to a worker."""

    scenario_path: str
    scenario_sha256: str
    run: int
    seed: int
    levers: dict[str, Any] = field(default_factory=dict)
    controllers: dict[str, str] = field(default_factory=dict)
    sources: str = "draw"
    ai_level: int | None = None


_LOADED: dict[str, tuple[Scenario, Theatre]] = {}
"""Scenario and map per file, loaded once per worker process (they never change in a run)."""


def scenario_for(path: str) -> tuple[Scenario, Theatre]:
    if path not in _LOADED:
        first = load_scenario(Path(path))
        theatre = load_theatre(first.theatre_dir)
        _LOADED[path] = (load_scenario(Path(path), theatre), theatre)
    return _LOADED[path]


def run_one(task: RunTask) -> dict[str, Any]:
    """Play the run's game to its end; a failure is returned as a record, not raised."""
    try:
        return _play(task)
    except Exception as err:  # noqa: BLE001 - any failure of one run is recorded, not fatal
        return failed_record(task, err)


def failed_record(task: RunTask, err: BaseException) -> dict[str, Any]:
    last = traceback.extract_tb(err.__traceback__)[-1:] if err.__traceback__ else []
    where = f" (at {Path(last[0].filename).name}:{last[0].lineno})" if last else ""
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    error = f"{type(err).__name__}: {message}{where}" if message else f"{type(err).__name__}{where}"
    return {"run": task.run, "seed": task.seed, "status": "failed", "error": error}



def _play(task: RunTask) -> dict[str, Any]:
    scenario, theatre = scenario_for(task.scenario_path)
    if scenario.sha256 != task.scenario_sha256:
        raise RuntimeError(
            f"the scenario {scenario.id} changed since the batch began (sha256"
            f" {scenario.sha256[:12]}…, the batch has {task.scenario_sha256[:12]}…)"
        )
    controllers = {
        side: make_controller(kind, side, **level_options(kind, task.ai_level))
        for side, kind in task.controllers.items()
    }
    session = Session.new(
        scenario,
        task.seed,
        task.sources,
        controllers,
        theatre=theatre,
        levers=task.levers,
        checksums=False,  # a run is never saved; its seed replays it
    )
    state = session.state
    land = theatre.terrain != theatre.terrain_names.index("water")
    hex_km2 = math.sqrt(3) / 2 * theatre.hex_km**2
    events: list[dict[str, Any]] = []
    series = [_snapshot(state, land, hex_km2)]
    while not session.finished:
        entries = session.play_turn()
        events.extend(row for e in entries if (row := _event_row(e, state)) is not None)
        series.append(_snapshot(state, land, hex_km2))
    last_day = min(state.date - dt.timedelta(days=1), scenario.end)
    shares = district_control(theatre, state.control)
    return {
        "run": task.run,
        "seed": task.seed,
        "status": "ok",
        "error": "",
        "summary": {
            "end_date": last_day.isoformat(),
            "end_reason": session.end_reason,
            "turns": state.turn,
            "losses": {
                s: {k: float(v) for k, v in state.losses.get(s, {}).items()} for s in SIDE_IDS
            },
            "shares": {
                d.id: {s: float(shares[s][i]) for s in SIDE_IDS}
                for i, d in enumerate(theatre.districts)
            },
            "morale": {s: float(state.national_morale.get(s, 0.0)) for s in SIDE_IDS},
            "control": control_text(state.control),
        },
        "events": events,
        "timeseries": series,
    }


def _snapshot(state: GameState, land: np.ndarray, hex_km2: float) -> dict[str, Any]:
    """The state on the morning of `date`, after `turn` turns."""
    hexes = {s: int(np.count_nonzero((state.control == SIDE_CODES[s]) & land)) for s in SIDE_IDS}
    men = dict.fromkeys(SIDE_IDS, 0.0)
    for u in state.units.values():
        if u.active and u.side in men:
            men[u.side] += max(0.0, u.men)
    return {
        "turn": state.turn,
        "date": state.date.isoformat(),
        "hexes": hexes,
        "area_km2": {s: hexes[s] * hex_km2 for s in SIDE_IDS},
        "men": men,
        "morale": {s: float(state.national_morale.get(s, 0.0)) for s in SIDE_IDS},
        "men_lost": {s: float(state.losses.get(s, {}).get("men", 0.0)) for s in SIDE_IDS},
    }


def control_text(control: np.ndarray) -> str:
    """Who holds each hex at the end, one digit a hex (0 no one, 1 Armenian, 2 Azerbaijani)."""
    return (control.astype(np.uint8) + ord("0")).tobytes().decode("ascii")


def _event_row(entry: Entry, state: GameState) -> dict[str, Any] | None:
    """A named place changing hands, a scenario event firing, or the game ending."""
    data = entry.data
    row = {
        "turn": entry.turn,
        "date": entry.date.isoformat(),
        "place": "",
        "district": "",
        "from_side": "",
        "to_side": "",
        "kind": "",
        "detail": "",
    }
    if entry.kind == "capture":
        row.update(
            place=str(data.get("place", "")),
            district=str(data.get("district") or ""),
            from_side=str(data.get("from_side", "")),
            to_side=str(data.get("to_side", "")),
            kind="capture",
            detail=str(data.get("place_kind", "")),
        )
        return row
    if entry.kind == "event":
        place = str(data.get("place") or "")
        known = state.theatre.places.get(place)
        row.update(
            place=place,
            district=str(known.district or "") if known else "",
            kind="event",
            detail=str(data.get("event", "")),
        )
        return row
    if entry.kind == "game_end":
        row.update(kind="end", detail=state.ended)
        return row
    return None
