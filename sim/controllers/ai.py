"""The AI controller: the operational AI (`sim.ai`) playing one side.

Kind "ai", option `level` 1-3 (default 2). It keeps no memory between turns: each turn's
orders follow from the state it is shown, its level and the generator it is handed, so a game
continued from a save plays on exactly as it would have.
"""

from __future__ import annotations

import numpy as np

from sim.ai.doctrine import DEFAULT_LEVEL, doctrine_for
from sim.ai.plan import TurnPlan, plan_turn
from sim.orders import Order
from sim.state import GameState


class AiController:
    kind = "ai"

    def __init__(self, side: str, level: int = DEFAULT_LEVEL) -> None:
        self.side = side
        self.level = level
        self.doctrine = doctrine_for(side, level)
        self.last_plan: TurnPlan | None = None
        """The last turn's plan with each unit's reason, for a reader or a test."""

    def orders(self, state: GameState, rng: np.random.Generator) -> list[Order]:
        if state.over:
            return []
        self.last_plan = plan_turn(state, self.side, self.doctrine, rng)
        return list(self.last_plan.orders)

    def __repr__(self) -> str:
        return f"AiController({self.side!r}, level={self.level})"
