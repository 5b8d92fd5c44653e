"""Men and equipment lost in the runs, against the figures the source gives for the dead.

The figures live in `scenarios/history/losses.toml`, each quoted from the source (the quote is
checked against `scenarios/source/` as the timeline's are) and attributed. Two kinds of
figure: a "theatre" figure covers all the fighting in its dates (the winter offensives of
1993–94) and is set beside each run's losses over the same dates; a "battle" figure is one
engagement and is shown as context, since a batch counts losses per turn, not per battle.

The game's losses are men put out of action in combat (killed, wounded, captured or
scattered: the rules do not tell them apart); the source counts the dead. A simulated figure
is therefore expected above the source's, and the table says so rather than scoring it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from sim.errors import UserError
from sim.history import DEFAULT_SOURCE, SourceText
from sim.report.batch_dir import Batch
from sim.report.stats import Spread, spread
from sim.scenario.paths import SCENARIOS_DIR, display_path
from sim.sides import SIDE_IDS

__all__ = ["LOSSES_FILE", "LossFigure", "LossOutcome", "compare_losses", "read_losses",
           "run_totals"]

LOSSES_FILE = SCENARIOS_DIR / "history" / "losses.toml"
SIDES = (*SIDE_IDS, "both")
SCOPES = ("theatre", "battle")
_KEYS = ("id", "side", "date", "end_date", "scope", "place", "low", "high", "what", "quote",
         "source", "estimate", "why")
# Cumulative men lost per side per turn in timeseries.csv (`men_lost_<side>`), when written.
CUMULATIVE_MEASURE = "men_lost"


@dataclass(frozen=True, slots=True)
class LossFigure:
    id: str
    side: str
    date: date
    end_date: date
    scope: str
    low: int
    high: int
    what: str
    quote: str
    source: str
    place: str | None = None
    estimate: bool = False
    why: str | None = None

    @property
    def range_text(self) -> str:
        if self.low == self.high:
            return f"about {self.high:,}"
        if self.low == 0:
            return f"up to {self.high:,}"
        return f"{self.low:,}–{self.high:,}"


@dataclass(frozen=True)
class LossOutcome:
    """A figure and, when the batch can say, the runs' men lost over the same dates."""

    figure: LossFigure
    simulated: Spread | None
    why_not: str | None

    def as_dict(self) -> dict:
        f = self.figure
        return {
            "id": f.id, "side": f.side, "scope": f.scope, "date": f.date.isoformat(),
            "end_date": f.end_date.isoformat(), "low": f.low, "high": f.high, "what": f.what,
            "quote": f.quote, "source": f.source, "estimate": f.estimate,
            "simulated_men_lost": None if self.simulated is None else self.simulated.as_dict(),
            "not_compared": self.why_not,
        }


def read_losses(path: Path | None = None, source: Path | None = None) -> list[LossFigure]:
    """The source's loss figures, every quote checked against the source text."""
    path = path or LOSSES_FILE
    shown = display_path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UserError(f"{shown}: cannot read the loss figures: {err}") from None
    text = SourceText.read(source or DEFAULT_SOURCE)
    problems: list[str] = []
    out = []
    for i, t in enumerate(doc.get("figures", [])):
        where = f"{shown}: figures[{i}]"
        before = len(problems)
        problems += [f"{where}: unknown key {k!r}" for k in t if k not in _KEYS]
        for key in ("id", "what", "quote", "source"):
            if not isinstance(t.get(key), str) or not t[key]:
                problems.append(f"{where}.{key}: expected text")
        if t.get("side") not in SIDES:
            problems.append(f"{where}.side: expected one of {', '.join(SIDES)}, "
                            f"found {t.get('side')!r}")
        if t.get("scope") not in SCOPES:
            problems.append(f"{where}.scope: expected one of {', '.join(SCOPES)}, "
                            f"found {t.get('scope')!r}")
        for key in ("date", "end_date"):
            if not isinstance(t.get(key), date):
                problems.append(f"{where}.{key}: expected a date like 1993-12-01")
        low, high = t.get("low"), t.get("high")
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
            problems.append(f"{where}: expected whole numbers 0 <= low <= high, "
                            f"found low={low!r}, high={high!r}")
        if t.get("estimate") is True and not t.get("why"):
            problems.append(f"{where}: an estimate needs `why`")
        if isinstance(t.get("quote"), str) and not text.sections_of(t["quote"]):
            problems.append(f"{where}.quote: not found in the source text "
                            f"({display_path(source or DEFAULT_SOURCE)})")
        if len(problems) == before:
            out.append(LossFigure(
                id=t["id"], side=t["side"], date=t["date"], end_date=t["end_date"],
                scope=t["scope"], low=low, high=high, what=t["what"], quote=t["quote"],
                source=t["source"], place=t.get("place"), estimate=t.get("estimate") is True,
                why=t.get("why"),
            ))
    if problems:
        raise UserError("\n".join(problems))
    return out


def run_totals(batch: Batch) -> dict[str, dict[str, Spread]]:
    """side -> equipment field -> spread of what the runs lost by their end."""
    return {
        side: {name: spread(values) for name, values in fields.items()}
        for side, fields in batch.losses.items()
    }


def compare_losses(batch: Batch, figures: list[LossFigure]) -> list[LossOutcome]:
    """Every figure whose dates the batch covers, with the runs' losses where comparable."""
    dates = batch.series.dates
    if not dates:
        return []
    first, last = dates[0], max(dates[-1], *batch.end_dates)
    out = []
    for f in figures:
        if f.end_date < first or f.date > last:
            continue
        out.append(_outcome(batch, f))
    return out


def _outcome(batch: Batch, f: LossFigure) -> LossOutcome:
    if f.scope == "battle":
        return LossOutcome(f, None, "one battle: a batch counts losses per turn over the whole "
                                    "theatre, not per battle")
    sides = SIDE_IDS if f.side == "both" else (f.side,)
    grids = [batch.series.measure(CUMULATIVE_MEASURE, s) for s in sides]
    if any(g is None for g in grids):
        return LossOutcome(f, None, "the batch's timeseries.csv has no cumulative "
                                    f"{CUMULATIVE_MEASURE}_<side> column")
    dates = batch.series.dates
    if f.date < dates[0]:
        return LossOutcome(f, None, "the figure's dates begin before the scenario")
    # A row is the morning of its date, its losses those of the turns before it: the window's
    # losses run from the morning of its first turn to the morning after its last.
    first = next((j for j, d in enumerate(dates) if d >= f.date), None)
    if first is None:
        return LossOutcome(f, None, "the runs ended before the figure's dates")
    after = next((j for j, d in enumerate(dates) if d > f.end_date), len(dates) - 1)
    lost = np.zeros(batch.n)
    for grid in grids:
        lost += grid[:, after] - np.nan_to_num(grid[:, first])
    return LossOutcome(f, spread(lost), None)
