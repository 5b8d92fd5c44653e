"""What one side may see: the fog of war the AI plays under.

The AI never reads what its side could not know. Its view of a turn is a copy of the state
with the enemy units it cannot see taken out; everything it plans (reach, threats, odds,
its own supply) is worked out on that copy. What a side sees:

- its own units, fully (strength, morale, supply, where they are);
- the control layer, the whole of it: who holds which hex and so every named place's holder
  and the front line (both sides' maps showed them, and the window draws them for a player);
- the scenario's public data: the map, roads, supply routes, victory conditions, dates;
- enemy ground units standing within `SIGHT` hex of one of its units or of a hex it holds
  (patrols, observers on the heights, the people of the front villages); over home ground
  (the 1991 NKAO) a side with local knowledge sees `LOCAL_SIGHT` hexes deep. A seen unit is
  seen whole (its strength as the rules' odds show it to a player before an attack);
- no enemy aircraft or helicopters (they fly from bases far behind the front), no enemy
  units off the map or not yet arrived, and not the enemy's orders.

The orders are finally checked with `sim.rules.legality` against the position as it is,
the check the window makes for a player before the turn is resolved: it can refuse a move
through a hex where unseen enemy troops stand, as a player's order would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.hexgrid import grow
from sim.rules.context import season_in
from sim.rules.reach import Positions
from sim.sides import SIDE_CODES, other_side
from sim.state import GameState, UnitState

SIGHT = 1
"""Hexes beyond its units and its ground a side sees enemy units."""
LOCAL_SIGHT = 2
"""The same over home ground for a side with local knowledge."""


@dataclass(slots=True)
class SideView:
    """One side's picture of the turn: the fogged state and what is derived from it."""

    side: str
    enemy: str
    state: GameState
    """The state with unseen enemy units removed: plan on this, never on the truth."""
    season: str
    positions: Positions
    """Ground units per hex as this side sees them; the planner updates it with its moves."""
    seen: np.ndarray
    """Bool per hex: enemy units here are visible."""
    own: list[UnitState]
    """Own active ground units on the map, by id."""
    air: list[UnitState]
    """Own active air units on the map, by id."""
    enemies: list[UnitState]
    """Visible enemy ground units, by id."""


def side_view(state: GameState, side: str, local_sight: bool = False) -> SideView:
    """The view of `side` on `state` (which is not changed)."""
    theatre = state.theatre
    code = SIDE_CODES[side]
    enemy = other_side(side)
    occupancy = state.occupancy()
    mine = (occupancy == code) | (state.control == code)
    seen = grow(theatre.neighbours, mine, SIGHT)
    if local_sight:
        seen |= grow(theatre.neighbours, mine & theatre.nkao, LOCAL_SIGHT)
    units: dict[str, UnitState] = {}
    for uid, u in state.units.items():
        if u.side == enemy and not (u.active and not u.is_air and u.index >= 0 and seen[u.index]):
            continue
        units[uid] = u
    fog = replace(state, units=units)
    own = sorted(
        (u for u in units.values() if u.side == side and u.active and u.index >= 0),
        key=lambda u: u.id,
    )
    enemies = sorted((u for u in units.values() if u.side == enemy), key=lambda u: u.id)
    return SideView(
        side=side,
        enemy=enemy,
        state=fog,
        season=season_in(state),
        positions=Positions.of(fog),
        seen=seen,
        own=[u for u in own if not u.is_air],
        air=[u for u in own if u.is_air],
        enemies=enemies,
    )
