"""Tracing supply across the map: where a side can carry it and which channel reaches each hex.

Supply moves only through hexes the side holds, never into a hex an enemy unit stands in, and
not through an enemy zone of control unless a friendly unit stands there to keep the road open.
Path costs are the movement costs of `sim.rules.terrain` (so roads are preferred and snow
closes the high passes), counted in whole quarter points: then one side's whole trace is a
Dijkstra over integer costs processed bucket by bucket, a few dozen vectorised numpy steps
rather than a Python loop per hex.

Every hex keeps the cheapest cost from any delivery hex and the channel it came from; ties go
to the channel listed first, so the result never depends on the order of array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from sim.rules.terrain import supply_step_costs
from sim.sides import SIDE_CODES, other_side
from sim.theatre import Theatre

QUANTUM = 4
"""Costs are counted in 1/QUANTUM movement points (terrain costs are multiples of 0.5)."""
_RANK_BITS = 8
_RANK_MASK = (1 << _RANK_BITS) - 1
_NONE = np.iinfo(np.int64).max


@lru_cache(maxsize=8)
def quantised_costs(theatre: Theatre, season: str) -> np.ndarray:
    """`(n, 6)` step costs in whole quanta (at least one), a huge number where impassable."""
    cost = supply_step_costs(theatre, season)
    finite = np.isfinite(cost)
    steps = np.where(finite, np.maximum(np.rint(np.where(finite, cost, 0) * QUANTUM), 1), 0)
    out = np.where(finite, steps, 1 << 40).astype(np.int64)
    out.setflags(write=False)
    return out


def supply_ground(
    theatre: Theatre, control: np.ndarray, occupancy: np.ndarray, side: str
) -> np.ndarray:
    """Bool per hex: supply of `side` may pass through (and be delivered to) this hex.

    A hex qualifies if it is passable land, no enemy unit stands in it, and either a friendly
    unit stands in it (its own ground, whatever the control layer says) or the side holds it
    and no enemy unit stands next to it (an enemy zone of control cuts an unguarded road).
    """
    code = SIDE_CODES[side]
    enemy_occupied = occupancy == SIDE_CODES[other_side(side)]
    friendly = occupancy == code
    nb = theatre.neighbours
    on_map = nb >= 0
    enemy_near = (enemy_occupied[np.where(on_map, nb, 0)] & on_map).any(axis=1)
    enemy_zoc = enemy_occupied | enemy_near
    held = control == code
    return theatre.passable() & ~enemy_occupied & (friendly | (held & ~enemy_zoc))


@lru_cache(maxsize=8)
def _padded_neighbours(theatre: Theatre) -> np.ndarray:
    """The neighbour table with off-map neighbours pointing at an extra, closed hex `n`."""
    nb = np.where(theatre.neighbours >= 0, theatre.neighbours, theatre.n).astype(np.int64)
    nb.setflags(write=False)
    return nb


def nearest_channel(
    theatre: Theatre,
    season: str,
    ground: np.ndarray,
    seeds: Sequence[np.ndarray],
    reach: float,
    regions: Sequence[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per hex: the cost from the cheapest delivery hex and the index of its channel.

    `seeds[k]` holds the delivery hexes of channel `k` (cost 0 there, and supply may leave
    them whether or not they lie on `ground`); supply spreads only into `ground` hexes and no
    farther than `reach` movement points. `ground` may also be an integer array of regions
    (0 = closed) with `regions[k]` the region of channel `k`: both sides are traced in one pass
    this way, since their grounds never overlap. A seed must not lie on another region's
    ground. Returns (cost, channel) with `inf` and -1 where no channel reaches.
    """
    if len(seeds) > _RANK_MASK:
        raise ValueError(f"at most {_RANK_MASK} supply channels, got {len(seeds)}")
    n = theatre.n
    region_of = list(regions) if regions is not None else [1] * len(seeds)
    area = np.zeros(n + 1, dtype=np.int8)
    area[:n] = np.asarray(ground, dtype=np.int8)
    key = np.full(n + 1, _NONE, dtype=np.int64)
    key[n] = -1
    for rank, hexes in enumerate(seeds):
        hexes = np.asarray(hexes, dtype=np.int64)
        if hexes.size:
            np.minimum.at(key, hexes, rank)
            area[hexes] = region_of[rank]
    nb = _padded_neighbours(theatre)
    same = (area[nb] == area[:n, None]) & (area[:n, None] > 0)
    limit = int(round(reach * QUANTUM))
    too_far = (limit + 1) << _RANK_BITS
    steps = np.where(same, quantised_costs(theatre, season) << _RANK_BITS, too_far)
    waiting = np.zeros(limit + 2, dtype=bool)
    waiting[0] = True
    waiting[limit + 1] = True
    bucket = 0
    while bucket <= limit:
        frontier = np.flatnonzero((key >> _RANK_BITS) == bucket)
        candidate = key[frontier, None] + steps[frontier]
        targets = nb[frontier]
        better = (candidate < too_far) & (candidate < key[targets])
        if better.any():
            candidate = candidate[better]
            np.minimum.at(key, targets[better], candidate)
            waiting[candidate >> _RANK_BITS] = True
        bucket += 1 + int(np.argmax(waiting[bucket + 1 :]))
    key = key[:n]
    reached = key != _NONE
    cost = np.where(reached, (key >> _RANK_BITS) / QUANTUM, np.inf)
    channel = np.where(reached, key & _RANK_MASK, -1).astype(np.int32)
    return cost, channel


def route_reach(route: np.ndarray, start: int, ground: np.ndarray) -> tuple[int, int]:
    """The stretch `[lo, hi]` of a route (hex indices, -1 off the map) open from `start`.

    A supply line carries its load out from its source's hex along the road both ways and
    stops at the first hex it cannot pass; an empty stretch is `(start, start - 1)`.
    """
    open_ = (route >= 0) & ground[np.where(route >= 0, route, 0)]
    if not open_[start]:
        return start, start - 1
    closed = np.flatnonzero(~open_)
    before = closed[closed < start]
    after = closed[closed > start]
    lo = int(before[-1]) + 1 if before.size else 0
    hi = int(after[0]) - 1 if after.size else len(route) - 1
    return lo, hi
