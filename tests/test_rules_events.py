"""The events phase: dated and triggered events, their effects, arrivals and withdrawals.

The scenario tests/scenarios/events_basic.toml declares the expected outcomes in its header.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from sim.chronicle import to_json_line
from sim.game import initial_state, make_rng
from sim.hexgrid import hex_distance
from sim.rules import events, supply
from sim.rules.context import TurnContext
from sim.scenario import load_scenario
from sim.sides import ARMENIAN
from sim.state import UNIT_ACTIVE, UNIT_WAITING, UNIT_WITHDRAWN
from sim.theatre import load_theatre

SCENARIOS = Path(__file__).parent / "scenarios"


@functools.cache
def _scenario(name: str):
    if name == "1992-winter":
        return load_scenario(name, theatre=load_theatre())
    return load_scenario(SCENARIOS / f"{name}.toml", theatre=load_theatre())


def game(name: str = "events_basic", seed: int = 0):
    scenario = _scenario(name)
    return initial_state(scenario, make_rng(seed), sources="midpoint", theatre=load_theatre())


def play(state, phases=(events.run,), rng=None):
    ctx = TurnContext(state=state, orders={}, rng=rng if rng is not None else make_rng(7))
    for phase in phases:
        phase(ctx)
    state.turn += 1
    state.last_captures = []
    return ctx.log


def fired(log):
    return [e.data["event"] for e in log if e.kind == "event"]


def capture(state, place: str, to: str = "armenian", frm: str = "azerbaijani"):
    """What the control phase leaves behind when a place changes hands."""
    state.control[state.theatre.places[place].index] = ARMENIAN if to == "armenian" else 2
    state.last_captures = [(place, frm, to)]


def test_dated_event_fires_once_on_its_turn():
    state = game()
    seen = []
    for _ in range(5):
        seen.append(fired(play(state)))
    assert "dated-morale" not in seen[0]
    assert seen[1][:2] == ["dated-morale", "ranged-ammo"]
    assert all("dated-morale" not in turn for turn in seen[2:])
    assert state.fired_events.count("dated-morale") == 1
    assert state.event_dates["dated-morale"] == "1992-01-10"
    assert state.national_morale["armenian"] == pytest.approx(1.1)


def test_event_entry_carries_effects_before_and_after():
    state = game()
    play(state)
    log = play(state)
    entry = next(e for e in log if e.kind == "event" and e.data["event"] == "dated-morale")
    assert entry.text == "The defenders take heart."
    assert entry.data["event_kind"] == "political"
    assert entry.data["effects"] == [
        {"type": "national_morale", "side": "armenian", "delta": 0.1, "before": 1.0,
         "after": pytest.approx(1.1)}
    ]
    assert entry.data["source"] == "estimate: test value"
    assert entry.data["fired_on"].isoformat() == "1992-01-10"


def test_ranged_effect_is_drawn_from_the_generator_deterministically():
    def stock(seed, midpoint=False):
        state = game()
        state.midpoint = midpoint
        play(state, rng=make_rng(seed))
        log = play(state, rng=make_rng(seed))
        return state.ammunition["azerbaijani"], [to_json_line(e) for e in log]

    a, b, c = stock(3), stock(3), stock(4)
    assert a == b
    assert 1100 <= a[0] <= 1200 and 1100 <= c[0] <= 1200
    assert a[0] != c[0]
    # With --sources midpoint the range gives its middle and draws nothing.
    assert stock(3, midpoint=True)[0] == stock(4, midpoint=True)[0] == 1150


def test_triggered_event_fires_on_capture_with_its_chain():
    state = game()
    play(state)
    assert "shusha-falls" not in state.fired_events
    capture(state, "shusha")
    log = play(state, (events.run, supply.run))
    # The loss of morale sets off "morale-crisis" too, in the same turn's later pass.
    assert fired(log) == [
        "dated-morale", "ranged-ammo", "shusha-falls", "after-shusha", "morale-crisis"
    ]
    falls = next(e for e in log if e.kind == "event" and e.data["event"] == "shusha-falls")
    assert falls.data["place"] == "shusha"
    assert falls.data["trigger"] == {"type": "place_captured", "place": "shusha", "by": "armenian"}
    assert state.national_morale["azerbaijani"] == pytest.approx(0.9)
    assert state.ammunition["armenian"] > 150 - 1e-9
    assert state.event_dates["shusha-falls"] == "1992-01-08"
    assert state.event_dates["after-shusha"] == "1992-01-08"
    assert "late-echo" not in state.fired_events

    morale = state.units["arm-stepanakert"].morale
    log = play(state)
    assert "late-echo" in fired(log)
    assert state.event_dates["late-echo"] == "1992-01-18"
    assert state.units["arm-stepanakert"].morale == pytest.approx(morale + 0.1)


def test_capture_trigger_needs_an_actual_change_of_hands():
    state = game()
    shusha = state.theatre.places["shusha"].index
    state.control[shusha] = ARMENIAN
    assert "shusha-falls" not in fired(play(state))
    capture(state, "shusha")
    state.control[shusha] = 2
    assert "shusha-falls" not in fired(play(state))
    state.last_captures = [("shusha", "armenian", "azerbaijani")]
    assert "shusha-falls" not in fired(play(state))


def test_blockade_effect_toggles_the_blockade_and_the_capacity():
    state = game()
    log = play(state, (events.run, supply.run))
    goris = next(e for e in log if e.kind == "supply" and e.data["side"] == "armenian")
    assert goris.data["channels"]["armenia-goris"]["capacity"] == 10
    capture(state, "shusha")
    log = play(state, (events.run, supply.run))
    assert state.blockades == {"siege": False}
    falls = next(e for e in log if e.kind == "event" and e.data["event"] == "shusha-falls")
    assert {"type": "blockade", "blockade": "siege", "before": True, "after": False} in (
        falls.data["effects"]
    )
    goris = next(e for e in log if e.kind == "supply" and e.data["side"] == "armenian")
    assert goris.data["channels"]["armenia-goris"]["capacity"] == 20
    assert goris.data["channels"]["armenia-goris"]["blockades"] == []


def test_arrive_effect_brings_waiting_units_on_the_map():
    state = game()
    reinforcements, landing = state.units["arm-reinforcements"], state.units["arm-landing"]
    shusha = state.theatre.places["shusha"]
    assert reinforcements.status == landing.status == UNIT_WAITING
    play(state)
    play(state)
    assert reinforcements.status == UNIT_WAITING
    log = play(state)
    assert reinforcements.status == UNIT_ACTIVE
    assert reinforcements.index == state.theatre.places["askeran"].index
    assert landing.status == UNIT_ACTIVE
    assert landing.index != shusha.index
    assert state.control[landing.index] == ARMENIAN
    assert state.occupancy()[landing.index] != 2
    nearest = min(
        hex_distance(state.theatre.hex_of(i), shusha.hex)
        for i in range(state.theatre.n)
        if state.control[i] == ARMENIAN and state.theatre.passable()[i]
    )
    assert hex_distance(state.theatre.hex_of(landing.index), shusha.hex) == nearest
    arrivals = {e.data["unit"]: e for e in log if e.kind == "arrival"}
    assert arrivals["arm-reinforcements"].text == (
        "Askeran detachment arrives at Askeran with 300 men."
    )
    assert arrivals["arm-landing"].data["moved"] is True
    assert "(not at Shusha, which the enemy holds)" in arrivals["arm-landing"].text
    assert arrivals["arm-dated"].data["arrives_on"].isoformat() == "1992-01-15"
    assert state.units["arm-dated"].status == UNIT_ACTIVE


def test_units_leave_on_their_dates_and_by_withdraw_effects():
    state = game()
    for _ in range(5):
        play(state)
    assert state.units["arm-leaving"].status == UNIT_ACTIVE
    log = play(state)
    assert state.units["arm-leaving"].status == UNIT_WITHDRAWN
    assert [e.data["unit"] for e in log if e.kind == "withdrawal"] == ["arm-leaving"]

    state.national_morale["azerbaijani"] = 0.9
    log = play(state)
    assert fired(log) == ["morale-crisis"]
    volunteers = state.units["aze-volunteers"]
    assert volunteers.men == pytest.approx(300) and volunteers.status == UNIT_ACTIVE
    assert state.units["aze-agdam"].morale == pytest.approx(0.9)
    (withdrawal,) = [e for e in log if e.kind == "withdrawal"]
    assert withdrawal.text == (
        "300 men of Popular Front volunteers leave the theatre (50%); 300 men stay."
    )
    assert state.losses["azerbaijani"]["men"] == 0


def test_ceasefire_effect():
    state = game()
    while not state.ceasefire:
        log = play(state)
    assert fired(log) == ["truce"]
    assert state.date_of(state.turn - 1).isoformat() == "1992-06-17"


def test_1992_winter_blockades_and_dated_arrivals_are_announced():
    state = game("1992-winter")
    log = play(state, (events.run, supply.run))
    blockades = {e.data["blockade"]: e for e in log if e.kind == "blockade"}
    assert set(blockades) == {
        "azerbaijan-blockade-armenia-goris",
        "azerbaijan-blockade-armenia-vardenis",
        "stepanakert-blockade",
    }
    assert blockades["stepanakert-blockade"].text.endswith(
        "is in force: 100% of its capacity is cut."
    )
    assert fired(log) == ["cis-headquarters-stepanakert", "mutalibov-president",
                          "nk-declares-independence"]
    while state.turn < 18:  # turn 18 covers 29 April to 5 May
        log = play(state, (events.run, supply.run))
    opened = [e for e in log if e.kind == "supply_line"]
    assert [e.data["target"] for e in opened] == ["ganja-kalbajar"]
    assert state.units["arm-gunships"].status == UNIT_ACTIVE
