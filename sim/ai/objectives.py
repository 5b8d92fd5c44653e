"""What a side fights for on this map: the scenario's aims turned into weights per hex.

Read once per scenario and side (the scenario and map never change during a game):

- the victory conditions: places each side must hold at the end (own aims weigh
  `OWN_AIM`, the enemy's `ENEMY_AIM`: what it must deny), and for `hold_districts` every hex
  of the district a little (`DISTRICT_HEX`), since the district is won hex by hex;
- key places by kind: cities, towns, villages, passes (the Omar and Sotk passes carry the
  only roads to Kalbajar), airfields;
- supply: each side's sources (where supply enters the map) and airlift landing places, and
  the routes of its supply lines. An enemy route hex is worth cutting in proportion to the
  line's capacity and to the share of the route beyond it (a cut near the source starves
  the whole line); an own route hex held by the enemy is worth opening the same way.

- political limits (`[[limits]]`): the hexes the side's leadership would not attack or enter
  (`barred`), which the planner leaves alone whatever they are worth.

Weights are in "objective points": a hex worth nothing is 0, the capital of the region about
15. The planner adds them to the value of attacks, defences and moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rules.supply import line_open, line_routes, turn_days
from sim.scenario.control import area_mask
from sim.scenario_cache import per_scenario
from sim.state import GameState

OWN_AIM = 10.0
ENEMY_AIM = 8.0
DISTRICT_HEX = 0.5
KIND_WEIGHT: dict[str, float] = {
    "city": 5.0,
    "town": 3.0,
    "village": 1.0,
    "pass": 3.0,
    "airfield": 2.0,
    "dam": 1.0,
    "station": 1.0,
}
OWN_SOURCE = 8.0
ENEMY_SOURCE = 6.0
AIRLIFT = 5.0
ROUTE = 4.0
"""Value of cutting a route at its source end, for the largest line in the scenario."""


@dataclass(frozen=True, slots=True)
class Objectives:
    """One side's weights per hex (static for the game)."""

    side: str
    place: dict[int, float]
    """Hex -> weight of the named places in it (aims, kind, supply entries)."""
    names: dict[int, str]
    """Hex -> the place id that gives it its weight (for reasons and tests)."""
    area: np.ndarray
    """Per hex: value of holding it for a `hold_districts` aim."""
    own_aims: frozenset[int]
    enemy_aims: frozenset[int]
    lines: tuple[tuple[str, str, np.ndarray, np.ndarray], ...]
    """(line id, side, route hexes, value per route hex) for both sides' supply lines."""
    barred: frozenset[int] = frozenset()
    """Hexes a political limit keeps the side out of: no attack on them, no move into them."""

    def weight(self, index: int) -> float:
        return self.place.get(index, 0.0) + float(self.area[index])


_CACHE: dict[tuple, tuple[object, Objectives]] = {}


def objectives_for(state: GameState, side: str) -> Objectives:
    """The objectives of `side` in this game's scenario (cached per scenario and side)."""
    return per_scenario(_CACHE, state, lambda s: _build(s, side), id(state.theatre), side)


def _build(state: GameState, side: str) -> Objectives:
    scenario, theatre = state.scenario, state.theatre
    place: dict[int, float] = {}
    names: dict[int, str] = {}

    def add(index: int | None, weight: float, name: str) -> None:
        if index is None or index < 0:
            return
        if weight > place.get(index, 0.0):
            names[index] = name
        place[index] = place.get(index, 0.0) + weight

    for p in theatre.places.values():
        if p.index is not None and p.kind in KIND_WEIGHT:
            add(p.index, KIND_WEIGHT[p.kind], p.id)
    own_aims: set[int] = set()
    enemy_aims: set[int] = set()
    area = np.zeros(theatre.n, dtype=np.float64)
    for cond in scenario.victory:
        mine = cond.side == side
        if cond.kind == "hold_places":
            for pid in cond.places:
                idx = theatre.places[pid].index
                if idx is None:
                    continue
                add(idx, OWN_AIM if mine else ENEMY_AIM, pid)
                (own_aims if mine else enemy_aims).add(idx)
        elif cond.kind == "hold_districts":
            for did in cond.districts:
                code = theatre.district_index(did)
                if code is not None:
                    area[theatre.district == code] += DISTRICT_HEX
    for s in scenario.supply.sources:
        add(theatre.index_of(s.hex), OWN_SOURCE if s.side == side else ENEMY_SOURCE, s.place)
    for a in scenario.supply.airlifts:
        add(theatre.index_of(a.hex), AIRLIFT, a.to)
    area.setflags(write=False)
    barred = np.zeros(theatre.n, dtype=bool)
    for limit in scenario.limits:
        if limit.side == side:
            for where in limit.areas:
                barred |= area_mask(where, theatre)
    return Objectives(
        side=side,
        place=place,
        names=names,
        area=area,
        own_aims=frozenset(own_aims),
        enemy_aims=frozenset(enemy_aims),
        lines=_line_values(state),
        barred=frozenset(np.flatnonzero(barred).tolist()),
    )


def _line_values(state: GameState) -> tuple[tuple[str, str, np.ndarray, np.ndarray], ...]:
    """Per supply line: its route hexes and what holding or cutting each one is worth."""
    scenario = state.scenario
    lines = scenario.supply.lines
    if not lines:
        return ()
    biggest = max(line.capacity.midpoint for line in lines) or 1.0
    out = []
    routes = line_routes(state)
    for line in lines:
        route, start = routes[line.id]
        k = np.arange(len(route))
        beyond = np.where(k >= start, len(route) - k, k + 1).astype(np.float64)
        span = max(len(route) - start, start + 1)
        value = ROUTE * (line.capacity.midpoint / biggest) * beyond / span
        value.setflags(write=False)
        out.append((line.id, line.side, route, value))
    return tuple(out)


def route_values(state: GameState, objectives: Objectives, owner: str) -> dict[int, float]:
    """Hex -> value for the routes of `owner`'s supply lines working this turn (or due to open:
    an own line not yet open is worth opening); the highest where lines share a hex."""
    _, last_day = turn_days(state)
    by_id = {line.id: line for line in state.scenario.supply.lines}
    out: dict[int, float] = {}
    for line_id, side, route, value in objectives.lines:
        if side != owner:
            continue
        line = by_id[line_id]
        if owner != objectives.side and not line_open(line, state, last_day):
            continue
        if line.closes is not None and line.closes <= last_day:
            continue
        for i, v in zip(route.tolist(), value.tolist(), strict=True):
            if i >= 0 and v > out.get(i, 0.0):
                out[i] = v
    return out
