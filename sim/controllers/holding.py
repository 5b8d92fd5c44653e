"""Holding the line: what a side's units do when no operation needs them.

The historical plan commits only the units history names to an offensive; everyone else keeps
the front as it stands. "Sensibly" means three small things, done in this order and nothing
more, so the plan's results come from the operations and the rules, not from this module:

1. A unit cut off from supply (under `CUT_OFF` of its need arrived) that is not a garrison of a
   named settlement falls back towards its side's supply, if a move brings it closer.
   Garrisons stay: in this war towns were held until taken, not abandoned when encircled.
2. A town or city the side holds but nobody garrisons, with enemy troops within
   `THREAT_HEXES`, gets the nearest free unit that can reach it this turn. A city whose
   garrison has fewer than `WEAK_GARRISON` times the men of the enemy troops that near gets
   the strongest free units that can reach it this turn until it has (a gun battery does not
   hold a capital against a brigade next door); it may draw them from the garrison of a
   threatened town, but never that town's last unit.
3. A gap in the line — an empty hex of the side's next to enemy troops and next to a garrisoned
   settlement, by which the enemy could walk round it — is filled by the nearest spare unit
   (one of several in a hex, so the hex stays held, and never from a threatened settlement's
   garrison) within `GAP_HEXES`, marching over as many turns as it takes.

Clearing the side's supply roads of stranded enemy troops, which does attack, is the
historical plan's next step and lives in `sim.controllers.road_clearing`.

Moves made while holding stay on the side's own ground (the whole path inside hexes it
holds): holding never takes ground by walking into it. Every choice is made in a fixed order
(by hex and unit id) so the same state always gives the same orders.

`TurnPlan` is the shared bookkeeping a controller fills in during one turn: which units have an
order, where the planned moves leave each side's stacks, and the orders in the order given.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from sim.hexgrid import distance_array, opposite
from sim.orders import Attack, Move, Order
from sim.rules.combat_inputs import legal_attack
from sim.rules.combat_odds import odds
from sim.rules.context import season_in
from sim.rules.control import SETTLEMENT_KINDS, settlement_at
from sim.rules.legality import check_orders
from sim.rules.reach import Positions, search
from sim.rules.supply import CUT_OFF
from sim.rules.terrain import step_costs
from sim.sides import SIDE_CODES, other_side
from sim.state import GameState, UnitState
from sim.theatre import Theatre

__all__ = [
    "GAP_HEXES",
    "GARRISON_KINDS",
    "THREAT_HEXES",
    "WEAK_GARRISON",
    "TurnPlan",
    "attack_ratio",
    "distance_to",
    "guards_town",
    "hold_the_line",
    "is_garrison",
    "march_nearest",
    "own_ground_distance",
    "threat_men",
]

THREAT_HEXES = 2
"""Enemy ground units this close (in hexes) to an ungarrisoned town make it threatened."""
WEAK_GARRISON = 0.5
"""A garrison with fewer men than this share of the enemy's within `THREAT_HEXES` is reinforced."""
GAP_HEXES = 6
"""Spare units this close to a gap (in hexes) march to fill it, over as many turns as it takes."""
GARRISON_KINDS: tuple[str, ...] = SETTLEMENT_KINDS[:2]
"""Settlements worth a garrison of their own when threatened: cities and towns."""


@lru_cache(maxsize=256)
def distance_to(theatre: Theatre, season: str, target: int) -> np.ndarray:
    """Movement cost from every hex to `target` over the season's terrain (inf: no way).

    Terrain only — troops are ignored, so the field stays the same all season and is worked
    out once per target; the plan deals with enemy troops on the way by attacking them.
    """
    return _search_from(_steps_into(theatre, season), (target,), None)


@dataclass
class TurnPlan:
    """One side's orders for a turn as they are being made."""

    state: GameState
    side: str
    positions: Positions = field(init=False)
    season: str = field(init=False)
    busy: set[str] = field(default_factory=set)
    """Units that have an order (or are kept where they are on purpose)."""
    orders: list[Order] = field(default_factory=list)
    threat: dict[int, bool] = field(default_factory=dict)
    """Hexes already judged threatened or not: planned moves never move the enemy's units, so
    the answer holds all turn (see `_threatened`)."""

    def __post_init__(self) -> None:
        self.positions = Positions.of(self.state)
        self.season = season_in(self.state)

    @property
    def enemy(self) -> str:
        return other_side(self.side)

    @property
    def own_code(self) -> int:
        return SIDE_CODES[self.side]

    def ground_units(self) -> list[UnitState]:
        """The side's active ground units on the map, by id."""
        return sorted(
            (u for u in self.state.active_units(self.side) if not u.is_air and u.index >= 0),
            key=lambda u: u.id,
        )

    def enemy_at(self, index: int) -> bool:
        return self.positions.enemy_at(self.side, index)

    def own_units_at(self, index: int) -> int:
        return self.positions.units[self.side].get(index, 0)

    def neighbours(self, index: int) -> tuple[int, ...]:
        return self.positions.neighbours[index]

    def destinations(self, unit: UnitState, own_ground: bool) -> dict[int, float]:
        """Hexes the unit can end its move in this turn, with their cost.

        With `own_ground`, only those reached by a path that never leaves the side's hexes.
        """
        found = search(self.state, unit, self.season, self.positions)
        out: dict[int, float] = {}
        control = self.state.control
        for index in found.destinations():
            if own_ground:
                step, ok = index, True
                while step >= 0:
                    if control[step] != self.own_code:
                        ok = False
                        break
                    step = found.previous[step]
                if not ok:
                    continue
            out[index] = found.cost[index]
        return out

    def move(self, unit: UnitState, index: int) -> None:
        """Plan a move and keep the stacks current for the moves planned after it."""
        if index == unit.index:
            self.busy.add(unit.id)
            return
        self.orders.append(Move(unit.id, self.state.theatre.hex_of(index)))
        self.positions.remove(unit, unit.index)
        self.positions.add(unit, index)
        self.busy.add(unit.id)

    def attack(self, target: int, unit_ids: list[str]) -> None:
        if not unit_ids:
            return
        self.orders.append(Attack(self.state.theatre.hex_of(target), tuple(unit_ids)))
        self.busy.update(unit_ids)

    def legal_orders(self) -> list[Order]:
        """The planned orders the rules accept, in the order planned; the others dropped."""
        verdicts = check_orders(self.state, self.side, self.orders)
        return [v.order for v in verdicts if v.legal]  # type: ignore[misc]


# --- holding the line ---------------------------------------------------------------------------


def hold_the_line(plan: TurnPlan) -> None:
    """Orders for the side's units that have none yet (see the module docstring)."""
    _fall_back(plan)
    _garrison_threatened(plan)
    _fill_gaps(plan)


def is_garrison(plan: TurnPlan, unit: UnitState) -> bool:
    """Whether the unit is the one thing keeping a settlement of its side held."""
    return (
        settlement_at(plan.state.theatre, unit.index) is not None
        and plan.own_units_at(unit.index) <= 1
    )


def _free(plan: TurnPlan) -> list[UnitState]:
    return [u for u in plan.ground_units() if u.id not in plan.busy]


def _fall_back(plan: TurnPlan) -> None:
    state = plan.state
    cut = [
        u
        for u in _free(plan)
        if u.supply < CUT_OFF and settlement_at(state.theatre, u.index) is None
    ]
    if not cut:
        return
    dist = _supply_distance(plan)
    for unit in cut:
        here = dist[unit.index]
        options = plan.destinations(unit, own_ground=True)
        best = min(options, key=lambda i: (dist[i], options[i], i))
        if dist[best] < here and plan.positions.has_room(unit, best):
            plan.move(unit, best)


def _supply_distance(plan: TurnPlan) -> np.ndarray:
    """Movement cost from each of the side's hexes to where its supply enters (inf elsewhere)."""
    state = plan.state
    theatre = state.theatre
    supply = state.scenario.supply
    starts = [s.hex for s in supply.sources if s.side == plan.side]
    starts += [a.hex for a in supply.airlifts if a.side == plan.side]
    indices = tuple(i for h in starts if (i := theatre.index_of(h)) is not None)
    own = (state.control == plan.own_code).tobytes()
    return _own_ground_distance(theatre, plan.season, indices, own)


@lru_cache(maxsize=8)
def _own_ground_distance(
    theatre: Theatre, season: str, starts: tuple[int, ...], own_bytes: bytes
) -> np.ndarray:
    """Dijkstra from `starts` over the hexes flagged in `own_bytes` (one byte a hex).

    Cached: the front often stands still for weeks, and the next turns (and the next runs of a
    batch in the same worker, which open alike) ask again for the very same ground, so the
    search runs once per distinct map; the array is read-only, as it is shared.
    """
    return _search_from(_steps_into(theatre, season), starts, own_bytes)


def _search_from(
    into: tuple[tuple[tuple[int, float], ...], ...],
    starts: tuple[int, ...],
    allowed: bytes | None,
) -> np.ndarray:
    """Dijkstra from `starts` with the step costs `into` (see `_steps_into`), over the hexes
    flagged in `allowed` (one byte a hex; None: every hex). Read-only, as callers cache it."""
    out = [math.inf] * len(into)
    heap: list[tuple[float, int]] = []
    for i in starts:
        if allowed is None or allowed[i]:
            out[i] = 0.0
            heap.append((0.0, i))
    heapq.heapify(heap)
    while heap:
        d, j = heapq.heappop(heap)
        if d > out[j]:
            continue
        for i, step in into[j]:
            if allowed is not None and not allowed[i]:
                continue
            nd = d + step
            if nd < out[i]:
                out[i] = nd
                heapq.heappush(heap, (nd, i))
    result = np.array(out)
    result.setflags(write=False)
    return result


@lru_cache(maxsize=8)
def _steps_into(theatre: Theatre, season: str) -> tuple[tuple[tuple[int, float], ...], ...]:
    """For each hex, its neighbours (in direction order) with the cost of stepping from each
    into it: the search's inner loop reads this instead of converting the cost table anew."""
    costs = step_costs(theatre, season).tolist()
    return tuple(
        tuple((i, costs[i][opposite(direction)]) for direction, i in enumerate(row) if i >= 0)
        for row in theatre.neighbours.tolist()
    )


def _threatened(plan: TurnPlan, index: int) -> bool:
    """Whether enemy ground units stand within `THREAT_HEXES` of the hex."""
    known = plan.threat.get(index)
    if known is None:
        enemy_hexes = plan.positions.units[plan.enemy]
        theatre = plan.state.theatre
        here = theatre.hex_of(index)
        known = any(here.distance(theatre.hex_of(j)) <= THREAT_HEXES for j in enemy_hexes)
        plan.threat[index] = known
    return known


def threat_men(plan: TurnPlan, index: int) -> float:
    """Enemy men within `THREAT_HEXES` of a hex."""
    theatre = plan.state.theatre
    here = theatre.hex_of(index)
    return sum(
        men
        for j, men in plan.positions.men[plan.enemy].items()
        if here.distance(theatre.hex_of(j)) <= THREAT_HEXES
    )


def _garrison_threatened(plan: TurnPlan) -> None:
    state = plan.state
    theatre = state.theatre
    towns = sorted(
        {
            p.index
            for p in theatre.places.values()
            if p.index is not None
            and p.kind in GARRISON_KINDS
            and state.control[p.index] == plan.own_code
        }
    )
    for index in towns:
        if plan.enemy_at(index) or not _threatened(plan, index):
            continue
        if not plan.own_units_at(index):
            _reinforce(plan, index)
            continue
        if _rank(theatre, index) > 0:
            continue
        threat = threat_men(plan, index)
        while plan.positions.men[plan.side].get(index, 0.0) < WEAK_GARRISON * threat:
            if not _reinforce(plan, index):
                break


def _reinforce(plan: TurnPlan, index: int) -> bool:
    """Send the strongest free unit that can reach the town this turn; False if none can."""
    theatre = plan.state.theatre
    best: tuple[float, float, str] | None = None
    chosen: UnitState | None = None
    rank = _rank(theatre, index)
    for unit in _free(plan):
        if unit.index == index or is_garrison(plan, unit):
            continue
        if guards_town(plan, unit.index) and _rank(theatre, unit.index) <= rank:
            continue  # only a city may take men from a threatened town's garrison
        if not plan.positions.has_room(unit, index):
            continue
        if theatre.hex_of(unit.index).distance(theatre.hex_of(index)) > 8:
            continue
        cost = plan.destinations(unit, own_ground=True).get(index)
        if cost is not None and (best is None or (-unit.men, cost, unit.id) < best):
            best, chosen = (-unit.men, cost, unit.id), unit
    if chosen is None:
        return False
    plan.move(chosen, index)
    return True


def _fill_gaps(plan: TurnPlan) -> None:
    state = plan.state
    theatre = state.theatre
    enemy_hexes = sorted(plan.positions.units[plan.enemy])
    gaps: list[int] = []
    seen: set[int] = set()
    for e in enemy_hexes:
        for g in plan.neighbours(e):
            if g in seen or state.control[g] != plan.own_code or plan.own_units_at(g):
                continue
            seen.add(g)
            if any(
                plan.own_units_at(s) and settlement_at(theatre, s) is not None
                for s in plan.neighbours(g)
            ):
                gaps.append(g)
    for gap in sorted(gaps):
        if plan.own_units_at(gap):
            continue
        spare = [
            u
            for u in _free(plan)
            if plan.own_units_at(u.index) >= 2
            and theatre.hex_of(u.index).distance(theatre.hex_of(gap)) <= GAP_HEXES
            and not guards_town(plan, u.index)
        ]
        if spare:
            march_nearest(plan, spare, gap)


def attack_ratio(plan: TurnPlan, target: int, unit_ids: list[str]) -> float | None:
    """The power ratio (after every modifier) of an attack by `unit_ids` on `target`, as the
    rules would weigh it now; None if the rules would not allow it."""
    attack = legal_attack(
        plan.state, target, unit_ids, plan.season,
        side=plan.side, last_combat=plan.state.last_combat,
    )
    return None if attack is None else odds(attack.inputs).ratio


def march_nearest(plan: TurnPlan, units: list[UnitState], target: int) -> None:
    """March the unit of `units` nearest `target` a turn's way toward it over the side's own
    ground (with room to stack where it stops); it stays if no such move brings it nearer."""
    dist = distance_to(plan.state.theatre, plan.season, target)
    unit = min(units, key=lambda u: (dist[u.index], u.id))
    options = {
        i: c
        for i, c in plan.destinations(unit, own_ground=True).items()
        if plan.positions.has_room(unit, i)
    }
    best = min(options, key=lambda i: (dist[i], options[i], i), default=None)
    if best is not None and dist[best] < dist[unit.index]:
        plan.move(unit, best)


def _rank(theatre: Theatre, index: int) -> int:
    """0 for a city, 1 for a town, 2 for a village, 3 for open ground."""
    place = settlement_at(theatre, index)
    return len(SETTLEMENT_KINDS) if place is None else SETTLEMENT_KINDS.index(place.kind)


def guards_town(plan: TurnPlan, index: int) -> bool:
    """A settlement of the side with the enemy near: its garrison is not spare."""
    return settlement_at(plan.state.theatre, index) is not None and _threatened(plan, index)


def own_ground_distance(state: GameState, side: str, target: int) -> np.ndarray:
    """Movement cost from each of the side's hexes to `target` without leaving its ground
    (inf where there is no such way).

    A target the side does not hold is reached at its nearest own hexes (by hex distance):
    the edge of the side's ground facing it, where a force gathers to attack it.
    """
    theatre = state.theatre
    own = state.control == SIDE_CODES[side]
    if own[target]:
        starts: tuple[int, ...] = (target,)
    else:
        q0, r0 = int(theatre.q[target]), int(theatre.r[target])
        d = distance_array(theatre.q, theatre.r, q0, r0).astype(np.int64)
        d[~own] = np.iinfo(np.int64).max
        nearest = int(d.min())
        starts = tuple(int(i) for i in np.flatnonzero(own & (d == nearest)))
    return _own_ground_distance(theatre, season_in(state), starts, own.tobytes())
