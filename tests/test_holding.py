"""Holding the line: what units outside any operation do (sim.controllers.holding)."""

from __future__ import annotations

import functools

from sim.controllers.holding import TurnPlan, hold_the_line
from sim.game import initial_state, make_rng
from sim.orders import Move
from sim.rules.control import settlement_at
from sim.scenario import load_scenario
from sim.state import UNIT_WITHDRAWN
from sim.theatre import load_theatre


@functools.cache
def _scenario():
    return load_scenario("1992-winter", theatre=load_theatre())


def capital_under_threat(garrison_men: float):
    """Stepanakert held by one small unit, a strong Azerbaijani force next door, and one
    Armenian battalion free two hexes away; every other unit off the board."""
    state = initial_state(_scenario(), make_rng(0), sources="midpoint", theatre=load_theatre())
    theatre = state.theatre
    city = theatre.places["stepanakert"].index
    ring = [
        int(j)
        for j in theatre.neighbours[city]
        if j >= 0 and settlement_at(theatre, int(j)) is None and theatre.passable()[j]
    ]
    arm = sorted((u for u in state.units.values() if u.side == "armenian"), key=lambda u: u.id)
    aze = sorted((u for u in state.units.values() if u.side == "azerbaijani"), key=lambda u: u.id)
    for u in arm + aze:
        u.status = UNIT_WITHDRAWN
    garrison, free = arm[0], arm[1]
    garrison.status = free.status = "active"
    garrison.type = free.type = "infantry"
    garrison.index, garrison.men = city, garrison_men
    free.index, free.men = ring[0], 600.0
    attacker = aze[0]
    attacker.status, attacker.type = "active", "infantry"
    attacker.index, attacker.men = ring[-1], 2000.0
    state.control[[city, ring[0]]] = 1
    state.control[ring[-1]] = 2
    return state, city, free


def test_a_thin_capital_garrison_facing_a_strong_enemy_is_reinforced():
    state, city, free = capital_under_threat(garrison_men=80.0)
    plan = TurnPlan(state, "armenian")
    hold_the_line(plan)
    moves = [o for o in plan.orders if isinstance(o, Move)]
    assert Move(free.id, state.theatre.hex_of(city)) in moves


def test_a_strong_enough_capital_garrison_is_left_alone():
    state, city, free = capital_under_threat(garrison_men=1500.0)
    plan = TurnPlan(state, "armenian")
    hold_the_line(plan)
    assert not any(isinstance(o, Move) and o.unit == free.id for o in plan.orders)
