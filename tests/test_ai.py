"""The operational AI: declared behaviour on small scenarios, legality, fog and determinism.

Each tests/scenarios/ai_*.toml declares in its header what the AI is expected to do; these
tests check exactly that, on the real map, through the controller the game loop uses.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from sim.ai.doctrine import doctrine_for, turmoil
from sim.ai.evaluate import distance_to_supply, estimate_attack, own_supply
from sim.ai.view import side_view
from sim.controllers import controller_rng, make_controller
from sim.errors import UserError
from sim.game import initial_state, make_rng
from sim.hexgrid import Hex, hex_distance
from sim.orders import Attack, Move, order_from_dict
from sim.rules import supply as rules_supply
from sim.rules.legality import check_orders
from sim.rules.supply import trace_supply
from sim.scenario import load_scenario
from sim.session import Session
from sim.theatre import load_theatre

SCENARIOS = Path(__file__).parent / "scenarios"
LEVELS = (1, 2, 3)


@functools.cache
def _scenario(name: str):
    if name == "1992-winter":
        return load_scenario(name, theatre=load_theatre())
    return load_scenario(SCENARIOS / f"{name}.toml", theatre=load_theatre())


def game(name: str, seed: int = 0):
    scenario = _scenario(name)
    return initial_state(scenario, make_rng(seed), sources="midpoint", theatre=load_theatre())


def ai(side, level=2):
    return make_controller("ai", side, level=level)


def new_session(name, controllers, seed=0, sources="midpoint"):
    return Session.new(_scenario(name), seed, sources, controllers, theatre=load_theatre())


def ai_orders(state, side="armenian", level=2, seed=0):
    controller = make_controller("ai", side, level=level)
    orders = controller.orders(state.copy(), controller_rng(seed, side, state.turn))
    return orders, controller.last_plan


def index(state, place_or_hex):
    theatre = state.theatre
    if isinstance(place_or_hex, str):
        return theatre.places[place_or_hex].index
    return theatre.index_of(Hex(*place_or_hex))


def moves_of(orders, unit):
    return [o for o in orders if isinstance(o, Move) and o.unit == unit]


# --- the declared behaviour ---------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_takes_an_undefended_objective(level):
    state = game("ai_undefended")
    orders, plan = ai_orders(state, level=level)
    khojaly = state.theatre.places["khojaly"].hex
    assert moves_of(orders, "arm-battalion") == [Move("arm-battalion", khojaly)]
    session = new_session("ai_undefended", {"armenian": ai("armenian", level)})
    session.play_turn()
    assert session.state.holder_of("khojaly") == "armenian"


@pytest.mark.parametrize("level", LEVELS)
def test_refuses_a_one_to_four_attack_on_a_mountain_town(level):
    state = game("ai_mountain_town")
    shusha = index(state, "shusha")
    odds = estimate_attack(side_view(state, "armenian"), shusha, ["arm-assault"])
    assert odds is not None and odds.success < 0.05 and odds.ratio < 0.3
    for seed in range(5):
        orders, _ = ai_orders(state, level=level, seed=seed)
        assert not [o for o in orders if isinstance(o, Attack)]


@pytest.mark.parametrize("level", (2, 3))
def test_pulls_a_cut_off_unit_back_toward_supply(level):
    state = game("ai_cut_off")
    view = side_view(state, "armenian")
    supply = own_supply(view)
    assert supply.units["arm-company"].channel == ""  # cut off, as the scenario says
    home = distance_to_supply(view, supply)
    start = index(state, (1, 8))
    orders, plan = ai_orders(state, level=level)
    (move,) = moves_of(orders, "arm-company")
    assert home[state.theatre.index_of(move.to)] < home[start]
    assert "supply" in plan.reasons["arm-company"]


@pytest.mark.parametrize("level", LEVELS)
def test_reinforces_a_threatened_town(level):
    state = game("ai_reinforce")
    stepanakert = state.theatre.places["stepanakert"].hex
    orders, plan = ai_orders(state, level=level)
    (move,) = moves_of(orders, "arm-battalion")
    assert hex_distance(move.to, stepanakert) <= 1
    assert "reinforces" in plan.reasons["arm-battalion"]
    assert moves_of(orders, "arm-garrison") == []


@pytest.mark.parametrize("level", (2, 3))
def test_cuts_an_exposed_enemy_supply_road(level):
    before = trace_supply(game("ai_supply_cut"), "azerbaijani").channels["barda-agdam"]
    assert before.status == "open"
    session = new_session("ai_supply_cut", {"armenian": ai("armenian", level)})
    session.play_turn()
    state = session.state
    route = {state.theatre.index_of(h) for h in state.theatre.routes["barda-road"].hexes}
    raider = state.units["arm-raiders"].index
    assert raider in route or any(int(j) in route for j in state.theatre.neighbours[raider])
    after = trace_supply(state, "azerbaijani").channels["barda-agdam"]
    assert after.status in ("cut", "source lost", "blocked at its start")


# --- the rules of play --------------------------------------------------------------------------


def _whole_game(seed: int, level: int = 2):
    controllers = {s: make_controller("ai", s, level=level) for s in ("armenian", "azerbaijani")}
    session = new_session("1992-winter", controllers, seed, "draw")
    return session, controllers


def test_every_order_is_legal_and_the_game_is_deterministic():
    logs = []
    for _ in range(2):
        session, controllers = _whole_game(seed=5)
        for _ in range(8):
            state = session.state
            asked = session.ask_orders()
            for side, given in asked.items():
                parsed = [order_from_dict(o) for o in given]
                refused = [str(v.error) for v in check_orders(state, side, parsed) if not v.legal]
                assert refused == []
            session.play_turn()
        logs.append([e.text for e in session.log])
        assert not [e for e in session.log if e.kind == "order_rejected"]
    assert logs[0] == logs[1]
    assert any(e.startswith(("Armenian forces (", "Azerbaijani forces (")) for e in logs[0])


def test_a_save_goes_on_as_if_never_stopped(tmp_path):
    session, _ = _whole_game(seed=2)
    session.play(until=_scenario("1992-winter").start.replace(month=2))
    session.save(tmp_path / "g.json")
    session.play()
    again = Session.from_save(tmp_path / "g.json")
    again.play()
    assert again.state.checksum() == session.state.checksum()


def test_the_ai_sees_only_what_its_side_may_see():
    state = game("1992-winter")
    view = side_view(state, "armenian", local_sight=True)
    seen = {u.id for u in view.enemies}
    assert "aze-shusha" in seen  # Shusha stands next to Armenian-held ground
    assert "aze-ganja" not in seen  # far behind the front
    assert "aze-air" not in view.state.units and "aze-ganja" not in view.state.units
    assert all(u.side == "armenian" for u in view.own)


def test_wrong_level_is_a_clear_error():
    with pytest.raises(UserError, match="level must be 1, 2 or 3"):
        make_controller("ai", "armenian", level=4)


def test_turmoil_only_troubles_a_side_in_low_spirits():
    aze, arm = doctrine_for("azerbaijani"), doctrine_for("armenian")
    assert turmoil(aze, 1.0) == 0.0 and turmoil(aze, 0.5) > 0.3
    assert turmoil(arm, 0.3) == 0.0
    assert aze.air_all and not arm.air_all and arm.local_sight and not aze.local_sight
    assert np.isclose(doctrine_for("armenian", 1).blunder, 0.1)


# --- pulling back, sieges -----------------------------------------------------------------------


def _next_to(state, a, b):
    return int(b) in state.theatre.neighbours[a].tolist()


@pytest.mark.parametrize("level", (2, 3))
def test_pulls_a_detachment_back_from_a_position_about_to_be_overrun(level):
    state = game("ai_pull_back")
    enemy = index(state, (15, -6))
    orders, plan = ai_orders(state, level=level)
    assert not [o for o in orders if isinstance(o, Attack)]
    (move,) = moves_of(orders, "arm-militia")
    assert not _next_to(state, state.theatre.index_of(move.to), enemy)
    assert "pulls back" in plan.reasons["arm-militia"]


def test_a_level_one_commander_leaves_the_detachment_where_it_stands():
    orders, _ = ai_orders(game("ai_pull_back"), level=1)
    assert moves_of(orders, "arm-militia") == []


@pytest.mark.parametrize("level", (2, 3))
def test_gathers_round_a_strong_town_and_takes_it(level):
    state = game("ai_siege")
    orders, plan = ai_orders(state, level=level)
    assert not [o for o in orders if isinstance(o, Attack)]
    assert any("siege of Shusha" in why for why in plan.reasons.values())
    session = new_session("ai_siege", {"armenian": ai("armenian", level)})
    for _ in range(4):
        session.play_turn()
        if session.state.holder_of("shusha") == "armenian":
            break
    assert session.state.holder_of("shusha") == "armenian"


# --- a threatened city is held though it starves --------------------------------------------


@pytest.fixture
def channels_apart(monkeypatch):
    """Each supply channel feeds only its own area, so the city's depot starves its garrison
    while the stores down the road have plenty (with bordering channels pooled, the two would
    feed the city alike and no unit would be starving)."""
    monkeypatch.setattr(rules_supply, "POOL_BORDERING_CHANNELS", False)


@pytest.mark.parametrize("level", (2, 3))
def test_a_threatened_city_keeps_its_starving_garrison(level, channels_apart):
    state = game("ai_starving_city")
    supply = own_supply(side_view(state, "armenian"))
    assert supply.delivered < 0.25 * supply.demand  # the depot starves all three battalions
    orders, plan = ai_orders(state, level=level)
    stay = ("arm-battalion-1", "arm-battalion-2", "arm-battalion-3")
    assert [o for o in orders if isinstance(o, Move) and o.unit in stay] == []
    assert all("Stepanakert" in plan.reasons[uid] for uid in stay)


def test_an_unthreatened_starving_garrison_sends_its_extra_mouths_to_fed_ground(channels_apart):
    state = game("ai_starving_city")
    state.units["aze-shusha"].index = state.theatre.places["barda"].index
    askeran = state.theatre.places["askeran"].hex
    stepanakert = state.theatre.places["stepanakert"].hex
    orders, plan = ai_orders(state)
    moves = [o for o in orders if isinstance(o, Move)]
    assert len(moves) == 2  # one battalion still keeps the city
    for move in moves:
        assert hex_distance(move.to, askeran) < hex_distance(stepanakert, askeran)
        assert "better-fed ground" in plan.reasons[move.unit]


# --- a starving side fights for its own supply road -------------------------------------------


@pytest.mark.parametrize("level", (2, 3))
def test_a_starving_side_attacks_what_blocks_its_supply_road_at_thinner_odds(level):
    state = game("ai_open_supply")
    supply = own_supply(side_view(state, "armenian"))
    assert supply.delivered < 0.5 * supply.demand  # the depot alone cannot feed them
    shusha = state.theatre.places["shusha"].hex
    orders, plan = ai_orders(state, level=level)
    (attack,) = [o for o in orders if isinstance(o, Attack)]
    assert attack.target == shusha
    taken = float(plan.reasons[attack.units[0]].split("(")[1].split("%")[0]) / 100
    assert taken < doctrine_for("armenian", level).attack_threshold  # odds it would refuse fed


def test_with_open_supply_off_the_same_commander_refuses_that_attack():
    state = game("ai_open_supply")
    controller = make_controller("ai", "armenian", level=2)
    controller.doctrine = replace(controller.doctrine, open_supply=0.0)
    orders = controller.orders(state.copy(), controller_rng(0, "armenian", state.turn))
    assert not [o for o in orders if isinstance(o, Attack)]
