"""Political limits on the AI (`[[limits]]`): ground a side's leadership would not attack or
enter, kept by the AI and by nothing else.

tests/scenarios/ai_armenia_proper.toml declares the position: an empty village of Armenia
proper and a weakly held one next to two Azerbaijani battalions.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import pytest

from sim.controllers import controller_rng, make_controller
from sim.game import initial_state, make_rng
from sim.orders import Attack, Move
from sim.rules.legality import check_orders
from sim.rules.reach import Positions
from sim.scenario import ScenarioError, load_scenario
from sim.session import Session
from sim.sides import SIDE_CODES
from sim.theatre import load_theatre

SCENARIO = Path(__file__).parent / "scenarios" / "ai_armenia_proper.toml"


@functools.cache
def _scenario(limited: bool = True):
    scenario = load_scenario(SCENARIO, theatre=load_theatre())
    return scenario if limited else replace(scenario, limits=())


def _orders(limited: bool, level: int, seed: int = 0):
    state = initial_state(_scenario(limited), make_rng(seed), "midpoint", load_theatre())
    controller = make_controller("ai", "azerbaijani", level=level)
    return controller.orders(state.copy(), controller_rng(seed, "azerbaijani", 0)), state


def _in_armenia(state, hex_) -> bool:
    theatre = state.theatre
    index = theatre.index_of(hex_)
    return theatre.country_codes[int(theatre.country[index])] == "ARM"


@pytest.mark.parametrize("level", (1, 2, 3))
def test_the_azerbaijani_ai_does_not_cross_into_armenia_proper(level):
    orders, state = _orders(limited=True, level=level)
    attacks = [o for o in orders if isinstance(o, Attack)]
    moves = [o for o in orders if isinstance(o, Move)]
    assert not [a for a in attacks if _in_armenia(state, a.target)]
    assert not [m for m in moves if _in_armenia(state, m.to)]
    for verdict in check_orders(state, "azerbaijani", moves, Positions.of(state), "summer"):
        assert not [i for i in verdict.path if _in_armenia(state, state.theatre.hex_of(i))]


@pytest.mark.parametrize("level", (1, 2, 3))
def test_without_the_limit_the_same_ai_takes_the_village_and_attacks(level):
    orders, state = _orders(limited=False, level=level)
    tegh = state.theatre.places["tegh"].hex
    kornidzor = state.theatre.places["kornidzor"].hex
    assert Move("aze-west", tegh) in orders
    assert [o.target for o in orders if isinstance(o, Attack)] == [kornidzor]


def test_the_rules_forbid_nothing_a_player_may_cross_the_line():
    session = Session.new(_scenario(), 0, "midpoint", theatre=load_theatre())
    tegh = session.state.theatre.places["tegh"]
    assert session.state.holder_of("tegh") == "armenian"

    class Crosses:
        side = "azerbaijani"
        kind = "test"

        def orders(self, state, rng):
            return [Move("aze-west", tegh.hex)]

    session.set_controllers({"azerbaijani": Crosses()})
    session.play_turn()
    assert session.state.holder_of("tegh") == "azerbaijani"


def test_an_ai_war_on_the_border_leaves_armenia_proper_to_armenia():
    session = Session.new(
        _scenario(),
        3,
        "midpoint",
        {"azerbaijani": make_controller("ai", "azerbaijani")},
        theatre=load_theatre(),
    )
    session.play()
    theatre = session.state.theatre
    armenia = theatre.country == theatre.country_codes.index("ARM")
    assert not (session.state.control[armenia] == SIDE_CODES["azerbaijani"]).any()


def test_the_war_keeps_each_side_to_its_historical_limits():
    scenario = load_scenario("1992-1994-war")
    limits = {limit.id: limit for limit in scenario.limits}
    assert limits["armenia-proper"].side == "azerbaijani"
    assert [a.text for a in limits["armenia-proper"].areas] == ["country:ARM"]
    assert limits["nakhchivan"].side == "armenian"
    assert all(limit.provenance is not None for limit in scenario.limits)


def _broken(tmp_path: Path, table: str) -> list[str]:
    text = SCENARIO.read_text(encoding="utf-8")
    head = text[: text.index("[[limits]]")]
    path = tmp_path / "broken.toml"
    path.write_text(head + table, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, theatre=load_theatre())
    return [str(p) for p in err.value.problems]


def test_a_limit_on_unknown_ground_is_reported_with_a_suggestion(tmp_path):
    problems = _broken(
        tmp_path,
        '[[limits]]\nid = "x"\nside = "azerbaijani"\nareas = ["district:syunk"]\n'
        'text = "t"\nestimate = true\nwhy = "w"\n',
    )
    assert len(problems) == 1 and "syunik" in problems[0] and "areas" in problems[0]


def test_a_limit_without_a_source_is_reported(tmp_path):
    problems = _broken(
        tmp_path, '[[limits]]\nid = "x"\nside = "azerbaijani"\nareas = ["nkao"]\ntext = "t"\n'
    )
    assert len(problems) == 1 and "source" in problems[0]


def test_a_cut_off_unit_breaks_out_of_an_ordinary_town_rather_than_starve_in_it():
    """Only a victory place (or the capital) is held to the last by a cut-off garrison."""
    scenario = load_scenario(
        Path(__file__).parent / "scenarios" / "ai_cut_off.toml", theatre=load_theatre()
    )
    state = initial_state(scenario, make_rng(0), "midpoint", load_theatre())
    town = state.theatre.places["qubadli"]
    assert town.kind == "town"
    state.units["arm-company"].index = town.index
    state.control[town.index] = SIDE_CODES["armenian"]
    controller = make_controller("ai", "armenian", level=2)
    orders = controller.orders(state.copy(), controller_rng(0, "armenian", 0))
    assert [o.unit for o in orders if isinstance(o, Move)] == ["arm-company"]
    assert "pulls back toward supply" in controller.last_plan.reasons["arm-company"]
