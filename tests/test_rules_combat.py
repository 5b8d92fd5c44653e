"""The combat phase on the real map: odds a player can read, one roll, outcomes that add up.

Small scenarios in tests/scenarios/combat_*.toml declare their expected outcomes in their
header comments; the property tests throw random attacks at the 1992 order of battle.
"""

from __future__ import annotations

import dataclasses
import functools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.chronicle import to_json_line
from sim.game import initial_state, make_rng
from sim.orders import Attack, IllegalOrder
from sim.rules import combat, control
from sim.rules.combat_inputs import RULES, plan_attack
from sim.rules.combat_odds import RESULTS, odds
from sim.rules.context import TurnContext
from sim.scenario import FORCE_FIELDS, load_scenario
from sim.sides import SIDE_CODES, SIDE_IDS
from sim.state import UnitState
from sim.theatre import load_theatre

SCENARIOS = "tests/scenarios"


@functools.cache
def _scenario(name: str):
    theatre = load_theatre()
    if name.endswith(".toml"):
        return load_scenario(f"{SCENARIOS}/{name}", theatre=theatre)
    return load_scenario(name, theatre=theatre)


def game(name: str):
    scenario = _scenario(name)
    return initial_state(scenario, make_rng(0), sources="midpoint", theatre=load_theatre())


def attack(state, target_unit: str, *units: str) -> Attack:
    target = state.theatre.hex_of(state.units[target_unit].index)
    return Attack(target, tuple(units))


def fight(state, orders, seed=0, phases=(combat,)):
    ctx = TurnContext(state, orders, make_rng(seed))
    for phase in phases:
        phase.run(ctx)
    return ctx


def first_roll(seed: int) -> float:
    return float(make_rng(seed).random())


def seed_where(predicate) -> int:
    return next(s for s in range(10_000) if predicate(first_roll(s)))


def entries(ctx, kind):
    return [e for e in ctx.log if e.kind == kind]


# --- the must-show scenarios ---------------------------------------------------------------------


def test_a_mountain_town_lowers_the_attackers_odds():
    # combat_mountain_town.toml: the same 2,000 on 1,000 does far worse against Shusha.
    state = game("combat_mountain_town.toml")
    town = plan_attack(state, state.units["aze-town"].index, ["arm-town-attack"], "summer").inputs
    plain_hex = state.units["aze-plain"].index
    plain = plan_attack(state, plain_hex, ["arm-plain-attack"], "summer").inputs
    assert odds(town).success < odds(plain).success
    assert odds(town).ratio < odds(plain).ratio
    keys = {m.key: m for m in town.modifiers}
    assert keys["terrain"].factor == pytest.approx(1.6)
    assert keys["settlement"].factor == pytest.approx(1.3)
    assert "Shusha" in keys["settlement"].reason
    assert keys["elevation"].factor > 1.0
    assert plain.modifiers == ()


def test_a_river_between_the_hexes_lowers_the_attackers_odds():
    # combat_river.toml: the group across the river attacks at ×0.7.
    state = game("combat_river.toml")
    target = state.units["aze-post"].index
    across = plan_attack(state, target, ["arm-across"], "summer").inputs
    same_bank = plan_attack(state, target, ["arm-same-bank"], "summer").inputs
    assert odds(across).success < odds(same_bank).success
    assert [(m.key, m.side, m.factor) for m in across.modifiers] == [
        ("river", "attacker", pytest.approx(RULES.river))
    ]
    assert same_bank.modifiers == ()


def test_the_combat_entry_explains_the_outcome():
    # A cut-off garrison loses Khojaly: the entry carries everything needed to re-check it.
    state = game("combat_khojaly.toml")
    state.units["aze-khojaly"].supply = 0.0
    state.last_combat[state.units["aze-khojaly"].index] = state.turn  # fought over: no surprise
    plan = plan_attack(state, state.units["aze-khojaly"].index, ["arm-north", "arm-south"],
                       "summer")
    success = odds(plan.inputs).success
    seed = seed_where(lambda r: r < success)
    ctx = fight(state, {"armenian": [attack(state, "aze-khojaly", "arm-north", "arm-south")]},
                seed)
    (entry,) = entries(ctx, "combat")
    data = json.loads(to_json_line(entry))
    assert data["place"] == "khojaly" and data["near"] is False
    assert {m["key"] for m in data["modifiers"]} == {"terrain", "settlement", "concentric"}
    assert all(m["reason"] and m["factor"] > 0 for m in data["modifiers"])
    assert set(data["probabilities"]) == set(RESULTS)
    assert sum(data["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert data["roll"] == pytest.approx(first_roll(seed), abs=1e-4)
    assert data["result"] in ("rout", "capture")
    assert {i["key"] for i in data["influences"]} == {"terrain", "settlement", "concentric"}
    assert data["forces"]["defender"]["supply"] == pytest.approx(RULES.cut_off)
    assert data["flip"]["key"] == "defender_supply"
    assert "supply intact" in data["flip"]["text"] and "held in" in data["flip"]["text"]
    assert data["attackers"][0]["before"]["men"] == 800
    assert data["defenders"][0]["before"]["men"] == 150
    text = entry.text
    assert text.startswith("Armenian forces (2 units, 1,400 men, 4 armoured vehicles)")
    assert "attacked Khojaly, held by 150 Azerbaijani troops" in text
    assert "Odds" in text and "roll" in text and "Khojaly" in text
    assert "defender cut off" in text
    assert data["flip"]["text"] in text


def test_a_capture_moves_the_attackers_in_and_turns_the_town():
    # combat_khojaly.toml: on a capture or rout the attackers hold Khojaly after the control phase.
    state = game("combat_khojaly.toml")
    town = state.units["aze-khojaly"].index
    assert state.holder_of("khojaly") == "azerbaijani"
    plan = plan_attack(state, town, ["arm-north", "arm-south"], "summer")
    seed = seed_where(lambda r: r < odds(plan.inputs).success)
    orders = {"armenian": [attack(state, "aze-khojaly", "arm-north", "arm-south")]}
    ctx = fight(state, orders, seed, phases=(combat, control))
    assert {state.units["arm-north"].index, state.units["arm-south"].index} == {town}
    garrison = state.units["aze-khojaly"]
    assert not garrison.active or garrison.index != town
    assert state.holder_of("khojaly") == "armenian"
    (capture,) = [e for e in entries(ctx, "capture") if e.data["place"] == "khojaly"]
    assert capture.data["from_side"] == "azerbaijani" and capture.data["to_side"] == "armenian"
    assert capture.data["district"] == state.theatre.places["khojaly"].district
    assert "Khojaly" in capture.text
    assert ("khojaly", "azerbaijani", "armenian") in state.last_captures


def test_a_rout_captures_equipment():
    # combat_khojaly.toml: a rout hands part of the garrison's lost armour to the attackers.
    state = game("combat_khojaly.toml")
    plan = plan_attack(state, state.units["aze-khojaly"].index, ["arm-north", "arm-south"],
                       "summer")
    p_rout = odds(plan.inputs).probability("rout")
    seed = seed_where(lambda r: r < p_rout)
    tanks_before = state.units["arm-north"].tanks
    ctx = fight(state, {"armenian": [attack(state, "aze-khojaly", "arm-north", "arm-south")]},
                seed)
    (entry,) = entries(ctx, "combat")
    assert entry.data["result"] == "rout"
    assert entry.data["captured"]["tanks"] > 0 and entry.data["captured"]["afv"] > 0
    assert entry.data["captured"]["by"] == "arm-north"  # the stronger attacking unit
    assert state.units["arm-north"].tanks == pytest.approx(
        tanks_before + entry.data["captured"]["tanks"]
    )
    assert state.captured["armenian"]["tanks"] == pytest.approx(entry.data["captured"]["tanks"])
    assert "captured" in entry.text and "routed" in entry.text


def test_aircraft_based_in_a_lost_hex_fly_out_with_the_garrison():
    state = game("combat_khojaly.toml")
    town = state.units["aze-khojaly"].index
    state.units["aze-helicopters"] = UnitState(
        id="aze-helicopters", name="Helicopters", side="azerbaijani", type="helicopter",
        index=town, men=20, helicopters=4,
    )
    plan = plan_attack(state, town, ["arm-north", "arm-south"], "summer")
    seed = seed_where(lambda r: r < odds(plan.inputs).success)
    orders = {"armenian": [attack(state, "aze-khojaly", "arm-north", "arm-south")]}
    fight(state, orders, seed, phases=(combat, control))
    helicopters = state.units["aze-helicopters"]
    garrison = state.units["aze-khojaly"]
    if garrison.active:
        assert helicopters.active and helicopters.index == garrison.index != town
    else:
        assert not helicopters.active


def test_casualties_are_on_the_sources_scale():
    # combat_town.toml: 1,000 attack 2,000 in a town; each side loses tens to hundreds a turn.
    base = game("combat_town.toml")
    lost = {side: [] for side in SIDE_IDS}
    for seed in range(200):
        state = base.copy()
        ctx = fight(state, {"armenian": [attack(state, "aze-martuni", "arm-assault")]}, seed)
        for side in SIDE_IDS:
            lost[side].append(ctx.scratch["combat_losses"][side]["men"])
    for side in SIDE_IDS:
        assert 10 <= min(lost[side]) and max(lost[side]) <= 500, side
        assert 20 <= np.mean(lost[side]) <= 300, side


# --- the phase's bookkeeping ---------------------------------------------------------------------


def test_planning_an_attack_is_pure():
    state = game("combat_khojaly.toml")
    before = state.checksum()
    rng = make_rng(1)
    rng_state = rng.bit_generator.state
    khojaly = state.units["aze-khojaly"].index
    a = plan_attack(state, khojaly, ["arm-north", "arm-south"], "summer").inputs
    b = plan_attack(state, khojaly, ["arm-north", "arm-south"], "summer").inputs
    assert a == b
    assert state.checksum() == before
    assert rng.bit_generator.state == rng_state


def test_winter_and_surprise_are_modifiers_with_reasons():
    state = game("combat_khojaly.toml")
    town = state.units["aze-khojaly"].index
    winter = plan_attack(state, town, ["arm-north"], "winter").inputs
    assert ("winter", RULES.winter_attacker) in [(m.key, m.factor) for m in winter.modifiers]
    quiet = plan_attack(state, town, ["arm-north"], "summer", last_combat={}).inputs
    assert "surprise" in [m.key for m in quiet.modifiers]
    recent = plan_attack(state, town, ["arm-north"], "summer", last_combat={town: 0}).inputs
    assert "surprise" not in [m.key for m in recent.modifiers]


def test_an_illegal_attack_is_rejected_with_its_reason_and_draws_nothing():
    state = game("combat_mountain_town.toml")
    rng = make_rng(3)
    rng_state = rng.bit_generator.state
    order = attack(state, "aze-town", "arm-plain-attack")  # 100 km away
    ctx = TurnContext(state, {"armenian": [order]}, rng)
    combat.run(ctx)
    (entry,) = ctx.log
    assert entry.kind == "order_rejected"
    assert "not next to the target" in entry.text
    assert rng.bit_generator.state == rng_state
    with pytest.raises(IllegalOrder):
        plan_attack(state, state.units["aze-town"].index, ["arm-plain-attack"], "summer")


def test_only_the_attacks_the_movement_phase_passed_are_fought():
    state = game("combat_khojaly.toml")
    refused = attack(state, "aze-khojaly", "arm-north")
    passed = attack(state, "aze-khojaly", "arm-south")
    ctx = TurnContext(state, {"armenian": [refused, passed]}, make_rng(0))
    ctx.scratch["attacks"] = {"armenian": [passed], "azerbaijani": []}
    combat.run(ctx)
    (entry,) = ctx.log
    assert entry.data["order"]["units"] == ["arm-south"]


def test_an_empty_enemy_hex_is_simply_entered():
    state = game("combat_khojaly.toml")
    empty = int(state.theatre.index_of(state.theatre.hex_of(state.units["aze-khojaly"].index)))
    state.units["aze-khojaly"].index = state.theatre.index_of(
        state.theatre.hex_of(empty).neighbour(0)
    )
    order = Attack(state.theatre.hex_of(empty), ("arm-north",))
    ctx = fight(state, {"armenian": [order]}, phases=(combat, control))
    assert [e.kind for e in ctx.log][:2] == ["advance", "capture"]
    assert state.units["arm-north"].index == empty
    assert state.holder_of("khojaly") == "armenian"


def test_ammunition_is_fired_from_the_stock_and_never_below_zero():
    state = game("combat_town.toml")
    state.ammunition["armenian"] = 0.05  # less than the 0.2 two guns fire
    orders = {"armenian": [attack(state, "aze-martuni", "arm-assault")]}
    plan = plan_attack(state, state.units["aze-martuni"].index, ["arm-assault"], "summer")
    assert plan.ammunition[0] == pytest.approx(0.25)
    before_d = state.ammunition["azerbaijani"]
    ctx = fight(state, orders)
    assert state.ammunition["armenian"] == pytest.approx(0.0)
    assert state.ammunition["azerbaijani"] < before_d
    assert ctx.log[0].data["ammunition"]["attacker"]["fired"] == pytest.approx(0.05)


def test_air_support_in_range_joins_and_flies_once():
    state = game("1992-winter")
    shusha = state.theatre.places["shusha"].index
    near = [int(n) for n in state.theatre.neighbours[shusha] if state.control[n] == 1][0]
    state.units["arm-stepanakert"].index = near
    state.units["arm-armour"].index = near
    plan = plan_attack(state, shusha, ["arm-stepanakert"], "winter")
    assert "arm-helicopters" in plan.air  # based at Goris, 15 hexes (52 km) from Shusha
    assert plan.inputs.attacker.helicopters == pytest.approx(4)
    # aircrews are not riflemen: the men are the ground unit's alone
    assert plan.inputs.attacker.men == pytest.approx(state.units["arm-stepanakert"].men)
    again = plan_attack(state, shusha, ["arm-armour"], "winter", air_taken=plan.air)
    assert again.air == ()


def test_the_same_seed_gives_the_same_log():
    def play(seed):
        state = game("combat_khojaly.toml")
        orders = {"armenian": [attack(state, "aze-khojaly", "arm-north", "arm-south")]}
        ctx = fight(state, orders, seed, phases=(combat, control))
        return [to_json_line(e) for e in ctx.log], state.checksum()

    assert play(7) == play(7)


def test_attacks_alternate_between_the_sides_by_turn():
    a1, a2 = Attack(state_hex := load_theatre().hex_of(0), ("a",)), Attack(state_hex, ("b",))
    z1 = Attack(state_hex, ("z",))
    orders = {"armenian": [a1, a2], "azerbaijani": [z1]}
    assert combat.ordered_attacks(orders, 1) == [
        ("armenian", a1), ("azerbaijani", z1), ("armenian", a2)
    ]
    assert combat.ordered_attacks(orders, 2) == [
        ("azerbaijani", z1), ("armenian", a1), ("armenian", a2)
    ]


# --- properties under random attacks --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _front_region() -> tuple[int, ...]:
    """Passable hexes within 5 hexes of Stepanakert: close enough for the sides to meet."""
    theatre = load_theatre()
    centre = theatre.places["stepanakert"].hex
    passable = theatre.passable()
    return tuple(
        i for i in range(theatre.n)
        if passable[i] and theatre.hex_of(i).distance(centre) <= 5
    )


def _scattered_state(seed: int):
    """The 1992 forces scattered over the region, one side per hex, control to match."""
    state = game("1992-winter")
    rng = np.random.default_rng(seed)
    region = np.array(_front_region())
    owner: dict[int, str] = {}
    for u in state.units.values():
        if not u.active or u.is_air:
            continue
        u.index = int(rng.choice(region))
        while owner.get(u.index, u.side) != u.side:
            u.index = int(rng.choice(region))
        owner[u.index] = u.side
        u.supply = float(rng.choice([1.0, 0.5, 0.0]))
        u.dug_in = int(rng.integers(0, 4))
    state.control[region] = rng.integers(1, 3, size=len(region)).astype(np.int8)
    for i, side in owner.items():
        state.control[i] = SIDE_CODES[side]
    state.ammunition["armenian"] = float(rng.uniform(0.0, 2.0))
    return state


def _random_orders(state, rng):
    theatre = state.theatre
    orders = {side: [] for side in SIDE_IDS}
    ground = [u for u in state.units.values() if u.active and not u.is_air]
    for side in SIDE_IDS:
        mine = [u for u in ground if u.side == side]
        targets = sorted({
            int(n) for u in mine for n in theatre.neighbours[u.index]
            if n >= 0 and any(v.index == n and v.side != side for v in ground)
        })
        rng.shuffle(targets)
        for t in targets[: int(rng.integers(1, 6))]:
            near = [u.id for u in mine if u.index in set(theatre.neighbours[t].tolist())]
            pick = [uid for uid in near if rng.random() < 0.7] or near[:1]
            if rng.random() < 0.3:
                pick.append(str(rng.choice([u.id for u in state.units.values() if u.is_air])))
            orders[side].append(Attack(theatre.hex_of(t), tuple(pick)))
    return orders


def _check_invariants(state):
    for u in state.units.values():
        for name in FORCE_FIELDS:
            assert getattr(u, name) >= 0.0, (u.id, name)
        assert 0.0 <= u.morale <= 2.0
    for side in SIDE_IDS:
        assert state.ammunition[side] >= 0.0
        assert all(v >= 0.0 for v in state.losses[side].values())
        assert all(v >= 0.0 for v in state.captured[side].values())
    assert set(np.unique(state.control).tolist()) <= {0, 1, 2}
    stand: dict[int, set[str]] = {}
    passable = state.theatre.passable()
    for u in state.units.values():
        if u.active and not u.is_air:
            stand.setdefault(u.index, set()).add(u.side)
            assert passable[u.index]
    for index, sides in stand.items():
        assert len(sides) == 1, index
        assert state.control[index] == SIDE_CODES[next(iter(sides))], index


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3))
def test_random_attacks_keep_every_number_sane_and_one_side_per_hex(seed, turns):
    state = _scattered_state(seed)
    control.run(TurnContext(state, {}, make_rng(0)))
    rng = np.random.default_rng(seed + 1)
    game_rng = make_rng(seed)
    for _ in range(turns):
        ctx = TurnContext(state, _random_orders(state, rng), game_rng)
        combat.run(ctx)
        control.run(ctx)
        _check_invariants(state)
        for e in entries(ctx, "combat"):
            assert sum(e.data["probabilities"].values()) == pytest.approx(1.0)
            assert e.data["result"] in RESULTS
        state.turn += 1


def test_a_clifftop_towns_advantages_overlap_rather_than_multiply():
    # Shusha: mountain × town × height above Karintak × fieldworks would be well over ×3;
    # the overlap modifier holds the defender's ground to the cap, and says so.
    from sim.game import initial_state, make_rng
    from sim.scenario import load_scenario
    from sim.theatre import load_theatre

    state = initial_state(load_scenario("1992-winter"), make_rng(1), sources="midpoint",
                          theatre=load_theatre())
    for u in state.units.values():
        u.dug_in = 3
    shusha = state.theatre.find_place("shusha").index
    plan = plan_attack(state, shusha, ["arm-karintak"], "summer")
    mods = {m.key: m for m in plan.inputs.modifiers}
    assert "overlap" in mods and "ground, town and fieldworks overlap" in mods["overlap"].reason
    ground = 1.0
    for key in ("terrain", "settlement", "elevation", "fortification", "overlap"):
        if key in mods:
            ground *= mods[key].factor
    assert ground == pytest.approx(RULES.ground_cap)


def test_winter_cloud_over_the_mountains_halves_the_air_support():
    """26 January 1992: the aircraft and helicopters in range of Karintak join the attack from
    Shusha, but in a mountain winter only half their weight counts."""
    state = game("1992-winter")
    target = state.units["arm-karintak"].index
    winter = plan_attack(state, target, ["aze-shusha-omon"], "winter")
    assert winter.air
    (weather,) = [m for m in winter.inputs.modifiers if m.key == "weather"]
    assert weather.side == "attacker" and weather.factor < 1.0
    assert "cloud" in weather.reason
    clear = plan_attack(
        state, target, ["aze-shusha-omon"], "winter",
        rules=dataclasses.replace(RULES, winter_mountain_air=1.0),
    )
    assert odds(winter.inputs).success < odds(clear.inputs).success
    summer = plan_attack(state, target, ["aze-shusha-omon"], "summer")
    assert "weather" not in [m.key for m in summer.inputs.modifiers]


@pytest.mark.parametrize("ramp", [True, False])
def test_a_garrison_getting_less_of_its_supply_holds_worse(ramp):
    # The same town held by a garrison that gets seven-tenths of its need and by one that gets
    # three-tenths: both are short, but the worse-fed one is the easier to take. With the ramp
    # off every short unit counts the same 0.8 (the rule's switch).
    rules = dataclasses.replace(RULES, supply_ramp=ramp)
    state = game("combat_khojaly.toml")
    target = state.units["aze-khojaly"].index
    chances = {}
    for share in (0.7, 0.3):
        state.units["aze-khojaly"].supply = share
        plan = plan_attack(state, target, ["arm-north"], "summer", rules=rules)
        assert plan.supply[1] == "short of supply"
        chances[share] = odds(plan.inputs).success
    if ramp:
        assert chances[0.3] > chances[0.7] + 0.02
        assert rules.supply_factor(0.3)[0] < rules.short_of_supply < rules.supply_factor(0.7)[0]
    else:
        assert chances[0.3] == pytest.approx(chances[0.7])
    assert rules.supply_factor(RULES.supplied_from)[0] == 1.0
    assert rules.supply_factor(RULES.cut_off_below - 0.01)[0] == RULES.cut_off
