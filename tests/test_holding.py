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


def pocket_next_to(cut_off: bool, men: float = 60.0):
    """An Azerbaijani remnant in open country next to a free Armenian battalion of 600 men,
    near a well-held Stepanakert; every other unit off the board."""
    state, city, free = capital_under_threat(garrison_men=1500.0)
    theatre = state.theatre
    remnant = next(
        u for u in state.units.values() if u.side == "azerbaijani" and u.status == "active"
    )
    spot = next(
        int(j)
        for j in theatre.neighbours[free.index]
        if j >= 0 and j != city and settlement_at(theatre, int(j)) is None
        and theatre.passable()[j] and theatre.hex_of(int(j)).distance(theatre.hex_of(city)) > 1
    )
    remnant.index = spot
    state.control[spot] = 2
    remnant.men, remnant.tanks, remnant.afv, remnant.artillery = men, 0, 0, 0
    remnant.supply = 0.0 if cut_off else 1.0
    return state, remnant, free, theatre


def test_free_units_clear_a_cut_off_pocket_next_to_them():
    from sim.orders import Attack

    state, remnant, free, theatre = pocket_next_to(cut_off=True)
    plan = TurnPlan(state, "armenian")
    hold_the_line(plan)
    attacks = [o for o in plan.orders if isinstance(o, Attack)]
    assert attacks and attacks[0].target == theatre.hex_of(remnant.index)
    assert free.id in attacks[0].units


def test_a_supplied_enemy_or_a_pocket_at_poor_odds_is_not_attacked():
    from sim.orders import Attack

    for cut_off, men in ((False, 60.0), (True, 3000.0)):
        state, _, _, _ = pocket_next_to(cut_off=cut_off, men=men)
        plan = TurnPlan(state, "armenian")
        hold_the_line(plan)
        assert not any(isinstance(o, Attack) for o in plan.orders), (cut_off, men)


def test_the_mop_up_step_can_be_switched_off(monkeypatch):
    from sim.controllers import holding
    from sim.orders import Attack

    monkeypatch.setattr(holding, "MOP_UP_MIN_ODDS", 0.0)
    state, _, _, _ = pocket_next_to(cut_off=True)
    plan = TurnPlan(state, "armenian")
    hold_the_line(plan)
    assert not any(isinstance(o, Attack) for o in plan.orders)
