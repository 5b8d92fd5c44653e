"""What every phase of a turn works with: the state, the orders, the generator and the log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.chronicle import Entry
from sim.orders import Order
from sim.state import GameState

WINTER_MONTHS = (12, 1, 2, 3)
DAYS_PER_MONTH = 30.5


def season_of(day: dt.date, longer_months: float = 0.0) -> str:
    """'winter' from December to March (snow closes the high passes), else 'summer'.

    `longer_months` (the winter lever, `GameState.levers["winter_months"]`) starts the winter
    that many months earlier and ends it as many later; a negative number shortens it.
    """
    if not longer_months:
        return "winter" if day.month in WINTER_MONTHS else "summer"
    year = day.year if day.month >= 7 else day.year - 1
    extra = dt.timedelta(days=round(longer_months * DAYS_PER_MONTH))
    first = dt.date(year, 12, 1) - extra
    last = dt.date(year + 1, 3, 31) + extra
    return "winter" if first <= day <= last else "summer"


def season_in(state: GameState) -> str:
    """The season of the state's next turn, with the winter the levers give."""
    return season_of(state.date, state.levers.get("winter_months", 0.0))


@dataclass
class TurnContext:
    state: GameState
    orders: Mapping[str, Sequence[Order]]
    rng: np.random.Generator
    log: list[Entry] = field(default_factory=list)
    scratch: dict[str, Any] = field(default_factory=dict)
    """Results one phase leaves for a later one in the same turn (e.g. supply paths)."""

    @property
    def turn(self) -> int:
        """The number of the turn being resolved, counted from 1 as players do."""
        return self.state.turn + 1

    @property
    def date(self) -> dt.date:
        """First day of the turn being resolved."""
        return self.state.date

    @property
    def last_day(self) -> dt.date:
        return self.state.date_of(self.state.turn + 1) - dt.timedelta(days=1)

    @property
    def season(self) -> str:
        return season_in(self.state)

    def record(
        self,
        kind: str,
        text: str,
        data: Mapping[str, Any] | None = None,
        history: Mapping[str, Any] | None = None,
    ) -> Entry:
        entry = Entry(self.turn, self.date, kind, text, dict(data or {}), history)
        self.log.append(entry)
        return entry
