"""Clearing a side's own supply road of stranded enemy troops (sim.controllers.road_clearing)."""

from __future__ import annotations

import functools

from sim.controllers.holding import TurnPlan
from sim.controllers.road_clearing import clear_supply_roads, working_road
from sim.game import initial_state, make_rng
from sim.orders import Attack, Move
from sim.rules.supply import line_routes
from sim.scenario import load_scenario
from sim.state import UNIT_WITHDRAWN
from sim.theatre import load_theatre


@functools.cache
def _scenario():
    return load_scenario("1992-winter", theatre=load_theatre())


def corridor_with_remnant(enemy_supply: float, attackers_men: float, corridor_open: bool = True):
    """The Lachin corridor's road with one Azerbaijani company standing on it, two Armenian
    battalions next to it and one more three hexes back along the road; every other unit off
    the board, every hex round them Armenian."""
    state = initial_state(_scenario(), make_rng(0), sources="midpoint", theatre=load_theatre())
    theatre = state.theatre
    state.blockades["stepanakert-blockade"] = not corridor_open
    route, _ = line_routes(state)["lachin-corridor"]
    road = [int(i) for i in route.tolist() if i >= 0]
    target = road[len(road) // 2]
    around = [int(j) for j in theatre.neighbours[target] if j >= 0 and theatre.passable()[j]]
    back = road[len(road) // 2 - 3]
    arm = sorted((u for u in state.units.values() if u.side == "armenian"), key=lambda u: u.id)
    aze = sorted((u for u in state.units.values() if u.side == "azerbaijani"), key=lambda u: u.id)
    for u in arm + aze:
        u.status = UNIT_WITHDRAWN
    for unit, index, men in (
        (arm[0], around[0], attackers_men),
        (arm[1], around[1], attackers_men),
        (arm[2], back, 500.0),
    ):
        unit.status, unit.type, unit.index, unit.men = "active", "infantry", index, men
        unit.tanks = unit.afv = unit.artillery = 0.0
        unit.supply, unit.morale = 1.0, 1.0
    remnant = aze[0]
    remnant.status, remnant.type, remnant.index, remnant.men = "active", "infantry", target, 200.0
    remnant.tanks = remnant.afv = remnant.artillery = 0.0
    remnant.supply, remnant.morale = enemy_supply, 0.6
    for i in set(around) | {back} | set(road):
        state.control[i] = 1
    state.control[target] = 2
    return state, target, (arm[0].id, arm[1].id), arm[2].id


def _attacks(plan: TurnPlan) -> list[Attack]:
    return [o for o in plan.orders if isinstance(o, Attack)]


def test_cut_off_enemy_troops_on_a_working_supply_road_are_attacked():
    state, target, attackers, _ = corridor_with_remnant(enemy_supply=0.0, attackers_men=800.0)
    plan = TurnPlan(state, "armenian")
    clear_supply_roads(plan)
    attacks = _attacks(plan)
    assert [a.target for a in attacks] == [state.theatre.hex_of(target)]
    assert set(attackers) <= set(attacks[0].units)


def test_enemy_troops_their_side_still_supplies_are_the_front_and_left_alone():
    state, _, _, _ = corridor_with_remnant(enemy_supply=1.0, attackers_men=800.0)
    plan = TurnPlan(state, "armenian")
    clear_supply_roads(plan)
    assert plan.orders == []


def test_a_road_shut_by_a_full_blockade_is_not_cleared():
    state, target, _, _ = corridor_with_remnant(0.0, 800.0, corridor_open=False)
    assert target not in working_road(state, "armenian")
    plan = TurnPlan(state, "armenian")
    clear_supply_roads(plan)
    assert plan.orders == []


def test_too_few_men_to_clear_the_road_wait_while_another_unit_closes_up():
    state, target, _, reserve = corridor_with_remnant(enemy_supply=0.0, attackers_men=15.0)
    plan = TurnPlan(state, "armenian")
    clear_supply_roads(plan)
    assert _attacks(plan) == []
    moves = [o for o in plan.orders if isinstance(o, Move)]
    assert [m.unit for m in moves] == [reserve]
    theatre = state.theatre
    start = theatre.hex_of(state.units[reserve].index)
    assert moves[0].to.distance(theatre.hex_of(target)) < start.distance(theatre.hex_of(target))
