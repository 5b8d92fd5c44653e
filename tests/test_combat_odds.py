"""Combat odds: a pure distribution, calibrated anchors, and rolls mapped through it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.rules.combat_odds import (
    RESULTS,
    CombatInputs,
    Force,
    Modifier,
    influences,
    loss_rates,
    odds,
    resolve,
)
from sim.rules.combat_text import odds_phrase


def attack(att_men, def_men, *mods):
    return CombatInputs(Force(men=att_men), Force(men=def_men), tuple(mods))


@pytest.mark.parametrize(
    ("ratio", "low", "high"),
    [(0.5, 0.0, 0.06), (1.0, 0.10, 0.22), (2.0, 0.45, 0.65), (3.0, 0.70, 0.88)],
)
def test_chance_of_taking_the_hex_follows_the_calibration(ratio, low, high):
    o = odds(attack(1000 * ratio, 1000))
    assert low <= o.success <= high


def test_a_force_a_third_the_defenders_strength_cannot_take_the_hex():
    hopeless = odds(attack(320, 1000))
    assert hopeless.success == 0.0
    assert hopeless.probability("repulse") > 0.9
    assert 0.0 < odds(attack(420, 1000)).success < odds(attack(500, 1000)).success


def test_the_log_never_shows_a_possible_result_as_zero():
    o = odds(attack(360, 1000))
    assert 0.0 < o.probability("capture") < 0.005
    assert "capture <1%" in odds_phrase(o)
    assert "capture 0%" in odds_phrase(odds(attack(300, 1000)))


def test_better_odds_never_lower_the_chance_of_success():
    chances = [odds(attack(m, 1000)).success for m in range(100, 6000, 100)]
    assert all(b >= a for a, b in zip(chances, chances[1:], strict=False))


powers = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)


@given(powers, powers, st.floats(0.05, 5.0))
def test_odds_sum_to_one_and_are_probabilities(a, d, f):
    o = odds(attack(a, d, Modifier("terrain", f, "defender", "mountain")))
    assert [r for r, _ in o.probabilities] == list(RESULTS)
    assert abs(sum(p for _, p in o.probabilities) - 1.0) < 1e-9
    assert all(0.0 <= p <= 1.0 for _, p in o.probabilities)


def test_a_mountain_town_lowers_the_attackers_odds():
    flat = odds(attack(2000, 1000))
    town = odds(attack(2000, 1000, Modifier("town", 2.0, "defender", "clifftop town")))
    assert town.success < flat.success
    assert town.ratio == pytest.approx(flat.ratio / 2.0)


def test_resolve_maps_the_roll_through_the_cumulative_distribution():
    o = odds(attack(1000, 1000))
    p = dict(o.probabilities)
    assert resolve(o, 0.0) == "rout"
    assert resolve(o, p["rout"] + 1e-9) == "capture"
    assert resolve(o, p["rout"] + p["capture"] + 1e-9) == "stalemate"
    assert resolve(o, 0.999999) == "repulse"
    with pytest.raises(ValueError):
        resolve(o, 1.0)


def test_influences_name_the_deciding_factor_first():
    inputs = attack(
        3000,
        1000,
        Modifier("town", 2.0, "defender", "clifftop town"),
        Modifier("morale", 1.05, "attacker", "attacker morale"),
    )
    found = influences(inputs)
    assert [i.key for i in found] == ["town", "morale"]
    assert found[0].success_without > found[0].success_with


def test_equipment_and_ammunition_count():
    base = Force(men=500)
    armoured = Force(men=500, tanks=10)
    assert armoured.power() > base.power()
    no_shells = Force(men=500, artillery=20, ammunition=0.0)
    assert no_shells.power() == base.power()


def test_losses_are_in_the_sources_order_of_magnitude():
    # An attack of 1,000 on 2,000 defenders (Shusha-like): tens to low hundreds of men each.
    rates = loss_rates("capture", 0.5 * 2.5)
    assert 30 <= 1000 * rates.attacker <= 200
    assert 100 <= 2000 * rates.defender <= 400
    assert loss_rates("repulse", 1.0).attacker > loss_rates("capture", 1.0).attacker
