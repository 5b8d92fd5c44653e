"""Territory over time: the runs' band against what history says about the same dates.

Two measures. The area each side held (timeseries.csv) is what a reader asks about first, but
history gives it exactly at two moments only: the scenario's start (its opening line) and the
1994 ceasefire (the map's ceasefire line); the report draws those two as anchors, not a line
between them that nobody measured. The named places the timeline follows are known at every
date: each capture in scenarios/timeline.toml is one step, dated at the middle of its window.
Counting how many of those places the Armenian side held gives a course history and the runs
share exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from sim.history import Timeline
from sim.report.batch_dir import Batch
from sim.sides import ARMENIAN
from sim.theatre import Theatre

__all__ = ["Band", "CEASEFIRE_DAY", "area_band", "ceasefire_area_km2", "places_band"]

CEASEFIRE_DAY = date(1994, 5, 12)


@dataclass(frozen=True)
class Band:
    """Median and 10–90% of a measure per date, with the historical course where known."""

    dates: tuple[date, ...]
    median: np.ndarray
    p10: np.ndarray
    p90: np.ndarray
    unit: str
    history: tuple[tuple[date, float], ...] = ()
    history_kind: str = "anchors"

    def as_dict(self) -> dict:
        def nums(a: np.ndarray) -> list:
            return [None if np.isnan(v) else round(float(v), 3) for v in a]
        return {
            "unit": self.unit,
            "dates": [d.isoformat() for d in self.dates],
            "median": nums(self.median),
            "p10": nums(self.p10),
            "p90": nums(self.p90),
            "history": [[d.isoformat(), round(v, 3)] for d, v in self.history],
            "history_kind": self.history_kind,
        }


def _band(dates: tuple[date, ...], grid: np.ndarray, unit: str) -> Band:
    with np.errstate(all="ignore"):
        if grid.size == 0 or np.isnan(grid).all():
            empty = np.full(len(dates), np.nan)
            return Band(dates, empty, empty, empty, unit)
        p10, p50, p90 = np.nanpercentile(grid, [10, 50, 90], axis=0)
    return Band(dates, p50, p10, p90, unit)


def ceasefire_area_km2(theatre: Theatre) -> float:
    """Land the Armenian side held under the 1994 ceasefire line, as the map draws it."""
    held = (theatre.ceasefire_1994 == ARMENIAN) & theatre.passable()
    return float(held.sum()) * theatre.projection.hex_area_km2


def area_band(batch: Batch, theatre: Theatre, side: str = "armenian") -> Band | None:
    """km² held per date; from `area_km2`, else `hexes` times a hex's area. None if neither."""
    series = batch.series
    grid = series.measure("area_km2", side)
    if grid is None:
        hexes = series.measure("hexes", side)
        if hexes is None:
            return None
        grid = hexes * theatre.projection.hex_area_km2
    band = _band(series.dates, grid, "km²")
    anchors = [(series.dates[0], float(band.median[0]))]
    if series.dates[0] <= CEASEFIRE_DAY <= series.dates[-1] + timedelta(days=31):
        anchors.append((CEASEFIRE_DAY, ceasefire_area_km2(theatre)))
    return Band(band.dates, band.median, band.p10, band.p90, band.unit, tuple(anchors), "anchors")


def _midpoint(a: date, b: date) -> date:
    return a + (b - a) / 2


def historical_holders(timeline: Timeline, day: date) -> dict[str, str]:
    """Who held each place the timeline's captures name, on `day` (captures dated mid-window)."""
    holders: dict[str, str] = {}
    steps = sorted(
        ((_midpoint(e.date, e.end_date), i, e.change) for i, e in enumerate(timeline.captures())
         if e.change is not None),
        key=lambda s: (s[0], s[1]),
    )
    for when, _, change in steps:
        holders.setdefault(change.place, change.from_side)
        if when <= day:
            holders[change.place] = change.to_side
    return holders


def places_band(batch: Batch, timeline: Timeline, side: str = "armenian") -> Band | None:
    """How many of the timeline's contested places `side` held, per date, runs vs history."""
    dates = batch.series.dates
    if not dates:
        return None
    start = historical_holders(timeline, dates[0] - timedelta(days=1))
    places = sorted(start)
    column = {p: k for k, p in enumerate(places)}
    held = np.zeros((batch.n, len(dates), len(places)), dtype=bool)
    for k, p in enumerate(places):
        held[:, :, k] = start[p] == side
    index = {int(r): i for i, r in enumerate(batch.runs)}
    mornings = np.array([d.toordinal() for d in dates])
    for e in batch.captures():
        k = column.get(e.place)
        if k is None:
            continue
        # A capture in the turn beginning on `e.date` shows from the next morning's row on.
        j = int(np.searchsorted(mornings, e.date.toordinal(), side="right"))
        held[index[e.run], j:, k] = e.to_side == side
    band = _band(dates, held.sum(axis=2).astype(float), "places")
    history = [(dates[0], float(sum(h == side for h in start.values())))]
    for when in sorted(
        _midpoint(e.date, e.end_date) for e in timeline.captures()
        if e.change is not None and dates[0] <= _midpoint(e.date, e.end_date) <= dates[-1]
    ):
        holders = historical_holders(timeline, when)
        history.append((when, float(sum(h == side for h in holders.values()))))
    return Band(band.dates, band.median, band.p10, band.p90, band.unit, tuple(history), "steps")
