"""The historical plan: the operations that really happened, ordered, and the rules deciding.

What a user notices: `--control armenian=historical,azerbaijani=historical` plays every
scenario to its end; the plan attacks only where and when history says an offensive was made;
every order it gives is one the rules accept; the same seed gives the same orders; and it
never changes the game through the state it is shown.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sim.controllers import controller_rng, make_controller
from sim.controllers import historical as historical_module
from sim.controllers.historical import HistoricalController, active_operations
from sim.orders import Attack
from sim.rules.legality import check_orders
from sim.scenario import load_scenario
from sim.scenario.paths import SCENARIOS_DIR
from sim.session import Session
from sim.sides import SIDE_IDS

SCENARIOS = sorted(p.stem for p in SCENARIOS_DIR.glob("*.toml") if p.stem != "timeline")
LONG = {"1992-1994-war"}


def historical() -> dict[str, HistoricalController]:
    return {side: make_controller("historical", side) for side in SIDE_IDS}  # type: ignore[misc]


def _war_played(seed: int, until: dt.date | None = None) -> Session:
    """The whole war under both historical plans, played to the turn that begins on or before
    `until` (to its end without one)."""
    session = Session.new(load_scenario("1992-1994-war"), seed, controllers=historical())
    session.play(until=until)
    return session


def test_the_historical_kind_is_registered() -> None:
    controller = make_controller("historical", "armenian")
    assert controller.kind == "historical"
    assert controller.side == "armenian"


@pytest.mark.parametrize("scenario_id", [s for s in SCENARIOS if s not in LONG])
def test_each_scenario_runs_to_its_end_under_the_historical_plan(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    session = Session.new(scenario, 1, controllers=historical())
    session.play()
    assert session.finished
    assert session.state.turn >= 1
    rejected = [e.text for e in session.log if e.kind == "order_rejected"]
    # An order may only be refused when something happened in the turn the plan could not see
    # (a unit withdrawn by an event in the events phase); never more than a handful.
    assert len(rejected) <= 3, rejected


@pytest.mark.skipif(
    not (SCENARIOS_DIR / "1992-1994-war.toml").exists(), reason="no whole-war scenario yet"
)
def test_the_whole_war_runs_to_its_end_under_the_historical_plan() -> None:
    session = _war_played(1)
    assert session.finished


class Recording(HistoricalController):
    """The historical plan, keeping what it was shown and what it ordered."""

    def __init__(self, side: str) -> None:
        super().__init__(side)
        self.shown: list = []
        self.given: list = []

    def orders(self, state, rng):
        before = state.checksum()
        given = super().orders(state, rng)
        assert state.checksum() == before, "the plan changed the state it was shown"
        self.shown.append(state.copy())
        self.given.append(given)
        return given


def recorded_game(
    until: dt.date | None = None, scenario_id: str = "1992-winter"
) -> tuple[Session, dict[str, Recording]]:
    controllers = {side: Recording(side) for side in SIDE_IDS}
    session = Session.new(load_scenario(scenario_id), 3, controllers=controllers)
    session.play(until=until)
    return session, controllers


def test_the_plan_is_shown_the_live_state_and_leaves_it_as_it_was() -> None:
    """The session spares the plan a copy of the state (it only reads it); `Recording` checks
    every turn that the state's checksum is the same after the plan's orders as before."""
    session, controllers = recorded_game(scenario_id="1993-summer")
    assert session.finished
    assert all(len(c.given) == session.state.turn for c in controllers.values())


def test_every_order_passes_the_rules_own_check() -> None:
    _, controllers = recorded_game()
    for side, controller in controllers.items():
        for state, given in zip(controller.shown, controller.given, strict=True):
            verdicts = check_orders(state, side, given)
            assert all(v.legal for v in verdicts), [str(v.error) for v in verdicts if v.error]


def test_attacks_come_only_in_the_windows_of_historical_operations() -> None:
    _, controllers = recorded_game()
    for side, controller in controllers.items():
        for state, given in zip(controller.shown, controller.given, strict=True):
            attacks = [o for o in given if isinstance(o, Attack)]
            engaged = [op for op, on in active_operations(state, side) if on]
            if attacks:
                assert engaged, f"{side} attacked on {state.date} with no operation under way"
                named = {u for op in engaged for u in op.units}
                for attack in attacks:
                    assert set(attack.units) <= named, attack


def test_the_khojaly_assault_assembles_then_attacks() -> None:
    session, controllers = recorded_game(until=dt.date(1992, 3, 4))
    combats = [
        e
        for e in session.log
        if e.kind == "combat" and e.data.get("place") == "khojaly" and e.data["side"] == "armenian"
    ]
    assert combats, "no Armenian attack on Khojaly by early March 1992"
    first = min(e.date for e in combats)
    assert dt.date(1992, 2, 19) <= first <= dt.date(1992, 2, 26)
    attackers = {a["unit"] for a in combats[0].data["attackers"]}
    assert attackers <= {
        "arm-askeran",
        "arm-stepanakert",
        "arm-cis-366th",
        "arm-armour",
        "arm-artillery",
        "arm-helicopters",
        "arm-gunships",
    }


def test_same_seed_same_orders() -> None:
    def orders_of(seed: int) -> list:
        session = Session.new(load_scenario("1992-winter"), seed, controllers=historical())
        session.play(until=dt.date(1992, 3, 4))
        return [t.orders for t in session.turns]

    assert orders_of(5) == orders_of(5)


def test_the_plan_draws_no_chance() -> None:
    scenario = load_scenario("1992-winter")
    session = Session.new(scenario, 2, controllers=historical())
    session.play(until=dt.date(1992, 2, 1))
    controller = HistoricalController("armenian")
    state = session.state.copy()
    a = controller.orders(state, controller_rng(1, "armenian", state.turn))
    b = controller.orders(state, controller_rng(99, "armenian", state.turn))
    assert a == b


def test_a_bad_option_is_a_user_error() -> None:
    from sim.errors import UserError

    with pytest.raises(UserError, match="historical"):
        make_controller("historical", "armenian", assembly_days="soon")


@pytest.mark.skipif(
    not (SCENARIOS_DIR / "1992-1994-war.toml").exists(), reason="no whole-war scenario yet"
)
def test_a_force_assembling_from_far_off_sets_out_early_enough() -> None:
    """A force is massed before it attacks: units several turns' march from their assembly area
    set out that many turns before the start, not only `ASSEMBLY_DAYS` before (and without the
    longer lead, `max_assembly_days=0`, they would still be holding the line)."""
    import dataclasses

    scenario = load_scenario("1992-1994-war")
    session = Session.new(scenario, 1, controllers=historical())
    state = session.state
    raid = next(op for op in scenario.operations if op.id == "op-karintak")  # starts 26 Jan
    for stage, sets_out in (("shusha", False), ("agdam", True)):
        state.scenario = dataclasses.replace(
            scenario, operations=(dataclasses.replace(raid, stage=stage),)
        )
        assert bool(active_operations(state, "azerbaijani")) is sets_out, stage
        assert not active_operations(state, "azerbaijani", max_assembly_days=0)


def _blocker_attacks(monkeypatch: pytest.MonkeyPatch, floor: float) -> list[float]:
    """Odds of the Armenian attacks of March–April 1993 on Drmbon, which no operation then
    names: troops standing in the way of the Kalbajar force (whole war, seed 3). The force
    meets them there when it assembles along the terrain's way rather than over its own ground
    and fights whatever stands in its way (`ASSEMBLE_OVER_OWN_GROUND` and `BYPASS_BLOCKERS`
    off), which is the case this floor is tried on. (The plan judges the odds with the supply
    its units had at the start of the turn; the supply phase can still lower them before the
    fight.)"""
    monkeypatch.setattr(historical_module, "BLOCKER_MIN_ODDS", floor)
    monkeypatch.setattr(historical_module, "ASSEMBLE_OVER_OWN_GROUND", False)
    monkeypatch.setattr(historical_module, "BYPASS_BLOCKERS", False)
    return _attack_odds(3, "armenian", dt.date(1993, 3, 1), dt.date(1993, 4, 20), "drmbon")


def _attack_odds(
    seed: int, side: str, since: dt.date, until: dt.date, place: str | None = None
) -> list[float]:
    """Odds of `side`'s attacks (on `place`, if given) from `since` in the whole war under
    both historical plans, played to the turn that begins on or before `until`."""
    session = _war_played(seed, until)
    return [
        e.data["ratio"]
        for e in session.log
        if e.kind == "combat"
        and e.data["side"] == side
        and (place is None or e.data.get("place") == place)
        and e.date >= since
    ]


def test_units_on_their_way_do_not_storm_troops_in_their_way_at_hopeless_odds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the floor the Kalbajar force, pinned beside the Azerbaijani brigade at Drmbon,
    attacks it week after week at about 0.1:1 and is worn away; with it, it waits."""
    assert any(r < 0.5 for r in _blocker_attacks(monkeypatch, 0.0))
    assert all(r >= historical_module.BLOCKER_MIN_ODDS for r in _blocker_attacks(monkeypatch, 0.5))


def _winter_attacks_1994(monkeypatch: pytest.MonkeyPatch, floor: float) -> list[float]:
    """Odds of the Azerbaijani attacks of January and February 1994 (whole war, seed 5): the
    winter offensives on Horadiz and on Mardakert, which ends in front of the town."""
    monkeypatch.setattr(historical_module, "OBJECTIVE_MIN_ODDS", floor)
    return _attack_odds(5, "azerbaijani", dt.date(1994, 1, 1), dt.date(1994, 3, 1))


def test_an_offensive_is_not_pressed_on_its_objective_at_hopeless_odds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the floor the spent Mardakert force storms the town week after week, down to
    0.1:1 in February 1994; with it, it stops short. (The plan judges the odds before the
    turn's moves, so the fight itself may come out a little lower.)"""
    floor = historical_module.OBJECTIVE_MIN_ODDS
    assert any(r < 0.2 for r in _winter_attacks_1994(monkeypatch, 0.0))
    assert all(r >= 0.3 for r in _winter_attacks_1994(monkeypatch, floor))


TARTAR_COLUMN = ("aze-brigade-tartar", "aze-tartar", "aze-omon-tartar", "aze-pf-tartar")


def _column_after_june_1992(monkeypatch: pytest.MonkeyPatch, ratio: float) -> dict[str, float]:
    """Men of the Tartar column of the June 1992 offensive in Drmbon (its last objective, a
    village) and in Mardakert (the town behind it) on 1 August 1992 (whole war, seed 1)."""
    monkeypatch.setattr(historical_module, "HELD_GARRISON_RATIO", ratio)
    session = _war_played(1, dt.date(1992, 8, 1))
    state = session.state
    out = {}
    for place in ("drmbon", "martakert"):
        assert state.holder_of(place) == "azerbaijani"
        index = state.theatre.places[place].index
        out[place] = sum(
            u.men for uid in TARTAR_COLUMN if (u := state.units[uid]).active and u.index == index
        )
    return out


def test_a_finished_offensive_leaves_a_garrison_in_the_village_and_its_reserve_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the rule the whole column (some 5,000 men) stays in Drmbon, on the only road to
    Mardakert, and Mardakert stands empty; with it Drmbon keeps a garrison sized to the
    Armenian troops near it and the rest stand in Mardakert as the front's reserve."""
    ratio = historical_module.HELD_GARRISON_RATIO
    off = _column_after_june_1992(monkeypatch, 0.0)
    assert off["drmbon"] > 4000 and off["martakert"] == 0
    on = _column_after_june_1992(monkeypatch, ratio)
    assert 0 < on["drmbon"] < off["drmbon"] / 2
    assert on["martakert"] > on["drmbon"]


def _tank_group_from_hadrut(monkeypatch: pytest.MonkeyPatch, own_ground: bool) -> int:
    """Hexes between Hadrut, where the force for Fuzuli and Jabrail assembles, and the second
    tank group, which sets out from the Lachin corridor, when the offensive opens on 10 August
    1993 (whole war, seed 5)."""
    monkeypatch.setattr(historical_module, "ASSEMBLE_OVER_OWN_GROUND", own_ground)
    session = _war_played(5, dt.date(1993, 8, 9))
    state = session.state
    unit = state.units["arm-tank-regiment-2"]
    hadrut = state.theatre.places["hadrut"].index
    return state.theatre.hex_of(unit.index).distance(state.theatre.hex_of(hadrut))


@pytest.mark.skipif(
    not (SCENARIOS_DIR / "1992-1994-war.toml").exists(), reason="no whole-war scenario yet"
)
def test_an_assembling_unit_marches_over_its_own_ground_and_arrives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Following the terrain's shortest way, which runs into the Azerbaijani-held Qubadli
    district, the tank group walks to the edge of its ground and back, turn after turn, and is
    still by the corridor when the offensive opens; marching over its own ground it is there.
    (Seed 5 is one where the own-ground way is short: see the switch's docstring.)"""
    assert _tank_group_from_hadrut(monkeypatch, False) > 8
    assert _tank_group_from_hadrut(monkeypatch, True) <= 5


def _men_attacking_jabrail(monkeypatch: pytest.MonkeyPatch, bypass: bool) -> float:
    """Most men of the operation on Fuzuli and Jabrail that attack Jabrail in one turn before
    its window closes on 10 September 1993 (whole war, seed 3)."""
    monkeypatch.setattr(historical_module, "BYPASS_BLOCKERS", bypass)
    session = _war_played(3, dt.date(1993, 9, 10))
    return max(
        (
            sum(a["before"]["men"] for a in e.data["attackers"] if not a["air"])
            for e in session.log
            if e.kind == "combat"
            and e.data["side"] == "armenian"
            and e.data.get("place") == "jabrayil"
        ),
        default=0.0,
    )


@pytest.mark.skipif(
    not (SCENARIOS_DIR / "1992-1994-war.toml").exists(), reason="no whole-war scenario yet"
)
def test_a_force_goes_round_troops_in_its_way_rather_than_fight_for_the_road(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After Fuzuli falls the shortest way to Jabrail runs through the plain where the Fuzuli
    brigade stands: fighting for it, the force never reaches Jabrail; going round by the hills,
    most of it attacks Jabrail together."""
    assert _men_attacking_jabrail(monkeypatch, False) == 0
    assert _men_attacking_jabrail(monkeypatch, True) > 3000


def _first_shusha_assault(
    monkeypatch: pytest.MonkeyPatch, wait_for: float
) -> tuple[str, set, float]:
    """Date, units and odds of the first Armenian attack on Shusha (whole war, seed 14)."""
    monkeypatch.setattr(historical_module, "WAIT_FOR_CLOSING", wait_for)
    session = _war_played(14, dt.date(1992, 5, 20))
    first = next(
        e for e in session.log
        if e.kind == "combat" and e.data["side"] == "armenian" and e.data.get("place") == "shusha"
    )
    return first.date.isoformat(), set(first.data["order"]["units"]), first.data["ratio"]


@pytest.mark.skipif(
    not (SCENARIOS_DIR / "1992-1994-war.toml").exists(), reason="no whole-war scenario yet"
)
def test_the_assault_on_shusha_waits_for_the_detachments_still_closing_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the turn of 29 April the Stepanakert detachment and the tanks are a turn short of
    Shusha while fewer than twice their men stand next to it: going in without them is an
    attack at under 0.8:1; waiting a week, the whole force attacks together at about 1.4:1."""
    wait_for = historical_module.WAIT_FOR_CLOSING
    early, early_units, early_odds = _first_shusha_assault(monkeypatch, 1.0)
    date, units, odds = _first_shusha_assault(monkeypatch, wait_for)
    assert early == "1992-04-29" and "arm-stepanakert" not in early_units and early_odds < 0.8
    assert date == "1992-05-06" and {"arm-stepanakert", "arm-armour"} <= units and odds > 1.2
