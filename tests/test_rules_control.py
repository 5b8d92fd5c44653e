"""The control phase: who holds each hex, named places changing hands, districts, the front."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim.game import initial_state, make_rng
from sim.rules import control
from sim.rules.context import TurnContext
from sim.rules.control import district_control, front_line, where
from sim.scenario import load_scenario
from sim.sides import ARMENIAN, AZERBAIJANI, NEUTRAL
from sim.theatre import load_theatre


@functools.cache
def _scenario(name: str):
    theatre = load_theatre()
    path = f"tests/scenarios/{name}" if name.endswith(".toml") else name
    return load_scenario(path, theatre=theatre)


def game(name: str = "combat_khojaly.toml"):
    return initial_state(_scenario(name), make_rng(0), sources="midpoint", theatre=load_theatre())


def run_control(state, scratch=None):
    ctx = TurnContext(state, {}, make_rng(0))
    ctx.scratch.update(scratch or {})
    control.run(ctx)
    return ctx


def quiet_hex(state, side_code=ARMENIAN):
    """A hex without a place, all six neighbours held by `side_code`, far from every unit."""
    theatre = state.theatre
    units = [theatre.hex_of(u.index) for u in state.units.values() if u.active]
    for i in range(theatre.n):
        nb = theatre.neighbours[i]
        if (
            state.control[i] == side_code
            and (nb >= 0).all()
            and (state.control[nb] == side_code).all()
            and where(theatre, i)[0] is None
            and all(theatre.hex_of(i).distance(h) >= 4 for h in units)
        ):
            return i
    raise AssertionError("no quiet hex")


def test_front_line_lists_each_side_between_the_two_sides_once():
    state = game("1992-winter")
    theatre = state.theatre
    sides = front_line(theatre, state.control)
    assert sides == sorted(sides) and len(sides) == len(set(sides))
    expected = set()
    for i in range(theatre.n):
        for d, j in enumerate(theatre.neighbours[i]):
            if j >= 0 and state.control[i] == ARMENIAN and state.control[j] == AZERBAIJANI:
                expected.add((i, d))
    assert set(sides) == expected
    shusha = theatre.places["shusha"].index
    karintak = theatre.places["karintak"].index
    d = theatre.hex_of(karintak).direction_to(theatre.hex_of(shusha))
    assert (karintak, d) in sides


def test_district_control_is_the_share_of_land_each_side_holds():
    state = game("1992-winter")
    theatre = state.theatre
    shares = district_control(theatre, state.control)
    total = shares["armenian"] + shares["azerbaijani"]
    assert np.all(total <= 1.0 + 1e-9) and np.all(total >= 0.0)
    code = theatre.district_index("shusha")
    land = (theatre.district == code) & (theatre.terrain != 0)
    held = ((state.control == AZERBAIJANI) & (theatre.district == code)).sum()
    assert shares["azerbaijani"][code] == pytest.approx(held / land.sum())


def test_a_unit_in_an_empty_enemy_hex_takes_it():
    state = game()
    spot = quiet_hex(state)
    state.units["aze-khojaly"].index = spot
    ctx = run_control(state)
    assert state.control[spot] == AZERBAIJANI
    (summary,) = [e for e in ctx.log if e.kind == "control"]
    assert summary.data["gained"]["azerbaijani"] >= 1
    assert "Azerbaijani forces gained" in summary.text
    assert ctx.scratch["control_changes"][0][2] == "azerbaijani"


def test_hexes_the_movement_phase_says_were_entered_change_hands():
    state = game()
    spot = quiet_hex(state)
    run_control(state, {"entered": [(spot, "azerbaijani")]})
    assert state.control[spot] == AZERBAIJANI


def test_an_undefended_pocket_is_mopped_up_but_not_one_under_enemy_guns():
    state = game()
    theatre = state.theatre
    pocket = quiet_hex(state)
    state.control[pocket] = AZERBAIJANI
    neighbours = [int(n) for n in theatre.neighbours[pocket]]
    state.units["arm-north"].index = neighbours[0]
    covered = state.copy()
    covered.units["aze-khojaly"].index = neighbours[3]  # an enemy unit next to the pocket
    run_control(state)
    assert state.control[pocket] == ARMENIAN
    run_control(covered)
    assert covered.control[pocket] == AZERBAIJANI


def test_a_named_place_changing_hands_is_a_capture_entry():
    state = game()
    khojaly = state.theatre.places["khojaly"].index
    state.units["aze-khojaly"].index = int(state.theatre.neighbours[khojaly][0])
    state.units["arm-north"].index = khojaly
    ctx = run_control(state)
    (capture,) = [e for e in ctx.log if e.kind == "capture"]
    assert capture.data == {
        "place": "khojaly",
        "place_kind": "town",
        "from_side": "azerbaijani",
        "to_side": "armenian",
        "district": state.theatre.places["khojaly"].district,
        "hex": state.theatre.places["khojaly"].hex.as_list(),
    }
    assert capture.text == "Armenian forces took Khojaly (town) from Azerbaijani forces."
    assert state.last_captures == [("khojaly", "azerbaijani", "armenian")]


def test_nothing_changing_logs_nothing_but_still_counts_districts_and_front():
    state = game()
    run_control(state)  # settle the scenario's own layout first
    ctx = run_control(state)
    assert ctx.log == []
    assert state.last_captures == []
    assert set(ctx.scratch["district_control"]) == {"armenian", "azerbaijani"}
    assert ctx.scratch["front_line"] == front_line(state.theatre, state.control)


def test_water_and_iran_are_never_taken():
    state = game("1992-winter")
    before = state.control[state.control == NEUTRAL].size
    run_control(state)
    assert state.control[~state.theatre.passable()].max() == NEUTRAL
    assert state.control[state.control == NEUTRAL].size == before
