"""Loading and validating scenarios: the valid fixture, and one message per kind of mistake."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date
from pathlib import Path

import pytest
from fixtures.tiny_theatre import write_scenarios_dir

from sim.hexgrid import Hex
from sim.scenario import ScenarioError, load_scenario, validate_paths

_names = itertools.count()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_scenarios_dir(tmp_path_factory.mktemp("load"))


@pytest.fixture(scope="module")
def valid_text(scenarios: Path) -> str:
    return (scenarios / "valid.toml").read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture text to replace is not unique: {old!r}"
    return text.replace(old, new)


def problems(scenarios: Path, text: str) -> list[str]:
    """Every problem of `text` as a scenario file, as printed, with the file name cut off."""
    path = scenarios / f"case-{next(_names)}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(p).replace(path.as_posix(), "FILE") for p in err.value.problems]


def lines_of(text: str, fragment: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]


def line_of(text: str, fragment: str) -> int:
    return lines_of(text, fragment)[0]


# --- the valid fixture ---------------------------------------------------------------------


def test_valid_fixture_loads_with_canonical_references(scenarios: Path) -> None:
    s = load_scenario(scenarios / "valid.toml")
    assert (s.id, s.title, s.turn_days) == ("valid", "Fixture: winter", 7)
    assert (s.start, s.end, s.turns) == (date(1992, 1, 1), date(1992, 3, 31), 13)
    assert [p.name for p in s.files] == ["valid.toml", "sides.toml"]
    raw = b"".join(p.read_bytes() for p in s.files)
    assert s.sha256 == hashlib.sha256(raw).hexdigest()
    assert [side.id for side in s.sides] == ["armenian", "azerbaijani"]
    assert s.side("azerbaijani").ammunition.midpoint == 10000
    step = s.unit("arm-1")
    assert (step.place, step.hex) == ("stepanakert", Hex(0, 0))  # found by alias "Khankendi"
    assert (step.men.low, step.men.high, step.men.provenance.source) == (1000, 2000, "fixture c")
    assert step.tanks.provenance.source == "test fixture §units"  # borrowed from the record
    assert s.unit("aze-2").place is None and s.unit("aze-2").hex == Hex(6, -2)
    assert [(c.kind, c.ref) for c in s.control] == [
        ("nkao", None),
        ("place", "shusha"),
        ("district", "lachin"),
    ]
    assert s.victory[0].places == ("stepanakert", "shusha")
    assert s.victory[1].districts == ("shusha", "agdam")
    assert [e.type for e in s.events[1].effects] == ["withdraw", "capacity", "blockade"]
    assert s.events[1].trigger.place == "shusha"
    assert s.events[3].trigger.days_after == 14


def test_units_at_start_leave_out_reinforcements(scenarios: Path) -> None:
    s = load_scenario(scenarios / "valid.toml")
    assert [u.id for u in s.units_at_start()] == ["arm-1", "aze-1"]
    totals = s.start_totals()
    assert totals["armenian"]["men"] == 1500  # the midpoint of 1000-2000
    assert totals["azerbaijani"] == {
        "men": 800,
        "tanks": 4,
        "afv": 10,
        "artillery": 6,
        "aircraft": 0,
        "helicopters": 0,
    }


def test_a_scenario_can_be_named_by_id(scenarios: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sim.scenario.paths.SCENARIOS_DIR", scenarios)
    assert load_scenario("valid").id == "valid"
    with pytest.raises(ScenarioError, match='no scenario "vaild".*did you mean "valid"'):
        load_scenario("vaild")


# --- one message per kind of mistake --------------------------------------------------------


def test_unknown_key_suggests_the_known_one(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "tanks = 4\n", "tnaks = 4\n")
    line = line_of(text, "tnaks")
    assert problems(scenarios, text) == [
        f'FILE:{line}: units[1].tnaks: unknown key (did you mean "tanks"?)'
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("men = 800\n", 'men = "800"\n', 'expected a number >= 0, found "800" (a string)'),
        ("men = 800\n", "men = true\n", "expected a number >= 0, found true (a boolean)"),
        (
            "start = 1992-01-01\n",
            'start = "1992-01-01"\n',
            "scenario.start: expected a date (written like 1992-05-09, without quotes), "
            'found "1992-01-01" (a string)',
        ),
        (
            "start = 1992-01-01\n",
            "start = 1992-01-01T00:00:00\n",
            "found 1992-01-01T00:00:00 (a date-time)",
        ),
        ("turn_days = 7\n", "turn_days = 7.0\n", "expected an integer between 1 and 31, found 7.0"),
    ],
)
def test_wrong_type(scenarios: Path, valid_text: str, old: str, new: str, expected: str) -> None:
    found = problems(scenarios, edit(valid_text, old, new))
    assert len(found) == 1 and expected in found[0]


def test_negative_men(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "men = 800\n", "men = -5\n")
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'men = -5')}: units[1].men: expected a number >= 0, found -5"
    ]


def test_end_before_start(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "end = 1992-03-31", "end = 1991-12-01")
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'end =')}: scenario.end: "
        "expected a date on or after start (1992-01-01), found 1991-12-01"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("turn_days = 7", "turn_days = 0", "turn_days: expected an integer between 1 and 31"),
        ("morale = 1.2", "morale = 2.5", "morale: expected a number between 0 and 2, found 2.5"),
        ("reduction = 0.5", "reduction = 1.5", "reduction: expected a number between 0 and 1"),
        (
            "men = { low = 1000, high = 2000,",
            "men = { low = 2000, high = 1000,",
            "units[0].men.high: expected high >= low (2000), found 1000",
        ),
        ("men = { low = 1000, high = 2000,", "men = { low = 1000,", "needs both low"),
        ("tanks = 2\n", "tanks = nan\n", "tanks: expected a number >= 0 (finite), found nan"),
        (
            'title = "Fixture: winter"',
            'title = "Fixture: winter"\nid = "winter"',
            'scenario.id: expected "case-',
        ),
    ],
)
def test_impossible_values(
    scenarios: Path, valid_text: str, old: str, new: str, expected: str
) -> None:
    found = problems(scenarios, edit(valid_text, old, new))
    assert len(found) == 1 and expected in found[0], found


def test_unit_on_water(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "hex = [6, -2]", "hex = [3, -3]")
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'hex =')}: units[2].hex: [3, -3] is on water; a unit needs land"
    ]
    text = edit(valid_text, 'place = "shusha"', 'place = "Sarsang reservoir"')
    assert problems(scenarios, text)[0].endswith(
        '"Sarsang reservoir" is on water; a unit needs land'
    )


def test_unit_in_iran(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, 'place = "shusha"', 'place = "Jolfa"')
    assert problems(scenarios, text)[0].endswith(
        'units[1].place: "Jolfa" is in Iran, which is neutral and impassable'
    )


def test_unit_off_the_map(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "hex = [6, -2]", "hex = [40, -2]")
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'hex =')}: units[2].hex: [40, -2] is off the map"
    ]
    text = edit(valid_text, 'place = "shusha"', 'place = "Yerevan"')
    assert problems(scenarios, text)[0].endswith(
        '"Yerevan" lies off the map; a place on the map is needed here (did you mean "Goris"?)'
    )


def test_dangling_place_suggests_the_closest_name(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, 'place = "shusha"', 'place = "Shushaa"')
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'Shushaa')}: units[1].place: "
        '"Shushaa" is not a place on the map (did you mean "Shusha"?)'
    ]


def test_dangling_unit_in_an_effect(scenarios: Path, valid_text: str) -> None:
    text = edit(
        valid_text, '{ type = "arrive", unit = "arm-2" }', '{ type = "arrive", unit = "arm2" }'
    )
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'arm2')}: events[0].effects[0].unit: "
        '"arm2" is not a unit id in this scenario (did you mean "arm-2"?)'
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('route = "lachin-road"', 'route = "lachin-raod"', "route on the map (scenarios/theatre"),
        ('districts = ["shusha", "Agdam"]', 'districts = ["shusha", "Agdm"]', "(did you mean"),
        ('area = "district:lachin"', 'area = "district:lachn"', 'did you mean "lachin"'),
        ('area = "nkao"', 'area = "nkoa"', "expected one of country:<code>, nkao"),
        ('area = "nkao"', 'area = "country:GEO"', '"GEO" is not a country on the map'),
        ('target = "armenia"', 'target = "armenai"', "is not a supply id in this scenario"),
        ('event = "shusha-falls"', 'event = "shusa-falls"', 'did you mean "shusha-falls"'),
        ('event = "shusha-falls"', 'event = "ceasefire"', "an event cannot wait for itself"),
        ('blockade = "rail-blockade"', 'blockade = "rail"', "is not a blockade id"),
        ('by = "armenian" }', 'by = "armenians" }', 'did you mean "armenian"'),
        ('from = "armenia"\nroute', 'from = "azerbaijan"\nroute', "belongs to the azerbaijani"),
        ("hex = [6, -2]", 'hex = [6, -2]\nplace = "agdam"', "give place or hex, not both"),
        ('{ type = "ceasefire" }', '{ type = "cease_fire" }', 'did you mean "ceasefire"'),
        ('{ type = "ceasefire" }', '{ type = "ceasefire", side = "armenian" }', "unknown key"),
        ("date = 1992-01-15", "date = 1995-01-15", "expected a date from 1992-01-01 to 1992-03-31"),
        (
            "date = 1992-01-15",
            'date = 1992-01-15\ntrigger = { event = "collapse" }',
            "not both or neither",
        ),
        (
            "arrives = 1992-02-01",
            "arrives = 1992-02-01\nwithdraws = 1992-01-20",
            "withdraws: expected a date after arrives (1992-02-01), found 1992-01-20",
        ),
        (
            '{ type = "arrive", unit = "arm-2" }',
            '{ type = "arrive", unit = "aze-2" }',
            'unit "aze-2" already arrives on 1992-02-01',
        ),
        (
            '[[victory]]\nside = "armenian"',
            '[[victory]]\nside = "armenian"\ndistricts = ["agdam"]',
            'districts goes with kind = "hold_districts"',
        ),
        ("ammunition = 500\n", "ammunition = 500\nfoo = 1\n", "unknown key (allowed: id, name,"),
        ('[[control]]\narea = "nkao"', '[[contrl]]\narea = "nkao"', 'did you mean "control"'),
    ],
)
def test_cross_references_and_schema(
    scenarios: Path, valid_text: str, old: str, new: str, expected: str
) -> None:
    if old == "ammunition = 500\n":  # this one lives in the include
        text = valid_text.replace('include = ["common/sides.toml"]', "include = []")
        sides = (scenarios / "common" / "sides.toml").read_text(encoding="utf-8")
        text += "\n" + edit(sides, old, new)
    else:
        text = edit(valid_text, old, new)
    found = problems(scenarios, text)
    assert len(found) == 1 and expected in found[0], found


def test_trigger_cycle(scenarios: Path, valid_text: str) -> None:
    text = edit(
        valid_text,
        'trigger = { morale_below = 0.6, side = "azerbaijani" }',
        'trigger = { event = "ceasefire" }',
    )
    text = edit(text, 'event = "shusha-falls"', 'event = "collapse"')
    found = problems(scenarios, text)
    assert len(found) == 1 and "wait for each other" in found[0]


def test_missing_provenance(scenarios: Path, valid_text: str) -> None:
    text = edit(
        valid_text, 'afv = 10\nartillery = 6\nsource = "test fixture §units"\n', "afv = 10\n"
    )
    line = line_of(text, 'place = "shusha"') - 5  # the [[units]] header
    assert problems(scenarios, text) == [
        f'FILE:{line}: units[1]: numbers without a provenance: add source = "..." '
        '(or estimate = true with why = "...")'
    ]


def test_estimate_without_why(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, 'why = "a round figure for a battalion"\n', "")
    assert problems(scenarios, text) == [
        f"FILE:{line_of(text, 'estimate = true')}: units[2].estimate: "
        'estimate = true needs why = "..." saying how the number was reached'
    ]


def test_duplicate_id_names_both_places(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, 'id = "arm-2"', 'id = "aze-1"')
    text = edit(text, 'unit = "arm-2"', 'unit = "aze-1"')
    first, second = lines_of(text, 'id = "aze-1"')
    assert problems(scenarios, text) == [
        f'FILE:{second}: units[3].id: unit id "aze-1" is used twice (also at FILE:{first})'
    ]


def test_duplicate_across_an_include(scenarios: Path, valid_text: str) -> None:
    text = valid_text + '\n[[sides]]\nid = "armenian"\nname = "Again"\n'
    text += 'national_morale = 1\nammunition = 1\nsource = "x"\n'
    found = problems(scenarios, text)
    assert len(found) == 1
    assert 'sides[0].id: side id "armenian" is used twice (also at ' in found[0]
    assert "common/sides.toml:4)" in found[0]


def test_toml_syntax_error_names_the_line(scenarios: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        load_scenario(scenarios / "syntax_error.toml")
    (problem,) = err.value.problems
    assert problem.line == 9
    assert str(problem).endswith(
        "syntax_error.toml:9: TOML syntax error: Illegal character '\\n' (column 28)"
    )


@pytest.mark.parametrize(
    ("include", "expected"),
    [
        ('"common/side.toml"', "does not exist in"),
        ('"../outside.toml"', "is outside the scenarios directory"),
        ('"/etc/hosts"', "is outside the scenarios directory"),
        ('"common/sides.toml", "common/sides.toml"', "is included twice"),
        ('"valid.toml"', "an included file cannot have a [scenario] table"),
    ],
)
def test_bad_include(scenarios: Path, valid_text: str, include: str, expected: str) -> None:
    text = edit(valid_text, '"common/sides.toml"]', f"{include}]")
    found = problems(scenarios, text)
    assert any(expected in p for p in found), found
    if include == '"common/side.toml"':
        assert found[0].endswith('(did you mean "common/sides.toml"?)')


def test_every_mistake_is_reported_at_once(scenarios: Path) -> None:
    path = scenarios / "three_mistakes.toml"
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    found = err.value.problems
    assert [(p.line, p.path) for p in found] == [
        (13, ("units", 0, "side")),
        (18, ("units", 0, "morale")),
        (24, ("units", 1, "place")),
    ]
    assert str(err.value).count("\n") == 2


def test_not_a_scenario_file(scenarios: Path) -> None:
    found = problems(scenarios, (scenarios / "common" / "sides.toml").read_text(encoding="utf-8"))
    assert found == [
        "FILE: scenario: expected a [scenario] table, found nothing "
        "(is this a file that a scenario includes?)"
    ]


def test_not_utf8(scenarios: Path) -> None:
    path = scenarios / "latin1.toml"
    path.write_bytes(b'[scenario]\ntitle = "Ag\xe7am"\n')
    with pytest.raises(ScenarioError, match=r"latin1.toml:2: not UTF-8 text"):
        load_scenario(path)


def test_validate_paths_gathers_problems_of_every_file(scenarios: Path) -> None:
    found = validate_paths(
        [
            scenarios / "valid.toml",
            scenarios / "three_mistakes.toml",
            scenarios / "syntax_error.toml",
        ]
    )
    assert [Path(p.file).name for p in found] == ["three_mistakes.toml"] * 3 + ["syntax_error.toml"]


def test_inline_number_mistakes(scenarios: Path, valid_text: str) -> None:
    text = edit(valid_text, "men = 800\n", 'men = { valeu = 800, why = "guess" }\n')
    line = line_of(text, "valeu")
    assert problems(scenarios, text) == [
        f'FILE:{line}: units[1].men.valeu: unknown key (did you mean "value"?)',
        f"FILE:{line}: units[1].men.why: why goes with estimate = true",
        f"FILE:{line}: units[1].men: expected either value = ... or low = ... and high = ...",
    ]


def test_an_operation_names_existing_units_of_its_side(tmp_path):
    import shutil

    from sim.scenario.paths import SCENARIOS_DIR
    from sim.theatre import load_theatre

    shutil.copytree(SCENARIOS_DIR / "common", tmp_path / "common")
    text = (SCENARIOS_DIR / "1992-winter.toml").read_text(encoding="utf-8")
    good = text + (
        '\n[[operations]]\nid = "test-assault"\nside = "armenian"\nname = "Assault"\n'
        'start = 1992-02-25\nobjective = "Khojaly"\nunits = ["arm-askeran"]\n'
        'source = "source §Capture of Khojaly"\n'
    )
    target = tmp_path / "operation-test.toml"
    target.write_text(good, encoding="utf-8")
    theatre = load_theatre()
    op = next(o for o in load_scenario(target, theatre).operations if o.id == "test-assault")
    assert op.objectives == ("khojaly",) and op.end.isoformat() == "1992-03-10"
    target.write_text(good.replace('["arm-askeran"]', '["aze-khojaly", "arm-askeranx"]'))
    with pytest.raises(ScenarioError) as err:
        load_scenario(target, theatre)
    messages = [str(p) for p in err.value.problems]
    assert any("fights for the azerbaijani side" in m for m in messages)
    assert any('did you mean "arm-askeran"' in m for m in messages)
