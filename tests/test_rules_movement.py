"""Movement: what a unit can reach, which orders stand, and what the phase does with them.

Scenario tests run on the real map with the small scenarios in tests/scenarios/movement_*.toml,
whose header comments declare the expected outcomes checked here.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.chronicle import to_json_line
from sim.game import initial_state, make_rng
from sim.hexgrid import Hex
from sim.orders import Attack, IllegalOrder, MalformedOrder, Move
from sim.rules import movement
from sim.rules.context import TurnContext
from sim.rules.legality import check_order, check_orders
from sim.rules.reach import (
    STACK_MEN,
    STACK_UNITS,
    Positions,
    movement_points,
    path_to,
    reachable,
)
from sim.rules.terrain import step_costs
from sim.rules.zoc import zone_of_control
from sim.scenario import load_scenario
from sim.sides import SIDE_IDS
from sim.theatre import load_theatre

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
THEATRE = load_theatre()


@cache
def _scenario(name: str):
    if name == "1992-winter":
        return load_scenario(name)
    return load_scenario(SCENARIOS / f"movement_{name}.toml", theatre=THEATRE)


def game(name: str, turn: int = 0):
    state = initial_state(_scenario(name), make_rng(0), sources="midpoint", theatre=THEATRE)
    state.turn = turn
    return state


def at(q: int, r: int) -> int:
    index = THEATRE.index_of(Hex(q, r))
    assert index is not None
    return index


def hex_list(index: int) -> list[int]:
    return THEATRE.hex_of(index).as_list()


def place(name: str) -> Hex:
    return THEATRE.places[name].hex


def run_phase(state, orders):
    ctx = TurnContext(state=state, orders=orders, rng=make_rng(0))
    movement.run(ctx)
    return ctx


def entries(ctx, kind):
    return [e for e in ctx.log if e.kind == kind]


# --- rivers ------------------------------------------------------------------------------------


def test_crossing_the_tartar_costs_two_points_more_than_the_same_step_on_the_same_bank():
    reach = reachable(game("rivers"), "aze-tartar-company")
    across, same_bank = reach[at(24, -21)], reach[at(25, -20)]
    assert across == (3.0, at(24, -20))
    assert same_bank == (1.0, at(24, -20))


def test_the_kura_without_a_bridge_is_impassable():
    state = game("rivers")
    assert step_costs(THEATRE, "summer")[at(34, -16)].tolist().count(math.inf) >= 1
    assert at(34, -17) not in reachable(state, "aze-kura-militia")
    with pytest.raises(IllegalOrder, match="31 movement points needed, 4 available"):
        check_order(state, Move("aze-kura-militia", Hex(34, -17)), "azerbaijani")


def test_no_attack_across_the_kura_without_a_bridge():
    state = game("rivers")
    state.units["arm-goris"].index = at(34, -17)
    with pytest.raises(IllegalOrder, match="impassable"):
        check_order(state, Attack(Hex(34, -16), ("arm-goris",)), "armenian")


def test_a_unit_that_has_not_moved_may_always_make_one_step():
    reach = reachable(game("rivers"), "aze-martakert-militia")
    assert movement_points("militia") == 4.0
    assert reach[at(16, -19)] == (5.0, at(16, -18))
    assert max(cost for cost, _ in reach.values()) == 5.0
    assert all(prev == at(16, -18) for cost, prev in reach.values() if cost > 4.0)
    state = game("rivers")
    ctx = run_phase(state, {"azerbaijani": [Move("aze-martakert-militia", Hex(16, -19))]})
    assert state.units["aze-martakert-militia"].index == at(16, -19)
    assert "one step for 5 points, more than its 4" in entries(ctx, "move")[0].text


# --- the Omar Pass -----------------------------------------------------------------------------

BEYOND_THE_PASS = Hex(5, -20)
JULY_TURN = 26


def test_winter_closes_the_omar_pass():
    state = game("omar_pass")
    assert state.date.month == 1
    assert at(5, -20) not in reachable(state, "aze-kalbajar")
    with pytest.raises(IllegalOrder, match="16 movement points needed, 6 available"):
        check_order(state, Move("aze-kalbajar", BEYOND_THE_PASS), "azerbaijani")
    assert at(3, -17) not in reachable(state, "aze-pass-foot")


def test_in_summer_a_unit_from_kalbajar_crosses_the_omar_pass_in_one_turn():
    state = game("omar_pass", turn=JULY_TURN)
    assert state.date.month == 7
    check_order(state, Move("aze-kalbajar", BEYOND_THE_PASS), "azerbaijani")
    path = path_to(state, "aze-kalbajar", at(5, -20))
    assert THEATRE.places["omar-pass"].index in path
    assert reachable(state, "aze-kalbajar")[at(5, -20)][0] == 5.5
    assert reachable(state, "aze-pass-foot")[at(3, -17)] == (4.0, at(2, -16))


def test_the_move_over_the_pass_is_logged_with_the_pass_on_the_way():
    state = game("omar_pass", turn=JULY_TURN)
    ctx = run_phase(state, {"azerbaijani": [Move("aze-kalbajar", BEYOND_THE_PASS)]})
    (entry,) = entries(ctx, "move")
    assert entry.data["to"] == [5, -20]
    assert "omar-pass" in entry.data["via"]
    assert "via Omar Pass" in entry.text and "5.5 of 6 movement points" in entry.text
    assert state.units["aze-kalbajar"].index == at(5, -20)


# --- zones of control, occupied hexes, stacking ---------------------------------------------


def test_entering_an_enemy_zone_of_control_ends_the_move():
    state = game("plain")
    reach = reachable(state, "arm-motor")
    enemy_zoc = zone_of_control(state, "azerbaijani")
    origin = at(25, -10)
    assert reach[at(28, -10)] == (3.0, at(27, -10))
    assert all(prev == origin or not enemy_zoc[prev] for _, prev in reach.values() if prev >= 0)
    assert at(30, -11) not in reach
    with pytest.raises(IllegalOrder, match="enemy zones of control bar the way"):
        check_order(state, Move("arm-motor", Hex(30, -11)), "armenian")
    run_phase(state, {"armenian": [Move("arm-motor", Hex(28, -10))]})
    assert state.units["arm-motor"].index == at(28, -10)


def test_a_unit_in_an_enemy_zone_of_control_may_leave_but_not_slide_along_it():
    state = game("plain")
    origin = at(27, -12)
    assert zone_of_control(state, "azerbaijani")[origin]
    reach = reachable(state, "arm-company")
    assert reach[at(26, -12)] == (1.0, origin)
    cost, prev = reach[at(27, -11)]
    assert prev != origin and cost == 2.0


def test_a_unit_cannot_move_into_a_hex_held_by_enemy_troops():
    state = game("plain")
    assert at(28, -9) not in reachable(state, "arm-motor")
    with pytest.raises(IllegalOrder, match=r"\[28, -9\] holds Azerbaijani troops; .*attack"):
        check_order(state, Move("arm-motor", Hex(28, -9)), "armenian")


def test_stacking_limit_in_units_and_in_men():
    state = game("plain")
    assert at(24, -12) not in reachable(state, "arm-motor")
    with pytest.raises(IllegalOrder, match=r"stacking limit: 4 units already at \[24, -12\]"):
        check_order(state, Move("arm-motor", Hex(24, -12)), "armenian")
    with pytest.raises(IllegalOrder, match="stacking limit: 5,000 men already at"):
        check_order(state, Move("arm-regiment", Hex(24, -8)), "armenian")
    check_order(state, Move("arm-motor", Hex(24, -8)), "armenian")


def test_a_move_falls_back_when_an_earlier_move_has_filled_its_destination():
    state = game("plain")
    state.units["arm-det-4"].index = at(22, -12)
    ctx = run_phase(
        state,
        {"armenian": [Move("arm-motor", Hex(24, -12)), Move("arm-regiment", Hex(24, -12))]},
    )
    assert state.units["arm-motor"].index == at(24, -12)
    regiment = state.units["arm-regiment"].index
    assert regiment not in (at(24, -12), at(23, -9))
    entry = entries(ctx, "move")[-1]
    assert entry.data["stopped"].startswith("stacking limit: 4 units already at [24, -12]")
    assert entry.data["ordered_to"] == [24, -12]


@pytest.mark.parametrize(("turn", "winner"), [(0, "armenian"), (1, "azerbaijani")])
def test_the_sides_take_turns_to_move_first(turn, winner):
    state = game("plain", turn=turn)
    target = Hex(25, -9)
    orders = {
        "armenian": [Move("arm-regiment", target)],
        "azerbaijani": [Move("aze-south", target)],
    }
    ctx = run_phase(state, orders)
    mover = {"armenian": "arm-regiment", "azerbaijani": "aze-south"}
    loser = mover["azerbaijani" if winner == "armenian" else "armenian"]
    assert state.units[mover[winner]].index == at(25, -9)
    assert state.units[loser].index != at(25, -9)
    (stopped,) = [e for e in entries(ctx, "move") if e.data["unit"] == loser]
    assert "zone of control" in stopped.data["stopped"]


def test_positions_agree_with_the_zone_of_control_module():
    state = game("1992-winter")
    pos = Positions.of(state)
    for side in SIDE_IDS:
        assert sorted(pos.zoc[side]) == np.flatnonzero(zone_of_control(state, side)).tolist()


# --- orders: the right error and the reason ------------------------------------------------

WINTER_CASES = [
    ("armenian", Move("nobody", Hex(8, -1)), MalformedOrder, "no unit 'nobody'"),
    ("armenian", Move("aze-shusha", Hex(7, 2)), MalformedOrder, "is an Azerbaijani unit"),
    ("armenian", "move everyone to Shusha", MalformedOrder, "not an order"),
    ("armenian", Move("arm-stepanakert", Hex(400, 0)), MalformedOrder, "not a hex on the map"),
    (
        "armenian",
        Attack(Hex(9, -1), ("arm-stepanakert", "arm-stepanakert")),
        MalformedOrder,
        "twice",
    ),
    ("armenian", Move("arm-gunships", Hex(8, -1)), IllegalOrder, "has not yet arrived"),
    (
        "armenian",
        Move("arm-askeran", Hex(8, -1)),
        IllegalOrder,
        "stacking limit: 4 units already at Stepanakert",
    ),
    (
        "armenian",
        Move("arm-hadrut", Hex(16, 0)),
        IllegalOrder,
        r"cannot reach Martuni this turn: 12\.5 movement points needed, 6 available",
    ),
    ("armenian", Move("arm-stepanakert", Hex(8, -1)), IllegalOrder, "already at Stepanakert"),
    ("armenian", Move("arm-martakert", Hex(11, -14)), IllegalOrder, "water"),
    (
        "armenian",
        Attack(Hex(7, 1), ("arm-stepanakert",)),
        IllegalOrder,
        "the target hex Shusha is not adjacent to Stepanakert",
    ),
    ("armenian", Attack(Hex(16, -15), ("arm-martakert",)), IllegalOrder, "holds no enemy"),
    ("armenian", Attack(Hex(7, 1), ("arm-helicopters",)), IllegalOrder, "ground unit"),
    (
        "armenian",
        Attack(Hex(9, -1), ("arm-stepanakert", "arm-kapan")),
        IllegalOrder,
        "not adjacent",
    ),
    (
        "azerbaijani",
        Attack(Hex(16, -15), ("aze-tartar", "aze-helicopters")),
        IllegalOrder,
        "not adjacent",
    ),
]


@pytest.mark.parametrize(("side", "order", "error", "reason"), WINTER_CASES)
def test_bad_orders_get_the_right_error_and_reason(side, order, error, reason):
    with pytest.raises(error, match=reason) as raised:
        check_order(game("1992-winter"), order, side)
    assert type(raised.value) is error


def test_air_units_support_attacks_within_their_range():
    state = game("1992-winter")
    check_order(state, Attack(Hex(7, 1), ("arm-karintak", "arm-helicopters")), "armenian")
    check_order(state, Attack(Hex(8, -1), ("aze-malibeyli", "aze-air")), "azerbaijani")
    state.units["arm-martakert"].index = at(15, -15)
    state.control[at(16, -15)] = 2
    with pytest.raises(IllegalOrder, match=r"based 90 km from .*within 60 km"):
        check_order(state, Attack(Hex(16, -15), ("arm-martakert", "arm-helicopters")), "armenian")


def test_air_units_rebase_only_to_hexes_their_side_holds():
    state = game("1992-winter")
    check_order(state, Move("arm-helicopters", Hex(8, -1)), "armenian")
    with pytest.raises(IllegalOrder, match="only move its base to a hex its side holds"):
        check_order(state, Move("arm-helicopters", Hex(7, 1)), "armenian")
    run_phase(state, {"armenian": [Move("arm-helicopters", Hex(8, -1))]})
    assert state.units["arm-helicopters"].index == at(8, -1)


def test_a_unit_moves_or_attacks_once_a_turn():
    state = game("1992-winter")
    orders = [
        Attack(Hex(9, -1), ("arm-stepanakert",)),
        Move("arm-stepanakert", Hex(8, -2)),
        Attack(Hex(9, -1), ("arm-armour",)),
        Move("arm-armour", Hex(8, -2)),
    ]
    verdicts = check_orders(state, "armenian", orders)
    assert [v.legal for v in verdicts] == [True, False, False, True]
    assert "already ordered to attack" in str(verdicts[1].error)
    assert "already under attack" in str(verdicts[2].error)


def test_the_phase_logs_refused_orders_and_never_raises():
    state = game("1992-winter")
    orders = {
        "armenian": [
            "not an order",
            Move("nobody", Hex(8, -1)),
            Move("aze-agdam", Hex(15, -6)),
            Move("arm-hadrut", Hex(16, 0)),
            Move("arm-martuni", Hex(15, 0)),
        ],
        "turkish": [Move("arm-martuni", Hex(15, 0))],
    }
    ctx = run_phase(state, orders)
    refused = entries(ctx, "order_rejected")
    assert [e.data["error"] for e in refused] == ["malformed"] * 3 + ["illegal", "malformed"]
    assert "12.5 movement points needed" in refused[3].text
    assert refused[3].text.startswith("Armenian order refused: Hadrut")
    assert state.units["arm-martuni"].index == at(15, 0)
    for entry in ctx.log:
        to_json_line(entry)


# --- the phase's effects ---------------------------------------------------------------------


def test_dug_in_grows_while_holding_and_resets_on_moving():
    state = game("plain")
    for _ in range(4):
        run_phase(state, {"armenian": [Attack(Hex(28, -12), ("arm-company",))]})
        state.turn += 1
    assert state.units["arm-det-1"].dug_in == movement.DUG_IN_MAX == 3
    assert state.units["arm-company"].dug_in == 0
    run_phase(state, {"armenian": [Move("arm-det-1", Hex(23, -12))]})
    assert state.units["arm-det-1"].dug_in == 0
    assert state.units["arm-helicopters"].dug_in == 0


def test_the_phase_leaves_moves_entries_and_attacks_for_later_phases():
    state = game("plain")
    path = path_to(state, "arm-motor", at(26, -9))
    attack = Attack(Hex(28, -12), ("arm-company", "arm-helicopters"))
    orders = [Move("arm-motor", Hex(26, -9)), attack, Move("arm-det-1", Hex(8, 8))]
    ctx = run_phase(state, {"armenian": orders})
    assert ctx.scratch["moved"] == {"arm-motor": at(25, -10)}
    assert "arm-det-1" not in ctx.scratch["moved"]
    assert len(path) == 3
    assert ctx.scratch["entered"] == [(i, "armenian") for i in path[1:]]
    assert ctx.scratch["attacks"] == {"armenian": [attack], "azerbaijani": []}


def test_movement_points_scale_with_the_length_of_a_turn():
    assert movement_points("infantry", 7) == 6.0
    assert movement_points("infantry", 14) == 12.0
    assert movement_points("tank", 3) == pytest.approx(8 * 3 / 7)
    assert movement_points("helicopter", 7) == 0.0


# --- determinism and invariants ----------------------------------------------------------------


def test_reachable_is_deterministic_and_paths_add_up():
    first, second = game("1992-winter"), game("1992-winter")
    costs = step_costs(THEATRE, "winter")
    for uid, unit in first.units.items():
        a = reachable(first, uid)
        assert a == reachable(second, uid) == reachable(first.copy(), uid)
        assert list(a) == sorted(a)
        for target, (cost, _) in a.items():
            path = path_to(first, uid, target)
            assert path[0] == unit.index and path[-1] == target
            steps = [
                costs[i, THEATRE.hex_of(i).direction_to(THEATRE.hex_of(j))]
                for i, j in zip(path, path[1:], strict=False)
            ]
            assert sum(steps) == cost


def _random_moves(state, rng):
    """Orders a careless player might give: each unit, by chance, to any hex it can reach."""
    orders = {}
    for side in SIDE_IDS:
        pos = Positions.of(state)
        side_orders = []
        for unit in state.active_units(side):
            if unit.is_air or rng.random() < 0.3:
                continue
            options = [i for i in reachable(state, unit.id, positions=pos) if i != unit.index]
            if options:
                target = options[int(rng.integers(len(options)))]
                side_orders.append(Move(unit.id, THEATRE.hex_of(target)))
        orders[side] = side_orders
    return orders


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    turns=st.integers(1, 4),
    name=st.sampled_from(["1992-winter", "plain", "omar_pass"]),
)
def test_random_legal_moves_keep_units_on_passable_ground_and_the_sides_apart(seed, turns, name):
    state = game(name)
    rng = np.random.default_rng(seed)
    passable = THEATRE.passable()
    for _ in range(turns):
        before = {u.id: u.index for u in state.units.values()}
        ctx = run_phase(state, _random_moves(state, rng))
        assert not entries(ctx, "order_rejected"), "reachable() offered a hex check_order refused"
        sides_at: dict[int, set[str]] = {}
        units_at: dict[int, list] = {}
        for unit in state.active_units():
            if unit.is_air:
                continue
            assert passable[unit.index]
            sides_at.setdefault(unit.index, set()).add(unit.side)
            units_at.setdefault(unit.index, []).append(unit)
        assert all(len(sides) == 1 for sides in sides_at.values())
        for uid in ctx.scratch["moved"]:
            here = units_at[state.units[uid].index]
            assert len(here) <= STACK_UNITS
            assert len(here) == 1 or sum(u.men for u in here) <= STACK_MEN
            assert before[uid] != state.units[uid].index
        state.turn += 1


def test_the_same_orders_give_the_same_log():
    logs = []
    for _ in range(2):
        state = game("1992-winter")
        rng = np.random.default_rng(7)
        ctx = run_phase(state, _random_moves(state, rng))
        logs.append([to_json_line(e) for e in ctx.log])
    assert logs[0] == logs[1] and logs[0]
    assert all(re.search(r"points\)", line) or "base" in line for line in logs[0])
