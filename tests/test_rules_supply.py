"""The supply phase: channels, blockades, airlifts, cut-off garrisons, and the trace itself.

Each small scenario in tests/scenarios/supply_*.toml declares its expected outcome in its
header comment; these tests check exactly those outcomes on the real map.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import heapq
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.chronicle import to_json_line
from sim.controllers import make_controller
from sim.game import initial_state, make_rng
from sim.hexgrid import Hex
from sim.rules import events, supply
from sim.rules.context import TurnContext
from sim.rules.supply import trace_all, trace_supply
from sim.rules.supply_paths import nearest_channel, supply_ground
from sim.rules.terrain import supply_step_costs
from sim.scenario import load_scenario
from sim.session import Session
from sim.sides import ARMENIAN, SIDE_CODES
from sim.state import UNIT_ACTIVE, UNIT_DESTROYED
from sim.theatre import load_theatre

SCENARIOS = Path(__file__).parent / "scenarios"


@functools.cache
def _scenario(name: str):
    if name == "1992-winter":
        return load_scenario(name, theatre=load_theatre())
    return load_scenario(SCENARIOS / f"{name}.toml", theatre=load_theatre())


def game(name: str, seed: int = 0):
    scenario = _scenario(name)
    return initial_state(scenario, make_rng(seed), sources="midpoint", theatre=load_theatre())


def play(state, phases=(supply.run,), seed: int = 1):
    """Resolve the given phases of one turn; returns (log, scratch)."""
    ctx = TurnContext(state=state, orders={}, rng=make_rng(seed + state.turn))
    for phase in phases:
        phase(ctx)
    state.turn += 1
    return ctx.log, ctx.scratch


def entries(log, kind, side=None):
    return [e for e in log if e.kind == kind and side in (None, e.data.get("side"))]


def summary(log, side="armenian"):
    (entry,) = [e for e in log if e.kind == "supply" and e.data["side"] == side]
    return entry


# --- must-show scenarios ---------------------------------------------------------------------


def test_cut_off_garrisons_lose_supply_then_morale_then_strength():
    state = game("supply_cut_off")
    pocket, sisian, goris = (state.units[k] for k in ("arm-pocket", "arm-sisian", "arm-goris"))

    log, _ = play(state)
    for u in (pocket, sisian):
        assert u.supply == 0.0 and u.supply_via == "" and u.turns_cut == 1
        assert u.morale == pytest.approx(0.95)
    assert pocket.men == 1000 and pocket.tanks == 4
    cut = entries(log, "cut_off", "armenian")
    assert [e.data["unit"] for e in cut] == ["arm-pocket", "arm-sisian"]
    assert "Stepanakert garrison at Stepanakert (1,000 men) is cut off" in cut[0].text
    assert goris.supply == 1.0 and goris.supply_via == "armenia-goris"
    assert "2 units cut off" in summary(log).text

    log, _ = play(state)
    assert pocket.morale == pytest.approx(0.90) and pocket.men == 1000
    assert not entries(log, "cut_off") and not entries(log, "attrition", "armenian")

    log, scratch = play(state)
    assert scratch["attrition"]["armenian"]["men"] == pytest.approx(30 + 12)
    assert pocket.morale == pytest.approx(0.85)
    assert pocket.men == pytest.approx(970) and pocket.tanks == pytest.approx(3.88)
    assert sisian.men == pytest.approx(388)
    hit = {e.data["unit"]: e for e in entries(log, "attrition", "armenian")}
    assert set(hit) == {"arm-pocket", "arm-sisian"}
    assert hit["arm-pocket"].data["losses"]["men"] == pytest.approx(30)
    assert hit["arm-pocket"].data["inputs"]["turns_cut"] == 3
    assert "lost 30 men" in hit["arm-pocket"].text
    assert state.losses["armenian"]["men"] == pytest.approx(30 + 12)

    play(state)
    assert pocket.men == pytest.approx(940.9)
    assert goris.men == 200 and goris.morale == 1.0


def test_garrison_relieved_when_the_ring_is_gone():
    state = game("supply_cut_off")
    play(state)
    play(state)
    for uid, u in state.units.items():
        if uid.startswith("aze-ring"):
            u.status = UNIT_DESTROYED
    log, _ = play(state)
    sisian = state.units["arm-sisian"]
    assert sisian.supply == 1.0 and sisian.turns_cut == 0 and sisian.men == 400
    (relief,) = entries(log, "relieved")
    assert relief.data["unit"] == "arm-sisian" and relief.data["turns_cut_before"] == 2
    assert "back in supply after 2 turns cut off" in relief.text


def test_blockade_cuts_a_source_by_exactly_its_amount():
    state = game("supply_blockade")
    capacities = []
    for _ in range(5):
        log, scratch = play(state, (events.run, supply.run))
        channels = summary(log).data["channels"]
        capacities.append((channels["armenia-goris"]["capacity"],
                           channels["armenia-vardenis"]["capacity"]))
        assert scratch["supply"]["armenian"]["channels"] == channels
        if state.turn == 1:
            goris = channels["armenia-goris"]
            assert goris["nominal"] == 40 and goris["before_blockades"] == 40
            assert goris["blockades"] == [
                {"id": "siege-goris", "by": "azerbaijani", "reduction": 0.25}
            ]
            assert goris["capacity"] == 30
            announced = {e.data["blockade"]: e for e in entries(log, "blockade")}["siege-goris"]
            assert "25% of its capacity is cut" in announced.text
    assert capacities == [(30, 10), (30, 10), (30, 5), (0, 5), (pytest.approx(8), 5)]
    assert state.blockades == {"siege-goris": False}


def test_airlift_sustains_a_small_garrison_but_not_a_large_one():
    state = game("supply_airlift")
    small, large = state.units["arm-small"], state.units["arm-large"]
    log, _ = play(state, (events.run, supply.run))
    assert small.supply == 1.0 and small.supply_via == "stepanakert-airlift"
    assert small.morale == 1.0
    assert large.supply == pytest.approx(1 / 3) and large.supply_via == "martakert-airlift"
    assert large.morale == pytest.approx(0.98) and large.men == 3000
    channels = summary(log).data["channels"]
    assert channels["stepanakert-airlift"]["delivered"] == pytest.approx(0.2)
    assert channels["martakert-airlift"]["delivered"] == pytest.approx(2.0)
    assert "1 unit short" in summary(log).text

    play(state, (events.run, supply.run))
    assert small.supply == 1.0
    log, _ = play(state, (events.run, supply.run))
    assert small.supply == 0.0 and small.supply_via == ""
    assert [e.data["target"] for e in entries(log, "supply_line")] == ["stepanakert-airlift"]
    assert summary(log).data["channels"]["stepanakert-airlift"]["status"] == "ended"


def _lachin_corridor_game():
    state = game("supply_line_zoc")
    theatre = state.theatre
    for q, r in ((-2, 8), (-2, 7), (-1, 6)):
        state.control[theatre.index_of(Hex(q, r))] = ARMENIAN
    return state


def test_line_stops_where_an_enemy_zone_of_control_sits_on_its_road():
    state = _lachin_corridor_game()
    garrison = state.units["arm-stepanakert"]
    log, _ = play(state, (events.run, supply.run))
    line = summary(log).data["channels"]["lachin-corridor"]
    assert line["status"] == "open" and line["delivered"] == pytest.approx(4)
    assert garrison.supply == 1.0 and garrison.supply_via == "lachin-corridor"

    log, _ = play(state, (events.run, supply.run))
    assert state.units["aze-raiders"].status == UNIT_ACTIVE
    result = trace_supply(state, "armenian")
    flow = result.channels["lachin-corridor"]
    theatre = state.theatre
    assert [theatre.hex_of(i).as_list() for i in flow.delivery][-1] == [-2, 8]
    assert [theatre.hex_of(i).as_list() for i in flow.cut_at] == [[-2, 7]]
    assert garrison.supply == 0.0 and garrison.supply_via == ""
    assert summary(log).data["channels"]["lachin-corridor"]["status"] == "cut"
    assert "Lachin corridor: cut near Lachin" in summary(log).text
    assert [e.data["unit"] for e in entries(log, "cut_off", "armenian")] == ["arm-stepanakert"]


# --- the real scenario -------------------------------------------------------------------------


def test_1992_stepanakert_lives_on_the_helicopter_link():
    state = game("1992-winter")
    log, scratch = play(state, (events.run, supply.run))
    armenian = scratch["supply"]["armenian"]["channels"]
    assert armenian["lachin-corridor"]["status"] == "blockaded"
    assert armenian["lachin-corridor"]["capacity"] == 0
    assert armenian["armenia-goris"]["capacity"] == 15
    assert armenian["stepanakert-airlift"]["delivered"] == pytest.approx(3)
    assert "arm-stepanakert" in armenian["stepanakert-airlift"]["units"]
    assert state.units["arm-stepanakert"].supply < 0.75
    corridor = "Lachin corridor (Goris–Lachin–Shusha–Stepanakert): closed by blockade"
    assert corridor in summary(log).text
    assert state.units["aze-agdam"].supply == 1.0
    assert state.ammunition["armenian"] > 500


def test_trace_supply_does_not_touch_the_state():
    state = game("1992-winter")
    before = state.checksum()
    trace_supply(state, "armenian")
    trace_all(state)
    assert state.checksum() == before


def test_same_state_gives_the_same_entries():
    a, b = game("1992-winter"), game("1992-winter")
    for _ in range(4):
        log_a, _ = play(a, (events.run, supply.run))
        log_b, _ = play(b, (events.run, supply.run))
        assert [to_json_line(e) for e in log_a] == [to_json_line(e) for e in log_b]
    assert a.checksum() == b.checksum()


# --- properties -------------------------------------------------------------------------------

_PASSABLE = np.flatnonzero(load_theatre().passable())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spots=st.lists(st.integers(0, len(_PASSABLE) - 1), min_size=37, max_size=37),
    flips=st.lists(st.integers(0, len(_PASSABLE) - 1), max_size=200),
    factors=st.lists(st.floats(0, 3), min_size=20, max_size=20),
    men=st.floats(10, 50_000),
)
def test_supply_delivered_never_exceeds_capacity(spots, flips, factors, men):
    state = game("1992-winter")
    for u, spot in zip(state.units.values(), spots, strict=False):
        u.index = int(_PASSABLE[spot])
        u.men = men if u.side == "azerbaijani" else u.men
    for spot in flips:
        i = _PASSABLE[spot]
        state.control[i] = 3 - state.control[i] if state.control[i] else 1
    ids = [c.id for c in (*state.scenario.supply.sources, *state.scenario.supply.lines,
                          *state.scenario.supply.airlifts)]
    for cid, f in zip(ids, factors, strict=False):
        state.capacity_factor[cid] = f
    for side, result in trace_all(state).items():
        flows = result.channels
        for c in flows.values():
            assert 0 <= c.delivered <= c.capacity + 1e-9
            assert c.delivered <= c.demand + 1e-9
        for s in (c for c in flows.values() if c.kind == "source"):
            pool = sum(c.delivered for c in flows.values() if c.source == s.id)
            assert pool <= s.capacity + 1e-9
        for us in result.units.values():
            assert 0.0 <= us.share <= 1.0
        assert result.delivered == pytest.approx(sum(c.delivered for c in flows.values()))
        assert result.delivered <= result.capacity + 1e-9
        for us in result.units.values():
            assert us.channel == "" or flows[us.channel].working
            assert state.units[us.unit].side == side


def _reference_trace(theatre, season, ground, seeds, reach):
    """Plain Dijkstra over (cost, channel) pairs, for checking the vectorised trace."""
    costs = supply_step_costs(theatre, season)
    best: dict[int, tuple[float, int]] = {}
    heap = [(0.0, k, int(i)) for k, hexes in enumerate(seeds) for i in hexes]
    heapq.heapify(heap)
    while heap:
        c, k, i = heapq.heappop(heap)
        if i in best:
            continue
        best[i] = (c, k)
        for d in range(6):
            j = int(theatre.neighbours[i, d])
            if j < 0 or j in best or not ground[j] or not math.isfinite(costs[i, d]):
                continue
            if c + costs[i, d] <= reach:
                heapq.heappush(heap, (c + float(costs[i, d]), k, j))
    cost = np.full(theatre.n, np.inf)
    via = np.full(theatre.n, -1)
    for i, (c, k) in best.items():
        cost[i], via[i] = c, k
    return cost, via


@settings(max_examples=15, deadline=None)
@given(
    seeds=st.lists(st.lists(st.integers(0, len(_PASSABLE) - 1), max_size=4), min_size=1,
                   max_size=6),
    season=st.sampled_from(["winter", "summer"]),
    reach=st.sampled_from([6.0, 12.0, 48.0]),
)
def test_vectorised_trace_matches_plain_dijkstra(seeds, season, reach):
    state = game("1992-winter")
    theatre = state.theatre
    ground = supply_ground(theatre, state.control, state.occupancy(), "azerbaijani")
    hexes = [np.array([_PASSABLE[s] for s in group], dtype=np.int64) for group in seeds]
    cost, via = nearest_channel(theatre, season, ground, hexes, reach)
    want_cost, want_via = _reference_trace(theatre, season, ground, hexes, reach)
    assert np.array_equal(np.isfinite(cost), np.isfinite(want_cost))
    assert np.allclose(cost[np.isfinite(cost)], want_cost[np.isfinite(want_cost)])
    assert np.array_equal(via, want_via)


def _deliveries(result):
    return np.concatenate([c.delivery for c in result.channels.values()])


def test_both_sides_traced_together_match_each_alone():
    state = game("1992-winter")
    together = trace_all(state)
    for side in ("armenian", "azerbaijani"):
        alone = trace_supply(state, side)
        assert {k: (u.channel, u.delivered) for k, u in alone.units.items()} == {
            k: (u.channel, u.delivered) for k, u in together[side].units.items()
        }
        assert np.array_equal(alone.via, together[side].via)
        assert np.array_equal(alone.cost, together[side].cost)
        reached = alone.via >= 0
        occupied = state.occupancy() == SIDE_CODES[side]
        assert np.all((state.control[reached] == SIDE_CODES[side]) | occupied[reached]
                      | np.isin(np.flatnonzero(reached), _deliveries(alone)))


def test_a_village_self_defence_lives_on_its_own_stores(monkeypatch):
    """Karintak, under the Shusha garrison's zone of control, gets nothing by road in January
    1992; its villagers go short on their own stores instead of being cut off (they held it)."""
    state = game("1992-winter")
    us = trace_supply(state, "armenian").units["arm-karintak"]
    assert us.channel == "" and us.channel_share == 0.0
    assert supply.CUT_OFF <= us.share < supply.SHORT
    log, _ = play(state)
    unit = state.units["arm-karintak"]
    assert unit.turns_cut == 0 and unit.supply_via == supply.STORES
    (entry,) = [e for e in entries(log, "stores") if e.data["unit"] == "arm-karintak"]
    assert "own village's stores" in entry.text
    log, _ = play(state)  # still on its stores: said once, not every week
    assert state.units["arm-karintak"].supply_via == supply.STORES
    assert not [e for e in entries(log, "stores") if e.data["unit"] == "arm-karintak"]

    # Without the rule the village is cut off from the first turn.
    monkeypatch.setattr(supply, "HOME_STORES", 0.0)
    state = game("1992-winter")
    play(state)
    assert state.units["arm-karintak"].turns_cut == 1


def test_village_stores_stay_in_the_village():
    """Men who leave their village leave its stores behind, and a lost village feeds nobody."""
    state = game("1992-winter")
    unit = state.units["arm-karintak"]
    home = unit.index
    unit.index = next(j for j in state.theatre.neighbours[home] if j >= 0)
    assert trace_supply(state, "armenian").units["arm-karintak"].stores == 0.0
    unit.index = home
    state.control[home] = SIDE_CODES["azerbaijani"]
    assert trace_supply(state, "armenian").units["arm-karintak"].stores == 0.0


def test_channels_that_deliver_at_the_same_place_pool_their_loads(monkeypatch) -> None:
    """The helicopters landing at Stepanakert and the enclave's own stores there both feed the
    pocket; before pooling the stores took every unit and the helicopters carried nothing."""
    scenario = load_scenario("1992-1994-war", theatre=load_theatre())
    state = initial_state(scenario, make_rng(0), sources="midpoint", theatre=load_theatre())
    pooled = trace_supply(state, "armenian")
    assert pooled.channels["stepanakert-airlift"].delivered > 0
    assert pooled.channels["karabakh-local"].delivered > 0
    monkeypatch.setattr(supply, "_meeting_channels", lambda *args: {})
    alone = trace_supply(state, "armenian")
    assert alone.channels["stepanakert-airlift"].delivered == 0
    garrison = "arm-stepanakert"
    assert pooled.units[garrison].delivered > alone.units[garrison].delivered


def test_channels_whose_areas_border_pool_their_loads(monkeypatch) -> None:
    """In January 1992 Mardakert district's own stores cannot feed its garrison, while the
    enclave's stores and helicopters next door have some to spare: over the enclave's own roads
    the pool feeds both, and no channel carries more than it can. With the switch off, each
    unit lives on the channel nearest it."""
    scenario = load_scenario("1992-1994-war", theatre=load_theatre())
    state = initial_state(scenario, make_rng(0), sources="midpoint", theatre=load_theatre())
    pooled = trace_supply(state, "armenian")
    assert pooled.units["arm-martakert"].share == pytest.approx(1.0)
    for channel in pooled.channels.values():
        assert channel.delivered <= channel.capacity + 1e-9
    monkeypatch.setattr(supply, "POOL_BORDERING_CHANNELS", False)
    alone = trace_supply(state, "armenian")
    assert alone.units["arm-martakert"].share < 0.8  # 3 points for about 4 needed
    assert alone.channels["karabakh-local-mardakert"].delivered == pytest.approx(3.0)
    assert pooled.delivered > alone.delivered


def test_pooling_never_sends_demand_to_a_road_its_source_cannot_fill(monkeypatch) -> None:
    """In the winter of 1993-94 the 25-point Kalbajar road draws on the 12-point Vardenis
    source: pooled with the Lachin corridor by what each can really carry, the side gets no
    less than it would unpooled."""
    scenario = load_scenario("1993-1994-winter", theatre=load_theatre())
    state = initial_state(scenario, make_rng(0), sources="midpoint", theatre=load_theatre())
    pooled = trace_supply(state, "armenian")
    monkeypatch.setattr(supply, "_touching", lambda *args: set())
    alone = trace_supply(state, "armenian")
    assert pooled.delivered >= alone.delivered - 1e-9


def test_forward_stores_marked_pools_false_stay_out_of_the_pool(monkeypatch) -> None:
    """Azerbaijan's stores at Lachin (`pools = false`) are what two mountain roads could bring
    up: in the weeks before the assault of May 1992 the Shusha garrison lives on them and the
    helicopters, short, rather than on the whole side's network drawn through the districts
    bordering Lachin's (whole war, seed 35, under both historical plans)."""
    sides = ("armenian", "azerbaijani")
    controllers = {side: make_controller("historical", side) for side in sides}
    session = Session.new(load_scenario("1992-1994-war"), 35, controllers=controllers)
    session.play(until=dt.date(1992, 4, 15))  # the next turn begins on 22 April
    assert session.state.date == dt.date(1992, 4, 22)
    state = session.state
    apart = trace_supply(state, "azerbaijani")
    scenario = state.scenario
    sources = tuple(
        dataclasses.replace(s, pools=True) if s.id == "azerbaijan-lachin" else s
        for s in scenario.supply.sources
    )
    pooled_scenario = dataclasses.replace(
        scenario, supply=dataclasses.replace(scenario.supply, sources=sources)
    )
    monkeypatch.setattr(state, "scenario", pooled_scenario)
    pooled = trace_supply(state, "azerbaijani")
    garrison = "aze-shusha"
    assert apart.units[garrison].share < 0.9
    assert pooled.units[garrison].share > apart.units[garrison].share + 0.1
