"""Saves: the file a player keeps, its format, and every way loading one can go wrong.

A game loaded from a save and continued must be the game never interrupted, and a save that
is damaged, foreign, newer, or made with another scenario must say so plainly.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.chronicle import to_json_line
from sim.controllers import ReplayController, make_controller
from sim.errors import UserError
from sim.hexgrid import Hex
from sim.orders import Attack, Move
from sim.saves import SAVE_FORMAT, SAVE_VERSION, parse_save, read_save, save_data, save_text
from sim.scenario import SCENARIOS_DIR, load_scenario
from sim.session import ReplayDivergence, Session

SCENARIO = "1992-winter"


def scripted() -> dict[str, ReplayController]:
    """Orders for the first turns of 1992-winter: a move, then an attack by each side."""
    return {
        "armenian": ReplayController(
            "armenian",
            {
                1: [Move("arm-askeran", Hex(12, -4))],
                2: [Attack(Hex(9, -1), ("arm-stepanakert", "arm-armour"))],
            },
        ),
        "azerbaijani": ReplayController(
            "azerbaijani", {3: [Attack(Hex(6, 2), ("aze-shusha", "aze-shusha-omon"))]}
        ),
    }


def log_text(session: Session) -> str:
    return "".join(to_json_line(e) + "\n" for e in session.log)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, scenario) -> Path:
    """A save of 4 turns with orders of both sides."""
    session = Session.new(scenario, 5, controllers=scripted())
    for _ in range(4):
        session.play_turn()
    path = tmp_path_factory.mktemp("saves") / "game.json"
    session.save(path)
    return path


def test_the_save_holds_scenario_seed_orders_checksums_and_generator(saved: Path, scenario):
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["format"] == SAVE_FORMAT and doc["version"] == SAVE_VERSION
    assert doc["scenario"] == {
        "id": SCENARIO,
        "sha256": scenario.sha256,
        "path": "scenarios/1992-winter.toml",
    }
    assert (doc["seed"], doc["sources"]) == (5, "draw")
    assert doc["controllers"] == {"armenian": "replay", "azerbaijani": "replay"}
    assert [t["turn"] for t in doc["turns"]] == [1, 2, 3, 4]
    assert [t["date"] for t in doc["turns"]] == [
        "1992-01-01",
        "1992-01-08",
        "1992-01-15",
        "1992-01-22",
    ]
    assert doc["turns"][1]["orders"]["armenian"] == [
        {"order": "attack", "target": [9, -1], "units": ["arm-stepanakert", "arm-armour"]}
    ]
    assert all(len(t["checksum"]) == 64 for t in doc["turns"])
    assert doc["rng_state"]["bit_generator"] == "PCG64"
    assert all(isinstance(v, str) for v in doc["rng_state"]["state"].values())


def test_writing_a_save_leaves_no_temporary_file(tmp_path: Path, scenario) -> None:
    session = Session.new(scenario, 1)
    session.play_turn()
    target = tmp_path / "game.json"
    target.write_text("an older save", encoding="utf-8")
    session.save(target)
    assert [p.name for p in tmp_path.iterdir()] == ["game.json"]
    assert read_save(target).turns[0].turn == 1


def test_a_loaded_and_continued_game_is_the_game_never_interrupted(saved: Path, scenario):
    whole = Session.new(scenario, 5, controllers=scripted())
    whole.play(until=dt.date(1992, 3, 4))
    loaded = Session.from_save(saved, controllers=scripted())
    assert loaded.state.turn == 4 and loaded.state.date == dt.date(1992, 1, 29)
    loaded.play(until=dt.date(1992, 3, 4))
    assert loaded.state.turn == whole.state.turn == 10
    assert log_text(loaded) == log_text(whole)
    assert save_text(save_data(loaded)) == save_text(save_data(whole))


def test_saving_a_loaded_game_writes_the_same_file(saved: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    Session.from_save(saved, controllers=scripted()).save(again)
    assert again.read_text(encoding="utf-8") == saved.read_text(encoding="utf-8")


def test_controllers_come_from_the_save_unless_given(tmp_path: Path, scenario) -> None:
    session = Session.new(scenario, 2)
    session.play_turn()
    path = tmp_path / "idle.json"
    session.save(path)
    loaded = Session.from_save(path)
    assert {s: c.kind for s, c in loaded.controllers.items()} == {
        "armenian": "idle",
        "azerbaijani": "idle",
    }
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["controllers"]["azerbaijani"] = "oracle"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UserError, match="unknown controller kind 'oracle'; the kinds are idle"):
        Session.from_save(path)
    given = {"azerbaijani": scripted()["azerbaijani"]}
    assert Session.from_save(path, controllers=given).controllers["azerbaijani"].kind == "replay"


def test_an_ai_sides_level_is_saved_and_the_loaded_game_plays_on_at_it(tmp_path: Path, scenario):
    ai = make_controller("ai", "azerbaijani", level=3)
    session = Session.new(scenario, 2, controllers={"azerbaijani": ai})
    session.play_turn()
    path = tmp_path / "ai.json"
    session.save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["ai_levels"] == {"azerbaijani": 3}
    assert Session.from_save(path).controllers["azerbaijani"].level == 3
    assert Session.from_save(path, ai_level=1).controllers["azerbaijani"].level == 1


def test_a_save_without_an_ai_side_has_no_ai_levels(saved: Path) -> None:
    assert "ai_levels" not in json.loads(saved.read_text(encoding="utf-8"))


def test_a_changed_scenario_is_refused_with_both_hashes(tmp_path: Path) -> None:
    root = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS_DIR / "common", root / "common")
    shutil.copytree(SCENARIOS_DIR / "theatre", root / "theatre")
    copy = root / "winter-copy.toml"
    shutil.copyfile(SCENARIOS_DIR / f"{SCENARIO}.toml", copy)
    session = Session.new(load_scenario(copy), 3)
    session.play_turn()
    save = tmp_path / "game.json"
    session.save(save)
    before = session.scenario.sha256
    assert json.loads(save.read_text(encoding="utf-8"))["scenario"]["path"] == copy.as_posix()
    with copy.open("a", encoding="utf-8") as f:
        f.write("\n# an edit after the game was saved\n")
    after = load_scenario(copy).sha256
    with pytest.raises(UserError) as err:
        Session.from_save(save)
    message = str(err.value)
    assert "the scenario winter-copy changed since the save was made" in message
    assert before[:16] in message and after[:16] in message


def test_a_save_is_found_by_its_scenario_id_when_the_path_moved(saved: Path, tmp_path: Path):
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["scenario"]["path"] = "/nowhere/1992-winter.toml"
    moved = tmp_path / "moved.json"
    moved.write_text(json.dumps(doc), encoding="utf-8")
    assert Session.from_save(moved, controllers=scripted()).state.turn == 4


def test_a_missing_scenario_is_named(saved: Path, tmp_path: Path) -> None:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["scenario"] = {"id": "1991-autumn-lost", "sha256": "0" * 64, "path": "nowhere.toml"}
    path = tmp_path / "lost.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UserError, match="the save.s scenario 1991-autumn-lost is neither in"):
        Session.from_save(path)


def test_a_tampered_checksum_stops_the_replay_at_that_turn(saved: Path, tmp_path: Path):
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["turns"][2]["checksum"] = "3fa2" + "0" * 60
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReplayDivergence) as err:
        Session.from_save(path, controllers=scripted())
    assert err.value.turn == 3 and err.value.exit_code == 1
    assert str(err.value).startswith(
        "turn 3 (1992-01-15): state differs from the save (expected 3fa20000…, got "
    )
    assert str(err.value).endswith("; the rules or the scenario changed since the save was made")


def _edited(saved: Path, edit) -> str:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    edit(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("make_text", "message"),
    [
        (lambda s: s.read_text()[:300], "is damaged or incomplete: not valid JSON"),
        (lambda s: "", "is damaged or incomplete"),
        (lambda s: "[1, 2, 3]", "is not a save of this game (it holds a JSON list"),
        (lambda s: '{"name": "a map"}', "is not a save of this game (no format"),
        (lambda s: '{"a": 1}\n{"b": 2}\n', "a log written by --log is not a save"),
        (
            lambda s: _edited(s, lambda d: d.update(version=2, program_version="0.9")),
            "was made by a newer version of the program (program version 0.9): save format"
            " version 2, this program reads up to version 1",
        ),
        (lambda s: _edited(s, lambda d: d.update(seed="7")), "seed: expected a whole number"),
        (lambda s: _edited(s, lambda d: d.update(seed=True)), "seed: expected a whole number"),
        (lambda s: _edited(s, lambda d: d.update(sources="max")), "sources: expected one of"),
        (lambda s: _edited(s, lambda d: d.pop("turns")), "incomplete save, missing: turns"),
        (lambda s: _edited(s, lambda d: d.update(extra=1)), "unexpected keys in a save: extra"),
        (
            lambda s: _edited(s, lambda d: d.update(ai_levels={"azerbaijani": 5})),
            "ai_levels.azerbaijani: expected 1, 2 or 3, found 5",
        ),
        (
            lambda s: _edited(s, lambda d: d["turns"][1].update(turn=7)),
            "turns[1].turn: expected turn 2, found 7",
        ),
        (
            lambda s: _edited(s, lambda d: d["turns"][0].update(date="1 Jan 1992")),
            "turns[0].date: expected a date YYYY-MM-DD",
        ),
        (
            lambda s: _edited(
                s, lambda d: d["turns"][1]["orders"]["armenian"][0].update(target=[9])
            ),
            "turns[1].orders.armenian[0]: a hex must be [q, r] with two integers",
        ),
        (
            lambda s: _edited(s, lambda d: d["turns"][0]["orders"].update(russian=[])),
            'turns[0].orders: unknown side "russian"',
        ),
        (
            lambda s: _edited(s, lambda d: d["rng_state"].update(bit_generator="MT19937")),
            "rng_state: expected the state of a PCG64 generator",
        ),
        (
            lambda s: _edited(s, lambda d: d["turns"][0].update(date="1992-01-02")),
            "turn 1 begins on 1992-01-01, not on 1992-01-02",
        ),
    ],
)
def test_bad_saves_get_a_clear_message(saved: Path, tmp_path: Path, make_text, message) -> None:
    path = tmp_path / "bad.json"
    path.write_text(make_text(saved), encoding="utf-8")
    with pytest.raises(UserError, match=re.escape(message)):
        Session.from_save(path, controllers=scripted())


def test_an_unreadable_save_is_named(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read the save .*missing.json"):
        read_save(tmp_path / "missing.json")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(UserError, match="not a save of this game \\(not UTF-8 text\\)"):
        read_save(tmp_path / "binary.json")


def test_orders_given_after_the_game_ended_are_refused(scenario, tmp_path: Path) -> None:
    session = Session.new(scenario, 4, sources="midpoint")
    session.play()
    assert session.finished
    doc = save_data(session)
    last = doc["turns"][-1]
    doc["turns"].append({**last, "turn": last["turn"] + 1, "date": "1992-06-03"})
    path = tmp_path / "beyond.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UserError, match="the game had already ended"):
        Session.from_save(path)


# --- fuzzing: a mutated save only ever raises UserError --------------------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@pytest.fixture(scope="module")
def small_save(tmp_path_factory: pytest.TempPathFactory, scenario) -> str:
    session = Session.new(scenario, 8, controllers=scripted())
    for _ in range(2):
        session.play_turn()
    return save_text(save_data(session))


def _load_text(text: str, where: Path) -> None:
    where.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        Session.from_save(where, controllers=scripted())
    except UserError:
        pass


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mangled_save_text_only_raises_user_error(small_save: str, tmp_path: Path, data):
    text = small_save
    cut = data.draw(st.integers(0, len(text)), label="at")
    how = data.draw(st.sampled_from(["truncate", "replace", "insert", "delete"]))
    junk = data.draw(st.text(min_size=1, max_size=4), label="junk")
    if how == "truncate":
        text = text[:cut]
    elif how == "replace":
        text = text[:cut] + junk + text[cut + len(junk) :]
    elif how == "insert":
        text = text[:cut] + junk + text[cut:]
    else:
        text = text[:cut] + text[cut + len(junk) :]
    _load_text(text, tmp_path / "mangled.json")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_save_with_a_wrong_value_only_raises_user_error(small_save: str, tmp_path: Path, data):
    doc = json.loads(small_save)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans(), label="delete") and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(_json_values, label="value")
    _load_text(json.dumps(doc), tmp_path / "wrong.json")


def test_parse_save_names_the_file(saved: Path) -> None:
    with pytest.raises(UserError, match="^autosave: seed:"):
        parse_save(_edited(saved, lambda d: d.update(seed=-1)), "autosave")
