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


def season_of(day: dt.date) -> str:
    """'winter' from December to March (snow closes the high passes), else 'summer'."""
    return "winter" if day.month in WINTER_MONTHS else "summer"


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
        return season_of(self.date)

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
