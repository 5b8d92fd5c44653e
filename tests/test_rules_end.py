"""The end of a game: ceasefire, collapse, the last day, and the victory conditions judged."""

from __future__ import annotations

import functools
from dataclasses import replace

from sim.game import initial_state, make_rng
from sim.rules import end
from sim.rules.context import TurnContext
from sim.scenario import VictoryCondition, load_scenario
from sim.sides import ARMENIAN
from sim.theatre import load_theatre


@functools.cache
def _scenario():
    return load_scenario("1992-winter", theatre=load_theatre())


def game():
    return initial_state(_scenario(), make_rng(0), sources="midpoint", theatre=load_theatre())


def run_end(state):
    ctx = TurnContext(state, {}, make_rng(0))
    end.run(ctx)
    return ctx


def test_an_ordinary_turn_does_not_end_the_game():
    state = game()
    ctx = run_end(state)
    assert state.ended == "" and ctx.log == []


def test_a_ceasefire_ends_the_game_and_judges_the_aims():
    state = game()
    state.ceasefire = True
    ctx = run_end(state)
    assert state.ended == "ceasefire"
    (entry,) = ctx.log
    assert entry.kind == "game_end"
    met = {(c["side"], tuple(p["place"] for p in c["places"])): c["met"]
           for c in entry.data["conditions"]}
    # On the first day Azerbaijan holds Shusha, Khojaly and Lachin; Armenians hold Stepanakert.
    assert met[("armenian", ("stepanakert", "shusha", "lachin"))] is False
    assert met[("azerbaijani", ("shusha", "khojaly", "lachin"))] is True
    assert met[("azerbaijani", ("stepanakert",))] is False
    districts = {row["district"]: row for row in entry.data["districts"]}
    assert districts["shusha"]["holder"] == "azerbaijani"
    assert "ceasefire" in entry.text and "not holding Shusha" in entry.text


def test_the_last_turn_ends_the_game_on_the_end_date():
    state = game()
    state.turn = state.scenario.turns - 2
    assert run_end(state).log == []
    state.turn = state.scenario.turns - 1
    run_end(state)
    assert state.ended == "end_date"


def test_a_side_whose_morale_collapses_ends_the_game():
    state = game()
    state.national_morale["azerbaijani"] = end.COLLAPSE_BELOW - 0.01
    (entry,) = run_end(state).log
    assert state.ended == "collapse"
    assert entry.data["collapsed"] == ["azerbaijani"]
    assert "Azerbaijani war effort collapsed" in entry.text


def test_holding_most_of_each_district_meets_a_hold_districts_aim():
    state = game()
    aim = VictoryCondition(side="armenian", kind="hold_districts", text="Hold Shusha rayon",
                           districts=("shusha",))
    state.scenario = replace(state.scenario, victory=(aim,))
    assert end.victory_status(state)[0]["met"] is False
    theatre = state.theatre
    code = theatre.district_index("shusha")
    state.control[(theatre.district == code) & theatre.passable()] = ARMENIAN
    (status,) = end.victory_status(state)
    assert status["met"] is True
    assert status["districts"][0]["shares"]["armenian"] > 0.5
