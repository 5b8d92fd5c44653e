"""The timeline's changes of control against the runs: did it happen, when, and how far off.

Each capture a run recorded is matched to the historical capture of the same place by the same
side whose window lies nearest (`Timeline.match_capture`, the rule the game log uses), so a
place taken twice in history (the Omar Pass, Mardakert, Horadiz) is compared capture by capture.
A run counts an event as happened from the first capture matched to it. Captures with no
historical counterpart are listed apart: they are where the simulated war left history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from sim.history import HistoricalEvent, Timeline, compare_dates, date_phrase
from sim.report.batch_dir import Batch
from sim.report.stats import Share, Spread, share, spread

__all__ = ["EventOutcome", "Unmatched", "batch_span", "compare_events", "unmatched_captures"]


@dataclass(frozen=True)
class EventOutcome:
    """One historical change of control over a batch; `days` holds each run's date as an
    ordinal (NaN where it did not happen), `offsets` its distance in days from the window."""

    event: HistoricalEvent
    in_span: bool
    happened: Share
    days: np.ndarray
    offsets: np.ndarray
    date_spread: Spread
    offset_spread: Spread
    in_window: Share

    @property
    def median_date(self) -> date | None:
        return _day(self.date_spread.median)

    def verdict(self) -> str:
        """The median run in words: "three weeks later", "on the historical date", "never"."""
        day = self.median_date
        if day is None:
            return "in no run"
        return compare_dates(day, self.event)

    def as_dict(self) -> dict:
        e = self.event
        s = self.date_spread
        return {
            "id": e.id,
            "place": e.change.place if e.change else e.place,
            "from_side": e.change.from_side if e.change else None,
            "to_side": e.change.to_side if e.change else None,
            "date": e.date.isoformat(),
            "end_date": e.end_date.isoformat(),
            "date_phrase": date_phrase(e),
            "key": e.key,
            "estimate": e.estimate,
            "in_scenario_span": self.in_span,
            "happened": self.happened.as_dict(),
            "sim_date": {
                name: (_iso(getattr(s, name)) if s.n else None)
                for name in ("median", "p10", "p25", "p75", "p90")
            },
            "days_from_history": self.offset_spread.as_dict(),
            "in_window": self.in_window.as_dict(),
            "verdict": self.verdict(),
        }


@dataclass(frozen=True)
class Unmatched:
    """Captures of a place by a side that history never saw (within the timeline)."""

    place: str
    to_side: str
    happened: Share
    date_spread: Spread

    def as_dict(self) -> dict:
        s = self.date_spread
        return {
            "place": self.place,
            "to_side": self.to_side,
            "happened": self.happened.as_dict(),
            "sim_date": {"median": _iso(s.median) if s.n else None,
                         "p25": _iso(s.p25) if s.n else None,
                         "p75": _iso(s.p75) if s.n else None},
        }


def batch_span(batch: Batch) -> tuple[date | None, date | None]:
    """The dates the batch's scenario covers: from the scenario, else from what the runs saw."""
    start = batch.start or _manifest_date(batch, "start")
    end = batch.end or _manifest_date(batch, "end")
    if start is None and batch.series.dates:
        start = batch.series.dates[0]
    if end is None:
        seen = list(batch.end_dates) + list(batch.series.dates[-1:])
        end = max(seen) if seen else None
    return start, end


def compare_events(batch: Batch, timeline: Timeline) -> list[EventOutcome]:
    """Every historical capture inside the batch's dates, and any outside them a run made."""
    first = _first_dates(batch, timeline)
    start, end = batch_span(batch)
    index = {int(r): i for i, r in enumerate(batch.runs)}
    out = []
    for event in timeline.captures():
        in_span = (start is None or event.end_date >= start) and (end is None or event.date <= end)
        hits = first.get(event.id, {})
        if not in_span and not hits:
            continue
        days = np.full(batch.n, np.nan)
        for run, day in hits.items():
            days[index[run]] = day.toordinal()
        offsets = np.array([
            np.nan if np.isnan(d) else event.days_from(date.fromordinal(int(d))) for d in days
        ])
        happened = ~np.isnan(days)
        out.append(EventOutcome(
            event=event,
            in_span=in_span,
            happened=share(happened),
            days=days,
            offsets=offsets,
            date_spread=spread(days),
            offset_spread=spread(offsets),
            in_window=share(happened & (offsets == 0)),
        ))
    return out


def unmatched_captures(batch: Batch, timeline: Timeline) -> list[Unmatched]:
    """(place, side) pairs captured in some run that no historical capture matches."""
    first: dict[tuple[str, str], dict[int, date]] = defaultdict(dict)
    for e in batch.captures():
        if timeline.match_capture(e.place, e.to_side, e.date) is None:
            first[(e.place, e.to_side)].setdefault(e.run, e.date)
    index = {int(r): i for i, r in enumerate(batch.runs)}
    out = []
    for (place, side), hits in first.items():
        days = np.full(batch.n, np.nan)
        for run, day in hits.items():
            days[index[run]] = day.toordinal()
        out.append(Unmatched(place, side, share(~np.isnan(days)), spread(days)))
    out.sort(key=lambda u: (-u.happened.k, u.place, u.to_side))
    return out


def _first_dates(batch: Batch, timeline: Timeline) -> dict[str, dict[int, date]]:
    """event id -> run -> the first date a capture in that run matched the event."""
    first: dict[str, dict[int, date]] = defaultdict(dict)
    for e in batch.captures():
        match = timeline.match_capture(e.place, e.to_side, e.date)
        if match is not None:
            first[match.id].setdefault(e.run, e.date)
    return first


def _manifest_date(batch: Batch, key: str) -> date | None:
    value = batch.manifest.get(key)
    scenario = batch.manifest.get("scenario")
    if value is None and isinstance(scenario, dict):
        value = scenario.get(key)
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _day(ordinal: float) -> date | None:
    if ordinal is None or np.isnan(ordinal):
        return None
    return date.fromordinal(int(round(ordinal)))


def _iso(ordinal: float) -> str | None:
    day = _day(ordinal)
    return day.isoformat() if day else None
