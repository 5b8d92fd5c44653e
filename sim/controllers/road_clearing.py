"""Clearing the side's own supply road of enemy troops stranded on it.

A supply line carries nothing past a hex an enemy unit stands in or next to
(`sim.rules.supply_paths.supply_ground`). When a town on a road falls, its garrison falls
back a hex, often onto the same road, and a village militia on the road lives on its stores
however it is cut off: left alone, a few hundred men stranded behind the front keep the
road shut for as long as they last. "The capture of Lachin allowed an overland route for
supply convoys between Nagorno-Karabakh and Armenia" (source §Lachin corridor): the road
opened because the side that took the towns on it also cleared what was left on it.

So a side holding the line attacks enemy troops stranded on one of its working supply lines
(open, and not shut by a blockade that stops it whatever the troops do): troops cut off from
their side's supply in or next to a hex of its road, and a militia living on its village's
stores alone in a village on the road itself (one beside it defends its home, and the side that
besieges it is the front, as Karintak's attackers were in January 1992), with the free units
next to them, when the rules' odds give at least `CLEAR_MIN_ODDS`; otherwise one free unit a
turn (never a settlement's last unit nor a threatened settlement's garrison) within
`holding.GAP_HEXES` marches over the side's own ground toward them. Enemy troops that are not
stranded are the front, and the front is the operations' business, not this.
"""

from __future__ import annotations

from sim.controllers.holding import (
    GAP_HEXES,
    TurnPlan,
    attack_ratio,
    guards_town,
    is_garrison,
    march_nearest,
)
from sim.rules.supply import CUT_OFF, STORES, blockade_active, line_open, line_routes, turn_days
from sim.state import GameState, UnitState

CLEAR_MIN_ODDS = 1.5
"""Least power ratio (after every modifier) at which the stranded troops are attacked: about
a one-in-three chance of taking the hex a turn, with the attackers' losses lighter than the
defenders' (the rules' curve); below it the side waits for more units to come up."""


def stranded(unit: UnitState) -> bool:
    """Whether the unit is cut off from its side's supply or lives on a village's stores."""
    return unit.supply < CUT_OFF or unit.supply_via == STORES


def working_road(state: GameState, side: str) -> frozenset[int]:
    """The hexes of the side's supply lines that work this turn but for the troops on them."""
    _, last_day = turn_days(state)
    shut = {
        b.target
        for b in state.scenario.blockades
        if b.reduction.midpoint >= 1.0 and blockade_active(b, state, last_day)
    }
    routes = line_routes(state)
    out: set[int] = set()
    for line in state.scenario.supply.lines:
        if line.side != side or line.id in shut or not line_open(line, state, last_day):
            continue
        route, _ = routes[line.id]
        out.update(i for i in route.tolist() if i >= 0)
    return frozenset(out)


def clear_supply_roads(plan: TurnPlan) -> None:
    """Attack or close up on the stranded enemy troops on the side's working supply roads."""
    road = working_road(plan.state, plan.side)
    if not road:
        return
    for target in _blockers(plan, road):
        if not _attack(plan, target):
            _close_up(plan, target)


def _blockers(plan: TurnPlan, road: frozenset[int]) -> list[int]:
    """Enemy-held hexes whose troops are all stranded and shut the road, in hex order: cut-off
    troops in or next to it, a village's militia on its stores only in a village on it."""
    by_hex: dict[int, list[UnitState]] = {}
    for u in plan.state.active_units(plan.enemy):
        if not u.is_air and u.index >= 0:
            by_hex.setdefault(u.index, []).append(u)
    out = []
    for index, units in by_hex.items():
        if index in road and all(stranded(u) for u in units):
            out.append(index)
        elif any(j in road for j in plan.neighbours(index)) and all(
            u.supply < CUT_OFF for u in units
        ):
            out.append(index)
    return sorted(out)


def _attack(plan: TurnPlan, target: int) -> bool:
    """Attack `target` with the free units next to it if the odds are good enough."""
    ids = sorted(
        u.id
        for u in plan.ground_units()
        if u.id not in plan.busy and u.index in plan.neighbours(target) and not is_garrison(plan, u)
    )
    if not ids:
        return False
    ratio = attack_ratio(plan, target, ids)
    if ratio is None or ratio < CLEAR_MIN_ODDS:
        return False
    plan.attack(target, ids)
    return True


def _close_up(plan: TurnPlan, target: int) -> None:
    """March the nearest free unit a turn's way toward the stranded troops."""
    theatre = plan.state.theatre
    here = theatre.hex_of(target)
    spare = [
        u
        for u in plan.ground_units()
        if u.id not in plan.busy
        and u.index not in plan.neighbours(target)
        and here.distance(theatre.hex_of(u.index)) <= GAP_HEXES
        and not is_garrison(plan, u)
        and not guards_town(plan, u.index)
    ]
    if spare:
        march_nearest(plan, spare, target)
