"""National morale: losses and lost places move it; units drift with it; limits hold."""

from __future__ import annotations

import functools

import pytest

from sim.game import initial_state, make_rng
from sim.rules import politics
from sim.rules.context import TurnContext
from sim.rules.politics import MORALE_RULES, men_on_map
from sim.scenario import load_scenario
from sim.theatre import load_theatre


@functools.cache
def _scenario(name: str):
    return load_scenario(name, theatre=load_theatre())


def game(name: str = "1992-winter"):
    return initial_state(_scenario(name), make_rng(0), sources="midpoint", theatre=load_theatre())


def run_politics(state, scratch=None):
    ctx = TurnContext(state, {}, make_rng(0))
    ctx.scratch.update(scratch or {})
    politics.run(ctx)
    return ctx


def test_losing_five_percent_of_the_men_costs_a_tenth_of_national_morale():
    state = game()
    on_map = men_on_map(state)["azerbaijani"]
    lost = on_map * 0.05 / 0.95  # 5% of the men the side had before the fighting
    before = state.national_morale["azerbaijani"]
    ctx = run_politics(state, {"combat_losses": {"azerbaijani": {"men": lost}}})
    assert state.national_morale["azerbaijani"] == pytest.approx(before - 0.10)
    assert state.national_morale["armenian"] == pytest.approx(1.1)
    (entry,) = [e for e in ctx.log if e.kind == "morale"]
    assert entry.data["side"] == "azerbaijani"
    assert entry.data["percent_lost"] == pytest.approx(5.0)
    assert entry.data["from_losses"] == pytest.approx(-0.10)
    assert entry.text.startswith("Azerbaijani national morale fell from 1.00 to 0.90")
    assert "5.0%" in entry.text


def test_men_lost_to_lack_of_supply_count_too():
    state = game()
    run_politics(state, {"attrition": {"armenian": 100.0}})
    assert state.national_morale["armenian"] < 1.1
    state = game()
    ctx = TurnContext(state, {}, make_rng(0))
    ctx.record("attrition", "cut off", {"side": "azerbaijani", "losses": {"men": 300.0}})
    politics.run(ctx)
    assert ctx.log[-1].data["men_lost"] == 300.0
    assert state.national_morale["azerbaijani"] < 1.0


def test_a_town_lost_and_won_moves_both_sides():
    state = game()
    state.last_captures = [("shusha", "azerbaijani", "armenian")]
    ctx = run_politics(state)
    assert state.national_morale["armenian"] == pytest.approx(1.1 + 0.04)
    assert state.national_morale["azerbaijani"] == pytest.approx(1.0 - 0.04)
    texts = " ".join(e.text for e in ctx.log)
    assert "Shusha taken +0.04" in texts and "Shusha lost -0.04" in texts


@pytest.mark.parametrize(("place", "value"), [("stepanakert", 0.08), ("karintak", 0.01)])
def test_cities_weigh_more_than_villages(place, value):
    state = game()
    state.last_captures = [(place, "armenian", "azerbaijani")]
    run_politics(state)
    assert state.national_morale["armenian"] == pytest.approx(1.1 - value)


def test_national_morale_stays_within_its_limits():
    state = game()
    state.national_morale["azerbaijani"] = 0.21
    state.last_captures = [("stepanakert", "azerbaijani", "armenian")] * 3
    state.national_morale["armenian"] = 1.99
    run_politics(state, {"combat_losses": {"azerbaijani": {"men": 5000.0}}})
    assert state.national_morale["azerbaijani"] == MORALE_RULES.floor
    assert state.national_morale["armenian"] == MORALE_RULES.ceiling


def test_a_quiet_turn_changes_no_national_morale_and_logs_nothing():
    state = game()
    ctx = run_politics(state)
    assert state.national_morale == {"armenian": 1.1, "azerbaijani": 1.0}
    assert ctx.log == []


def test_a_shaken_unit_recovers_slowly_toward_its_standing():
    state = game()
    unit = state.units["aze-shusha"]  # starts at 1.0 with national morale at 1.0
    unit.morale = 0.5
    run_politics(state)
    assert unit.morale == pytest.approx(0.5 + MORALE_RULES.drift * 0.5)
    keen = state.units["arm-karintak"]  # villagers at 1.3: they keep their edge
    run_politics(state)
    assert keen.morale == pytest.approx(1.3)


def test_units_follow_their_side_down():
    state = game()
    state.national_morale["azerbaijani"] = 0.5  # half of its starting 1.0
    run_politics(state)
    national = state.national_morale["azerbaijani"]
    assert national < 0.6
    assert state.units["aze-shusha"].morale == pytest.approx(
        1.0 + MORALE_RULES.drift * (national - 1.0)
    )


def test_a_shaken_nation_recovers_toward_its_standing_morale():
    # With no losses and no places changing hands, a side at half its standing morale
    # regains a share of the gap every turn, and the log says why.
    state = game()
    state.national_morale["azerbaijani"] = 0.5
    levels = []
    for _ in range(10):
        ctx = run_politics(state)
        levels.append(state.national_morale["azerbaijani"])
    assert all(b > a for a, b in zip(levels, levels[1:], strict=False))
    assert 0.5 < levels[-1] < 1.0
    entry = next(e for e in ctx.log if e.kind == "morale" and e.data["side"] == "azerbaijani")
    assert "recovering toward its standing 1.00" in entry.text
