"""The operational AI: plays either side of a scenario under the same rules as a player.

- `view` — what a side may see (the fog of war);
- `objectives` — what it fights for: the scenario's aims, key places, supply routes;
- `evaluate` — strength, threats, the rules' own attack odds, its own supply;
- `plan` — one turn's orders, concern by concern;
- `doctrine` — how each side fights and how hard the AI thinks (levels 1-3).

The controller that the game loop asks is `sim.controllers.ai.AiController` (kind "ai").
"""

from sim.ai.doctrine import DEFAULT_LEVEL, LEVELS, Doctrine, doctrine_for
from sim.ai.plan import TurnPlan, plan_turn
from sim.ai.view import SideView, side_view

__all__ = [
    "DEFAULT_LEVEL",
    "LEVELS",
    "Doctrine",
    "SideView",
    "TurnPlan",
    "doctrine_for",
    "plan_turn",
    "side_view",
]
