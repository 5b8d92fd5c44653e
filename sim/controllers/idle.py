"""The idle controller: a side that gives no orders and holds its positions.

The baseline for every comparison (what the rules alone do to a static front: supply, events,
politics) and the default for a side nobody plays.
"""

from __future__ import annotations

import numpy as np

from sim.orders import Order
from sim.state import GameState


class IdleController:
    kind = "idle"
    reads_state = False
    """It gives no orders, so the session need not copy the state for it."""

    def __init__(self, side: str) -> None:
        self.side = side

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        return []

    def __repr__(self) -> str:
        return f"IdleController({self.side!r})"
