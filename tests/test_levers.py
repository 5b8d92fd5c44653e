"""What-if levers: declared in scenario files, listed by `levers`, applied at set-up by `--set`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import UserError
from sim.rules.context import season_of
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.levers import apply_levers, lever_values, reach
from sim.session import Session
from sim.theatre import load_theatre

HERE = Path(__file__).parent
TEST_SCENARIO = HERE / "scenarios" / "levers_basic.toml"


@pytest.fixture(scope="module")
def theatre():
    return load_theatre()


@pytest.fixture(scope="module")
def basic(theatre):
    return load_scenario(TEST_SCENARIO, theatre=theatre)


def play(scenario, theatre, levers=None, turns=3, seed=1):
    session = Session.new(scenario, seed, theatre=theatre, levers=levers)
    for _ in range(turns):
        session.play_turn()
    return session


def fired(session):
    return [e.data["event"] for e in session.log if e.kind == "event"]


def test_a_switch_skips_an_event_found_by_its_history_link(basic, theatre) -> None:
    as_it_was = play(basic, theatre)
    changed = play(basic, theatre, {"no-coup": "true"})
    assert "coup" in fired(as_it_was)
    assert "coup" not in fired(changed)
    morale = {s: s.state.national_morale["azerbaijani"] for s in (as_it_was, changed)}
    # The coup's -0.2, less what the shaken side has since recovered toward its standing.
    assert 0.15 <= morale[changed] - morale[as_it_was] <= 0.2 + 1e-9


def test_a_what_if_event_happens_only_when_its_lever_is_on(basic, theatre) -> None:
    assert [e.id for e in basic.dormant_events] == ["turkish-brigade"]
    without = play(basic, theatre)
    with_it = play(basic, theatre, {"intervention": "on"})
    assert without.state.units["aze-turkish"].status == "waiting"
    assert "turkish-brigade" not in fired(without)
    assert with_it.state.units["aze-turkish"].status == "active"
    assert "turkish-brigade" in fired(with_it)


def test_numbers_scale_forces_and_switches_scale_blockades_and_capacity(basic) -> None:
    values = lever_values(basic, {"armour": "2", "border": "yes"})
    patched, rules = apply_levers(basic, values)
    tanks = patched.unit("aze-agdam").tanks
    assert (tanks.low, tanks.high) == (20, 40)
    assert patched.unit("aze-agdam").men.value == 2000  # only the forces named
    assert patched.blockades[0].reduction.value == pytest.approx(0.6)
    assert patched.supply.sources[0].capacity.value == 10
    assert rules == {}
    assert basic.unit("aze-agdam").tanks.high == 20  # the loaded scenario is untouched


def test_stability_divides_falls_in_national_morale(basic, theatre) -> None:
    steady = play(basic, theatre, {"stability": 2})
    plain = play(basic, theatre)
    assert steady.state.levers == {"morale_falls.azerbaijani": 0.5}
    entry = next(e for e in steady.log if e.kind == "event" and e.data["event"] == "coup")
    assert entry.data["effects"][0]["delta"] == pytest.approx(-0.1)
    assert steady.state.national_morale["azerbaijani"] > plain.state.national_morale["azerbaijani"]


def test_a_lever_at_its_default_plays_the_very_same_game(basic, theatre) -> None:
    plain = play(basic, theatre)
    defaults = play(basic, theatre, {"armour": "1", "no-coup": "false", "stability": "1"})
    assert [t.checksum for t in defaults.turns] == [t.checksum for t in plain.turns]


def test_winter_lever_moves_the_season_boundaries() -> None:
    november, april, january = dt.date(1992, 11, 15), dt.date(1993, 4, 20), dt.date(1993, 1, 20)
    assert season_of(november) == season_of(april) == "summer"
    assert season_of(november, 1) == season_of(april, 1) == "winter"
    assert season_of(january, -1) == "winter"
    assert season_of(dt.date(1993, 3, 10), -1) == "summer"
    assert season_of(january, -2) == "summer"


def test_bad_values_are_refused_with_a_reason(basic) -> None:
    with pytest.raises(UserError, match="no lever 'armor'.*did you mean 'armour'"):
        lever_values(basic, {"armor": "2"})
    with pytest.raises(UserError, match="armour takes a number from 0 to 3"):
        lever_values(basic, {"armour": "5"})
    with pytest.raises(UserError, match="no-coup is a switch: give true or false"):
        lever_values(basic, {"no-coup": "maybe"})
    with pytest.raises(UserError, match="'not-here' does nothing in scenario levers_basic"):
        lever_values(basic, {"not-here": "true"})


def test_levers_whose_targets_are_absent_are_not_offered(basic) -> None:
    offered = {lv.id: reach(lv, basic).offered for lv in basic.levers}
    assert offered == {
        "no-coup": True,
        "intervention": True,
        "armour": True,
        "border": True,
        "stability": True,
        "not-here": False,
    }
    missing = reach(basic.levers[-1], basic).missing
    assert "event no-such-event" in missing
    assert any("only in scenarios starting from 1993-01-01" in m for m in missing)


def test_levers_command_lists_defaults_effects_and_what_is_not_offered(capsys) -> None:
    assert main(["levers", "1992-winter"]) == 0
    out = capsys.readouterr().out
    assert "lachin-corridor-never-opened  (switch: true or false, default false)" in out
    assert "winter  (number from -2 to 2, default 0)" in out
    assert "Changes: supply lachin-corridor, event lachin-corridor-opens" in out
    assert "Not offered in 1992-winter" in out
    assert "no-june-1993-coup (No June 1993 coup in Baku): acts on event" in out
    assert main(["levers", "1992-winter", "--json"]) == 0
    data = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert data["azerbaijani-stability"]["default"] == 1.0
    assert data["no-russian-arms-1993"]["offered"] is False


def test_every_shared_lever_has_a_source_and_a_description() -> None:
    scenario = load_scenario("1992-winter")
    ids = {lv.id for lv in scenario.levers}
    assert {
        "no-russian-arms-1993",
        "no-june-1993-coup",
        "lachin-corridor-never-opened",
        "turkey-intervenes-1993",
        "azerbaijani-stability",
        "volunteers-stay-june-1992",
        "winter",
    } <= ids
    for lever in scenario.levers:
        assert lever.description and lever.provenance is not None and lever.provenance.cite()


def test_the_corridor_lever_keeps_the_corridor_shut_in_1992_winter() -> None:
    scenario = load_scenario("1992-winter")
    patched, _ = apply_levers(
        scenario, lever_values(scenario, {"lachin-corridor-never-opened": "true"})
    )
    assert "lachin-corridor-opens" not in [e.id for e in patched.events]
    line = next(x for x in patched.supply.lines if x.id == "lachin-corridor")
    assert line.capacity.value == 0


def test_saves_record_levers_and_replay_them(tmp_path: Path, theatre) -> None:
    scenario = load_scenario("1992-winter", theatre=theatre)
    levers = {"azerbaijani-stability": "1.5", "winter": "1", "lachin-corridor-never-opened": "1"}
    session = play(scenario, theatre, levers)
    path = tmp_path / "game.json"
    session.save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["levers"] == {
        "lachin-corridor-never-opened": True,
        "azerbaijani-stability": 1.5,
        "winter": 1.0,
    }
    again = Session.from_save(path)
    assert [t.checksum for t in again.turns] == [t.checksum for t in session.turns]
    assert again.levers == session.levers


def test_a_bad_lever_declaration_names_file_and_key(tmp_path: Path, theatre) -> None:
    text = (
        TEST_SCENARIO.read_text(encoding="utf-8")
        .replace(
            'effects = [{ type = "morale_falls", side = "azerbaijani" }]',
            'effects = [{ type = "morale_fall", side = "azerbaijani" }]',
        )
        .replace(
            'id = "no-coup"\nname = "No coup"\ndescription = "The coup does not happen."\n'
            'type = "bool"\ndefault = false',
            'id = "no-coup"\nname = "No coup"\n'
            'description = "The coup does not happen."\ntype = "bool"\ndefault = true',
        )
    )
    bad = tmp_path / "bad_levers.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad, theatre=theatre)
    message = str(err.value)
    assert "levers[4].effects[0].type: expected one of" in message
    assert '(did you mean "morale_falls"?)' in message
    assert "levers[0].default: a switch is off by default" in message


@pytest.mark.parametrize(
    ("scenario_id", "until"),
    [
        ("1993-summer", dt.date(1993, 9, 14)),
        ("1993-1994-winter", dt.date(1993, 12, 1)),
        ("1992-1994-war", dt.date(1993, 9, 14)),
    ],
)
def test_turkey_intervenes_lever_wakes_its_what_if_event(scenario_id, until, theatre) -> None:
    scenario = load_scenario(scenario_id, theatre=theatre)
    assert "turkey-intervenes-1993" in [e.id for e in scenario.dormant_events]
    games = {}
    for levers in ({}, {"turkey-intervenes-1993": "true"}):
        session = Session.new(scenario, 5, theatre=theatre, levers=levers)
        session.play(until=until)
        games[bool(levers)] = session
    without, with_it = games[False], games[True]
    assert "turkey-intervenes-1993" not in fired(without)
    assert fired(with_it).count("turkey-intervenes-1993") == 1
    entry = next(e for e in with_it.log if e.data.get("event") == "turkey-intervenes-1993")
    assert "did not happen" in entry.text
    # Half of the Goris detachments stay in Armenia to face Turkey; without the lever they stay.
    goris = {k: s.state.units["arm-goris"].strength()["men"] for k, s in games.items()}
    assert goris[True] < goris[False]
