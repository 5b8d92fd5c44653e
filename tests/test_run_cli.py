"""The run and replay commands as a user meets them: output, files, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.chronicle import render
from sim.cli import main
from sim.scenario import load_scenario
from sim.session import Session

SCENARIO = "1992-winter"
TEN_TURNS = "1992-03-04"  # weekly turns from 1 January: the tenth begins on 4 March


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_prints_each_sentence_then_a_summary(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "run", SCENARIO, "--seed", "3", "--until", "1992-01-20")
    assert code == 0 and err == ""
    session = Session.new(load_scenario(SCENARIO), 3)
    session.play(until=session.scenario.start.replace(day=20))
    expected = [render(e) for e in session.log]
    lines = out.splitlines()
    assert lines[: len("\n".join(expected).splitlines())] == "\n".join(expected).splitlines()
    assert "Played 3 turns (1992-01-01 to 1992-01-21) of 1992-winter, seed 3, sources draw." in out
    assert "Stopped after the turn covering 1992-01-20; next turn begins 1992-01-22." in out
    assert "Losses since the first day:" in out
    assert "  Armenian " in out and "  Azerbaijani " in out


def test_quiet_prints_only_the_summary(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "run", SCENARIO, "--seed", "3", "--until", "1992-01-20", "--quiet")
    assert code == 0
    assert out.splitlines()[0].startswith("Played 3 turns")


def test_a_whole_game_ends_on_the_scenarios_last_day(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "run", SCENARIO, "--seed", "1", "--sources", "midpoint", "--quiet")
    assert code == 0
    assert "Played 22 turns (1992-01-01 to 1992-06-02)" in out
    assert "The game is over:" in out


def test_run_writes_the_log_and_a_save(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    log, save = tmp_path / "game.jsonl", tmp_path / "game.json"
    args = ["run", SCENARIO, "--seed", "4", "--until", "1992-02-01", "--quiet"]
    code, out, _ = run(capsys, *args, "--log", str(log), "--save", str(save))
    assert code == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert f"Log: {log} ({len(lines):,} entries)." in out
    assert f"python main.py run --load {save}" in out
    for line in lines:
        entry = json.loads(line)
        assert list(entry) == sorted(entry)
        assert {"turn", "date", "kind", "text"} <= set(entry)
    doc = json.loads(save.read_text(encoding="utf-8"))
    assert (doc["seed"], doc["sources"], len(doc["turns"])) == (4, "draw", 5)
    assert doc["controllers"] == {"armenian": "idle", "azerbaijani": "idle"}


def test_run_load_goes_on_exactly_as_a_game_never_interrupted(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    whole, part, save = tmp_path / "whole.jsonl", tmp_path / "part.jsonl", tmp_path / "s.json"
    common = ["--quiet", "--control", "armenian=idle,azerbaijani=idle"]
    assert (
        main(["run", SCENARIO, "--seed", "9", "--until", TEN_TURNS, "--log", str(whole)] + common)
        == 0
    )
    assert (
        main(
            ["run", SCENARIO, "--seed", "9", "--until", "1992-01-29", "--save", str(save)] + common
        )
        == 0
    )
    capsys.readouterr()
    code, out, _ = run(
        capsys, "run", "--load", str(save), "--until", TEN_TURNS, "--log", str(part), "--quiet"
    )
    assert code == 0
    assert f"Loaded {save}: 5 turns replayed, all checksums match" in out
    assert "Played 5 turns (1992-02-05 to 1992-03-10)" in out
    assert part.read_bytes() == whole.read_bytes()


def test_replay_reports_a_matching_save(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    save = tmp_path / "game.json"
    main(["run", SCENARIO, "--seed", "2", "--until", "1992-01-29", "--quiet", "--save", str(save)])
    capsys.readouterr()
    assert run(capsys, "replay", str(save)) == (0, "replayed 5 turns, all checksums match\n", "")


def test_replay_stops_at_the_first_turn_that_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    save = tmp_path / "game.json"
    main(["run", SCENARIO, "--seed", "2", "--until", "1992-01-29", "--quiet", "--save", str(save)])
    doc = json.loads(save.read_text(encoding="utf-8"))
    doc["turns"][2]["checksum"] = "91c0" + doc["turns"][2]["checksum"][4:]
    expected = doc["turns"][2]["checksum"]
    save.write_text(json.dumps(doc), encoding="utf-8")
    capsys.readouterr()
    code, out, err = run(capsys, "replay", str(save))
    assert code == 1 and out == ""
    assert err.startswith(
        f"error: turn 3 (1992-01-15): state differs from the save (expected {expected[:8]}…, got "
    )
    assert "the rules or the scenario changed since the save was made" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "karabakh-1992-94-save", "version": 1, "tu', "damaged or incomplete"),
        ('{"type": "FeatureCollection"}', "is not a save of this game"),
        ('{"format": "karabakh-1992-94-save", "version": 3}', "made by a newer version"),
    ],
)
def test_replay_of_a_bad_save_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture, content: str, message: str
) -> None:
    save = tmp_path / "bad.json"
    save.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "replay", str(save))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run"], "give a SCENARIO and a --seed to start a game, or --load SAVE"),
        (["run", SCENARIO], "give a --seed for the game"),
        (["run", SCENARIO, "--seed", "seven"], "the seed must be a whole number, not 'seven'"),
        (["run", SCENARIO, "--seed", "-2"], "the seed must be 0 or more"),
        (
            ["run", SCENARIO, "--seed", "1", "--until", "1992-02-30"],
            "expected a date as YYYY-MM-DD",
        ),
        (
            ["run", SCENARIO, "--seed", "1", "--until", "1991-12-01"],
            "is before the scenario starts",
        ),
        (
            ["run", SCENARIO, "--seed", "1", "--control", "russian=idle"],
            "unknown side 'russian'; the sides are armenian, azerbaijani",
        ),
        (
            ["run", SCENARIO, "--seed", "1", "--control", "armenian=genius"],
            "unknown controller kind 'genius'; the kinds are idle",
        ),
        (["run", SCENARIO, "--seed", "1", "--control", "armenian"], "expected SIDE=KIND pairs"),
        (["run", SCENARIO, "--seed", "1", "--sources", "max"], "invalid choice: 'max'"),
        (["run", "1993-autumn", "--seed", "1"], 'no scenario "1993-autumn"'),
        (["run", "--load", "no-such-save.json"], "cannot read the save no-such-save.json"),
        (["replay", "no-such-save.json"], "cannot read the save no-such-save.json"),
    ],
)
def test_bad_arguments_get_a_message_and_exit_2(
    capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err and "Traceback" not in err


def test_help_shows_examples(capsys: pytest.CaptureFixture) -> None:
    for command in ("run", "replay"):
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert "examples:" in out and f"python main.py {command}" in out


def test_run_sets_levers_and_its_save_replays_them(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    plain, log, save = tmp_path / "plain.jsonl", tmp_path / "whatif.jsonl", tmp_path / "s.json"
    common = [SCENARIO, "--seed", "6", "--until", "1992-02-15", "--quiet"]
    assert main(["run", *common, "--log", str(plain)]) == 0
    levers = ["--set", "winter=1", "--set", "azerbaijani-stability=2"]
    code, out, _ = run(capsys, "run", *common, *levers, "--log", str(log), "--save", str(save))
    assert code == 0
    assert "levers azerbaijani-stability=2, winter=1." in out
    assert log.read_bytes() != plain.read_bytes()
    doc = json.loads(save.read_text(encoding="utf-8"))
    assert doc["levers"] == {"azerbaijani-stability": 2.0, "winter": 1.0}
    assert run(capsys, "replay", str(save)) == (0, "replayed 7 turns, all checksums match\n", "")
    # Going on from the save plays the what-if, as a game never interrupted would.
    whole = tmp_path / "whole.jsonl"
    longer = [SCENARIO, "--seed", "6", "--until", "1992-03-15", "--quiet", *levers]
    assert main(["run", *longer, "--log", str(whole)]) == 0
    part = tmp_path / "part.jsonl"
    code, out, _ = run(
        capsys, "run", "--load", str(save), "--until", "1992-03-15", "--log", str(part), "--quiet"
    )
    assert code == 0 and "levers azerbaijani-stability=2, winter=1" in out
    assert part.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "wintr=1"], "no lever 'wintr' in scenario 1992-winter; did you mean 'winter'?"),
        (["--set", "winter=9"], "lever winter takes a number from -2 to 2"),
        (["--set", "lachin-corridor-never-opened=maybe"], "is a switch: give true or false"),
        (["--set", "winter"], "expected LEVER=VALUE"),
        (["--set", "winter=1", "--set", "winter=2"], "--set gives winter more than once"),
        (["--set", "turkey-intervenes-1993=true"], "does nothing in scenario 1992-winter"),
    ],
)
def test_a_bad_lever_gets_a_message_and_exit_2(
    capsys: pytest.CaptureFixture, extra: list[str], message: str
) -> None:
    try:
        code = main(["run", SCENARIO, "--seed", "1", "--until", "1992-01-01", *extra])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("option", "value"),
    [("--seed", "3"), ("--set", "winter=1")],
    ids=["a seed", "levers"],
)
def test_load_refuses_a_seed_or_levers_of_its_own(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    save = tmp_path / "game.json"
    main(["run", SCENARIO, "--seed", "2", "--until", "1992-01-01", "--quiet", "--save", str(save)])
    capsys.readouterr()
    code, _, err = run(capsys, "run", "--load", str(save), option, value)
    assert code == 2
    assert f"{option} cannot be given with --load" in err
