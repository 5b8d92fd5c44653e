"""Orders given in advance: a saved game's orders, replayed turn by turn.

The same shape serves any source of orders that is not decided by the controller itself: a
save being replayed, a test's scripted moves, the orders a player clicked in the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.orders import Order
from sim.state import GameState


class ReplayController:
    """Hands over the orders recorded for each turn (keyed by turn number counted from 1).

    A turn with nothing recorded gets no orders: the side holds its positions, as it did when
    the recorded game gave none.
    """

    kind = "replay"

    def __init__(self, side: str, orders_by_turn: Mapping[int, Sequence[Order]]) -> None:
        self.side = side
        self.orders_by_turn = {int(t): list(o) for t, o in orders_by_turn.items()}

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        return list(self.orders_by_turn.get(state.turn + 1, ()))

    def __repr__(self) -> str:
        return f"ReplayController({self.side!r}, {len(self.orders_by_turn)} turns)"
