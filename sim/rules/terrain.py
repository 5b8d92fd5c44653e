"""What it costs to cross from one hex into a neighbour, by terrain, road, river and season.

Movement and supply tracing both need the same answer, as an `(n, 6)` array of step costs
(hex i into its neighbour in direction d), `inf` where no one can pass: water, Iran, the map
edge, a large river with no bridge, and high mountains off the road in winter, when snow
closes the passes (the Omar and Sotk passes among them). Roads make any ground cheap; a river
without a road adds the cost of a crossing. Supply convoys cannot cross a snowbound pass at
all (`supply_step_costs`): in winter the Omar and Sotk pass roads were "both impassable and
very dangerous" (history-notes §c3.4, S60).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from sim.theatre import Theatre

INF = math.inf

TERRAIN_COST: dict[str, float] = {
    "water": INF,
    "plain": 1.0,
    "river_valley": 1.5,
    "hills": 2.0,
    "mountain": 3.0,
    "high_mountain": 4.0,
}
ROAD_COST = 0.5
"""Cost of a step along a road or railway, whatever the ground."""
WINTER_ROAD_COST_HIGH = 6.0
"""Cost of a step along a snowbound road into high mountains in winter: a whole week's march
for infantry, so a pass can still be fought over but not used as a highway."""
RIVER_CROSSING_COST = 2.0
"""Added to a step across a river side where no road crosses it."""


def _bits(sides: np.ndarray) -> np.ndarray:
    """Unpack a per-hex 6-bit side mask into an (n, 6) bool array."""
    return ((sides[:, None].astype(np.int32) >> np.arange(6)) & 1).astype(bool)


@lru_cache(maxsize=8)
def step_costs(theatre: Theatre, season: str) -> np.ndarray:
    """`(n, 6)` cost of moving from each hex into its neighbour in each direction."""
    terrain_cost = np.array([TERRAIN_COST[name] for name in theatre.terrain_names])
    enter = terrain_cost[theatre.terrain]
    enter = np.where(theatre.passable(), enter, INF)
    nb = theatre.neighbours
    on_map = nb >= 0
    safe_nb = np.where(on_map, nb, 0)
    cost = np.where(on_map, enter[safe_nb], INF)

    road = _bits(theatre.road_sides) | _bits(theatre.rail_sides)
    river = _bits(theatre.river_sides)
    major = _bits(theatre.major_river_sides)
    high = theatre.terrain_names.index("high_mountain")
    into_high = on_map & (theatre.terrain[safe_nb] == high)

    cost = np.where(river & ~road, cost + RIVER_CROSSING_COST, cost)
    cost = np.where(major & ~road, INF, cost)
    if season == "winter":
        cost = np.where(into_high & ~road, INF, cost)
        road_cost = np.where(into_high, WINTER_ROAD_COST_HIGH, ROAD_COST)
    else:
        road_cost = np.full(cost.shape, ROAD_COST)
    passable_target = on_map & np.isfinite(np.where(on_map, enter[safe_nb], INF))
    cost = np.where(road & passable_target, np.minimum(cost, road_cost), cost)
    cost.setflags(write=False)
    return cost


@lru_cache(maxsize=8)
def supply_step_costs(theatre: Theatre, season: str) -> np.ndarray:
    """Step costs for tracing supply: as for movement, but no convoy crosses high mountains
    in winter, road or not."""
    cost = step_costs(theatre, season)
    if season != "winter":
        return cost
    high = theatre.terrain_names.index("high_mountain")
    nb = theatre.neighbours
    into_high = (nb >= 0) & (theatre.terrain[np.where(nb >= 0, nb, 0)] == high)
    closed = np.where(into_high, INF, cost)
    closed.setflags(write=False)
    return closed
