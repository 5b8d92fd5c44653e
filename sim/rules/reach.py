"""Where a unit can go this turn: movement points, cheapest paths and what stops them.

The window highlights these hexes, the AI picks among them, the order check and the movement
phase walk the same paths, so there is one search, here: Dijkstra's algorithm over the
season's step costs (`sim.rules.terrain.step_costs`) bounded by the unit's movement points, or
A* when only one hex is wanted, with the classic hex-wargame restrictions:

- a hex holding enemy ground units cannot be entered (taking it needs an Attack);
- entering a hex in the enemy's zone of control ends the move there;
- a unit that starts in an enemy zone of control may leave it, but not step straight into
  another hex of the enemy's zone of control (no sliding along the front line);
- stacking applies where a move ends: a full hex may be passed through, not stopped in;
- a unit that has not moved may always make one step into a passable neighbour, however
  costly (the "minimum move"), so militia can still cross a river into the mountains and short
  turns do not pin everyone in place.

Movement points are per week and scale with the scenario's turn length (`turn_days / 7`): a
week is the pace the costs were set for (a road step 0.5, a mountain hex 3).

The search runs on plain Python lists and dicts rather than numpy: a unit's reach is a few
dozen to a few hundred hexes, far fewer than the map's 4,500, so a bounded heap search visits
less than a whole-map array pass would touch.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from functools import lru_cache

from sim.rules.context import season_in
from sim.rules.terrain import step_costs
from sim.sides import SIDE_IDS, other_side
from sim.state import GameState, UnitState
from sim.theatre import Theatre

__all__ = [
    "BASE_TURN_DAYS",
    "MOVEMENT_POINTS",
    "STACK_MEN",
    "STACK_UNITS",
    "Positions",
    "Search",
    "movement_points",
    "path_to",
    "reachable",
    "search",
]

MOVEMENT_POINTS: dict[str, float] = {
    "infantry": 6.0,
    "militia": 4.0,
    "motor_rifle": 8.0,
    "tank": 8.0,
    "artillery": 5.0,
    "special": 8.0,
}
"""Movement points per week by unit type; aircraft and helicopters do not move by ground."""
BASE_TURN_DAYS = 7
"""The turn length the movement points are written for."""
STACK_UNITS = 4
"""At most this many ground units may end a move in one hex (about 10 km² of ground)."""
STACK_MEN = 6000.0
"""At most this many men may end a move in one hex; a single larger unit may still enter an
empty hex, so no unit is ever barred from moving by its own size."""


def movement_points(unit_type: str, turn_days: int = BASE_TURN_DAYS) -> float:
    """A unit type's movement points for a turn of `turn_days` days (0 for air units)."""
    return MOVEMENT_POINTS.get(unit_type, 0.0) * turn_days / BASE_TURN_DAYS


# --- the map as the search sees it ----------------------------------------------------------


@lru_cache(maxsize=8)
def _steps(theatre: Theatre, season: str) -> tuple[tuple[tuple[int, float], ...], ...]:
    """Per hex, its passable neighbours and the cost of the step, as plain tuples."""
    costs = step_costs(theatre, season)
    nb = theatre.neighbours.tolist()
    rows = costs.tolist()
    return tuple(
        tuple((j, c) for j, c in zip(nbs, row, strict=True) if j >= 0 and c != math.inf)
        for nbs, row in zip(nb, rows, strict=True)
    )


@lru_cache(maxsize=8)
def _neighbours(theatre: Theatre) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(j for j in row if j >= 0) for row in theatre.neighbours.tolist())


# --- who stands where -------------------------------------------------------------------------


@dataclass(slots=True)
class Positions:
    """Ground units per hex for both sides, kept current while moves are carried out in turn.

    Sparse dicts rather than per-hex arrays: a few dozen occupied hexes out of 4,500. `zoc`
    counts, per hex, the side's units standing in it or next to it, so a move updates it by
    subtracting and adding seven entries; the hexes with a count are exactly those
    `sim.rules.zoc.zone_of_control` marks.
    """

    neighbours: tuple[tuple[int, ...], ...]
    units: dict[str, dict[int, int]]
    men: dict[str, dict[int, float]]
    zoc: dict[str, dict[int, int]]

    @classmethod
    def of(cls, state: GameState) -> Positions:
        pos = cls(
            neighbours=_neighbours(state.theatre),
            units={s: {} for s in SIDE_IDS},
            men={s: {} for s in SIDE_IDS},
            zoc={s: {} for s in SIDE_IDS},
        )
        for u in state.units.values():
            if u.active and not u.is_air and u.index >= 0:
                pos.add(u, u.index)
        return pos

    def add(self, unit: UnitState, index: int) -> None:
        side = unit.side
        self.units[side][index] = self.units[side].get(index, 0) + 1
        self.men[side][index] = self.men[side].get(index, 0.0) + unit.men
        zoc = self.zoc[side]
        zoc[index] = zoc.get(index, 0) + 1
        for j in self.neighbours[index]:
            zoc[j] = zoc.get(j, 0) + 1

    def remove(self, unit: UnitState, index: int) -> None:
        side = unit.side
        _decrement(self.units[side], index, 1)
        _decrement(self.men[side], index, unit.men)
        zoc = self.zoc[side]
        _decrement(zoc, index, 1)
        for j in self.neighbours[index]:
            _decrement(zoc, j, 1)

    def enemy_at(self, side: str, index: int) -> bool:
        return index in self.units[other_side(side)]

    def in_enemy_zoc(self, side: str, index: int) -> bool:
        return index in self.zoc[other_side(side)]

    def has_room(self, unit: UnitState, index: int) -> bool:
        """Whether stacking lets `unit` end its move in hex `index`."""
        count = self.units[unit.side].get(index, 0)
        if count == 0:
            return True
        men = self.men[unit.side].get(index, 0.0)
        return count < STACK_UNITS and men + unit.men <= STACK_MEN

    def stacking_problem(self, unit: UnitState, index: int, where: str) -> str:
        """What stops `unit` ending its move in hex `index` (called `where`), or ''."""
        if self.has_room(unit, index):
            return ""
        count = self.units[unit.side][index]
        if count >= STACK_UNITS:
            return f"{count} units already at {where}"
        men = self.men[unit.side][index]
        return (
            f"{men:,.0f} men already at {where}, and {unit.men:,.0f} more would exceed "
            f"the {STACK_MEN:,.0f} a hex can hold"
        )


def _decrement(counts: dict, key: int, amount: float) -> None:
    left = counts[key] - amount
    if left <= 1e-9:
        del counts[key]
    else:
        counts[key] = left


# --- the search -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Search:
    """Every hex a unit can enter this turn, with the cheapest cost and the hex before it.

    `cost` includes hexes the unit may only pass through: those in `full`, where stacking
    forbids it to stop. Every other hex in `cost`, the origin among them, is a destination.
    """

    origin: int
    points: float
    cost: dict[int, float]
    previous: dict[int, int]
    full: frozenset[int]

    def can_end_in(self, index: int) -> bool:
        return index in self.cost and index not in self.full

    def destinations(self) -> list[int]:
        return sorted(i for i in self.cost if i not in self.full)

    def path_to(self, target: int) -> list[int]:
        """Hexes from the origin to `target` inclusive, or [] if `target` was not reached."""
        if target not in self.cost:
            return []
        path = [target]
        while path[-1] != self.origin:
            path.append(self.previous[path[-1]])
        path.reverse()
        return path


def search(
    state: GameState,
    unit: UnitState,
    season: str,
    positions: Positions | None = None,
    points: float | None = None,
    zoc: bool = True,
    target: int = -1,
) -> Search:
    """The bounded cheapest-path search for one ground unit from where it stands.

    `points` overrides the unit's movement points (math.inf to ask what a hex would cost at
    all, for an order's error message); `zoc=False` ignores enemy zones of control (to tell a
    player whether they are what bars the way).

    With a `target` the search heads for that hex alone (A*, its distance times the cheapest
    step as the estimate still to go, which never overestimates) and stops once its cheapest
    path is known: about half the work of the full search, which matters when a hundred
    orders are checked in a turn. Hexes off the way are then missing, and `full` says only
    whether the target is full. Among paths of equal cost it may pick another than the full
    search's `previous` chain; moves follow this one, as `path_to` does.
    """
    pos = positions if positions is not None else Positions.of(state)
    origin = unit.index
    if points is None:
        points = movement_points(unit.type, state.scenario.turn_days)
    if unit.is_air or not unit.active or origin < 0:
        return Search(origin, 0.0, {}, {}, frozenset())
    steps = _steps(state.theatre, season)
    side = unit.side
    enemy = other_side(side)
    blocked = pos.units[enemy]
    enemy_zoc = pos.zoc[enemy] if zoc else {}
    start_in_zoc = origin in enemy_zoc

    cost: dict[int, float] = {origin: 0.0}
    previous: dict[int, int] = {origin: -1}
    first: list[tuple[int, float]] = []
    for j, c in steps[origin]:
        # The first step: always allowed if passable (the minimum move), but never from one
        # hex of the enemy's zone of control straight into another.
        if j not in blocked and not (start_in_zoc and j in enemy_zoc):
            cost[j] = c
            previous[j] = origin
            first.append((j, c))
    if target >= 0:
        _towards(
            state.theatre, season, steps, target, points, blocked, enemy_zoc, cost, previous, first
        )
        stuck = target != origin and target in cost and not pos.has_room(unit, target)
        full = frozenset((target,) if stuck else ())
    else:
        _outwards(steps, points, blocked, enemy_zoc, cost, previous, first)
        friendly = pos.units[side]
        full = frozenset(
            i for i in friendly if i != origin and i in cost and not pos.has_room(unit, i)
        )
    return Search(origin, points, cost, previous, full)


def _outwards(steps, points, blocked, enemy_zoc, cost, previous, first) -> None:
    """Dijkstra from the first steps out to the limit of the unit's points."""
    heap = [(c, j) for j, c in first]
    heapq.heapify(heap)
    push, pop, inf, get = heapq.heappush, heapq.heappop, math.inf, cost.get
    while heap:
        d, i = pop(heap)
        if d > cost[i] or i in enemy_zoc:
            continue
        for j, c in steps[i]:
            nd = d + c
            if nd <= points and nd < get(j, inf) and j not in blocked:
                cost[j] = nd
                previous[j] = i
                push(heap, (nd, j))


def _towards(
    theatre, season, steps, target, points, blocked, enemy_zoc, cost, previous, first
) -> None:
    """A* from the first steps to `target`, skipping hexes too far from it to matter."""
    qs, rs = _axial(theatre)
    half = _cheapest_step(theatre, season) / 2
    tq, tr = qs[target], rs[target]

    def estimate(j: int) -> float:
        dq, dr = qs[j] - tq, rs[j] - tr
        return half * (abs(dq) + abs(dr) + abs(dq + dr))

    heap = [(c + estimate(j), c, j) for j, c in first]
    heapq.heapify(heap)
    push, pop, inf, get = heapq.heappush, heapq.heappop, math.inf, cost.get
    while heap:
        _, d, i = pop(heap)
        if i == target:
            return
        if d > cost[i] or i in enemy_zoc:
            continue
        for j, c in steps[i]:
            nd = d + c
            if nd <= points and nd < get(j, inf) and j not in blocked:
                dq, dr = qs[j] - tq, rs[j] - tr
                f = nd + half * (abs(dq) + abs(dr) + abs(dq + dr))
                if f <= points:
                    cost[j] = nd
                    previous[j] = i
                    push(heap, (f, nd, j))


@lru_cache(maxsize=8)
def _axial(theatre: Theatre) -> tuple[list[int], list[int]]:
    return theatre.q.tolist(), theatre.r.tolist()


@lru_cache(maxsize=8)
def _cheapest_step(theatre: Theatre, season: str) -> float:
    return min((c for row in _steps(theatre, season) for _, c in row), default=0.0)


def reachable(
    state: GameState,
    unit_id: str,
    season: str | None = None,
    positions: Positions | None = None,
) -> dict[int, tuple[float, int]]:
    """Hexes the unit may end its move in this turn: `{hex: (cost, previous hex)}`.

    The unit's own hex is included as `(0.0, -1)`. The previous hex may be one the unit can
    pass through but not stop in (a full stack); `path_to` follows it. Aircraft, helicopters
    and units off the map get `{}`: they do not move by ground. `season` defaults to the
    season of the state's date.
    """
    unit = state.units[unit_id]
    found = search(state, unit, season or season_in(state), positions)
    return {i: (found.cost[i], found.previous[i]) for i in found.destinations()}


def path_to(
    state: GameState,
    unit_id: str,
    target_index: int,
    season: str | None = None,
    positions: Positions | None = None,
) -> list[int]:
    """The path (hex indices, origin first) a move to `target_index` would follow: a cheapest
    one, the same the movement phase walks. [] if the unit cannot end its move there."""
    unit = state.units[unit_id]
    found = search(state, unit, season or season_in(state), positions, target=target_index)
    if not found.can_end_in(target_index):
        return []
    return found.path_to(target_index)
