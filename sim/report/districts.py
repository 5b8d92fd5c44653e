"""Who held each district at the end of the runs, against who held it at the 1994 ceasefire.

Two historical references stand side by side: the table of NKR-controlled km² per rayon that
history-notes §c2 quotes (S20), kept as data in `scenarios/history/ceasefire-1994.toml`, and
the ceasefire line drawn on the map (`Theatre.ceasefire_1994`, from the Natural Earth de facto
polygon). They differ a little where the map's post-1991 districts cut across the Soviet
rayons; showing both lets a reader see how much of a gap is the reference, not the game.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import UserError
from sim.report.batch_dir import Batch
from sim.report.stats import Spread, spread
from sim.scenario.paths import SCENARIOS_DIR, display_path
from sim.sides import ARMENIAN
from sim.theatre import Theatre

__all__ = ["CEASEFIRE_FILE", "CeasefireShare", "DistrictOutcome", "compare_districts",
           "read_ceasefire"]

CEASEFIRE_FILE = SCENARIOS_DIR / "history" / "ceasefire-1994.toml"
_KEYS = ("id", "armenian_share", "area_km2", "armenian_km2", "source", "estimate", "why", "note")
# A district the game never lets change hands still shows when it is this far from 0 or 1.
_SHOWN = 0.005


@dataclass(frozen=True, slots=True)
class CeasefireShare:
    """One district's Armenian-held share at the ceasefire and where the figure comes from."""

    district: str
    armenian_share: float
    source: str | None
    estimate: bool
    why: str | None
    note: str | None

    @property
    def citation(self) -> str:
        return self.source if self.source else f"estimate: {self.why}"


@dataclass(frozen=True)
class DistrictOutcome:
    district: str
    name: str
    simulated: Spread
    history: CeasefireShare | None
    map_line: float

    @property
    def gap(self) -> float:
        """Median simulated share minus the historical one (the table's, else the map's)."""
        reference = self.history.armenian_share if self.history else self.map_line
        return self.simulated.median - reference

    def as_dict(self) -> dict:
        h = self.history
        return {
            "district": self.district,
            "name": self.name,
            "simulated_armenian_share": self.simulated.as_dict(),
            "ceasefire_armenian_share": None if h is None else h.armenian_share,
            "ceasefire_source": None if h is None else h.citation,
            "ceasefire_estimate": None if h is None else h.estimate,
            "map_line_armenian_share": round(self.map_line, 4),
            "gap": None if np.isnan(self.gap) else round(float(self.gap), 4),
        }


def read_ceasefire(
    path: Path | None = None, theatre: Theatre | None = None
) -> list[CeasefireShare]:
    """The ceasefire shares, checked: every problem found is listed with its file and key."""
    path = path or CEASEFIRE_FILE
    shown = display_path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UserError(f"{shown}: cannot read the ceasefire figures: {err}") from None
    problems: list[str] = []
    known = {d.id for d in theatre.districts} if theatre is not None else None
    out = []
    tables = doc.get("districts")
    if not isinstance(tables, list):
        raise UserError(f"{shown}: expected [[districts]] tables")
    for i, t in enumerate(tables):
        where = f"{shown}: districts[{i}]"
        for key in t:
            if key not in _KEYS:
                problems.append(f"{where}: unknown key {key!r} "
                                f"(expected one of {', '.join(_KEYS)})")
        did, value = t.get("id"), t.get("armenian_share")
        if not isinstance(did, str) or (known is not None and did not in known):
            problems.append(f"{where}.id: expected a district id from "
                            f"scenarios/theatre/districts.toml, found {did!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            problems.append(f"{where}.armenian_share: expected a number from 0 to 1, "
                            f"found {value!r}")
        estimate = t.get("estimate") is True
        if not t.get("source") and not (estimate and t.get("why")):
            problems.append(f"{where}: a figure needs `source`, or `estimate = true` with `why`")
        if not problems:
            out.append(CeasefireShare(did, float(value), t.get("source"), estimate,
                                      t.get("why"), t.get("note")))
    if problems:
        raise UserError("\n".join(problems))
    return out


def map_line_shares(theatre: Theatre) -> dict[str, float]:
    """Share of each district's land hexes on the Armenian side of the map's ceasefire line."""
    land = theatre.passable()
    out = {}
    for code, d in enumerate(theatre.districts):
        hexes = (theatre.district == code) & land
        n = int(hexes.sum())
        if n:
            out[d.id] = float((theatre.ceasefire_1994[hexes] == ARMENIAN).sum() / n)
    return out


def simulated_shares(batch: Batch, theatre: Theatre) -> dict[str, np.ndarray]:
    """Each district's Armenian share at the end of every run: runs.csv's columns, else the
    final control map."""
    if batch.district_shares:
        return {d: by_side["armenian"] for d, by_side in batch.district_shares.items()
                if "armenian" in by_side}
    if batch.final_control is None:
        return {}
    land = theatre.passable()
    out = {}
    for code, d in enumerate(theatre.districts):
        hexes = (theatre.district == code) & land
        if hexes.any():
            out[d.id] = (batch.final_control[:, hexes] == ARMENIAN).mean(axis=1)
    return out


def compare_districts(
    batch: Batch, theatre: Theatre, ceasefire: list[CeasefireShare]
) -> list[DistrictOutcome]:
    """The districts the war touched, in the ceasefire file's order, then the others."""
    line = map_line_shares(theatre)
    sim = simulated_shares(batch, theatre)
    history = {c.district: c for c in ceasefire}
    names = {d.id: d.name for d in theatre.districts}
    aze = {d.id for d in theatre.districts if d.country == "AZE"}
    order = [c.district for c in ceasefire]
    for d in theatre.districts:
        if d.id in order or d.id not in aze:
            continue
        values = sim.get(d.id)
        moved = values is not None and np.nanmax(values, initial=0.0) > _SHOWN
        if line.get(d.id, 0.0) > _SHOWN or moved:
            order.append(d.id)
    return [
        DistrictOutcome(
            district=d,
            name=names.get(d, d),
            simulated=spread(sim.get(d, np.array([]))),
            history=history.get(d),
            map_line=line.get(d, float("nan")),
        )
        for d in order
    ]
