"""The scenarios, show and validate commands: exit codes, output and the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.tiny_theatre import write_scenarios_dir

from sim.cli import main


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenarios_dir(tmp_path_factory.mktemp("cli"))


@pytest.fixture
def here(scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run as if from the fixture project: its scenarios/ is the game's."""
    monkeypatch.setattr("sim.scenario.paths.SCENARIOS_DIR", scenarios)
    monkeypatch.chdir(scenarios.parent)
    return scenarios


def test_scenarios_json_lists_the_valid_ones(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["scenarios", "--json"]) == 0
    out, err = capsys.readouterr()
    listed = json.loads(out)
    assert listed == [
        {
            "id": "valid",
            "title": "Fixture: winter",
            "start": "1992-01-01",
            "end": "1992-03-31",
            "turn_days": 7,
            "path": "scenarios/valid.toml",
        }
    ]
    assert "scenarios/syntax_error.toml cannot be loaded (1 problem;" in err
    assert "scenarios/three_mistakes.toml cannot be loaded (3 problems;" in err


def test_scenarios_text(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["scenarios"]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines() == ["valid  1992-01-01 to 1992-03-31   7 days a turn  Fixture: winter"]


def test_show_json_shape(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", "valid", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"id", "title", "start", "end", "turn_days", "map", "places", "sides"} <= set(data)
    assert (data["id"], data["start"], data["end"], data["turn_days"]) == (
        "valid",
        "1992-01-01",
        "1992-03-31",
        7,
    )
    assert data["map"]["hexes"] == 17 * 13
    assert data["map"]["hex_km"] == pytest.approx(3.4641, abs=1e-4)
    assert data["sides"]["armenian"] == {
        "men": 1500,
        "tanks": 2,
        "afv": 0,
        "artillery": 0,
        "aircraft": 0,
        "helicopters": 0,
    }
    places = {p["name"]: p for p in data["places"]}
    assert "Yerevan" not in places  # off the map
    shusha = places["Shusha"]
    assert set(shusha) >= {"name", "aliases", "lat", "lon", "hex", "hex_lat", "hex_lon"}
    assert set(shusha) >= {"terrain", "owner", "district"}
    assert (shusha["hex"], shusha["owner"], shusha["district"]) == ([0, 2], "azerbaijani", "shusha")
    assert shusha["aliases"] == ["Shushi"]
    assert places["Stepanakert"]["owner"] == "armenian"
    assert places["Jolfa"]["owner"] == "neutral"


def test_show_text_and_by_path(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", "scenarios/valid.toml"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Fixture: winter\n")
    assert "1992-01-01 to 1992-03-31: 13 turns of 7 days" in out
    assert "armenian     1,500 men, 2 tanks" in out
    assert "rail-blockade" in out and "Stepanakert (Khankendi, Xankəndi)" in out


def test_show_unknown_scenario_suggests(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["show", "vaild"]) == 2
    err = capsys.readouterr().err
    assert err == 'error: scenarios: no scenario "vaild" (did you mean "valid"?)\n'


def test_validate_ok(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", "scenarios/valid.toml", "valid"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["scenarios/valid.toml: ok (4 units, 4 events, 13 turns)"] * 2
    assert err == ""


def test_validate_lists_every_problem_and_exits_2(
    here: Path, capsys: pytest.CaptureFixture
) -> None:
    code = main(
        [
            "validate",
            "scenarios/valid.toml",
            "scenarios/three_mistakes.toml",
            "scenarios/syntax_error.toml",
        ]
    )
    assert code == 2
    out, err = capsys.readouterr()
    assert out == "scenarios/valid.toml: ok (4 units, 4 events, 13 turns)\n"
    lines = err.splitlines()
    assert lines[:3] == [
        'scenarios/three_mistakes.toml:13: units[0].side: expected one of "armenian", '
        '"azerbaijani", found "armenain" (did you mean "armenian"?)',
        "scenarios/three_mistakes.toml:18: units[0].morale: expected a number between 0 and 2, "
        "found 3",
        'scenarios/three_mistakes.toml:24: units[1].place: "Shushaa" is not a place on the map '
        '(did you mean "Shusha"?)',
    ]
    assert lines[3].startswith("scenarios/syntax_error.toml:9: TOML syntax error")
    assert lines[4] == "4 problems in 2 of 3 files"
    assert "Traceback" not in err


def test_validate_a_missing_file(here: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", "scenarios/nothing.toml"]) == 2
    assert "scenarios/nothing.toml: no such file" in capsys.readouterr().err


def test_help_has_examples(capsys: pytest.CaptureFixture) -> None:
    for command in ("scenarios", "show", "validate"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example" in capsys.readouterr().out
