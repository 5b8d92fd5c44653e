"""What a lever changed: batch B against batch A, figure by figure, with an interval.

Batches run from the same root seed give run i of A and run i of B the same seed (common
random numbers), so the dice fall alike until the lever makes the games part; the difference
of each pair is then the lever's effect plus far less noise than two independent batches would
carry. Pairs are formed by run number and checked by seed; when the seeds differ the
comparison falls back to an unpaired one and says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from sim.history import HistoricalEvent, Timeline, date_phrase
from sim.report.batch_dir import Batch
from sim.report.districts import simulated_shares
from sim.report.history_compare import compare_events
from sim.report.stats import Difference, paired_difference, unpaired_difference
from sim.sides import SIDE_ADJECTIVES, SIDE_IDS
from sim.theatre import Theatre

__all__ = ["Contrast", "ContrastRow", "contrast"]


@dataclass(frozen=True)
class ContrastRow:
    """One figure in both batches: the mean of A, of B, and B minus A."""

    group: str
    measure: str
    unit: str
    a: float
    b: float
    difference: Difference

    def as_dict(self) -> dict:
        return {
            "group": self.group, "measure": self.measure, "unit": self.unit,
            "a": _num(self.a), "b": _num(self.b), **self.difference.as_dict(),
            "clear": self.difference.clear,
        }


@dataclass(frozen=True)
class Contrast:
    a: Batch
    b: Batch
    paired: bool
    pairs: int
    rows: tuple[ContrastRow, ...]
    note: str

    def as_dict(self) -> dict:
        return {
            "a": str(self.a.path), "b": str(self.b.path), "a_label": self.a.label,
            "b_label": self.b.label, "paired": self.paired, "pairs": self.pairs,
            "note": self.note, "rows": [r.as_dict() for r in self.rows],
        }


def _pairing(a: Batch, b: Batch) -> tuple[np.ndarray, np.ndarray, bool, str]:
    """Row indices of A and B to compare, whether they pair, and a sentence saying how."""
    common = np.intersect1d(a.runs, b.runs)
    ia = np.searchsorted(a.runs, common)
    ib = np.searchsorted(b.runs, common)
    same = common.size > 0 and all(
        str(x) == str(y) for x, y in zip(a.seeds[ia], b.seeds[ib], strict=True)
    )
    if same:
        left = max(a.n, b.n) - common.size
        extra = f"; {left} run(s) without a partner left out" if left else ""
        return ia, ib, True, (f"paired: {common.size} runs share their seeds (common random "
                              f"numbers), so each difference is taken run by run{extra}")
    return (np.arange(a.n), np.arange(b.n), False,
            "unpaired: the runs do not share seeds (different root seeds?), so the intervals "
            "also carry the runs' own noise; run both batches with the same --seed to pair them")


def _same_game(a: Batch, b: Batch) -> str:
    """A warning when more than the levers differ: another scenario file, other players."""
    out = ""
    sa, sb = _sha(a), _sha(b)
    if sa and sb and sa != sb:
        out += (f". Beware: the scenario differs between the batches (sha256 {sa[:12]}… and "
                f"{sb[:12]}…), so the differences include that change as well as the levers")
    if a.manifest.get("controllers") != b.manifest.get("controllers"):
        out += ". The sides were played by different controllers in the two batches"
    return out


def _sha(batch: Batch) -> str | None:
    scenario = batch.manifest.get("scenario")
    return scenario.get("sha256") if isinstance(scenario, dict) else None


def contrast(a: Batch, b: Batch, timeline: Timeline, theatre: Theatre) -> Contrast:
    """B against A on the figures a lever is meant to move."""
    ia, ib, paired, note = _pairing(a, b)
    note += _same_game(a, b)

    def diff(x: np.ndarray, y: np.ndarray) -> Difference:
        return paired_difference(x[ia], y[ib]) if paired else unpaired_difference(x[ia], y[ib])

    def mean(x: np.ndarray, rows: np.ndarray) -> float:
        v = np.asarray(x, dtype=float)[rows]
        v = v[~np.isnan(v)]
        return float(v.mean()) if v.size else float("nan")

    rows: list[ContrastRow] = []

    def add(group: str, measure: str, unit: str, x: np.ndarray, y: np.ndarray) -> None:
        rows.append(ContrastRow(group, measure, unit, mean(x, ia), mean(y, ib), diff(x, y)))

    ea = {o.event.id: o for o in compare_events(a, timeline)}
    eb = {o.event.id: o for o in compare_events(b, timeline)}
    names = _event_names([o.event for o in ea.values()], theatre)
    for event_id, oa in ea.items():
        ob = eb.get(event_id)
        if ob is None or not (oa.event.key or oa.happened.k or ob.happened.k):
            continue
        name = names[event_id]
        add("history", f"{name}: happened", "share of runs",
            (~np.isnan(oa.days)).astype(float), (~np.isnan(ob.days)).astype(float))
        if oa.happened.k and ob.happened.k:
            add("history", f"{name}: date", "date", oa.days, ob.days)
    for side in SIDE_IDS:
        la, lb = a.losses.get(side, {}), b.losses.get(side, {})
        for field_name in la:
            if field_name in lb and (np.nansum(la[field_name]) or np.nansum(lb[field_name])):
                add("losses", f"{SIDE_ADJECTIVES[side]} {field_name} lost", field_name,
                    la[field_name], lb[field_name])
    end_a, end_b = _end_area(a, theatre), _end_area(b, theatre)
    if end_a is not None and end_b is not None:
        add("territory", "Armenian-held area at the end", "km²", end_a, end_b)
    sa, sb = simulated_shares(a, theatre), simulated_shares(b, theatre)
    for district, x in sa.items():
        y = sb.get(district)
        if y is not None and (np.nanmax(x, initial=0) > 0.005 or np.nanmax(y, initial=0) > 0.005):
            name = next((d.name for d in theatre.districts if d.id == district), district)
            add("districts", f"{name}: Armenian share at the end", "share", x, y)
    reasons = sorted(set(a.end_reasons) | set(b.end_reasons))
    for reason in reasons:
        add("ending", f"ended by {reason}", "share of runs",
            np.array([r == reason for r in a.end_reasons], dtype=float),
            np.array([r == reason for r in b.end_reasons], dtype=float))
    return Contrast(a, b, paired, int(ia.size), tuple(rows), note)


def _event_names(events: list[HistoricalEvent], theatre: Theatre) -> dict[str, str]:
    """ "Shusha → Armenian"; with the historical dates where a place changed hands the same
    way twice (the Omar Pass in 1993 and in the winter of 1993–94)."""
    names = {}
    for e in events:
        if e.change is None:
            names[e.id] = e.id
            continue
        place = theatre.places.get(e.change.place)
        names[e.id] = (f"{place.name if place else e.change.place} → "
                       f"{SIDE_ADJECTIVES.get(e.change.to_side, e.change.to_side)}")
    counts = Counter(names.values())
    for e in events:
        if counts[names[e.id]] > 1:
            names[e.id] += f" ({date_phrase(e)})"
    return names


def _end_area(batch: Batch, theatre: Theatre) -> np.ndarray | None:
    grid = batch.series.measure("area_km2", "armenian")
    if grid is None:
        hexes = batch.series.measure("hexes", "armenian")
        if hexes is None:
            return None
        grid = hexes * theatre.projection.hex_area_km2
    return grid[:, -1] if grid.shape[1] else None


def _num(x: float) -> float | None:
    return None if np.isnan(x) else round(float(x), 6)
