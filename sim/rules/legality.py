"""Whether an order may be carried out now, and if not, the reason a player reads.

Two kinds of refusal (see `sim.orders`): a `MalformedOrder` can never mean anything on this
map and for this side (an unknown unit, the other side's unit, a hex off the map, an attack
listing a unit twice); an `IllegalOrder` is sound but the position forbids it (too far, the
target not adjacent, no enemy there, the stack full). The window asks the same questions
before a player commits, so the reasons name units and places as the player sees them.

Rules checked here, beyond the reach of `sim.rules.reach`:

- A unit takes part in one order a turn: it moves or it attacks, never both, and joins one
  attack at most (the week's effort goes into one thing). The first order naming a unit wins;
  a later one is refused.
- One attack per target hex and side: all units attacking a hex go in one order, so the
  combat phase resolves one fight per hex.
- Every ground unit in an attack stands next to the target, and the hex side between them is
  passable in the season (no assault across a large river without a bridge, or over snowbound
  high mountains off the road). At least one ground unit takes part.
- Aircraft and helicopters join attacks as support within `SUPPORT_RANGE_KM` of their base;
  they do not move by ground but may rebase to a hex their side holds within
  `REBASE_RANGE_KM`.
- No attacks while a ceasefire is in force.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from sim.hexgrid import Hex, hex_distance
from sim.orders import Attack, IllegalOrder, MalformedOrder, Move, OrderError
from sim.rules.context import season_in
from sim.rules.reach import Positions, movement_points, search
from sim.rules.terrain import step_costs
from sim.sides import SIDE_ADJECTIVES, SIDE_CODES, SIDE_IDS, other_side
from sim.state import UNIT_DESTROYED, UNIT_WAITING, UNIT_WITHDRAWN, GameState, UnitState
from sim.theatre import Place, Theatre

__all__ = [
    "REBASE_RANGE_KM",
    "SUPPORT_RANGE_KM",
    "Verdict",
    "check_order",
    "check_orders",
    "hex_label",
    "place_at",
    "points_text",
    "support_distance_km",
]

SUPPORT_RANGE_KM: dict[str, float] = {"helicopter": 60.0, "air": 150.0}
"""How far from its base an air unit may support an attack. Not the book combat radius
(300+ km for a Su-25 or Mi-24) but a radius with time over the target for several sorties a
day: helicopters at Goris reach Stepanakert (55 km), aircraft at Ganja reach the whole of
Karabakh (110-145 km), as both did in 1992."""
REBASE_RANGE_KM: dict[str, float] = {"helicopter": 120.0, "air": 300.0}
"""How far an air unit may move its base in one turn (to a hex its side holds)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """An order checked: `error` is None if it may be carried out.

    For a legal move, `path` is the cheapest path (hex indices, origin first) in the position
    it was checked in, and `costs` the movement points spent on reaching each of its hexes;
    the movement phase walks that path.
    """

    order: object
    side: str
    error: OrderError | None = None
    path: tuple[int, ...] = ()
    costs: tuple[float, ...] = ()
    units: tuple[str, ...] = field(default=())
    """The units the order commits (the mover, or every unit of an attack)."""

    @property
    def legal(self) -> bool:
        return self.error is None

    @property
    def cost(self) -> float:
        return self.costs[-1] if self.costs else 0.0


def check_order(state: GameState, order: object, side: str) -> None:
    """Raise `MalformedOrder` or `IllegalOrder` with the reason if `side` may not give `order`.

    Checks one order against the position as it stands; `check_orders` adds the rules that
    relate orders to each other (one order per unit, one attack per hex).
    """
    verdict = _check(state, order, side, Positions.of(state), season_in(state))
    if verdict.error is not None:
        raise verdict.error


def check_orders(
    state: GameState,
    side: str,
    orders: Iterable[object],
    positions: Positions | None = None,
    season: str | None = None,
) -> list[Verdict]:
    """Check a side's orders for one turn, in the order given, and say which may stand."""
    pos = positions if positions is not None else Positions.of(state)
    season = season or season_in(state)
    committed: dict[str, str] = {}
    attacked: set[int] = set()
    verdicts = []
    for order in orders:
        verdict = _check(state, order, side, pos, season)
        if verdict.legal:
            clash = next((uid for uid in verdict.units if uid in committed), None)
            target = _target_index(state, order) if isinstance(order, Attack) else -1
            if clash is not None:
                unit = state.units[clash]
                verdict = _refuse(
                    verdict,
                    f"{unit.name} is already ordered to {committed[clash]} this turn "
                    "(a unit moves or attacks once a turn)",
                )
            elif isinstance(order, Attack) and target in attacked:
                verdict = _refuse(
                    verdict,
                    f"{hex_label(state.theatre, target)} is already under attack this turn; "
                    "put every attacking unit in one order",
                )
        if verdict.legal:
            doing = "attack" if isinstance(order, Attack) else "move"
            for uid in verdict.units:
                committed[uid] = doing
            if isinstance(order, Attack):
                attacked.add(target)
        verdicts.append(verdict)
    return verdicts


def _refuse(verdict: Verdict, reason: str) -> Verdict:
    return Verdict(verdict.order, verdict.side, IllegalOrder(reason), units=verdict.units)


def _target_index(state: GameState, order: Attack) -> int:
    index = state.theatre.index_of(order.target)
    return -1 if index is None else index


# --- one order --------------------------------------------------------------------------------


def _check(state: GameState, order: object, side: str, pos: Positions, season: str) -> Verdict:
    try:
        if side not in SIDE_IDS:
            raise MalformedOrder(f"{side!r} is not a side (expected one of {', '.join(SIDE_IDS)})")
        if isinstance(order, Move):
            return _check_move(state, order, side, pos, season)
        if isinstance(order, Attack):
            return _check_attack(state, order, side, pos, season)
        raise MalformedOrder(
            f"not an order: expected a Move or an Attack, found {type(order).__name__}"
        )
    except OrderError as error:
        return Verdict(order, side, error)


def _own_unit(state: GameState, unit_id: object, side: str) -> UnitState:
    if not isinstance(unit_id, str) or unit_id not in state.units:
        raise MalformedOrder(f"there is no unit {unit_id!r} in this scenario")
    unit = state.units[unit_id]
    if unit.side != side:
        raise MalformedOrder(
            f"{unit.name} is an {SIDE_ADJECTIVES[unit.side]} unit; the "
            f"{SIDE_ADJECTIVES[side]} side cannot give it orders"
        )
    return unit


def _on_map(state: GameState, hex_: object) -> int:
    if not isinstance(hex_, Hex):
        raise MalformedOrder(f"a hex must be a Hex(q, r), found {hex_!r}")
    index = state.theatre.index_of(hex_)
    if index is None:
        raise MalformedOrder(f"{hex_.as_list()} is not a hex on the map")
    return index


def _present(unit: UnitState) -> None:
    if unit.status == UNIT_WAITING:
        raise IllegalOrder(f"{unit.name} has not yet arrived in the theatre")
    if unit.status == UNIT_WITHDRAWN:
        raise IllegalOrder(f"{unit.name} has left the theatre")
    if unit.status == UNIT_DESTROYED:
        raise IllegalOrder(f"{unit.name} has been destroyed")
    if not unit.active or unit.index < 0:
        raise IllegalOrder(f"{unit.name} is not on the map")


def _check_move(state: GameState, order: Move, side: str, pos: Positions, season: str) -> Verdict:
    unit = _own_unit(state, order.unit, side)
    target = _on_map(state, order.to)
    _present(unit)
    theatre = state.theatre
    where = hex_label(theatre, target)
    if target == unit.index:
        raise IllegalOrder(f"{unit.name} is already at {where}; give no order to hold")
    if not _passable(theatre)[target]:
        reason = _impassable_reason(theatre, target)
        raise IllegalOrder(f"{unit.name} cannot go to {where}: {reason}")
    if unit.is_air:
        return _check_rebase(state, order, unit, target, pos)
    if pos.enemy_at(side, target):
        raise IllegalOrder(
            f"{where} holds {SIDE_ADJECTIVES[other_side(side)]} troops; to take it, order an attack"
        )
    if problem := pos.stacking_problem(unit, target, where):
        raise IllegalOrder(f"stacking limit: {problem}")
    found = search(state, unit, season, pos, target=target)
    if found.can_end_in(target):
        path = tuple(found.path_to(target))
        costs = tuple(found.cost[i] for i in path)
        return Verdict(order, side, path=path, costs=costs, units=(unit.id,))
    raise IllegalOrder(_unreachable_reason(state, unit, target, season, pos))


def _unreachable_reason(
    state: GameState, unit: UnitState, target: int, season: str, pos: Positions
) -> str:
    """Why the search did not reach `target`: barred by enemy zones of control, too far this
    turn, or no passable way at all (searched again with fewer limits to tell which)."""
    where = hex_label(state.theatre, target)
    points = movement_points(unit.type, state.scenario.turn_days)
    have = f"{points_text(points)} available"
    free = search(state, unit, season, pos, zoc=False, target=target)
    anyhow = search(state, unit, season, pos, points=math.inf, target=target)
    if free.can_end_in(target):
        around = (
            f"going round them needs {points_text(anyhow.cost[target])} movement points, {have}"
            if target in anyhow.cost
            else "there is no way round them"
        )
        return (
            f"{unit.name} cannot reach {where} this turn: enemy zones of control bar the way "
            f"(a unit entering one must stop there) and {around}"
        )
    if target in anyhow.cost:
        return (
            f"{unit.name} cannot reach {where} this turn: "
            f"{points_text(anyhow.cost[target])} movement points needed, {have}"
        )
    snow = ", snowbound high mountains off the roads" if season == "winter" else ""
    return (
        f"{unit.name} cannot reach {where}: no passable way (large rivers without a "
        f"bridge{snow} or enemy troops block every route)"
    )


def _check_rebase(
    state: GameState, order: Move, unit: UnitState, target: int, pos: Positions
) -> Verdict:
    where = hex_label(state.theatre, target)
    if state.control[target] != SIDE_CODES[unit.side]:
        raise IllegalOrder(
            f"{unit.name} can only move its base to a hex its side holds; {where} is not one"
        )
    if pos.enemy_at(unit.side, target):
        raise IllegalOrder(f"{unit.name} cannot base at {where}: enemy troops are there")
    km = support_distance_km(state.theatre, unit.index, target)
    limit = REBASE_RANGE_KM[unit.type]
    if km > limit:
        raise IllegalOrder(
            f"{unit.name} cannot move its base {km:,.0f} km to {where} in one "
            f"turn (at most {limit:,.0f} km)"
        )
    return Verdict(order, unit.side, path=(unit.index, target), costs=(0.0, 0.0), units=(unit.id,))


def _check_attack(
    state: GameState, order: Attack, side: str, pos: Positions, season: str
) -> Verdict:
    if not isinstance(order.units, (tuple, list)):
        raise MalformedOrder(f"an attack's units must be a list, found {order.units!r}")
    if not order.units:
        raise MalformedOrder("an attack needs at least one unit")
    seen: set[str] = set()
    units = []
    for uid in order.units:
        unit = _own_unit(state, uid, side)
        if uid in seen:
            raise MalformedOrder(f"the attack lists {unit.name} twice")
        seen.add(uid)
        units.append(unit)
    target = _on_map(state, order.target)
    for unit in units:
        _present(unit)
    theatre = state.theatre
    where = hex_label(theatre, target)
    if state.ceasefire:
        raise IllegalOrder("a ceasefire is in force: no attacks")
    if all(u.is_air for u in units):
        raise IllegalOrder(
            "an attack needs at least one ground unit next to the target; aircraft and "
            "helicopters only support one"
        )
    enemy = other_side(side)
    if not pos.enemy_at(side, target) and state.control[target] != SIDE_CODES[enemy]:
        raise IllegalOrder(f"that hex ({where}) holds no enemy to attack")
    costs = step_costs(theatre, season)
    target_hex = theatre.hex_of(target)
    for unit in units:
        if unit.is_air:
            km = support_distance_km(theatre, unit.index, target)
            limit = SUPPORT_RANGE_KM[unit.type]
            if km > limit:
                kind = "helicopters" if unit.type == "helicopter" else "aircraft"
                raise IllegalOrder(
                    f"{unit.name} is based {km:,.0f} km from {where}; {kind} support attacks "
                    f"within {limit:,.0f} km of their base"
                )
            continue
        direction = theatre.hex_of(unit.index).direction_to(target_hex)
        if direction is None:
            raise IllegalOrder(f"the target hex {where} is not adjacent to {unit.name}")
        if costs[unit.index, direction] == math.inf:
            snow = " or snowbound high mountains" if season == "winter" else ""
            raise IllegalOrder(
                f"{unit.name} cannot attack {where} from where it stands: the way across is "
                f"impassable (a large river without a bridge{snow})"
            )
    return Verdict(order, side, units=tuple(u.id for u in units))


# --- words for hexes and numbers --------------------------------------------------------------


@lru_cache(maxsize=8)
def _places_by_index(theatre: Theatre) -> dict[int, Place]:
    found: dict[int, Place] = {}
    for place in theatre.places.values():
        if place.index is not None:
            found.setdefault(place.index, place)
    return found


def place_at(theatre: Theatre, index: int) -> Place | None:
    """The named place in hex `index` (the first in the gazetteer if several), or None."""
    return _places_by_index(theatre).get(index)


def hex_label(theatre: Theatre, index: int) -> str:
    """A hex as a player names it: the place there, else its coordinates `[q, r]`."""
    labels = _labels(theatre)
    label = labels.get(index)
    if label is None:
        place = place_at(theatre, index)
        label = place.name if place is not None else str(theatre.hex_of(index).as_list())
        labels[index] = label
    return label


@lru_cache(maxsize=8)
def _labels(theatre: Theatre) -> dict[int, str]:
    """Labels already worked out, filled as the log asks for them (the map never changes)."""
    return {}


def points_text(points: float) -> str:
    """Movement points as a reader wants them: 6, 9.5, 8.57."""
    return f"{points:.2f}".rstrip("0").rstrip(".")


def support_distance_km(theatre: Theatre, a: int, b: int) -> float:
    """Distance between two hex centres in km, counted in hexes across the flats."""
    return hex_distance(theatre.hex_of(a), theatre.hex_of(b)) * theatre.hex_km


@lru_cache(maxsize=8)
def _passable(theatre: Theatre):
    return theatre.passable()


def _impassable_reason(theatre: Theatre, index: int) -> str:
    if theatre.terrain_names[int(theatre.terrain[index])] == "water":
        return "it is water"
    return "it lies in Iran, which the war did not cross"
