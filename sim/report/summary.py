"""Everything the report says about one batch, computed once for the HTML, JSON and text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import __version__
from sim.history import Timeline
from sim.report.batch_dir import Batch
from sim.report.districts import CeasefireShare, DistrictOutcome, compare_districts
from sim.report.history_compare import (
    EventOutcome,
    Unmatched,
    batch_span,
    compare_events,
    unmatched_captures,
)
from sim.report.losses import LossFigure, LossOutcome, compare_losses, run_totals
from sim.report.stats import Share, Spread, share
from sim.report.territory import Band, area_band, places_band
from sim.theatre import Theatre

__all__ = ["Summary", "summarise"]


@dataclass(frozen=True)
class Summary:
    batch: Batch
    events: list[EventOutcome]
    unmatched: list[Unmatched]
    districts: list[DistrictOutcome]
    losses: list[LossOutcome]
    totals: dict[str, dict[str, Spread]]
    area: Band | None
    places: Band | None
    endings: dict[str, Share]

    def as_dict(self) -> dict:
        b = self.batch
        start, end = batch_span(b)
        m = b.manifest
        return {
            "directory": str(b.path),
            "label": b.label,
            "scenario": b.scenario,
            "scenario_sha256": _scenario_field(m, "sha256"),
            "root_seed": m.get("root_seed"),
            "levers": m.get("levers"),
            "controllers": m.get("controllers"),
            "program_version": m.get("program_version"),
            "report_version": __version__,
            "runs": b.n,
            "runs_failed": m.get("failed"),
            "sources": m.get("sources"),
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "endings": {k: v.as_dict() for k, v in self.endings.items()},
            "events": [o.as_dict() for o in self.events],
            "not_in_history": [u.as_dict() for u in self.unmatched],
            "districts": [d.as_dict() for d in self.districts],
            "losses_total": {
                side: {name: s.as_dict() for name, s in fields.items()}
                for side, fields in self.totals.items()
            },
            "losses_vs_source": [o.as_dict() for o in self.losses],
            "territory": None if self.area is None else self.area.as_dict(),
            "contested_places": None if self.places is None else self.places.as_dict(),
            "notes": list(b.notes),
        }


def _scenario_field(manifest: dict, key: str) -> object:
    scenario = manifest.get("scenario")
    return scenario.get(key) if isinstance(scenario, dict) else None


def summarise(
    batch: Batch,
    timeline: Timeline,
    theatre: Theatre,
    ceasefire: list[CeasefireShare],
    figures: list[LossFigure],
) -> Summary:
    reasons = sorted(set(batch.end_reasons))
    ends = np.array(batch.end_reasons)
    return Summary(
        batch=batch,
        events=compare_events(batch, timeline),
        unmatched=unmatched_captures(batch, timeline),
        districts=compare_districts(batch, theatre, ceasefire),
        losses=compare_losses(batch, figures),
        totals=run_totals(batch),
        area=area_band(batch, theatre),
        places=places_band(batch, timeline),
        endings={r: share(ends == r) for r in reasons},
    )
