"""The open country follows its town: a district's undefended ground goes with its town."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim.game import initial_state, make_rng
from sim.hexgrid import grow
from sim.rules import control
from sim.rules.context import TurnContext
from sim.rules.hinterland import DEFENDED_WITHIN, SPREAD_STEPS, settlement_cells
from sim.scenario import load_scenario
from sim.sides import ARMENIAN, AZERBAIJANI
from sim.state import UNIT_WITHDRAWN
from sim.theatre import load_theatre


@functools.cache
def _scenario(name: str):
    return load_scenario(name, theatre=load_theatre())


def game(name: str = "1992-winter"):
    return initial_state(_scenario(name), make_rng(0), sources="midpoint", theatre=load_theatre())


def turn(state, scratch=None):
    ctx = TurnContext(state, {}, make_rng(0))
    ctx.scratch.update(scratch or {})
    control.run(ctx)
    return ctx


def district_mask(state, district: str) -> np.ndarray:
    return state.theatre.district == state.theatre.district_index(district)


def clear_district(state, district: str, side: str) -> None:
    """Take every unit of `side` out of a district, as if its garrison had left."""
    mask = district_mask(state, district)
    for u in state.units.values():
        if u.side == side and u.active and u.index >= 0 and mask[u.index]:
            u.status = UNIT_WITHDRAWN


def put_unit(state, side: str, index: int):
    unit = next(u for u in state.units.values() if u.side == side and u.active and not u.is_air)
    unit.index = index
    return unit


@pytest.mark.parametrize(
    "name",
    ["1992-winter", "1992-summer", "1993-spring", "1993-summer", "1993-1994-winter"],
)
def test_nothing_follows_before_a_town_changes_hands(name):
    state = game(name)
    before = state.control.copy()
    turn(state)
    cells = settlement_cells(state.theatre)
    changed = np.flatnonzero(state.control != before)
    # whatever changes on a quiet first control phase is mopping up, never a whole district
    assert changed.size < 10, f"{name}: {changed.size} hexes changed with no town taken"
    assert not state.followed.any()
    assert (cells[state.theatre.places["lachin"].index]) == state.theatre.places["lachin"].index


def test_a_lost_town_takes_its_undefended_district_with_it_a_few_hexes_a_turn():
    state = game()
    theatre = state.theatre
    lachin = theatre.places["lachin"].index
    lachin_district = district_mask(state, "lachin")
    assert (state.control[lachin_district] == AZERBAIJANI).all()
    clear_district(state, "lachin", "azerbaijani")
    put_unit(state, "armenian", lachin)

    armenian_before = (state.control == ARMENIAN) | (np.arange(theatre.n) == lachin)
    ctx = turn(state, {"entered": [(lachin, "armenian")]})
    first = lachin_district & (state.control == ARMENIAN)
    # a first stretch out from Armenian-held ground, not yet the whole district
    assert 1 < first.sum() < lachin_district.sum()
    assert not (first & ~grow(theatre.neighbours, armenian_before, SPREAD_STEPS)).any()
    entry = next(e for e in ctx.log if e.kind == "control")
    assert "went with Lachin" in entry.text
    assert entry.data["followed_settlement"]["armenian"]["lachin"] > 0

    for _ in range(12):
        turn(state)
    held = (state.control[lachin_district] == ARMENIAN).mean()
    assert held > 0.95, f"only {held:.0%} of the Lachin district followed its town"


def test_troops_that_stand_keep_the_ground_around_them():
    state, hold = _lachin_taken_round(lambda unit: None)
    theatre = state.theatre
    near_hold = np.array(
        [
            theatre.hex_of(i).distance(theatre.hex_of(hold)) <= DEFENDED_WITHIN
            for i in range(theatre.n)
        ]
    )
    near_hold &= district_mask(state, "lachin")
    assert near_hold.sum() >= 4
    assert (state.control[near_hold] == AZERBAIJANI).all()
    assert (state.control[district_mask(state, "lachin") & ~near_hold] == ARMENIAN).mean() > 0.9


def test_ground_an_advance_took_does_not_melt_away_behind_it():
    """A column through enemy country keeps the hexes it passed while the town ahead holds."""
    state = game()
    theatre = state.theatre
    lachin = theatre.places["lachin"].index
    path = [
        int(j)
        for j in theatre.neighbours[lachin]
        if j >= 0 and state.control[j] == AZERBAIJANI and state.start_control[j] == AZERBAIJANI
    ][:2]
    clear_district(state, "lachin", "azerbaijani")
    turn(state, {"entered": [(i, "armenian") for i in path]})
    assert (state.control[path] == ARMENIAN).all()
    for _ in range(3):
        turn(state)
    assert (state.control[path] == ARMENIAN).all(), "the hexes the advance took went back"


def test_the_country_comes_back_when_the_town_is_retaken():
    state = game()
    theatre = state.theatre
    lachin = theatre.places["lachin"].index
    clear_district(state, "lachin", "azerbaijani")
    armenian = put_unit(state, "armenian", lachin)
    turn(state, {"entered": [(lachin, "armenian")]})
    for _ in range(6):
        turn(state)
    went = district_mask(state, "lachin") & state.followed
    assert went.sum() > 20

    armenian.status = UNIT_WITHDRAWN
    put_unit(state, "azerbaijani", lachin)
    turn(state, {"entered": [(lachin, "azerbaijani")]})
    for _ in range(12):
        turn(state)
    assert (state.control[went] == AZERBAIJANI).mean() > 0.95
    assert not state.followed[went].any()


def test_the_followed_layer_is_part_of_the_checksum_and_copied():
    state = game()
    copy = state.copy()
    assert copy.followed is not state.followed
    assert copy.checksum() == state.checksum()
    copy.followed[0] = True
    assert copy.checksum() != state.checksum()


@pytest.mark.parametrize("rule_on", [True, False])
def test_a_cut_off_remnant_keeps_its_own_position_but_not_the_country_around_it(
    rule_on: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.rules import hinterland

    monkeypatch.setattr(hinterland, "CUT_OFF_HOLD_THEIR_HEX", rule_on)

    def surrounded(remnant) -> None:
        remnant.supply = 0.0  # surrounded, nothing getting through

    state, hold, armenian_around = _lachin_falls_round(surrounded)
    assert state.control[hold] == AZERBAIJANI, "the remnant's own position is taken by fighting"
    if rule_on:
        assert armenian_around > 0.9, "the country around a cut-off remnant went with the town"
    else:
        assert armenian_around == 0.0


@pytest.mark.parametrize("on_stores", [True, False])
def test_a_village_militia_on_its_stores_keeps_its_village_but_not_the_country(
    on_stores: bool,
) -> None:
    """A militia fed by its village's stores alone is short, not cut off, in combat; but no
    road reaches it, so the district's country goes with the fallen town around it."""
    from sim.rules.supply import STORES

    def fed(militia) -> None:
        militia.supply = 0.5
        militia.supply_via = STORES if on_stores else "lachin-road"

    state, hold, armenian_around = _lachin_falls_round(fed)
    assert state.control[hold] == AZERBAIJANI
    if on_stores:
        assert armenian_around > 0.9, "a militia on its stores kept the country around it"
    else:
        assert armenian_around == 0.0, "a unit supplied by road keeps the country around it"


def _lachin_taken_round(prepare):
    """Lachin taken with one Azerbaijani unit left at the far end of its district (`prepare`
    is given that unit, to set its supply); the state after 12 turns, and the unit's hex."""
    state = game()
    theatre = state.theatre
    lachin = theatre.places["lachin"].index
    clear_district(state, "lachin", "azerbaijani")
    put_unit(state, "armenian", lachin)
    far = np.flatnonzero(district_mask(state, "lachin"))
    hold = int(max(far, key=lambda i: theatre.hex_of(i).distance(theatre.hex_of(lachin))))
    prepare(put_unit(state, "azerbaijani", hold))
    turn(state, {"entered": [(lachin, "armenian")]})
    for _ in range(12):
        turn(state)
    return state, hold


def _lachin_falls_round(prepare):
    """`_lachin_taken_round`, with the Armenian share of the district's hexes within
    `DEFENDED_WITHIN` of the unit left: the state, its hex and that share."""
    state, hold = _lachin_taken_round(prepare)
    theatre = state.theatre
    around = np.array(
        [
            0 < theatre.hex_of(i).distance(theatre.hex_of(hold)) <= DEFENDED_WITHIN
            for i in range(theatre.n)
        ]
    ) & district_mask(state, "lachin")
    return state, hold, float((state.control[around] == ARMENIAN).mean())
