"""The four period scenarios start where history puts the front and play with idle sides.

Each period scenario (summer 1992, spring 1993, summer–autumn 1993, winter 1993–94) must load
against the real map, give the places its story turns on to the side that held them on its
first day, bring its operations' units within reach, and run a few turns without anyone acting.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim.scenario import SCENARIOS_DIR, load_scenario
from sim.session import Session

MAP_BUILT = (SCENARIOS_DIR / "theatre" / "map.npz").is_file()
pytestmark = pytest.mark.skipif(not MAP_BUILT, reason="the theatre map is not built yet")

ARM, AZE = "armenian", "azerbaijani"

HOLDERS: dict[str, dict[str, str]] = {
    "1992-summer": {
        "stepanakert": ARM, "shusha": ARM, "khojaly": ARM, "lachin": ARM,
        "shahumyan": ARM, "martakert": ARM, "martuni": ARM,
        "kalbajar": AZE, "agdam": AZE, "fuzuli": AZE, "qubadli": AZE,
    },
    "1993-spring": {
        "kalbajar": AZE, "lachin": ARM, "martakert": AZE, "drmbon": ARM,
        "shahumyan": AZE, "gulustan": AZE, "agdam": AZE, "stepanakert": ARM,
    },
    "1993-summer": {
        "agdam": AZE, "kalbajar": ARM, "omar-pass": ARM, "lachin": ARM,
        "martakert": AZE, "fuzuli": AZE, "jabrayil": AZE, "qubadli": AZE,
        "zangilan": AZE, "horadiz": AZE,
    },
    "1993-1994-winter": {
        "agdam": ARM, "fuzuli": ARM, "jabrayil": ARM, "zangilan": ARM, "qubadli": ARM,
        "horadiz": ARM, "kalbajar": ARM, "omar-pass": ARM, "martakert": ARM,
        "maraga": AZE, "shahumyan": AZE, "beylagan": AZE,
    },
}
PERIODS = sorted(HOLDERS)


@pytest.fixture(scope="module", params=PERIODS)
def session(request: pytest.FixtureRequest) -> Session:
    return Session.new(load_scenario(request.param), 1, "midpoint")


@pytest.mark.parametrize("scenario_id", PERIODS)
def test_each_period_loads_with_forces_on_both_sides(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    assert scenario.id == scenario_id and scenario.turn_days == 7
    totals = scenario.start_totals()
    assert totals[ARM]["men"] > 1000 and totals[AZE]["men"] > 1000
    assert scenario.operations, "a period scenario records the offensives of its months"


def test_the_front_starts_where_history_puts_it(session: Session) -> None:
    state = session.state
    expected = HOLDERS[state.scenario.id]
    held = {place: state.holder_of(place) for place in expected}
    assert held == expected


def test_operations_fall_within_the_scenario_and_use_its_units(session: Session) -> None:
    scenario = session.state.scenario
    units = {u.id: u for u in scenario.units}
    for op in scenario.operations:
        assert scenario.start <= op.start <= scenario.end, op.id
        assert all(units[u].side == op.side for u in op.units), op.id


@pytest.mark.parametrize("scenario_id", PERIODS)
def test_five_idle_turns_change_no_named_place(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    game = Session.new(scenario, 1, "midpoint")
    before = {p: game.state.holder_of(p) for p in game.state.theatre.places}
    game.play(until=scenario.start + dt.timedelta(days=4 * scenario.turn_days))
    assert game.state.turn == 5
    assert {p: game.state.holder_of(p) for p in before} == before
    assert not game.state.ended


def test_the_winter_ends_with_the_ceasefire_of_12_may_1994() -> None:
    scenario = load_scenario("1993-1994-winter")
    ceasefire = [e for e in scenario.events if e.kind == "ceasefire"]
    assert [e.date for e in ceasefire] == [dt.date(1994, 5, 12)]
    assert ceasefire[0].history == "ceasefire-1994"
    game = Session.new(scenario, 1, "midpoint")
    game.play()
    assert game.state.ended == "ceasefire"
