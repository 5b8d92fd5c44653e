"""The human controller: a side whose orders a player gives in the window.

The window collects the orders the player clicks (and may undo them) while the turn is open;
when the player ends the turn it hands them to this controller, and `Session.play_turn` asks
for them exactly as it asks an AI. The save records the kind "human"; a game loaded without a
window (`run --load`) finds no one at the controls, so the side then gives no orders, as an idle
side would.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.orders import Order
from sim.state import GameState


class HumanController:
    kind = "human"

    def __init__(self, side: str) -> None:
        self.side = side
        self.pending: list[Order] = []
        """The orders the player has given for the coming turn, in the order given."""

    def give(self, orders: Iterable[Order]) -> None:
        """Set this turn's orders (the window calls it when the player ends the turn)."""
        self.pending = list(orders)

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        """The player's orders, handed over once: the next turn starts with none."""
        given, self.pending = self.pending, []
        return given

    def __repr__(self) -> str:
        return f"HumanController({self.side!r}, {len(self.pending)} orders)"
