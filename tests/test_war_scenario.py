"""The whole-war scenario: it loads, its forces match the sources over time, its operations can
be carried out by the units they name, and it plays."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator

import pytest

from sim.scenario import SCENARIOS_DIR, Scenario, Unit, load_scenario
from sim.session import Session

MAP_BUILT = (SCENARIOS_DIR / "theatre" / "map.npz").is_file()
pytestmark = pytest.mark.skipif(not MAP_BUILT, reason="the theatre map is not built yet")

AZERBAIJANI_1993_94 = (42_600, 56_000)
"""The sources' Azerbaijani strength in 1993–94 (history-notes §a1: S1–S3 against S4 and S8)."""
ARMENIAN_1993_94 = (30_000, 40_000)
"""The Armenian side combined in 1993–94 (history-notes §a1), Armenia's own army included."""


@pytest.fixture(scope="module")
def war() -> Scenario:
    return load_scenario("1992-1994-war")


def fired_on(scenario: Scenario) -> dict[str, dt.date]:
    """When each dated event fires, and each event that waits on one of them."""
    when = {e.id: e.date for e in scenario.events if e.date is not None}
    waiting = [e for e in scenario.events if e.trigger is not None and e.trigger.kind == "event"]
    changed = True
    while changed:
        changed = False
        for e in waiting:
            if e.id not in when and e.trigger.event in when:
                when[e.id] = when[e.trigger.event] + dt.timedelta(days=e.trigger.days_after)
                changed = True
    return when


def on_map(scenario: Scenario, day: dt.date) -> Iterator[tuple[Unit, float]]:
    """Units on the map on `day` with the share of their strength still there, counting only
    what the data schedules (dates and dated events), not what battles or captures would do."""
    when = fired_on(scenario)
    arrival: dict[str, dt.date] = {}
    kept: dict[str, float] = {}
    for event in scenario.events:
        for effect in event.effects:
            if event.id not in when:
                continue
            if effect.type == "arrive" and effect.unit:
                arrival[effect.unit] = when[event.id]
            if effect.type == "withdraw" and effect.unit and when[event.id] <= day:
                fraction = effect.fraction.midpoint if effect.fraction else 1.0
                kept[effect.unit] = kept.get(effect.unit, 1.0) * (1.0 - fraction)
    by_event = scenario.arriving_by_event()
    for unit in scenario.units:
        came = arrival.get(unit.id) if unit.id in by_event else (unit.arrives or scenario.start)
        if came is None or came > day or (unit.withdraws and unit.withdraws <= day):
            continue
        if kept.get(unit.id, 1.0) > 0:
            yield unit, kept.get(unit.id, 1.0)


def men(scenario: Scenario, side: str, day: dt.date, end: str = "midpoint") -> float:
    """Men of one side on the map on `day`, each range taken at its low, middle or high end."""
    total = 0.0
    for unit, share in on_map(scenario, day):
        if unit.side != side:
            continue
        q = unit.men
        value = {"low": q.low, "high": q.high}.get(end) if q.is_range else q.value
        total += (q.midpoint if value is None else value) * share
    return total


def test_loads_with_the_whole_war(war: Scenario) -> None:
    assert war.id == "1992-1994-war"
    assert (war.start, war.end, war.turn_days) == (dt.date(1992, 1, 1), dt.date(1994, 5, 12), 7)
    assert war.turns == 124
    assert 120 <= len(war.units) <= 180
    assert {u.side for u in war.units} == {"armenian", "azerbaijani"}


def test_start_matches_the_first_day_of_1992(war: Scenario) -> None:
    totals = war.start_totals()
    assert 4_000 <= totals["armenian"]["men"] <= 7_000
    assert 12_000 <= totals["azerbaijani"]["men"] <= 18_000
    assert war.side("armenian").ammunition.midpoint == 500
    assert war.side("azerbaijani").ammunition.midpoint == 10_000


def test_azerbaijani_strength_in_1993_spans_the_sources(war: Scenario) -> None:
    low, high = AZERBAIJANI_1993_94
    day = dt.date(1993, 5, 1)
    assert low <= men(war, "azerbaijani", day, "low") < men(war, "azerbaijani", day, "high") <= high
    assert low <= men(war, "azerbaijani", day) <= high


def test_forces_grow_as_the_war_goes_on(war: Scenario) -> None:
    days = [dt.date(1992, 1, 1), dt.date(1992, 9, 1), dt.date(1993, 9, 1)]
    armenian = [men(war, "armenian", d) for d in days]
    assert armenian == sorted(armenian) and armenian[-1] > 3 * armenian[0]
    low, high = ARMENIAN_1993_94
    assert low <= men(war, "armenian", dt.date(1994, 2, 15)) <= high


def test_the_air_forces_the_source_gives(war: Scenario) -> None:
    end_of_1992 = dt.date(1992, 12, 31)
    aircraft = {
        side: sum(u.aircraft.midpoint * k for u, k in on_map(war, end_of_1992) if u.side == side)
        for side in ("armenian", "azerbaijani")
    }
    assert aircraft == {"armenian": 2, "azerbaijani": 45}
    helicopters = {u.side for u in war.units if u.helicopters.midpoint > 0}
    assert helicopters == {"armenian", "azerbaijani"}


def test_the_afghans_arrive_in_august_1993_as_a_range(war: Scenario) -> None:
    afghans = war.unit("aze-afghans")
    assert (afghans.men.low, afghans.men.high) == (1000, 1500)
    assert fired_on(war)["afghan-fighters-arrive"].strftime("%Y-%m") == "1993-08"


def test_the_ceasefire_ends_the_war_on_12_may_1994(war: Scenario) -> None:
    ceasefire = [e for e in war.events if any(f.type == "ceasefire" for f in e.effects)]
    assert [(e.date, e.history) for e in ceasefire] == [(dt.date(1994, 5, 12), "ceasefire-1994")]


def test_history_links_name_timeline_events(war: Scenario) -> None:
    with (SCENARIOS_DIR / "timeline.toml").open("rb") as f:
        timeline = {e["id"] for e in tomllib.load(f)["events"]}
    linked = [e.history for e in war.events if e.history]
    linked += [op.history for op in war.operations if op.history]
    assert linked and set(linked) <= timeline


def test_every_operation_names_units_of_its_side(war: Scenario) -> None:
    units = {u.id: u for u in war.units}
    assert len(war.operations) >= 20
    for op in war.operations:
        assert op.units, op.id
        for unit_id in op.units:
            assert unit_id in units, f"{op.id}: {unit_id}"
            assert units[unit_id].side == op.side, f"{op.id}: {unit_id}"


def test_operations_have_their_units_on_the_map_and_never_twice_at_once(war: Scenario) -> None:
    for op in war.operations:
        present = {u.id for u, _ in on_map(war, op.start)}
        missing = [u for u in op.units if u not in present]
        assert not missing, f"{op.id} starts {op.start} before {missing} are on the map"
    ops = war.operations
    for i, a in enumerate(ops):
        for b in ops[i + 1 :]:
            shared = set(a.units) & set(b.units)
            assert not (shared and a.start <= b.end and b.start <= a.end), (a.id, b.id, shared)


def test_ten_turns_with_idle_controllers(war: Scenario) -> None:
    session = Session.new(war, seed=1)
    for _ in range(10):
        session.play_turn()
    assert session.state.turn == 10 and not session.finished
    assert session.state.date == dt.date(1992, 3, 11)
    kinds = {entry.kind for entry in session.log}
    assert {"event", "supply"} <= kinds
